//! The outside set: 70 tools and 136 queries written on 2026-12-06 by an evaluator who was
//! shown neither the in-repo set nor the engine's tables (concepts, dictionaries, weights), and
//! asked for tools as caisses and partners write them — French and Dutch mostly, some German
//! and English, with near-miss distractors — and queries as people type them, each judged by
//! meaning across languages. `outside-set.json` is kept as written: a judgment is never
//! edited to suit the engine.

use std::collections::BTreeSet;

use commons_indexer::Lang;
use serde::Deserialize;

use super::{Case, Format, JudgedSet, Tool};

const SET: &str = include_str!("outside-set.json");

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

pub fn set() -> JudgedSet {
    let file: File = serde_json::from_str(SET).unwrap();
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
    JudgedSet {
        name: "the outside set",
        tools,
        cases,
    }
}
