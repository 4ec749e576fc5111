//! A misspelt word's neighbours: the terms of a field within one or two edits of it.
//!
//! Finding them walks the field's term dictionaries with a Levenshtein automaton, and building
//! that automaton for a long word costs more than the rest of a search on a small catalogue
//! (tantivy's `FuzzyTermQuery` builds it again for every search and every field). The terms
//! found depend only on the word and on what the index holds, so they are found once per index
//! state and kept; a search asks for them as a set of terms.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{Query, TermSetQuery};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};
use tantivy_fst::Automaton;

use crate::plans::StateCache;

/// A word's neighbours in one field, at most this many: those most tools hold. A short common
/// stem can have hundreds within two edits; a typo is one of the few frequent ones.
pub(crate) const MAX_NEIGHBOURS: usize = 64;

/// At most this many (field, word) pairs are kept; past it the cache starts over.
pub(crate) const MAX_WORDS: usize = 4_096;

/// The neighbours found, per index state.
pub type NeighbourCache = StateCache<Arc<Vec<Term>>>;

/// The terms of `field` within `distance` edits of `word` (a swap of two letters is one edit),
/// found on `searcher`'s index state or taken from `cache`.
pub(crate) fn neighbours(
    cache: &NeighbourCache,
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> Arc<Vec<Term>> {
    let state = searcher.generation().generation_id();
    let key = format!("{}\u{0}{distance}\u{0}{word}", field.field_id());
    if let Some(found) = cache.get(state, &key) {
        return found;
    }
    let found = Arc::new(walk(searcher, field, word, distance));
    cache.put(state, key, found.clone());
    found
}

/// Which documents hold one of the terms (`None` when there are none): a constant score, as a
/// typo match earns no more for being frequent.
pub(crate) fn any_term(terms: &[Term]) -> Option<Box<dyn Query>> {
    (!terms.is_empty())
        .then(|| Box::new(TermSetQuery::new(terms.iter().cloned())) as Box<dyn Query>)
}

fn walk(searcher: &Searcher, field: Field, word: &str, distance: u8) -> Vec<Term> {
    let dfa = Neighbourhood(builder(distance).build_dfa(word));
    // Term bytes → documents holding it, over every segment.
    let mut found: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(&dfa).into_stream() else {
            continue;
        };
        while stream.advance() {
            *found.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut found: Vec<(Vec<u8>, u64)> = found.into_iter().collect();
    // The most held first; then in dictionary order, so that the same index gives the same set.
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found
        .into_iter()
        .take(MAX_NEIGHBOURS)
        .filter_map(|(bytes, _)| {
            std::str::from_utf8(&bytes)
                .ok()
                .map(|text| Term::from_field_text(field, text))
        })
        .collect()
}

/// Building the tables of an automaton builder is the costly part; one per distance, made once.
fn builder(distance: u8) -> &'static LevenshteinAutomatonBuilder {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    if distance <= 1 {
        ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
    } else {
        TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))
    }
}

/// The Levenshtein automaton as the term dictionary walks it.
struct Neighbourhood(DFA);

impl Automaton for &Neighbourhood {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    /// An index of one field holding `words`, each in a document of its own.
    fn index_of(words: &[String]) -> (Index, Field) {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("word", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for word in words {
            let mut doc = TantivyDocument::default();
            doc.add_text(field, word);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, field)
    }

    fn texts(terms: &[Term]) -> Vec<String> {
        terms
            .iter()
            .map(|t| t.value().as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn the_neighbours_are_the_terms_within_the_edits_and_kept_for_the_index_state() {
        let words: Vec<String> = ["burnout", "burnout", "burnouts", "burning", "stress"]
            .map(str::to_owned)
            .to_vec();
        let (index, field) = index_of(&words);
        let searcher = index.reader().unwrap().searcher();
        let cache = NeighbourCache::new(MAX_WORDS);
        // A swap of two letters is one edit; the most held comes first.
        let found = neighbours(&cache, &searcher, field, "burnuot", 1);
        assert_eq!(texts(&found), ["burnout"]);
        let found = neighbours(&cache, &searcher, field, "burnuot", 2);
        assert_eq!(texts(&found), ["burnout", "burnouts"]);
        // Asked again on the same state: the same list, not walked again.
        let again = neighbours(&cache, &searcher, field, "burnuot", 2);
        assert!(Arc::ptr_eq(&found, &again));
        assert!(neighbours(&cache, &searcher, field, "zzzzzzz", 2).is_empty());
        assert!(any_term(&[]).is_none());
    }

    #[test]
    fn a_word_with_many_neighbours_keeps_the_most_held_only() {
        // 26 × 26 words one or two letters from `ab`…: far more than the bound.
        let mut words = Vec::new();
        for a in 'a'..='z' {
            for b in 'a'..='z' {
                words.push(format!("mot{a}{b}"));
            }
        }
        // Held by two documents: it must be among those kept.
        words.push("motzz".to_owned());
        let (index, field) = index_of(&words);
        let searcher = index.reader().unwrap().searcher();
        let cache = NeighbourCache::new(MAX_WORDS);
        let found = neighbours(&cache, &searcher, field, "motqq", 2);
        assert_eq!(found.len(), MAX_NEIGHBOURS);
        assert_eq!(texts(&found)[0], "motzz");
    }
}
