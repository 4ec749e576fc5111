//! A change whose transaction commits late is never skipped by the index follower, even when
//! another change starts after it. On PostgreSQL a sequence value is taken before commit, so
//! outbox inserts are serialised (an advisory lock held to commit); on SQLite writers take
//! turns. This test holds one transaction open across another writer on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use commons_tests::tools::{UPDATE, content, published_tool};
use commons_tests::{TestApp, spawn_app};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

async fn search(app: &TestApp, token: Option<&str>, q: &str) -> u64 {
    let query = "query($q: String) { searchTools(query: $q) { totalCount } }";
    let body = match token {
        Some(t) => app.graphql_as(t, query, json!({ "q": q })).await,
        None => app.graphql(query, json!({ "q": q })).await,
    };
    body["data"]["searchTools"]["totalCount"]
        .as_u64()
        .unwrap_or_else(|| panic!("{body}"))
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let db = &app.services.db;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn a_change_that_commits_late_is_still_applied() {
    let app = spawn_app().await.with_organisations().await;
    let owner = app.login_as("acerta", "STAFF");
    published_tool(&app, "acerta", "Premier outil", "PUBLIC").await;
    let second = published_tool(&app, "acerta", "Second outil", "PUBLIC").await;
    app.wait_for_index().await;
    let first_id = scalar(&app, "SELECT MIN(id) FROM tools").await;

    // T1: a write that takes its outbox row first and commits last.
    let t1 = commons_store::begin_write(&app.services.db).await.unwrap();
    t1.execute_unprepared(&format!(
        "UPDATE tool_translations SET title = 'Premier outil retardataire' \
         WHERE revision_id IN (SELECT id FROM tool_revisions WHERE tool_id = {first_id})"
    ))
    .await
    .unwrap();
    commons_store::outbox::append(&t1, "tool", first_id, chrono::Utc::now())
        .await
        .unwrap();

    // T2: an ordinary edit through the API, started while T1 is open.
    let edit = {
        let app_address = app.address.clone();
        let client = app.client.clone();
        let input = json!({ "toolId": second, "baseRevision": 1, "content": content("Second outil révisé", "PUBLIC") });
        let owner = owner.clone();
        tokio::spawn(async move {
            client
                .post(format!("{app_address}/graphql"))
                .bearer_auth(owner)
                .json(&json!({ "query": UPDATE, "variables": { "input": input } }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !edit.is_finished(),
        "the second writer must wait for the first to commit"
    );
    t1.commit().await.unwrap();
    let edited = edit.await.unwrap();
    assert!(
        edited["data"]["updateTool"]["userErrors"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "{edited}"
    );

    // Ids were handed out in commit order, and the follower applied both.
    let late = scalar(
        &app,
        &format!(
            "SELECT MAX(id) FROM outbox WHERE entity_id = {first_id} AND entity_type = 'tool'"
        ),
    )
    .await;
    let later = scalar(&app, "SELECT MAX(id) FROM outbox").await;
    assert!(late < later);
    app.wait_for_index().await;
    assert_eq!(
        search(&app, None, "retardataire").await,
        1,
        "the late commit is searchable"
    );
    assert_eq!(
        search(&app, Some(&owner), "révisé").await,
        1,
        "the later change is searchable"
    );
}
