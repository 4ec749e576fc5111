//! Requests built to cost the server memory are refused or contained, and the server's memory
//! stays flat: a multipart `operations` part of hundreds of megabytes is cut off at the JSON
//! body limit, and a PDF that inflates without bound is read in a child process with a memory
//! limit (the upload succeeds without text). One test alone in its binary, so that the
//! process's peak memory is the server's.
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

/// Streams a multipart request whose `operations` part never ends, 64 KiB at a time, up to
/// `mib` MiB; returns how many bytes went out before the server answered or hung up, and what
/// it answered.
async fn endless_operations(address: &str, mib: usize) -> (usize, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(address.trim_start_matches("http://"))
        .await
        .unwrap();
    let boundary = "commonsboundary";
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: commons\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{{\"query\":\"{{ __typename }}\",\"padding\":\"",
        mib * 1024 * 1024 + 4096
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    while sent < mib * 1024 * 1024 {
        if tcp.write_all(&chunk).await.is_err() {
            break;
        }
        sent += chunk.len();
        let mut peek = [0_u8; 1];
        if let Ok(Ok(_)) =
            tokio::time::timeout(std::time::Duration::from_millis(0), tcp.peek(&mut peek)).await
        {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tcp.read_to_end(&mut answer),
    )
    .await;
    (sent, String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_built_to_cost_memory_leave_the_server_flat() {
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
    // An operations part of 300 MiB, anonymous: cut off at the JSON body limit (1 MiB).
    let (sent, answer) = endless_operations(&app.address, 300).await;
    assert!(
        // 1 MiB read, and what the sockets' buffers hold on the way.
        sent < 20 * 1024 * 1024,
        "the server read {} MiB of operations",
        sent / 1024 / 1024
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 413"),
        "{answer}"
    );
    let after_multipart = peak_rss_mib();
    assert!(
        after_multipart < before + 20,
        "the server's peak memory grew from {before} MiB to {after_multipart} MiB on a multipart request"
    );
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
