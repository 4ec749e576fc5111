//! The legal frame as data: the law's mandatory categories by default, extended for a year by
//! platform admins (never shortened, one left optional), read by anyone, every change audited.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::{TestApp, error_code, spawn_app};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const READ: &str =
    "query($year: Int!) { legalFrame(year: $year) { year categories { category mandatory } } }";
const SET: &str = "mutation($input: SetLegalFrameInput!) { setLegalFrame(input: $input) {
  legalFrame { year categories { category mandatory } } userErrors { field code message } } }";

async fn app() -> TestApp {
    let app = spawn_app().await.with_organisations().await;
    app.services
        .clock
        .set(Some("2026-06-01T09:00:00Z".parse().unwrap()));
    app
}

async fn mandatory(app: &TestApp, year: i32) -> Vec<String> {
    let body = app.graphql(READ, json!({ "year": year })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["legalFrame"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["mandatory"] == true)
        .map(|c| c["category"].as_str().unwrap().to_owned())
        .collect()
}

fn extended() -> Value {
    json!({ "year": 2026, "mandatory": ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT", "EARLY_DETECTION"] })
}

#[tokio::test]
async fn a_year_nobody_changed_follows_the_law_and_anyone_reads_it() {
    let app = app().await;
    assert_eq!(
        mandatory(&app, 2024).await,
        ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"]
    );
    let body = app.graphql(READ, json!({ "year": 2025 })).await;
    assert_eq!(
        body["data"]["legalFrame"]["categories"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test]
async fn only_platform_admins_extend_a_year_and_the_change_is_audited() {
    let app = app().await;
    for (caller, expected) in [
        (None, "UNAUTHENTICATED"),
        (Some(("acerta", "ORG_ADMIN")), "FORBIDDEN"),
        (Some(("unizo", "STAFF")), "FORBIDDEN"),
        (Some(("inasti", "MODERATOR")), "FORBIDDEN"),
    ] {
        let body = match caller {
            Some((org, role)) => {
                app.graphql_as(
                    &app.login_as(org, role),
                    SET,
                    json!({ "input": extended() }),
                )
                .await
            }
            None => app.graphql(SET, json!({ "input": extended() })).await,
        };
        assert_eq!(error_code(&body), Some(expected), "{caller:?}: {body}");
        assert_eq!(
            mandatory(&app, 2026).await.len(),
            2,
            "{caller:?} changed nothing"
        );
    }
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    let body = app
        .graphql_as(&admin, SET, json!({ "input": extended() }))
        .await;
    assert_eq!(
        body["data"]["setLegalFrame"]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_eq!(
        mandatory(&app, 2026).await,
        [
            "AWARENESS_PROMOTION",
            "ORIENTATION_SUPPORT",
            "EARLY_DETECTION"
        ]
    );
    assert_eq!(
        mandatory(&app, 2025).await.len(),
        2,
        "other years keep the law"
    );
    let db = &app.services.db;
    let audited = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT details FROM audit_events WHERE action = 'legal_frame.set'",
        ))
        .await
        .unwrap()
        .expect("the change is audited");
    let details: String = audited.try_get("", "details").unwrap();
    assert!(details.contains("EARLY_DETECTION"), "{details}");
}

#[tokio::test]
async fn the_frame_is_never_shortened_keeps_an_optional_category_and_names_a_year_of_the_mission() {
    let app = app().await;
    let admin = app.login_as("inasti", "PLATFORM_ADMIN");
    for (input, field, code) in [
        (
            json!({ "year": 2026, "mandatory": ["AWARENESS_PROMOTION"] }),
            "mandatory",
            "NOT_ALLOWED",
        ),
        (
            json!({ "year": 2026, "mandatory": ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT", "EARLY_DETECTION", "SECONDARY_PREVENTION", "FRONTLINE_TRAINING"] }),
            "mandatory",
            "NOT_ALLOWED",
        ),
        (
            json!({ "year": 2023, "mandatory": ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"] }),
            "year",
            "OUT_OF_RANGE",
        ),
        // The clock says 2026: next year may be prepared, not the one after.
        (
            json!({ "year": 2028, "mandatory": ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"] }),
            "year",
            "OUT_OF_RANGE",
        ),
    ] {
        let body = app.graphql_as(&admin, SET, json!({ "input": input })).await;
        let errors = &body["data"]["setLegalFrame"]["userErrors"];
        assert_eq!(errors[0]["code"], code, "{input}: {body}");
        assert_eq!(errors[0]["field"], json!([field]), "{input}: {body}");
        assert_eq!(body["data"]["setLegalFrame"]["legalFrame"], Value::Null);
    }
    assert_eq!(mandatory(&app, 2026).await.len(), 2, "nothing was written");
    let body = app
        .graphql_as(&admin, SET, json!({ "input": { "year": 2027, "mandatory": ["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT", "FRONTLINE_TRAINING"] } }))
        .await;
    assert_eq!(
        body["data"]["setLegalFrame"]["userErrors"],
        json!([]),
        "{body}"
    );
}
