//! The relevance benchmark: `cargo run --release -p commons-tests --bin bench-relevance`.
//! Searches the judged set of `commons_tests::relevance` with Commons (as `searchTools` does,
//! the shipped concept table included) and with SQLite FTS5 built as a team would otherwise
//! build search (porter stemming, and unicode61 with diacritics removed; words ANDed, phrases
//! quoted, exclusions with NOT, bm25 with the same field weights), and prints recall@10,
//! recall@3 and MRR overall and per trait of query. The figures go to `benchmarks/search.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::Path;

use commons_tests::relevance::{self, JudgedSet, Report};
use sea_orm::sqlx::{self, Row};

/// A query in FTS5's syntax: each word quoted (so `burn-out` is the phrase `burn out`) and
/// ANDed, quoted phrases kept, `-word` as NOT.
fn fts5_query(q: &str) -> String {
    let mut wanted = Vec::new();
    let mut unwanted = Vec::new();
    let mut rest = q.trim();
    while !rest.is_empty() {
        let negative = rest.starts_with('-');
        if negative {
            rest = &rest[1..];
        }
        let (term, tail) = if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            (&r[..end], r.get(end + 1..).unwrap_or(""))
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        let quoted = format!("\"{}\"", term.replace('"', ""));
        if !term.trim().is_empty() {
            if negative {
                unwanted.push(quoted)
            } else {
                wanted.push(quoted)
            }
        }
        rest = tail.trim_start();
    }
    let mut out = wanted.join(" AND ");
    for u in unwanted {
        out = format!("{out} NOT {u}");
    }
    out
}

async fn fts5(set: &JudgedSet, tokenizer: &str) -> Report {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    let create = format!(
        "CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, tokenize = '{tokenizer}')"
    );
    sqlx::query(sqlx::AssertSqlSafe(create))
        .execute(&pool)
        .await
        .unwrap();
    for t in &set.tools {
        sqlx::query("INSERT INTO docs (rowid, title, summary, body) VALUES (?, ?, ?, ?)")
            .bind(t.id as i64)
            .bind(&t.title)
            .bind(&t.summary)
            .bind(&t.body)
            .execute(&pool)
            .await
            .unwrap();
    }
    let mut ranked: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for case in &set.cases {
        let rows = sqlx::query(
            "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 2.0, 1.0) LIMIT 10",
        )
        .bind(fts5_query(&case.query))
        .fetch_all(&pool)
        .await
        // A query FTS5 cannot parse finds nothing, as it would for its user.
        .unwrap_or_default();
        ranked.insert(
            &case.query,
            rows.iter().map(|r| r.get::<i64, _>(0) as u64).collect(),
        );
    }
    relevance::evaluate(set, |q| ranked.get(q).cloned().unwrap_or_default())
}

fn table(set: &JudgedSet, systems: &[(&str, Report)]) -> String {
    let mut out = String::new();
    let first = &systems[0].1;
    out.push_str(&format!(
        "Relevance on {} ({} tools in four languages, {} queries): \
         `cargo run --release -p commons-tests --bin bench-relevance`.\n\n",
        set.name,
        set.tools.len(),
        first.queries
    ));
    out.push_str("| system | recall@10 | recall@3 | MRR |\n| --- | ---: | ---: | ---: |\n");
    for (name, r) in systems {
        out.push_str(&format!(
            "| {name} | {:.3} | {:.3} | {:.3} |\n",
            r.overall.recall_10, r.overall.recall_3, r.overall.reciprocal_rank
        ));
    }
    out.push_str("\nBy trait, recall@10 / MRR:\n\n| trait | queries |");
    for (name, _) in systems {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n| --- | ---: |");
    for _ in systems {
        out.push_str(" ---: |");
    }
    out.push('\n');
    for (name, (_, n)) in &first.by_trait {
        out.push_str(&format!("| {name} | {n} |"));
        for (_, r) in systems {
            let (s, _) = r.by_trait[name];
            out.push_str(&format!(" {:.2} / {:.2} |", s.recall_10, s.reciprocal_rank));
        }
        out.push('\n');
    }
    out
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut text = String::new();
    for set in std::iter::once(relevance::first_set()).chain(relevance::outside::sets()) {
        let systems = vec![
            ("Commons", relevance::evaluate_commons(&set)),
            (
                "FTS5 porter",
                runtime.block_on(fts5(&set, "porter unicode61 remove_diacritics 2")),
            ),
            (
                "FTS5 unicode61",
                runtime.block_on(fts5(&set, "unicode61 remove_diacritics 2")),
            ),
        ];
        if std::env::var_os("BENCH_MISSES").is_some()
            && !relevance::outside::UNREAD.contains(&set.name)
        {
            // For a reader looking for kinds of failure: each query Commons did not answer
            // perfectly, its scores and the first tools it gave.
            for (query, s, top) in &systems[0].1.misses {
                eprintln!(
                    "{}: {query:?} recall@10 {:.2} rr {:.2} top {top:?}",
                    set.name, s.recall_10, s.reciprocal_rank
                );
            }
        }
        if let Some(query) = std::env::var_os("BENCH_EXPLAIN")
            && set.name == "the outside set"
        {
            // One query of the outside set, its first tools with their scores.
            let query = query.to_string_lossy();
            for (id, score) in relevance::commons_search(&set)(&query) {
                let tool = set.tools.iter().find(|t| t.id == id).unwrap();
                eprintln!("{id:>4} {score:>10.1} {:?} {}", tool.lang, tool.title);
            }
        }
        text.push_str(&table(&set, &systems));
        text.push('\n');
    }
    println!("{text}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benchmarks/search.md");
    commons_tests::write_report_section(&path, "Search benchmark", "relevance", &text);
    eprintln!("written to {}", path.display());
}
