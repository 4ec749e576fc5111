//! The attachment and responsibility-record benchmark:
//! `cargo run --release -p commons-tests --bin bench-files`. It starts a server in process (the
//! same harness as the tests, SQLite), measures uploads and downloads on the local folder and on
//! the in-process S3 endpoint, then builds a joint service with a long responsibility record and
//! measures its verification and export. Figures go to standard output and to
//! `benchmarks/files.md`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use commons_tests::TestApp;
use commons_tests::collaborations::{ACCEPT_TRANSFER, VERIFY, joint_service, transfer};
use commons_tests::storage::{Backend, spawn_app_on};
use commons_tests::tools::{draft_tool, ok};
use serde_json::{Value, json};

const MIB: usize = 1024 * 1024;

/// A ZIP-looking file of pseudo-random bytes (an e-learning package, as far as types go).
fn package(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"PK\x03\x04");
    while out.len() < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(size);
    out
}

fn mib_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / MIB as f64 / d.as_secs_f64()
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

struct FileFigures {
    backend: &'static str,
    size_mib: usize,
    upload: f64,
    dedup_upload_ms: f64,
    download: f64,
    range_p50_ms: f64,
}

async fn files(app: &TestApp, backend: &'static str, size: usize) -> FileFigures {
    let tool = draft_tool(app, "acerta", &format!("Paquet {size}"), "PUBLIC").await;
    let token = app.login_as("acerta", "STAFF");
    let runs = 5;
    let mut upload_total = Duration::ZERO;
    let mut url = String::new();
    for run in 0..runs {
        let content = package(size, 1 + run as u64 + size as u64);
        let started = Instant::now();
        let r = app
            .upload(Some(&token), &tool, "package.zip", content, "Package")
            .await;
        let body: Value = r.json().await.unwrap();
        upload_total += started.elapsed();
        assert!(
            body["data"]["addAttachment"]["userErrors"] == json!([]),
            "{body}"
        );
        url = body["data"]["addAttachment"]["attachment"]["url"]
            .as_str()
            .unwrap()
            .to_owned();
        // Keep the revision under the limit of files per tool.
        let id = body["data"]["addAttachment"]["attachment"]["id"].clone();
        if run + 1 < runs {
            app.graphql_as(
                &token,
                "mutation($id: ID!) { removeAttachment(input: { attachmentId: $id }) { userErrors { code } } }",
                json!({ "id": id }),
            )
            .await;
        }
    }
    // The same content again: hashed and checked, not stored twice.
    let same = package(size, runs as u64 + size as u64);
    let started = Instant::now();
    app.upload(Some(&token), &tool, "again.zip", same, "Again")
        .await
        .bytes()
        .await
        .unwrap();
    let dedup = started.elapsed();
    let mut download_total = Duration::ZERO;
    for _ in 0..runs {
        let started = Instant::now();
        let bytes = app
            .get_with(Some(&token), &url, &[])
            .await
            .bytes()
            .await
            .unwrap();
        download_total += started.elapsed();
        assert_eq!(bytes.len(), size);
    }
    let mut ranges = Vec::new();
    for i in 0..50 {
        let start = (i * 7919) % (size - 4096);
        let range = format!("bytes={start}-{}", start + 4095);
        let started = Instant::now();
        let r = app.get_with(Some(&token), &url, &[("range", &range)]).await;
        assert_eq!(r.status(), 206);
        r.bytes().await.unwrap();
        ranges.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    FileFigures {
        backend,
        size_mib: size / MIB,
        upload: mib_per_s(size * runs, upload_total),
        dedup_upload_ms: dedup.as_secs_f64() * 1000.0,
        download: mib_per_s(size * runs, download_total),
        range_p50_ms: percentile(&mut ranges, 0.5),
    }
}

struct RecordFigures {
    entries: usize,
    build_s: f64,
    verify_ms: f64,
    export_csv_ms: f64,
    export_json_ms: f64,
}

async fn record(app: &TestApp, transfers: usize) -> RecordFigures {
    let started = Instant::now();
    let service = joint_service(app, "unizo", "acerta").await;
    let caisses = ["acerta", "ucm", "liantis", "xerius"];
    for i in 0..transfers {
        let from = caisses[i % caisses.len()];
        let to = caisses[(i + 1) % caisses.len()];
        let t = transfer(app, from, &service, to).await;
        ok(
            app,
            &app.login_as(to, "ORG_ADMIN"),
            ACCEPT_TRANSFER,
            "acceptResponsibilityTransfer",
            json!({ "transferId": t }),
        )
        .await;
    }
    let build = started.elapsed();
    let inasti = app.login_as("inasti", "MODERATOR");
    let mut verify = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let body = app
            .graphql_as(&inasti, VERIFY, json!({ "id": service }))
            .await;
        verify.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(body["data"]["verifyResponsibilityRecord"]["intact"], true);
    }
    let export = |format: &'static str| {
        let app = &app;
        let inasti = inasti.clone();
        async move {
            let mut samples = Vec::new();
            for _ in 0..10 {
                let started = Instant::now();
                let r = app
                    .get_with(
                        Some(&inasti),
                        &format!("/exports/responsibility-record?format={format}"),
                        &[],
                    )
                    .await;
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
                samples.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            percentile(&mut samples, 0.5)
        }
    };
    let export_csv_ms = export("csv").await;
    let export_json_ms = export("json").await;
    RecordFigures {
        entries: transfers + 1,
        build_s: build.as_secs_f64(),
        verify_ms: percentile(&mut verify, 0.5),
        export_csv_ms,
        export_json_ms,
    }
}

#[tokio::main]
async fn main() {
    let mut file_rows = Vec::new();
    for (backend, name) in [
        (Backend::Local, "local folder"),
        (Backend::S3, "S3 (s3s-fs, in process)"),
    ] {
        let app = spawn_app_on(backend, |c| c.limits.request_timeout_ms = 120_000).await;
        for size in [MIB, 20 * MIB] {
            let f = files(&app, name, size).await;
            println!(
                "{name} {} MiB: upload {:.0} MiB/s, same content again {:.0} ms, download {:.0} MiB/s, 4 KiB range p50 {:.2} ms",
                f.size_mib, f.upload, f.dedup_upload_ms, f.download, f.range_p50_ms
            );
            file_rows.push(f);
        }
    }
    let app = commons_tests::spawn_app().await.with_organisations().await;
    let r = record(&app, 999).await;
    println!(
        "record of {} entries: built in {:.1} s, verified p50 {:.1} ms, CSV export p50 {:.1} ms, JSON p50 {:.1} ms",
        r.entries, r.build_s, r.verify_ms, r.export_csv_ms, r.export_json_ms
    );
    let mut text = String::from(
        "# Attachments and the responsibility record\n\nWritten by `cargo run --release -p commons-tests --bin bench-files` \
         (server in process, SQLite, loopback HTTP; 5 runs per size, 50 ranges).\n\n\
         | store | file | upload | same content again | download | 4 KiB range p50 |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for f in &file_rows {
        text.push_str(&format!(
            "| {} | {} MiB | {:.0} MiB/s | {:.0} ms | {:.0} MiB/s | {:.2} ms |\n",
            f.backend, f.size_mib, f.upload, f.dedup_upload_ms, f.download, f.range_p50_ms
        ));
    }
    text.push_str(&format!(
        "\nA joint service with {} record entries (built through the API in {:.1} s): \
         `verifyResponsibilityRecord` p50 {:.1} ms; the audit export of every entry p50 {:.1} ms \
         as CSV, {:.1} ms as JSON.\n",
        r.entries, r.build_s, r.verify_ms, r.export_csv_ms, r.export_json_ms
    ));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("benchmarks")
        .join("files.md");
    std::fs::write(&path, text).expect("benchmarks/files.md");
    println!("written to {}", path.display());
}
