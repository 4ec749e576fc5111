//! Filters that nearly every search asks — who may read a tool, the facet filters, the query's
//! language — kept per segment as a bitset of the documents they match. A search then tests a
//! bit for each candidate instead of seeking through a posting list as long as the index.
//!
//! A segment never changes once written (deletes are kept apart and applied by the collector),
//! so what a filter matches in a segment holds for as long as the segment lives.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::query::{ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError};

/// At most this many bitsets are kept (a segment of 100 000 documents takes 12 KiB); past it the
/// cache starts over, which costs the next searches a posting list walk each.
const MAX_ENTRIES: usize = 1024;

/// A segment, and what a filter says.
type Key = (SegmentId, Arc<str>);

/// The bitsets of the filters asked so far, by segment and by what the filter says.
#[derive(Default)]
pub struct FilterCache {
    entries: Mutex<HashMap<Key, Arc<Bits>>>,
}

impl FilterCache {
    fn get(&self, segment: SegmentId, key: &Arc<str>) -> Option<Arc<Bits>> {
        let entries = self.entries.lock().ok()?;
        entries.get(&(segment, key.clone())).cloned()
    }

    fn put(&self, segment: SegmentId, key: Arc<str>, bits: Arc<Bits>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert((segment, key), bits);
        }
    }

    /// Forgets the bitsets of segments that are gone (merged away or from an older index).
    pub fn keep_only(&self, live: &[SegmentId]) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(segment, _), _| live.contains(segment));
        }
    }
}

/// The documents of one segment a filter matches.
pub(crate) struct Bits {
    words: Vec<u64>,
    count: u32,
}

impl Bits {
    /// One bit per document of the segment, 64 to a word.
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    fn of(scorer: &mut dyn Scorer, max_doc: DocId) -> Self {
        let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
        let mut count = 0;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if let Some(word) = words.get_mut((doc / 64) as usize) {
                *word |= 1 << (doc % 64);
                count += 1;
            }
            doc = scorer.advance();
        }
        Self { words, count }
    }

    /// The first document at or after `target`.
    fn next_from(&self, target: DocId) -> DocId {
        let mut w = (target / 64) as usize;
        let Some(first) = self.words.get(w) else {
            return TERMINATED;
        };
        let mut word = first & (!0u64 << (target % 64));
        loop {
            if word != 0 {
                return (w as DocId) * 64 + word.trailing_zeros();
            }
            w += 1;
            match self.words.get(w) {
                Some(next) => word = *next,
                None => return TERMINATED,
            }
        }
    }
}

struct BitsDocSet {
    bits: Arc<Bits>,
    doc: DocId,
}

impl BitsDocSet {
    fn new(bits: Arc<Bits>) -> Self {
        let doc = bits.next_from(0);
        Self { bits, doc }
    }
}

impl DocSet for BitsDocSet {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.bits.next_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target > self.doc {
            self.doc = self.bits.next_from(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.bits.count
    }
}

/// A query whose matches in each segment are kept in a [`FilterCache`] under `key`, which must
/// name what the query matches. It scores `score` on every document it matches.
pub struct CachedFilter {
    key: Arc<str>,
    query: Box<dyn Query>,
    score: Score,
    cache: Arc<FilterCache>,
}

impl CachedFilter {
    pub fn new(cache: Arc<FilterCache>, key: String, query: Box<dyn Query>, score: Score) -> Self {
        Self {
            key: key.into(),
            query,
            score,
            cache,
        }
    }
}

impl CachedFilter {
    /// What the filter matches in a segment, from the cache when it was asked before.
    pub(crate) fn bits(&self, reader: &SegmentReader) -> tantivy::Result<Arc<Bits>> {
        if let Some(bits) = self.cache.get(reader.segment_id(), &self.key) {
            return Ok(bits);
        }
        let weight = FilterWeight {
            filter: self.clone(),
            inner: self
                .query
                .weight(EnableScoring::disabled_from_schema(reader.schema()))?,
        };
        weight.bits(reader)
    }
}

impl Clone for CachedFilter {
    fn clone(&self) -> Self {
        Self {
            key: self.key.clone(),
            query: self.query.box_clone(),
            score: self.score,
            cache: self.cache.clone(),
        }
    }
}

impl fmt::Debug for CachedFilter {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "CachedFilter({})", self.key)
    }
}

impl Query for CachedFilter {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // What a filter matches does not depend on scores: its inner query is never scored.
        let unscored = match enable_scoring.searcher() {
            Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
            None => EnableScoring::disabled_from_schema(enable_scoring.schema()),
        };
        Ok(Box::new(FilterWeight {
            filter: self.clone(),
            inner: self.query.weight(unscored)?,
        }))
    }
}

struct FilterWeight {
    filter: CachedFilter,
    inner: Box<dyn Weight>,
}

impl FilterWeight {
    fn bits(&self, reader: &SegmentReader) -> tantivy::Result<Arc<Bits>> {
        let f = &self.filter;
        let segment = reader.segment_id();
        if let Some(bits) = f.cache.get(segment, &f.key) {
            return Ok(bits);
        }
        let mut scorer = self.inner.scorer(reader, 1.0)?;
        let bits = Arc::new(Bits::of(scorer.as_mut(), reader.max_doc()));
        f.cache.put(segment, f.key.clone(), bits.clone());
        Ok(bits)
    }
}

impl Weight for FilterWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(
            BitsDocSet::new(self.bits(reader)?),
            self.filter.score * boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new_with_string(
            format!("filter {}", self.filter.key),
            scorer.score(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(docs: &[DocId], max_doc: DocId) -> Arc<Bits> {
        let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
        for d in docs {
            words[(d / 64) as usize] |= 1 << (d % 64);
        }
        Arc::new(Bits {
            words,
            count: docs.len() as u32,
        })
    }

    #[test]
    fn a_bitset_is_walked_and_sought_in_order() {
        let docs = [0, 1, 63, 64, 130, 199];
        let mut set = BitsDocSet::new(bits(&docs, 200));
        let mut seen = vec![set.doc()];
        while set.advance() != TERMINATED {
            seen.push(set.doc());
        }
        assert_eq!(seen, docs);
        let mut set = BitsDocSet::new(bits(&docs, 200));
        assert_eq!(set.seek(2), 63);
        assert_eq!(set.seek(63), 63);
        assert_eq!(set.seek(65), 130);
        assert_eq!(set.seek(200), TERMINATED);
        assert_eq!(set.advance(), TERMINATED);
        assert_eq!(BitsDocSet::new(bits(&[], 100)).doc(), TERMINATED);
    }
}
