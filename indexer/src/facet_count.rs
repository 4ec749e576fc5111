//! Facet counts by bitsets. A search marks the tools that match its words in its scope, one
//! bit each, leaving the facet filters out ([`crate::matches`]); what each facet value holds is kept
//! per segment, as a bitset or, for a value few tools hold, a list. A count is then the number
//! of bits two sets share: a few thousand word operations per value whatever the number of
//! matches, where counting tool by tool reads every match's values, once per filtered facet.
//! Each facet is counted under the other facets' filters, so a person sees how many tools
//! choosing another value would give.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED};

use crate::filter::{Bits, CachedFilter};
use crate::search::Facets;

/// The facet dimensions, as the first step of each facet path.
pub(crate) const DIMENSIONS: [&str; 5] = ["kind", "category", "language", "audience", "owner"];

/// The tools of one facet value in a segment.
enum Members {
    /// One bit per document of the segment.
    Dense(Vec<u64>),
    /// The documents in order, for a value held by fewer than one document in 32.
    Sparse(Vec<DocId>),
}

impl Members {
    fn of(docs: Vec<DocId>, max_doc: DocId) -> Self {
        // A list takes 32 bits a document, a bitset one bit a document of the segment.
        if docs.len() * 32 < max_doc as usize {
            return Members::Sparse(docs);
        }
        let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
        for doc in docs {
            if let Some(w) = words.get_mut((doc / 64) as usize) {
                *w |= 1 << (doc % 64);
            }
        }
        Members::Dense(words)
    }

    /// How many of these tools `set` holds.
    fn count_in(&self, set: &[u64]) -> u64 {
        match self {
            Members::Dense(words) => words
                .iter()
                .zip(set)
                .map(|(a, b)| u64::from((a & b).count_ones()))
                .sum(),
            Members::Sparse(docs) => docs.iter().filter(|d| holds(set, **d)).count() as u64,
        }
    }
}

fn holds(set: &[u64], doc: DocId) -> bool {
    set.get((doc / 64) as usize)
        .is_some_and(|w| w & (1 << (doc % 64)) != 0)
}

/// Each dimension's values in one segment, with the tools holding them.
struct SegmentFacets {
    values: [Vec<(String, Members)>; DIMENSIONS.len()],
}

impl SegmentFacets {
    /// Reads the facet field's dictionary: `kind\0GUIDE` is the value `GUIDE` of `kind`.
    fn read(reader: &SegmentReader, field: Field) -> tantivy::Result<Self> {
        let inverted = reader.inverted_index(field)?;
        let mut values: [Vec<(String, Members)>; DIMENSIONS.len()] = Default::default();
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let Ok(path) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            let mut steps = path.split('\0');
            let (Some(dimension), Some(value), None) = (steps.next(), steps.next(), steps.next())
            else {
                continue;
            };
            let Some(d) = DIMENSIONS.iter().position(|x| *x == dimension) else {
                continue;
            };
            let mut postings =
                inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut docs = Vec::with_capacity(postings.size_hint() as usize);
            let mut doc = postings.doc();
            while doc != TERMINATED {
                docs.push(doc);
                doc = postings.advance();
            }
            values[d].push((value.to_owned(), Members::of(docs, reader.max_doc())));
        }
        Ok(Self { values })
    }
}

/// The facet values of the segments searched so far. A segment never changes once written.
#[derive(Default)]
pub(crate) struct FacetTables {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

impl FacetTables {
    fn of(&self, reader: &SegmentReader, field: Field) -> tantivy::Result<Arc<SegmentFacets>> {
        let segment = reader.segment_id();
        if let Some(table) = self
            .segments
            .lock()
            .ok()
            .and_then(|s| s.get(&segment).cloned())
        {
            return Ok(table);
        }
        let table = Arc::new(SegmentFacets::read(reader, field)?);
        if let Ok(mut segments) = self.segments.lock() {
            segments.insert(segment, table.clone());
        }
        Ok(table)
    }

    /// Forgets the segments that are gone (merged away or from an older index).
    pub(crate) fn keep_only(&self, live: &[SegmentId]) {
        if let Ok(mut segments) = self.segments.lock() {
            segments.retain(|segment, _| live.contains(segment));
        }
    }
}

/// Counts per value, by dimension.
type Counts = [HashMap<String, u64>; DIMENSIONS.len()];

/// The number of tools a search finds and, when `tables` are given, its facet counts, each
/// dimension under the other dimensions' filters. `matched` holds, per segment in the
/// searcher's order, the documents the search matches facet filters aside
/// ([`crate::matches`]).
pub(crate) fn count(
    searcher: &Searcher,
    matched: Vec<Vec<u64>>,
    filters: &[(usize, CachedFilter)],
    tables: Option<(&FacetTables, Field)>,
) -> tantivy::Result<(usize, Facets)> {
    let mut total = 0;
    let mut counts = Counts::default();
    for (reader, matched) in searcher.segment_readers().iter().zip(matched) {
        let mut bits = Vec::with_capacity(filters.len());
        for (d, filter) in filters {
            bits.push((*d, filter.bits(reader)?));
        }
        let segment = SegmentMatches {
            matched,
            filters: bits,
        };
        let all = segment.passing(None);
        total += all.iter().map(|w| w.count_ones() as usize).sum::<usize>();
        let Some((tables, field)) = tables else {
            continue;
        };
        let table = tables.of(reader, field)?;
        for (d, values) in table.values.iter().enumerate() {
            let own;
            let set = if segment.filters.iter().any(|(f, _)| *f == d) {
                own = segment.passing(Some(d));
                &own
            } else {
                &all
            };
            for (value, members) in values {
                let n = members.count_in(set);
                if n > 0 {
                    *counts[d].entry(value.clone()).or_default() += n;
                }
            }
        }
    }
    Ok((total, facets(counts)))
}

fn facets(counts: Counts) -> Facets {
    let [kinds, categories, languages, audiences, owners] = counts.map(|values| {
        let mut values: Vec<(String, u64)> = values.into_iter().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        values
    });
    Facets {
        kinds,
        categories,
        languages,
        audiences,
        owners,
    }
}

/// The documents of one segment a search matches, and its facet filters there.
struct SegmentMatches {
    /// The documents of the segment that match, filters aside.
    matched: Vec<u64>,
    filters: Vec<(usize, Arc<Bits>)>,
}

impl SegmentMatches {
    /// The matches that pass every filter but the one of dimension `except`.
    fn passing(&self, except: Option<usize>) -> Vec<u64> {
        let mut set = self.matched.clone();
        for (_, bits) in self.filters.iter().filter(|(d, _)| Some(*d) != except) {
            for (w, b) in set.iter_mut().zip(bits.words()) {
                *w &= b;
            }
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_counted_alike_as_a_list_and_as_a_bitset() {
        let max_doc = 1000;
        let docs: Vec<DocId> = vec![0, 5, 63, 64, 65, 500, 999];
        let mut set = vec![0u64; 16];
        for d in [5, 64, 500, 998] {
            set[d / 64] |= 1 << (d % 64);
        }
        let sparse = Members::of(docs.clone(), max_doc);
        assert!(matches!(sparse, Members::Sparse(_)));
        assert_eq!(sparse.count_in(&set), 3);
        let dense = Members::of(docs, 100);
        assert!(matches!(dense, Members::Dense(_)));
        // Past the bitset's documents nothing is counted.
        let mut small = vec![0u64; 2];
        small[0] = set[0];
        small[1] = set[1];
        assert_eq!(dense.count_in(&small), 2);
    }
}
