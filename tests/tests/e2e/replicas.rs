//! Two replicas as two real `commons serve` processes on one database (PostgreSQL when
//! `COMMONS_TEST_DATABASE_URL` is set, the shared SQLite file otherwise), each with its own
//! search index: what one is told, the other serves; a replica killed and restarted misses
//! nothing; edits through both at once end in one winner; a duty runs on one replica at a time
//! and moves when its holder dies; the outbox is pruned of what every replica has read.
//! The bounds on waiting are generous: these tests are about correctness, not speed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::{Duration, Instant};

use commons_tests::process::{Database, Server, commons, graphql, hits};
use serde_json::{Value, json};

/// How long a replica may take to see what another did, on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);

struct Deployment {
    dir: tempfile::TempDir,
    db: Database,
}

impl Deployment {
    /// A database holding the demo data, and the data folder the replicas share (the signing
    /// secret, the object folder, the SQLite file when there is no PostgreSQL).
    fn with_demo() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::new();
        let deployment = Self { dir, db };
        assert!(deployment.command().arg("demo").status().unwrap().success());
        deployment
    }

    fn command(&self) -> Command {
        let mut cmd = commons(self.dir.path());
        self.db.apply(&mut cmd);
        cmd
    }

    /// Replica `name`, with its own index folder and these settings.
    fn replica(&self, name: &str, settings: &[(&str, &str)]) -> Server {
        let mut cmd = self.command();
        cmd.env(
            "COMMONS_INDEX__DIR",
            self.dir.path().join(format!("index-{name}")),
        )
        // Its own startup line and warnings only: nobody reads a replica's log while it runs.
        .env("RUST_LOG", "warn,commons_api::app=info")
        // The tests poll searches faster than an anonymous caller's budget allows.
        .env("COMMONS_RATE_LIMIT__ENABLED", "false");
        for (key, value) in settings {
            cmd.env(key, value);
        }
        Server::start(cmd)
    }

    fn token(&self, org: &str, role: &str) -> String {
        let out = self
            .command()
            .args(["token", "--org", org, "--role", role])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }
}

/// `OK`, the userErrors codes, or the GraphQL error code of a mutation.
fn outcome(body: &Value, field: &str) -> String {
    if let Some(code) = body["errors"][0]["extensions"]["code"].as_str() {
        return code.to_owned();
    }
    let codes: Vec<&str> = body["data"][field]["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    if codes.is_empty() {
        "OK".to_owned()
    } else {
        codes.join(",")
    }
}

async fn mutate(server: &Server, token: &str, query: &str, field: &str, input: Value) -> Value {
    let body = graphql(server, Some(token), query, json!({ "input": input })).await;
    assert_eq!(outcome(&body, field), "OK", "{field}: {body}");
    body["data"][field].clone()
}

const CREATE: &str = "mutation($input: CreateToolInput!) { createTool(input: $input) { tool { id } userErrors { code } } }";
const UPDATE: &str = "mutation($input: UpdateToolInput!) { updateTool(input: $input) { tool { id } userErrors { code } } }";
const SUBMIT: &str = "mutation($input: SubmitToolInput!) { submitTool(input: $input) { tool { id } userErrors { code } } }";
const DECIDE: &str = "mutation($input: DecideOnToolInput!) { decideOnTool(input: $input) { tool { id } userErrors { code } } }";

fn content(title: &str) -> Value {
    json!({
        "kind": "SELF_SCAN",
        "categories": ["EARLY_DETECTION"],
        "translations": [{ "lang": "EN", "title": title, "summary": "A self-scan for stress at work.", "body": "Answer the questions." }],
        "audiences": ["ALL_SELF_EMPLOYED"],
        "deliveryModes": ["INDIVIDUAL"],
        "deliveryFormats": ["ONLINE"],
        "scopes": ["NATIONAL"],
        "licence": "CC-BY-4.0",
        "tags": [],
        "visibility": "PUBLIC",
    })
}

/// A tool of acerta created, submitted and approved through these replicas; its id.
async fn publish(
    create_on: &Server,
    approve_on: &Server,
    staff: &str,
    moderator: &str,
    title: &str,
) -> String {
    let created = mutate(
        create_on,
        staff,
        CREATE,
        "createTool",
        json!({ "content": content(title) }),
    )
    .await;
    let id = created["tool"]["id"].as_str().unwrap().to_owned();
    mutate(
        create_on,
        staff,
        SUBMIT,
        "submitTool",
        json!({ "toolId": id, "revision": 1 }),
    )
    .await;
    mutate(
        approve_on,
        moderator,
        DECIDE,
        "decideOnTool",
        json!({ "toolId": id, "revision": 1, "decision": "APPROVE" }),
    )
    .await;
    id
}

/// Waits until `server` finds `q`; false when it never did.
async fn found_in_time(server: &Server, q: &str) -> bool {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if hits(server, q).await >= 1 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// A number of `/metrics`, by its full name with labels.
async fn metric(server: &Server, name: &str) -> u64 {
    let text = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in {text}"))
}

const PRUNING_RUNS: &str = "commons_duty_runs_total{duty=\"outbox_pruning\"}";
const PRUNING_HELD: &str = "commons_duty_held{duty=\"outbox_pruning\"}";

#[tokio::test]
async fn a_tool_approved_through_one_replica_is_found_through_the_other() {
    let d = Deployment::with_demo();
    let a = d.replica("a", &[]);
    let b = d.replica("b", &[]);
    let staff = d.token("acerta", "STAFF");
    let moderator = d.token("inasti", "MODERATOR");

    publish(&b, &a, &staff, &moderator, "Quokka breathing exercise").await;

    assert!(
        found_in_time(&b, "quokka").await,
        "replica B finds the tool approved through A"
    );
    assert!(found_in_time(&a, "quokka").await, "and so does A");
}

#[tokio::test]
async fn a_replica_killed_and_restarted_catches_up_with_every_change() {
    let d = Deployment::with_demo();
    let a = d.replica("a", &[]);
    let b = d.replica("b", &[]);
    let staff = d.token("acerta", "STAFF");
    let moderator = d.token("inasti", "MODERATOR");
    assert!(found_in_time(&b, "stress").await);
    b.kill();

    let words = ["wombat", "pangolin", "axolotl", "narwhal"];
    for word in words {
        publish(&a, &a, &staff, &moderator, &format!("The {word} check-in")).await;
    }

    let b = d.replica("b", &[]);
    for word in words {
        assert!(
            found_in_time(&b, word).await,
            "{word}: made while B was down"
        );
    }
    // Changes made after the restart arrive too.
    publish(&a, &a, &staff, &moderator, "The okapi check-in").await;
    assert!(found_in_time(&b, "okapi").await);
}

#[tokio::test]
async fn edits_of_one_tool_through_both_replicas_end_in_one_winner_and_one_conflict() {
    let d = Deployment::with_demo();
    let a = d.replica("a", &[]);
    let b = d.replica("b", &[]);
    let staff = d.token("acerta", "STAFF");
    let created = mutate(
        &a,
        &staff,
        CREATE,
        "createTool",
        json!({ "content": content("Shared draft") }),
    )
    .await;
    let id = created["tool"]["id"].as_str().unwrap().to_owned();

    for round in 0..5 {
        let base = round + 1;
        let edit = |title: String| json!({ "input": { "toolId": id, "baseRevision": base, "content": content(&title) } });
        let (through_a, through_b) = tokio::join!(
            graphql(
                &a,
                Some(&staff),
                UPDATE,
                edit(format!("Edit {round} via A"))
            ),
            graphql(
                &b,
                Some(&staff),
                UPDATE,
                edit(format!("Edit {round} via B"))
            ),
        );
        let mut outcomes = [
            outcome(&through_a, "updateTool"),
            outcome(&through_b, "updateTool"),
        ];
        outcomes.sort();
        assert_eq!(
            outcomes,
            ["CONFLICT".to_owned(), "OK".to_owned()],
            "round {round}: {through_a} / {through_b}"
        );
    }
    let latest = graphql(
        &b,
        Some(&staff),
        "query($id: ID!) { node(id: $id) { ... on Tool { latest { number } } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(latest["data"]["node"]["latest"]["number"], 6, "{latest}");
}

/// Waits until `check` holds for `server`'s metric, within `PATIENCE`; how long it took.
async fn until_metric(server: &Server, name: &str, check: impl Fn(u64) -> bool) -> Duration {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if check(metric(server, name).await) {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{name} did not reach what was expected")
}

#[tokio::test]
async fn a_duty_runs_on_one_replica_at_a_time_and_moves_when_its_holder_dies() {
    let d = Deployment::with_demo();
    let settings = [
        ("COMMONS_REPLICA__OUTBOX_PRUNE_INTERVAL_MS", "100"),
        ("COMMONS_REPLICA__DUTY_LEASE_MS", "3000"),
    ];
    let a = d.replica("a", &settings);
    until_metric(&a, PRUNING_RUNS, |n| n >= 2).await;
    let b = d.replica("b", &settings);

    // Both up for several leases: A keeps running the duty, B never does.
    let before = metric(&a, PRUNING_RUNS).await;
    tokio::time::sleep(Duration::from_millis(7_000)).await;
    assert!(metric(&a, PRUNING_RUNS).await > before, "A goes on");
    assert_eq!(metric(&a, PRUNING_HELD).await, 1);
    assert_eq!(metric(&b, PRUNING_RUNS).await, 0, "B waits");
    assert_eq!(metric(&b, PRUNING_HELD).await, 0);

    // A dies without giving the duty up: B takes it once the lease runs out.
    a.kill();
    let took = until_metric(&b, PRUNING_RUNS, |n| n >= 1).await;
    assert_eq!(metric(&b, PRUNING_HELD).await, 1);
    eprintln!("the duty moved to B {took:?} after A was killed");
}

#[tokio::test]
async fn a_replica_away_past_the_pruned_outbox_rebuilds_its_index() {
    let d = Deployment::with_demo();
    let pruning = [
        ("COMMONS_REPLICA__OUTBOX_PRUNE_INTERVAL_MS", "100"),
        ("COMMONS_REPLICA__OUTBOX_RETENTION_SECONDS", "0"),
        ("COMMONS_REPLICA__HEARTBEAT_MS", "100"),
        ("COMMONS_REPLICA__SILENT_AFTER_MS", "1000"),
    ];
    let a = d.replica("a", &pruning);
    let b = d.replica("b", &pruning);
    let staff = d.token("acerta", "STAFF");
    let moderator = d.token("inasti", "MODERATOR");
    assert!(found_in_time(&b, "stress").await);
    let b_read = metric(&b, "commons_index_position").await;
    b.kill();

    publish(&a, &a, &staff, &moderator, "The capybara check-in").await;
    assert!(found_in_time(&a, "capybara").await);
    // Once B is taken for gone, A prunes everything it has read, past where B stopped.
    let a_read = metric(&a, "commons_index_position").await;
    assert!(a_read > b_read);
    until_metric(&a, "commons_outbox_pruned_through", |n| n >= a_read).await;

    let b = d.replica("b", &pruning);
    assert!(
        b.startup_log
            .contains("the outbox was pruned past this index's position"),
        "{}",
        b.startup_log
    );
    assert!(found_in_time(&b, "capybara").await);
    assert!(hits(&b, "stress").await >= 1, "and everything else");
    // And it follows the outbox again from there.
    publish(&a, &a, &staff, &moderator, "The tapir check-in").await;
    assert!(found_in_time(&b, "tapir").await);
}

#[tokio::test]
async fn on_postgresql_a_replica_hears_of_changes_without_polling() {
    let d = Deployment::with_demo();
    if d.db.url().is_none() {
        // SQLite has no notifications: replicas on one file follow it by polling, which the
        // tests above exercise.
        return;
    }
    // B would poll only every ten minutes: what reaches it, reaches it by LISTEN/NOTIFY.
    let a = d.replica("a", &[]);
    let b = d.replica("b", &[("COMMONS_INDEX__POLL_INTERVAL_MS", "600000")]);
    let staff = d.token("acerta", "STAFF");
    let moderator = d.token("inasti", "MODERATOR");
    publish(&a, &a, &staff, &moderator, "The ocelot check-in").await;
    assert!(found_in_time(&b, "ocelot").await);
}

#[test]
fn replicas_starting_together_on_a_new_database_migrate_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::new();
    let migrate = || {
        let mut cmd = commons(dir.path());
        db.apply(&mut cmd);
        cmd.arg("migrate")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let started: Vec<_> = (0..3).map(|_| migrate()).collect();
    for child in started {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
