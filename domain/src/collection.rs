//! INASTI's themed collections of published tools: a localised title and description, the tools
//! in their order, whether featured. A reader sees the tools of a collection they may read; a
//! tool that stops being published leaves the public view of its collections.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::lang::{Lang, LocalisedText};
use super::validation::{self, FieldError, FieldErrorCode, Validator};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
pub const MAX_TOOLS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    pub id: i64,
    pub title: LocalisedText,
    pub description: LocalisedText,
    pub tool_ids: Vec<i64>,
    pub featured: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionContent {
    pub title: LocalisedText,
    pub description: LocalisedText,
    pub tool_ids: Vec<i64>,
    pub featured: bool,
}

pub fn validate(
    titles: &[(Lang, String)],
    descriptions: &[(Lang, String)],
    tool_ids: &[i64],
    featured: bool,
) -> Result<CollectionContent, Vec<FieldError>> {
    let mut v = Validator::new();
    let title = validation::localised_text(&mut v, "titles", titles, TITLE_MAX_CHARS);
    let description = if descriptions.is_empty() {
        Some(LocalisedText::new())
    } else {
        validation::localised_text(&mut v, "descriptions", descriptions, DESCRIPTION_MAX_CHARS)
    };
    if tool_ids.len() > MAX_TOOLS {
        v.push(FieldError::new(
            &["toolIds"],
            FieldErrorCode::TooLong,
            format!("at most {MAX_TOOLS} tools"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, id) in tool_ids.iter().enumerate() {
        if !seen.insert(id) {
            v.push(FieldError::new(
                &["toolIds", &i.to_string()],
                FieldErrorCode::Duplicate,
                "named twice",
            ));
        }
    }
    v.finish()?;
    match (title, description) {
        (Some(title), Some(description)) => Ok(CollectionContent {
            title,
            description,
            tool_ids: tool_ids.to_vec(),
            featured,
        }),
        _ => Err(vec![FieldError::new(
            &["titles"],
            FieldErrorCode::Required,
            "give a title",
        )]),
    }
}
