//! The crash-cycle harness: `cargo run --release -p commons-tests --bin bench-crash`.
//!
//! A real `commons serve` process takes concurrent writes from several clients — tools
//! created, given a file, edited, submitted and approved; collaborations proposed, accepted and
//! handed to another caisse — and is killed with SIGKILL at random moments, then restarted.
//! After each restart every write that was acknowledged must be there, the search index must
//! agree with the database (no tool missing, none stale), every responsibility record must
//! verify, and no attachment may name a missing object. Prints the counts, on SQLite and (when
//! `COMMONS_CI_POSTGRES_URL` or the default local server answers) on PostgreSQL.
//!
//! `CRASH_CYCLES` (default 20) sets the number of kills; `CRASH_SEED` the random seed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use commons_tests::collaborations::{
    ACCEPT_TRANSFER, PROPOSE, PROPOSE_TRANSFER, RESPOND, VERIFY, proposal_input,
};
use commons_tests::tools::{CREATE, DECIDE, SUBMIT, UPDATE, content};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// A write the server acknowledged, and what must therefore be found after any crash.
#[derive(Clone, Debug)]
enum Ack {
    /// Revision `revision` of the tool exists with this title.
    Revision {
        tool: String,
        owner: &'static str,
        revision: i64,
        title: String,
    },
    Attached {
        attachment: String,
        owner: &'static str,
    },
    Submitted {
        tool: String,
        owner: &'static str,
        revision: i64,
    },
    Approved {
        tool: String,
        revision: i64,
    },
    Proposed {
        proposal: String,
    },
    ServiceOpened {
        service: String,
    },
    Transferred {
        service: String,
        to: &'static str,
    },
}

struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Setup {
    binary: PathBuf,
    data_dir: PathBuf,
    database_url: String,
    port: u16,
}

impl Setup {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.args(args)
            .env("COMMONS_DATA_DIR", &self.data_dir)
            .env("COMMONS_DATABASE_URL", &self.database_url)
            .env("COMMONS_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("COMMONS_RATE_LIMIT__ENABLED", "false")
            .env("RUST_LOG", "error")
            .current_dir(&self.data_dir);
        cmd
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn start(&self, client: &reqwest::Client) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.join("server.log"))
            .unwrap();
        let child = self
            .command(&["serve", "--log-format", "json"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the commons binary runs");
        let server = Server { child };
        let started = Instant::now();
        loop {
            if let Ok(r) = client.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return server;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the server did not become ready; see {}",
                self.data_dir.join("server.log").display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn token(&self, org: &str, role: &str) -> String {
        let out = self
            .command(&[
                "token",
                "--org",
                org,
                "--role",
                role,
                "--sub",
                &format!("crash-{org}-{}", role.to_lowercase()),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }
}

struct Clients {
    client: reqwest::Client,
    url: String,
    tokens: std::collections::HashMap<(&'static str, &'static str), String>,
}

impl Clients {
    fn token(&self, org: &'static str, role: &'static str) -> &str {
        &self.tokens[&(org, role)]
    }

    /// Runs an operation; `None` when the server could not be reached or did not answer.
    async fn call(
        &self,
        org: &'static str,
        role: &'static str,
        query: &str,
        variables: Value,
    ) -> Option<Value> {
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(self.token(org, role))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .ok()?;
        response.json().await.ok()
    }

    /// A mutation's payload when it was acknowledged: an answer with no error and no
    /// `userErrors`.
    async fn write(
        &self,
        org: &'static str,
        role: &'static str,
        query: &str,
        field: &str,
        input: Value,
    ) -> Option<Value> {
        let body = self
            .call(org, role, query, json!({ "input": input }))
            .await?;
        let payload = &body["data"][field];
        let clean = body["errors"].is_null()
            && payload["userErrors"]
                .as_array()
                .is_some_and(|e| e.is_empty());
        clean.then(|| payload.clone())
    }

    async fn upload(
        &self,
        org: &'static str,
        tool: &str,
        name: &str,
        text: String,
    ) -> Option<Value> {
        let operations = json!({
            "query": "mutation($input: AddAttachmentInput!) { addAttachment(input: $input) { attachment { id } userErrors { code } } }",
            "variables": { "input": { "toolId": tool, "file": null, "title": "Fiche", "language": "FR" } }
        });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", r#"{ "0": ["variables.input.file"] }"#)
            .part(
                "0",
                reqwest::multipart::Part::bytes(text.into_bytes()).file_name(name.to_owned()),
            );
        let body: Value = self
            .client
            .post(&self.url)
            .bearer_auth(self.token(org, "STAFF"))
            .multipart(form)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let payload = &body["data"]["addAttachment"];
        (payload["userErrors"] == json!([])).then(|| payload["attachment"]["id"].clone())
    }
}

struct Shared {
    clients: Clients,
    acks: Mutex<Vec<Ack>>,
    paused: AtomicBool,
    stop: AtomicBool,
    in_flight: AtomicUsize,
}

impl Shared {
    async fn ack(&self, ack: Ack) {
        self.acks.lock().await.push(ack);
    }

    async fn wait_while_paused(&self) {
        while self.paused.load(Ordering::SeqCst) && !self.stop.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Counts a step as in flight while it runs, so that the harness knows when none is.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn new(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Self(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A tool's life, over and over: created, given a file, edited, submitted, approved. A step
/// that is not acknowledged (the server died under it) starts a new story.
async fn tool_stories(shared: Arc<Shared>, owner: &'static str, worker: usize) {
    let c = &shared.clients;
    let mut story = 0;
    while !shared.stop.load(Ordering::SeqCst) {
        shared.wait_while_paused().await;
        story += 1;
        let tag = format!("crash{worker}x{story}");
        let _busy = InFlight::new(&shared.in_flight);
        let title = format!("Outil {tag} r1");
        let Some(created) = c
            .write(
                owner,
                "STAFF",
                CREATE,
                "createTool",
                json!({ "content": content(&title, "NETWORK") }),
            )
            .await
        else {
            continue;
        };
        let tool = created["tool"]["id"].as_str().unwrap().to_owned();
        shared
            .ack(Ack::Revision {
                tool: tool.clone(),
                owner,
                revision: 1,
                title,
            })
            .await;
        let Some(attachment) = c
            .upload(
                owner,
                &tool,
                &format!("{tag}.txt"),
                format!("Fiche {tag}: stress et sommeil."),
            )
            .await
        else {
            continue;
        };
        shared
            .ack(Ack::Attached {
                attachment: attachment.as_str().unwrap().to_owned(),
                owner,
            })
            .await;
        let title = format!("Outil {tag} r2");
        let edit =
            json!({ "toolId": tool, "baseRevision": 1, "content": content(&title, "NETWORK") });
        if c.write(owner, "STAFF", UPDATE, "updateTool", edit)
            .await
            .is_none()
        {
            continue;
        }
        shared
            .ack(Ack::Revision {
                tool: tool.clone(),
                owner,
                revision: 2,
                title,
            })
            .await;
        let submit = json!({ "toolId": tool, "revision": 2 });
        if c.write(owner, "STAFF", SUBMIT, "submitTool", submit)
            .await
            .is_none()
        {
            continue;
        }
        shared
            .ack(Ack::Submitted {
                tool: tool.clone(),
                owner,
                revision: 2,
            })
            .await;
        let decide = json!({ "toolId": tool, "revision": 2, "decision": "APPROVE" });
        if c.write("inasti", "MODERATOR", DECIDE, "decideOnTool", decide)
            .await
            .is_none()
        {
            continue;
        }
        shared.ack(Ack::Approved { tool, revision: 2 }).await;
    }
}

/// A collaboration's life: UNIZO proposes to Acerta, Acerta accepts (a joint service and the
/// first entry of its record), Acerta hands it to UCM, UCM accepts.
async fn collaboration_stories(shared: Arc<Shared>, ids: (String, String)) {
    let c = &shared.clients;
    let (acerta, ucm) = ids;
    while !shared.stop.load(Ordering::SeqCst) {
        shared.wait_while_paused().await;
        let _busy = InFlight::new(&shared.in_flight);
        let Some(proposed) = c
            .write(
                "unizo",
                "STAFF",
                PROPOSE,
                "proposeCollaboration",
                proposal_input(std::slice::from_ref(&acerta)),
            )
            .await
        else {
            continue;
        };
        let proposal = proposed["proposal"]["id"].as_str().unwrap().to_owned();
        shared
            .ack(Ack::Proposed {
                proposal: proposal.clone(),
            })
            .await;
        let answer = json!({ "proposalId": proposal, "accept": true });
        let Some(answered) = c
            .write("acerta", "ORG_ADMIN", RESPOND, "respondToProposal", answer)
            .await
        else {
            continue;
        };
        let service = answered["jointService"]["id"].as_str().unwrap().to_owned();
        shared
            .ack(Ack::ServiceOpened {
                service: service.clone(),
            })
            .await;
        let propose =
            json!({ "serviceId": service, "toCaisseId": ucm, "reason": "reorganisation" });
        let Some(proposed) = c
            .write(
                "acerta",
                "ORG_ADMIN",
                PROPOSE_TRANSFER,
                "proposeResponsibilityTransfer",
                propose,
            )
            .await
        else {
            continue;
        };
        let transfer = proposed["transfer"]["id"].as_str().unwrap().to_owned();
        if c.write(
            "ucm",
            "ORG_ADMIN",
            ACCEPT_TRANSFER,
            "acceptResponsibilityTransfer",
            json!({ "transferId": transfer }),
        )
        .await
        .is_some()
        {
            shared.ack(Ack::Transferred { service, to: "ucm" }).await;
        }
    }
}

/// What one check found wrong, in words.
type Divergences = Vec<String>;

async fn check_acks(c: &Clients, acks: &[Ack]) -> Divergences {
    let mut wrong = Vec::new();
    for ack in acks {
        let problem = match ack {
            Ack::Revision {
                tool,
                owner,
                revision,
                title,
            } => {
                let body = c
                    .call(owner, "STAFF", "query($id: ID!, $n: Int!) { node(id: $id) { ... on Tool { revision(number: $n) { title } } } }", json!({ "id": tool, "n": revision }))
                    .await
                    .unwrap_or_default();
                (body["data"]["node"]["revision"]["title"] != json!(title))
                    .then(|| format!("revision {revision} of {tool} ({title}): {body}"))
            }
            Ack::Attached { attachment, owner } => {
                let body = c
                    .call(
                        owner,
                        "STAFF",
                        "query($id: ID!) { node(id: $id) { id } }",
                        json!({ "id": attachment }),
                    )
                    .await
                    .unwrap_or_default();
                (body["data"]["node"]["id"] != json!(attachment))
                    .then(|| format!("attachment {attachment}: {body}"))
            }
            Ack::Submitted {
                tool,
                owner,
                revision,
            } => {
                let body = c
                    .call(owner, "STAFF", "query($id: ID!, $n: Int!) { node(id: $id) { ... on Tool { revision(number: $n) { status } } } }", json!({ "id": tool, "n": revision }))
                    .await
                    .unwrap_or_default();
                let status = body["data"]["node"]["revision"]["status"]
                    .as_str()
                    .unwrap_or("");
                (!matches!(status, "IN_REVIEW" | "PUBLISHED"))
                    .then(|| format!("submission of {tool}: {body}"))
            }
            Ack::Approved { tool, revision } => {
                let body = c
                    .call("inasti", "MODERATOR", "query($id: ID!) { node(id: $id) { ... on Tool { published { number } } } }", json!({ "id": tool }))
                    .await
                    .unwrap_or_default();
                (body["data"]["node"]["published"]["number"] != json!(revision))
                    .then(|| format!("approval of {tool}: {body}"))
            }
            Ack::Proposed { proposal } => {
                let body = c
                    .call(
                        "unizo",
                        "STAFF",
                        "query($id: ID!) { node(id: $id) { id } }",
                        json!({ "id": proposal }),
                    )
                    .await
                    .unwrap_or_default();
                (body["data"]["node"]["id"] != json!(proposal))
                    .then(|| format!("proposal {proposal}: {body}"))
            }
            Ack::ServiceOpened { service } => {
                let body = c
                    .call(
                        "inasti",
                        "MODERATOR",
                        "query($id: ID!) { node(id: $id) { id } }",
                        json!({ "id": service }),
                    )
                    .await
                    .unwrap_or_default();
                (body["data"]["node"]["id"] != json!(service))
                    .then(|| format!("joint service {service}: {body}"))
            }
            Ack::Transferred { service, to } => {
                let body = c
                    .call("inasti", "MODERATOR", "query($id: ID!) { node(id: $id) { ... on JointService { responsibleCaisse { slug } } } }", json!({ "id": service }))
                    .await
                    .unwrap_or_default();
                (body["data"]["node"]["responsibleCaisse"]["slug"] != json!(to))
                    .then(|| format!("transfer of {service}: {body}"))
            }
        };
        wrong.extend(problem);
    }
    wrong
}

async fn rows(db: &sea_orm::DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
}

/// The index agrees with the database: every tool of the crash stories is found by its tag as
/// INASTI sees it, with the title of its newest revision; and the index counts no tool the
/// database does not hold.
async fn check_index(c: &Clients, db: &sea_orm::DatabaseConnection) -> (usize, Divergences) {
    let mut wrong = Vec::new();
    let tools = rows(
        db,
        "SELECT t.id AS id, tr.title AS title FROM tools t \
         JOIN tool_revisions r ON r.tool_id = t.id AND r.number = t.latest_revision \
         JOIN tool_translations tr ON tr.revision_id = r.id \
         WHERE tr.title LIKE 'Outil crash%'",
    )
    .await;
    for row in &tools {
        let id: i64 = row.try_get("", "id").unwrap();
        let title: String = row.try_get("", "title").unwrap();
        let tag = title
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let body = c
            .call("inasti", "MODERATOR", "query($q: String!) { searchTools(query: $q, first: 5) { totalCount edges { node { tool { id } highlights { title } } } } }", json!({ "q": tag }))
            .await
            .unwrap_or_default();
        let hits = body["data"]["searchTools"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let expected = commons_tests::global_id("Tool", id);
        let hit = hits
            .iter()
            .find(|h| h["node"]["tool"]["id"] == json!(expected));
        match hit {
            None => wrong.push(format!(
                "tool {id} ({title}) is missing from the index: {body}"
            )),
            Some(h) => {
                let shown = h["node"]["highlights"]["title"]
                    .as_str()
                    .unwrap_or_default();
                let plain = shown.replace("<b>", "").replace("</b>", "");
                if plain != title {
                    wrong.push(format!(
                        "tool {id} is stale in the index: {plain:?}, not {title:?}"
                    ));
                }
            }
        }
    }
    // Nothing more: INASTI browsing the whole catalogue sees as many tools as the database
    // holds that are not kept to their organisation.
    let body = c
        .call(
            "inasti",
            "MODERATOR",
            "{ searchTools(first: 1) { totalCount } }",
            json!({}),
        )
        .await
        .unwrap_or_default();
    let indexed = body["data"]["searchTools"]["totalCount"]
        .as_i64()
        .unwrap_or(-1);
    let held: i64 = rows(
        db,
        "SELECT COUNT(*) AS n FROM tools WHERE latest_visibility <> 'ORGANISATION'",
    )
    .await
    .first()
    .map(|r| r.try_get("", "n").unwrap())
    .unwrap_or(-2);
    if indexed != held {
        wrong.push(format!(
            "the index shows INASTI {indexed} tools, the database holds {held}"
        ));
    }
    (tools.len(), wrong)
}

async fn check_records(c: &Clients, db: &sea_orm::DatabaseConnection) -> (usize, Divergences) {
    let services = rows(db, "SELECT id FROM joint_services").await;
    let mut wrong = Vec::new();
    for row in &services {
        let id: i64 = row.try_get("", "id").unwrap();
        let service = commons_tests::global_id("JointService", id);
        let body = c
            .call("inasti", "MODERATOR", VERIFY, json!({ "id": service }))
            .await
            .unwrap_or_default();
        if body["data"]["verifyResponsibilityRecord"]["intact"] != json!(true) {
            wrong.push(format!(
                "the record of joint service {id} does not verify: {body}"
            ));
        }
    }
    (services.len(), wrong)
}

fn check_objects(data_dir: &Path, shas: &[String]) -> Divergences {
    shas.iter()
        .filter(|sha| {
            !data_dir
                .join("objects")
                .join(&sha[..2])
                .join(sha.as_str())
                .exists()
        })
        .map(|sha| format!("attachment object {sha} is missing"))
        .collect()
}

struct Outcome {
    backend: &'static str,
    cycles: usize,
    acknowledged: usize,
    tools: usize,
    services: usize,
    attachments: usize,
    divergences: Vec<String>,
    seconds: f64,
}

async fn run(backend: &'static str, database_url: String, cycles: usize, seed: u64) -> Outcome {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let setup = Setup {
        binary: commons_tests::commons_binary(),
        data_dir: dir.path().to_owned(),
        database_url: database_url.clone(),
        port,
    };
    let migrated = setup.command(&["demo"]).output().unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut tokens = std::collections::HashMap::new();
    for (org, role) in [
        ("acerta", "STAFF"),
        ("ucm", "STAFF"),
        ("acerta", "ORG_ADMIN"),
        ("ucm", "ORG_ADMIN"),
        ("unizo", "STAFF"),
        ("inasti", "MODERATOR"),
    ] {
        tokens.insert((org, role), setup.token(org, role));
    }
    let mut server = setup.start(&client).await;
    let shared = Arc::new(Shared {
        clients: Clients {
            client: client.clone(),
            url: setup.url("/graphql"),
            tokens,
        },
        acks: Mutex::new(Vec::new()),
        paused: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        in_flight: AtomicUsize::new(0),
    });
    let slug_id = |slug: &str| {
        let shared = shared.clone();
        let slug = slug.to_owned();
        async move {
            let body = shared
                .clients
                .call(
                    "inasti",
                    "MODERATOR",
                    "query($s: String!) { organisation(slug: $s) { id } }",
                    json!({ "s": slug }),
                )
                .await
                .unwrap();
            body["data"]["organisation"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let ids = (slug_id("acerta").await, slug_id("ucm").await);
    let workers = vec![
        tokio::spawn(tool_stories(shared.clone(), "acerta", 1)),
        tokio::spawn(tool_stories(shared.clone(), "ucm", 2)),
        tokio::spawn(tool_stories(shared.clone(), "acerta", 3)),
        tokio::spawn(collaboration_stories(shared.clone(), ids)),
    ];
    let db = sea_orm::Database::connect(database_url.as_str())
        .await
        .unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut divergences = Vec::new();
    let (mut tools, mut services, mut attachments, mut checked) = (0, 0, 0, 0);
    for cycle in 1..=cycles {
        shared.paused.store(false, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(rng.gen_range(300..1500))).await;
        // SIGKILL: no shutdown, no flush, whatever was in flight.
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        shared.paused.store(true, Ordering::SeqCst);
        while shared.in_flight.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        drop(server);
        server = setup.start(&client).await;
        // The index catches up with the outbox after a restart: wait for it, as a load
        // balancer would wait for /readyz.
        let caught_up = Instant::now();
        loop {
            let ready: Value = client
                .get(setup.url("/readyz"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap_or_default();
            if ready["indexLag"] == json!(0) || caught_up.elapsed() > Duration::from_secs(60) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let acks = shared.acks.lock().await.clone();
        let mut found = check_acks(&shared.clients, &acks).await;
        let (t, wrong) = check_index(&shared.clients, &db).await;
        found.extend(wrong);
        let (s, wrong) = check_records(&shared.clients, &db).await;
        found.extend(wrong);
        let shas: Vec<String> = rows(&db, "SELECT sha256 FROM attachments")
            .await
            .iter()
            .map(|r| r.try_get("", "sha256").unwrap())
            .collect();
        found.extend(check_objects(&setup.data_dir, &shas));
        (tools, services, attachments, checked) = (t, s, shas.len(), acks.len());
        eprintln!(
            "[{backend}] cycle {cycle}/{cycles}: {} acknowledged writes, {t} tools, {s} services, {} files, {} divergences",
            acks.len(),
            shas.len(),
            found.len()
        );
        for problem in &found {
            eprintln!("  {problem}");
        }
        divergences.extend(found);
    }
    shared.stop.store(true, Ordering::SeqCst);
    shared.paused.store(false, Ordering::SeqCst);
    for w in workers {
        let _ = w.await;
    }
    drop(server);
    Outcome {
        backend,
        cycles,
        acknowledged: checked,
        tools,
        services,
        attachments,
        divergences,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// A fresh PostgreSQL database for the run, or `None` when no server answers.
async fn postgres_database() -> Option<(String, String)> {
    let admin = std::env::var("COMMONS_CI_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let db = sea_orm::Database::connect(admin.as_str()).await.ok()?;
    let name = format!("commons_crash_{}", uuid::Uuid::new_v4().simple());
    db.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("CREATE DATABASE \"{name}\""),
    ))
    .await
    .ok()?;
    let url = format!("{}/{name}", admin.rsplit_once('/')?.0);
    Some((admin, url))
}

#[tokio::main]
async fn main() {
    let cycles: usize = std::env::var("CRASH_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2026);
    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        sqlite_dir.path().join("crash.db").display()
    );
    let mut outcomes = vec![run("SQLite", sqlite, cycles, seed).await];
    match postgres_database().await {
        Some((admin, url)) => {
            outcomes.push(run("PostgreSQL", url.clone(), cycles, seed).await);
            if let Ok(db) = sea_orm::Database::connect(admin.as_str()).await {
                let name = url.rsplit('/').next().unwrap_or_default();
                let _ = db
                    .execute_raw(Statement::from_string(
                        DbBackend::Postgres,
                        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                    ))
                    .await;
            }
        }
        None => eprintln!("PostgreSQL does not answer: the run is on SQLite only"),
    }
    println!(
        "| database | kills | acknowledged writes checked after each | tools written | joint services | files | divergences | time |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for o in &outcomes {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.0} s |",
            o.backend,
            o.cycles,
            o.acknowledged,
            o.tools,
            o.services,
            o.attachments,
            o.divergences.len(),
            o.seconds
        );
    }
    if outcomes.iter().any(|o| !o.divergences.is_empty()) {
        std::process::exit(1);
    }
}
