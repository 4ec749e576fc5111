//! The audit log and INASTI's auditors: every write's event, read by auditors and platform
//! admins only, filtered by organisation, kind and period; auditors never write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::{CREATE, content, draft_tool};
use commons_tests::{TestApp, error_code, spawn_app};
use serde_json::{Value, json};

const LOG: &str = "query($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { action subjectType subjectId details occurredAt organisation { slug } actor { id } } } } }";

async fn app() -> TestApp {
    let app = spawn_app().await.with_organisations().await;
    draft_tool(&app, "acerta", "Auto-test", "NETWORK").await;
    draft_tool(&app, "ucm", "Groupe de parole", "NETWORK").await;
    app
}

fn actions(body: &Value) -> Vec<String> {
    body["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn auditors_and_platform_admins_read_the_audit_log_and_nobody_else() {
    let app = app().await;
    for (caller, expected) in [
        (None, Some("UNAUTHENTICATED")),
        (Some(("acerta", "ORG_ADMIN")), Some("FORBIDDEN")),
        (Some(("inasti", "MODERATOR")), Some("FORBIDDEN")),
        (Some(("inasti", "AUDITOR")), None),
        (Some(("inasti", "PLATFORM_ADMIN")), None),
    ] {
        let body = match caller {
            Some((org, role)) => {
                app.graphql_as(&app.login_as(org, role), LOG, json!({}))
                    .await
            }
            None => app.graphql(LOG, json!({})).await,
        };
        assert_eq!(error_code(&body), expected, "{caller:?}: {body}");
        if expected.is_none() {
            assert!(
                body["data"]["auditLog"]["totalCount"].as_u64().unwrap() >= 2,
                "{body}"
            );
        }
    }
}

#[tokio::test]
async fn the_log_narrows_by_organisation_kind_and_period_and_pages_newest_first() {
    let app = app().await;
    let auditor = app.login_as("inasti", "AUDITOR");
    let acerta = app.organisation_id("acerta").await;
    let mine = app
        .graphql_as(
            &auditor,
            LOG,
            json!({ "filter": { "organisationId": acerta, "subjectTypes": ["tool"] } }),
        )
        .await;
    assert_eq!(mine["data"]["auditLog"]["totalCount"], 1, "{mine}");
    let node = &mine["data"]["auditLog"]["edges"][0]["node"];
    assert_eq!(node["organisation"]["slug"], "acerta");
    assert_eq!(node["subjectType"], "tool");
    assert!(!node["actor"]["id"].is_null());
    // Every tool event, one a page, newest first.
    let first = app
        .graphql_as(
            &auditor,
            LOG,
            json!({ "filter": { "subjectTypes": ["tool"] }, "first": 1 }),
        )
        .await;
    assert_eq!(first["data"]["auditLog"]["totalCount"], 2, "{first}");
    assert_eq!(first["data"]["auditLog"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["data"]["auditLog"]["pageInfo"]["endCursor"].clone();
    let second = app
        .graphql_as(
            &auditor,
            LOG,
            json!({ "filter": { "subjectTypes": ["tool"] }, "first": 1, "after": cursor }),
        )
        .await;
    let ids = |b: &Value| {
        b["data"]["auditLog"]["edges"][0]["node"]["subjectId"]
            .as_i64()
            .unwrap()
    };
    assert!(ids(&first) > ids(&second), "newest first: {first} {second}");
    assert_eq!(actions(&second).len(), 1);
    // A period that has not begun holds nothing; a period that ends before it begins is refused.
    let later = app
        .graphql_as(
            &auditor,
            LOG,
            json!({ "filter": { "from": "2999-01-01T00:00:00Z" } }),
        )
        .await;
    assert_eq!(later["data"]["auditLog"]["totalCount"], 0, "{later}");
    let backwards = app
        .graphql_as(&auditor, LOG, json!({ "filter": { "from": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z" } }))
        .await;
    assert_eq!(
        error_code(&backwards),
        Some("BAD_USER_INPUT"),
        "{backwards}"
    );
    // Each kind named is a parameter of the query: their number is bounded.
    let kinds: Vec<String> = (0..5000).map(|i| format!("kind{i}")).collect();
    let too_many = app
        .graphql_as(
            &auditor,
            LOG,
            json!({ "filter": { "subjectTypes": kinds } }),
        )
        .await;
    assert_eq!(error_code(&too_many), Some("BAD_USER_INPUT"), "{too_many}");
}

#[tokio::test]
async fn auditors_read_but_never_write() {
    let app = app().await;
    let auditor = app.login_as("inasti", "AUDITOR");
    let create = app
        .graphql_as(
            &auditor,
            CREATE,
            json!({ "input": { "content": content("Audit", "NETWORK") } }),
        )
        .await;
    assert_eq!(error_code(&create), Some("FORBIDDEN"), "{create}");
    let frame = app
        .graphql_as(
            &auditor,
            "mutation { setLegalFrame(input: { year: 2026, mandatory: [AWARENESS_PROMOTION, ORIENTATION_SUPPORT, EARLY_DETECTION] }) { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&frame), Some("FORBIDDEN"), "{frame}");
    // The audit export of every responsibility record is theirs to read.
    let export = app
        .client
        .get(format!(
            "{}/exports/responsibility-record?format=json",
            app.address
        ))
        .bearer_auth(&auditor)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
}
