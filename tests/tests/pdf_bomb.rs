//! A PDF that inflates without bound is read in a child process with a memory limit: the
//! upload succeeds without text, and the server's own memory stays flat. Alone in its test
//! binary, so that the process's peak memory is the server's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::files::{pdf_bomb, pdf_with_text};
use commons_tests::spawn_app_with;
use commons_tests::tools::draft_tool;
use serde_json::{Value, json};

/// The peak resident memory of this process (the test and the server in it), in MiB.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib / 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_that_inflates_to_hundreds_of_megabytes_leaves_the_server_flat() {
    let app = spawn_app_with(|c| {
        c.extraction.pdf_memory_mb = 96;
        c.extraction.pdf_seconds = 10;
    })
    .await
    .with_organisations()
    .await;
    let tool = draft_tool(&app, "acerta", "Auto-test", "NETWORK").await;
    let staff = app.login_as("acerta", "STAFF");
    let bomb = pdf_bomb(384);
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
    let before = peak_rss_mib();
    let response = app
        .upload(Some(&staff), &tool, "bombe.pdf", bomb, "Bombe")
        .await;
    let body: Value = response.json().await.unwrap();
    let payload = &body["data"]["addAttachment"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    assert_eq!(payload["attachment"]["mediaType"], "application/pdf");
    let after = peak_rss_mib();
    assert!(
        after < before + 100,
        "the server's peak memory grew from {before} MiB to {after} MiB"
    );
    // The reader still reads an ordinary PDF, through the same child process.
    let ordinary = app
        .upload(
            Some(&staff),
            &tool,
            "fiche.pdf",
            pdf_with_text("Zorgverlening"),
            "Fiche",
        )
        .await;
    let body: Value = ordinary.json().await.unwrap();
    assert_eq!(
        body["data"]["addAttachment"]["userErrors"],
        json!([]),
        "{body}"
    );
    app.wait_for_index().await;
    let found = app
        .graphql_as(
            &staff,
            "{ searchTools(query: \"zorgverlening\") { totalCount edges { node { matchedAttachments { attachment { fileName } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(found["data"]["searchTools"]["totalCount"], 1, "{found}");
    assert_eq!(
        found["data"]["searchTools"]["edges"][0]["node"]["matchedAttachments"][0]["attachment"]["fileName"],
        "fiche.pdf"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}
