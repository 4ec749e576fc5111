//! The GraphQL over HTTP specification's own server audit (the `graphql-http` package from
//! npm, pinned in `tests/graphql-http-audit/`), run with Node against a real server: every
//! audit, MUST, SHOULD and MAY alike, must come back "ok".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use commons_tests::spawn_app;

fn audit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("graphql-http-audit")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_over_http_audit_passes_every_check() {
    let dir = audit_dir();
    if !dir.join("node_modules/graphql-http").exists() {
        // `.ci/run` installs it first; a fresh checkout installs it here, from the lock file.
        let installed = tokio::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .await
            .expect("npm runs (Node 20 and npm are needed for this test)");
        assert!(
            installed.status.success(),
            "npm ci failed: {}",
            String::from_utf8_lossy(&installed.stderr)
        );
    }
    let app = spawn_app().await;
    let audit = tokio::process::Command::new("node")
        .arg("audit.mjs")
        .arg(format!("{}/graphql", app.address))
        .current_dir(&dir)
        .output()
        .await
        .expect("node runs");
    let report = String::from_utf8_lossy(&audit.stdout);
    let results: Vec<serde_json::Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(results.len() >= 40, "the audit ran: {report}");
    let failing: Vec<&serde_json::Value> = results.iter().filter(|r| r["status"] != "ok").collect();
    assert!(
        failing.is_empty() && audit.status.success(),
        "audits not ok:\n{}\n{}",
        failing
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        String::from_utf8_lossy(&audit.stderr)
    );
}
