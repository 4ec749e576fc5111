use std::collections::BTreeMap;
use std::fmt;

/// The four languages Commons speaks: Belgium's three official languages and English.
/// On the wire (GraphQL's `Lang`) a language is its upper-case code.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Lang {
    Fr,
    Nl,
    De,
    En,
}

impl Lang {
    /// The order in which a text falls back when the asked language is missing.
    pub const ALL: [Lang; 4] = [Lang::Fr, Lang::Nl, Lang::De, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::Nl => "nl",
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The language of a code such as `nl` or `NL`.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text written in one or more languages. Reading it in a language that is missing falls
/// back to the first language present, in [`Lang::ALL`] order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalisedText(BTreeMap<Lang, String>);

impl LocalisedText {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, lang: Lang, text: impl Into<String>) {
        self.0.insert(lang, text.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn exact(&self, lang: Lang) -> Option<&str> {
        self.0.get(&lang).map(String::as_str)
    }

    /// The text in `lang` if there is one, else the first translation there is.
    pub fn get(&self, lang: Option<Lang>) -> Option<(Lang, &str)> {
        lang.and_then(|l| self.0.get_key_value(&l))
            .or_else(|| self.0.iter().next())
            .map(|(l, t)| (*l, t.as_str()))
    }

    pub fn iter(&self) -> impl Iterator<Item = (Lang, &str)> {
        self.0.iter().map(|(l, t)| (*l, t.as_str()))
    }
}

impl FromIterator<(Lang, String)> for LocalisedText {
    fn from_iter<I: IntoIterator<Item = (Lang, String)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_asked_language_when_present() {
        let text: LocalisedText = [(Lang::Fr, "Bien-être".into()), (Lang::Nl, "Welzijn".into())]
            .into_iter()
            .collect();
        assert_eq!(text.get(Some(Lang::Nl)), Some((Lang::Nl, "Welzijn")));
    }

    #[test]
    fn falls_back_to_the_first_language_present() {
        let text: LocalisedText = [
            (Lang::De, "Wohlbefinden".into()),
            (Lang::En, "Well-being".into()),
        ]
        .into_iter()
        .collect();
        assert_eq!(text.get(Some(Lang::Fr)), Some((Lang::De, "Wohlbefinden")));
        assert_eq!(text.get(None), Some((Lang::De, "Wohlbefinden")));
    }

    #[test]
    fn an_empty_text_has_nothing_to_fall_back_to() {
        assert_eq!(LocalisedText::new().get(Some(Lang::En)), None);
    }
}
