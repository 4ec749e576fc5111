//! What a hostile client can try at the door: trickling a request, probing the operational
//! endpoints. Each is answered or cut off, and the server carries on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use commons_tests::{TestApp, spawn_app_with};
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn socket_address(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Sends `bytes` one at a time, `pause` apart, reading whatever the server answers. Returns
/// what the server said before it closed the connection, or `None` when it never closed it
/// while the bytes were going out.
async fn trickle(tcp: &mut TcpStream, bytes: &[u8], pause: Duration) -> Option<String> {
    let mut answered = Vec::new();
    for byte in bytes {
        if tcp.write_all(&[*byte]).await.is_err() {
            return Some(String::from_utf8_lossy(&answered).into_owned());
        }
        tokio::time::sleep(pause).await;
        let mut buf = [0_u8; 4096];
        loop {
            match tcp.try_read(&mut buf) {
                Ok(0) => return Some(String::from_utf8_lossy(&answered).into_owned()),
                Ok(n) => answered.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(_) => return Some(String::from_utf8_lossy(&answered).into_owned()),
            }
        }
    }
    None
}

#[tokio::test]
async fn a_client_that_trickles_its_request_head_is_dropped() {
    let app = spawn_app_with(|c| c.limits.header_read_timeout_ms = 300).await;
    let mut tcp = TcpStream::connect(socket_address(&app)).await.unwrap();
    // At one byte per 50 ms this head would take 30 s to arrive.
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: commons\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(560)
    );
    let answered = trickle(&mut tcp, head.as_bytes(), Duration::from_millis(50)).await;
    assert!(
        answered.is_some(),
        "the connection was kept open for the whole trickled head"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_client_that_trickles_its_body_is_answered_408_and_dropped() {
    let app = spawn_app_with(|c| c.limits.body_read_timeout_ms = 500).await;
    let mut tcp = TcpStream::connect(socket_address(&app)).await.unwrap();
    let body = format!(
        "{{\"query\":\"{{ __typename }}\",\"padding\":\"{}\"}}",
        "a".repeat(560)
    );
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: commons\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let answered = trickle(&mut tcp, body.as_bytes(), Duration::from_millis(50))
        .await
        .expect("the connection was kept open for the whole trickled body");
    assert!(answered.starts_with("HTTP/1.1 408"), "{answered}");
    assert!(answered.contains("\"TIMEOUT\""), "{answered}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn readiness_names_what_failed_in_plain_words_and_nothing_more() {
    let app = spawn_app_with(|_| {}).await;
    // The pool is shared with the server: closing it makes the database unreachable.
    app.services.db.clone().close().await.unwrap();
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["problem"], "the database cannot be reached", "{body}");
}

#[tokio::test]
async fn metrics_can_be_switched_off() {
    let app = spawn_app_with(|c| c.metrics.enabled = false).await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn metrics_can_be_served_on_an_address_of_their_own() {
    let app = spawn_app_with(|c| c.metrics.listen = Some("127.0.0.1:0".parse().unwrap())).await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    let elsewhere = app.metrics_address.clone().unwrap();
    let response = app
        .client
        .get(format!("{elsewhere}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("commons_index_documents"), "{text}");
    let graphql = app
        .client
        .get(format!("{elsewhere}/graphql?query=%7B__typename%7D"))
        .send()
        .await
        .unwrap();
    assert_eq!(graphql.status(), 404, "only /metrics is served there");
}

fn searches_run(metrics: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("commons_searches_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

#[tokio::test]
async fn a_page_of_nothing_still_costs_its_search() {
    let app = spawn_app_with(|_| {}).await.with_demo().await;
    let one = app
        .graphql(
            "{ searchTools(query: \"stress\", first: 0) { totalCount } }",
            serde_json::json!({}),
        )
        .await;
    assert!(one["errors"].is_null(), "{one}");
    assert!(one["data"]["searchTools"]["totalCount"].as_u64().unwrap() > 0);
    let before = searches_run(&app.get("/metrics").await.text().await.unwrap());
    let many: String = (0..4000)
        .map(|i| format!("s{i}: searchTools(query: \"stress\", first: 0) {{ totalCount facets {{ kinds {{ value }} }} }} "))
        .collect();
    let response = app
        .post_graphql(
            None,
            &serde_json::json!({ "query": format!("{{ {many} }}") }),
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        commons_tests::error_code(&body),
        Some("BAD_USER_INPUT"),
        "{}",
        &body.to_string()[..300.min(body.to_string().len())]
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{}",
        body["errors"][0]
    );
    assert!(body["data"].is_null());
    let after = searches_run(&app.get("/metrics").await.text().await.unwrap());
    assert_eq!(after, before, "no search ran for the refused request");
}

/// A multipart request with these parts, sent anonymously.
async fn multipart(
    app: &TestApp,
    operations: String,
    map: String,
    files: usize,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("operations", operations)
        .text("map", map);
    for i in 0..files {
        form = form.part(
            i.to_string(),
            reqwest::multipart::Part::bytes(b"du texte".to_vec()).file_name(format!("f{i}.txt")),
        );
    }
    app.client
        .post(format!("{}/graphql", app.address))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

const UPLOAD: &str = "mutation($input: AddAttachmentInput!) { addAttachment(input: $input) { userErrors { code } } }";

#[tokio::test]
async fn multipart_operations_get_the_json_body_limit() {
    let app = spawn_app_with(|c| c.limits.body_bytes = 64 * 1024).await;
    let padding = "a".repeat(512 * 1024);
    let operations = serde_json::json!({ "query": format!("{{ __typename }} # {padding}") });
    let response = multipart(&app, operations.to_string(), r#"{}"#.into(), 0).await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        commons_tests::error_code(&body),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
    // Within the limit, the same request is answered.
    let small = serde_json::json!({ "query": "{ __typename }" });
    let response = multipart(&app, small.to_string(), r#"{}"#.into(), 0).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn multipart_files_and_their_paths_are_counted_before_anything_is_spooled() {
    let app = spawn_app_with(|c| {
        c.limits.upload_files = 3;
        c.limits.upload_paths_per_file = 2;
    })
    .await;
    let operations = serde_json::json!({ "query": UPLOAD, "variables": { "input": { "toolId": "x", "file": null, "title": "t", "language": "FR" } } }).to_string();
    let too_many: serde_json::Map<String, Value> = (0..4)
        .map(|i| (i.to_string(), serde_json::json!(["variables.input.file"])))
        .collect();
    let response = multipart(
        &app,
        operations.clone(),
        Value::Object(too_many).to_string(),
        4,
    )
    .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("limits.upload_files"),
        "{body}"
    );
    let paths = serde_json::json!({ "0": vec!["variables.input.file"; 3] }).to_string();
    let response = multipart(&app, operations.clone(), paths, 1).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("limits.upload_paths_per_file"),
        "{body}"
    );
    // A part the map does not name is refused rather than spooled for nothing.
    let response = multipart(&app, operations, r#"{}"#.into(), 1).await;
    assert_eq!(response.status(), 400);
}

fn header(response: &reqwest::Response, name: &str) -> u64 {
    response.headers()[name].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn every_caller_has_a_query_budget_that_a_flood_exhausts() {
    let app = spawn_app_with(|c| {
        c.limits.query_complexity = 100;
        c.rate_limit.query_cost_per_minute = 100;
    })
    .await
    .with_organisations()
    .await;
    let query =
        serde_json::json!({ "query": "{ organisations(first: 10) { edges { node { slug } } } }" });
    let first = app.post_graphql(None, &query).await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-ratelimit-limit"), 100);
    let remaining = header(&first, "x-ratelimit-remaining");
    assert!(remaining < 100, "the query cost something: {remaining}");
    assert!(header(&first, "x-ratelimit-reset") > 1_700_000_000);
    let mut refused = None;
    for _ in 0..50 {
        let response = app.post_graphql(None, &query).await;
        if response.status() == 429 {
            refused = Some(response);
            break;
        }
        assert_eq!(response.status(), 200);
    }
    let refused = refused.expect("the budget ran out");
    assert!(header(&refused, "retry-after") >= 1);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        commons_tests::error_code(&body),
        Some("RATE_LIMITED"),
        "{body}"
    );
    // Another caller is counted apart.
    let token = app.login_as("acerta", "STAFF");
    let other = app.post_graphql(Some(&token), &query).await;
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn mutations_have_their_own_smaller_budget() {
    let app = spawn_app_with(|c| c.rate_limit.mutations_per_minute = 3)
        .await
        .with_organisations()
        .await;
    let token = app.login_as("acerta", "STAFF");
    let create = |title: &str| serde_json::json!({ "query": commons_tests::tools::CREATE, "variables": { "input": { "content": commons_tests::tools::content(title, "NETWORK") } } });
    for i in 0..3 {
        let response = app
            .post_graphql(Some(&token), &create(&format!("Outil {i}")))
            .await;
        assert_eq!(response.status(), 200);
    }
    let refused = app
        .post_graphql(Some(&token), &create("Outil de trop"))
        .await;
    assert_eq!(refused.status(), 429);
    assert!(header(&refused, "retry-after") >= 1);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        commons_tests::error_code(&body),
        Some("RATE_LIMITED"),
        "{body}"
    );
    // Nothing was written, and reading is still allowed.
    let mine = app
        .graphql_as(
            &token,
            "{ viewer { organisation { tools { totalCount } } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        mine["data"]["viewer"]["organisation"]["tools"]["totalCount"], 3,
        "{mine}"
    );
}
