//! Helpers for tests of the tool catalogue: content to send, and tools brought to a given
//! stage of the workflow through the API.

use serde_json::{Value, json};

use crate::{TestApp, error_code, user_error_codes};

pub const CREATE: &str = "mutation($input: CreateToolInput!) { createTool(input: $input) {
  tool { id status current { number status title visibility } } userErrors { field code message } } }";
pub const UPDATE: &str = "mutation($input: UpdateToolInput!) { updateTool(input: $input) {
  tool { id status current { number status title } latest { number status } published { number title } }
  userErrors { field code message } } }";
pub const SUBMIT: &str = "mutation($input: SubmitToolInput!) { submitTool(input: $input) {
  tool { id status current { number status } } userErrors { field code message } } }";
pub const DECIDE: &str = "mutation($input: DecideOnToolInput!) { decideOnTool(input: $input) {
  tool { id status current { number status } published { number } } userErrors { field code message } } }";
pub const ARCHIVE: &str = "mutation($input: ArchiveToolInput!) { archiveTool(input: $input) {
  tool { id status } userErrors { field code message } } }";
pub const WITHDRAW: &str = "mutation($input: WithdrawToolInput!) { withdrawTool(input: $input) {
  tool { id status } userErrors { field code message } } }";

/// A valid tool content with this title (in French) and visibility.
pub fn content(title: &str, visibility: &str) -> Value {
    json!({
        "kind": "SELF_SCAN",
        "categories": ["EARLY_DETECTION", "AWARENESS_PROMOTION"],
        "translations": [{
            "lang": "FR",
            "title": title,
            "summary": "Un auto-test pour mesurer son niveau de stress.",
            "body": "## Mode d'emploi\n\nRépondez aux questions."
        }],
        "audiences": ["ALL_SELF_EMPLOYED"],
        "deliveryModes": ["INDIVIDUAL"],
        "deliveryFormats": ["ONLINE"],
        "scopes": ["NATIONAL"],
        "licence": "CC-BY-4.0",
        "tags": ["stress"],
        "visibility": visibility,
    })
}

/// The code a call ended with: `OK`, the userErrors codes joined, or the GraphQL error code.
pub fn outcome(body: &Value, field: &str) -> String {
    if let Some(code) = error_code(body) {
        return code.to_owned();
    }
    let errors = user_error_codes(&body["data"][field]);
    if errors.is_empty() {
        "OK".to_owned()
    } else {
        errors.join(",")
    }
}

/// Runs a mutation and insists that it went through; returns its payload.
pub async fn ok(app: &TestApp, token: &str, query: &str, field: &str, input: Value) -> Value {
    let body = app
        .graphql_as(token, query, json!({ "input": input }))
        .await;
    assert_eq!(outcome(&body, field), "OK", "{field}: {body}");
    body["data"][field].clone()
}

/// A draft tool of `org`; returns its global ID.
pub async fn draft_tool(app: &TestApp, org: &str, title: &str, visibility: &str) -> String {
    let token = app.login_as(org, "STAFF");
    let created = ok(
        app,
        &token,
        CREATE,
        "createTool",
        json!({ "content": content(title, visibility) }),
    )
    .await;
    created["tool"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A tool of `org` submitted for review.
pub async fn tool_in_review(app: &TestApp, org: &str, title: &str, visibility: &str) -> String {
    let id = draft_tool(app, org, title, visibility).await;
    submit(app, org, &id).await;
    id
}

/// A published tool of `org`, approved by a moderator.
pub async fn published_tool(app: &TestApp, org: &str, title: &str, visibility: &str) -> String {
    let id = tool_in_review(app, org, title, visibility).await;
    approve(app, &id).await;
    id
}

/// A published, public tool of `org` written in these translations (`[{lang, title, summary,
/// body}]`).
pub async fn published_tool_in(app: &TestApp, org: &str, translations: Value) -> String {
    let mut c = content("", "PUBLIC");
    c["translations"] = translations;
    c["tags"] = json!([]);
    let token = app.login_as(org, "STAFF");
    let created = ok(app, &token, CREATE, "createTool", json!({ "content": c })).await;
    let id = created["tool"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    submit(app, org, &id).await;
    approve(app, &id).await;
    id
}

/// The first revision of `org`'s draft `id` submitted, then approved by a moderator.
pub async fn submit_and_approve(app: &TestApp, org: &str, id: &str) {
    submit(app, org, id).await;
    approve(app, id).await;
}

async fn submit(app: &TestApp, org: &str, id: &str) {
    let token = app.login_as(org, "STAFF");
    let input = json!({ "toolId": id, "revision": 1 });
    ok(app, &token, SUBMIT, "submitTool", input).await;
}

async fn approve(app: &TestApp, id: &str) {
    let moderator = app.login_as("inasti", "MODERATOR");
    let input = json!({ "toolId": id, "revision": 1, "decision": "APPROVE" });
    ok(app, &moderator, DECIDE, "decideOnTool", input).await;
}
