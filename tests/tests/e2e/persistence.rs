//! What the database guarantees: durable commits, concurrent writers that wait their turn,
//! and every change written together with its audit event and outbox row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::{TestApp, spawn_app, user_error_codes};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

async fn scalar(app: &TestApp, sql: &str) -> Value {
    let db = &app.services.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0)
        .map(Value::from)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(Value::from))
        .unwrap()
}

#[tokio::test]
async fn commits_are_durable_and_foreign_keys_enforced() {
    let app = spawn_app().await;
    match app.services.db.get_database_backend() {
        DbBackend::Sqlite => {
            assert_eq!(scalar(&app, "PRAGMA journal_mode").await, "wal");
            // 2 = FULL: the WAL is synced at every commit, so a power cut loses nothing acknowledged.
            assert_eq!(scalar(&app, "PRAGMA synchronous").await, 2);
            assert_eq!(scalar(&app, "PRAGMA foreign_keys").await, 1);
            assert!(scalar(&app, "PRAGMA busy_timeout").await.as_i64().unwrap() >= 1000);
        }
        DbBackend::Postgres => {
            assert_eq!(scalar(&app, "SHOW synchronous_commit").await, "on");
        }
        other => panic!("unexpected backend {other:?}"),
    }
    let orphan = app
        .services
        .db
        .execute_unprepared("INSERT INTO users (organisation_id, subject, created_at, last_seen_at) VALUES (999999, 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
        .await;
    assert!(orphan.is_err(), "a user of no organisation was accepted");
}

fn registration(i: usize) -> Value {
    let body = 1_000_000 + i as u64;
    json!({
        "slug": format!("partner-{i}"),
        "kind": "PARTNER",
        "names": [{ "lang": "NL", "text": format!("Partner {i}") }],
        "enterpriseNumber": format!("{body:08}{:02}", 97 - body % 97),
    })
}

const REGISTER: &str = "mutation($input: RegisterOrganisationInput!) {
  registerOrganisation(input: $input) { organisation { slug } userErrors { field code message } }
}";

/// Each registration reads (is the slug taken?) then writes. On SQLite, transactions that take
/// the write lock at their start queue behind each other instead of failing with SQLITE_BUSY.
#[tokio::test]
async fn concurrent_writers_all_succeed() {
    let app = spawn_app().await;
    let token = app.login_as("inasti", "PLATFORM_ADMIN");
    let writes = (0..24).map(|i| {
        let app = &app;
        let token = token.clone();
        async move {
            app.graphql_as(&token, REGISTER, json!({ "input": registration(i) }))
                .await
        }
    });
    // Joined on one task: the requests are in flight at the same time.
    let results = futures_util::future::join_all(writes).await;
    for body in &results {
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(
            user_error_codes(&body["data"]["registerOrganisation"]),
            Vec::<String>::new(),
            "{body}"
        );
    }
    let total = app
        .graphql("{ organisations(kind: PARTNER) { totalCount } }", json!({}))
        .await;
    assert_eq!(total["data"]["organisations"]["totalCount"], 24);
}

#[tokio::test]
async fn a_change_is_written_with_its_audit_event_and_outbox_row_or_not_at_all() {
    let app = spawn_app().await;
    let token = app.login_as("inasti", "PLATFORM_ADMIN");
    let audit_before = scalar(&app, "SELECT COUNT(*) FROM audit_events").await;
    let outbox_before = scalar(&app, "SELECT COUNT(*) FROM outbox").await;

    let ok = app
        .graphql_as(&token, REGISTER, json!({ "input": registration(1) }))
        .await;
    assert_eq!(
        ok["data"]["registerOrganisation"]["organisation"]["slug"], "partner-1",
        "{ok}"
    );
    let id: i64 = scalar(
        &app,
        "SELECT id FROM organisations WHERE slug = 'partner-1'",
    )
    .await
    .as_i64()
    .unwrap();
    let audit = scalar(&app, &format!("SELECT COUNT(*) FROM audit_events WHERE subject_type = 'organisation' AND subject_id = {id} AND action = 'organisation.registered'")).await;
    assert_eq!(audit, 1);
    let outbox = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) FROM outbox WHERE entity_type = 'organisation' AND entity_id = {id}"
        ),
    )
    .await;
    assert_eq!(outbox, 1);

    let mut bad = registration(2);
    bad["enterpriseNumber"] = json!("0000.000.000");
    let refused = app
        .graphql_as(&token, REGISTER, json!({ "input": bad }))
        .await;
    assert!(!user_error_codes(&refused["data"]["registerOrganisation"]).is_empty());
    let audit_after = scalar(&app, "SELECT COUNT(*) FROM audit_events")
        .await
        .as_i64()
        .unwrap();
    let outbox_after = scalar(&app, "SELECT COUNT(*) FROM outbox")
        .await
        .as_i64()
        .unwrap();
    assert_eq!(audit_after, audit_before.as_i64().unwrap() + 1);
    assert_eq!(outbox_after, outbox_before.as_i64().unwrap() + 1);
}
