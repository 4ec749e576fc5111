//! One gate for every door: a change costs the same mutation budget whether it comes to
//! `/graphql`, through a page's form or over `/graphql/ws`, and the caller's budget is one
//! across the doors. Each door is sent one change more than the budget allows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::live::{connect_as, operation};
use commons_tests::tools::{CREATE, content};
use commons_tests::web::{client, sign_in};
use commons_tests::{TestApp, error_code, spawn_app_with};
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE};
use serde_json::{Value, json};

const BUDGET: u64 = 3;

async fn app() -> TestApp {
    spawn_app_with(|c| c.rate_limit.mutations_per_minute = BUDGET)
        .await
        .with_organisations()
        .await
}

async fn tool_count(app: &TestApp) -> i64 {
    // Another organisation's staff: its own budgets are untouched by the caller's.
    let token = app.login_as("acerta", "ORG_ADMIN");
    let body = app
        .graphql_as(
            &token,
            "{ viewer { organisation { tools { totalCount } } } }",
            json!({}),
        )
        .await;
    body["data"]["viewer"]["organisation"]["tools"]["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("{body}"))
}

fn create(title: &str) -> Value {
    json!({ "input": { "content": content(title, "NETWORK") } })
}

#[tokio::test]
async fn a_page_form_draws_on_the_mutation_budget() {
    let app = app().await;
    let session = sign_in(&app, "acerta", "STAFF").await;
    let before = tool_count(&app).await;
    let post = |title: String| {
        let csrf = session.csrf.clone();
        let cookie = session.cookie.clone();
        let address = app.address.clone();
        async move {
            client()
                .post(format!("{address}/tools/new"))
                .header(ACCEPT_LANGUAGE, "en")
                .header(COOKIE, cookie)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("kind", "WORKSHOP_FORMAT"),
                    ("category", "AWARENESS_PROMOTION"),
                    ("visibility", "NETWORK"),
                    ("licence", "CC-BY-4.0"),
                    ("title_fr", title.as_str()),
                    ("summary_fr", "Deux heures pour les indépendants."),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for i in 0..BUDGET {
        let made = post(format!("Atelier {i}")).await;
        assert_eq!(made.status(), 303, "change {i} is within the budget");
    }
    let refused = post("Atelier de trop".into()).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(tool_count(&app).await, before + BUDGET as i64);
}

#[tokio::test]
async fn an_operation_over_the_live_connection_draws_on_the_mutation_budget() {
    let app = app().await;
    let token = app.login_as("acerta", "STAFF");
    let before = tool_count(&app).await;
    let mut socket = connect_as(&app, &token).await;
    for i in 0..BUDGET {
        let made = operation(
            &mut socket,
            &format!("{i}"),
            CREATE,
            create(&format!("Outil {i}")),
        )
        .await;
        assert_eq!(made["type"], "next", "{made}");
        assert!(
            made["payload"]["data"]["createTool"]["tool"]["id"].is_string(),
            "change {i} is within the budget: {made}"
        );
    }
    let refused = operation(&mut socket, "over", CREATE, create("Outil de trop")).await;
    assert_eq!(
        error_code(&refused["payload"]),
        Some("RATE_LIMITED"),
        "{refused}"
    );
    assert_eq!(tool_count(&app).await, before + BUDGET as i64);
}

#[tokio::test]
async fn the_budget_is_one_across_the_doors() {
    let app = app().await;
    let token = app.login_as("acerta", "STAFF");
    // One change over HTTP and two over the live connection spend the budget; the next change
    // is refused at both doors.
    let over_http = app
        .post_graphql(
            Some(&token),
            &json!({ "query": CREATE, "variables": create("Par HTTP") }),
        )
        .await;
    assert_eq!(over_http.status(), 200);
    let mut socket = connect_as(&app, &token).await;
    let live = operation(&mut socket, "1", CREATE, create("En direct")).await;
    assert!(live["payload"]["errors"].is_null(), "{live}");
    let live = operation(&mut socket, "2", CREATE, create("En direct encore")).await;
    assert!(live["payload"]["errors"].is_null(), "{live}");
    let refused = app
        .post_graphql(
            Some(&token),
            &json!({ "query": CREATE, "variables": create("De trop") }),
        )
        .await;
    assert_eq!(refused.status(), 429);
    let refused = operation(&mut socket, "3", CREATE, create("De trop")).await;
    assert_eq!(error_code(&refused["payload"]), Some("RATE_LIMITED"));
    // Reading is still allowed at every door.
    let read = operation(
        &mut socket,
        "4",
        "{ viewer { organisation { name } } }",
        json!({}),
    )
    .await;
    assert!(
        read["payload"]["data"]["viewer"]["organisation"]["name"].is_string(),
        "{read}"
    );
}

/// The query budget left to an anonymous visitor after one query sent with `forwarded_for`.
async fn remaining_after_one_query(app: &TestApp, forwarded_for: &str) -> u64 {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({ "query": "{ organisations(first: 10) { edges { node { slug } } } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.headers()["x-ratelimit-remaining"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_visitor_has_a_budget_of_their_own() {
    // The tests' server is reached from 127.0.0.1, which stands for the proxy.
    let app = spawn_app_with(|c| {
        c.trusted_proxies = vec!["127.0.0.0/8".into()];
        c.rate_limit.query_cost_per_minute = 1_000;
    })
    .await
    .with_organisations()
    .await;
    let first = remaining_after_one_query(&app, "203.0.113.9").await;
    let again = remaining_after_one_query(&app, "203.0.113.9").await;
    assert!(
        again < first,
        "one visitor's queries add up: {first} then {again}"
    );
    let other = remaining_after_one_query(&app, "198.51.100.4").await;
    assert_eq!(other, first, "another visitor starts with a whole budget");
    // A visitor who writes the header itself gets no other budget: the proxy appends the
    // address it saw, and that is the one believed.
    let spoofed = remaining_after_one_query(&app, "192.0.2.77, 203.0.113.9").await;
    assert!(spoofed < again, "{spoofed} after {again}");
}

#[tokio::test]
async fn a_forwarding_header_from_an_untrusted_address_is_ignored() {
    // No proxy is trusted by default: the header names nobody.
    let app = spawn_app_with(|c| c.rate_limit.query_cost_per_minute = 1_000)
        .await
        .with_organisations()
        .await;
    let first = remaining_after_one_query(&app, "203.0.113.9").await;
    let other = remaining_after_one_query(&app, "198.51.100.4").await;
    assert!(
        other < first,
        "both are the one caller at 127.0.0.1: {first} then {other}"
    );
}

/// The file routes are doors too: a download takes `rate_limit.file_route_cost` from the
/// caller's query budget, the one `/graphql` reads, and past it is refused before any work.
#[tokio::test]
async fn a_download_draws_on_the_query_budget_shared_with_graphql() {
    let app = commons_tests::spawn_app_with(|c| {
        c.limits.query_complexity = 1_000;
        c.rate_limit.query_cost_per_minute = 1_000;
        c.rate_limit.file_route_cost = 400;
    })
    .await
    .with_demo()
    .await;
    // Listed by someone else: the anonymous caller's budget is whole.
    let listed = app
        .graphql_as(
            &app.login_as("ucm", "STAFF"),
            "{ tools(first: 50) { nodes { attachments { url } } } }",
            json!({}),
        )
        .await;
    let url = listed["data"]["tools"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|t| t["attachments"][0]["url"].as_str())
        .unwrap_or_else(|| panic!("a public demo file: {listed}"))
        .to_owned();
    for _ in 0..2 {
        assert_eq!(app.get(&url).await.status(), 200);
    }
    let refused = app.get(&url).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_code(&body), Some("RATE_LIMITED"));
    // What the downloads spent, /graphql no longer has.
    let response = app
        .post_graphql(None, &json!({ "query": "{ __typename }" }))
        .await;
    let remaining: u64 = response.headers()["x-ratelimit-remaining"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(remaining < 400, "{remaining} left of 1000");
}

/// The request deadline holds over `/graphql/ws` as over HTTP: an operation running past
/// `limits.request_timeout_ms` answers `TIMEOUT`.
#[tokio::test]
async fn an_operation_over_the_live_connection_runs_within_the_request_deadline() {
    let app = commons_tests::spawn_app_with(|c| c.limits.request_timeout_ms = 1)
        .await
        .with_demo()
        .await;
    let token = app.login_as("acerta", "STAFF");
    let mut socket = connect_as(&app, &token).await;
    // Twenty lists read from the database take far longer than a millisecond (searches stop
    // at the deadline by themselves; these do not).
    let lists: String = (0..20)
        .map(|i| format!("o{i}: organisations(first: 50) {{ totalCount nodes {{ slug }} }} t{i}: tools(first: 20) {{ totalCount nodes {{ id }} }} "))
        .collect();
    let slow = operation(&mut socket, "slow", &format!("{{ {lists} }}"), json!({})).await;
    assert_eq!(error_code(&slow["payload"]), Some("TIMEOUT"), "{slow}");
}

/// A form the visitor may use is not refused for want of an answer: when the page's own
/// question about the visitor is refused (the budget is spent), the page says that, not
/// "forbidden".
#[tokio::test]
async fn a_spent_budget_is_not_mistaken_for_a_refusal_on_the_pages() {
    let app = commons_tests::spawn_app_with(|c| {
        c.limits.query_complexity = 1_000;
        c.rate_limit.query_cost_per_minute = 1_000;
    })
    .await
    .with_organisations()
    .await;
    let session = sign_in(&app, "acerta", "STAFF").await;
    let get = |path: &'static str| {
        client()
            .get(format!("{}{path}", app.address))
            .header(ACCEPT_LANGUAGE, "en")
            .header(COOKIE, session.cookie.clone())
            .send()
    };
    // The form's page asks only the visitor's header question: asked until the budget is
    // spent, it must then say so.
    let mut first_refusal = None;
    for _ in 0..2_000 {
        let status = get("/tools/new").await.unwrap().status().as_u16();
        if status != 200 {
            first_refusal = Some(status);
            break;
        }
    }
    assert_eq!(first_refusal, Some(429));
}
