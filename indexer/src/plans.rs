//! A word's own alternatives, planned once for each state of the index.
//!
//! Planning a word reads the term dictionaries many times: its stems in four languages, every
//! way of cutting it into two words the index holds, the compounds that start or end with it, its
//! roots, parts and translations in the lexicon fields. What that finds depends only on the word
//! and on what the index holds, so it is kept until the next commit changes what the index
//! holds; a search then clones what it needs. What depends on the caller (typos, which only a
//! word nothing the caller may read holds gets) and on the word's neighbours (words written
//! apart, concepts of several words, proximity) is planned each time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::ranking::Clause;

/// At most this many words are kept; past it the cache starts over. A word's plan is a few
/// dozen clauses (some kilobytes), so the cache stays within a few megabytes whatever is typed.
const MAX_WORDS: usize = 2_048;

/// What a word asks of the index by itself.
pub(crate) struct WordPlan {
    /// As typed, stemmed, hyphenated, split and inside compounds.
    pub base: Vec<Clause>,
    /// Through the dictionaries: roots, parts and translations.
    pub lexical: Vec<Clause>,
}

#[derive(Default)]
pub struct PlanCache {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// The index state (searcher generation) the plans were made for.
    state: u64,
    plans: HashMap<String, Arc<WordPlan>>,
}

impl PlanCache {
    pub(crate) fn get(&self, state: u64, key: &str) -> Option<Arc<WordPlan>> {
        let entries = self.entries.lock().ok()?;
        if entries.state != state {
            return None;
        }
        entries.plans.get(key).cloned()
    }

    pub(crate) fn put(&self, state: u64, key: String, plan: Arc<WordPlan>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.state != state || entries.plans.len() >= MAX_WORDS {
                entries.plans.clear();
                entries.state = state;
            }
            entries.plans.insert(key, plan);
        }
    }
}
