//! The sets written from outside: tools as caisses and partners write them — French and Dutch
//! mostly, some German and English, with near-miss distractors — and queries as people type
//! them, each judged by meaning across languages, by an evaluator who was shown neither the
//! in-repo set nor the engine's tables (concepts, dictionaries, weights) nor the other set.
//! Each file is kept as written: a judgment is never edited to suit the engine.
//!
//! - [`set`], `outside-set.json`: 70 tools and 136 queries written on 2026-12-06. Its misses
//!   were read to find kinds of failure, so it no longer measures what the engine was not
//!   shaped by.
//! - [`fresh_set`], `fresh-set.json`: 66 tools and 143 queries written on 2026-12-07, before
//!   the change it was first measured against, and whose misses are not read query by query:
//!   the set that says whether a change generalises.
//! - [`blind_set`], `blind-set.json`: 64 tools and 146 queries written on 2026-12-07 by a third
//!   evaluator, before the session's changes it judges; its misses are not read either.
//! - [`sealed_set`], `sealed-set.json`: 64 tools and 172 queries written on 2026-12-07 by a
//!   fourth evaluator, after the blind set's misses had once been printed, so that a set nobody
//!   has read judges the changes that follow; its misses are not read either.
//! - [`fifth_set`], `fifth-set.json`: 64 tools and 177 queries written on 2026-12-07 by a fifth
//!   evaluator, after the sealed set's figures had helped choose a change, to judge the next
//!   ones; its misses are not read either.
//! - [`sixth_set`], `sixth-set.json`: 66 tools and 191 queries written on 2026-12-07 by a sixth
//!   evaluator, after the fifth set had judged a change, to judge the next; committed with its
//!   figures on the engine of its day before any change it judges; its misses are not read.

use std::collections::BTreeSet;

use commons_indexer::Lang;
use serde::Deserialize;

use super::{Case, Format, JudgedSet, Tool};

const OUTSIDE: &str = include_str!("outside-set.json");
const FRESH: &str = include_str!("fresh-set.json");
const BLIND: &str = include_str!("blind-set.json");
const SEALED: &str = include_str!("sealed-set.json");
const FIFTH: &str = include_str!("fifth-set.json");
const SIXTH: &str = include_str!("sixth-set.json");

#[derive(Deserialize)]
struct File {
    tools: Vec<FileTool>,
    queries: Vec<FileQuery>,
}

#[derive(Deserialize)]
struct FileTool {
    id: u64,
    lang: String,
    title: String,
    summary: String,
    body: String,
}

#[derive(Deserialize)]
struct FileQuery {
    query: String,
    #[serde(rename = "trait")]
    traits: String,
    relevant: BTreeSet<u64>,
}

/// The sets whose misses are never printed, by the bench or the tests: read query by query,
/// they would shape the engine to them, and they would no longer say whether a change
/// generalises.
pub const UNREAD: [&str; 5] = [
    "the fresh set",
    "the blind set",
    "the sealed set",
    "the fifth set",
    "the sixth set",
];

/// Every set written from outside, oldest first.
pub fn sets() -> [JudgedSet; 6] {
    [
        set(),
        fresh_set(),
        blind_set(),
        sealed_set(),
        fifth_set(),
        sixth_set(),
    ]
}

/// The outside set of 2026-12-06.
pub fn set() -> JudgedSet {
    read("the outside set", OUTSIDE)
}

/// The fresh set of 2026-12-07.
pub fn fresh_set() -> JudgedSet {
    read("the fresh set", FRESH)
}

/// The blind set of 2026-12-07.
pub fn blind_set() -> JudgedSet {
    read("the blind set", BLIND)
}

/// The sealed set of 2026-12-07.
pub fn sealed_set() -> JudgedSet {
    read("the sealed set", SEALED)
}

/// The fifth set of 2026-12-07.
pub fn fifth_set() -> JudgedSet {
    read("the fifth set", FIFTH)
}

/// The sixth set of 2026-12-07.
pub fn sixth_set() -> JudgedSet {
    read("the sixth set", SIXTH)
}

fn read(name: &'static str, json: &str) -> JudgedSet {
    let file: File = serde_json::from_str(json).unwrap();
    let tools = file
        .tools
        .into_iter()
        .map(|t| Tool {
            id: t.id,
            // Judged tool by tool: neither subject nor format decides what is relevant.
            topic: "",
            format: Format::Guide,
            lang: Lang::from_code(&t.lang).unwrap(),
            title: t.title,
            summary: t.summary,
            body: t.body,
        })
        .collect();
    let cases = file
        .queries
        .into_iter()
        .map(|q| Case {
            traits: q.traits,
            query: q.query,
            relevant: q.relevant,
        })
        .collect();
    JudgedSet { name, tools, cases }
}
