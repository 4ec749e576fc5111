//! Analysers: one per language (lower-casing, stop words, ASCII folding, stemming), and a
//! fallback without stemming for names, tags and typo-tolerant matching.
//!
//! Stop words are removed before folding, because the lists are written with accents
//! ("été", "für"); stemming runs on folded text, at indexing and at query time alike, so that
//! "epuisement" and "épuisement" meet on the same stem.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, TokenizerManager, WhitespaceTokenizer,
};

use crate::Lang;

pub const FALLBACK: &str = "commons_fallback";
/// The lexicon fields hold tokens made by [`crate::lexicon`], written space-separated.
pub const LEXICON: &str = "commons_lexicon";

pub fn analyser_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "commons_fr",
        Lang::Nl => "commons_nl",
        Lang::De => "commons_de",
        Lang::En => "commons_en",
    }
}

fn stemmer_language(lang: Lang) -> Language {
    match lang {
        Lang::Fr => Language::French,
        Lang::Nl => Language::Dutch,
        Lang::De => Language::German,
        Lang::En => Language::English,
    }
}

pub(crate) fn language_analyser(lang: Lang) -> TextAnalyzer {
    analyser(lang, true)
}

/// The language's analyser but its stemmer: the same words, at the same offsets.
pub(crate) fn unstemmed_analyser(lang: Lang) -> TextAnalyzer {
    analyser(lang, false)
}

/// The language's stemmer alone, for a word the unstemmed analyser gave.
pub(crate) fn stemmer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(stemmer_language(lang)))
        .build()
}

/// Each language's analysers, built once: a stop word filter builds its word set when made, which
/// cost a search about a percent of its time when its highlighters made theirs each time. A
/// clone shares the set.
fn analyser(lang: Lang, stemmed: bool) -> TextAnalyzer {
    static BUILT: std::sync::LazyLock<Vec<(Lang, bool, TextAnalyzer)>> =
        std::sync::LazyLock::new(|| {
            Lang::ALL
                .into_iter()
                .flat_map(|lang| [(lang, true), (lang, false)])
                .map(|(lang, stemmed)| (lang, stemmed, build_analyser(lang, stemmed)))
                .collect()
        });
    BUILT
        .iter()
        .find(|(l, s, _)| *l == lang && *s == stemmed)
        .map_or_else(|| build_analyser(lang, stemmed), |(_, _, a)| a.clone())
}

fn build_analyser(lang: Lang, stemmed: bool) -> TextAnalyzer {
    let language = stemmer_language(lang);
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    match (StopWordFilter::new(language), stemmed) {
        (Some(stop_words), true) => builder
            .filter(stop_words)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language))
            .build(),
        (Some(stop_words), false) => builder
            .filter(stop_words)
            .filter(AsciiFoldingFilter)
            .build(),
        (None, true) => builder
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language))
            .build(),
        (None, false) => builder.filter(AsciiFoldingFilter).build(),
    }
}

pub fn fallback_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A text lower-cased and without accents, its words run together.
#[cfg(test)]
pub(crate) fn fold(text: &str) -> String {
    tokens(&mut fallback_analyser(), text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

pub fn register(manager: &TokenizerManager) {
    for lang in Lang::ALL {
        manager.register(analyser_name(lang), language_analyser(lang));
    }
    manager.register(FALLBACK, fallback_analyser());
    manager.register(
        LEXICON,
        TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
    );
}

/// The words of a typed text, lower-cased, accents kept: the pieces a query is made of.
pub fn lower_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

/// English function words beyond the short list tantivy's English analyser drops (the
/// Snowball list): they never decide whether a tool is found, though the index keeps them.
const ENGLISH_FUNCTION_WORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "its",
    "itself",
    "them",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "am",
    "were",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "would",
    "should",
    "could",
    "because",
    "until",
    "while",
    "about",
    "against",
    "between",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "from",
    "up",
    "down",
    "out",
    "off",
    "over",
    "under",
    "again",
    "further",
    "once",
    "here",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "nor",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "can",
    "just",
    "now",
    "don",
    "t",
    "s",
];

/// Words of questions and requests beyond the Snowball lists of French, Dutch and German: the
/// interrogatives, the modal and light verbs a question is built with ("comment faire si …",
/// "wie helpt mij als …", "wer hilft mir, wenn …"), which never say what a tool is about.
const QUESTION_WORDS: &[(Lang, &[&str])] = &[
    (
        Lang::Fr,
        &[
            "comment",
            "quand",
            "pourquoi",
            "quoi",
            "quel",
            "quelle",
            "quels",
            "quelles",
            "lequel",
            "laquelle",
            "où",
            "si",
            "faire",
            "fais",
            "fait",
            "peut",
            "peux",
            "puis",
            "pouvez",
            "peut-on",
            "veux",
            "veut",
            "voudrais",
            "dois",
            "doit",
            "faut",
            "est-ce",
            "qui",
            "que",
            "quelqu'un",
            "chose",
            "plus",
            "trop",
            "très",
            "tout",
            "tous",
            "toute",
            "toutes",
            "rien",
            "aussi",
            "encore",
            "déjà",
            "vraiment",
            "arrive",
            "arriver",
            "trouver",
            "existe",
            "comme",
            "quoi",
        ],
    ),
    (
        Lang::Nl,
        &[
            "hoe", "wat", "wie", "waar", "wanneer", "waarom", "welk", "welke", "kan", "kun",
            "kunt", "kunnen", "moet", "moeten", "wil", "wilt", "willen", "mag", "zou", "zouden",
            "iemand", "iets", "terecht", "vind", "vinden", "gaat", "gaan", "ga", "doe", "doen",
            "krijg", "krijgen", "heel", "erg", "veel", "meer", "nog", "echt", "even", "zo",
        ],
    ),
    (
        Lang::De,
        &[
            "wie", "wo", "wer", "wann", "warum", "welche", "welcher", "welches", "kann", "kannst",
            "können", "muss", "musst", "müssen", "soll", "sollte", "will", "möchte", "jemand",
            "etwas", "gibt", "geht", "gehen", "mache", "machen", "bekomme", "bekommen", "finde",
            "finden", "sehr", "viel", "mehr", "noch", "immer", "wirklich",
        ],
    ),
    (
        Lang::En,
        &[
            "get",
            "got",
            "back",
            "make",
            "find",
            "need",
            "want",
            "help",
            "someone",
            "something",
            "anyone",
            "anything",
            "really",
            "still",
            "always",
            "much",
            "many",
            "lot",
            "things",
            "thing",
            "way",
            "able",
            "going",
            "go",
        ],
    ),
];

/// Function words: a word that is a stop word in any of the four languages.
#[derive(Clone)]
pub struct StopWords {
    filters: Vec<(Lang, TextAnalyzer)>,
}

/// The lists are read once; each search takes a copy that shares them.
static STOP_WORDS: std::sync::LazyLock<StopWords> = std::sync::LazyLock::new(StopWords::build);

impl Default for StopWords {
    fn default() -> Self {
        STOP_WORDS.clone()
    }
}

impl StopWords {
    fn build() -> Self {
        let filters = Lang::ALL
            .into_iter()
            .filter_map(|l| StopWordFilter::new(stemmer_language(l)).map(|f| (l, f)))
            .map(|(l, f)| {
                (
                    l,
                    TextAnalyzer::builder(RawTokenizer::default())
                        .filter(f)
                        .build(),
                )
            })
            .collect();
        Self { filters }
    }

    /// Whether a lower-cased word is a stop word in some language.
    pub fn contains(&mut self, word: &str) -> bool {
        Lang::ALL.into_iter().any(|l| self.of(l, word))
    }

    /// Whether a lower-cased word is a stop word of this language.
    pub fn of(&mut self, lang: Lang, word: &str) -> bool {
        if lang == Lang::En && ENGLISH_FUNCTION_WORDS.contains(&word) {
            return true;
        }
        if QUESTION_WORDS
            .iter()
            .any(|(l, words)| *l == lang && words.contains(&word))
        {
            return true;
        }
        self.filters
            .iter_mut()
            .filter(|(l, _)| *l == lang)
            .any(|(_, f)| !f.token_stream(word).advance())
    }
}

/// The tokens of `text` as the analyser leaves them, with their positions.
pub fn tokens(analyser: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyser.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push((t.position, t.text.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(lang: Lang, text: &str) -> Vec<String> {
        tokens(&mut language_analyser(lang), text)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn accents_do_not_matter() {
        assert_eq!(words(Lang::Fr, "épuisement"), words(Lang::Fr, "epuisement"));
        assert_eq!(words(Lang::De, "Müdigkeit"), words(Lang::De, "mudigkeit"));
    }

    #[test]
    fn plural_and_singular_share_a_stem() {
        assert_eq!(
            words(Lang::Fr, "indépendants"),
            words(Lang::Fr, "indépendant")
        );
        assert_eq!(
            words(Lang::Nl, "ondernemers"),
            words(Lang::Nl, "ondernemer")
        );
        assert_eq!(
            words(Lang::De, "Selbständigen"),
            words(Lang::De, "Selbständige")
        );
        assert_eq!(words(Lang::En, "workshops"), words(Lang::En, "workshop"));
    }

    #[test]
    fn a_stop_word_of_any_language_is_a_function_word() {
        let mut stop = StopWords::default();
        for w in ["le", "du", "de", "het", "der", "für", "the", "of", "zelf"] {
            assert!(stop.contains(w), "{w}");
        }
        for w in ["stress", "burn", "sommeil", "slaap", "schlaf", "sleep"] {
            assert!(!stop.contains(w), "{w}");
        }
    }

    #[test]
    fn stop_words_are_dropped() {
        assert_eq!(words(Lang::Fr, "le stress et la fatigue").len(), 2);
        assert_eq!(words(Lang::Nl, "de stress van een ondernemer").len(), 2);
    }
}
