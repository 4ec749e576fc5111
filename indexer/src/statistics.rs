//! BM25's statistics of an index state, kept: how many documents hold a term and how many tokens
//! a field holds. tantivy asks them for every term of a query each time its weight is made,
//! reading each segment's term dictionary and (for a field a segment does not hold) building an
//! empty one; a search asks the same few hundred terms again and again until the next commit.

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// At most this many terms are kept per index state; past it the cache starts over.
pub(crate) const MAX_TERMS: usize = 65_536;

#[derive(Default)]
pub(crate) struct StatisticsCache {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    state: u64,
    doc_freq: HashMap<Term, u64>,
    tokens: HashMap<Field, u64>,
}

impl StatisticsCache {
    /// The statistics of `searcher`'s index state, as tantivy's scoring asks them.
    pub(crate) fn of<'a>(&'a self, searcher: &'a Searcher) -> Statistics<'a> {
        Statistics {
            cache: self,
            searcher,
            state: searcher.generation().generation_id(),
        }
    }

    fn get<T>(&self, state: u64, read: impl FnOnce(&Kept) -> Option<T>) -> Option<T> {
        let kept = self.kept.lock().ok()?;
        (kept.state == state).then(|| read(&kept)).flatten()
    }

    fn put(&self, state: u64, write: impl FnOnce(&mut Kept)) {
        if let Ok(mut kept) = self.kept.lock() {
            // An older state's search keeps nothing (states only grow).
            if state < kept.state {
                return;
            }
            if kept.state != state || kept.doc_freq.len() >= MAX_TERMS {
                *kept = Kept {
                    state,
                    ..Kept::default()
                };
            }
            write(&mut kept);
        }
    }
}

pub(crate) struct Statistics<'a> {
    cache: &'a StatisticsCache,
    searcher: &'a Searcher,
    state: u64,
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(n) = self
            .cache
            .get(self.state, |k| k.tokens.get(&field).copied())
        {
            return Ok(n);
        }
        let n = self.searcher.total_num_tokens(field)?;
        self.cache.put(self.state, |k| {
            k.tokens.insert(field, n);
        });
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(n) = self
            .cache
            .get(self.state, |k| k.doc_freq.get(term).copied())
        {
            return Ok(n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.cache.put(self.state, |k| {
            k.doc_freq.insert(term.clone(), n);
        });
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    #[test]
    fn the_statistics_are_the_searchers_and_follow_each_commit() {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let reader = index.reader().unwrap();
        let cache = StatisticsCache::default();
        let stress = Term::from_field_text(field, "stress");
        let mut add = |text: &str| {
            let mut doc = TantivyDocument::default();
            doc.add_text(field, text);
            writer.add_document(doc).unwrap();
            writer.commit().unwrap();
            reader.reload().unwrap();
            reader.searcher()
        };
        let first = add("stress at work");
        let stats = cache.of(&first);
        assert_eq!(stats.doc_freq(&stress).unwrap(), 1);
        assert_eq!(stats.total_num_tokens(field).unwrap(), 3);
        // Kept for the state: asked again, it is read from the cache.
        {
            let kept = cache.kept.lock().unwrap();
            assert_eq!(kept.state, first.generation().generation_id());
            assert_eq!(kept.doc_freq.get(&stress), Some(&1));
            assert_eq!(kept.tokens.get(&field), Some(&3));
        }
        assert_eq!(stats.doc_freq(&stress).unwrap(), 1);
        let second = add("stress and sleep");
        let stats = cache.of(&second);
        assert_eq!(
            stats.doc_freq(&stress).unwrap(),
            2,
            "a new state, counted again"
        );
        assert_eq!(stats.total_num_tokens(field).unwrap(), 6);
        assert_eq!(stats.total_num_docs().unwrap(), 2);
        // The older searcher still gets its own state's figures, and keeps nothing over the
        // newer state's.
        assert_eq!(cache.of(&first).doc_freq(&stress).unwrap(), 1);
        let kept = cache.kept.lock().unwrap();
        assert_eq!(kept.state, second.generation().generation_id());
        assert_eq!(kept.doc_freq.get(&stress), Some(&2));
    }
}
