//! GraphiQL and the clients that load the schema: the standard introspection query is
//! answered, GraphiQL's scripts are pinned with Subresource Integrity, and production can
//! switch both off.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::{error_code, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const STANDARD: &str = include_str!("../../fixtures/introspection-query.graphql");
const WITH_OPTIONS: &str = include_str!("../../fixtures/introspection-query-full.graphql");

#[tokio::test]
async fn the_standard_introspection_query_is_answered() {
    let app = spawn_app().await;
    for query in [STANDARD, WITH_OPTIONS] {
        let body = app.graphql(query, json!({})).await;
        assert!(body["errors"].is_null(), "{body}");
        let types = body["data"]["__schema"]["types"].as_array().unwrap();
        assert!(types.iter().any(|t| t["name"] == "Tool"), "{body}");
    }
}

#[tokio::test]
async fn introspection_nested_past_its_own_limit_is_refused() {
    // The standard query is fifteen levels deep.
    let app = spawn_app_with(|c| c.limits.introspection_depth = 15).await;
    let deep = format!(
        "{{ __type(name: \"Tool\") {{ {} name {} }} }}",
        "ofType { ".repeat(15),
        "}".repeat(15)
    );
    let body = app.graphql(&deep, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("introspection_depth"),
        "{body}"
    );
    assert!(app.graphql(STANDARD, json!({})).await["errors"].is_null());
}

#[tokio::test]
async fn data_nested_too_deep_is_still_refused_whatever_the_fragments() {
    let app = spawn_app_with(|c| c.limits.query_depth = 3).await;
    let body = app
        .graphql(
            "query { viewer { ...A } } fragment A on Viewer { organisation { ...B } } fragment B on Organisation { tools { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep"),
        "{body}"
    );
}

#[tokio::test]
async fn graphiql_loads_pinned_scripts_with_their_integrity_and_nothing_inline() {
    let app = spawn_app().await;
    let page = app.get("/graphiql").await;
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(!policy.contains("script-src 'unsafe-inline'"), "{policy}");
    let html = page.text().await.unwrap();
    let remote: Vec<&str> = html
        .split('<')
        .filter(|tag| tag.contains("https://"))
        .filter(|tag| tag.starts_with("script") || tag.starts_with("link"))
        .collect();
    assert_eq!(remote.len(), 4, "{html}");
    for tag in remote {
        assert!(tag.contains("integrity=\"sha384-"), "{tag}");
        assert!(tag.contains("crossorigin=\"anonymous\""), "{tag}");
        // An exact version: `name@major.minor.patch/`.
        let version = tag.split('@').nth(1).unwrap().split('/').next().unwrap();
        assert_eq!(version.split('.').count(), 3, "{tag}");
        assert!(
            version.split('.').all(|p| p.parse::<u32>().is_ok()),
            "{tag}"
        );
    }
    assert!(
        !html.contains("<script>"),
        "no inline script on the page: {html}"
    );
    let start = app.get("/graphiql/start.js").await;
    assert_eq!(start.status(), 200);
    assert!(start.text().await.unwrap().contains("/graphql"));
}

#[tokio::test]
async fn production_can_switch_graphiql_and_introspection_off() {
    let app = spawn_app_with(|c| {
        c.graphiql = false;
        c.introspection = false;
    })
    .await;
    assert_eq!(app.get("/graphiql").await.status(), 404);
    assert_eq!(app.get("/graphiql/start.js").await.status(), 404);
    let body: Value = app.graphql(STANDARD, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(body["data"].is_null(), "{body}");
    let normal = app.graphql("{ __typename }", json!({})).await;
    assert_eq!(normal["data"]["__typename"], "Query");
}
