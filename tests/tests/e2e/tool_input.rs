//! Bad tool content is refused field by field, and nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::tools::{CREATE, UPDATE, content, draft_tool, outcome};
use commons_tests::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn tool_count(app: &TestApp, token: &str) -> u64 {
    let body = app
        .graphql_as(token, "{ tools { totalCount } }", json!({}))
        .await;
    body["data"]["tools"]["totalCount"].as_u64().unwrap()
}

fn with(f: impl Fn(&mut Value)) -> Value {
    let mut c = content("Auto-test", "PUBLIC");
    f(&mut c);
    c
}

/// (case, content, expected codes, field path of the first error)
fn bad_contents() -> Vec<(&'static str, Value, Vec<&'static str>, Value)> {
    vec![
        (
            "empty title",
            with(|c| c["translations"][0]["title"] = json!("  ")),
            vec!["REQUIRED"],
            json!(["content", "translations", "0", "title"]),
        ),
        (
            "title over 200 characters",
            with(|c| c["translations"][0]["title"] = json!("é".repeat(201))),
            vec!["TOO_LONG"],
            json!(["content", "translations", "0", "title"]),
        ),
        (
            "body over 100 KiB",
            with(|c| c["translations"][0]["body"] = json!("x".repeat(100 * 1024 + 1))),
            vec!["TOO_LONG"],
            json!(["content", "translations", "0", "body"]),
        ),
        (
            "no language",
            with(|c| c["translations"] = json!([])),
            vec!["REQUIRED"],
            json!(["content", "translations"]),
        ),
        (
            "a language twice",
            with(|c| {
                let t = c["translations"][0].clone();
                c["translations"] = json!([t.clone(), t]);
            }),
            vec!["DUPLICATE"],
            json!(["content", "translations", "1", "lang"]),
        ),
        (
            "no category",
            with(|c| c["categories"] = json!([])),
            vec!["REQUIRED"],
            json!(["content", "categories"]),
        ),
        (
            "unknown licence",
            with(|c| c["licence"] = json!("Libre de droits")),
            vec!["INVALID_FORMAT"],
            json!(["content", "licence"]),
        ),
        (
            "more than 20 tags",
            with(|c| c["tags"] = json!((0..21).map(|i| format!("tag {i}")).collect::<Vec<_>>())),
            vec!["TOO_LONG"],
            json!(["content", "tags"]),
        ),
        (
            "a cost that is not an amount",
            with(|c| c["costEur"] = json!("gratuit")),
            vec!["INVALID_FORMAT"],
            json!(["content", "costEur"]),
        ),
    ]
}

#[tokio::test]
async fn bad_content_is_refused_on_creation_and_nothing_is_written() {
    let app = spawn_app().await.with_organisations().await;
    let token = app.login_as("acerta", "STAFF");
    for (case, content, codes, field) in bad_contents() {
        let body = app
            .graphql_as(&token, CREATE, json!({ "input": { "content": content } }))
            .await;
        let payload = &body["data"]["createTool"];
        assert_eq!(
            outcome(&body, "createTool"),
            codes.join(","),
            "{case}: {body}"
        );
        assert_eq!(payload["userErrors"][0]["field"], field, "{case}");
        assert_eq!(payload["tool"], Value::Null, "{case}");
    }
    assert_eq!(tool_count(&app, &token).await, 0);
}

#[tokio::test]
async fn bad_content_is_refused_on_edit_and_no_revision_is_added() {
    let app = spawn_app().await.with_organisations().await;
    let token = app.login_as("acerta", "STAFF");
    let id = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
    for (case, content, codes, _) in bad_contents() {
        let body = app
            .graphql_as(
                &token,
                UPDATE,
                json!({ "input": { "toolId": id, "baseRevision": 1, "content": content } }),
            )
            .await;
        assert_eq!(
            outcome(&body, "updateTool"),
            codes.join(","),
            "{case}: {body}"
        );
    }
    let tool = app
        .graphql_as(&token, "query($id: ID!) { node(id: $id) { ... on Tool { revisions { totalCount } current { title } } } }", json!({ "id": id }))
        .await;
    assert_eq!(tool["data"]["node"]["revisions"]["totalCount"], 1);
    assert_eq!(tool["data"]["node"]["current"]["title"], "Auto-test");
}

#[tokio::test]
async fn values_outside_the_schema_are_bad_input() {
    let app = spawn_app().await.with_organisations().await;
    let token = app.login_as("acerta", "STAFF");
    for (case, content) in [
        ("unknown kind", with(|c| c["kind"] = json!("PODCAST"))),
        (
            "unknown category",
            with(|c| c["categories"] = json!(["HAPPINESS"])),
        ),
        (
            "unknown language",
            with(|c| c["translations"][0]["lang"] = json!("IT")),
        ),
    ] {
        let body = app
            .graphql_as(&token, CREATE, json!({ "input": { "content": content } }))
            .await;
        assert_eq!(
            commons_tests::error_code(&body),
            Some("BAD_USER_INPUT"),
            "{case}: {body}"
        );
    }
    assert_eq!(tool_count(&app, &token).await, 0);
}

#[tokio::test]
async fn a_tool_id_of_another_type_is_bad_input() {
    let app = spawn_app().await.with_organisations().await;
    let token = app.login_as("acerta", "STAFF");
    let org = app.organisation_id("acerta").await;
    let body = app
        .graphql_as(&token, UPDATE, json!({ "input": { "toolId": org, "baseRevision": 1, "content": content("x", "PUBLIC") } }))
        .await;
    assert_eq!(
        commons_tests::error_code(&body),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
}
