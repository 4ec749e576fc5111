use std::collections::HashMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::index::SegmentId;
use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, BooleanQuery, EnableScoring, Occur, Query, RangeQuery,
    RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocSet, Executor, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score,
    Searcher, SegmentOrdinal, SegmentReader, TERMINATED, TantivyDocument, TantivyError, Term,
};

use crate::analysis::{self, tokens};
use crate::document::{LATEST, ToolDocument, facet, reader_set_key};
use crate::facet_count::{self, DIMENSIONS, FacetTables};
use crate::filter::{CachedFilter, FilterCache};
use crate::highlight::{Highlighters, escape_into};
use crate::impacts::ImpactCache;
use crate::matches::Matching;
use crate::plans::{
    CountCache, MAX_MATCHES, MAX_QUERIES, MAX_QUERY_CLAUSES, MAX_WORDS, MatchCache, PlanCache,
    QueryCache,
};
use crate::query::{ParsedQuery, QueryBuilder, TextQuery, parse};
use crate::ranking::RankedQuery;
use crate::schema::{self, Fields, SCHEMA_VERSION};
use crate::statistics::StatisticsCache;
use crate::thesaurus::Thesaurus;
use crate::typos::{self, NeighbourCache};
use crate::{IndexError, Lang, Result};

/// Who is searching, as the service's visibility policy describes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub organisation_id: Option<u64>,
    pub moderator: bool,
    /// Visibilities of other organisations' published tools this caller may read.
    pub published_visibilities: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchFilter {
    pub kinds: Vec<String>,
    pub categories: Vec<String>,
    pub languages: Vec<Lang>,
    pub audiences: Vec<String>,
    pub owners: Vec<u64>,
    /// Only tools last known current at or after this moment (seconds since the epoch), or to
    /// which no review date applies: those past their review date are left out. Rounded by the
    /// caller (to the hour) so that the filter's cached sets are reused.
    pub reviewed_since: Option<i64>,
    /// Only tools last known current before this moment: those past their review date when
    /// it is the same moment as [`Sort::CurrentFirst`]'s.
    pub reviewed_before: Option<i64>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    MostAdopted,
    /// Relevance, the tools last known current before this moment (seconds since the epoch:
    /// past their review date) after all the others.
    CurrentFirst(i64),
}

#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    pub query: String,
    pub filter: SearchFilter,
    pub sort: Sort,
    /// The language snippets are taken from when the tool has it.
    pub lang: Option<Lang>,
    pub offset: usize,
    pub limit: usize,
    pub scope: Scope,
    /// Count facets too; a caller who shows none saves their cost.
    pub facets: bool,
    /// Build highlighted snippets for the hits; without, hits carry the plain title.
    pub snippets: bool,
    /// The concept table that widens words across languages.
    pub thesaurus: Option<Arc<Thesaurus>>,
    /// When to give up.
    pub stop: Stop,
}

/// Tells index work to give up: past a deadline, or once the one who asked has gone.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    pub deadline: Option<Instant>,
    pub cancelled: Option<Arc<AtomicBool>>,
}

impl Stop {
    pub fn check(&self) -> Result<()> {
        let late = self.deadline.is_some_and(|d| Instant::now() >= d);
        let cancelled = self
            .cancelled
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed));
        if late || cancelled {
            return Err(IndexError::Stopped);
        }
        Ok(())
    }
}

/// Runs a collector segment by segment, giving up between segments once told to stop.
struct Stoppable<'a, C> {
    inner: C,
    stop: &'a Stop,
}

impl<C: Collector> Collector for Stoppable<'_, C> {
    type Fruit = C::Fruit;
    type Child = C::Child;

    fn for_segment(
        &self,
        segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        self.inner.for_segment(segment_local_id, segment)
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<<Self::Child as tantivy::collector::SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        self.inner.merge_fruits(segment_fruits)
    }

    fn collect_segment(
        &self,
        weight: &dyn tantivy::query::Weight,
        segment_ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<<Self::Child as tantivy::collector::SegmentCollector>::Fruit> {
        self.stop.checked()?;
        self.inner.collect_segment(weight, segment_ord, reader)
    }
}

const STOPPED: &str = "search stopped";

impl Stop {
    /// [`Stop::check`] inside tantivy's work: a tantivy error that [`stopped_or`] turns back.
    pub(crate) fn checked(&self) -> tantivy::Result<()> {
        self.check()
            .map_err(|_| TantivyError::InternalError(STOPPED.into()))
    }
}

pub(crate) fn stopped_or(e: TantivyError) -> IndexError {
    match &e {
        TantivyError::InternalError(m) if m == STOPPED => IndexError::Stopped,
        _ => IndexError::Tantivy(e),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub tool_id: u64,
    pub score: f32,
    /// The language of the snippets.
    pub lang: Lang,
    /// The title, matched words in `<b>`, HTML-escaped.
    pub title_html: String,
    /// A passage of the summary or body around the matched words, HTML-escaped.
    pub text_html: String,
    /// The attachments whose text holds the words searched for, with a passage of each.
    pub attachments: Vec<AttachmentHit>,
}

/// An attachment that matched: which one, and the passage around the words.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentHit {
    pub attachment_id: u64,
    pub text_html: String,
}

/// Counts per value of each facet; each facet's counts honour the other facets' filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facets {
    pub kinds: Vec<(String, u64)>,
    pub categories: Vec<(String, u64)>,
    pub languages: Vec<(String, u64)>,
    pub audiences: Vec<(String, u64)>,
    pub owners: Vec<(String, u64)>,
}

#[derive(Clone, Debug, Default)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Words of the query that nothing the caller may read holds, as typed.
    pub unmatched: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub tool_id: u64,
    pub title: String,
}

/// One index generation: searches run on its reader while its one writer takes changes.
pub struct ToolIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    dir: PathBuf,
    /// The outbox position searches see: moved only once the reader has reloaded after a
    /// commit, so that no one is told a change is searchable a moment before it is.
    searchable: Mutex<Option<i64>>,
    /// What the scope and facet filters match, segment by segment.
    filters: Arc<FilterCache>,
    /// The tools of each facet value, segment by segment.
    facet_tables: FacetTables,
    /// What each term searched can score, segment by segment.
    impacts: Arc<ImpactCache>,
    /// Each word's own alternatives, for the index state they were planned on.
    plans: Arc<PlanCache>,
    /// BM25's statistics, per index state.
    statistics: Arc<StatisticsCache>,
    /// Whole text queries planned, per index state.
    queries: Arc<QueryCache>,
    /// How many tools a caller may read hold a candidate correction, per index state.
    counts: Arc<CountCache>,
    /// Whether something a caller may read matches a word of a query, per index state.
    matches: Arc<MatchCache>,
    /// The terms within a few edits of a misspelt word, per index state.
    neighbours: Arc<NeighbourCache>,
    /// Segments searched in parallel, one thread per core, when the machine has cores to spare.
    parallel: Executor,
    /// Searches running now: past one, each searches its segments on its own thread.
    running: Arc<AtomicUsize>,
}

const WRITER_MEMORY: usize = 64 * 1024 * 1024;

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    schema_version: u32,
    cursor: i64,
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

impl ToolIndex {
    fn with_index(index: Index, fields: Fields, dir: &Path) -> Result<Self> {
        analysis::register(index.tokenizers());
        // Segments are searched in parallel, one thread per core, by a search that runs alone
        // (see `executor`).
        let parallel = Executor::multi_thread(
            std::thread::available_parallelism().map_or(1, usize::from),
            "tantivy-search-",
        )?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer(WRITER_MEMORY)?;
        let opened = Self {
            index,
            fields,
            reader,
            writer: Mutex::new(writer),
            dir: dir.to_owned(),
            searchable: Mutex::new(None),
            filters: Arc::default(),
            facet_tables: FacetTables::default(),
            impacts: Arc::default(),
            plans: Arc::new(PlanCache::new(MAX_WORDS)),
            statistics: Arc::default(),
            queries: Arc::new(QueryCache::new(MAX_QUERIES)),
            matches: Arc::new(MatchCache::new(MAX_MATCHES)),
            counts: Arc::new(CountCache::new(MAX_MATCHES)),
            neighbours: Arc::new(NeighbourCache::new(typos::MAX_WORDS)),
            parallel,
            running: Arc::default(),
        };
        let committed = opened.payload()?.map(|p| p.cursor);
        opened.set_searchable(committed);
        Ok(opened)
    }

    fn set_searchable(&self, cursor: Option<i64>) {
        if let Ok(mut s) = self.searchable.lock() {
            *s = cursor;
        }
    }

    pub(crate) fn create_in(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::build();
        let index = Index::create_in_dir(dir, schema)?;
        Self::with_index(index, fields, dir)
    }

    /// Opens an index made by this version of Commons; another version's is an error.
    pub(crate) fn open_in(dir: &Path) -> Result<Self> {
        let (schema, fields) = schema::build();
        let index = Index::open_in_dir(dir)?;
        if index.schema() != schema {
            return Err(IndexError::Invalid(
                "the index was built with another schema".into(),
            ));
        }
        let opened = Self::with_index(index, fields, dir)?;
        if let Some(payload) = opened.payload()?
            && payload.schema_version != SCHEMA_VERSION
        {
            return Err(IndexError::Invalid(format!(
                "the index is of schema version {}, this is {SCHEMA_VERSION}",
                payload.schema_version
            )));
        }
        Ok(opened)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn payload(&self) -> Result<Option<Payload>> {
        let metas = self.index.load_metas()?;
        match metas.payload {
            None => Ok(None),
            Some(p) => serde_json::from_str(&p)
                .map(Some)
                .map_err(|e| IndexError::Invalid(format!("unreadable commit payload: {e}"))),
        }
    }

    /// The outbox position the index has applied everything up to, as searches see it; `None`
    /// for a new index.
    pub fn cursor(&self) -> Result<Option<i64>> {
        self.searchable
            .lock()
            .map(|s| *s)
            .map_err(|_| IndexError::Invalid("the index cursor lock was poisoned".into()))
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>>> {
        self.writer
            .lock()
            .map_err(|_| IndexError::Invalid("the index writer was poisoned by a panic".into()))
    }

    /// Replaces every document of a tool by these (none deletes the tool). Takes effect at
    /// the next [`commit`](Self::commit).
    pub fn replace(&self, tool_id: u64, documents: &[ToolDocument]) -> Result<()> {
        let writer = self.writer()?;
        writer.delete_term(Term::from_field_u64(self.fields.tool_id, tool_id));
        for d in documents {
            writer.add_document(d.to_tantivy(&self.fields))?;
        }
        Ok(())
    }

    /// Commits what was staged together with the outbox position it reaches, so that index
    /// and cursor move as one: after a crash the follower resumes from the committed cursor.
    pub fn commit(&self, cursor: i64) -> Result<()> {
        let mut writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        let payload = serde_json::to_string(&Payload {
            schema_version: SCHEMA_VERSION,
            cursor,
        })
        .map_err(|e| IndexError::Invalid(e.to_string()))?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        drop(writer);
        self.reload()?;
        self.set_searchable(Some(cursor));
        Ok(())
    }

    /// Lets searches see what was committed, and forgets the filters of segments gone.
    fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        let live: Vec<_> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        self.filters.keep_only(&live);
        self.facet_tables.keep_only(&live);
        self.impacts.keep_only(&live);
        Ok(())
    }

    /// Merges the segments of a freshly built index into one per core, of about the same size
    /// each: a search pays for every segment (its scorers, its dictionary walks for typos and
    /// compounds), and on a large index (see `PARALLEL_MIN_DOCUMENTS`) a search running alone
    /// searches its segments in parallel, one per core.
    pub fn compact(&self) -> Result<()> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // No merge of the writer's own may take segments from under ours: none starts while
        // compacting, and one that was running has ended when ours find their segments.
        self.writer()?
            .set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let mut attempt = 0;
        let compacted = loop {
            attempt += 1;
            match self.merge_into(cores) {
                Err(_) if attempt < 50 => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                done => break done,
            }
        };
        self.writer()?
            .set_merge_policy(Box::new(tantivy::indexer::LogMergePolicy::default()));
        compacted?;
        self.reload()
    }

    /// Merges the committed segments into at most `groups` of about the same size.
    fn merge_into(&self, groups: usize) -> Result<()> {
        let mut segments: Vec<(u32, SegmentId)> = self
            .index
            .searchable_segment_metas()?
            .iter()
            .map(|m| (m.num_docs(), m.id()))
            .collect();
        if segments.len() <= groups {
            return Ok(());
        }
        // The largest first, each into the group that holds the fewest documents so far.
        segments.sort_by_key(|s| std::cmp::Reverse(s.0));
        let mut grouped: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); groups];
        for (docs, id) in segments {
            if let Some(group) = grouped.iter_mut().min_by_key(|g| g.0) {
                group.0 += u64::from(docs);
                group.1.push(id);
            }
        }
        let merges: Vec<_> = {
            let mut writer = self.writer()?;
            grouped
                .iter()
                .filter(|g| g.1.len() > 1)
                .map(|g| writer.merge(&g.1))
                .collect()
        };
        let mut result = Ok(());
        for merge in merges {
            if let Err(e) = merge.wait() {
                result = Err(e.into());
            }
        }
        result
    }

    /// Drops what was staged since the last commit.
    pub fn rollback(&self) -> Result<()> {
        self.writer()?.rollback()?;
        Ok(())
    }

    /// How many segments searches run over.
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Size of the index files on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        fn walk(p: &Path) -> u64 {
            std::fs::read_dir(p)
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|e| match e.metadata() {
                            Ok(m) if m.is_dir() => walk(&e.path()),
                            Ok(m) => m.len(),
                            Err(_) => 0,
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        walk(&self.dir)
    }

    /// Tools whose latest revision the scope reads: its own, and all but organisation-only
    /// ones for moderators. Mirrors the service's policy.
    fn shows_latest(&self, scope: &Scope) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut should: Vec<Box<dyn Query>> = Vec::new();
        if let Some(org) = scope.organisation_id {
            should.push(Box::new(TermQuery::new(
                Term::from_field_u64(f.owner_id, org),
                IndexRecordOption::Basic,
            )));
        }
        if scope.moderator {
            should.push(term_query(f.latest_visibility, "PUBLIC"));
            should.push(term_query(f.latest_visibility, "NETWORK"));
        }
        (!should.is_empty()).then(|| any_of(should))
    }

    /// Each tool matches at most once: as its latest document for those who read it, as its
    /// published document for everyone else its visibility allows.
    /// `reviewed_since` and `reviewed_before` of the filter: also only tools last known current
    /// within them (see [`SearchFilter`]); they ride with the scope so that every path of a
    /// search (results, counts, facets, the checks of its words) applies them.
    fn scope_query(&self, scope: &Scope, filter: &SearchFilter) -> Box<dyn Query> {
        Box::new(self.scope_filter(scope, filter))
    }

    fn scope_filter(&self, scope: &Scope, filter: &SearchFilter) -> CachedFilter {
        let (since, before) = (filter.reviewed_since, filter.reviewed_before);
        let terms = if since.is_none() && before.is_none() {
            self.scope_terms(scope)
        } else {
            let bound = |at: Option<i64>, bound: fn(Term) -> Bound<Term>| {
                at.map_or(Bound::Unbounded, |at| {
                    bound(Term::from_field_i64(self.fields.reviewed_at, at))
                })
            };
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, self.scope_terms(scope)),
                (
                    Occur::Must,
                    Box::new(RangeQuery::new(
                        bound(since, Bound::Included),
                        bound(before, Bound::Excluded),
                    )),
                ),
            ]))
        };
        CachedFilter::new(
            self.filters.clone(),
            format!("{scope:?} {since:?} {before:?}"),
            terms,
            0.0,
        )
    }

    fn scope_terms(&self, scope: &Scope) -> Box<dyn Query> {
        let f = &self.fields;
        let visibilities: Vec<&str> = scope
            .published_visibilities
            .iter()
            .map(String::as_str)
            .collect();
        let published = term_query(f.readable_by, &reader_set_key(&visibilities));
        let Some(latest) = self.shows_latest(scope) else {
            return published;
        };
        let published = BooleanQuery::new(vec![
            (Occur::Must, published),
            (Occur::MustNot, latest.box_clone()),
        ]);
        let latest = BooleanQuery::new(vec![
            (Occur::Must, term_query(f.variant, LATEST)),
            (Occur::Must, latest),
        ]);
        any_of(vec![Box::new(latest), Box::new(published)])
    }

    fn dimension_filter(&self, dimension: &str, filter: &SearchFilter) -> Option<CachedFilter> {
        let values: Vec<String> = match dimension {
            "kind" => filter.kinds.clone(),
            "category" => filter.categories.clone(),
            "language" => filter
                .languages
                .iter()
                .map(|l| l.code().to_owned())
                .collect(),
            "audience" => filter.audiences.clone(),
            "owner" => filter.owners.iter().map(u64::to_string).collect(),
            _ => Vec::new(),
        };
        (!values.is_empty()).then(|| {
            let terms = any_of(
                values
                    .iter()
                    .map(|v| -> Box<dyn Query> {
                        Box::new(TermQuery::new(
                            Term::from_facet(self.fields.facets, &facet(dimension, v)),
                            IndexRecordOption::Basic,
                        ))
                    })
                    .collect(),
            );
            CachedFilter::new(
                self.filters.clone(),
                format!("{dimension} {values:?}"),
                terms,
                0.0,
            )
        })
    }

    fn builder<'a>(
        &'a self,
        searcher: &'a Searcher,
        req: &'a SearchRequest,
    ) -> Result<QueryBuilder<'a>> {
        let mut analysers = Vec::new();
        for lang in Lang::ALL {
            analysers.push((
                lang,
                self.index
                    .tokenizer_for_field(self.fields.lang(lang).title)?,
            ));
        }
        let doc_freq = move |term: &Term| searcher.doc_freq(term).unwrap_or(0);
        // Whether something the caller may read, under the search's filters, matches: asked
        // once per index state for a word of a query, a scope and filters.
        let question = self.question(req);
        let state = searcher.generation().generation_id();
        let readable = move |asked: &str, q: &dyn Query| {
            let key = format!("{asked}\u{0}{question}");
            self.matches.get(state, &key).unwrap_or_else(|| {
                let found = any_match(searcher, &self.compose(&Some(q.box_clone()), &[], req));
                self.matches.put(state, key, found);
                found
            })
        };
        let question = self.question(req);
        let readable_count = move |asked: &str, q: &dyn Query| {
            let key = format!("{asked}\u{0}{question}");
            self.counts.get(state, &key).unwrap_or_else(|| {
                let query = self.compose(&Some(q.box_clone()), &[], req);
                let n = searcher.search(&query, &Count).map_or(0, |n| n as u64);
                self.counts.put(state, key, n);
                n
            })
        };
        // Languages in which some attachment holds text at all: the others need no lookup.
        let with_attachments: Vec<Lang> = Lang::ALL
            .into_iter()
            .filter(|l| {
                let field = self.fields.lang(*l).attachments;
                searcher.segment_readers().iter().any(|segment| {
                    segment
                        .inverted_index(field)
                        .is_ok_and(|inverted| inverted.terms().num_terms() > 0)
                })
            })
            .collect();
        // A concept widens a search into the languages searched: all unless some are asked.
        let expand_into = if req.filter.languages.is_empty() {
            Lang::ALL.to_vec()
        } else {
            req.filter.languages.clone()
        };
        Ok(QueryBuilder::new(
            &self.fields,
            analysers,
            Box::new(doc_freq),
            searcher.num_docs(),
            Box::new(readable),
            Box::new(|field, word: &str, distance| {
                typos::neighbours(&self.neighbours, searcher, field, word, distance)
            }),
            self.filters.clone(),
        )
        .with_readable_count(Box::new(readable_count))
        .with_attachments(with_attachments)
        .with_thesaurus(req.thesaurus.as_deref(), expand_into)
        .with_preferred(req.lang)
        .with_plans(&self.plans, searcher.generation().generation_id()))
    }

    /// Everything besides the index state that decides whether a word of this search matches
    /// something its caller may read: the query, the caller's scope, the filters and the
    /// concept table (a key of the match cache, bounded as the query and the filters are).
    fn question(&self, req: &SearchRequest) -> String {
        format!(
            "{}\u{0}{:?}\u{0}{:?}\u{0}{}",
            req.query,
            req.scope,
            req.filter,
            req.thesaurus.as_ref().map_or(0, |t| t.version())
        )
    }

    /// The whole query: the words (every tool when there are none) behind the gate.
    fn compose(
        &self,
        text: &Option<Box<dyn Query>>,
        exclusions: &[Box<dyn Query>],
        req: &SearchRequest,
    ) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            text.as_ref()
                .map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |q| q.box_clone()),
        )];
        clauses.extend(self.gate(exclusions, req));
        BooleanQuery::new(clauses)
    }

    /// What a tool must pass besides the words: who may read it, the filters, the exclusions.
    fn gate(
        &self,
        exclusions: &[Box<dyn Query>],
        req: &SearchRequest,
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, self.scope_query(&req.scope, &req.filter))];
        for (_, filter) in self.facet_filters(req) {
            clauses.push((Occur::Must, Box::new(filter)));
        }
        clauses.extend(exclusions.iter().map(|q| (Occur::MustNot, q.box_clone())));
        clauses
    }

    /// The facet filters a search asks, by dimension.
    fn facet_filters(&self, req: &SearchRequest) -> Vec<(usize, CachedFilter)> {
        DIMENSIONS
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, self.dimension_filter(d, &req.filter)?)))
            .collect()
    }

    /// What a search asks, as tantivy queries.
    fn plan(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
    ) -> Result<(Option<TextQuery>, Planned)> {
        let parsed: ParsedQuery = parse(&req.query);
        // Planned once per question and index state: everything the plan depends on is in the
        // key (the caller's scope and the filters decide typos, the language the preference).
        let state = searcher.generation().generation_id();
        let key = format!("{}\u{0}{:?}", self.question(req), req.lang);
        let text: Option<TextQuery> = match self.queries.get(state, &key) {
            Some(planned) => (*planned).clone(),
            None => {
                let planned = self.builder(searcher, req)?.text_query(&parsed);
                if planned
                    .as_ref()
                    .is_none_or(|t| t.ranking.is_some() && t.clauses() <= MAX_QUERY_CLAUSES)
                {
                    self.queries.put(state, key, Arc::new(planned.clone()));
                }
                planned
            }
        };
        // A text query holds its exclusions; a browse is narrowed by them alone.
        let exclusions = if text.is_none() && !parsed.excluded.is_empty() {
            self.builder(searcher, req)?.exclusions(&parsed)
        } else {
            Vec::new()
        };
        let text_query = text.as_ref().map(|t| t.query.box_clone());
        // A tool matches when any alternative of any word does; a phrase it must hold is asked
        // by the text query as a whole.
        let any_of = text.as_ref().map(|t| match &t.ranking {
            Some(ranking) => ranking
                .words
                .iter()
                .flatten()
                .map(|c| c.query.box_clone())
                .collect(),
            None => vec![t.query.box_clone()],
        });
        let excluded = match &text {
            Some(t) => t.excluded.iter().map(|q| q.box_clone()).collect(),
            None => exclusions.iter().map(|q| q.box_clone()).collect(),
        };
        let planned = Planned {
            query: self.compose(&text_query, &exclusions, req),
            matching: Matching {
                any_of,
                scope: self.scope_filter(&req.scope, &req.filter),
                excluded,
            },
        };
        Ok((text, planned))
    }

    /// The text query's scoring taken apart for a top-k by MaxScore, behind the same gate.
    fn ranked(&self, text: &mut TextQuery, req: &SearchRequest) -> Option<RankedQuery> {
        let gate = BooleanQuery::new(self.gate(&text.excluded, req));
        Some(RankedQuery::new(
            text.ranking.take()?,
            Box::new(gate),
            self.impacts.clone(),
        ))
    }

    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        if let Sort::CurrentFirst(since) = req.sort {
            return self.current_first(req, since);
        }
        req.stop.check()?;
        let searcher = self.reader.searcher();
        let alone = Running::enter(&self.running);
        let sequential = Executor::single_thread();
        let executor = if alone.alone()
            && searcher.segment_readers().len() > 1
            && searcher.num_docs() >= PARALLEL_MIN_DOCUMENTS
        {
            &self.parallel
        } else {
            &sequential
        };
        let (mut text, planned) = self.plan(&searcher, req)?;
        req.stop.check()?;
        let limit = req.limit.max(1);
        let stop = &req.stop;
        // The count and the facets from the tools the search matches, marked one bit each,
        // unless the page's single pass over every match counts them anyway.
        let mut counted = None;
        let hits = match req.sort {
            // A browse has no relevance: the newest come first.
            Sort::Relevance if text.is_none() => {
                self.by_field::<i64>(&searcher, executor, &planned, req, "updated_at")?
            }
            // `CurrentFirst` is served as its parts, each by relevance (`current_first`).
            Sort::Relevance | Sort::CurrentFirst(_) => {
                // The best by score and a few more, then ties broken by freshness: reading the
                // date of every match would cost each search a pass over them all.
                let top = TopDocs::with_limit(req.offset + limit + TIE_WINDOW);
                // MaxScore pays for one word over the whole catalogue: its title and summary
                // lists soon fill the page and the long body lists stop proposing tools, which
                // more than pays for counting apart. Measured at 100 000 tools (bench):
                // - several words: a tool must hold them all to reach the page, and each
                //   candidate holding one is looked up in every alternative of the others;
                //   one streaming pass scoring the union took 0.57 of the time;
                // - a facet filter: the page fills with tools the filter lets through only
                //   slowly, so little is skipped;
                // - a word with typos would walk the dictionaries twice, page and count.
                let one_word = |t: &&mut TextQuery| {
                    !t.with_typos
                        && req.filter == SearchFilter::default()
                        && t.ranking.as_ref().is_some_and(|r| r.words.len() == 1)
                };
                let ranked = text
                    .as_mut()
                    .filter(one_word)
                    .and_then(|t| self.ranked(t, req));
                let top = match ranked {
                    Some(ranked) => collect(
                        &searcher,
                        &self.statistics.of(&searcher),
                        executor,
                        &ranked,
                        top,
                        stop,
                    )?,
                    // Scoring every match counts them on the way; the facets need them all,
                    // facet filters aside, and are counted apart.
                    None if !req.facets => {
                        let (top, total) = collect(
                            &searcher,
                            &self.statistics.of(&searcher),
                            executor,
                            &planned.query,
                            (top, Count),
                            stop,
                        )?;
                        counted = Some((total, Facets::default()));
                        top
                    }
                    None => collect(
                        &searcher,
                        &self.statistics.of(&searcher),
                        executor,
                        &planned.query,
                        top,
                        stop,
                    )?,
                };
                newest_among_equals(&searcher, top)
                    .into_iter()
                    .skip(req.offset)
                    .take(limit)
                    .collect()
            }
            Sort::Newest => {
                self.by_field::<i64>(&searcher, executor, &planned, req, "updated_at")?
            }
            Sort::MostAdopted => {
                self.by_field::<u64>(&searcher, executor, &planned, req, "adoptions")?
            }
        };
        let (total, facets) = match counted {
            Some(counted) => counted,
            None => self.count(&searcher, executor, &planned.matching, req)?,
        };
        req.stop.check()?;
        let unmatched = match &text {
            None => Vec::new(),
            // The best hit holds every word: each word matched something.
            Some(t)
                if req.sort == Sort::Relevance
                    && req.offset == 0
                    && hits.first().is_some_and(|(s, _)| *s >= t.all_words_held()) =>
            {
                Vec::new()
            }
            Some(t) => {
                let question = self.question(req);
                let state = searcher.generation().generation_id();
                let mut unmatched = Vec::new();
                for (position, w) in t.words.iter().enumerate() {
                    let key = format!("widened {position}\u{0}{question}");
                    let found = self.matches.get(state, &key).unwrap_or_else(|| {
                        let found = any_match(
                            &searcher,
                            &self.compose(&Some(w.query.box_clone()), &[], req),
                        );
                        self.matches.put(state, key, found);
                        found
                    });
                    if !found {
                        unmatched.push(w.typed.clone());
                    }
                }
                unmatched
            }
        };
        let hits = if req.limit == 0 {
            Vec::new()
        } else {
            self.hits(
                &searcher,
                &planned.query,
                hits,
                req.lang,
                text.is_some() && req.snippets,
            )?
        };
        Ok(SearchResults {
            total,
            hits,
            facets,
            unmatched,
        })
    }

    /// Relevance with the tools past their review date after the current ones: the page is
    /// taken from the tools current since `since`, then from the others, each by relevance; the
    /// count, the facets and the words nothing holds are the whole search's. Up to three passes
    /// (the whole search counted, and each part), for a sort asked for by name.
    fn current_first(&self, req: &SearchRequest, since: i64) -> Result<SearchResults> {
        let part = |filter: SearchFilter, offset: usize, limit: usize| SearchRequest {
            sort: Sort::Relevance,
            filter,
            offset,
            limit,
            facets: false,
            ..req.clone()
        };
        let mut whole = self.search(&SearchRequest {
            sort: Sort::Relevance,
            offset: 0,
            limit: 0,
            ..req.clone()
        })?;
        let asked_since = req.filter.reviewed_since.unwrap_or(i64::MIN);
        let current = SearchFilter {
            reviewed_since: Some(asked_since.max(since)),
            ..req.filter.clone()
        };
        let current = self.search(&part(current, req.offset, req.limit))?;
        let mut hits = current.hits;
        if hits.len() < req.limit && asked_since < since {
            let earlier = SearchFilter {
                reviewed_before: Some(req.filter.reviewed_before.unwrap_or(since).min(since)),
                ..req.filter.clone()
            };
            let offset = req.offset.saturating_sub(current.total);
            let rest = self.search(&part(earlier, offset, req.limit - hits.len()))?;
            hits.extend(rest.hits);
        }
        whole.hits = hits;
        Ok(whole)
    }

    /// The number of tools a search finds and its facet counts when asked.
    fn count(
        &self,
        searcher: &Searcher,
        executor: &Executor,
        matching: &Matching,
        req: &SearchRequest,
    ) -> Result<(usize, Facets)> {
        let matched = matching.sets(searcher, executor, &req.stop)?;
        let tables = req
            .facets
            .then_some((&self.facet_tables, self.fields.facets));
        Ok(facet_count::count(
            searcher,
            matched,
            &self.facet_filters(req),
            tables,
        )?)
    }

    /// A page sorted by a date or a count, highest first: its hits carry no relevance score.
    fn by_field<T: tantivy::fastfield::FastValue>(
        &self,
        searcher: &Searcher,
        executor: &Executor,
        planned: &Planned,
        req: &SearchRequest,
        field: &str,
    ) -> Result<Vec<(f32, DocAddress)>> {
        let top = TopDocs::with_limit(req.limit.max(1))
            .and_offset(req.offset)
            .order_by_fast_field::<T>(field, Order::Desc);
        let docs = collect(
            searcher,
            &self.statistics.of(searcher),
            executor,
            &planned.query,
            top,
            &req.stop,
        )?;
        Ok(docs.into_iter().map(|(_, d)| (0.0, d)).collect())
    }

    fn hits(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        found: Vec<(f32, DocAddress)>,
        wanted: Option<Lang>,
        matched_words: bool,
    ) -> Result<Vec<Hit>> {
        let f = &self.fields;
        let mut highlighters = Highlighters::new(searcher, query);
        let mut snippet = |field: Field, lang: Lang, doc: &TantivyDocument, max: usize| {
            // A browse matched no words, or no snippet was asked for: nothing to highlight.
            if !matched_words {
                return Ok::<_, IndexError>(String::new());
            }
            Ok(highlighters.of(field, lang, max)?.doc_html(doc, field))
        };
        let mut attachment_highlighters = Highlighters::new(searcher, query);
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(tool_id) = doc.get_first(f.tool_id).and_then(|v| v.as_u64()) else {
                continue;
            };
            let text_of = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let main = doc
                .get_first(f.main_lang)
                .and_then(|v| v.as_str())
                .and_then(Lang::from_code)
                .unwrap_or(Lang::Fr);
            let lang = wanted
                .filter(|l| text_of(f.lang(*l).title).is_some())
                .unwrap_or(main);
            let lf = f.lang(lang);
            let mut title_html = snippet(lf.title, lang, &doc, 300)?;
            if title_html.is_empty() {
                title_html = escape(&text_of(lf.title).unwrap_or_default());
            }
            let mut text_html = snippet(lf.body, lang, &doc, 200)?;
            if text_html.is_empty() {
                text_html = snippet(lf.summary, lang, &doc, 200)?;
            }
            if text_html.is_empty() {
                text_html = escape(&truncate(&text_of(lf.summary).unwrap_or_default(), 200));
            }
            let attachments = if matched_words {
                self.attachment_hits(&doc, &mut attachment_highlighters)?
            } else {
                Vec::new()
            };
            hits.push(Hit {
                tool_id,
                score,
                lang,
                title_html,
                text_html,
                attachments,
            });
        }
        Ok(hits)
    }

    /// The attachments of a hit whose text the query matches: each stored text is highlighted
    /// as its language's field, and kept when some word is.
    fn attachment_hits(
        &self,
        doc: &TantivyDocument,
        highlighters: &mut Highlighters,
    ) -> Result<Vec<AttachmentHit>> {
        let f = &self.fields;
        let ids = doc.get_all(f.attachment_ids).filter_map(|v| v.as_u64());
        let langs = doc.get_all(f.attachment_langs).filter_map(|v| v.as_str());
        let texts = doc.get_all(f.attachment_texts).filter_map(|v| v.as_str());
        let mut out = Vec::new();
        for ((id, lang), text) in ids.zip(langs).zip(texts) {
            let lang = Lang::from_code(lang).unwrap_or(Lang::Fr);
            let field = f.lang(lang).attachments;
            let text_html = highlighters.of(field, lang, 200)?.html(text);
            if !text_html.is_empty() {
                out.push(AttachmentHit {
                    attachment_id: id,
                    text_html,
                });
            }
        }
        Ok(out)
    }

    /// Titles that start with what was typed so far, for search as you type.
    pub fn suggest(
        &self,
        prefix: &str,
        scope: &Scope,
        lang: Option<Lang>,
        limit: usize,
    ) -> Result<Vec<Suggestion>> {
        let words: Vec<String> = tokens(&mut analysis::fallback_analyser(), prefix)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let Some((last, complete)) = words.split_last() else {
            return Ok(Vec::new());
        };
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = complete
            .iter()
            .map(|w| (Occur::Must, term_query(f.title_folded, w)))
            .collect();
        // Folded tokens are letters and digits only: nothing to escape in the pattern.
        clauses.push((
            Occur::Must,
            Box::new(RegexQuery::from_pattern(
                &format!("{last}.*"),
                f.title_folded,
            )?),
        ));
        clauses.push((
            Occur::Must,
            self.scope_query(scope, &SearchFilter::default()),
        ));
        let searcher = self.reader.searcher();
        let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(limit))?;
        let mut out = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(tool_id) = doc.get_first(f.tool_id).and_then(|v| v.as_u64()) else {
                continue;
            };
            let title_in = |l: Lang| {
                doc.get_first(f.lang(l).title)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let main = doc
                .get_first(f.main_lang)
                .and_then(|v| v.as_str())
                .and_then(Lang::from_code)
                .unwrap_or(Lang::Fr);
            let title = lang
                .and_then(title_in)
                .or_else(|| title_in(main))
                .unwrap_or_default();
            out.push(Suggestion { tool_id, title });
        }
        Ok(out)
    }
}

/// Hits beyond the page that are read to break ties at its edge.
const TIE_WINDOW: usize = 32;

/// Orders hits by score, scores that differ by less than a rounding step being a tie that the
/// more recently published tool wins.
fn newest_among_equals(
    searcher: &Searcher,
    found: Vec<(Score, DocAddress)>,
) -> Vec<(Score, DocAddress)> {
    let mut columns = HashMap::new();
    let mut keyed: Vec<((i64, i64), Score, DocAddress)> = found
        .into_iter()
        .map(|(score, address)| {
            let column = columns.entry(address.segment_ord).or_insert_with(|| {
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .i64("updated_at")
                    .ok()
            });
            let updated_at = column
                .as_ref()
                .and_then(|c| c.first(address.doc_id))
                .unwrap_or(0);
            let rounded = (f64::from(score) * 64.0).round() as i64;
            ((rounded, updated_at), score, address)
        })
        .collect();
    keyed.sort_by_key(|k| std::cmp::Reverse(k.0));
    keyed.into_iter().map(|(_, s, a)| (s, a)).collect()
}

/// Whether a query matches any live document: stops at the first.
fn any_match(searcher: &Searcher, query: &dyn Query) -> bool {
    let Ok(weight) = query.weight(EnableScoring::disabled_from_searcher(searcher)) else {
        return false;
    };
    for segment in searcher.segment_readers() {
        let Ok(mut scorer) = weight.scorer(segment, 1.0) else {
            continue;
        };
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                return true;
            }
            doc = scorer.advance();
        }
    }
    false
}

/// A search's whole query, and what it matches facet filters aside.
struct Planned {
    /// Everything a hit must pass.
    query: BooleanQuery,
    /// What it matches without the facet filters, for the count and the facets.
    matching: Matching,
}

/// Runs a collector, stopping between segments when told to.
fn collect<C: Collector>(
    searcher: &Searcher,
    statistics: &dyn Bm25StatisticsProvider,
    executor: &Executor,
    query: &dyn Query,
    collector: C,
    stop: &Stop,
) -> Result<C::Fruit> {
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_statistics_provider(statistics, searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let collector = Stoppable {
        inner: collector,
        stop,
    };
    searcher
        .search_with_executor(query, &collector, executor, scoring)
        .map_err(stopped_or)
}

/// Below this many documents (a tool is one or two) a search's segments are searched on its
/// own thread: each takes
/// less time than handing it to another (perf of a server on the demo catalogue under
/// `benchmarks/wrk-search.lua`: a tenth of its time went to the pool's threads waiting for work,
/// with most searches alone between requests' GraphQL work). At 100 000 tools a segment's work
/// is a millisecond or more, which the hand-off pays for.
const PARALLEL_MIN_DOCUMENTS: u64 = 20_000;

/// Counts the searches running on an index while one is held: handing a search's segments to
/// other threads pays only while cores are idle, and past one search running they are not
/// (perf of a server under `benchmarks/wrk-search.lua` on two cores put the pool's hand-offs
/// and spinning at about a seventh of its time, for one segment as for several).
struct Running<'a> {
    count: &'a AtomicUsize,
    before: usize,
}

impl<'a> Running<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        let before = count.fetch_add(1, Ordering::AcqRel);
        Self { count, before }
    }

    /// Whether no other search was running when this one started.
    fn alone(&self) -> bool {
        self.before == 0
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Text shown without highlights, escaped as the highlighted passages are.
fn escape(s: &str) -> String {
    let mut html = String::with_capacity(s.len());
    escape_into(&mut html, s);
    html
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::document::{LangText, Variant};
    use crate::home::IndexHome;

    /// Words of the field in each language, with compounds, hyphens and function words, drawn
    /// so that most tools hold several of them (as the bench's corpus does).
    const WORDS: [&[&str]; 4] = [
        &[
            "stress",
            "épuisement",
            "sommeil",
            "fatigue",
            "atelier",
            "indépendants",
            "gestion",
            "burn-out",
            "santé",
            "mentale",
            "groupe",
            "parole",
            "faillite",
            "conjoint",
        ],
        &[
            "stress",
            "stressbeheersing",
            "ondernemers",
            "lotgenoten",
            "groep",
            "uitputting",
            "zelf-scan",
            "zelfscan",
            "slaap",
            "werkdruk",
            "burn-out",
            "faillissement",
        ],
        &[
            "Stress",
            "Stressbewältigung",
            "Selbständige",
            "Erschöpfung",
            "Schlaf",
            "Gruppe",
            "Burnout",
            "Gesundheit",
            "Insolvenz",
            "Workshop",
        ],
        &[
            "stress",
            "burnout",
            "resilience",
            "sleep",
            "peer",
            "group",
            "wellbeing",
            "well-being",
            "mental",
            "health",
            "workshop",
            "bankruptcy",
            "entrepreneurs",
        ],
    ];
    const FILLER: [&str; 12] = [
        "le", "de", "het", "der", "the", "and", "pour", "voor", "für", "with", "une", "een",
    ];

    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
    }

    fn text(rng: &mut Rng, lang: usize, least: usize, most: usize) -> String {
        let n = least + rng.below(most - least + 1);
        (0..n)
            .map(|_| {
                if rng.below(3) == 0 {
                    FILLER[rng.below(FILLER.len())]
                } else {
                    WORDS[lang][rng.below(WORDS[lang].len())]
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn tool(rng: &mut Rng, id: u64) -> Vec<ToolDocument> {
        let langs: Vec<usize> = if rng.below(4) == 0 {
            vec![rng.below(4), rng.below(4)]
        } else {
            vec![rng.below(4)]
        };
        let texts = langs
            .iter()
            .map(|&l| LangText {
                lang: Lang::ALL[l],
                title: text(rng, l, 1, 5),
                summary: text(rng, l, 0, 12),
                body: text(rng, l, 5, 60),
            })
            .collect();
        let mut categories = vec![["EARLY_DETECTION", "AWARENESS_PROMOTION"][rng.below(2)].into()];
        // A category few tools hold, whose tools are kept as a list rather than a bitset.
        if rng.below(40) == 0 {
            categories.push("FINANCIAL_DIFFICULTIES".into());
        }
        let base = ToolDocument {
            tool_id: id,
            variant: Variant::LatestPublished,
            owner_id: 1 + rng.below(3) as u64,
            owner_name: "Caisse".into(),
            kind: ["WORKSHOP_FORMAT", "SELF_SCAN"][rng.below(2)].into(),
            categories,
            audiences: vec!["ALL_SELF_EMPLOYED".into()],
            texts,
            tags: vec![WORDS[0][rng.below(WORDS[0].len())].into()],
            attachments: vec![],
            latest_visibility: "PUBLIC".into(),
            published_visibility: Some("PUBLIC".into()),
            lifecycle: "ACTIVE".into(),
            updated_at: id as i64,
            adoptions: 0,
            // A third with no review date; the others last reviewed in the order of their ids.
            reviewed_at: if id.is_multiple_of(3) {
                crate::document::NEVER_DUE
            } else {
                id as i64 * 10
            },
        };
        // Some tools are drafts only their owner reads.
        if rng.below(6) == 0 {
            vec![ToolDocument {
                variant: Variant::Latest,
                published_visibility: None,
                ..base
            }]
        } else {
            vec![base]
        }
    }

    /// The best hits of a search, by MaxScore or by scoring every match.
    fn best(index: &ToolIndex, req: &SearchRequest, pruned: bool) -> Vec<(Score, DocAddress)> {
        let searcher = index.reader.searcher();
        let (mut text, Planned { query, .. }) = index.plan(&searcher, req).unwrap();
        let top = TopDocs::with_limit(req.limit);
        match text.as_mut().and_then(|t| index.ranked(t, req)) {
            Some(ranked) if pruned => searcher.search(&ranked, &top).unwrap(),
            _ => searcher.search(&query, &top).unwrap(),
        }
    }

    /// 2 800 generated tools over several segments, with deleted documents and drafts.
    fn corpus() -> (tempfile::TempDir, ToolIndex) {
        let dir = tempfile::tempdir().unwrap();
        let index = IndexHome::new(dir.path()).open().unwrap().index;
        let mut rng = Rng(7);
        // Several commits make several segments; tools written twice leave deleted documents.
        for batch in 0..4u64 {
            for id in 0..700u64 {
                let id = batch * 600 + id;
                index.replace(id, &tool(&mut rng, id)).unwrap();
            }
            index.commit(batch as i64 + 1).unwrap();
        }
        assert!(index.segments() > 1);
        (dir, index)
    }

    /// Anyone, and the people of one of the generated organisations (who read its drafts).
    fn anyone_and_an_owner(organisation: u64) -> [Scope; 2] {
        let anyone = Scope {
            published_visibilities: vec!["PUBLIC".into()],
            ..Default::default()
        };
        let owner = Scope {
            organisation_id: Some(organisation),
            ..anyone.clone()
        };
        [anyone, owner]
    }

    #[test]
    fn the_pruned_top_k_is_the_top_k_of_scoring_every_match() {
        let (_dir, index) = corpus();
        let thesaurus = Arc::new(Thesaurus::new(Thesaurus::shipped()));
        let queries = [
            "stress",
            "gérer le stress",
            "burnout",
            "burn out",
            "zelfscan",
            "stress beheersing",
            "Stress Bewältigung",
            "sommeil fatigue",
            "épuisement indépendants atelier",
            "epuisemnt",
            "ondernemrs groep",
            "peer group bankruptcy",
            "the stress",
            "stress -sommeil",
            "mental health wellbeing resilience",
            "santé mentale",
            "xyzzy stress",
        ];
        let filters = [
            SearchFilter::default(),
            SearchFilter {
                kinds: vec!["SELF_SCAN".into()],
                ..Default::default()
            },
            SearchFilter {
                languages: vec![Lang::Nl],
                ..Default::default()
            },
            // Tools past their review date left out.
            SearchFilter {
                reviewed_since: Some(12_000),
                ..Default::default()
            },
        ];
        let scopes = anyone_and_an_owner(2);
        let mut compared = 0;
        for q in queries {
            for filter in &filters {
                for scope in &scopes {
                    for limit in [1, 42] {
                        let req = SearchRequest {
                            query: q.into(),
                            filter: filter.clone(),
                            limit,
                            scope: scope.clone(),
                            lang: Some(Lang::Fr),
                            thesaurus: Some(thesaurus.clone()),
                            ..Default::default()
                        };
                        let all = best(&index, &req, false);
                        let pruned = best(&index, &req, true);
                        assert_eq!(all.len(), pruned.len(), "{q} {filter:?} {scope:?} {limit}");
                        // Summed in another order, a score may differ by a rounding step or two.
                        let tolerance = |s: Score| s.abs() * 1e-6 + 1e-4;
                        for (a, p) in all.iter().zip(&pruned) {
                            let close = (a.0 - p.0).abs() <= tolerance(a.0);
                            assert!(close, "{q}: {} against {}", a.0, p.0);
                        }
                        // Beyond ties, the same tools: a tool clearly above the last score in
                        // one page is in the other.
                        let last = all.last().map_or(0.0, |h| h.0);
                        let above = |hits: &[(Score, DocAddress)]| -> Vec<DocAddress> {
                            hits.iter()
                                .filter(|h| h.0 > last + 2.0 * tolerance(last))
                                .map(|h| h.1)
                                .collect()
                        };
                        let docs = |hits: &[(Score, DocAddress)]| -> Vec<DocAddress> {
                            hits.iter().map(|h| h.1).collect()
                        };
                        for (page, other) in [(&all, &pruned), (&pruned, &all)] {
                            for doc in above(page) {
                                assert!(
                                    docs(other).contains(&doc),
                                    "{q} {filter:?} {limit}\n{all:?}\n{pruned:?}"
                                );
                            }
                        }
                        compared += usize::from(!all.is_empty());
                    }
                }
            }
        }
        assert!(compared > 200, "{compared} searches found something");
    }

    /// Each facet counted the plain way: tantivy's facet collector, tool by tool, on a search
    /// with every filter but the facet's own.
    fn facets_tool_by_tool(index: &ToolIndex, req: &SearchRequest) -> (usize, Facets) {
        let searcher = index.reader.searcher();
        let (text, Planned { query, matching }) = index.plan(&searcher, req).unwrap();
        let total = searcher.search(&query, &Count).unwrap();
        // What the search matches in its scope, facet filters aside.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Must,
                text.map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |t| t.query),
            ),
            (Occur::Must, index.scope_query(&req.scope, &req.filter)),
        ];
        clauses.extend(matching.excluded.into_iter().map(|q| (Occur::MustNot, q)));
        let matching = BooleanQuery::new(clauses);
        let mut counts = Vec::new();
        for (i, d) in DIMENSIONS.iter().enumerate() {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Must, Box::new(matching.clone()))];
            for (_, filter) in index.facet_filters(req).into_iter().filter(|f| f.0 != i) {
                clauses.push((Occur::Must, Box::new(filter)));
            }
            let query = BooleanQuery::new(clauses);
            let mut collector = tantivy::collector::FacetCollector::for_field("facets");
            collector.add_facet(format!("/{d}").as_str());
            let found = searcher.search(&query, &collector).unwrap();
            let mut values: Vec<(String, u64)> = found
                .get(format!("/{d}").as_str())
                .map(|(facet, n)| (facet.to_path()[1].to_owned(), n))
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            counts.push(values);
        }
        let [kinds, categories, languages, audiences, owners] = counts.try_into().unwrap();
        let facets = Facets {
            kinds,
            categories,
            languages,
            audiences,
            owners,
        };
        (total, facets)
    }

    #[test]
    fn a_search_may_leave_out_tools_past_their_review_date() {
        let (_dir, index) = corpus();
        let [anyone, _] = anyone_and_an_owner(2);
        let browse = |reviewed_since: Option<i64>| {
            let req = SearchRequest {
                filter: SearchFilter {
                    reviewed_since,
                    ..Default::default()
                },
                limit: 3000,
                scope: anyone.clone(),
                ..Default::default()
            };
            index.search(&req).unwrap()
        };
        let all = browse(None);
        let current = browse(Some(12_000));
        // Kept: no review date, or reviewed at or after the bound (the corpus's rule).
        let kept = |id: u64| id.is_multiple_of(3) || id * 10 >= 12_000;
        assert!(current.hits.iter().all(|h| kept(h.tool_id)));
        let expected = all.hits.iter().filter(|h| kept(h.tool_id)).count();
        assert_eq!(current.total, expected);
        assert!(
            0 < current.total && current.total < all.total,
            "{} of {}",
            current.total,
            all.total
        );
    }

    #[test]
    fn current_first_ranks_tools_past_their_review_date_after_the_rest_page_by_page() {
        let (_dir, index) = corpus();
        let [anyone, _] = anyone_and_an_owner(2);
        let thesaurus = Arc::new(Thesaurus::new(Thesaurus::shipped()));
        let current = |id: u64| id.is_multiple_of(3) || id * 10 >= 12_000;
        for q in ["stress", "sommeil fatigue", ""] {
            let search = |sort: Sort, filter: SearchFilter, offset: usize, limit: usize| {
                let req = SearchRequest {
                    query: q.into(),
                    filter,
                    sort,
                    offset,
                    limit,
                    scope: anyone.clone(),
                    facets: true,
                    thesaurus: Some(thesaurus.clone()),
                    ..Default::default()
                };
                index.search(&req).unwrap()
            };
            let whole = search(Sort::Relevance, SearchFilter::default(), 0, 3000);
            let ranked = search(Sort::CurrentFirst(12_000), SearchFilter::default(), 0, 3000);
            // The whole search's count and facets; every current tool before any overdue one.
            assert_eq!(ranked.total, whole.total, "{q}");
            assert_eq!(ranked.facets, whole.facets, "{q}");
            let ids: Vec<u64> = ranked.hits.iter().map(|h| h.tool_id).collect();
            let border = ids.iter().position(|id| !current(*id)).unwrap_or(ids.len());
            assert!(0 < border && border < ids.len(), "{q}: both kinds present");
            assert!(ids[border..].iter().all(|id| !current(*id)), "{q}: {ids:?}");
            // Each part holds what the whole search finds of its kind (each ordered by the same
            // relevance, near-equal scores by freshness).
            let of_kind = |part: &[Hit], keep: &dyn Fn(u64) -> bool| {
                let mut got: Vec<u64> = part.iter().map(|h| h.tool_id).collect();
                let mut want: Vec<u64> = whole
                    .hits
                    .iter()
                    .map(|h| h.tool_id)
                    .filter(|id| keep(*id))
                    .collect();
                got.sort_unstable();
                want.sort_unstable();
                assert_eq!(got, want, "{q}");
            };
            of_kind(&ranked.hits[..border], &current);
            of_kind(&ranked.hits[border..], &|id| !current(id));
            // Page by page, across the border, the same list: nothing twice, nothing lost.
            let mut paged = Vec::new();
            for offset in (0..ids.len()).step_by(150) {
                let page = search(
                    Sort::CurrentFirst(12_000),
                    SearchFilter::default(),
                    offset,
                    150,
                );
                assert_eq!(page.total, whole.total);
                paged.extend(page.hits.iter().map(|h| h.tool_id));
            }
            assert_eq!(paged, ids, "{q}");
            // With the overdue ones left out as well, only the current ones.
            let only = SearchFilter {
                reviewed_since: Some(12_000),
                ..Default::default()
            };
            let kept = search(Sort::CurrentFirst(12_000), only, 0, 3000);
            assert_eq!(kept.total, border, "{q}");
        }
    }

    #[test]
    fn facet_counts_by_bitsets_are_those_of_counting_tool_by_tool() {
        let (_dir, index) = corpus();
        let thesaurus = Arc::new(Thesaurus::new(Thesaurus::shipped()));
        let filters = [
            SearchFilter::default(),
            SearchFilter {
                kinds: vec!["SELF_SCAN".into()],
                ..Default::default()
            },
            SearchFilter {
                kinds: vec!["WORKSHOP_FORMAT".into()],
                languages: vec![Lang::Nl, Lang::De],
                categories: vec!["FINANCIAL_DIFFICULTIES".into()],
                ..Default::default()
            },
            SearchFilter {
                owners: vec![2],
                audiences: vec!["ALL_SELF_EMPLOYED".into()],
                ..Default::default()
            },
            SearchFilter {
                kinds: vec!["SELF_SCAN".into()],
                reviewed_since: Some(12_000),
                ..Default::default()
            },
        ];
        let scopes = anyone_and_an_owner(3);
        let mut rare = 0;
        for q in [
            "",
            "-stress",
            "stress",
            "sommeil fatigue",
            "epuisemnt",
            "xyzzy",
        ] {
            for filter in &filters {
                for scope in &scopes {
                    for sort in [Sort::Relevance, Sort::MostAdopted] {
                        let req = SearchRequest {
                            query: q.into(),
                            filter: filter.clone(),
                            sort,
                            limit: 10,
                            scope: scope.clone(),
                            facets: true,
                            thesaurus: Some(thesaurus.clone()),
                            ..Default::default()
                        };
                        let found = index.search(&req).unwrap();
                        let (total, facets) = facets_tool_by_tool(&index, &req);
                        assert_eq!(found.total, total, "{q} {filter:?} {scope:?}");
                        assert_eq!(found.facets, facets, "{q} {filter:?} {scope:?}");
                        assert_eq!(found.hits.len(), total.min(10));
                        rare += facets
                            .categories
                            .iter()
                            .filter(|(v, n)| v == "FINANCIAL_DIFFICULTIES" && *n > 0)
                            .count();
                    }
                }
            }
        }
        // The rare category, kept as lists, was counted.
        assert!(rare > 20, "{rare}");
    }
}
