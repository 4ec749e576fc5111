//! From what a person types to a tantivy query: words (all required, each matched in any
//! language; a longer word the index does not hold as typed is matched with a typo or two),
//! `"quoted phrases"` and `-excluded` words or phrases.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::Lang;
use crate::analysis::{self, tokens};
use crate::schema::Fields;

const TITLE_BOOST: f32 = 3.0;
const SUMMARY_BOOST: f32 = 2.0;
const BODY_BOOST: f32 = 1.0;
/// Words found only in an attached file count, but less than the tool's own description.
const ATTACHMENT_BOOST: f32 = 0.5;
const TAGS_BOOST: f32 = 2.0;
const OWNER_BOOST: f32 = 1.0;
/// A typo-tolerant match counts for less than an exact one, so exact matches rank first.
const FUZZY_TITLE_BOOST: f32 = 0.6;
const FUZZY_TEXT_BOOST: f32 = 0.2;

/// What a person typed, taken apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub words: Vec<String>,
    pub phrases: Vec<String>,
    pub excluded: Vec<String>,
}

pub fn parse(input: &str) -> ParsedQuery {
    let mut parsed = ParsedQuery::default();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let excluded = c == '-';
        if excluded {
            chars.next();
        }
        let text: String = if chars.peek() == Some(&'"') {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|c| *c != '"').collect();
            if !excluded {
                if !phrase.trim().is_empty() {
                    parsed.phrases.push(phrase.trim().to_owned());
                }
                continue;
            }
            phrase
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            word
        };
        let text = text.trim().to_owned();
        if text.is_empty() {
            continue;
        }
        if excluded {
            parsed.excluded.push(text)
        } else {
            parsed.words.push(text)
        }
    }
    parsed
}

/// Says whether the index holds a term.
pub type KnownTerm<'a> = Box<dyn Fn(&Term) -> bool + 'a>;

pub struct QueryBuilder<'a> {
    fields: &'a Fields,
    analysers: Vec<(Lang, TextAnalyzer)>,
    fallback: TextAnalyzer,
    known: KnownTerm<'a>,
    /// Languages in which some attachment holds text.
    attachment_langs: Vec<Lang>,
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

/// A query for the analysed tokens of a text in one field: a term, or a phrase.
fn tokens_query(field: Field, toks: &[(usize, String)]) -> Option<Box<dyn Query>> {
    match toks {
        [] => None,
        [(_, t)] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, t),
            IndexRecordOption::WithFreqs,
        ))),
        many => {
            let first = many[0].0;
            let terms = many
                .iter()
                .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                .collect();
            Some(Box::new(PhraseQuery::new_with_offset(terms)))
        }
    }
}

impl<'a> QueryBuilder<'a> {
    pub fn new(
        fields: &'a Fields,
        analysers: Vec<(Lang, TextAnalyzer)>,
        known: KnownTerm<'a>,
    ) -> Self {
        Self {
            fields,
            analysers,
            fallback: analysis::fallback_analyser(),
            known,
            attachment_langs: Lang::ALL.to_vec(),
        }
    }

    /// Only these languages' attachment fields hold any text; the others are not asked.
    pub fn with_attachments(mut self, langs: Vec<Lang>) -> Self {
        self.attachment_langs = langs;
        self
    }

    /// Alternatives for one word or phrase across every language and text field; `None` when
    /// nothing of it is left to search (a stop word in every language).
    fn matches(&mut self, text: &str, typos: bool) -> Option<Box<dyn Query>> {
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (lang, analyser) in &mut self.analysers {
            let toks = tokens(analyser, text);
            let lf = self.fields.lang(*lang);
            for (field, boost) in [
                (lf.title, TITLE_BOOST),
                (lf.summary, SUMMARY_BOOST),
                (lf.body, BODY_BOOST),
            ] {
                if let Some(q) = tokens_query(field, &toks) {
                    should.push((Occur::Should, boosted(q, boost)));
                }
            }
            // Attachment text is asked only for words some attachment holds: most tools have
            // none, and a clause that cannot match still costs every search its weight.
            let in_attachments = !toks.is_empty()
                && self.attachment_langs.contains(lang)
                && toks
                    .iter()
                    .all(|(_, t)| (self.known)(&Term::from_field_text(lf.attachments, t)));
            if in_attachments && let Some(q) = tokens_query(lf.attachments, &toks) {
                should.push((Occur::Should, boosted(q, ATTACHMENT_BOOST)));
            }
        }
        let folded = tokens(&mut self.fallback, text);
        for (field, boost) in [
            (self.fields.tags, TAGS_BOOST),
            (self.fields.owner_name, OWNER_BOOST),
        ] {
            if let Some(q) = tokens_query(field, &folded) {
                should.push((Occur::Should, boosted(q, boost)));
            }
        }
        if typos && let [(_, word)] = folded.as_slice() {
            let letters = word.chars().count();
            let distance = match letters {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            let as_typed = Term::from_field_text(self.fields.text_folded, word);
            let title_as_typed = Term::from_field_text(self.fields.title_folded, word);
            if distance > 0 && !(self.known)(&as_typed) && !(self.known)(&title_as_typed) {
                for (field, boost) in [
                    (self.fields.title_folded, FUZZY_TITLE_BOOST),
                    (self.fields.text_folded, FUZZY_TEXT_BOOST),
                ] {
                    let q = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
                    should.push((Occur::Should, boosted(Box::new(q), boost)));
                }
            }
        }
        if should.is_empty() {
            return None;
        }
        Some(Box::new(BooleanQuery::new(should)))
    }

    /// The text part of a search; `None` when it asks for nothing (browse everything).
    pub fn text_query(&mut self, parsed: &ParsedQuery) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in &parsed.words {
            if let Some(q) = self.matches(word, true) {
                clauses.push((Occur::Must, q));
            }
        }
        for phrase in &parsed.phrases {
            if let Some(q) = self.matches(phrase, false) {
                clauses.push((Occur::Must, q));
            }
        }
        if clauses.is_empty() {
            return None;
        }
        for excluded in &parsed.excluded {
            if let Some(q) = self.matches(excluded, false) {
                clauses.push((Occur::MustNot, q));
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Words to exclude when nothing else is asked: used to narrow a browse.
    pub fn exclusions(&mut self, parsed: &ParsedQuery) -> Vec<Box<dyn Query>> {
        parsed
            .excluded
            .iter()
            .filter_map(|e| self.matches(e, false))
            .collect()
    }

    /// Folded tokens of a prefix typed so far, for suggestions.
    pub fn folded(&mut self, text: &str) -> Vec<String> {
        tokens(&mut self.fallback, text)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_exclusions_are_taken_apart() {
        let p = parse(r#"burn-out "prévention du stress" -alcool -"vente en ligne" atelier"#);
        assert_eq!(p.words, ["burn-out", "atelier"]);
        assert_eq!(p.phrases, ["prévention du stress"]);
        assert_eq!(p.excluded, ["alcool", "vente en ligne"]);
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        assert_eq!(parse(r#""samen sterker"#).phrases, ["samen sterker"]);
    }

    #[test]
    fn blank_input_is_empty() {
        let asks_nothing = |p: ParsedQuery| p.words.is_empty() && p.phrases.is_empty();
        assert!(asks_nothing(parse("   ")));
        assert!(asks_nothing(parse("-alcool")));
        assert!(asks_nothing(parse(r#""""#)));
    }
}
