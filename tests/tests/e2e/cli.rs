//! The `commons` binary as people run it: subcommands, tokens on standard output, bad
//! configuration, graceful shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use commons_tests::process::{Server, commons};
use std::time::Duration;

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("commons runs")
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let top = run(commons(dir.path()).arg("--help"));
    assert!(top.status.success());
    let text = String::from_utf8(top.stdout).unwrap();
    for sub in ["serve", "migrate", "token", "demo", "schema"] {
        assert!(text.contains(sub), "{sub} missing from --help");
        assert!(
            run(commons(dir.path()).args([sub, "--help"]))
                .status
                .success(),
            "{sub} --help"
        );
    }
}

#[test]
fn token_prints_a_token_alone_on_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(commons(dir.path()).args([
        "token", "--org", "acerta", "--role", "STAFF", "--ttl", "30m",
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert_eq!(lines[0].split('.').count(), 3, "{stdout}");
    // It is signed with the secret generated into the data directory, readable by its owner only.
    let secret = dir.path().join("jwt-secret");
    let mode = std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let key = jsonwebtoken::DecodingKey::from_secret(
        std::fs::read_to_string(&secret).unwrap().trim().as_bytes(),
    );
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_audience(&["commons"]);
    validation.set_issuer(&["commons"]);
    let claims = jsonwebtoken::decode::<serde_json::Value>(lines[0], &key, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["org"], "acerta");
    assert_eq!(claims["roles"], serde_json::json!(["STAFF"]));
    let ttl = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(ttl, 30 * 60);
}

#[test]
fn token_refuses_an_unknown_role() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(commons(dir.path()).args(["token", "--org", "acerta", "--role", "WIZARD"]));
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("WIZARD"));
}

#[test]
fn a_replica_on_postgresql_without_a_shared_key_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    // Refused before the database is even asked: no server needs to be there.
    let out = run(commons(dir.path())
        .arg("serve")
        .env(
            "COMMONS_DATABASE_URL",
            "postgres://commons@127.0.0.1:1/commons",
        )
        .env("COMMONS_LISTEN", "127.0.0.1:0"));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("COMMONS_AUTH__HS256_SECRET"), "{stderr}");
    assert!(
        !dir.path().join("jwt-secret").exists(),
        "no secret of its own was made"
    );
}

#[test]
fn a_bad_configuration_value_is_named_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(commons(dir.path())
        .arg("migrate")
        .env("COMMONS_LISTEN", "nowhere"));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("COMMONS_LISTEN"), "{stderr}");
    std::fs::write(
        dir.path().join("commons.toml"),
        "[limits]\npage_size = \"many\"\n",
    )
    .unwrap();
    let out = run(commons(dir.path()).arg("migrate"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("limits.page_size"));
}

#[test]
fn demo_data_loads_once_however_often_it_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(commons(dir.path()).arg("migrate")).status.success());
    let first = run(commons(dir.path()).arg("demo"));
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stderr).contains(
        "13 organisations registered, 0 already there; 13 tools, 4 collaboration proposals and 46 service offerings added"
    ));
    assert!(
        !first.stderr.contains(&0x1b),
        "no colour codes in a log that goes to no terminal"
    );
    let second = run(commons(dir.path()).arg("demo"));
    assert!(String::from_utf8_lossy(&second.stderr).contains(
        "0 organisations registered, 13 already there; 0 tools, 0 collaboration proposals and 0 service offerings added"
    ));
}

#[test]
fn schema_prints_the_sdl() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(commons(dir.path()).arg("schema"));
    assert!(out.status.success());
    let sdl = String::from_utf8(out.stdout).unwrap();
    assert!(sdl.contains("type Query"));
    assert!(sdl.contains("registerOrganisation"));
}

/// SIGTERM lets the server finish and exit 0; its log has one line per request, as JSON.
#[test]
fn serve_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(commons(dir.path()));
    let addr = server.addr.clone();
    let response = http(&addr, "GET /readyz HTTP/1.1", "");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    // A token from `commons token` is accepted by the server it was minted for.
    let token =
        run(commons(dir.path()).args(["token", "--org", "inasti", "--role", "PLATFORM_ADMIN"]))
            .stdout;
    let token = String::from_utf8(token).unwrap();
    let query = r#"{"query":"{ viewer { roles organisation { slug } } }"}"#;
    let headers = format!(
        "Authorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{query}",
        token.trim(),
        query.len()
    );
    let response = http(&addr, "POST /graphql HTTP/1.1", &headers);
    let expected =
        r#"{"data":{"viewer":{"roles":["PLATFORM_ADMIN"],"organisation":{"slug":"inasti"}}}}"#;
    assert!(response.contains(expected), "{response}");

    let (clean, rest) = server.terminate();
    assert!(clean, "{rest}");
    let request_line = rest
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["message"] == "request")
        .expect("a request line");
    assert_eq!(request_line["path"], "/readyz");
    assert_eq!(request_line["method"], "GET");
    assert_eq!(request_line["status"], 200);
    assert!(
        request_line["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert!(request_line["latency_ms"].is_number());
    assert!(rest.contains("stopped"), "{rest}");
}

/// One HTTP/1.1 exchange over a fresh connection; `rest` holds the headers (and body) after
/// the request line.
fn http(addr: &str, request_line: &str, rest: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let rest = if rest.is_empty() { "\r\n" } else { rest };
    write!(
        stream,
        "{request_line}\r\nHost: {addr}\r\nConnection: close\r\n{rest}"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
