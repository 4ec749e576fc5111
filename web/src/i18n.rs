//! The pages' words in French, Dutch, German and English: one flat TOML file per language
//! (`web/i18n/*.toml`), compiled into the binary. A test checks that every key exists in
//! all four files and that every key the templates use exists.

use std::collections::HashMap;

use commons_domain::lang::Lang;

const FILES: [(Lang, &str); 4] = [
    (Lang::Fr, include_str!("../i18n/fr.toml")),
    (Lang::Nl, include_str!("../i18n/nl.toml")),
    (Lang::De, include_str!("../i18n/de.toml")),
    (Lang::En, include_str!("../i18n/en.toml")),
];

/// Every label and message, per language.
#[derive(Debug)]
pub struct Translations {
    tables: HashMap<Lang, HashMap<String, String>>,
}

#[derive(Debug, thiserror::Error)]
#[error("the {lang} translations do not read: {source}")]
pub struct TranslationError {
    lang: &'static str,
    source: toml::de::Error,
}

impl Translations {
    pub fn load() -> Result<Self, TranslationError> {
        let mut tables = HashMap::new();
        for (lang, text) in FILES {
            let table: HashMap<String, String> =
                toml::from_str(text).map_err(|source| TranslationError {
                    lang: lang.code(),
                    source,
                })?;
            tables.insert(lang, table);
        }
        Ok(Self { tables })
    }

    /// The text of `key` in `lang`; in English when that language lacks it (the test makes
    /// sure none does), and the key itself as a last resort rather than an empty label.
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        [lang, Lang::En]
            .iter()
            .find_map(|l| self.tables.get(l).and_then(|t| t.get(key)))
            .map_or(key, String::as_str)
    }

    /// The text of `key` in `lang` or English, if either has it.
    pub fn find(&self, lang: Lang, key: &str) -> Option<&str> {
        [lang, Lang::En]
            .iter()
            .find_map(|l| self.tables.get(l).and_then(|t| t.get(key)))
            .map(String::as_str)
    }

    /// A count in words: `{key}_one` for one (and for none in French, which says "0 outil"),
    /// `key` for any other number; `{n}` written as the language groups its digits.
    pub fn count(&self, lang: Lang, key: &str, n: i64) -> String {
        let one = n == 1 || (n == 0 && lang == Lang::Fr);
        let text = one
            .then(|| self.find(lang, &format!("{key}_one")))
            .flatten()
            .unwrap_or_else(|| self.get(lang, key));
        fill(text, &[("n", &number(lang, n))])
    }

    pub fn keys(&self, lang: Lang) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .tables
            .get(&lang)
            .map(|t| t.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        keys
    }
}

/// A whole number as the language writes it: `12 345` in French (a narrow no-break space),
/// `12.345` in Dutch and German, `12,345` in English.
pub fn number(lang: Lang, n: i64) -> String {
    let separator = match lang {
        Lang::Fr => '\u{202f}',
        Lang::Nl | Lang::De => '.',
        Lang::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A decimal of the API (`"3.40"`, a weight `"1.05"`) as the language writes it: `3,40` but in
/// English.
pub fn decimal(lang: Lang, value: &str) -> String {
    if lang == Lang::En {
        value.to_owned()
    } else {
        value.replace('.', ",")
    }
}

/// An amount of the API (`"4161600.00"`) written as people of the language write it:
/// `€4,161,600.00`, `4 161 600,00 €`, `€ 4.161.600,00`, `4.161.600,00 €`.
pub fn money(lang: Lang, amount: &str) -> String {
    let (sign, digits) = amount
        .strip_prefix('-')
        .map_or(("", amount), |rest| ("-", rest));
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    let Ok(whole) = whole.parse::<i64>() else {
        return amount.to_owned();
    };
    let decimal = if lang == Lang::En { '.' } else { ',' };
    let number = format!("{}{decimal}{cents}", number(lang, whole));
    // The sign before the whole amount, symbol included: -€1,000.00, -1.000,00 €.
    match lang {
        Lang::En => format!("{sign}€{number}"),
        Lang::Nl => format!("{sign}€ {number}"),
        Lang::Fr | Lang::De => format!("{sign}{number} €"),
    }
}

/// Fills `{name}` placeholders.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The language a browser prefers among ours, from `Accept-Language` (`nl-BE,nl;q=0.9,fr;q=0.8`):
/// the highest weight wins, the first listed among equals.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    // A header is bounded by the server's header limits; its first 32 entries are plenty.
    for entry in header.split(',').take(32) {
        let mut parts = entry.trim().split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        let Some(lang) = Lang::from_code(primary) else {
            continue;
        };
        if weight > 0.0 && best.is_none_or(|(_, w)| weight > w) {
            best = Some((lang, weight));
        }
    }
    best.map(|(lang, _)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use commons_domain::activity_report::ReportStatus;
    use commons_domain::collaboration::{
        ParticipantRole, ProposalStatus, ResponseStatus, ServiceStatus, TransferStatus,
    };
    use commons_domain::evaluation::{
        EvaluationStatus, IndicatorUnit, QualityCriterion, Readiness,
    };
    use commons_domain::identity::Role;
    use commons_domain::organisation::OrganisationKind;
    use commons_domain::tool::{ServiceCategory, ToolKind};

    fn translations() -> Translations {
        match Translations::load() {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn every_key_exists_in_all_four_languages() {
        let t = translations();
        let english = t.keys(Lang::En);
        assert!(english.len() > 50, "{} keys", english.len());
        for lang in Lang::ALL {
            assert_eq!(t.keys(lang), english, "the keys of {}", lang.code());
            for key in &english {
                assert!(
                    !t.get(lang, key).trim().is_empty(),
                    "{key} is empty in {}",
                    lang.code()
                );
            }
        }
    }

    /// Every key the templates (`page.t(…)`) and the page code (`get(lang, …)`)
    /// name exists.
    #[test]
    fn every_key_used_exists() {
        let t = translations();
        let known = t.keys(Lang::En);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        for dir in ["templates", "src", "src/collaborations"] {
            for entry in std::fs::read_dir(root.join(dir))
                .into_iter()
                .flatten()
                .flatten()
            {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    sources.push((entry.path(), text));
                }
            }
        }
        let code = sources
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
            .count();
        assert!(
            sources.len() - code >= 5 && code >= 10,
            "templates and page code found"
        );
        let mut used = 0;
        for (path, text) in &sources {
            for call in [
                "page.t(\"",
                "get(lang, \"",
                "get(visit.lang, \"",
                "find(lang, \"",
            ] {
                for (at, _) in text.match_indices(call) {
                    let rest = &text[at + call.len()..];
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        continue;
                    }
                    used += 1;
                    assert!(
                        known.contains(&key),
                        "{} uses {key}, which no file has",
                        path.display()
                    );
                }
            }
        }
        assert!(used > 40, "{used} keys used");
    }

    /// Names built from the API's enums (`kind_WORKSHOP_FORMAT`) exist for every value.
    #[test]
    fn every_enum_value_has_a_name() {
        let t = translations();
        let known = t.keys(Lang::En);
        let mut keys: Vec<String> = Vec::new();
        keys.extend(ToolKind::ALL.iter().map(|k| format!("kind_{}", k.as_str())));
        keys.extend(
            ServiceCategory::ALL
                .iter()
                .map(|c| format!("category_{}", c.as_str())),
        );
        keys.extend(
            Lang::ALL
                .iter()
                .map(|l| format!("lang_{}", l.code().to_uppercase())),
        );
        keys.extend(Role::ALL.iter().map(|r| format!("role_{}", r.as_str())));
        keys.extend(
            ProposalStatus::ALL
                .iter()
                .map(|s| format!("proposal_status_{}", s.as_str())),
        );
        keys.extend(
            ResponseStatus::ALL
                .iter()
                .map(|s| format!("response_{}", s.as_str())),
        );
        keys.extend(
            ServiceStatus::ALL
                .iter()
                .map(|s| format!("service_status_{}", s.as_str())),
        );
        keys.extend(
            TransferStatus::ALL
                .iter()
                .map(|s| format!("transfer_status_{}", s.as_str())),
        );
        keys.extend(
            ParticipantRole::ALL
                .iter()
                .map(|r| format!("participant_{}", r.as_str())),
        );
        keys.extend(QualityCriterion::ALL.iter().flat_map(|c| {
            [
                format!("criterion_{}", c.as_str()),
                format!("criterion_{}_hint", c.as_str()),
            ]
        }));
        keys.extend(
            IndicatorUnit::ALL
                .iter()
                .map(|u| format!("indicator_unit_{}", u.as_str())),
        );
        keys.extend(
            EvaluationStatus::ALL
                .iter()
                .map(|s| format!("evaluation_status_{}", s.as_str())),
        );
        keys.extend(
            [
                Readiness::NoReport,
                Readiness::ReportNotAccepted,
                Readiness::NotEvaluated,
                Readiness::NotApproved,
                Readiness::Ready,
            ]
            .iter()
            .map(|r| format!("readiness_{}", r.as_str())),
        );
        keys.extend((1..=5).map(|s| format!("score_{s}")));
        // A report never submitted is a draft.
        keys.push("report_status_DRAFT".to_owned());
        keys.extend(
            ReportStatus::ALL
                .iter()
                .map(|s| format!("report_status_{}", s.as_str())),
        );
        keys.extend(
            [
                OrganisationKind::Caisse,
                OrganisationKind::Partner,
                OrganisationKind::Inasti,
                OrganisationKind::Committee,
            ]
            .iter()
            .map(|k| format!("org_kind_{}", k.as_str())),
        );
        for key in keys {
            assert!(known.contains(&key.as_str()), "{key} has no translation");
        }
    }

    #[test]
    fn the_browser_language_is_read_by_weight() {
        assert_eq!(
            from_accept_language("nl-BE,nl;q=0.9,fr;q=0.8"),
            Some(Lang::Nl)
        );
        assert_eq!(
            from_accept_language("es;q=1, de;q=0.5, fr;q=0.7"),
            Some(Lang::Fr)
        );
        assert_eq!(from_accept_language("en-GB"), Some(Lang::En));
        assert_eq!(from_accept_language("es, it"), None);
        assert_eq!(from_accept_language("fr;q=0, de"), Some(Lang::De));
        assert_eq!(from_accept_language(""), None);
    }

    #[test]
    fn counts_are_said_in_the_singular_or_the_plural_with_digits_grouped() {
        let t = translations();
        assert_eq!(t.count(Lang::Fr, "results_count", 0), "0 outil");
        assert_eq!(t.count(Lang::Fr, "results_count", 1), "1 outil");
        assert_eq!(
            t.count(Lang::Fr, "results_count", 12_345),
            "12\u{202f}345 outils"
        );
        assert_eq!(t.count(Lang::En, "results_count", 0), "0 tools");
        assert_eq!(t.count(Lang::En, "results_count", 1), "1 tool");
        assert_eq!(
            t.count(Lang::Nl, "results_count", 1_234),
            "1.234 instrumenten"
        );
        assert_eq!(number(Lang::En, -1_234_567), "-1,234,567");
        assert_eq!(number(Lang::De, 999), "999");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill("{n} tool(s) by {org}", &[("n", "3"), ("org", "UCM")]),
            "3 tool(s) by UCM"
        );
    }

    #[test]
    fn amounts_are_written_the_way_each_language_writes_them() {
        assert_eq!(money(Lang::En, "4161600.00"), "€4,161,600.00");
        assert_eq!(
            money(Lang::Fr, "4161600.00"),
            "4\u{202f}161\u{202f}600,00 €"
        );
        assert_eq!(money(Lang::Nl, "572822.08"), "€ 572.822,08");
        assert_eq!(money(Lang::De, "150000.00"), "150.000,00 €");
        assert_eq!(money(Lang::En, "12.50"), "€12.50");
        assert_eq!(money(Lang::En, "-1000.00"), "-€1,000.00");
        assert_eq!(money(Lang::En, "7"), "€7.00");
        assert_eq!(money(Lang::Fr, "25.00"), "25,00 €");
        assert_eq!(
            money(Lang::De, "n/a"),
            "n/a",
            "what is not an amount is shown as it came"
        );
    }
}
