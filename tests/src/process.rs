//! The `commons` binary run as a person or an operator would, in processes of its own: its
//! subcommands, a server killed or stopped, replicas sharing one database. The same databases
//! as [`crate::spawn_app`]: the SQLite default, or a fresh PostgreSQL database per test when
//! `COMMONS_TEST_DATABASE_URL` is set.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStderr, Command, Stdio};

use crate::{DATABASE_URL_VAR, PostgresDatabase, commons_binary};

/// A `commons` command in `data_dir`, on its SQLite file unless [`Database::apply`] says
/// otherwise.
pub fn commons(data_dir: &Path) -> Command {
    let mut cmd = Command::new(commons_binary());
    cmd.current_dir(data_dir)
        .env("COMMONS_DATA_DIR", data_dir)
        .env_remove("COMMONS_DATABASE_URL")
        .env_remove("COMMONS_LISTEN")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null());
    cmd
}

/// The signing secret the replicas of a test on PostgreSQL share.
pub const SHARED_SECRET: &str = "the-replicas-of-a-test-share-this-secret";

/// The database of one test: the SQLite default, or a new PostgreSQL database dropped at the end.
pub struct Database {
    postgres: Option<PostgresDatabase>,
}

impl Database {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let postgres = match std::env::var(DATABASE_URL_VAR) {
            Ok(admin) if !admin.is_empty() => Some(PostgresDatabase::create_blocking(&admin)),
            _ => None,
        };
        Self { postgres }
    }

    /// The PostgreSQL database's URL; `None` on the SQLite default.
    pub fn url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|pg| pg.url.as_str())
    }

    /// Points `cmd` at this database; on PostgreSQL with the signing secret every replica
    /// shares, as `commons serve` requires there.
    pub fn apply(&self, cmd: &mut Command) {
        if let Some(url) = self.url() {
            cmd.env("COMMONS_DATABASE_URL", url)
                .env("COMMONS_AUTH__HS256_SECRET", SHARED_SECRET);
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(pg) = self.postgres.take() {
            pg.drop_blocking();
        }
    }
}

/// A running `commons serve`, its address read from its JSON log.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub log: BufReader<ChildStderr>,
    /// What it logged until it served.
    pub startup_log: String,
}

impl Server {
    pub fn start(mut cmd: Command) -> Server {
        let mut child = cmd
            .args(["serve", "--log-format", "json"])
            .env("COMMONS_LISTEN", "127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let mut seen = String::new();
        while log.read_line(&mut line).unwrap() > 0 {
            let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            seen.push_str(&line);
            if event["message"] == "serving" {
                let addr = event["addr"].as_str().unwrap().to_owned();
                return Server {
                    child,
                    addr,
                    log,
                    startup_log: seen,
                };
            }
            line.clear();
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not start: {seen}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGKILL: no shutdown, no last commit.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, then the rest of the log and whether it exited 0.
    pub fn terminate(mut self) -> (bool, String) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let mut rest = String::new();
        self.log.read_to_string(&mut rest).unwrap();
        (self.child.wait().unwrap().success(), rest)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GraphQL request to `server`, its JSON answer.
pub async fn graphql(
    server: &Server,
    token: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let mut request = reqwest::Client::new()
        .post(server.url("/graphql"))
        .json(&serde_json::json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// How many tools an anonymous search for `q` finds on `server`.
pub async fn hits(server: &Server, q: &str) -> u64 {
    let body = graphql(
        server,
        None,
        "query($q: String) { searchTools(query: $q) { totalCount } }",
        serde_json::json!({ "q": q }),
    )
    .await;
    body["data"]["searchTools"]["totalCount"]
        .as_u64()
        .unwrap_or_else(|| panic!("{body}"))
}
