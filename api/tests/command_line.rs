//! The `commons` binary as an operator runs it. Being an integration test of this crate, it
//! also makes `cargo test --workspace` build the binary the end-to-end tests start
//! (`target/debug/commons`), on a machine that never built it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const COMMONS: &str = env!("CARGO_BIN_EXE_commons");

#[test]
fn migrate_creates_the_embedded_database_in_an_empty_data_folder() {
    let dir = std::env::temp_dir().join(format!("commons-cli-{}", uuid::Uuid::new_v4()));
    let out = Command::new(COMMONS)
        .arg("migrate")
        .env("COMMONS_DATA_DIR", &dir)
        .output()
        .unwrap();
    let database = dir.join("commons.db");
    let created = database.exists();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(created, "no {}", database.display());
}

#[test]
fn a_token_without_a_role_is_refused_with_the_missing_option_named() {
    let out = Command::new(COMMONS)
        .args(["token", "--org", "acerta"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--role"));
    assert!(out.stdout.is_empty(), "no token printed");
}
