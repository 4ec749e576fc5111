//! The search benchmark: `cargo run --release -p commons-tests --bin bench` (sizes with
//! `-- 10000 100000`). On a deterministic synthetic corpus of multilingual tools it measures
//! the full reindex, query latency in process and end to end over HTTP, approval-to-searchable
//! latency, the server's peak memory, and the same queries on SQLite FTS5 for comparison.
//! It prints a table and writes it to `benchmarks/search.md`.
// The merged query root nests one async block per part of the schema; laying them out
// (in release builds too) takes rustc past its default query depth.
#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use commons_api::config::Config;
use commons_domain::lang::Lang;
use commons_domain::tool::{
    Audience, DeliveryFormat, DeliveryMode, Licence, QualityDocumentation, RevisionStatus, Scope,
    ServiceCategory, Tool, ToolContent, ToolKind, ToolStatus, Translation, Visibility,
};
use commons_indexer::{SearchFilter, SearchRequest, Sort};
use sea_orm::sqlx::{self, Row};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift64*): the same corpus on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FR: &[&str] = &[
    "stress",
    "épuisement",
    "indépendants",
    "bien-être",
    "atelier",
    "prévention",
    "burn-out",
    "santé",
    "mentale",
    "accompagnement",
    "psychologue",
    "entrepreneurs",
    "sommeil",
    "fatigue",
    "équilibre",
    "travail",
    "famille",
    "soutien",
    "écoute",
    "formation",
    "conseillers",
    "détresse",
    "orientation",
    "groupe",
    "pairs",
    "respiration",
    "résilience",
    "charge",
    "solitude",
    "dettes",
    "clients",
    "relaxation",
    "coaching",
    "parcours",
    "signaux",
    "difficultés",
    "ressources",
    "collègues",
    "motivation",
    "confiance",
];
const NL: &[&str] = &[
    "stress",
    "uitputting",
    "zelfstandigen",
    "welzijn",
    "workshop",
    "preventie",
    "burn-out",
    "gezondheid",
    "mentale",
    "begeleiding",
    "psycholoog",
    "ondernemers",
    "slaap",
    "vermoeidheid",
    "evenwicht",
    "werk",
    "gezin",
    "steun",
    "luisteren",
    "opleiding",
    "adviseurs",
    "nood",
    "doorverwijzing",
    "groep",
    "lotgenoten",
    "ademhaling",
    "veerkracht",
    "werkdruk",
    "eenzaamheid",
    "schulden",
    "klanten",
    "ontspanning",
    "coaching",
    "traject",
    "signalen",
    "moeilijkheden",
    "hulpbronnen",
    "collega's",
    "motivatie",
    "vertrouwen",
];
const DE: &[&str] = &[
    "Stress",
    "Erschöpfung",
    "Selbständige",
    "Wohlbefinden",
    "Workshop",
    "Prävention",
    "Burnout",
    "Gesundheit",
    "psychische",
    "Begleitung",
    "Psychologe",
    "Unternehmer",
    "Schlaf",
    "Müdigkeit",
    "Gleichgewicht",
    "Arbeit",
    "Familie",
    "Unterstützung",
    "Zuhören",
    "Schulung",
    "Berater",
    "Notlage",
    "Orientierung",
    "Gruppe",
    "Selbsthilfe",
    "Atmung",
    "Resilienz",
    "Belastung",
    "Einsamkeit",
    "Schulden",
    "Kunden",
    "Entspannung",
    "Coaching",
    "Programm",
    "Warnsignale",
    "Schwierigkeiten",
    "Ressourcen",
    "Kollegen",
    "Motivation",
    "Vertrauen",
];
const EN: &[&str] = &[
    "stress",
    "exhaustion",
    "self-employed",
    "well-being",
    "workshop",
    "prevention",
    "burn-out",
    "health",
    "mental",
    "support",
    "psychologist",
    "entrepreneurs",
    "sleep",
    "fatigue",
    "balance",
    "work",
    "family",
    "help",
    "listening",
    "training",
    "advisers",
    "distress",
    "referral",
    "group",
    "peers",
    "breathing",
    "resilience",
    "workload",
    "loneliness",
    "debts",
    "clients",
    "relaxation",
    "coaching",
    "programme",
    "signals",
    "difficulties",
    "resources",
    "colleagues",
    "motivation",
    "confidence",
];

fn words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => FR,
        Lang::Nl => NL,
        Lang::De => DE,
        Lang::En => EN,
    }
}

/// A generic vocabulary per language: pseudo-words built from the language's syllables, drawn
/// with Zipf's law (the r-th word with weight 1/r), as words are in real text.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

const GENERIC_WORDS: usize = 5_000;

fn syllables(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "la", "ment", "tion", "re", "pro", "con", "si", "eau", "ver", "pou", "char", "gé",
            "ai", "on", "té", "mi",
        ],
        Lang::Nl => &[
            "ge", "ver", "ing", "heid", "lijk", "oo", "sch", "aan", "stel", "werk", "baar", "ij",
            "en", "de", "ui", "kr",
        ],
        Lang::De => &[
            "ge", "ver", "ung", "keit", "lich", "sch", "ein", "st", "ei", "en", "be", "zu", "ar",
            "ie", "heit", "ter",
        ],
        Lang::En => &[
            "the", "ing", "tion", "re", "con", "pro", "er", "al", "ly", "ment", "ex", "ou", "ate",
            "in", "com", "ness",
        ],
    }
}

impl Vocabulary {
    fn new(lang: Lang) -> Self {
        let mut rng = Rng(0x0bad_5eed ^ (lang as u64 + 1));
        let parts = syllables(lang);
        let mut seen = BTreeSet::new();
        let mut words = Vec::with_capacity(GENERIC_WORDS);
        while words.len() < GENERIC_WORDS {
            let n = 2 + rng.below(3);
            let w: String = (0..n).map(|_| rng.pick(parts)).collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut total = 0.0;
        let cumulative = (1..=GENERIC_WORDS)
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Self { words, cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative[self.cumulative.len() - 1];
        let x = (rng.next() % 1_000_000) as f64 / 1_000_000.0 * total;
        let i = self
            .cumulative
            .partition_point(|c| *c < x)
            .min(self.words.len() - 1);
        &self.words[i]
    }
}

fn vocabulary(lang: Lang) -> &'static Vocabulary {
    static VOCABULARIES: std::sync::OnceLock<Vec<Vocabulary>> = std::sync::OnceLock::new();
    let all = VOCABULARIES.get_or_init(|| Lang::ALL.iter().map(|l| Vocabulary::new(*l)).collect());
    &all[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)]
}

/// Text of `n` words: one in ten from the well-being vocabulary, the rest everyday words.
fn sentence(rng: &mut Rng, lang: Lang, n: usize) -> String {
    (0..n)
        .map(|_| {
            if rng.below(10) == 0 {
                rng.pick(words(lang)).to_owned()
            } else {
                vocabulary(lang).draw(rng).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A title: well-being words around everyday ones.
fn title(rng: &mut Rng, lang: Lang) -> String {
    let n = 3 + rng.below(4);
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                rng.pick(words(lang)).to_owned()
            } else {
                vocabulary(lang).draw(rng).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One synthetic tool: one or two languages, a title, a summary, a body of 60–160 words.
fn synthetic(rng: &mut Rng) -> ToolContent {
    let main = Lang::ALL[rng.below(4)];
    let mut langs = vec![main];
    if rng.below(3) == 0 {
        let second = Lang::ALL[rng.below(4)];
        if second != main {
            langs.push(second);
        }
    }
    let translations = langs
        .iter()
        .map(|&lang| {
            let (s, b) = (12 + rng.below(12), 60 + rng.below(100));
            Translation {
                lang,
                title: title(rng, lang),
                summary: sentence(rng, lang, s),
                body: sentence(rng, lang, b),
            }
        })
        .collect();
    let kinds = ToolKind::ALL;
    let cats = ServiceCategory::ALL;
    ToolContent {
        kind: kinds[rng.below(kinds.len())],
        categories: [cats[rng.below(cats.len())], cats[rng.below(cats.len())]]
            .into_iter()
            .collect(),
        translations,
        audiences: [Audience::ALL[rng.below(Audience::ALL.len())]]
            .into_iter()
            .collect(),
        sectors: Vec::new(),
        delivery_modes: [DeliveryMode::ALL[rng.below(3)]].into_iter().collect(),
        delivery_formats: [DeliveryFormat::ALL[rng.below(3)]].into_iter().collect(),
        scopes: [Scope::ALL[rng.below(3)]].into_iter().collect(),
        duration: None,
        cost_eur: None,
        quality: QualityDocumentation::default(),
        licence: Licence::Spdx("CC-BY-4.0".into()),
        contact: None,
        tags: vec![rng.pick(FR).to_owned(), rng.pick(NL).to_owned()],
        visibility: if rng.below(4) == 0 {
            Visibility::Network
        } else {
            Visibility::Public
        },
    }
}

/// The fixed query mix: (label, query, filter, facets-heavy browse?).
fn query_mix() -> Vec<(&'static str, &'static str, SearchFilter)> {
    let kind = SearchFilter {
        kinds: vec!["WORKSHOP_FORMAT".into()],
        ..Default::default()
    };
    let category = SearchFilter {
        categories: vec!["EARLY_DETECTION".into()],
        ..Default::default()
    };
    let language = SearchFilter {
        languages: vec![commons_indexer::Lang::Nl],
        ..Default::default()
    };
    vec![
        ("word", "stress", SearchFilter::default()),
        ("word", "épuisement", SearchFilter::default()),
        ("word", "ondernemers", SearchFilter::default()),
        ("word", "Selbständige", SearchFilter::default()),
        ("word", "resilience", SearchFilter::default()),
        ("two words", "burn-out prevention", SearchFilter::default()),
        ("two words", "sommeil fatigue", SearchFilter::default()),
        ("two words", "lotgenoten groep", SearchFilter::default()),
        ("phrase", "\"santé mentale\"", SearchFilter::default()),
        ("phrase", "\"mental health\"", SearchFilter::default()),
        ("typo", "epuisemnt", SearchFilter::default()),
        ("typo", "ondernemrs", SearchFilter::default()),
        ("typo", "Erschopfng", SearchFilter::default()),
        ("filter", "coaching", kind.clone()),
        ("filter", "stress", category.clone()),
        ("filter", "workshop", language.clone()),
        ("facets", "", language),
        ("facets", "", kind),
        ("facets", "", category),
        ("facets", "", SearchFilter::default()),
    ]
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Figures {
    size: usize,
    reindex_s: f64,
    reindex_docs_per_s: f64,
    index_mb: f64,
    in_process: (f64, f64),
    top10: (f64, f64),
    end_to_end: (f64, f64),
    fts5: (f64, f64),
    fts5_build_s: f64,
    approval: (f64, f64),
    peak_rss_mb: f64,
}

const ROUNDS: usize = 30;

async fn load_corpus(services: &commons_service::Context, size: usize) {
    let db = &services.db;
    let acerta = commons_store::organisations::find_by_slug(db, "acerta")
        .await
        .unwrap()
        .unwrap();
    let owners: Vec<i64> = commons_store::organisations::list(db, None, None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.kind != commons_domain::organisation::OrganisationKind::Inasti)
        .map(|o| o.id)
        .collect();
    let author =
        commons_store::users::record(db, acerta.id, "bench", None, None, chrono::Utc::now())
            .await
            .unwrap();
    let mut rng = Rng(0x5eed_c0ff_ee15_600d);
    let mut done = 0;
    while done < size {
        let txn = commons_store::begin_write(db).await.unwrap();
        for _ in 0..1000.min(size - done) {
            let content = synthetic(&mut rng);
            let owner = owners[rng.below(owners.len())];
            let now = chrono::Utc::now();
            let (tool, revision) =
                commons_store::tools::insert_tool(&txn, owner, author.id, &content, now)
                    .await
                    .unwrap();
            let published = Tool {
                status: ToolStatus::Published,
                latest_status: RevisionStatus::Published,
                published_revision: Some(1),
                published_visibility: Some(content.visibility),
                ..tool.clone()
            };
            commons_store::tools::save_state(&txn, &tool, &published)
                .await
                .unwrap();
            commons_store::tools::set_revision_status(
                &txn,
                &revision,
                RevisionStatus::Published,
                now,
            )
            .await
            .unwrap();
            done += 1;
        }
        txn.commit().await.unwrap();
    }
}

/// The same corpus in an SQLite FTS5 table, as a team would otherwise build search.
async fn fts5(size: usize, dir: &Path) -> (f64, sqlx::SqlitePool) {
    let url = format!("sqlite://{}?mode=rwc", dir.join("fts5.db").display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    sqlx::query("CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, tags, kind UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')")
        .execute(&pool)
        .await
        .unwrap();
    let started = Instant::now();
    let mut rng = Rng(0x5eed_c0ff_ee15_600d);
    let mut tx = pool.begin().await.unwrap();
    for _ in 0..size {
        let c = synthetic(&mut rng);
        let _owner = rng.below(11);
        let join = |f: &dyn Fn(&Translation) -> &str| {
            c.translations.iter().map(f).collect::<Vec<_>>().join(" ")
        };
        sqlx::query("INSERT INTO docs (title, summary, body, tags, kind) VALUES (?, ?, ?, ?, ?)")
            .bind(join(&|t| &t.title))
            .bind(join(&|t| &t.summary))
            .bind(join(&|t| &t.body))
            .bind(c.tags.join(" "))
            .bind(c.kind.as_str())
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    (started.elapsed().as_secs_f64(), pool)
}

/// The mix in FTS5's syntax: words ANDed, phrases quoted, ranked by bm25, top 10, with the
/// total count a results page shows. FTS5 has no typo tolerance nor facets: a typo is sent
/// as typed, a browse counts every row.
fn fts5_query(q: &str) -> Option<String> {
    if q.is_empty() {
        return None;
    }
    if q.starts_with('"') {
        return Some(q.to_owned());
    }
    Some(
        q.split_whitespace()
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

async fn fts5_latency(pool: &sqlx::SqlitePool) -> (f64, f64) {
    let mut samples = Vec::new();
    for _ in 0..ROUNDS {
        for (_, q, filter) in query_mix() {
            let kind = filter.kinds.first().cloned();
            let started = Instant::now();
            match fts5_query(q) {
                Some(m) => {
                    let kind_clause = if kind.is_some() { " AND kind = ?" } else { "" };
                    let top = format!(
                        "SELECT rowid, bm25(docs, 3.0, 2.0, 1.0, 2.0) AS r FROM docs WHERE docs MATCH ?{kind_clause} ORDER BY r LIMIT 10"
                    );
                    let count =
                        format!("SELECT count(*) FROM docs WHERE docs MATCH ?{kind_clause}");
                    let mut a = sqlx::query(sqlx::AssertSqlSafe(top)).bind(&m);
                    let mut b = sqlx::query(sqlx::AssertSqlSafe(count)).bind(&m);
                    if let Some(k) = &kind {
                        a = a.bind(k);
                        b = b.bind(k);
                    }
                    let rows = a.fetch_all(pool).await.unwrap();
                    let n: i64 = b.fetch_one(pool).await.unwrap().get(0);
                    std::hint::black_box((rows.len(), n));
                }
                None => {
                    let n: i64 = sqlx::query("SELECT count(*) FROM docs")
                        .fetch_one(pool)
                        .await
                        .unwrap()
                        .get(0);
                    std::hint::black_box(n);
                }
            }
            samples.push(ms(started.elapsed()));
        }
    }
    (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.99),
    )
}

fn request(q: &str, filter: &SearchFilter, facets: bool) -> SearchRequest {
    SearchRequest {
        query: q.to_owned(),
        filter: filter.clone(),
        sort: Sort::Relevance,
        lang: Some(commons_indexer::Lang::Fr),
        offset: 0,
        limit: 10,
        scope: commons_service::search::index_scope(None),
        // The full search shows facets and highlights; the ranked top 10 compared with FTS5
        // returns what FTS5 does: the best ten and the count.
        facets,
        snippets: facets,
        thesaurus: Some(THESAURUS.with(|t| t.clone())),
        stop: Default::default(),
    }
}

thread_local! {
    /// The shipped concept table, as a server searches with it.
    static THESAURUS: std::sync::Arc<commons_indexer::Thesaurus> =
        std::sync::Arc::new(commons_indexer::Thesaurus::new(commons_indexer::Thesaurus::shipped()));
}

fn in_process_latency(index: &commons_indexer::ToolIndex, facets: bool) -> (f64, f64) {
    let mut samples = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    // `BENCH_ONLY=<label>`: only the queries of one kind, for a profiler to watch.
    let only = std::env::var("BENCH_ONLY").ok();
    for round in 0..ROUNDS + 3 {
        for (label, q, filter) in query_mix() {
            if only.as_deref().is_some_and(|o| o != label) {
                continue;
            }
            let started = Instant::now();
            std::hint::black_box(index.search(&request(q, &filter, facets)).unwrap());
            if round >= 3 {
                samples.push(ms(started.elapsed()));
                by_kind
                    .entry(label)
                    .or_default()
                    .push(ms(started.elapsed()));
            }
        }
    }
    for (label, mut s) in by_kind {
        let (p50, p99) = (percentile(&mut s, 0.5), percentile(&mut s, 0.99));
        eprintln!("  in process (facets {facets}), {label}: p50 {p50:.2} ms, p99 {p99:.2} ms");
    }
    (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.99),
    )
}

const SEARCH: &str = "query($q: String, $f: SearchFilter) { searchTools(query: $q, filter: $f, lang: FR, first: 10) {
  totalCount edges { node { score tool { id title } highlights { title text } } }
  facets { kinds { value count } categories { value count } languages { value count } owners { value count } } } }";

fn filter_json(f: &SearchFilter) -> Value {
    json!({
        "kinds": f.kinds,
        "categories": f.categories,
        "languages": f.languages.iter().map(|l| l.code().to_uppercase()).collect::<Vec<_>>(),
    })
}

struct Server {
    child: std::process::Child,
    addr: String,
}

impl Drop for Server {
    /// A benchmark that fails midway leaves no server behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(binary: &Path, data_dir: &Path) -> Server {
    let mut child = Command::new(binary)
        .args(["serve", "--log-format", "json"])
        .env("COMMONS_DATA_DIR", data_dir)
        .env("COMMONS_LISTEN", "127.0.0.1:0")
        // The bench measures speed, not the limits: one client asks as fast as it can.
        .env("COMMONS_RATE_LIMIT__ENABLED", "false")
        .env("RUST_LOG", "warn,commons_api::app=info")
        .current_dir(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the release commons binary (cargo build --release first)");
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while log.read_line(&mut line).unwrap() > 0 {
        let event: Value = serde_json::from_str(&line).unwrap_or_default();
        if event["message"] == "serving" {
            let addr = event["addr"].as_str().unwrap().to_owned();
            std::thread::spawn(move || {
                for line in log.lines().map_while(Result::ok) {
                    if line.contains("\"WARN\"") || line.contains("\"ERROR\"") {
                        eprintln!("server: {line}");
                    }
                }
            });
            return Server { child, addr };
        }
        line.clear();
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start");
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn end_to_end_latency(client: &reqwest::Client, url: &str) -> (f64, f64) {
    let mut samples = Vec::new();
    for round in 0..ROUNDS + 3 {
        for (_, q, filter) in query_mix() {
            let body =
                json!({ "query": SEARCH, "variables": { "q": q, "f": filter_json(&filter) } });
            let started = Instant::now();
            let response: Value = client
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let elapsed = started.elapsed();
            assert!(response.get("errors").is_none(), "{response}");
            if round >= 3 {
                samples.push(ms(elapsed));
            }
        }
    }
    (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.99),
    )
}

async fn approval_latency(client: &reqwest::Client, url: &str, config: &Config) -> (f64, f64) {
    let minter = commons_api::auth::Minter::from_config(&config.auth, &config.data_dir).unwrap();
    let staff = minter
        .mint(
            "bench-staff",
            "acerta",
            &["STAFF".into()],
            None,
            Duration::from_secs(3600),
        )
        .unwrap();
    let moderator = minter
        .mint(
            "bench-moderator",
            "inasti",
            &["MODERATOR".into()],
            None,
            Duration::from_secs(3600),
        )
        .unwrap();
    let call = |token: String, query: &'static str, variables: Value| {
        let client = client.clone();
        let url = url.to_owned();
        async move {
            let mut request = client
                .post(&url)
                .json(&json!({ "query": query, "variables": variables }));
            if !token.is_empty() {
                request = request.bearer_auth(token);
            }
            let r: Value = request.send().await.unwrap().json().await.unwrap();
            let user_errors = r["data"]
                .as_object()
                .and_then(|d| d.values().next())
                .map(|p| p["userErrors"].clone());
            assert!(
                r.get("errors").is_none()
                    && user_errors
                        .as_ref()
                        .is_none_or(|e| e.is_null() || e == &json!([])),
                "{r}"
            );
            r
        }
    };
    let mut samples = Vec::new();
    for i in 0..30 {
        let word = format!("zqx{i}marker");
        let content = json!({ "kind": "GUIDE", "categories": ["ORIENTATION_SUPPORT"], "licence": "CC-BY-4.0", "visibility": "PUBLIC",
            "translations": [{ "lang": "FR", "title": format!("Guide {word}"), "summary": "Un guide.", "body": "" }] });
        let created = call(staff.clone(), "mutation($c: ToolContentInput!) { createTool(input: { content: $c }) { tool { id } userErrors { code message } } }", json!({ "c": content })).await;
        let id = created["data"]["createTool"]["tool"]["id"].clone();
        call(staff.clone(), "mutation($id: ID!) { submitTool(input: { toolId: $id, revision: 1 }) { tool { id } userErrors { code message } } }", json!({ "id": id })).await;
        call(moderator.clone(), "mutation($id: ID!) { decideOnTool(input: { toolId: $id, revision: 1, decision: APPROVE }) { tool { id } userErrors { code message } } }", json!({ "id": id })).await;
        let approved = Instant::now();
        loop {
            let found = call(String::new(), "query($q: String) { searchTools(query: $q, first: 50) { edges { node { tool { id } } } } }", json!({ "q": word })).await;
            let edges = found["data"]["searchTools"]["edges"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if edges.iter().any(|e| e["node"]["tool"]["id"] == id) {
                break;
            }
            if approved.elapsed() > Duration::from_secs(10) {
                let ready = client
                    .get(url.replace("/graphql", "/readyz"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let probe = call(String::new(), "query($q: String, $id: ID!) { searchTools(query: $q) { totalCount } t: node(id: $id) { ... on Tool { status title } } }", json!({ "q": word, "id": id })).await;
                panic!("never searchable: {ready} {probe}");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        samples.push(ms(approved.elapsed()));
    }
    (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.99),
    )
}

async fn run(size: usize, binary: &Path) -> Figures {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        data_dir: dir.path().to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Config::default()
    };
    config.database_max_connections = 4;
    let services = commons_api::app::open_services(&config).await.unwrap();
    commons_service::demo::load_organisations(&services)
        .await
        .unwrap();
    eprintln!("[{size}] loading the corpus into the database");
    load_corpus(&services, size).await;
    eprintln!("[{size}] full reindex");
    let started = Instant::now();
    let tools = services.index.rebuild().await.unwrap();
    let reindex = started.elapsed().as_secs_f64();
    let index = services.index.current();
    let index_mb = index.size_on_disk() as f64 / 1024.0 / 1024.0;
    eprintln!("[{size}] queries in process");
    // `BENCH_PROFILE=N`: only the in-process queries (`BENCH_ONLY=<label>`: of one kind), N
    // times over, for a profiler to watch; ranked top 10s, or with `BENCH_FACETS=1` full searches.
    if let Some(times) = std::env::var("BENCH_PROFILE")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let full = std::env::var_os("BENCH_FACETS").is_some();
        for _ in 0..times {
            tokio::task::block_in_place(|| in_process_latency(&index, full));
        }
        std::process::exit(0);
    }
    // `BENCH_SERVER_PROFILE=N`: only the end-to-end queries, N times over, for a profiler to
    // watch the server.
    if let Some(times) = std::env::var("BENCH_SERVER_PROFILE")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        drop(index);
        services.db.clone().close().await.unwrap();
        drop(services);
        let server = start_server(binary, dir.path());
        eprintln!("[{size}] end to end, server {}", server.child.id());
        let url = format!("http://{}/graphql", server.addr);
        let client = reqwest::Client::new();
        for _ in 0..times {
            let (p50, p99) = end_to_end_latency(&client, &url).await;
            eprintln!("  end to end: p50 {p50:.2} ms, p99 {p99:.2} ms");
        }
        std::process::exit(0);
    }
    let in_process = tokio::task::block_in_place(|| in_process_latency(&index, true));
    let top10 = tokio::task::block_in_place(|| in_process_latency(&index, false));
    if std::env::var_os("BENCH_QUICK").is_some() {
        std::process::exit(0);
    }
    eprintln!("[{size}] SQLite FTS5");
    let (fts5_build_s, pool) = fts5(size, dir.path()).await;
    let fts5 = fts5_latency(&pool).await;
    pool.close().await;
    drop(index);
    services.db.clone().close().await.unwrap();
    drop(services);

    eprintln!("[{size}] end to end");
    let server = start_server(binary, dir.path());
    let url = format!("http://{}/graphql", server.addr);
    let client = reqwest::Client::new();
    let end_to_end = end_to_end_latency(&client, &url).await;
    eprintln!("[{size}] approval to searchable");
    let approval = approval_latency(&client, &url, &config).await;
    let peak_rss_mb = peak_rss_mb(server.child.id());
    drop(server);
    Figures {
        size,
        reindex_s: reindex,
        reindex_docs_per_s: tools as f64 / reindex,
        index_mb,
        in_process,
        top10,
        end_to_end,
        fts5,
        fts5_build_s,
        approval,
        peak_rss_mb,
    }
}

fn table(figures: &[Figures], machine: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("Machine: {machine}\n\n"));
    out.push_str("| tools | reindex | docs/s | index size | search with facets p50 / p99, in process | same, end to end (GraphQL over HTTP) | ranked top 10 p50 / p99, in process | FTS5 ranked top 10 p50 / p99 | speed-up p50 / p99 | approval → searchable p50 / p99 | server peak RSS |\n");
    out.push_str(
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for f in figures {
        out.push_str(&format!(
            "| {} | {:.1} s | {:.0} | {:.0} MiB | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.1}× / {:.1}× | {:.0} / {:.0} ms | {:.0} MiB |\n",
            f.size,
            f.reindex_s,
            f.reindex_docs_per_s,
            f.index_mb,
            f.in_process.0,
            f.in_process.1,
            f.end_to_end.0,
            f.end_to_end.1,
            f.top10.0,
            f.top10.1,
            f.fts5.0,
            f.fts5.1,
            f.fts5.0 / f.top10.0,
            f.fts5.1 / f.top10.1,
            f.approval.0,
            f.approval.1,
            f.peak_rss_mb
        ));
    }
    out.push_str(&format!(
        "\nQuery mix ({} queries × {ROUNDS} rounds): {}. FTS5 built in {} s.\n",
        query_mix().len(),
        query_mix()
            .iter()
            .map(|(l, _, _)| *l)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
            .join(", "),
        figures
            .iter()
            .map(|f| format!("{:.1}", f.fts5_build_s))
            .collect::<Vec<_>>()
            .join(" / ")
    ));
    out
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cores} cores ({cpu}), {}",
        chrono::Utc::now().format("%Y-%m-%d")
    )
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let binary: PathBuf = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .join("commons");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let figures: Vec<Figures> = sizes
        .iter()
        .map(|&s| runtime.block_on(run(s, &binary)))
        .collect();
    let text = table(&figures, &machine());
    println!("{text}");
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benchmarks/search.md");
    let section = format!("Speed: `cargo run --release -p commons-tests --bin bench`.\n\n{text}");
    commons_tests::write_report_section(&results, "Search benchmark", "speed", &section);
    eprintln!("written to {}", results.display());
}
