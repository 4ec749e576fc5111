//! The table of the field's key concepts in four languages, which widens a search across
//! languages (burn-out / épuisement professionnel / uitputting / Erschöpfung). A word of the
//! query, or a run of up to [`MAX_TERM_WORDS`] words, names a concept when it reads like one of
//! the concept's terms once analysed: stemmed in that term's language, or accents, case and
//! hyphens aside (`burnout` is `burn-out`).

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use crate::Lang;
use crate::analysis::{fallback_analyser, language_analyser, tokens};

/// A term of a concept is a few words at most.
pub const MAX_TERM_WORDS: usize = 4;

const SHIPPED: &str = include_str!("concepts.txt");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concept {
    pub name: String,
    pub terms: Vec<(Lang, String)>,
}

/// The concepts, with the keys a query is looked up by.
#[derive(Debug, Default)]
pub struct Thesaurus {
    concepts: Vec<Concept>,
    /// (language whose analyser made the key, or `None` for the folded key) → concepts.
    keys: HashMap<(Option<Lang>, String), Vec<usize>>,
    /// Tells this table from every other one made by the process: what a search worked out
    /// under one table is not kept for another.
    version: u64,
}

/// The version of the next table made.
static VERSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The words of a text once analysed, run together: the form a term and a query are compared in.
pub(crate) fn key(analyser: &mut TextAnalyzer, text: &str) -> String {
    tokens(analyser, text)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .concat()
}

impl Thesaurus {
    pub fn new(concepts: Vec<Concept>) -> Self {
        let mut keys: HashMap<(Option<Lang>, String), Vec<usize>> = HashMap::new();
        let mut folded = fallback_analyser();
        let mut analysers: Vec<(Lang, TextAnalyzer)> = Lang::ALL
            .into_iter()
            .map(|l| (l, language_analyser(l)))
            .collect();
        for (i, concept) in concepts.iter().enumerate() {
            for (lang, term) in &concept.terms {
                let mut add = |k: (Option<Lang>, String)| {
                    if !k.1.is_empty() {
                        let slot = keys.entry(k).or_default();
                        if !slot.contains(&i) {
                            slot.push(i);
                        }
                    }
                };
                add((None, key(&mut folded, term)));
                if let Some((_, analyser)) = analysers.iter_mut().find(|(l, _)| l == lang) {
                    add((Some(*lang), key(analyser, term)));
                }
            }
        }
        Self {
            concepts,
            keys,
            version: VERSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Different for every table made by the process.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The table a new installation starts with (`concepts.txt` beside this file).
    pub fn shipped() -> Vec<Concept> {
        // The shipped file is checked by a test; a line that does not read is left out.
        parse(SHIPPED).unwrap_or_default()
    }

    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    pub(crate) fn concept(&self, i: usize) -> Option<&Concept> {
        self.concepts.get(i)
    }

    /// The concepts a key names.
    pub(crate) fn lookup(&self, lang: Option<Lang>, key: &str) -> &[usize] {
        self.keys
            .get(&(lang, key.to_owned()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// Reads the line format of `concepts.txt`: `name | fr, … | nl, … | de, … | en, …`.
pub fn parse(text: &str) -> Result<Vec<Concept>, String> {
    let mut concepts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let columns: Vec<&str> = line.split('|').map(str::trim).collect();
        if columns.len() != 5 {
            return Err(format!(
                "line {}: a name and four languages, separated by |",
                n + 1
            ));
        }
        let mut terms = Vec::new();
        for (lang, column) in Lang::ALL.into_iter().zip(&columns[1..]) {
            for term in column.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                terms.push((lang, term.to_owned()));
            }
        }
        concepts.push(Concept {
            name: columns[0].to_owned(),
            terms,
        });
    }
    Ok(concepts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_shipped_table_reads_whole() {
        let concepts = parse(SHIPPED).unwrap();
        assert!(concepts.len() >= 25, "{} concepts", concepts.len());
        // Checked as a moderator's edit is (`setSearchSynonyms`).
        let as_edited = concepts
            .iter()
            .map(|c| commons_domain::synonyms::Concept {
                name: c.name.clone(),
                terms: c.terms.clone(),
            })
            .collect();
        if let Err(errors) = commons_domain::synonyms::validate(as_edited) {
            panic!("{errors:?}");
        }
        for c in &concepts {
            for lang in Lang::ALL {
                assert!(
                    c.terms.iter().any(|(l, _)| *l == lang),
                    "{} has no {lang:?} term",
                    c.name
                );
            }
        }
    }

    /// A word that reads like a term of two concepts, once stemmed or folded, widens a search
    /// into both: each key of the shipped table names one concept.
    #[test]
    fn no_word_of_the_shipped_table_names_two_concepts() {
        let t = Thesaurus::new(Thesaurus::shipped());
        for ((lang, key), concepts) in &t.keys {
            assert_eq!(
                concepts.len(),
                1,
                "{key} ({lang:?}) names {:?}",
                concepts
                    .iter()
                    .filter_map(|i| t.concept(*i))
                    .map(|c| &c.name)
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_term_is_found_by_its_stem_and_by_its_folded_form() {
        let t = Thesaurus::new(Thesaurus::shipped());
        let mut fr = language_analyser(Lang::Fr);
        let mut folded = fallback_analyser();
        let burnout = t.lookup(None, &key(&mut folded, "burnout"));
        assert_eq!(burnout, t.lookup(None, &key(&mut folded, "Burn-out")));
        assert!(!burnout.is_empty());
        let peers = t.lookup(Some(Lang::Fr), &key(&mut fr, "groupes de parole"));
        assert_eq!(t.concept(peers[0]).unwrap().name, "peer group");
    }
}
