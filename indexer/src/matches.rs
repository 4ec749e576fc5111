//! The tools a search matches, one bit each per segment, for its count and its facets.
//!
//! The count was taken by running the search's query once more with scoring off, through
//! tantivy's unions: for a word, a dozen posting lists or more (title, summary and body in four
//! languages, compounds, concepts) merged document by document, behind the scope and the
//! exclusions. The page never needs that merge: a count is the number of tools any of the lists
//! holds. So each list marks its documents in a bitset straight from its postings, a block at a
//! time, and the scope, the exclusions and the deletes are applied to the whole set a word of
//! 64 documents at a time. The facet filters are left out: the facets are counted each under
//! the other facets' filters ([`crate::facet_count`]).

use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, Executor, Searcher, SegmentReader};

use crate::Result;
use crate::filter::CachedFilter;
use crate::search::{Stop, stopped_or};

/// What a search matches, facet filters aside.
pub(crate) struct Matching {
    /// A tool matches when any of these does: each alternative of each word, or the text query
    /// as a whole when it also requires a phrase. `None`: every tool (a browse).
    pub any_of: Option<Vec<Box<dyn Query>>>,
    /// Who may read the tool.
    pub scope: CachedFilter,
    /// What a tool must not hold.
    pub excluded: Vec<Box<dyn Query>>,
}

impl Matching {
    /// In each segment, in the searcher's order, the documents that match: one bit each, 64 to
    /// a word.
    pub(crate) fn sets(
        &self,
        searcher: &Searcher,
        executor: &Executor,
        stop: &Stop,
    ) -> Result<Vec<Vec<u64>>> {
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        let any_of = match &self.any_of {
            Some(queries) => Some(
                queries
                    .iter()
                    .map(|q| q.weight(unscored))
                    .collect::<tantivy::Result<Vec<_>>>()?,
            ),
            None => None,
        };
        let excluded = self
            .excluded
            .iter()
            .map(|q| q.weight(unscored))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let weights = Weights { any_of, excluded };
        executor
            .map(
                |reader: &SegmentReader| self.segment(&weights, reader, stop),
                searcher.segment_readers().iter(),
            )
            .map_err(stopped_or)
    }

    fn segment(
        &self,
        weights: &Weights,
        reader: &SegmentReader,
        stop: &Stop,
    ) -> tantivy::Result<Vec<u64>> {
        let scope = self.scope.bits(reader)?;
        let mut set = match &weights.any_of {
            None => scope.words().to_vec(),
            Some(any_of) => {
                let mut set = vec![0u64; scope.words().len()];
                for weight in any_of {
                    stop.checked()?;
                    weight.for_each_no_score(reader, &mut |docs| {
                        for doc in docs {
                            mark(&mut set, *doc);
                        }
                    })?;
                }
                for (w, s) in set.iter_mut().zip(scope.words()) {
                    *w &= s;
                }
                set
            }
        };
        for weight in &weights.excluded {
            stop.checked()?;
            weight.for_each_no_score(reader, &mut |docs| {
                for doc in docs {
                    unmark(&mut set, *doc);
                }
            })?;
        }
        // A deleted document stays in the postings until its segment is merged away.
        if let Some(alive) = reader.alive_bitset() {
            for (i, word) in set.iter_mut().enumerate() {
                let mut rest = *word;
                while rest != 0 {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    if !alive.is_alive(i as DocId * 64 + bit) {
                        *word &= !(1 << bit);
                    }
                }
            }
        }
        Ok(set)
    }
}

struct Weights {
    any_of: Option<Vec<Box<dyn Weight>>>,
    excluded: Vec<Box<dyn Weight>>,
}

fn mark(set: &mut [u64], doc: DocId) {
    if let Some(w) = set.get_mut((doc / 64) as usize) {
        *w |= 1 << (doc % 64);
    }
}

fn unmark(set: &mut [u64], doc: DocId) {
    if let Some(w) = set.get_mut((doc / 64) as usize) {
        *w &= !(1 << (doc % 64));
    }
}
