//! The end-to-end harness: `spawn_app()` starts a real Commons server on an ephemeral port,
//! with its own data directory and a fresh database — a SQLite file by default, or a new
//! PostgreSQL database when `COMMONS_TEST_DATABASE_URL` is set. `TEST_LOG=1` shows its logs.
// The merged query root nests one async block per part of the schema; laying them out
// (in release builds too) takes rustc past its default query depth.
#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod account;
pub mod browser;
pub mod collaborations;
pub mod files;
pub mod live;
pub mod node;
pub mod oidc;
pub mod process;
pub mod proxy;
pub mod relay;
pub mod relevance;
pub mod smtp;
pub mod storage;
pub mod tools;
pub mod web;

use std::sync::Once;

use commons_api::config::LogFormat;
use commons_api::{App, Config};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;

pub const TEST_SECRET: &str = "commons-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
pub const ISSUER: &str = "https://auth.commons.test";
pub const AUDIENCE: &str = "commons-test";
/// The environment variable that sends the suite to PostgreSQL: the URL of a database the
/// harness may connect to in order to create one database per test.
pub const DATABASE_URL_VAR: &str = "COMMONS_TEST_DATABASE_URL";

/// Who calls in a table of callers: an organisation and a role, or nobody signed in.
pub type Caller = Option<(&'static str, &'static str)>;

pub struct TestApp {
    pub address: String,
    /// `/metrics`'s own address, when the test gave it one.
    pub metrics_address: Option<String>,
    pub client: reqwest::Client,
    pub services: commons_service::Context,
    pub data_dir: TempDir,
    shutdown: CancellationToken,
    postgres: Option<PostgresDatabase>,
    /// The S3-compatible endpoint the server stores files in, kept alive with it.
    pub(crate) s3: Option<storage::S3Endpoint>,
}

/// The `commons` binary built beside this test or bench binary: the server runs it as its
/// PDF reader (`commons extract-pdf`), since the process serving here is the test itself.
pub fn commons_binary() -> std::path::PathBuf {
    let me = std::env::current_exe().expect("the test binary's path");
    let mut dir = me.parent().expect("the test binary's folder").to_owned();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let commons = dir.join("commons");
    assert!(
        commons.exists(),
        "{} is missing: build it with `cargo build -p commons-api` (cargo test --workspace does)",
        commons.display()
    );
    commons
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server whose configuration the test adjusts first (limits, keys …).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    static LOG: Once = Once::new();
    LOG.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            commons_api::telemetry::init(LogFormat::Text);
        }
    });
    let data_dir = tempfile::tempdir().expect("a temporary data directory");
    let mut config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.path().to_owned(),
        ..Config::default()
    };
    config.auth.issuer = ISSUER.to_owned();
    config.auth.audience = AUDIENCE.to_owned();
    config.auth.hs256_secret = Some(secrecy::SecretString::from(TEST_SECRET.to_owned()));
    let postgres = match std::env::var(DATABASE_URL_VAR) {
        Ok(base) if !base.is_empty() => Some(PostgresDatabase::create(&base).await),
        _ => None,
    };
    if let Some(pg) = &postgres {
        config.database_url = Some(pg.url.clone().into());
    }
    config.extraction.program = Some(commons_binary());
    // The suite drives one server per test as fast as it can, from one address and a few
    // users: budgets large enough not to get in its way. The tests of the limits set their own.
    config.rate_limit.query_cost_per_minute = 1_000_000_000;
    config.rate_limit.mutations_per_minute = 1_000_000;
    adjust(&mut config);
    let app = App::build(config).await.expect("the app builds");
    let address = format!("http://{}", app.local_addr().unwrap());
    let metrics_address = app.metrics_addr().map(|a| format!("http://{a}"));
    let services = app.services().clone();
    let shutdown = CancellationToken::new();
    tokio::spawn(app.run(shutdown.clone()));
    TestApp {
        address,
        metrics_address,
        client: reqwest::Client::new(),
        services,
        data_dir,
        shutdown,
        postgres,
        s3: None,
    }
}

impl TestApp {
    /// Loads the demo data: the caisses, partners and INASTI, and their tools.
    pub async fn with_demo(self) -> Self {
        commons_service::demo::load(&self.services)
            .await
            .expect("demo data loads");
        self
    }

    /// Loads the demo organisations only, for tests that count the tools they make.
    pub async fn with_organisations(self) -> Self {
        commons_service::demo::load_organisations(&self.services)
            .await
            .expect("demo organisations load");
        self
    }

    /// A valid token for a person of `org` with `role`.
    pub fn login_as(&self, org: &str, role: &str) -> String {
        self.token(json!({
            "sub": format!("test-{org}-{}", role.to_lowercase()),
            "org": org,
            "roles": [role],
            "name": format!("Test {role} of {org}"),
        }))
    }

    /// A token with the given claims, completed with valid `iss`, `aud`, `iat` and `exp`
    /// unless the claims set them (or null them, to leave them out).
    pub fn token(&self, claims: Value) -> String {
        sign(
            claims,
            Algorithm::HS256,
            &EncodingKey::from_secret(TEST_SECRET.as_bytes()),
            None,
        )
    }

    pub async fn post_graphql(&self, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the server answers")
    }

    /// Runs a GraphQL operation anonymously and returns the response body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_with(None, query, variables).await
    }

    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.graphql_with(Some(token), query, variables).await
    }

    async fn graphql_with(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self
            .post_graphql(token, &json!({ "query": query, "variables": variables }))
            .await;
        response.json().await.expect("a JSON body")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("the server answers")
    }

    /// Waits until the search index has applied every committed change (bounded: 10 s).
    pub async fn wait_for_index(&self) {
        for _ in 0..500 {
            let ready: Value = self
                .get("/readyz")
                .await
                .json()
                .await
                .expect("readyz answers JSON");
            if ready["indexLag"] == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the search index did not catch up within 10 s");
    }

    /// The server still answers: a limit refused a request, not the service.
    pub async fn assert_still_serving(&self) {
        assert_eq!(self.get("/healthz").await.status(), 200);
        let body = self
            .graphql("{ organisation(slug: \"inasti\") { slug } }", json!({}))
            .await;
        assert_eq!(body["data"]["organisation"]["slug"], "inasti", "{body}");
    }

    /// The PostgreSQL database this server runs on; `None` on SQLite (the file in `data_dir`).
    pub fn database_url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|pg| pg.url.as_str())
    }

    /// The global ID of an organisation, by slug.
    pub async fn organisation_id(&self, slug: &str) -> String {
        let body = self
            .graphql(
                "query($s: String!) { organisation(slug: $s) { id } }",
                json!({ "s": slug }),
            )
            .await;
        body["data"]["organisation"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no organisation {slug}: {body}"))
            .to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(pg) = self.postgres.take() {
            pg.drop_blocking();
        }
    }
}

/// Signs claims, filling in valid registered claims where the test did not set them.
pub fn sign(mut claims: Value, alg: Algorithm, key: &EncodingKey, kid: Option<&str>) -> String {
    let now = chrono_now();
    let defaults = json!({ "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 3600 });
    let map = claims.as_object_mut().expect("claims are an object");
    for (k, v) in defaults.as_object().unwrap() {
        map.entry(k.clone()).or_insert_with(|| v.clone());
    }
    map.retain(|_, v| !v.is_null());
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, &claims, key).expect("the token signs")
}

pub fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The `extensions.code` of the first error of a response body.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// The codes of a payload's `userErrors`.
pub fn user_error_codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A path to a file of `tests/fixtures`.
pub fn fixture(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

/// A database of one test on the PostgreSQL server `COMMONS_TEST_DATABASE_URL` names, dropped
/// with the test.
pub(crate) struct PostgresDatabase {
    admin_url: String,
    name: String,
    pub(crate) url: String,
}

impl PostgresDatabase {
    /// Creates a database on the server `admin_url` points at, from outside any runtime.
    pub(crate) fn create_blocking(admin_url: &str) -> Self {
        let admin_url = admin_url.to_owned();
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(Self::create(&admin_url))
        })
        .join()
        .unwrap()
    }

    async fn create(admin_url: &str) -> Self {
        use sea_orm::ConnectionTrait;
        let name = format!("commons_test_{}", uuid::Uuid::new_v4().simple());
        let admin = sea_orm::Database::connect(admin_url)
            .await
            .expect("PostgreSQL answers");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("a test database");
        admin.close().await.ok();
        let (base, _) = admin_url.rsplit_once('/').expect("a database URL");
        let url = format!("{base}/{name}");
        Self {
            admin_url: admin_url.to_owned(),
            name,
            url,
        }
    }

    pub(crate) fn drop_blocking(self) {
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sea_orm::ConnectionTrait;
                if let Ok(admin) = sea_orm::Database::connect(&self.admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                            self.name
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = handle.join();
    }
}

/// A global ID built by hand. Clients never do this: tests do, to name rows that do not exist.
pub fn global_id(type_name: &str, n: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{type_name}:{n}"))
}

/// Replaces the part of a benchmark report between `<!-- NAME -->` and `<!-- /NAME -->` (or
/// adds it at the end), so that each bench writes its own figures and keeps the others'.
pub fn write_report_section(path: &std::path::Path, title: &str, name: &str, text: &str) {
    let start = format!("<!-- {name} -->");
    let end = format!("<!-- /{name} -->");
    let block = format!("{start}\n{text}\n{end}");
    let current = std::fs::read_to_string(path).unwrap_or_else(|_| format!("# {title}\n"));
    let updated = match (current.find(&start), current.find(&end)) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{block}{}", &current[..a], &current[b + end.len()..])
        }
        _ => format!("{}\n{block}\n", current.trim_end()),
    };
    std::fs::write(path, updated).unwrap();
}
