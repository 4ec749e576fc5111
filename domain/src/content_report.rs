//! Reports of problematic content: any signed-in person flags a tool, a review or a proposal
//! message they can read, with a reason and a text; an INASTI moderator resolves the item's
//! reports by dismissing them or by acting on the item (withdrawing the tool, marking it out of
//! date, hiding the review or the message). The reporter is told the outcome; the reported
//! organisation learns what was decided, never who reported.

use chrono::{DateTime, Utc};

use super::tool::{Lifecycle, Tool};
use super::validation::{self, FieldError, FieldErrorCode};

/// What a report says, at most this long.
pub const TEXT_MAX_CHARS: usize = 2_000;
/// A moderator's reason for the outcome, at most this long (the moderation log's bound).
pub const RESOLUTION_MAX_CHARS: usize = 2_000;

named_enum!(
    /// Why something is reported.
    ReportReason {
        /// Wrong facts, wrong contact details or prices.
        Inaccurate = "INACCURATE",
        /// No longer current: a moderator who agrees marks the tool out of date
        /// ([`ReportOutcome::MarkOutdated`]), which makes it due for review now.
        Outdated = "OUTDATED",
        /// Could hurt someone who follows it.
        Harmful = "HARMFUL",
        /// Shows personal data that should not be there.
        PersonalData = "PERSONAL_DATA",
        /// Someone else's work, used without leave.
        Copyright = "COPYRIGHT",
        Other = "OTHER",
    }
);

named_enum!(
    /// What is reported.
    ReportedKind {
        Tool = "TOOL",
        Review = "REVIEW",
        /// A message in a collaboration proposal's thread.
        ProposalMessage = "PROPOSAL_MESSAGE",
    }
);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportedItem {
    pub kind: ReportedKind,
    pub id: i64,
}

named_enum!(
    /// How a moderator resolves a report. Any outcome answers every open report of its item:
    /// the moderator looked at the item, not at one person's words.
    ReportOutcome {
        /// Nothing to change.
        Dismiss = "DISMISS",
        /// The tool leaves publication (a withdrawal in its moderation log).
        WithdrawTool = "WITHDRAW_TOOL",
        /// The tool is due for review now: its pages say it may be out of date until its
        /// organisation confirms it or edits it.
        MarkOutdated = "MARK_OUTDATED",
        /// The review leaves the tool's page and average.
        HideReview = "HIDE_REVIEW",
        /// The message's words leave the thread for all but its organisation and moderators.
        HideMessage = "HIDE_MESSAGE",
    }
);

impl ReportOutcome {
    /// Whether this outcome acts on an item of this kind.
    pub fn applies_to(self, kind: ReportedKind) -> bool {
        match self {
            ReportOutcome::Dismiss => true,
            ReportOutcome::WithdrawTool | ReportOutcome::MarkOutdated => kind == ReportedKind::Tool,
            ReportOutcome::HideReview => kind == ReportedKind::Review,
            ReportOutcome::HideMessage => kind == ReportedKind::ProposalMessage,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub outcome: ReportOutcome,
    pub reason: String,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// Where a reported item lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReportContext {
    Tool(i64),
    Proposal(i64),
}

impl ReportContext {
    pub fn tool_id(self) -> Option<i64> {
        match self {
            ReportContext::Tool(id) => Some(id),
            ReportContext::Proposal(_) => None,
        }
    }

    pub fn proposal_id(self) -> Option<i64> {
        match self {
            ReportContext::Proposal(id) => Some(id),
            ReportContext::Tool(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentReport {
    pub id: i64,
    pub item: ReportedItem,
    /// What a moderator looks at: the tool the item is or belongs to, or the proposal a
    /// reported message is in.
    pub context: ReportContext,
    pub reporter_id: i64,
    pub reporter_organisation_id: i64,
    pub reason: ReportReason,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub resolution: Option<Resolution>,
}

/// Whether a tool may be reported: what others read (an archived tool too). A draft is its
/// organisation's own work; a withdrawn tool is out of reach already.
pub fn reportable(tool: &Tool) -> bool {
    tool.published_revision.is_some() && tool.lifecycle != Lifecycle::Withdrawn
}

/// A report's text as written: required, bounded.
pub fn validate_text(text: &str) -> Result<String, FieldError> {
    validation::required_text(&["text"], text, TEXT_MAX_CHARS)
}

/// A resolution as a moderator asks for it: an outcome that fits the item, and a reason.
pub fn validate_resolution(
    outcome: ReportOutcome,
    kind: ReportedKind,
    reason: &str,
) -> Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !outcome.applies_to(kind) {
        errors.push(FieldError::new(
            &["outcome"],
            FieldErrorCode::InvalidState,
            format!("{outcome} does not apply to a reported {kind}"),
        ));
    }
    let reason = validation::required_text(&["reason"], reason, RESOLUTION_MAX_CHARS)
        .map_err(|e| errors.push(e))
        .ok();
    match reason {
        Some(r) if errors.is_empty() => Ok(r),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_fits_the_kind_of_item_it_acts_on() {
        assert!(ReportOutcome::Dismiss.applies_to(ReportedKind::Review));
        assert!(ReportOutcome::WithdrawTool.applies_to(ReportedKind::Tool));
        assert!(!ReportOutcome::WithdrawTool.applies_to(ReportedKind::Review));
        assert!(!ReportOutcome::HideReview.applies_to(ReportedKind::Tool));
        assert!(ReportOutcome::HideMessage.applies_to(ReportedKind::ProposalMessage));
        assert!(!ReportOutcome::HideMessage.applies_to(ReportedKind::Review));
        assert!(!ReportOutcome::WithdrawTool.applies_to(ReportedKind::ProposalMessage));
        let refused = validate_resolution(ReportOutcome::HideReview, ReportedKind::Tool, " ");
        assert_eq!(
            refused.map_err(|e| e.len()),
            Err(2),
            "wrong outcome and no reason"
        );
        assert_eq!(
            validate_resolution(ReportOutcome::MarkOutdated, ReportedKind::Tool, " old "),
            Ok("old".to_owned())
        );
    }

    #[test]
    fn a_report_says_something_within_its_bound() {
        assert!(validate_text("  ").is_err());
        assert!(validate_text(&"x".repeat(TEXT_MAX_CHARS + 1)).is_err());
        assert_eq!(
            validate_text(" wrong phone number "),
            Ok("wrong phone number".into())
        );
    }
}
