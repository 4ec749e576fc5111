//! What an operator meets: a database that goes away and comes back. A request that cannot
//! reach the database is an outage a load balancer must see (503 `UNAVAILABLE`, not 200 with
//! `INTERNAL`), and `/readyz` answers within its probe time even when the database is silent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use commons_tests::relay::{Link, Relay};
use commons_tests::{DATABASE_URL_VAR, TestApp, error_code, spawn_app_with};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

/// Where the suite's PostgreSQL listens, when the suite runs on it.
fn postgres_address() -> Option<SocketAddr> {
    let url = std::env::var(DATABASE_URL_VAR)
        .ok()
        .filter(|u| !u.is_empty())?;
    let url = url::Url::parse(&url).expect("a database URL");
    let host = url.host_str().expect("a host");
    let port = url.port().unwrap_or(5432);
    Some(
        std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
            .expect("the host resolves")
            .next()
            .expect("an address"),
    )
}

/// A server whose database connections all pass through the relay.
async fn app_through(relay: &Relay) -> TestApp {
    let relay = relay.address;
    spawn_app_with(move |c| {
        let url = c.database_url.as_ref().expect("PostgreSQL");
        let mut url = url::Url::parse(url.expose_secret()).expect("a database URL");
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(relay.port())).unwrap();
        c.database_url = Some(url.to_string().into());
        // Far above the probe time and the request timeout: if either waited on the pool,
        // the test would see it.
        c.database_acquire_timeout_ms = 60_000;
    })
    .await
    .with_organisations()
    .await
}

async fn readyz(app: &TestApp) -> (u16, Value) {
    // Well below the pool's 60 s, well above the probe's 1 s: a probe held by the silent
    // database fails here; a bounded one answers.
    let response = app
        .client
        .get(format!("{}/readyz", app.address))
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .expect("/readyz answers while the database is silent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

const ORGANISATIONS: &str = "{ organisations(first: 5) { totalCount } }";

#[tokio::test]
async fn a_lost_database_answers_503_unavailable_and_readyz_answers_in_its_probe_time() {
    let Some(postgres) = postgres_address() else {
        // SQLite is a file of the process itself: there is no connection to lose. The run of
        // the suite on PostgreSQL (.ci/run does both) exercises this.
        return;
    };
    let relay = Relay::start(postgres).await;
    let app = app_through(&relay).await;
    let (status, ready) = readyz(&app).await;
    assert_eq!(status, 200, "{ready}");

    // The database is down.
    relay.set(Link::Cut);
    let response = app
        .post_graphql(None, &json!({ "query": ORGANISATIONS }))
        .await;
    assert_eq!(response.status(), 503, "a proxy must see the outage");
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        !message.contains("Connection") && !message.contains("127.0.0.1"),
        "no internals: {message}"
    );
    let (status, ready) = readyz(&app).await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["status"], "unavailable");
    // A page says so too, to a person.
    let page = app
        .client
        .get(format!("{}/organisations/inasti", app.address))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    assert!(page.text().await.unwrap().contains("unavailable just now"));

    // The database (or the network to it) goes silent: connections held, nothing answers.
    relay.set(Link::Silent);
    let (status, ready) = readyz(&app).await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["problem"], "the database did not answer in time");

    // It comes back: the replica is ready again and answers, without a restart.
    relay.set(Link::Open);
    let mut recovered = None;
    for _ in 0..150 {
        let (status, _) = readyz(&app).await;
        if status == 200 {
            let body = app.graphql(ORGANISATIONS, json!({})).await;
            if body["data"]["organisations"]["totalCount"].as_i64() > Some(0) {
                recovered = Some(body);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        recovered.is_some(),
        "the replica recovers once the database is back"
    );
}
