//! What an operator meets: a database that goes away and comes back, and a backup to restore.
//! A request that cannot reach the database is an outage a load balancer must see (503
//! `UNAVAILABLE`, not 200 with `INTERNAL`), and `/readyz` answers within its probe time even
//! when the database is silent. `commons backup` copies a running embedded service, and
//! `commons restore` brings back every write and file it had acknowledged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use commons_tests::proxy;
use commons_tests::relay::{Link, Relay};
use commons_tests::tools::{draft_tool, published_tool};
use commons_tests::{
    DATABASE_URL_VAR, TestApp, commons_binary, error_code, spawn_app, spawn_app_with,
};
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

    let session = commons_tests::web::sign_in(&app, "acerta", "STAFF").await;
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
    // A page says so too, to a person, who stays signed in for when it is back.
    let page = app
        .client
        .get(format!("{}/organisations/inasti", app.address))
        .header("accept-language", "en")
        .header("cookie", &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    assert!(
        commons_tests::web::cookie_pair(&page, "commons_session").is_none(),
        "an outage signs nobody out"
    );
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

/// Runs `commons <args>` on the data folder `data`, as an operator would.
async fn commons(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(commons_binary())
        .args(args)
        .env("COMMONS_DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("the commons binary runs")
}

const OWN_TOOLS: &str =
    "{ viewer { organisation { tools(first: 100) { edges { node { id title } } } } } }";

#[tokio::test]
async fn a_backup_taken_under_writes_restores_every_acknowledged_write_and_file() {
    let backup = tempfile::tempdir().unwrap();
    let target = backup.path().join("backup");
    if let Ok(url) = std::env::var(DATABASE_URL_VAR).map(|u| u.trim().to_owned())
        && !url.is_empty()
    {
        // PostgreSQL has its own tools, which the refusal names.
        let out = tokio::process::Command::new(commons_binary())
            .args(["backup", target.to_str().unwrap()])
            .env("COMMONS_DATA_DIR", backup.path())
            .env("COMMONS_DATABASE_URL", url)
            .output()
            .await
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        return;
    }
    let app = spawn_app().await.with_organisations().await;
    let staff = app.login_as("acerta", "STAFF");
    let published = published_tool(&app, "acerta", "Le carnet de respiration", "PUBLIC").await;
    let draft = draft_tool(&app, "acerta", "Le plan d'action", "ORGANISATION").await;
    let file = "Respirer, dormir, parler.\n".repeat(50);
    let uploaded: Value = app
        .upload(
            Some(&staff),
            &draft,
            "plan.txt",
            file.clone().into_bytes(),
            "Document",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        uploaded["data"]["addAttachment"]["userErrors"],
        json!([]),
        "{uploaded}"
    );

    // A writer goes on creating tools while the backup runs.
    let acknowledged = Mutex::new(Vec::<String>::new());
    let stop = AtomicBool::new(false);
    let writer = async {
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            n += 1;
            let title = format!("Outil écrit pendant la sauvegarde {n}");
            draft_tool(&app, "acerta", &title, "ORGANISATION").await;
            acknowledged.lock().unwrap().push(title);
        }
    };
    let taking = async {
        while acknowledged.lock().unwrap().len() < 3 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let before = acknowledged.lock().unwrap().len();
        let out = commons(app.data_dir.path(), &["backup", target.to_str().unwrap()]).await;
        let after = acknowledged.lock().unwrap().len();
        stop.store(true, Ordering::SeqCst);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (before, after)
    };
    let ((), (acknowledged_before, acknowledged_after)) = tokio::join!(writer, taking);
    let written = acknowledged.into_inner().unwrap();
    assert!(
        acknowledged_after > acknowledged_before,
        "writes were acknowledged while the backup ran"
    );

    // A backup folder is never overwritten.
    let again = commons(app.data_dir.path(), &["backup", target.to_str().unwrap()]).await;
    assert!(!again.status.success());
    drop(app);

    let restored = tempfile::tempdir().unwrap();
    let out = commons(restored.path(), &["restore", target.to_str().unwrap()]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Restoring twice into the same folder is refused: it is no longer empty.
    let twice = commons(restored.path(), &["restore", target.to_str().unwrap()]).await;
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("empty data folder"));

    let folder = restored.path().to_owned();
    let app = spawn_app_with(move |c| c.data_dir = folder).await;
    let body = app.graphql_as(&staff, OWN_TOOLS, json!({})).await;
    let titles: Vec<String> = body["data"]["viewer"]["organisation"]["tools"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        titles.contains(&"Le carnet de respiration".to_owned()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Le plan d'action".to_owned()),
        "{titles:?}"
    );
    // Every write acknowledged before the backup began is there; of those during it, the ones
    // there are the first ones, as a consistent snapshot has them.
    let during: Vec<&String> = written.iter().filter(|t| titles.contains(t)).collect();
    assert!(
        during.len() >= acknowledged_before,
        "{during:?} of {written:?}"
    );
    assert_eq!(
        during,
        written.iter().take(during.len()).collect::<Vec<_>>()
    );
    // The file comes back byte for byte.
    let attachments = app
        .graphql_as(
            &staff,
            "query($id: ID!) { node(id: $id) { ... on Tool { attachments { url } } } }",
            json!({ "id": draft }),
        )
        .await;
    let url = attachments["data"]["node"]["attachments"][0]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("{attachments}"))
        .to_owned();
    let download = app.get_with(Some(&staff), &url, &[]).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.text().await.unwrap(), file);
    // A backup whose file was altered is refused, and leaves nothing behind.
    let stored = walk_files(&target.join("objects"));
    std::fs::write(&stored[0], b"altered").unwrap();
    let altered = tempfile::tempdir().unwrap();
    let out = commons(altered.path(), &["restore", target.to_str().unwrap()]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not hold what its name says"));
    assert!(!altered.path().join("commons.db").exists());
    // The index was rebuilt: the published tool is found.
    let found = app
        .graphql(
            "{ searchTools(query: \"carnet respiration\") { edges { node { tool { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        found["data"]["searchTools"]["edges"][0]["node"]["tool"]["id"], published,
        "{found}"
    );
}

/// Two replicas behind the shipped `deploy/haproxy.cfg`, the way the load bench runs them, and a
/// third whose name does not resolve (a replica down in compose): the proxy starts all the
/// same, and when a replica is killed, requests routed to it go to the live one at once
/// (`option redispatch`) instead of failing after retries on the dead one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_behind_the_shipped_proxy_costs_no_request() {
    let app = spawn_app().await.with_organisations().await;
    let (replica, replica_url) = proxy::second_replica(&app, "b");
    let dir = tempfile::tempdir().unwrap();
    let backends = [
        app.address.clone(),
        replica_url,
        "commons-c.invalid:8080".to_owned(),
    ];
    let haproxy = proxy::start(dir.path(), &backends, true);
    let client = reqwest::Client::new();
    let ask = |n: usize| {
        let client = client.clone();
        let url = haproxy.url.clone();
        async move {
            // Queries by GET and by POST, as pages and clients send them.
            let request = if n.is_multiple_of(2) {
                client
                    .get(format!("{url}/graphql"))
                    .query(&[("query", ORGANISATIONS)])
            } else {
                client
                    .post(format!("{url}/graphql"))
                    .json(&json!({ "query": ORGANISATIONS }))
            };
            let response = request
                .timeout(Duration::from_secs(30))
                .send()
                .await
                .expect("the proxy answers");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or_default();
            (status, body["data"]["organisations"]["totalCount"].as_i64())
        }
    };
    // Both replicas serve through the proxy.
    for n in 0..4 {
        let (status, count) = ask(n).await;
        assert_eq!(status, 200);
        assert!(count > Some(0));
    }
    drop(replica);
    let mut failed = Vec::new();
    for n in 0..40 {
        let (status, count) = ask(n).await;
        if status != 200 || count.is_none() {
            failed.push((n, status));
        }
    }
    assert!(
        failed.is_empty(),
        "requests lost to the killed replica: {failed:?}"
    );
    // A change through the proxy is made once.
    let token = app.login_as("acerta", "STAFF");
    let created = client
        .post(format!("{}/graphql", haproxy.url))
        .bearer_auth(&token)
        .json(&json!({ "query": commons_tests::tools::CREATE,
            "variables": { "input": { "content": commons_tests::tools::content("Un outil fait une fois", "NETWORK") } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let own = app.graphql_as(&token, OWN_TOOLS, json!({})).await;
    let made = own.to_string().matches("Un outil fait une fois").count();
    assert_eq!(made, 1, "{own}");
}

/// Behind the shipped proxy, whose address the replica trusts, each visitor is a caller of
/// their own (the proxy's `X-Forwarded-For`), and the proxy's own request rate per client
/// address stops a flood before any replica works for it. Visitors come from two loopback
/// addresses of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_the_shipped_proxy_each_visitor_is_a_caller_of_their_own() {
    let app = spawn_app_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1".to_owned()];
        c.rate_limit.query_cost_per_minute = 10_000;
    })
    .await
    .with_organisations()
    .await;
    let dir = tempfile::tempdir().unwrap();
    let haproxy = proxy::start(dir.path(), std::slice::from_ref(&app.address), true);
    let visitor = |last: u8| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, last]))
            .build()
            .unwrap()
    };
    let (x, y) = (visitor(2), visitor(3));
    let ask = |client: &reqwest::Client, query: &str| {
        client
            .post(format!("{}/graphql", haproxy.url))
            .json(&json!({ "query": query }))
            .send()
    };
    let remaining = |response: &reqwest::Response| -> u64 {
        response.headers()["x-ratelimit-remaining"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    // X spends on lists; Y's budget is untouched by it.
    let mut left = 0;
    for _ in 0..10 {
        let response = ask(&x, "{ organisations(first: 100) { nodes { slug } } }")
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        left = remaining(&response);
    }
    assert!(left < 9_500, "X spent its own budget: {left} left");
    let response = ask(&y, "{ __typename }").await.unwrap();
    assert!(remaining(&response) > 9_900, "Y has a budget of its own");
    // A flood from X is stopped at the proxy (200 requests per 10 s), while Y goes on.
    // Sent at once, so that they fall within the table's 10 s even on a busy machine.
    let flood = (0..260).map(|_| ask(&x, "{ __typename }"));
    let statuses: Vec<u16> = futures_util::future::join_all(flood)
        .await
        .into_iter()
        .map(|r| r.map_or(0, |r| r.status().as_u16()))
        .collect();
    assert!(
        statuses.contains(&429),
        "the proxy stops a flood from one address"
    );
    assert_eq!(ask(&y, "{ __typename }").await.unwrap().status(), 200);
}

/// Every file under a folder.
fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                folders.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files
}
