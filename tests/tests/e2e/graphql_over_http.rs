//! The GraphQL over HTTP specification's own server audit (the `graphql-http` package from
//! npm, pinned in `tests/graphql-http-audit/`), run with Node against a real server: every
//! audit, MUST, SHOULD and MAY alike, must come back "ok".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_over_http_audit_passes_every_check() {
    let dir = commons_tests::node::tool("graphql-http-audit", "graphql-http").await;
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
