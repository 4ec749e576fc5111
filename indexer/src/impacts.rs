//! What a term can score in a segment, for MaxScore's bounds.
//!
//! BM25 grows with a term's frequency in a document and falls with the document's length, so
//! the most a term can score in a segment is reached on one of a few (length, frequency)
//! pairs: those no other pair beats on both. They are read once from the term's postings and
//! kept, a segment never changing once written; the bound of a search is then BM25 of each
//! pair under the search's weights. Without them the bound is BM25's limit for a frequency
//! without end — about twice what a title's word scores — and a list whose tools cannot reach
//! the page goes on proposing them. (Lucene keeps the same pairs, its "impacts", in the index.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::Postings;
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Score, SegmentReader, TERMINATED, Term};

/// At most this many terms' pairs are kept per segment; past it the segment's start over.
const MAX_TERMS: usize = 1 << 16;

/// (fieldnorm id, term frequency) pairs, none beaten by another on both.
type Impacts = Arc<Vec<(u8, u32)>>;

#[derive(Default)]
pub(crate) struct ImpactCache {
    /// By segment, then by term: a lookup borrows the term.
    segments: Mutex<HashMap<SegmentId, HashMap<Term, Impacts>>>,
}

impl ImpactCache {
    /// The most `term` scores in the segment under `weight` (boost included), or `None` when
    /// its postings cannot be read.
    pub(crate) fn max_score(
        &self,
        reader: &SegmentReader,
        term: &Term,
        weight: &Bm25Weight,
    ) -> Option<Score> {
        let impacts = self.impacts(reader, term)?;
        Some(
            impacts
                .iter()
                .map(|(fieldnorm_id, tf)| weight.score(*fieldnorm_id, *tf))
                .fold(0.0, Score::max),
        )
    }

    fn impacts(&self, reader: &SegmentReader, term: &Term) -> Option<Impacts> {
        let segment = reader.segment_id();
        let found = self
            .segments
            .lock()
            .ok()?
            .get(&segment)
            .and_then(|terms| terms.get(term).cloned());
        if found.is_some() {
            return found;
        }
        let impacts = Arc::new(read(reader, term)?);
        if let Ok(mut segments) = self.segments.lock() {
            let terms = segments.entry(segment).or_default();
            if terms.len() >= MAX_TERMS {
                terms.clear();
            }
            terms.insert(term.clone(), impacts.clone());
        }
        Some(impacts)
    }

    /// Forgets the segments that are gone (merged away or from an older index).
    pub(crate) fn keep_only(&self, live: &[SegmentId]) {
        if let Ok(mut segments) = self.segments.lock() {
            segments.retain(|segment, _| live.contains(segment));
        }
    }
}

/// Walks the term's postings once, as tantivy's term scorer reads them.
fn read(reader: &SegmentReader, term: &Term) -> Option<Vec<(u8, u32)>> {
    let field = term.field();
    let fieldnorms = reader
        .fieldnorms_readers()
        .get_field(field)
        .ok()?
        .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
    let inverted = reader.inverted_index(field).ok()?;
    // The most frequent the term is in documents of each length.
    let mut most = [0u32; 256];
    if let Some(mut postings) = inverted
        .read_postings(term, IndexRecordOption::WithFreqs)
        .ok()?
    {
        let mut doc = postings.doc();
        while doc != TERMINATED {
            let id = usize::from(fieldnorms.fieldnorm_id(doc));
            most[id] = most[id].max(postings.term_freq());
            doc = postings.advance();
        }
    }
    // Shortest first: a longer document counts only where the term is more frequent in it.
    let mut pairs = Vec::new();
    let mut best = 0;
    for (id, tf) in most.iter().enumerate() {
        if *tf > best {
            best = *tf;
            pairs.push((id as u8, *tf));
        }
    }
    Some(pairs)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, doc};

    use super::*;

    #[test]
    fn the_bound_is_the_best_score_the_term_has_in_the_segment() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 20_000_000).unwrap();
        let texts = [
            "stress",
            "stress stress and more words about the day",
            "a long text about work where stress comes back: stress, stress and stress again",
            "nothing here",
        ];
        for text in texts {
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let reader = searcher.segment_reader(0);
        let term = Term::from_field_text(body, "stress");
        let weight = Bm25Weight::for_terms(&searcher, std::slice::from_ref(&term))
            .unwrap()
            .boost_by(2.0);
        let fieldnorms = reader.get_fieldnorms_reader(body).unwrap();
        let mut postings = reader
            .inverted_index(body)
            .unwrap()
            .read_postings(&term, IndexRecordOption::WithFreqs)
            .unwrap()
            .unwrap();
        let mut best: Score = 0.0;
        while postings.doc() != TERMINATED {
            let score = weight.score(
                fieldnorms.fieldnorm_id(postings.doc()),
                postings.term_freq(),
            );
            best = best.max(score);
            postings.advance();
        }
        let cache = ImpactCache::default();
        let bound = cache.max_score(reader, &term, &weight).unwrap();
        assert_eq!(bound, best);
        assert!(
            bound < weight.max_score() * 0.8,
            "{bound} {}",
            weight.max_score()
        );
        // A term the segment does not hold scores nothing.
        let absent = Term::from_field_text(body, "sommeil");
        assert_eq!(cache.max_score(reader, &absent, &weight), Some(0.0));
    }
}
