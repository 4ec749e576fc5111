//! The GraphQL conventions: Relay nodes, cursor connections, limits, health, the schema file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::{TestApp, error_code, global_id, spawn_app, spawn_app_with};
use serde_json::{Value, json};

async fn demo_app() -> TestApp {
    spawn_app().await.with_demo().await
}

const PAGE: &str = "query($first: Int, $after: String, $kind: OrganisationKind) {
  organisations(first: $first, after: $after, kind: $kind) {
    totalCount
    edges { cursor node { slug kind } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}";

#[tokio::test]
async fn walking_the_pages_visits_every_organisation_once_in_slug_order() {
    let app = demo_app().await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let body = app
            .graphql(PAGE, json!({ "first": 5, "after": after }))
            .await;
        let list = &body["data"]["organisations"];
        assert_eq!(list["totalCount"], 14, "{body}");
        for edge in list["edges"].as_array().unwrap() {
            seen.push(edge["node"]["slug"].as_str().unwrap().to_owned());
        }
        pages += 1;
        assert_eq!(list["pageInfo"]["hasPreviousPage"], pages > 1);
        if list["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = list["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 14);
}

#[tokio::test]
async fn a_kind_filter_narrows_the_list_and_its_total() {
    let app = demo_app().await;
    let body = app
        .graphql(PAGE, json!({ "first": 100, "kind": "PARTNER" }))
        .await;
    let list = &body["data"]["organisations"];
    assert_eq!(list["totalCount"], 3, "{body}");
    assert!(
        list["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["kind"] == "PARTNER")
    );
}

#[tokio::test]
async fn page_size_edges_are_enforced() {
    let app = demo_app().await;
    let empty = app.graphql(PAGE, json!({ "first": 0 })).await;
    assert_eq!(
        empty["data"]["organisations"]["edges"],
        json!([]),
        "{empty}"
    );
    assert_eq!(
        empty["data"]["organisations"]["pageInfo"]["hasNextPage"],
        true
    );
    let all = app.graphql(PAGE, json!({ "first": 100 })).await;
    assert_eq!(
        all["data"]["organisations"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        14
    );
    assert_eq!(
        all["data"]["organisations"]["pageInfo"]["hasNextPage"],
        false
    );
    for bad in [101, -1] {
        let body = app.graphql(PAGE, json!({ "first": bad })).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "first {bad}: {body}"
        );
    }
}

#[tokio::test]
async fn a_cursor_past_the_end_gives_an_empty_page() {
    let app = demo_app().await;
    let all = app.graphql(PAGE, json!({ "first": 100 })).await;
    let last = all["data"]["organisations"]["pageInfo"]["endCursor"].clone();
    let body = app
        .graphql(PAGE, json!({ "first": 10, "after": last }))
        .await;
    assert_eq!(body["data"]["organisations"]["edges"], json!([]), "{body}");
    assert_eq!(
        body["data"]["organisations"]["pageInfo"]["hasNextPage"],
        false
    );
}

#[tokio::test]
async fn a_cursor_that_this_list_did_not_give_is_refused() {
    let app = demo_app().await;
    for bad in ["nonsense", "dG9vbHN8YWNlcnRh"] {
        let body = app.graphql(PAGE, json!({ "first": 5, "after": bad })).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{bad}: {body}");
    }
}

#[tokio::test]
async fn node_fetches_an_object_by_its_global_id() {
    let app = demo_app().await;
    let id = app.organisation_id("ucm").await;
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { id ... on Organisation { slug } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["data"]["node"]["slug"], "ucm", "{body}");
    assert_eq!(body["data"]["node"]["id"], id);
}

#[tokio::test]
async fn nodes_keeps_the_order_asked_and_nulls_what_is_missing() {
    let app = demo_app().await;
    let ucm = app.organisation_id("ucm").await;
    let acerta = app.organisation_id("acerta").await;
    let missing = global_id("Organisation", 424_242);
    let body = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Organisation { slug } } }",
            json!({ "ids": [ucm, missing, acerta] }),
        )
        .await;
    assert_eq!(
        body["data"]["nodes"],
        json!([{ "slug": "ucm" }, null, { "slug": "acerta" }]),
        "{body}"
    );
}

#[tokio::test]
async fn a_malformed_global_id_is_bad_input() {
    let app = demo_app().await;
    let body = app.graphql("{ node(id: \"%%%\") { id } }", json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

#[tokio::test]
async fn people_are_not_visible_to_anonymous_callers() {
    let app = demo_app().await;
    let token = app.login_as("acerta", "STAFF");
    let me = app
        .graphql_as(&token, "{ viewer { user { id email } } }", json!({}))
        .await;
    let id = me["data"]["viewer"]["user"]["id"].clone();
    let anonymous = app
        .graphql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(anonymous["data"]["node"], Value::Null, "{anonymous}");
}

#[tokio::test]
async fn a_query_nested_too_deep_is_refused_and_the_server_carries_on() {
    let app = spawn_app_with(|c| c.limits.query_depth = 4).await;
    let deep = "{ viewer { organisation { affiliateCounts { year } } } organisations { edges { node { names { lang } } } } }";
    let body = app.graphql(deep, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested"),
        "{body}"
    );
    app.assert_still_serving().await;
}

#[tokio::test]
async fn a_query_that_would_fetch_too_much_is_refused_before_it_runs() {
    let app = demo_app().await;
    let aliases: String = (0..500)
        .map(|i| format!("a{i}: organisations(first: 100) {{ edges {{ node {{ slug name }} }} }} "))
        .collect();
    let body = app.graphql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(
        error_code(&body),
        Some("BAD_USER_INPUT"),
        "{}",
        &body.to_string()[..200.min(body.to_string().len())]
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex")
    );
    assert!(body.get("data").is_none() || body["data"].is_null());
    app.assert_still_serving().await;
}

#[tokio::test]
async fn an_oversize_body_is_refused_with_413() {
    let app = spawn_app_with(|c| c.limits.body_bytes = 4 * 1024).await;
    let padding = " ".repeat(8 * 1024);
    let response = app
        .post_graphql(
            None,
            &json!({ "query": format!("{{ viewer {{ roles }} {padding} }}") }),
        )
        .await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    app.assert_still_serving().await;
}

#[tokio::test]
async fn batches_are_capped() {
    let app = spawn_app_with(|c| c.limits.batch_size = 2).await;
    let op = json!({ "query": "{ organisation(slug: \"inasti\") { slug } }" });
    let two = app.post_graphql(None, &json!([op, op])).await;
    assert_eq!(two.status(), 200);
    let two: Value = two.json().await.unwrap();
    assert_eq!(two.as_array().map(Vec::len), Some(2), "{two}");
    let three = app.post_graphql(None, &json!([op, op, op])).await;
    assert_eq!(three.status(), 400);
    assert_eq!(
        error_code(&three.json().await.unwrap()),
        Some("BAD_USER_INPUT")
    );
    app.assert_still_serving().await;
}

#[tokio::test]
async fn batches_can_be_turned_off() {
    let app = spawn_app_with(|c| c.limits.batch_size = 0).await;
    let op = json!({ "query": "{ viewer { roles } }" });
    let response = app.post_graphql(None, &json!([op])).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_request_over_its_time_is_cut_off_with_a_code() {
    let app = spawn_app_with(|c| c.limits.request_timeout_ms = 1)
        .await
        .with_demo()
        .await;
    // Fifty full-text searches with facets and snippets take far longer than a millisecond.
    let searches: String = (0..50)
        .map(|i| format!("s{i}: searchTools(query: \"stress burn-out\", first: 5) {{ totalCount facets {{ kinds {{ value }} }} edges {{ node {{ highlights {{ text }} }} }} }} "))
        .collect();
    let response = app
        .post_graphql(None, &json!({ "query": format!("{{ {searches} }}") }))
        .await;
    assert_eq!(response.status(), 504);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("TIMEOUT"), "{body}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn queries_may_use_get_but_mutations_may_not() {
    let app = demo_app().await;
    let query = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ organisation(slug: \"ucm\") { slug } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 200);
    assert_eq!(
        query.json::<Value>().await.unwrap()["data"]["organisation"]["slug"],
        "ucm"
    );
    let token = app.login_as("inasti", "PLATFORM_ADMIN");
    let mutation = "mutation { setAffiliateCounts(input: { year: 2024, counts: [] }) { userErrors { code } } }";
    let response = app
        .client
        .get(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .query(&[("query", mutation)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(
        error_code(&response.json().await.unwrap()),
        Some("BAD_USER_INPUT")
    );
}

#[tokio::test]
async fn a_body_that_is_not_graphql_is_bad_input() {
    let app = demo_app().await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{ not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        error_code(&response.json().await.unwrap()),
        Some("BAD_USER_INPUT")
    );
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
    let graphiql = app.get("/graphiql").await;
    assert_eq!(graphiql.status(), 200);
    assert!(
        graphiql
            .text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let given = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "abc-123");
    let made = app.get("/healthz").await;
    assert!(!made.headers()["x-request-id"].is_empty());
}
