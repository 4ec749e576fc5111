//! Translations by peers: the language border crossed by colleagues. A tool's organisation asks
//! for translations into languages its published tool lacks; another organisation offers one,
//! which the owner accepts — a new revision holding it, sent to moderation as any other — or
//! declines with a note. The translator is credited, and it counts in its activity report.

use chrono::{DateTime, Utc};

use super::lang::Lang;
use super::tool::{
    BODY_MAX_BYTES, Lifecycle, SUMMARY_MAX_CHARS, TITLE_MAX_CHARS, Tool, Translation,
};
use super::validation::{self, FieldError, FieldErrorCode};

/// An owner's note when declining, at most this long.
pub const NOTE_MAX_CHARS: usize = 2_000;

named_enum!(
    /// Where an offer stands.
    OfferStatus {
        Open = "OPEN",
        /// A revision holds it, sent to moderation.
        Accepted = "ACCEPTED",
        Declined = "DECLINED",
    }
);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranslationOffer {
    pub id: i64,
    pub tool_id: i64,
    pub translator_organisation_id: i64,
    pub translator_id: i64,
    pub translation: Translation,
    pub created_at: DateTime<Utc>,
    pub status: OfferStatus,
    pub note: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The revision that holds an accepted offer.
    pub revision: Option<i32>,
}

/// Whether an offer credits its translator on the tool: accepted, and its revision (or a later
/// one) published.
pub fn credited(offer: &TranslationOffer, published_revision: Option<i32>) -> bool {
    offer.status == OfferStatus::Accepted
        && offer
            .revision
            .is_some_and(|r| published_revision.is_some_and(|p| r <= p))
}

/// Whether a tool takes offers and requests: published and active.
pub fn open_to_translation(tool: &Tool) -> bool {
    tool.published_revision.is_some() && tool.lifecycle == Lifecycle::Active
}

/// A translation as offered: the tool's own bounds, title and summary required.
pub fn validate(
    lang: Lang,
    title: &str,
    summary: &str,
    body: &str,
) -> Result<Translation, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = validation::required_text(&["title"], title, TITLE_MAX_CHARS)
        .map_err(|e| errors.push(e))
        .ok();
    let summary = validation::required_text(&["summary"], summary, SUMMARY_MAX_CHARS)
        .map_err(|e| errors.push(e))
        .ok();
    let body = body.trim().to_owned();
    if body.len() > BODY_MAX_BYTES {
        errors.push(FieldError::new(
            &["body"],
            FieldErrorCode::TooLong,
            format!("must be at most {} KiB", BODY_MAX_BYTES / 1024),
        ));
    }
    match (title, summary) {
        (Some(title), Some(summary)) if errors.is_empty() => Ok(Translation {
            lang,
            title,
            summary,
            body,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offer_keeps_the_tools_own_bounds() {
        let ok = validate(Lang::Nl, " Titel ", "Samenvatting", "");
        let ok = ok
            .as_ref()
            .map(|t| (t.title.as_str(), t.lang))
            .map_err(Vec::len);
        assert_eq!(ok, Ok(("Titel", Lang::Nl)));
        let refused = validate(Lang::Nl, "", &"x".repeat(SUMMARY_MAX_CHARS + 1), "");
        assert_eq!(refused.map_err(|e| e.len()), Err(2));
        let huge = "x".repeat(BODY_MAX_BYTES + 1);
        assert!(validate(Lang::De, "T", "S", &huge).is_err());
    }
}
