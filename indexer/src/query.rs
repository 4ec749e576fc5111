//! From what a person types to a tantivy query.
//!
//! A query is taken apart into words, `"quoted phrases"` (required) and `-excluded` words or
//! phrases. Each word is matched in every language by its alternatives, the best of which counts:
//! as typed (title, then summary, then body, then attachments), by its stem, as a compound
//! (`burnout` ↔ `burn-out` ↔ `burn out`, `stressbeheersing` ↔ `stress beheersing`), through the
//! concept table in other languages, through what dictionaries said of each tool's words when it
//! was indexed (a word inside a compound, a root, a translation: [`crate::lexicon`]), and — only
//! when nothing the caller may read holds it — with a typo or two. Every word a tool holds lifts
//! it by the word's worth ([`TierQuery`]), so tools holding all words rank above tools missing
//! one and a rare word above common ones; function words (a stop word in any language, the
//! words questions are made of) never count toward a tier, so they never empty a result. Words
//! close together rank above words far apart. A word's own alternatives are planned once per
//! index state ([`crate::plans`]).

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::Lang;
use crate::analysis::{self, StopWords, tokens};
use crate::document::facet;
use crate::filter::{CachedFilter, FilterCache};
use crate::lexicon::{self, ANALYSERS};
use crate::plans::{PlanCache, WordPlan};
use crate::ranking::{Bound, Clause, Ranking};
use crate::schema::Fields;
use crate::thesaurus::{MAX_TERM_WORDS, Thesaurus, key};
use crate::tier::TierQuery;
use crate::typos;

/// Where a word is found: the title counts most, then the summary, the body, attachments.
const TITLE: f32 = 3.0;
const SUMMARY: f32 = 2.0;
const BODY: f32 = 1.0;
/// Words found only in an attached file count, but less than the tool's own description.
const ATTACHMENTS: f32 = 0.5;
const TAGS: f32 = 2.0;
const OWNER: f32 = 1.0;
/// The folded text holds summary, body and tags together; most of it is body.
const TEXT: f32 = 1.0;

/// How a word is found: as typed over stemmed over compound over expanded over typo.
/// A field ranks above the next one down even when matched one grade lower: a title that
/// holds the word in another language ranks above a summary that holds it as typed.
const EXACT: f32 = 1.0;
const STEMMED: f32 = 0.8;
const JOINED: f32 = 0.9;
const COMPOUND: f32 = 0.7;
const EXPANDED: f32 = 0.45;
const TYPO: f32 = 0.3;
/// A misspelt word's likeliest correction, searched as if typed, scores this share within its
/// tier; a tool holding the correction still gets the whole word's lift (the correction's
/// worth), as a tool holding a typo's neighbour does.
const CORRECTED: f32 = 0.5;
/// Shorter words are not corrected (too many words are one edit from them); from this many
/// letters two edits are allowed.
const MIN_TYPO_LETTERS: usize = 5;
const TWO_TYPOS_LETTERS: usize = 9;
/// At most this many candidate corrections are counted in what the caller may read.
const MAX_CORRECTIONS_TRIED: usize = 16;
/// At most this many words of one query are looked up in the dictionaries one edit away (each
/// costs a few thousand lookups): a query of many misspelt words costs little more than one of
/// a few.
const MAX_DICTIONARY_CORRECTIONS: usize = 3;
/// A word found through what dictionaries know of it (`crate::lexicon`): inside a compound,
/// by its root or its parts, and — below the moderators' concepts — by a translation.
const DERIVED: f32 = 0.7;
const TRANSLATED: f32 = 0.25;
/// One part of a compound the query holds, found alone (`klantconflicten` → `klant`, `werkstress`
/// → `stress`): every part alike, BM25's idf telling the specific part (`stress`) from the
/// generic one (`werk`, `-begeleiding`).
const ONE_PART: f32 = 0.35;
/// The share of a word's lift a tool holding one part of it gets: a tool about `werk` alone
/// does not answer `werkstress` as well as one about `stress op het werk`. (The tiers know a
/// whole word, a confirmed translation and half a word: this is half.)
const PART_SHARE: f32 = 0.5;
/// The share of a word's lift a tool holding it only through a translation gets; more when the
/// dictionaries give the translation both ways ([`lexicon::confirmed`]): such a translation
/// counts nearly as the word itself, still below holding it literally.
const TRANSLATION_SHARE: f32 = 0.5;
const CONFIRMED_SHARE: f32 = 0.9;
/// A tool holding a word that translates to one of the word's own confirmed translations
/// (`dormir` → `slapen` ← `sommeil`; `eenzaam` → `solitaire` ← `Einsamkeit`): a word of the same
/// meaning in any language, found through a third, where no dictionary links the two directly.
/// Below a direct translation in score and in lift.
const PIVOT: f32 = 0.5;
const PIVOT_SHARE: f32 = 0.4;
/// Words of the query close together in a title or text.
const PROXIMITY: f32 = 1.0;
const PROXIMITY_SLOP: u32 = 3;
/// What a tool in the query's own language gains within its tier.
const SAME_LANGUAGE: f32 = 0.5;
/// The best alternative counts; the others add this share.
const TIE_BREAKER: f32 = 0.1;
/// The least share of its lift a word found only in a tool's text gets, for a word every tool
/// holds; a rarer word gets more, by its worth, up to the whole lift for the rarest. Found in
/// the title (as typed, stemmed, or through the lexicon), the tags, the owner's name or the
/// summary in the tool's own language, a word keeps its whole share; found in the body, the
/// attachments, the folded text (summary and body, where hyphenated, joined and compound forms
/// are looked for) or the lexicon's tokens of the summary and body (translations, roots,
/// parts), it gets less. A tool that mentions a common word in passing is not about it:
/// measured on the sets written from outside, the relevant tools across the language border and
/// for long questions rose, and a rare word keeps its worth wherever it is.
const TEXT_ONLY_SHARE: f32 = 0.3;
/// An excluded word's stems are excluded from this many letters; a compound is split into parts
/// of at least `COMPOUND_REST` letters.
const PART_MIN_LETTERS: usize = 4;
const COMPOUND_REST: usize = 3;
/// Linking letters between the parts of Dutch and German compounds (arbeid·s·ongeval).
const LINKS: [&str; 5] = ["s", "e", "en", "n", "es"];
/// At most this many ways of splitting one word into two known words are tried.
const MAX_SPLITS: usize = 3;
/// Longer words are not cut into parts (each cut costs a lookup).
const MAX_COMPOUND_LETTERS: usize = 30;

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

/// How much a search may ask; beyond, it is refused before any index work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryLimits {
    pub max_chars: usize,
    pub max_words: usize,
    pub max_phrase_words: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            max_chars: 512,
            max_words: 32,
            max_phrase_words: 12,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryTooLong {
    #[error("a search is at most {0} characters long")]
    Chars(usize),
    #[error("a search is at most {0} words long")]
    Words(usize),
    #[error("a quoted phrase is at most {0} words long")]
    Phrase(usize),
}

/// Takes a query apart once it is known to be within the limits.
pub fn parse_bounded(input: &str, limits: QueryLimits) -> Result<ParsedQuery, QueryTooLong> {
    if input.chars().take(limits.max_chars + 1).count() > limits.max_chars {
        return Err(QueryTooLong::Chars(limits.max_chars));
    }
    if input.split_whitespace().take(limits.max_words + 1).count() > limits.max_words {
        return Err(QueryTooLong::Words(limits.max_words));
    }
    let parsed = parse(input);
    let longest = parsed
        .phrases
        .iter()
        .chain(&parsed.excluded)
        .map(|p| p.split_whitespace().count())
        .max()
        .unwrap_or(0);
    if longest > limits.max_phrase_words {
        return Err(QueryTooLong::Phrase(limits.max_phrase_words));
    }
    Ok(parsed)
}

/// How many documents hold a term (any document, for candidates and statistics only: what a
/// candidate matches is filtered by the caller's scope like everything else).
pub type DocFreq<'a> = Box<dyn Fn(&Term) -> u64 + 'a>;
/// Says whether a query matches a document the caller may read, under the search's filters;
/// told what it asks of which word of the query (`typed 2`, `corrected 2 burnout`), which with
/// the query names the question (for the caller to keep the answer).
pub type Readable<'a> = Box<dyn Fn(&str, &dyn Query) -> bool + 'a>;
/// How many documents the caller may read, under the search's filters, a query matches; told
/// what it asks, as [`Readable`] is.
pub type ReadableCount<'a> = Box<dyn Fn(&str, &dyn Query) -> u64 + 'a>;
/// The terms of a field within a number of edits of a word (see [`crate::typos`]).
pub type Neighbours<'a> = Box<dyn Fn(Field, &str, u8) -> std::sync::Arc<Vec<Term>> + 'a>;

/// One word of the query that counts: what was typed, and the query that finds it.
pub struct WordQuery {
    pub typed: String,
    pub query: Box<dyn Query>,
    /// What holding it lifts a tool by.
    pub lift: f32,
}

/// The text part of a search.
pub struct TextQuery {
    pub query: Box<dyn Query>,
    /// The words that lift a tool a tier, in the order typed.
    pub words: Vec<WordQuery>,
    /// The same scoring taken apart, for a top-k that need not score every match; `None` when
    /// a quoted phrase is required (phrases are rare and narrow: the query above is cheap).
    pub ranking: Option<Ranking>,
    /// What no tool found may match.
    pub excluded: Vec<Box<dyn Query>>,
    /// Some word is also looked for with typos: its alternatives walk the dictionaries with a
    /// Levenshtein automaton each time they are opened.
    pub with_typos: bool,
}

impl Clone for WordQuery {
    fn clone(&self) -> Self {
        Self {
            typed: self.typed.clone(),
            query: self.query.box_clone(),
            lift: self.lift,
        }
    }
}

impl Clone for TextQuery {
    fn clone(&self) -> Self {
        Self {
            query: self.query.box_clone(),
            words: self.words.clone(),
            ranking: self.ranking.clone(),
            excluded: self.excluded.iter().map(|q| q.box_clone()).collect(),
            with_typos: self.with_typos,
        }
    }
}

impl TextQuery {
    /// How many alternatives it asks for, a measure of what keeping it costs.
    pub fn clauses(&self) -> usize {
        self.ranking.as_ref().map_or(self.words.len(), |r| {
            r.words.iter().map(Vec::len).sum::<usize>() + r.extras.len()
        })
    }

    /// The least score of a tool holding every word as typed where it tells what the tool is
    /// about: the lifts of all words, less a margin smaller than any word's lift and larger than
    /// what a tier's own scores add. A tool holding a word only through a translation, or only in
    /// its text, gets less; the search then asks word by word which words nothing holds.
    pub fn all_words_held(&self) -> f32 {
        let lifts: f32 = self.words.iter().map(|w| w.lift).sum();
        lifts - crate::tier::TIER * crate::tier::MIN_LIFT / 2.0
    }
}

/// A word as typed, taken apart into its folded pieces (`burn-out` → `burn`, `out`).
struct Unit {
    typed: String,
    /// Lower-cased, accents kept: what stop word lists are written in.
    lower: Vec<String>,
    pieces: Vec<String>,
    function: bool,
}

pub struct QueryBuilder<'a> {
    fields: &'a Fields,
    analysers: Vec<(Lang, TextAnalyzer)>,
    fallback: TextAnalyzer,
    lower: TextAnalyzer,
    stop_words: StopWords,
    doc_freq: DocFreq<'a>,
    /// How many documents the index holds, for what a word is worth.
    documents: u64,
    readable: Readable<'a>,
    readable_count: ReadableCount<'a>,
    neighbours: Neighbours<'a>,
    /// Languages in which some attachment holds text.
    attachment_langs: Vec<Lang>,
    thesaurus: Option<&'a Thesaurus>,
    /// Languages a concept expands into.
    expand_into: Vec<Lang>,
    /// The caller's language, preferred when the query's own cannot be told.
    preferred: Option<Lang>,
    /// Where the documents of each language are kept as bitsets.
    filters: std::sync::Arc<FilterCache>,
    /// Words planned earlier on the same index state, and that state.
    plans: Option<(&'a PlanCache, u64)>,
    /// How many words of this query were looked up in the dictionaries one edit away.
    dictionary_corrections: usize,
}

fn boosted(c: Clause, boost: f32) -> Clause {
    Clause {
        query: Box::new(BoostQuery::new(c.query, boost)),
        bound: c.bound.times(boost),
        share: c.share,
    }
}

/// A clause that finds a word only through a dictionary's translation.
fn translation(c: Clause) -> Clause {
    Clause {
        share: TRANSLATION_SHARE,
        ..c
    }
}

fn term(field: Field, text: &str) -> Clause {
    let term = Term::from_field_text(field, text);
    Clause {
        query: Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
        bound: Bound::Bm25 {
            terms: vec![term],
            boost: 1.0,
        },
        share: 1.0,
    }
}

/// A query for the analysed tokens of a text in one field: a term, or a phrase.
fn tokens_query(field: Field, toks: &[(usize, String)], slop: u32) -> Option<Clause> {
    match toks {
        [] => None,
        [(_, t)] => Some(term(field, t)),
        many => {
            let first = many[0].0;
            let terms: Vec<(usize, Term)> = many
                .iter()
                .map(|(p, t)| (p.saturating_sub(first), Term::from_field_text(field, t)))
                .collect();
            let bound = Bound::Bm25 {
                terms: terms.iter().map(|(_, t)| t.clone()).collect(),
                boost: 1.0,
            };
            // A phrase scores the sum of its words: divided by their number, a word written
            // as two (`burn-out`) or a concept's two-word term counts as one word does.
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, slop);
            Some(boosted(
                Clause {
                    query: Box::new(phrase),
                    bound,
                    share: 1.0,
                },
                1.0 / many.len() as f32,
            ))
        }
    }
}

fn pieces_query(field: Field, pieces: &[String]) -> Option<Clause> {
    let toks: Vec<(usize, String)> = pieces.iter().cloned().enumerate().collect();
    tokens_query(field, &toks, 0)
}

/// The best of a word's alternatives, and a share of the others.
fn any_of(alternatives: &[Clause]) -> Option<Box<dyn Query>> {
    match alternatives {
        [] => None,
        [one] => Some(one.query.box_clone()),
        many => Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
            many.iter().map(|c| c.query.box_clone()).collect(),
            TIE_BREAKER,
        ))),
    }
}

/// Keeps the candidate correction the most tools the caller may read hold; the first in
/// dictionary order among equals, so that the same index gives the same correction.
fn keep_most_read(best: &mut Option<(u64, String)>, readable: u64, candidate: &str) {
    let better = match best {
        None => readable > 0,
        Some((n, w)) => readable > *n || (readable == *n && candidate < w.as_str()),
    };
    if better {
        *best = Some((readable, candidate.to_owned()));
    }
}

/// A word's tier: its alternatives, each earning its share of the word's lift.
fn tier_of(lift: f32, alternatives: &[Clause]) -> TierQuery {
    TierQuery::new(
        alternatives
            .iter()
            .map(|c| (c.query.box_clone(), c.share))
            .collect(),
        lift,
        TIE_BREAKER,
    )
}

/// Char boundaries of a word, so that splitting never cuts a letter.
fn boundaries(word: &str) -> Vec<usize> {
    word.char_indices().map(|(i, _)| i).skip(1).collect()
}

impl<'a> QueryBuilder<'a> {
    pub fn new(
        fields: &'a Fields,
        analysers: Vec<(Lang, TextAnalyzer)>,
        doc_freq: DocFreq<'a>,
        documents: u64,
        readable: Readable<'a>,
        neighbours: Neighbours<'a>,
        filters: std::sync::Arc<FilterCache>,
    ) -> Self {
        Self {
            fields,
            analysers,
            fallback: analysis::fallback_analyser(),
            lower: analysis::lower_analyser(),
            stop_words: StopWords::default(),
            doc_freq,
            documents,
            readable,
            // Without a count of what the caller may read, nothing is corrected.
            readable_count: Box::new(|_, _| 0),
            neighbours,
            attachment_langs: Lang::ALL.to_vec(),
            thesaurus: None,
            expand_into: Lang::ALL.to_vec(),
            preferred: None,
            filters,
            plans: None,
            dictionary_corrections: 0,
        }
    }

    /// Keeps each word's own alternatives in `cache`, for the index state `state`.
    pub fn with_plans(mut self, cache: &'a PlanCache, state: u64) -> Self {
        self.plans = Some((cache, state));
        self
    }

    /// A word's own alternatives: planned here, or earlier on the same index state.
    fn word_plan(&mut self, u: &Unit) -> std::sync::Arc<WordPlan> {
        let key = format!("{}\u{0}{}", u.function, u.typed);
        if let Some((cache, state)) = self.plans
            && let Some(plan) = cache.get(state, &key)
        {
            return plan;
        }
        let mut base = if u.pieces.len() > 1 {
            self.hyphenated(&u.pieces)
        } else {
            self.literal(&u.typed, &u.pieces)
        };
        let mut lexical = Vec::new();
        if u.pieces.len() == 1 && !u.function {
            base.extend(self.split(&u.pieces[0]));
            lexical = self.lexical(&u.pieces[0]);
        } else if u.pieces.len() > 1 && !u.function {
            // A hyphenated compound (`burn-outpreventie`) is also the compound written whole,
            // with what dictionaries say of it (its parts `burnout` and `preventie`).
            lexical = self.lexical(&u.pieces.concat());
        }
        let plan = std::sync::Arc::new(WordPlan { base, lexical });
        if let Some((cache, state)) = self.plans {
            cache.put(state, key, plan.clone());
        }
        plan
    }

    /// Prefers tools in this language when the query's own language cannot be told.
    pub fn with_preferred(mut self, lang: Option<Lang>) -> Self {
        self.preferred = lang;
        self
    }

    /// The language a query reads as: the one in which most of its words are function words
    /// or words its texts hold. `None` when two languages tie.
    fn language_of(&mut self, units: &[Unit]) -> Option<Lang> {
        let mut counts: Vec<(Lang, usize)> = Vec::with_capacity(4);
        for (lang, analyser) in &mut self.analysers {
            let lf = self.fields.lang(*lang);
            let mut n = 0;
            for u in units {
                if u.lower.iter().all(|w| self.stop_words.of(*lang, w)) {
                    n += 1;
                    continue;
                }
                let toks = tokens(analyser, &u.typed);
                let held = !toks.is_empty()
                    && toks.iter().all(|(_, t)| {
                        [lf.title, lf.summary, lf.body]
                            .into_iter()
                            .any(|field| (self.doc_freq)(&Term::from_field_text(field, t)) > 0)
                    });
                if held {
                    n += 1;
                }
            }
            counts.push((*lang, n));
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        match counts.as_slice() {
            [(lang, best), (_, next), ..] if best > next => Some(*lang),
            _ => None,
        }
    }

    /// Counts what the caller may read of a candidate correction.
    pub fn with_readable_count(mut self, count: ReadableCount<'a>) -> Self {
        self.readable_count = count;
        self
    }

    /// Only these languages' attachment fields hold any text; the others are not asked.
    pub fn with_attachments(mut self, langs: Vec<Lang>) -> Self {
        self.attachment_langs = langs;
        self
    }

    /// Widens words through the concept table into these languages.
    pub fn with_thesaurus(mut self, thesaurus: Option<&'a Thesaurus>, into: Vec<Lang>) -> Self {
        self.thesaurus = thesaurus.filter(|t| !t.is_empty());
        self.expand_into = into;
        self
    }

    fn known(&self, term: &Term) -> bool {
        (self.doc_freq)(term) > 0
    }

    /// What holding a word lifts a tool by: its worth as the idf of its alternatives' terms
    /// (the most documents one of them is held by).
    fn lift(&self, alternatives: &[Clause]) -> f32 {
        let held_by = alternatives
            .iter()
            .filter_map(|c| match &c.bound {
                Bound::Bm25 { terms, .. } if terms.len() == 1 => Some((self.doc_freq)(&terms[0])),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        crate::tier::lift(held_by, self.documents)
    }

    /// Whether a clause can match at all: every term it requires is held by some document.
    /// (Each BM25-bounded clause requires all its terms: a term, a phrase, a conjunction.)
    fn held(&self, clause: &Clause) -> bool {
        match &clause.bound {
            Bound::Bm25 { terms, .. } => terms.iter().all(|t| (self.doc_freq)(t) > 0),
            Bound::Fixed(_) => true,
        }
    }

    /// Drops the alternatives no document can match: each would still open a term dictionary
    /// and build a scorer per segment on every search (and tantivy makes an empty dictionary
    /// anew each time for a field a segment does not hold). A word none of whose alternatives
    /// is held keeps one, so that it is still named among the unmatched words.
    fn drop_unheld(&self, alternatives: &mut Vec<Clause>) {
        let held: Vec<bool> = alternatives.iter().map(|c| self.held(c)).collect();
        if held.contains(&true) {
            let mut held = held.into_iter();
            alternatives.retain(|_| held.next().unwrap_or(false));
        } else {
            alternatives.truncate(1);
        }
    }

    /// Lowers the share of the alternatives that find a word outside what tells what a tool is
    /// about (titles, tags, the owner, summaries in the tool's language): by
    /// [`TEXT_ONLY_SHARE`] for a word every tool holds, by less the rarer the word (its `lift`),
    /// by nothing for the rarest. A tool keeps the largest
    /// share among the alternatives it matches, so one holding the word in its title too keeps
    /// the whole share.
    fn lower_text_only_shares(&self, alternatives: &mut [Clause], lift: f32) {
        let factor = TEXT_ONLY_SHARE + (1.0 - TEXT_ONLY_SHARE) * crate::tier::worth(lift);
        let f = self.fields;
        let tells_what_about = |field: Field| {
            field == f.title_folded
                || field == f.lexicon_title
                || field == f.tags
                || field == f.owner_name
                || f.langs
                    .iter()
                    .any(|(_, l)| field == l.title || field == l.summary)
        };
        for c in alternatives {
            // A typo's constant-score clause names no field, and keeps its whole share: a tool
            // holding a near word only in its text counts as one holding it in its title, as
            // before text-only words were lowered.
            if let Bound::Bm25 { terms, .. } = &c.bound
                && terms.first().is_some_and(|t| !tells_what_about(t.field()))
            {
                c.share *= factor;
            }
        }
    }

    fn known_folded(&self, word: &str) -> bool {
        self.known(&Term::from_field_text(self.fields.text_folded, word))
            || self.known(&Term::from_field_text(self.fields.title_folded, word))
    }

    fn unit(&mut self, typed: &str) -> Option<Unit> {
        let lower: Vec<String> = tokens(&mut self.lower, typed)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let mut pieces = Vec::with_capacity(lower.len());
        let mut function = true;
        for (i, piece) in lower.iter().enumerate() {
            // An elided article or pronoun (l'épuisement, d'un, qu'il) is a function word.
            let elided = i == 0
                && lower.len() > 1
                && piece.chars().count() <= 2
                && (typed.contains('\'') || typed.contains('’'));
            if elided {
                continue;
            }
            function &= self.stop_words.contains(piece);
            pieces.extend(
                tokens(&mut self.fallback, piece)
                    .into_iter()
                    .map(|(_, t)| t),
            );
        }
        (!pieces.is_empty()).then(|| Unit {
            typed: typed.to_owned(),
            lower,
            pieces,
            function,
        })
    }

    /// A word or phrase as written, in every language's fields by its stems and in the folded
    /// fields as typed.
    fn literal(&mut self, text: &str, pieces: &[String]) -> Vec<Clause> {
        let f = self.fields;
        let mut out = Vec::new();
        // As typed: in titles, where it tells most. (In summaries and bodies the stems below
        // find the same words; a second list of them would cost every search its length.)
        if let Some(q) = pieces_query(f.title_folded, pieces) {
            out.push(boosted(q, TITLE * EXACT));
        }
        for (field, boost) in [(f.tags, TAGS), (f.owner_name, OWNER)] {
            if let Some(q) = pieces_query(field, pieces) {
                out.push(boosted(q, boost));
            }
        }
        for (lang, analyser) in &mut self.analysers {
            let toks = tokens(analyser, text);
            let lf = f.lang(*lang);
            for (field, boost) in [(lf.title, TITLE), (lf.summary, SUMMARY), (lf.body, BODY)] {
                if let Some(q) = tokens_query(field, &toks, 0) {
                    out.push(boosted(q, boost * STEMMED));
                }
            }
            // Attachment text is asked only for words some attachment holds: most tools have
            // none, and a clause that cannot match still costs every search its weight.
            let in_attachments = !toks.is_empty()
                && self.attachment_langs.contains(lang)
                && toks
                    .iter()
                    .all(|(_, t)| (self.doc_freq)(&Term::from_field_text(lf.attachments, t)) > 0);
            if in_attachments && let Some(q) = tokens_query(lf.attachments, &toks, 0) {
                out.push(boosted(q, ATTACHMENTS * STEMMED));
            }
        }
        out
    }

    /// A word written as two or more (`burn-out`, `zelf-scan`): the pieces side by side, or
    /// written as one (`burnout`), in the folded fields. Stems are left out: a hyphenated word
    /// is rarely inflected inside, and a phrase in every language's fields would cost every
    /// search the positions of both pieces.
    fn hyphenated(&mut self, pieces: &[String]) -> Vec<Clause> {
        let f = self.fields;
        let mut out = Vec::new();
        // Hyphenated words are indexed written as one too: one term finds `burn-out` and
        // `burnout`. Pieces apart (`burn out`) are looked for in titles, where positions are
        // cheap, and in tags.
        let joined = pieces.concat();
        out.push(boosted(term(f.title_folded, &joined), TITLE * EXACT));
        out.push(boosted(term(f.text_folded, &joined), TEXT * EXACT));
        for (field, boost) in [(f.title_folded, TITLE * EXACT), (f.tags, TAGS)] {
            if let Some(q) = pieces_query(field, pieces) {
                out.push(boosted(q, boost));
            }
        }
        out
    }

    /// One word written as two or more (`burn out`, `burn-out`) found written as one.
    fn joined(&mut self, pieces: &[String]) -> Vec<Clause> {
        let joined = pieces.concat();
        if !self.known_folded(&joined) {
            return Vec::new();
        }
        let f = self.fields;
        vec![
            boosted(term(f.title_folded, &joined), TITLE * JOINED),
            boosted(term(f.text_folded, &joined), TEXT * JOINED),
        ]
    }

    /// A compound found written as its parts: each way of cutting the word into two words the
    /// index holds (with a Dutch or German linking letter or two between them).
    fn split(&mut self, word: &str) -> Vec<Clause> {
        let f = self.fields;
        let mut out = Vec::new();
        let letters = word.chars().count();
        if !(2 * COMPOUND_REST..=MAX_COMPOUND_LETTERS).contains(&letters) {
            return out;
        }
        for cut in boundaries(word).into_iter().rev() {
            let (head, rest) = word.split_at(cut);
            if head.chars().count() < COMPOUND_REST || !self.known_folded(head) {
                continue;
            }
            for link in std::iter::once("").chain(LINKS) {
                let Some(tail) = rest.strip_prefix(link) else {
                    continue;
                };
                if tail.chars().count() < COMPOUND_REST || !self.known_folded(tail) {
                    continue;
                }
                let parts = [head.to_owned(), tail.to_owned()];
                for (field, boost) in [
                    (f.title_folded, TITLE * COMPOUND),
                    (f.text_folded, TEXT * COMPOUND),
                ] {
                    if let Some(q) = pieces_query(field, &parts) {
                        out.push(boosted(q, boost));
                    }
                }
                if out.len() >= 2 * MAX_SPLITS {
                    return out;
                }
            }
        }
        out
    }

    /// What the dictionaries add to a folded word, each a term of the lexicon fields made when
    /// the tools were indexed: the word inside a compound or as the root of a derived form, its
    /// own root, its parts anywhere in a text (`werkstress` → `stress op het werk`), and tools
    /// whose words translate to it. Only terms the index holds are asked.
    fn lexical(&mut self, word: &str) -> Vec<Clause> {
        let f = self.fields;
        let mut out = Vec::new();
        let mut asked = std::collections::HashSet::new();
        let mut loaned = std::collections::HashSet::new();
        // A token of the lexicon fields, in titles and in texts; `share` of the word's lift.
        let mut lexicon_term = |out: &mut Vec<Clause>, token: String, weight: f32, share: f32| {
            if !asked.insert(token.clone()) {
                return;
            }
            for (field, boost) in [(f.lexicon_title, TITLE), (f.lexicon_text, TEXT)] {
                if self.known(&Term::from_field_text(field, &token)) {
                    out.push(Clause {
                        share,
                        ..boosted(term(field, &token), boost * weight)
                    });
                }
            }
        };
        for lang in Lang::ALL {
            let d = ANALYSERS.with_borrow_mut(|a| a.derived_stems(lang, word));
            let Some(stem) = &d.own else { continue };
            lexicon_term(&mut out, lexicon::own(lang, stem), DERIVED, 1.0);
            let lf = f.lang(lang);
            if let Some(root) = &d.root {
                for (field, boost) in [(lf.title, TITLE), (lf.summary, SUMMARY), (lf.body, BODY)] {
                    if self.known(&Term::from_field_text(field, root)) {
                        out.push(boosted(term(field, root), boost * DERIVED));
                    }
                }
                lexicon_term(&mut out, lexicon::own(lang, root), DERIVED, 1.0);
            }
            for s in std::iter::once(stem).chain(&d.root) {
                let token = lexicon::translated(lang, s);
                lexicon_term(&mut out, token, TRANSLATED, TRANSLATION_SHARE);
                let token = lexicon::confirmed(lang, s);
                lexicon_term(&mut out, token, TRANSLATED, CONFIRMED_SHARE);
                for (to, t) in lexicon::confirmed_translations(lang, s) {
                    let token = lexicon::confirmed(to, t);
                    lexicon_term(&mut out, token, TRANSLATED * PIVOT, PIVOT_SHARE);
                }
            }
            if d.parts.len() > 1 {
                for field in [lf.summary, lf.body] {
                    let held = d
                        .parts
                        .iter()
                        .map(|p| Term::from_field_text(field, p))
                        .collect();
                    out.extend(self.all_of(held, BODY * DERIVED));
                }
                let translated = d
                    .parts
                    .iter()
                    .map(|p| Term::from_field_text(f.lexicon_text, &lexicon::translated(lang, p)))
                    .collect();
                out.extend(self.all_of(translated, TEXT * TRANSLATED).map(translation));
                // Each part alone, below the whole: a tool about `klanten` for `klantconflicten`.
                for part in &d.parts {
                    let alone = ONE_PART;
                    for (field, boost) in
                        [(lf.title, TITLE), (lf.summary, SUMMARY), (lf.body, BODY)]
                    {
                        if self.known(&Term::from_field_text(field, part)) {
                            out.push(Clause {
                                share: PART_SHARE,
                                ..boosted(term(field, part), boost * alone)
                            });
                        }
                    }
                    lexicon_term(
                        &mut out,
                        lexicon::translated(lang, part),
                        TRANSLATED * alone,
                        TRANSLATION_SHARE,
                    );
                }
                // A part the other languages write the same (`werkstress` → `stress`): a
                // loanword or an international word, a word of that language's dictionary too,
                // held by a tool in that language, found as a translation would be. Asked once
                // per language and stem, though the word splits in Dutch and in German alike.
                for part in lexicon::parts(lang, word) {
                    for other in Lang::ALL.into_iter().filter(|l| *l != lang) {
                        if !lexicon::is_word(other, &part) {
                            continue;
                        }
                        let Some(stem) = ANALYSERS.with_borrow_mut(|a| a.stem(other, &part)) else {
                            continue;
                        };
                        if !loaned.insert((other, stem.clone())) {
                            continue;
                        }
                        let of = f.lang(other);
                        for (field, boost) in
                            [(of.title, TITLE), (of.summary, SUMMARY), (of.body, BODY)]
                        {
                            if self.known(&Term::from_field_text(field, &stem)) {
                                out.push(Clause {
                                    share: PART_SHARE,
                                    ..boosted(term(field, &stem), boost * TRANSLATED * ONE_PART)
                                });
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// Tools holding every term of one field; `None` when the index lacks one.
    fn all_of(&self, terms: Vec<Term>, boost: f32) -> Option<Clause> {
        if terms.iter().any(|t| !self.known(t)) {
            return None;
        }
        let n = terms.len();
        let clauses = terms
            .iter()
            .map(|t| -> (Occur, Box<dyn Query>) {
                (
                    Occur::Must,
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)),
                )
            })
            .collect();
        // Scored as the sum of its terms, divided by their number like a phrase.
        Some(boosted(
            Clause {
                query: Box::new(BooleanQuery::new(clauses)),
                bound: Bound::Bm25 { terms, boost: 1.0 },
                share: 1.0,
            },
            boost / n as f32,
        ))
    }

    fn typos(&self, word: &str) -> Vec<Clause> {
        let letters = word.chars().count();
        if letters < MIN_TYPO_LETTERS {
            return Vec::new();
        }
        let distance = if letters >= TWO_TYPOS_LETTERS { 2 } else { 1 };
        let f = self.fields;
        // A typo match scores a constant.
        [(f.title_folded, TITLE * TYPO), (f.text_folded, TEXT * TYPO)]
            .into_iter()
            .filter_map(|(field, boost)| {
                let query = typos::any_term(&(self.neighbours)(field, word, distance))?;
                Some(boosted(
                    Clause {
                        query,
                        bound: Bound::Fixed(1.0),
                        share: 1.0,
                    },
                    boost,
                ))
            })
            .collect()
    }

    /// The word a misspelt one most likely stands for: of the words within one edit (two for a
    /// long word, when none within one will do), the one the most tools the caller may read
    /// hold — counted under the caller's scope and the search's filters, so that what others'
    /// drafts hold decides nothing. The candidates are the word's neighbours in the index (the
    /// most held, [`crate::typos`]), at most [`MAX_CORRECTIONS_TRIED`] of them.
    fn correction(&self, position: usize, word: &str) -> Option<String> {
        let letters = word.chars().count();
        if letters < MIN_TYPO_LETTERS {
            return None;
        }
        let f = self.fields;
        let distances: &[u8] = if letters >= TWO_TYPOS_LETTERS {
            &[1, 2]
        } else {
            &[1]
        };
        let mut tried: Vec<String> = vec![word.to_owned()];
        for &distance in distances {
            let mut best: Option<(u64, String)> = None;
            for field in [f.title_folded, f.text_folded] {
                for t in (self.neighbours)(field, word, distance).iter() {
                    let value = t.value();
                    let Some(text) = value.as_str() else { continue };
                    if tried.len() > MAX_CORRECTIONS_TRIED || tried.iter().any(|w| w == text) {
                        continue;
                    }
                    tried.push(text.to_owned());
                    let held: Box<dyn Query> = Box::new(BooleanQuery::new(
                        [f.title_folded, f.text_folded]
                            .into_iter()
                            .map(|field| -> (Occur, Box<dyn Query>) {
                                (Occur::Should, term(field, text).query)
                            })
                            .collect(),
                    ));
                    let readable = (self.readable_count)(
                        &format!("corrected {position} {text}"),
                        held.as_ref(),
                    );
                    keep_most_read(&mut best, readable, text);
                }
            }
            if let Some((_, correction)) = best {
                return Some(correction);
            }
        }
        None
    }

    /// The word of the dictionaries a misspelt one most likely stands for when no tool holds a
    /// word near it (a compound misspelt inside, a word tools hold in other languages only): of
    /// the words one edit from it, the one whose own alternatives the most tools the caller may
    /// read match, under the search's filters.
    fn dictionary_correction(&mut self, position: usize, word: &str) -> Option<String> {
        let letters = word.chars().count();
        if self.dictionary_corrections >= MAX_DICTIONARY_CORRECTIONS
            || !(MIN_TYPO_LETTERS..=lexicon::MAX_NEAR_LETTERS).contains(&letters)
        {
            return None;
        }
        self.dictionary_corrections += 1;
        let mut best: Option<(u64, String)> = None;
        for near in lexicon::near_words(word) {
            let Some(unit) = self.unit(&near).filter(|u| !u.function) else {
                continue;
            };
            let Some(query) = any_of(&self.word_plan(&unit).alternatives()) else {
                continue;
            };
            let readable =
                (self.readable_count)(&format!("near {position} {near}"), query.as_ref());
            keep_most_read(&mut best, readable, &near);
        }
        best.map(|(_, near)| near)
    }

    /// A misspelt word — one no dictionary knows — found as its correction would be, scored at
    /// [`CORRECTED`] within its tier: its stems, its parts and roots, its translations and the
    /// concepts it names, so that `solitdue` finds `eenzaamheid` as `solitude` does.
    fn corrected(&mut self, position: usize, word: &str) -> Vec<Clause> {
        // A word a dictionary knows is meant as typed (`femme` is not `ferme`): it keeps its
        // literal neighbours only, and is widened no further.
        if lexicon::in_some_dictionary(word) {
            return Vec::new();
        }
        let Some(correction) = self
            .correction(position, word)
            .or_else(|| self.dictionary_correction(position, word))
        else {
            return Vec::new();
        };
        let Some(unit) = self.unit(&correction).filter(|u| !u.function) else {
            return Vec::new();
        };
        let plan = self.word_plan(&unit);
        let expansions = self.expansions(&correction);
        plan.alternatives()
            .into_iter()
            .chain(expansions)
            .map(|c| Clause {
                share: c.share,
                ..boosted(c, CORRECTED)
            })
            .collect()
    }

    /// The concepts a run of words names, as queries for every term of them in the languages
    /// searched.
    fn expansions(&mut self, text: &str) -> Vec<Clause> {
        let Some(thesaurus) = self.thesaurus else {
            return Vec::new();
        };
        let mut concepts: Vec<usize> = thesaurus
            .lookup(None, &key(&mut self.fallback, text))
            .to_vec();
        for (lang, analyser) in &mut self.analysers {
            concepts.extend_from_slice(thesaurus.lookup(Some(*lang), &key(analyser, text)));
        }
        concepts.sort_unstable();
        concepts.dedup();
        let mut out = Vec::new();
        let mut asked = std::collections::HashSet::new();
        for concept in concepts.iter().filter_map(|i| thesaurus.concept(*i)) {
            for (lang, term) in &concept.terms {
                if !self.expand_into.contains(lang) {
                    continue;
                }
                let Some((_, analyser)) = self.analysers.iter_mut().find(|(l, _)| l == lang) else {
                    continue;
                };
                let toks = tokens(analyser, term);
                // What the words as typed already ask in this language (`stress` is `stress`
                // everywhere), and terms of one language that stem alike, are asked once.
                let as_typed = tokens(analyser, text);
                let stems: Vec<&str> = toks.iter().map(|(_, t)| t.as_str()).collect();
                if toks.is_empty()
                    || stems == as_typed.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>()
                    || !asked.insert((*lang, stems.concat()))
                {
                    continue;
                }
                let lf = self.fields.lang(*lang);
                for (field, boost) in [(lf.title, TITLE), (lf.summary, SUMMARY), (lf.body, BODY)] {
                    if let Some(q) = tokens_query(field, &toks, 0) {
                        out.push(boosted(q, boost * EXPANDED));
                    }
                }
            }
        }
        out
    }

    /// Alternatives for a quoted phrase or an excluded text: as written, in every language.
    fn as_written(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let pieces: Vec<String> = tokens(&mut self.fallback, text)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let alternatives = self.literal(text, &pieces);
        (!alternatives.is_empty()).then(|| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                alternatives
                    .into_iter()
                    .map(|c| (Occur::Should, c.query))
                    .collect(),
            ))
        })
    }

    /// Words of the query close together: a sloppy phrase in each language's title and summary.
    fn proximity(&mut self, units: &[&Unit]) -> Vec<Clause> {
        if units.len() < 2 {
            return Vec::new();
        }
        let text = units
            .iter()
            .map(|u| u.typed.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let f = self.fields;
        let mut out = Vec::new();
        for (lang, analyser) in &mut self.analysers {
            let toks = tokens(analyser, &text);
            if toks.len() < 2 {
                continue;
            }
            let lf = f.lang(*lang);
            // Titles and summaries only: positions in long bodies cost more than they tell.
            for (field, boost) in [(lf.title, TITLE), (lf.summary, SUMMARY)] {
                if let Some(q) = tokens_query(field, &toks, PROXIMITY_SLOP) {
                    out.push(boosted(q, boost * PROXIMITY));
                }
            }
        }
        out
    }

    /// The text part of a search; `None` when it asks for nothing (browse everything).
    pub fn text_query(&mut self, parsed: &ParsedQuery) -> Option<TextQuery> {
        let mut units: Vec<Unit> = parsed.words.iter().filter_map(|w| self.unit(w)).collect();
        // A query of function words only is taken at its word.
        if units.iter().all(|u| u.function) {
            for u in &mut units {
                u.function = false;
            }
        }
        let mut alternatives: Vec<Vec<Clause>> = Vec::with_capacity(units.len());
        let mut lexical: Vec<Vec<Clause>> = Vec::with_capacity(units.len());
        for u in &units {
            let plan = self.word_plan(u);
            alternatives.push(plan.base.clone());
            lexical.push(plan.lexical.clone());
        }
        // Two words typed apart that the index holds as one (`burn out`, `stress beheersing`).
        for i in 1..units.len() {
            let pair = [units[i - 1].pieces.concat(), units[i].pieces.concat()];
            let joined = self.joined(&pair);
            if !joined.is_empty() {
                for q in &joined {
                    alternatives[i - 1].push(q.clone());
                }
                alternatives[i].extend(joined);
            }
        }
        // Runs of words that name a concept of the table.
        if self.thesaurus.is_some() {
            for start in 0..units.len() {
                for end in start..units.len().min(start + MAX_TERM_WORDS) {
                    let run = &units[start..=end];
                    if run.iter().all(|u| u.function) {
                        continue;
                    }
                    let text = run
                        .iter()
                        .map(|u| u.typed.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let expanded = self.expansions(&text);
                    if expanded.is_empty() {
                        continue;
                    }
                    for alts in &mut alternatives[start..=end] {
                        alts.extend(expanded.iter().cloned());
                    }
                }
            }
        }
        let mut tiers: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut words = Vec::new();
        let mut ranked_words = Vec::new();
        let mut with_typos = false;
        for (position, ((u, mut alts), lexical)) in
            units.iter().zip(alternatives).zip(lexical).enumerate()
        {
            if u.function {
                // A function word never decides whether a tool is found.
                continue;
            }
            // Typos only for a word nothing the caller may read holds as typed, so that what
            // others' drafts hold changes nothing.
            if u.pieces.len() == 1
                && let Some(literal) = any_of(&alts)
                && !(self.readable)(&format!("typed {position}"), literal.as_ref())
            {
                let typos = self.typos(&u.pieces[0]);
                with_typos |= !typos.is_empty();
                alts.extend(typos);
                alts.extend(self.corrected(position, &u.pieces[0]));
            }
            // What dictionaries know of the word, once its typos are decided on: a root or a
            // translation found for a misspelt word is no reason not to correct it.
            alts.extend(lexical);
            self.drop_unheld(&mut alts);
            if let Some(q) = any_of(&alts) {
                let lift = self.lift(&alts);
                self.lower_text_only_shares(&mut alts, lift);
                let tier = tier_of(lift, &alts);
                tiers.push((Occur::Should, Box::new(tier)));
                words.push(WordQuery {
                    typed: u.typed.clone(),
                    query: q,
                    lift,
                });
                ranked_words.push(alts);
            }
        }
        // What a tool must match: a word at least, and every quoted phrase. What only adds to
        // the score of a tool found (words close together, the query's language) never finds
        // one by itself.
        let mut required: Vec<Box<dyn Query>> = Vec::new();
        for phrase in &parsed.phrases {
            if let Some(q) = self.as_written(phrase) {
                required.push(q);
            }
        }
        if tiers.is_empty() && required.is_empty() {
            return None;
        }
        let meaningful: Vec<&Unit> = units.iter().filter(|u| !u.function).collect();
        let mut extras = self.proximity(&meaningful);
        extras.retain(|c| self.held(c));
        // Within a tier, tools in the query's language come first.
        if !words.is_empty()
            && let Some(lang) = self.language_of(&units).or(self.preferred)
        {
            let language = facet("language", lang.code());
            let in_lang = Box::new(TermQuery::new(
                Term::from_facet(self.fields.facets, &language),
                IndexRecordOption::Basic,
            ));
            let boost = CachedFilter::new(
                self.filters.clone(),
                language.to_string(),
                in_lang,
                SAME_LANGUAGE,
            );
            extras.push(Clause {
                query: Box::new(boost),
                bound: Bound::Fixed(SAME_LANGUAGE),
                share: 1.0,
            });
        }
        let excluded = self.exclusions(parsed);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !tiers.is_empty() {
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(tiers))));
        }
        clauses.extend(required.iter().map(|q| (Occur::Must, q.box_clone())));
        clauses.extend(extras.iter().map(|c| (Occur::Should, c.query.box_clone())));
        clauses.extend(excluded.iter().map(|q| (Occur::MustNot, q.box_clone())));
        let ranking = (required.is_empty() && !ranked_words.is_empty()).then(|| Ranking {
            lifts: words.iter().map(|w| w.lift).collect(),
            words: ranked_words,
            extras,
            tie_breaker: TIE_BREAKER,
        });
        Some(TextQuery {
            query: Box::new(BooleanQuery::new(clauses)),
            words,
            ranking,
            excluded,
            with_typos,
        })
    }

    /// Words to exclude when nothing else is asked: used to narrow a browse.
    pub fn exclusions(&mut self, parsed: &ParsedQuery) -> Vec<Box<dyn Query>> {
        let mut out = Vec::new();
        for excluded in &parsed.excluded {
            out.extend(self.as_written(excluded));
            // A word excluded in the plural excludes the singular whatever the tool's
            // language (`-Workshops` in German, whose stemmer keeps the s): each language's
            // stem of it, as a word of the folded text.
            if excluded.split_whitespace().count() == 1 {
                let f = self.fields;
                for (_, analyser) in &mut self.analysers {
                    if let [(_, stem)] = tokens(analyser, excluded).as_slice()
                        && stem.chars().count() >= PART_MIN_LETTERS
                    {
                        out.push(term(f.title_folded, stem).query);
                        out.push(term(f.text_folded, stem).query);
                    }
                }
            }
        }
        out
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
    fn queries_beyond_the_limits_are_refused() {
        let limits = QueryLimits::default();
        assert!(parse_bounded("gérer le stress", limits).is_ok());
        assert_eq!(
            parse_bounded(&"a".repeat(513), limits),
            Err(QueryTooLong::Chars(512))
        );
        assert_eq!(
            parse_bounded(&"mot ".repeat(33), limits),
            Err(QueryTooLong::Words(32))
        );
        let phrase = format!("\"{}\"", "mot ".repeat(13));
        assert_eq!(
            parse_bounded(&phrase, limits),
            Err(QueryTooLong::Phrase(12))
        );
    }

    #[test]
    fn blank_input_is_empty() {
        let asks_nothing = |p: ParsedQuery| p.words.is_empty() && p.phrases.is_empty();
        assert!(asks_nothing(parse("   ")));
        assert!(asks_nothing(parse("-alcool")));
        assert!(asks_nothing(parse(r#""""#)));
    }
}
