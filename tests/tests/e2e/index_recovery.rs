//! The search index survives what happens to a server: a kill between the database commit
//! and the index commit, a corrupted index, a rebuild by another process while it serves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use commons_tests::process::{Database, Server, commons, graphql, hits};
use serde_json::{Value, json};

async fn lag(server: &Server) -> u64 {
    let ready: Value = reqwest::get(server.url("/readyz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ready["indexLag"]
        .as_u64()
        .unwrap_or_else(|| panic!("{ready}"))
}

async fn caught_up(server: &Server) {
    for _ in 0..500 {
        if lag(server).await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the index did not catch up");
}

fn token(dir: &std::path::Path, db: &Database, org: &str, role: &str) -> String {
    let out = with_db(dir, db)
        .args(["token", "--org", org, "--role", role])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A data directory and a database holding the demo data, its index built.
fn with_demo_data() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::new();
    assert!(
        with_db(dir.path(), &db)
            .arg("demo")
            .status()
            .unwrap()
            .success()
    );
    (dir, db)
}

fn with_db(dir: &std::path::Path, db: &Database) -> std::process::Command {
    let mut cmd = commons(dir);
    db.apply(&mut cmd);
    cmd
}

/// Renames acerta in English, a change that reaches the documents of acerta's tools.
async fn rename_acerta(server: &Server, admin: &str, name: &str) {
    let acerta = graphql(
        server,
        None,
        "{ organisation(slug: \"acerta\") { id version } }",
        json!({}),
    )
    .await["data"]["organisation"]
        .clone();
    let (id, version) = (acerta["id"].clone(), acerta["version"].clone());
    let input = json!({ "organisationId": id, "expectedVersion": version, "names": [{ "lang": "NL", "text": "Acerta Sociaal Verzekeringsfonds" }, { "lang": "EN", "text": name }] });
    let body = graphql(server, Some(admin), "mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { userErrors { code } } }", json!({ "input": input })).await;
    assert_eq!(
        body["data"]["updateOrganisation"]["userErrors"],
        json!([]),
        "{body}"
    );
}

#[tokio::test]
async fn a_server_killed_before_its_index_commit_replays_the_change_on_restart() {
    let (dir, db) = with_demo_data();
    let admin = token(dir.path(), &db, "inasti", "PLATFORM_ADMIN");

    // The index commits at most once an hour: the change is in the database, not the index.
    let mut slow = with_db(dir.path(), &db);
    slow.env("COMMONS_INDEX__COMMIT_INTERVAL_MS", "3600000");
    let server = Server::start(slow);
    rename_acerta(&server, &admin, "Acerta Wellbeing Kiwifruit").await;
    for _ in 0..50 {
        if hits(&server, "kiwifruit").await == 0 && lag(&server).await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        hits(&server, "kiwifruit").await,
        0,
        "not committed to the index yet"
    );
    assert!(lag(&server).await > 0);
    server.kill();

    let server = Server::start(with_db(dir.path(), &db));
    caught_up(&server).await;
    assert!(
        hits(&server, "kiwifruit").await >= 1,
        "the change was replayed from the outbox"
    );
    let (clean, log) = server.terminate();
    assert!(clean, "{log}");
}

#[tokio::test]
async fn a_corrupt_index_is_rebuilt_at_start() {
    let (dir, db) = with_demo_data();
    let active = std::fs::read_link(dir.path().join("index/current")).unwrap();
    std::fs::write(
        dir.path().join("index").join(active).join("meta.json"),
        b"garbage",
    )
    .unwrap();
    let server = Server::start(with_db(dir.path(), &db));
    assert!(
        server
            .startup_log
            .contains("building the search index from the database"),
        "{}",
        server.startup_log
    );
    caught_up(&server).await;
    assert!(
        hits(&server, "stress").await >= 1,
        "the rebuilt index answers"
    );
    let (clean, log) = server.terminate();
    assert!(clean, "{log}");
}

#[tokio::test]
async fn reindex_swaps_a_new_index_under_a_running_server() {
    let (dir, db) = with_demo_data();
    let before = std::fs::read_link(dir.path().join("index/current")).unwrap();
    let server = Server::start(with_db(dir.path(), &db));
    caught_up(&server).await;
    let expected = hits(&server, "stress").await;
    assert!(expected >= 1);

    let mut reindex = with_db(dir.path(), &db)
        .arg("reindex")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Searches are answered all along.
    while reindex.try_wait().unwrap().is_none() {
        assert_eq!(hits(&server, "stress").await, expected);
    }
    assert!(reindex.wait().unwrap().success());
    let after = std::fs::read_link(dir.path().join("index/current")).unwrap();
    assert_ne!(before, after, "a new generation is active");

    // The server follows the new generation, including changes made after the swap.
    let admin = token(dir.path(), &db, "inasti", "PLATFORM_ADMIN");
    tokio::time::sleep(Duration::from_millis(700)).await;
    rename_acerta(&server, &admin, "Acerta Pomegranate").await;
    for _ in 0..250 {
        if hits(&server, "pomegranate").await >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(hits(&server, "pomegranate").await >= 1);
    assert_eq!(hits(&server, "stress").await, expected);
    let (clean, log) = server.terminate();
    assert!(clean);
    assert!(log.contains("swapped in"), "{log}");
}
