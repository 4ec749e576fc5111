//! The passage of a hit's text that shows what a search matched, its words in `<b>`.
//!
//! The passages are those of tantivy's `SnippetGenerator` — the same searched terms weighted by
//! rarity, the same fragments, the same best fragment, the same HTML — at a fraction of its
//! cost. The generator runs every word of every hit's text through the field's stemmer, which
//! was a fifth of a full search's time at 100 000 tools. Here a word is stemmed only when a
//! searched term begins with its first letter: a Snowball stemmer rewrites a word's ending,
//! never its first letter, so no other word can stem to a searched term. The other words are
//! still read (lower-cased, folded, stop words dropped) because they decide where fragments end.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher, TantivyDocument, Term};

use crate::Lang;
use crate::analysis;

/// Highlights the terms a query searches in one field, hit after hit.
pub(crate) struct Highlighter {
    /// The field's searched terms that some tool holds, each weighted 1 / (1 + the number of
    /// tools holding it), as the generator weighs them.
    terms: HashMap<String, Score>,
    /// The first letters of those terms: a word starting otherwise is not stemmed.
    initials: Vec<char>,
    /// The field's analyser but its stemmer: the same words at the same offsets.
    words: TextAnalyzer,
    /// The field's stemmer, one word at a time.
    stemmer: TextAnalyzer,
    /// The longest passage, in bytes of the text.
    max_len: usize,
}

/// The highlighters of a search's hits, one per field, made as the hits first need them.
pub(crate) struct Highlighters<'a> {
    searcher: &'a Searcher,
    query: &'a dyn Query,
    by_field: HashMap<Field, Highlighter>,
}

impl<'a> Highlighters<'a> {
    pub fn new(searcher: &'a Searcher, query: &'a dyn Query) -> Self {
        Highlighters {
            searcher,
            query,
            by_field: HashMap::new(),
        }
    }

    /// The highlighter of a field in a language; its passages are at most `max_len` long.
    pub fn of(
        &mut self,
        field: Field,
        lang: Lang,
        max_len: usize,
    ) -> tantivy::Result<&mut Highlighter> {
        Ok(match self.by_field.entry(field) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(Highlighter::new(
                self.searcher,
                self.query,
                field,
                lang,
                max_len,
            )?),
        })
    }
}

/// A stretch of the text and the words matched in it.
struct Fragment {
    score: Score,
    start: usize,
    stop: usize,
    matched: Vec<Range<usize>>,
}

impl Fragment {
    fn at(start: usize) -> Self {
        Fragment {
            score: 0.0,
            start,
            stop: start,
            matched: Vec::new(),
        }
    }
}

impl Highlighter {
    pub fn new(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
        lang: Lang,
        max_len: usize,
    ) -> tantivy::Result<Self> {
        let mut searched: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                searched.insert(term);
            }
        });
        let mut terms = HashMap::new();
        for term in searched {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let doc_freq = searcher.doc_freq(term)?;
            if doc_freq > 0 {
                terms.insert(text.to_owned(), 1.0 / (1.0 + doc_freq as Score));
            }
        }
        let mut initials: Vec<char> = terms.keys().filter_map(|t| t.chars().next()).collect();
        initials.sort_unstable();
        initials.dedup();
        Ok(Highlighter {
            terms,
            initials,
            words: analysis::unstemmed_analyser(lang),
            stemmer: analysis::stemmer(lang),
            max_len,
        })
    }

    /// The field's text in a stored document (its values joined by a space), highlighted.
    pub fn doc_html(&mut self, doc: &TantivyDocument, field: Field) -> String {
        let values: Vec<&str> = doc.get_all(field).filter_map(|v| v.as_str()).collect();
        match values.as_slice() {
            [one] => self.html(one.trim()),
            all => self.html(all.join(" ").trim()),
        }
    }

    /// The best passage of `text`, HTML-escaped with its matched words in `<b>`; empty when no
    /// word matched.
    pub fn html(&mut self, text: &str) -> String {
        match self.best_fragment(text) {
            Some(best) => to_html(&text[best.start..best.stop], best.start, &best.matched),
            None => String::new(),
        }
    }

    /// Fragments are cut as the words come, a new one when the next word would take the
    /// current one past the longest passage; the best scores most, the first among equals.
    fn best_fragment(&mut self, text: &str) -> Option<Fragment> {
        if self.terms.is_empty() {
            return None;
        }
        let Highlighter {
            terms,
            initials,
            words,
            stemmer,
            max_len,
        } = self;
        let mut best: Option<Fragment> = None;
        let mut keep = |fragment: Fragment| {
            if fragment.score > 0.0 && best.as_ref().is_none_or(|b| fragment.score > b.score) {
                best = Some(fragment);
            }
        };
        let mut fragment = Fragment::at(0);
        let mut stream = words.token_stream(text);
        while let Some(word) = stream.next() {
            if word.offset_to - fragment.start > *max_len {
                keep(std::mem::replace(
                    &mut fragment,
                    Fragment::at(word.offset_from),
                ));
            }
            fragment.stop = word.offset_to;
            let may_match = word
                .text
                .chars()
                .next()
                .is_some_and(|c| initials.contains(&c));
            if !may_match {
                continue;
            }
            let mut stemmed = stemmer.token_stream(&word.text);
            if let Some(score) = stemmed.next().and_then(|stem| terms.get(&stem.text)) {
                fragment.score += score;
                fragment.matched.push(word.offset_from..word.offset_to);
            }
        }
        keep(fragment);
        best
    }
}

/// The passage escaped as tantivy escapes it, matched words in `<b>`: `offset` is where the
/// passage starts in the text the ranges point into. Words never overlap nor touch.
fn to_html(passage: &str, offset: usize, matched: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(passage.len() + 7 * matched.len() + 16);
    let mut from = 0;
    for range in matched {
        let (start, end) = (range.start - offset, range.end - offset);
        escape_into(&mut html, &passage[from..start]);
        html.push_str("<b>");
        escape_into(&mut html, &passage[start..end]);
        html.push_str("</b>");
        from = end;
    }
    escape_into(&mut html, &passage[from..]);
    html
}

/// HTML-escapes `text` onto `html`, as tantivy's snippets do.
pub(crate) fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => html.push_str("&quot;"),
            '&' => html.push_str("&amp;"),
            '\'' => html.push_str("&#x27;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            c => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::snippet::SnippetGenerator;
    use tantivy::{Index, doc};

    use super::*;

    /// The relevance set's texts in all four languages (with its Rust around them): every
    /// word of the field's vocabulary, and many more, for the properties below.
    const VOCABULARY: &str = include_str!("../../tests/src/relevance/topics.rs");

    fn words(text: &str) -> Vec<String> {
        let mut analyser = analysis::lower_analyser();
        analysis::tokens(&mut analyser, text)
            .into_iter()
            .map(|(_, w)| w)
            .collect()
    }

    #[test]
    fn stemming_keeps_a_words_first_letter() {
        let mut vocabulary = words(VOCABULARY);
        // The Snowball lists' irregular words, and words their preludes mark.
        vocabulary.extend(
            "dying lying tying skies skis ugly early only idly gently singly news howe atlas \
             yelling yoga quoi yeux aïeux ärger übung öffnen straße ijs yoghurt ruïne reeën"
                .split(' ')
                .map(str::to_owned),
        );
        for lang in Lang::ALL {
            let (mut unstemmed, mut stemmer) =
                (analysis::unstemmed_analyser(lang), analysis::stemmer(lang));
            for word in &vocabulary {
                for (_, folded) in analysis::tokens(&mut unstemmed, word) {
                    for (_, stem) in analysis::tokens(&mut stemmer, &folded) {
                        assert_eq!(
                            stem.chars().next(),
                            folded.chars().next(),
                            "{lang:?}: {word} → {stem}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_analyser_is_its_unstemmed_words_then_the_stemmer() {
        for lang in Lang::ALL {
            let mut full = analysis::language_analyser(lang);
            let mut unstemmed = analysis::unstemmed_analyser(lang);
            let mut stemmer = analysis::stemmer(lang);
            let mut stream = full.token_stream(VOCABULARY);
            let mut parts = unstemmed.token_stream(VOCABULARY);
            while let Some(whole) = stream.next() {
                let (whole_text, from, to) =
                    (whole.text.clone(), whole.offset_from, whole.offset_to);
                let word = parts.next().expect("as many words");
                assert_eq!((word.offset_from, word.offset_to), (from, to));
                let stem = analysis::tokens(&mut stemmer, &word.text);
                assert_eq!(stem, vec![(0, whole_text)], "{lang:?}");
            }
            assert!(parts.next().is_none(), "{lang:?}: as many words");
        }
    }

    /// A one-field index in a language, holding the texts.
    fn index_of(lang: Lang, texts: &[&str]) -> (Index, Field) {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analysis::analyser_name(lang))
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let field = schema.add_text_field(
            "text",
            TextOptions::default()
                .set_indexing_options(indexing)
                .set_stored(),
        );
        let index = Index::create_in_ram(schema.build());
        analysis::register(index.tokenizers());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in texts {
            writer.add_document(doc!(field => *text)).unwrap();
        }
        writer.commit().unwrap();
        (index, field)
    }

    /// Any of the stems of `searched` in the field.
    fn query_of(lang: Lang, field: Field, searched: &str) -> BooleanQuery {
        let clauses = analysis::tokens(&mut analysis::language_analyser(lang), searched)
            .into_iter()
            .map(|(_, stem)| {
                let term = Term::from_field_text(field, &stem);
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Should, q)
            })
            .collect();
        BooleanQuery::new(clauses)
    }

    #[test]
    fn passages_are_the_snippet_generators() {
        let cases: [(Lang, &str, &[&str]); 8] = [
            (
                Lang::Fr,
                "stress sommeil épuisé",
                &["épuisement", "indépendants stressés"],
            ),
            (
                Lang::Fr,
                "l'atelier de parole",
                &["groupe de parole", "ateliers"],
            ),
            (
                Lang::Nl,
                "slaap stress ondernemers",
                &["slapen", "zelfstandige"],
            ),
            (Lang::Nl, "uitputting burn-out", &["herstel"]),
            (
                Lang::De,
                "Schlaf Stressbewältigung",
                &["Erschöpfung", "Selbständige"],
            ),
            (Lang::De, "Gesprächsgruppe für Selbständige", &["Müdigkeit"]),
            (
                Lang::En,
                "sleeping stressed workers",
                &["burn-out", "peer groups"],
            ),
            (
                Lang::En,
                "the helping spouse's <income> & \"rights\"",
                &["bankruptcy"],
            ),
        ];
        let mut vocabulary_texts: Vec<&str> = VOCABULARY
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|t| t.len() > 20)
            .collect();
        // A long text, so that passages are cut out of it.
        vocabulary_texts.push(VOCABULARY);
        let mut highlighted = 0;
        for (lang, searched, extra) in cases {
            let mut texts = vocabulary_texts.clone();
            texts.extend(extra);
            texts.push(searched);
            let (index, field) = index_of(lang, &texts);
            let searcher = index.reader().unwrap().searcher();
            let query = query_of(lang, field, searched);
            for max_len in [40, 200] {
                let mut generator = SnippetGenerator::create(&searcher, &query, field).unwrap();
                generator.set_max_num_chars(max_len);
                let mut ours = Highlighter::new(&searcher, &query, field, lang, max_len).unwrap();
                for text in &texts {
                    let expected = generator.snippet(text).to_html();
                    assert_eq!(
                        ours.html(text),
                        expected,
                        "{lang:?} {searched:?} in {text:?}"
                    );
                    highlighted += usize::from(expected.contains("<b>"));
                }
            }
        }
        // The comparison is worth something only if many passages highlight words.
        assert!(highlighted > 100, "{highlighted} passages highlighted");
    }

    #[test]
    fn nothing_searched_in_the_field_highlights_nothing() {
        let (index, field) = index_of(Lang::Fr, &["gestion du stress"]);
        let searcher = index.reader().unwrap().searcher();
        let query = query_of(Lang::Fr, field, "sommeil");
        let mut ours = Highlighter::new(&searcher, &query, field, Lang::Fr, 200).unwrap();
        assert_eq!(ours.html("gestion du stress"), "");
        let query = query_of(Lang::Fr, field, "stress");
        let mut ours = Highlighter::new(&searcher, &query, field, Lang::Fr, 200).unwrap();
        assert_eq!(ours.html("gestion du stress"), "gestion du <b>stress</b>");
    }
}
