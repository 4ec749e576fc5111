//! What a search works out from the index alone, kept for each state of the index.
//!
//! Planning a word reads the term dictionaries many times: its stems in four languages, every
//! way of cutting it into two words the index holds, the compounds that start or end with it, its
//! roots, parts and translations in the lexicon fields. What that finds depends only on the word
//! and on what the index holds, so it is kept until the next commit changes what the index
//! holds; a search then clones what it needs. What depends on the caller (typos, which only a
//! word nothing the caller may read holds gets) and on the word's neighbours (words written
//! apart, concepts of several words, proximity) is planned for the whole query, and that plan is
//! kept too, under a key naming everything it depends on.
//!
//! Whether something the caller may read holds a word is kept the same way, under a key that
//! names everything the answer depends on (the query, the caller's scope, the filters, the
//! concept table): a popular query asked again costs no walk of the postings to decide on typos
//! or on the words to report as unmatched.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::ranking::Clause;

/// At most this many words are kept; past it the cache starts over. A word's plan is a few
/// dozen clauses (some kilobytes), so the cache stays within a few megabytes whatever is typed.
pub(crate) const MAX_WORDS: usize = 2_048;

/// At most this many answers of "does a readable tool match" are kept (a key is the query, the
/// scope and the filters: a few kilobytes at most, since all three are bounded — the filters'
/// values named once each, at most `limits.search_filter_owners` organisations).
pub(crate) const MAX_MATCHES: usize = 8_192;

/// At most this many planned queries are kept, each of at most [`MAX_QUERY_CLAUSES`]
/// alternatives (each held about three times — in its word's tier, its word and the ranking —
/// at a few hundred bytes, a typo's set of up to 64 terms more): some tens of megabytes at
/// worst, whatever is typed. A query with a quoted phrase is not kept.
pub(crate) const MAX_QUERIES: usize = 128;
pub(crate) const MAX_QUERY_CLAUSES: usize = 256;

/// What a word asks of the index by itself.
pub(crate) struct WordPlan {
    /// As typed, stemmed, hyphenated, split and inside compounds.
    pub base: Vec<Clause>,
    /// Through the dictionaries: roots, parts and translations.
    pub lexical: Vec<Clause>,
}

impl WordPlan {
    /// Every alternative of the word, as typed and through the dictionaries.
    pub(crate) fn alternatives(&self) -> Vec<Clause> {
        self.base.iter().chain(&self.lexical).cloned().collect()
    }
}

/// Values worked out for one state of the index (searcher generation): a value asked for
/// another state is not there, and the first value put for a new state clears the others.
pub struct StateCache<V> {
    capacity: usize,
    entries: Mutex<Entries<V>>,
}

struct Entries<V> {
    state: u64,
    values: HashMap<String, V>,
}

impl<V: Clone> StateCache<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(Entries {
                state: 0,
                values: HashMap::new(),
            }),
        }
    }

    pub(crate) fn get(&self, state: u64, key: &str) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        if entries.state != state {
            return None;
        }
        entries.values.get(key).cloned()
    }

    pub(crate) fn put(&self, state: u64, key: String, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            // A search still running on an older state keeps nothing: the index's states only
            // grow, and what was kept for the newer one stays.
            if state < entries.state {
                return;
            }
            if entries.state != state || entries.values.len() >= self.capacity {
                entries.values.clear();
                entries.state = state;
            }
            entries.values.insert(key, value);
        }
    }
}

/// Each word's own alternatives.
pub type PlanCache = StateCache<Arc<WordPlan>>;

/// A search's whole text query, planned for a question (the query, the caller's scope, the
/// filters, the concept table, the caller's language): a popular search asked again is not
/// planned again, only cloned. `None` is a query that asks for no word.
pub type QueryCache = StateCache<Arc<Option<crate::query::TextQuery>>>;

/// How many documents a caller may read match a query.
pub type CountCache = StateCache<u64>;

/// Whether something a caller may read matches a word's query.
pub type MatchCache = StateCache<bool>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_holds_for_its_state_only_and_the_cache_stays_bounded() {
        let cache: StateCache<bool> = StateCache::new(2);
        cache.put(7, "a".into(), true);
        assert_eq!(cache.get(7, "a"), Some(true));
        assert_eq!(cache.get(8, "a"), None, "another state of the index");
        cache.put(7, "b".into(), false);
        cache.put(7, "c".into(), true);
        // Full at two: the third started over.
        assert_eq!(cache.get(7, "a"), None);
        assert_eq!(cache.get(7, "c"), Some(true));
        cache.put(8, "d".into(), true);
        assert_eq!(cache.get(7, "c"), None, "a new state clears the old");
        assert_eq!(cache.get(8, "d"), Some(true));
    }
}
