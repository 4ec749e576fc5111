//! A query that lifts every document it matches by a fixed amount: one per word of the search.
//! Summed over the words, the lifts rank documents by how many words they hold before anything
//! else (all words, then all but one, …), while the wrapped query's own score orders the
//! documents within a tier. This is the "words" rule of Meilisearch, or Elasticsearch's
//! `minimum_should_match` ranked instead of cut off.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// Every word a document holds adds this much; a tier's own scores stay far below it.
pub const TIER: Score = 10_000.0;

/// How many words a score says a document holds.
pub fn words_held(score: Score) -> usize {
    (score / TIER).floor().max(0.0) as usize
}

pub struct TierQuery {
    query: Box<dyn Query>,
}

impl TierQuery {
    pub fn new(query: Box<dyn Query>) -> Self {
        Self { query }
    }
}

impl Clone for TierQuery {
    fn clone(&self) -> Self {
        Self {
            query: self.query.box_clone(),
        }
    }
}

impl fmt::Debug for TierQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Tier({:?})", self.query)
    }
}

impl Query for TierQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() {
            Box::new(TierWeight { inner })
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
}

impl Weight for TierWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(TierScorer {
            inner: self.inner.scorer(reader, boost)?,
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
        TIER + self.inner.score()
    }
}
