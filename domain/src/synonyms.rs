//! The concept table of search: each concept names the words for one idea of the field in
//! the four languages, so that a search in one language finds tools written in another.
//! INASTI's moderators keep it; these are its rules.

use std::collections::BTreeSet;

use super::lang::Lang;
use super::validation::{FieldError, FieldErrorCode, Validator, required_text};

pub const MAX_CONCEPTS: usize = 500;
pub const MAX_TERMS: usize = 40;
pub const MAX_NAME_CHARS: usize = 60;
pub const MAX_TERM_CHARS: usize = 60;
/// A term is looked for as a run of this many words at most.
pub const MAX_TERM_WORDS: usize = 4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concept {
    pub name: String,
    pub terms: Vec<(Lang, String)>,
}

/// A concept table that passed [`validate`]: holding one proves the checks were made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConceptTable(Vec<Concept>);

impl ConceptTable {
    pub fn concepts(&self) -> &[Concept] {
        &self.0
    }

    pub fn into_concepts(self) -> Vec<Concept> {
        self.0
    }
}

/// Checks a table as typed: names and terms present, within their lengths, no name twice, no
/// term twice in one concept, and a concept has words in at least two languages or two words.
pub fn validate(concepts: Vec<Concept>) -> Result<ConceptTable, Vec<FieldError>> {
    let mut v = Validator::new();
    if concepts.len() > MAX_CONCEPTS {
        v.push(FieldError::new(
            &["concepts"],
            FieldErrorCode::TooLong,
            format!("at most {MAX_CONCEPTS} concepts"),
        ));
        return v.finish().map(|()| ConceptTable(Vec::new()));
    }
    let mut names = BTreeSet::new();
    let mut cleaned = Vec::with_capacity(concepts.len());
    for (i, concept) in concepts.into_iter().enumerate() {
        let at = i.to_string();
        let name = v.check(
            required_text(&["name"], &concept.name, MAX_NAME_CHARS)
                .map_err(|e| e.under(&["concepts", &at])),
        );
        if let Some(name) = &name
            && !names.insert(name.to_lowercase())
        {
            v.push(FieldError::new(
                &["concepts", &at, "name"],
                FieldErrorCode::Duplicate,
                "another concept has this name",
            ));
        }
        if concept.terms.len() > MAX_TERMS {
            v.push(FieldError::new(
                &["concepts", &at, "terms"],
                FieldErrorCode::TooLong,
                format!("at most {MAX_TERMS} terms"),
            ));
            continue;
        }
        if concept.terms.len() < 2 {
            v.push(FieldError::new(
                &["concepts", &at, "terms"],
                FieldErrorCode::TooShort,
                "a concept joins two terms at least",
            ));
        }
        let mut seen = BTreeSet::new();
        let mut terms = Vec::with_capacity(concept.terms.len());
        for (j, (lang, text)) in concept.terms.into_iter().enumerate() {
            let tj = j.to_string();
            let field = ["concepts", at.as_str(), "terms", tj.as_str(), "text"];
            let Some(text) = v.check(required_text(&field, &text, MAX_TERM_CHARS)) else {
                continue;
            };
            if text.split_whitespace().count() > MAX_TERM_WORDS {
                v.push(FieldError::new(
                    &field,
                    FieldErrorCode::TooLong,
                    format!("a term is at most {MAX_TERM_WORDS} words"),
                ));
                continue;
            }
            if !seen.insert((lang, text.to_lowercase())) {
                v.push(FieldError::new(
                    &field,
                    FieldErrorCode::Duplicate,
                    "this term is already in the concept",
                ));
                continue;
            }
            terms.push((lang, text));
        }
        if let Some(name) = name {
            cleaned.push(Concept { name, terms });
        }
    }
    v.finish().map(|()| ConceptTable(cleaned))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn concept(name: &str, terms: &[(Lang, &str)]) -> Concept {
        Concept {
            name: name.into(),
            terms: terms.iter().map(|(l, t)| (*l, (*t).to_owned())).collect(),
        }
    }

    #[test]
    fn a_table_of_concepts_in_several_languages_is_accepted() {
        let table = validate(vec![concept(
            "sleep",
            &[(Lang::Fr, " sommeil "), (Lang::Nl, "slaap")],
        )])
        .unwrap();
        assert_eq!(table.concepts()[0].terms[0].1, "sommeil");
    }

    #[test]
    fn every_mistake_is_reported_with_its_field() {
        let errors = validate(vec![
            concept("sleep", &[(Lang::Fr, "sommeil"), (Lang::Fr, "Sommeil")]),
            concept("Sleep", &[(Lang::Fr, "")]),
            concept("long", &[(Lang::Fr, "a b c d e"), (Lang::Nl, "x")]),
        ])
        .unwrap_err();
        let fields: Vec<String> = errors.iter().map(|e| e.field.join(".")).collect();
        assert!(
            fields.contains(&"concepts.0.terms.1.text".to_owned()),
            "{fields:?}"
        );
        assert!(fields.contains(&"concepts.1.name".to_owned()), "{fields:?}");
        assert!(
            fields.contains(&"concepts.1.terms".to_owned()),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"concepts.2.terms.0.text".to_owned()),
            "{fields:?}"
        );
    }

    #[test]
    fn a_table_too_large_is_refused_whole() {
        let many = (0..=MAX_CONCEPTS)
            .map(|i| concept(&format!("c{i}"), &[(Lang::Fr, "a"), (Lang::Nl, "b")]))
            .collect();
        assert_eq!(validate(many).unwrap_err()[0].code, FieldErrorCode::TooLong);
    }
}
