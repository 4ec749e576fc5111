//! Analysers: one per language (lower-casing, stop words, ASCII folding, stemming), and a
//! fallback without stemming for names, tags and typo-tolerant matching.
//!
//! Stop words are removed before folding, because the lists are written with accents
//! ("été", "für"); stemming runs on folded text, at indexing and at query time alike, so that
//! "epuisement" and "épuisement" meet on the same stem.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TokenizerManager,
};

use crate::Lang;

pub const FALLBACK: &str = "commons_fallback";

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

fn language_analyser(lang: Lang) -> TextAnalyzer {
    let language = stemmer_language(lang);
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    match StopWordFilter::new(language) {
        Some(stop_words) => builder
            .filter(stop_words)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language))
            .build(),
        None => builder
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language))
            .build(),
    }
}

pub fn fallback_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn register(manager: &TokenizerManager) {
    for lang in Lang::ALL {
        manager.register(analyser_name(lang), language_analyser(lang));
    }
    manager.register(FALLBACK, fallback_analyser());
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
    fn stop_words_are_dropped() {
        assert_eq!(words(Lang::Fr, "le stress et la fatigue").len(), 2);
        assert_eq!(words(Lang::Nl, "de stress van een ondernemer").len(), 2);
    }
}
