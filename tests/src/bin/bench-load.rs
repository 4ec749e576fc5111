//! The load benchmark: `cargo build --release && cargo run --release -p commons-tests --bin
//! bench-load` (`-- --seconds 30 --clients 32` to change the run). Concurrent clients run a
//! realistic mix over loopback for a fixed time — 80 % searches with facets and reads, anonymous
//! and signed in; 15 % edits, submissions and uploads; 5 % moderation decisions and answers to
//! collaboration proposals — against one replica on SQLite, one on PostgreSQL, and two on
//! PostgreSQL behind HAProxy, with attachments on an S3-compatible endpoint running as its own
//! process. It reports throughput and p50/p99 per kind of operation and the errors, then checks
//! that every acknowledged write is in the database and in every replica's index. The load
//! generator shares the machine's cores with the servers. Writes `benchmarks/load.md`.
// The merged query root nests one async block per part of the schema; laying them out
// (in release builds too) takes rustc past its default query depth.
#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use commons_tests::proxy::{self, Process};
use commons_tests::storage::{s3_settings, start_s3};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Reads a child's standard error until a line satisfies `found`, then keeps echoing its
/// warnings; what `found` returned.
fn await_line<T>(child: &mut Child, found: impl Fn(&str) -> Option<T>) -> T {
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while log.read_line(&mut line).unwrap() > 0 {
        if let Some(value) = found(&line) {
            std::thread::spawn(move || {
                for line in log.lines().map_while(Result::ok) {
                    if line.contains("WARN") || line.contains("ERROR") {
                        eprintln!("  | {line}");
                    }
                }
            });
            return value;
        }
        line.clear();
    }
    panic!("the process ended before it was ready");
}

/// The S3-compatible endpoint, run as `bench-load s3-endpoint` in a process of its own.
fn s3_endpoint_process() -> (Process, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("s3-endpoint")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = await_line(&mut child, |l| {
        l.strip_prefix("s3 endpoint ").map(|u| u.trim().to_owned())
    });
    (Process(child), url)
}

fn serve_s3_endpoint() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let endpoint = start_s3().await;
        eprintln!("s3 endpoint {}", endpoint.url);
        std::future::pending::<()>().await;
    });
}

/// Where one scenario keeps its data, and how its `commons` processes are configured.
struct Deployment {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    database: Option<String>,
}

impl Deployment {
    fn new(postgres: bool, s3: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut env = vec![
            (
                "COMMONS_DATA_DIR".to_owned(),
                dir.path().display().to_string(),
            ),
            // The clients ask as fast as they can: this measures capacity, not the limits.
            ("COMMONS_RATE_LIMIT__ENABLED".to_owned(), "false".to_owned()),
            (
                "RUST_LOG".to_owned(),
                "warn,commons_api::app=info".to_owned(),
            ),
            (
                "COMMONS_DATABASE_MAX_CONNECTIONS".to_owned(),
                "16".to_owned(),
            ),
        ];
        let (url, options) = s3_settings(s3);
        env.push(("COMMONS_STORAGE__URL".to_owned(), url));
        for (k, v) in options {
            env.push((
                format!("COMMONS_STORAGE__OPTIONS__{}", k.to_uppercase()),
                v.expose_secret().to_owned(),
            ));
        }
        let database = postgres.then(|| {
            let name = format!("commons_bench_{}", uuid::Uuid::new_v4().simple());
            psql(&format!("CREATE DATABASE \"{name}\""));
            let url = ADMIN_URL.replace("/test", &format!("/{name}"));
            env.push(("COMMONS_DATABASE_URL".to_owned(), url));
            // Replicas on PostgreSQL share their signing secret (`commons serve` requires it).
            env.push((
                "COMMONS_AUTH__HS256_SECRET".to_owned(),
                "the-replicas-of-the-load-bench-share-this".to_owned(),
            ));
            name
        });
        Self { dir, env, database }
    }

    fn command(&self, binary: &Path) -> Command {
        let mut cmd = Command::new(binary);
        cmd.current_dir(self.dir.path())
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        cmd
    }

    fn token(&self, binary: &Path, org: &str, role: &str) -> String {
        let out = self
            .command(binary)
            .args(["token", "--org", org, "--role", role, "--ttl", "2h"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    fn replica(&self, binary: &Path, name: &str) -> (Process, String) {
        let mut child = self
            .command(binary)
            .args(["serve", "--log-format", "json"])
            .env("COMMONS_LISTEN", "127.0.0.1:0")
            .env(
                "COMMONS_INDEX__DIR",
                self.dir.path().join(format!("index-{name}")),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let addr = await_line(&mut child, |l| {
            let event: Value = serde_json::from_str(l).ok()?;
            (event["message"] == "serving").then(|| event["addr"].as_str().unwrap().to_owned())
        });
        (Process(child), format!("http://{addr}"))
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        if let Some(name) = &self.database {
            psql(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

fn psql(sql: &str) {
    let ok = Command::new("psql")
        .args([ADMIN_URL, "-qc", sql])
        .status()
        .unwrap()
        .success();
    assert!(ok, "{sql}");
}

const SEARCH: &str = "query($q: String) { searchTools(query: $q, first: 10) {
  totalCount edges { node { score tool { id title } highlights { title text } } }
  facets { kinds { value count } categories { value count } languages { value count } owners { value count } } } }";
const READ: &str = "query($id: ID!) { node(id: $id) { ... on Tool { id title status
  current { number title summary body categories } owner { slug } } } }";
const LIST: &str = "{ tools(first: 20) { edges { node { id title status owner { slug } } } } }";
const CREATE: &str = "mutation($input: CreateToolInput!) { createTool(input: $input) { tool { id } userErrors { code } } }";
const UPDATE: &str = "mutation($input: UpdateToolInput!) { updateTool(input: $input) { tool { id } userErrors { code } } }";
const SUBMIT: &str = "mutation($input: SubmitToolInput!) { submitTool(input: $input) { tool { id } userErrors { code } } }";
const DECIDE: &str = "mutation($input: DecideOnToolInput!) { decideOnTool(input: $input) { tool { id } userErrors { code } } }";
const PROPOSE: &str = "mutation($input: ProposeCollaborationInput!) { proposeCollaboration(input: $input) { proposal { id } userErrors { code } } }";
const RESPOND: &str = "mutation($input: RespondToProposalInput!) { respondToProposal(input: $input) { proposal { id } userErrors { code } } }";
const UPLOAD: &str = "mutation($input: AddAttachmentInput!) { addAttachment(input: $input) { attachment { id } userErrors { code } } }";

const QUERIES: &[&str] = &[
    "stress",
    "gérer le stress",
    "burnout",
    "zelfscan",
    "troubles du sommeil",
    "Stressbewältigung",
    "peer group entrepreneurs",
    "faillite",
    "uitputting",
    "épuisement professionnel",
    "",
];

const CAISSES: &[&str] = &[
    "acerta", "liantis", "ucm", "xerius", "partena", "securex", "group-s", "avixi", "hulpkas",
];

fn content(title: &str, body: &str) -> Value {
    json!({
        "kind": "WORKSHOP_FORMAT",
        "categories": ["SECONDARY_PREVENTION"],
        "translations": [{ "lang": "FR", "title": title,
            "summary": "Un atelier en petit groupe pour les indépendants sous pression.",
            "body": body }],
        "audiences": ["ALL_SELF_EMPLOYED"],
        "deliveryModes": ["GROUP"],
        "deliveryFormats": ["IN_PERSON"],
        "scopes": ["NATIONAL"],
        "licence": "CC-BY-4.0",
        "tags": ["stress"],
        "visibility": "PUBLIC",
    })
}

/// The kinds of operation, as the report names them, with their share of the mix (percent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    SearchAnonymous,
    SearchSignedIn,
    Read,
    List,
    Create,
    Edit,
    Submit,
    Upload,
    Decide,
    Respond,
}

impl Kind {
    const MIX: [(Kind, u32); 10] = [
        (Kind::SearchAnonymous, 40),
        (Kind::SearchSignedIn, 20),
        (Kind::Read, 10),
        (Kind::List, 10),
        (Kind::Create, 4),
        (Kind::Edit, 5),
        (Kind::Submit, 4),
        (Kind::Upload, 2),
        (Kind::Decide, 4),
        (Kind::Respond, 1),
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::SearchAnonymous => "search, anonymous",
            Kind::SearchSignedIn => "search, signed in",
            Kind::Read => "read a tool",
            Kind::List => "list tools",
            Kind::Create => "create a tool",
            Kind::Edit => "edit a draft",
            Kind::Submit => "submit",
            Kind::Upload => "upload a PDF",
            Kind::Decide => "moderation decision",
            Kind::Respond => "answer a proposal",
        }
    }
}

/// What the clients share: the work waiting for someone, and what the server acknowledged.
#[derive(Default)]
struct Shared {
    /// Tools submitted, waiting for a moderator.
    in_review: Vec<String>,
    /// Proposals waiting for their caisse's answer: (proposal, caisse).
    proposals: Vec<(String, &'static str)>,
    /// Published tools by the unique word of their title.
    published: BTreeMap<String, String>,
    /// Every tool written, with the revision its last acknowledged edit made.
    revisions: BTreeMap<String, i64>,
    answered: Vec<String>,
    samples: BTreeMap<Kind, Vec<f64>>,
    errors: BTreeMap<Kind, u64>,
    first_errors: Vec<String>,
}

struct Tokens {
    staff: Vec<(String, &'static str)>,
    moderator: String,
}

/// The GraphQL answer, or why the operation failed.
async fn call(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    let mut request = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() || body.get("errors").is_some() {
        return Err(format!("{status}: {body}"));
    }
    Ok(body)
}

/// The payload of a mutation that must have gone through.
fn payload(body: Result<Value, String>, field: &str) -> Result<Value, String> {
    let body = body?;
    let payload = body["data"][field].clone();
    match payload["userErrors"].as_array() {
        Some(errors) if !errors.is_empty() => Err(format!("{field}: {body}")),
        _ => Ok(payload),
    }
}

fn id_of(payload: &Value, object: &str) -> String {
    payload[object]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

struct Client {
    n: usize,
    rng: u64,
    url: String,
    http: reqwest::Client,
    /// This client's drafts: (tool, latest revision, caisse).
    drafts: Vec<(String, i64, usize)>,
    made: usize,
}

impl Client {
    fn random(&mut self, n: usize) -> usize {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }

    fn pick(&mut self) -> Kind {
        let mut roll = self.random(100) as u32;
        for (kind, share) in Kind::MIX {
            if roll < share {
                return kind;
            }
            roll -= share;
        }
        Kind::SearchAnonymous
    }

    async fn one(
        &mut self,
        kind: Kind,
        tokens: &Tokens,
        shared: &Mutex<Shared>,
    ) -> Result<(), String> {
        let (url, http) = (self.url.clone(), self.http.clone());
        let staff = self.random(tokens.staff.len());
        let (token, _) = &tokens.staff[staff];
        match kind {
            Kind::SearchAnonymous | Kind::SearchSignedIn => {
                let q = QUERIES[self.random(QUERIES.len())];
                let token = (kind == Kind::SearchSignedIn).then_some(token.as_str());
                call(&http, &url, token, SEARCH, json!({ "q": q })).await?;
            }
            Kind::Read => {
                let id = {
                    let s = shared.lock().unwrap();
                    let n = self.random(s.published.len().max(1));
                    s.published.values().nth(n).cloned().unwrap_or_default()
                };
                call(&http, &url, None, READ, json!({ "id": id })).await?;
            }
            Kind::List => {
                call(&http, &url, Some(token), LIST, json!({})).await?;
            }
            Kind::Create => {
                self.made += 1;
                let word = format!("loadtool{}x{}", self.n, self.made);
                let input = json!({ "input": { "content": content(&format!("Atelier {word}"), "Six séances.") } });
                let created = payload(
                    call(&http, &url, Some(token), CREATE, input).await,
                    "createTool",
                )?;
                let id = id_of(&created, "tool");
                shared.lock().unwrap().revisions.insert(id.clone(), 1);
                self.drafts.push((id, 1, staff));
            }
            Kind::Edit | Kind::Submit | Kind::Upload => {
                let Some(i) = (!self.drafts.is_empty()).then(|| self.random(self.drafts.len()))
                else {
                    return Box::pin(self.one(Kind::Create, tokens, shared)).await;
                };
                let (id, revision, owner) = self.drafts[i].clone();
                let token = &tokens.staff[owner].0;
                match kind {
                    Kind::Edit => {
                        let title = call(&http, &url, Some(token), READ, json!({ "id": id }))
                            .await?["data"]["node"]["current"]["title"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned();
                        let input = json!({ "input": { "toolId": id, "baseRevision": revision,
                            "content": content(&title, &format!("Version {}.", revision + 1)) } });
                        payload(
                            call(&http, &url, Some(token), UPDATE, input).await,
                            "updateTool",
                        )?;
                        self.drafts[i].1 += 1;
                        shared.lock().unwrap().revisions.insert(id, revision + 1);
                    }
                    Kind::Submit => {
                        let input = json!({ "input": { "toolId": id, "revision": revision } });
                        payload(
                            call(&http, &url, Some(token), SUBMIT, input).await,
                            "submitTool",
                        )?;
                        self.drafts.swap_remove(i);
                        shared.lock().unwrap().in_review.push(id);
                    }
                    _ => {
                        // A file joins the draft revision itself.
                        upload(&http, &url, token, &id).await?;
                    }
                }
            }
            Kind::Decide => {
                let Some(id) = shared.lock().unwrap().in_review.pop() else {
                    return Box::pin(self.one(Kind::SearchSignedIn, tokens, shared)).await;
                };
                let revision = shared
                    .lock()
                    .unwrap()
                    .revisions
                    .get(&id)
                    .copied()
                    .unwrap_or(1);
                let input = json!({ "input": { "toolId": id, "revision": revision, "decision": "APPROVE" } });
                let decided = payload(
                    call(&http, &url, Some(&tokens.moderator), DECIDE, input).await,
                    "decideOnTool",
                );
                if let Err(e) = decided {
                    shared.lock().unwrap().in_review.push(id);
                    return Err(e);
                }
                let title = call(
                    &http,
                    &url,
                    Some(&tokens.moderator),
                    READ,
                    json!({ "id": id }),
                )
                .await?["data"]["node"]["title"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let word = title.trim_start_matches("Atelier ").to_owned();
                shared.lock().unwrap().published.insert(word, id);
            }
            Kind::Respond => {
                let Some((proposal, caisse)) = shared.lock().unwrap().proposals.pop() else {
                    return Box::pin(self.one(Kind::SearchSignedIn, tokens, shared)).await;
                };
                let token = &tokens.staff.iter().find(|(_, c)| *c == caisse).unwrap().0;
                let input = json!({ "input": { "proposalId": proposal, "accept": true } });
                payload(
                    call(&http, &url, Some(token), RESPOND, input).await,
                    "respondToProposal",
                )?;
                shared.lock().unwrap().answered.push(proposal);
            }
        }
        Ok(())
    }
}

/// A small PDF with a line of text, attached to a draft through the multipart request.
async fn upload(http: &reqwest::Client, url: &str, token: &str, tool: &str) -> Result<(), String> {
    let pdf = commons_tests::files::pdf_with_text("Guide de l'animateur: six séances en groupe.");
    let operations = json!({ "query": UPLOAD, "variables": { "input": { "toolId": tool, "file": null, "title": "Guide", "language": "FR" } } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", r#"{ "0": ["variables.input.file"] }"#)
        .part(
            "0",
            reqwest::multipart::Part::bytes(pdf).file_name("guide.pdf"),
        );
    let body = http
        .post(format!("{url}/graphql"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json::<Value>()
        .await
        .map_err(|e| e.to_string());
    payload(
        body.and_then(|b| {
            if b.get("errors").is_some() {
                Err(b.to_string())
            } else {
                Ok(b)
            }
        }),
        "addAttachment",
    )
    .map(|_| ())
}

struct Scenario {
    name: &'static str,
    postgres: bool,
    replicas: usize,
}

struct Outcome {
    name: &'static str,
    seconds: f64,
    rows: Vec<(Kind, usize, f64, f64, u64)>,
    total: usize,
    errors: u64,
    writes_checked: usize,
    lost: usize,
    index_checks: usize,
    index_missing: usize,
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

async fn wait_until_current(http: &reqwest::Client, replica: &str) {
    for _ in 0..600 {
        let ready: Value = http
            .get(format!("{replica}/readyz"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap_or_default();
        if ready["indexLag"] == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{replica} did not catch up");
}

async fn run(
    scenario: &Scenario,
    binary: &Path,
    s3: &str,
    seconds: u64,
    clients: usize,
) -> Outcome {
    println!("== {}", scenario.name);
    let deployment = Deployment::new(scenario.postgres, s3);
    let demo = deployment.command(binary).arg("demo").output().unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let mut processes = Vec::new();
    let mut replicas = Vec::new();
    for r in 0..scenario.replicas {
        let (process, url) = deployment.replica(binary, &format!("r{r}"));
        processes.push(process);
        replicas.push(url);
    }
    // The shipped deploy/haproxy.cfg, without its request rate per client address: every
    // client of the bench comes from one address.
    let haproxy =
        (replicas.len() > 1).then(|| proxy::start(deployment.dir.path(), &replicas, false));
    let entry = haproxy
        .as_ref()
        .map_or_else(|| replicas[0].clone(), |h| h.url.clone());
    let tokens = Arc::new(Tokens {
        staff: CAISSES
            .iter()
            .map(|c| (deployment.token(binary, c, "STAFF"), *c))
            .collect(),
        moderator: deployment.token(binary, "inasti", "MODERATOR"),
    });
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    let shared = Arc::new(Mutex::new(Shared::default()));

    // Work waiting at the start: published tools to read, tools in review, proposals to answer.
    let mut seeder = Client {
        n: 0,
        rng: 7,
        url: entry.clone(),
        http: http.clone(),
        drafts: Vec::new(),
        made: 0,
    };
    for _ in 0..60 {
        seeder.one(Kind::Create, &tokens, &shared).await.unwrap();
        seeder.one(Kind::Submit, &tokens, &shared).await.unwrap();
    }
    for _ in 0..30 {
        seeder.one(Kind::Decide, &tokens, &shared).await.unwrap();
    }
    let partner = deployment.token(binary, "unizo", "STAFF");
    let mut ids = BTreeMap::new();
    for caisse in CAISSES {
        let org = call(
            &http,
            &entry,
            None,
            "query($s: String!) { organisation(slug: $s) { id } }",
            json!({ "s": caisse }),
        )
        .await
        .unwrap();
        ids.insert(
            *caisse,
            org["data"]["organisation"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for i in 0..90 {
        let caisse = CAISSES[i % CAISSES.len()];
        let input = json!({ "input": {
            "titles": [{ "lang": "FR", "text": format!("Groupe de parole {i}") }],
            "descriptions": [{ "lang": "FR", "text": "Des rencontres entre indépendants, animées par des pairs formés." }],
            "categories": ["SECONDARY_PREVENTION"], "contribution": "Animateurs", "proposerRole": "TRAINER",
            "region": "Flandre", "startsOn": "2027-01-10", "endsOn": "2027-06-30",
            "targetIds": [ids[caisse]],
            "replyBy": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339(),
        } });
        let proposed = payload(
            call(&http, &entry, Some(&partner), PROPOSE, input).await,
            "proposeCollaboration",
        )
        .unwrap();
        shared
            .lock()
            .unwrap()
            .proposals
            .push((id_of(&proposed, "proposal"), caisse));
    }
    for r in &replicas {
        wait_until_current(&http, r).await;
    }
    {
        let mut s = shared.lock().unwrap();
        s.samples.clear();
        s.errors.clear();
    }

    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for n in 1..=clients {
        let (tokens, shared) = (tokens.clone(), shared.clone());
        let mut client = Client {
            n,
            rng: 0x9e37_79b9_7f4a_7c15 ^ (n as u64 * 7919),
            url: entry.clone(),
            http: http.clone(),
            drafts: Vec::new(),
            made: 0,
        };
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let kind = client.pick();
                let t = Instant::now();
                let done = client.one(kind, &tokens, &shared).await;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                let mut s = shared.lock().unwrap();
                match done {
                    Ok(()) => s.samples.entry(kind).or_default().push(ms),
                    Err(e) => {
                        *s.errors.entry(kind).or_default() += 1;
                        if s.first_errors.len() < 5 {
                            s.first_errors.push(format!("{}: {e}", kind.name()));
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();

    // Every acknowledged write is in the database, and every published tool in every index.
    for r in &replicas {
        wait_until_current(&http, r).await;
    }
    let (revisions, published, answered) = {
        let s = shared.lock().unwrap();
        (s.revisions.clone(), s.published.clone(), s.answered.clone())
    };
    let mut lost = 0;
    for (id, revision) in &revisions {
        let body = call(
            &http,
            &entry,
            Some(&tokens.moderator),
            "query($id: ID!) { node(id: $id) { ... on Tool { latest { number } } } }",
            json!({ "id": id }),
        )
        .await;
        let number = body
            .map(|b| b["data"]["node"]["latest"]["number"].as_i64().unwrap_or(0))
            .unwrap_or(0);
        if number < *revision {
            lost += 1;
            eprintln!("lost: {id} revision {revision}, the database has {number}");
        }
    }
    for proposal in &answered {
        let body = call(
            &http,
            &entry,
            Some(&partner),
            "query($id: ID!) { node(id: $id) { ... on CollaborationProposal { status } } }",
            json!({ "id": proposal }),
        )
        .await;
        if body
            .map(|b| b["data"]["node"]["status"] != "ANSWERED")
            .unwrap_or(true)
        {
            lost += 1;
            eprintln!("lost: the answer to {proposal}");
        }
    }
    let mut index_checks = 0;
    let mut index_missing = 0;
    for r in &replicas {
        for (word, id) in &published {
            index_checks += 1;
            let found = call(
                &http,
                r,
                None,
                "query($q: String) { searchTools(query: $q) { edges { node { tool { id } } } } }",
                json!({ "q": word }),
            )
            .await
            .unwrap();
            let hit = found["data"]["searchTools"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["node"]["tool"]["id"] == id.as_str());
            if !hit {
                index_missing += 1;
                eprintln!("{r} does not find {word}");
            }
        }
    }
    let mut s = shared.lock().unwrap();
    for e in &s.first_errors {
        eprintln!("error: {e}");
    }
    let mut rows = Vec::new();
    let mut total = 0;
    for (kind, _) in Kind::MIX {
        let mut samples = s.samples.remove(&kind).unwrap_or_default();
        total += samples.len();
        let errors = s.errors.get(&kind).copied().unwrap_or(0);
        rows.push((
            kind,
            samples.len(),
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.99),
            errors,
        ));
    }
    drop(processes);
    Outcome {
        name: scenario.name,
        seconds: elapsed,
        rows,
        total,
        errors: s.errors.values().sum(),
        writes_checked: revisions.len() + answered.len(),
        lost,
        index_checks,
        index_missing,
    }
}

fn table(outcomes: &[Outcome], clients: usize) -> String {
    let mut out = format!(
        "Load: {clients} concurrent clients over loopback, on {} (load generator, servers, \
         database, S3 endpoint and proxy on the same cores).\n\n",
        machine()
    );
    out.push_str("| scenario | requests/s | searches/s | errors | acknowledged writes checked | lost | index checks (tool × replica) | missing |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for o in outcomes {
        let searches: usize = o
            .rows
            .iter()
            .filter(|r| matches!(r.0, Kind::SearchAnonymous | Kind::SearchSignedIn))
            .map(|r| r.1)
            .sum();
        out.push_str(&format!(
            "| {} | {:.0} | {:.0} | {} | {} | {} | {} | {} |\n",
            o.name,
            o.total as f64 / o.seconds,
            searches as f64 / o.seconds,
            o.errors,
            o.writes_checked,
            o.lost,
            o.index_checks,
            o.index_missing
        ));
    }
    out.push_str("\n| operation | share | ");
    for o in outcomes {
        out.push_str(&format!("{} p50 / p99 ms | ", o.name));
    }
    out.push_str("\n| --- | --- |");
    for _ in outcomes {
        out.push_str(" --- |");
    }
    out.push('\n');
    for (i, (kind, share)) in Kind::MIX.iter().enumerate() {
        out.push_str(&format!("| {} | {share} % |", kind.name()));
        for o in outcomes {
            let (_, n, p50, p99, _) = o.rows[i];
            out.push_str(&format!(" {p50:.1} / {p99:.1} ({n}) |"));
        }
        out.push('\n');
    }
    out
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores of {cpu}")
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("s3-endpoint") {
        serve_s3_endpoint();
        return;
    }
    let seconds = arg("--seconds", 20);
    let clients = arg("--clients", 32) as usize;
    let binary: PathBuf = commons_tests::commons_binary();
    let (_s3, s3) = s3_endpoint_process();
    let scenarios = [
        Scenario {
            name: "SQLite, 1 replica",
            postgres: false,
            replicas: 1,
        },
        Scenario {
            name: "PostgreSQL, 1 replica",
            postgres: true,
            replicas: 1,
        },
        Scenario {
            name: "PostgreSQL, 2 replicas + HAProxy",
            postgres: true,
            replicas: 2,
        },
    ];
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let outcomes: Vec<Outcome> = scenarios
        .iter()
        .map(|s| runtime.block_on(run(s, &binary, &s3, seconds, clients)))
        .collect();
    let text = table(&outcomes, clients);
    println!("{text}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benchmarks/load.md");
    commons_tests::write_report_section(&path, "Load", "load", &text);
    let failed = outcomes
        .iter()
        .any(|o| o.errors > 0 || o.lost > 0 || o.index_missing > 0);
    assert!(!failed, "errors or lost writes: see above");
}
