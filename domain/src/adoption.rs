//! Adoption: an organisation says it uses another organisation's published tool, as is or
//! adapted into a tool of its own (which then shows "based on" the original). One live adoption
//! per organisation and tool; withdrawing ends it and keeps it, with its dates, as history.

use chrono::{DateTime, Utc};

use super::tool::{Tool, ToolStatus};
use super::validation::{FieldError, FieldErrorCode};

pub const NOTE_MAX_CHARS: usize = 2_000;

named_enum!(AdoptionMode {
    /// Used as published.
    AsIs = "AS_IS",
    /// Adapted into a tool of the adopter's own.
    Adapted = "ADAPTED",
});

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adoption {
    pub id: i64,
    pub tool_id: i64,
    pub organisation_id: i64,
    pub mode: AdoptionMode,
    pub derived_tool_id: Option<i64>,
    pub note: Option<String>,
    pub since: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Whose adoptions a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdoptionsOf {
    Tool(i64),
    Organisation(i64),
}

/// Whether a tool is published and live: what can be adopted, reviewed and collected.
pub fn is_live(tool: &Tool) -> bool {
    tool.status == ToolStatus::Published
}

/// May `adopter` adopt `tool` in `mode`, with `derived` as its own adaptation?
pub fn check(
    tool: &Tool,
    adopter: i64,
    mode: AdoptionMode,
    derived: Option<&Tool>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if tool.owner_id == adopter {
        errors.push(FieldError::new(
            &["toolId"],
            FieldErrorCode::NotAllowed,
            "an organisation does not adopt its own tool",
        ));
    } else if !is_live(tool) {
        errors.push(FieldError::new(
            &["toolId"],
            FieldErrorCode::InvalidState,
            "only a published tool can be adopted",
        ));
    }
    match (mode, derived) {
        (AdoptionMode::Adapted, None) => errors.push(FieldError::new(
            &["derivedToolId"],
            FieldErrorCode::Required,
            "an adapted tool names the adopter's own tool it became",
        )),
        (AdoptionMode::AsIs, Some(_)) => errors.push(FieldError::new(
            &["derivedToolId"],
            FieldErrorCode::NotAllowed,
            "a tool used as is has no derived tool; say ADAPTED",
        )),
        (AdoptionMode::Adapted, Some(d)) if d.owner_id != adopter => errors.push(FieldError::new(
            &["derivedToolId"],
            FieldErrorCode::NotAllowed,
            "the derived tool is one of the adopter's own",
        )),
        (AdoptionMode::Adapted, Some(d)) if d.id == tool.id => errors.push(FieldError::new(
            &["derivedToolId"],
            FieldErrorCode::NotAllowed,
            "a tool is not derived from itself",
        )),
        _ => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
