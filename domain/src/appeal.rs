//! Appeals: the organisation a moderator's decision went against — its tool rejected, sent back
//! or withdrawn, its review hidden — contests it once, with a statement. A moderator other than
//! the one who decided upholds it or overturns it, with a reason; overturning restores what the
//! decision took away.

use chrono::{DateTime, Utc};

use super::tool::Decision;
use super::validation::{self, FieldError};

/// What an appeal says, at most this long.
pub const STATEMENT_MAX_CHARS: usize = 4_000;
/// A moderator's reason for upholding or overturning, at most this long.
pub const REASON_MAX_CHARS: usize = 2_000;

named_enum!(
    /// How a moderator decides an appeal.
    AppealOutcome {
        /// The decision stands.
        Upheld = "UPHELD",
        /// The decision is undone: what it took away is restored.
        Overturned = "OVERTURNED",
    }
);

/// Whether a decision can be appealed: those that take something away from an organisation.
/// (An approval takes nothing; a tool marked out of date is confirmed by its organisation.)
pub fn appealable(decision: Decision) -> bool {
    matches!(
        decision,
        Decision::Reject | Decision::RequestChanges | Decision::Withdraw | Decision::HideReview
    )
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppealDecision {
    pub outcome: AppealOutcome,
    pub reason: String,
    pub by: i64,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appeal {
    pub id: i64,
    /// The moderation decision appealed.
    pub decision_id: i64,
    pub tool_id: i64,
    /// For a hidden review: the review.
    pub review_id: Option<i64>,
    pub appellant_organisation_id: i64,
    pub appellant_id: i64,
    pub statement: String,
    pub filed_at: DateTime<Utc>,
    pub decided: Option<AppealDecision>,
}

pub fn validate_statement(statement: &str) -> Result<String, FieldError> {
    validation::required_text(&["statement"], statement, STATEMENT_MAX_CHARS)
}

pub fn validate_reason(reason: &str) -> Result<String, FieldError> {
    validation::required_text(&["reason"], reason, REASON_MAX_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_decision_that_takes_something_away_is_appealed() {
        let appealed: Vec<Decision> = Decision::ALL
            .iter()
            .copied()
            .filter(|d| appealable(*d))
            .collect();
        assert_eq!(
            appealed,
            [
                Decision::RequestChanges,
                Decision::Reject,
                Decision::Withdraw,
                Decision::HideReview
            ]
        );
        assert!(validate_statement(&"x".repeat(STATEMENT_MAX_CHARS + 1)).is_err());
        assert!(validate_statement(" ").is_err());
    }
}
