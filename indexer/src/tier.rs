//! A query that lifts every document it matches by its word's worth: one lift per word of the
//! search. Summed over the words, the lifts rank documents by what the words they hold are worth
//! before anything else — all words above any fewer, and a rare, specific word above common
//! ones (its worth is its idf, as BM25 weighs it) — while the wrapped query's own score orders
//! the documents within a tier. Meilisearch's "words" rule, weighted as partial matches should
//! be.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// The most a word a document holds adds; a tier's own scores stay far below it.
pub const TIER: Score = 10_000.0;
/// The least share of [`TIER`] a word adds, however common: every word counts a little.
pub const MIN_LIFT: Score = 0.2;

/// What a word is worth: [`MIN_LIFT`] of a tier for a word every document holds, a whole tier
/// for a word one document holds, by the word's idf between (`held_by` of `documents`).
pub fn lift(held_by: u64, documents: u64) -> Score {
    let n = documents.max(1) as f64;
    let df = (held_by as f64).min(n);
    let idf = |df: f64| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    let worth = (idf(df) / idf(1.0)).clamp(0.0, 1.0) as Score;
    TIER * (MIN_LIFT + (1.0 - MIN_LIFT) * worth)
}

/// What a word of this `lift` is worth, between 0 (every document holds it) and 1 (one does):
/// [`lift`] read backwards.
pub fn worth(lift: Score) -> Score {
    ((lift / TIER - MIN_LIFT) / (1.0 - MIN_LIFT)).clamp(0.0, 1.0)
}

pub struct TierQuery {
    query: Box<dyn Query>,
    lift: Score,
    /// When only some alternatives earn the whole lift (see `ranking::Clause::share`): the
    /// alternatives of each share, largest first, and the share a document matching none of
    /// them gets.
    levels: Vec<(Box<dyn Query>, Score)>,
    rest: Score,
}

impl TierQuery {
    pub fn new(query: Box<dyn Query>, lift: Score) -> Self {
        Self {
            query,
            lift,
            levels: Vec::new(),
            rest: 1.0,
        }
    }

    /// Documents no level matches get `share` of the lift.
    pub fn with_rest(mut self, share: Score) -> Self {
        self.rest = share;
        self
    }

    /// Documents `level` matches (and no level added before) get `share` of the lift.
    pub fn with_level(mut self, level: Option<Box<dyn Query>>, share: Score) -> Self {
        self.levels.extend(level.map(|q| (q, share)));
        self
    }
}

impl Clone for TierQuery {
    fn clone(&self) -> Self {
        Self {
            query: self.query.box_clone(),
            lift: self.lift,
            levels: self
                .levels
                .iter()
                .map(|(q, share)| (q.box_clone(), *share))
                .collect(),
            rest: self.rest,
        }
    }
}

impl fmt::Debug for TierQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Tier({:?} lifted {})", self.query, self.lift)
    }
}

impl Query for TierQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() {
            // Whether a document matches the full-lift alternatives needs no scores.
            let unscored = match enable_scoring.searcher() {
                Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
                None => EnableScoring::disabled_from_schema(enable_scoring.schema()),
            };
            let levels = self
                .levels
                .iter()
                .map(|(q, share)| Ok((q.weight(unscored)?, *share)))
                .collect::<tantivy::Result<Vec<_>>>()?;
            Box::new(TierWeight {
                inner,
                lift: self.lift,
                levels,
                rest: self.rest,
            })
        } else {
            inner
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct TierWeight {
    inner: Box<dyn Weight>,
    lift: Score,
    levels: Vec<(Box<dyn Weight>, Score)>,
    rest: Score,
}

impl Weight for TierWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let levels = self
            .levels
            .iter()
            .map(|(w, share)| Ok((w.scorer(reader, 1.0)?, *share)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(TierScorer {
            inner: self.inner.scorer(reader, boost)?,
            lift: self.lift * boost,
            levels,
            rest: self.rest,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("Tier", scorer.score());
        explanation.add_detail(self.inner.explain(reader, doc)?);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct TierScorer {
    inner: Box<dyn Scorer>,
    lift: Score,
    levels: Vec<(Box<dyn Scorer>, Score)>,
    rest: Score,
}

impl DocSet for TierScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn fill_buffer(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        self.inner.fill_buffer(buffer)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for TierScorer {
    fn score(&mut self) -> Score {
        let doc = self.inner.doc();
        let mut share = self.rest;
        for (level, level_share) in &mut self.levels {
            if level.doc() < doc {
                level.seek(doc);
            }
            if level.doc() == doc {
                share = *level_share;
                break;
            }
        }
        self.lift * share + self.inner.score()
    }
}
