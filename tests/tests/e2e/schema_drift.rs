//! `schema.graphql` is the served schema. `UPDATE_SCHEMA=1 cargo test` (or
//! `commons schema > schema.graphql`) rewrites it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn the_committed_schema_is_the_served_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let printed = commons_graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &printed).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != printed {
        let diff: Vec<String> = diff_lines(&committed, &printed);
        panic!(
            "schema.graphql differs from the schema the code serves; run `UPDATE_SCHEMA=1 cargo test -p commons-tests --test schema_drift` and commit it.\n{}",
            diff.join("\n")
        );
    }
}

/// A plain line diff: lines only in the file (-) and only in the code (+).
fn diff_lines(committed: &str, printed: &str) -> Vec<String> {
    let old: Vec<&str> = committed.lines().collect();
    let new: Vec<&str> = printed.lines().collect();
    let mut out = Vec::new();
    out.extend(
        old.iter()
            .filter(|l| !new.contains(l))
            .map(|l| format!("- {l}")),
    );
    out.extend(
        new.iter()
            .filter(|l| !old.contains(l))
            .map(|l| format!("+ {l}")),
    );
    out
}
