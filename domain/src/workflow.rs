//! The moderation workflow as pure functions: each takes where a tool stands and returns where
//! it goes, or why it cannot. The service writes the result in one transaction.
//!
//! ```text
//! DRAFT ──submit──> IN_REVIEW ──approve──> PUBLISHED ──archive (owner)──> ARCHIVED
//!   ^                  │  │                    │ └──withdraw (moderator)──> WITHDRAWN
//!   └──edit── CHANGES_REQUESTED                │
//!                      └──reject──> REJECTED    └──edit: a new revision is reviewed while
//!                                                  the published one stays live
//! ```

use chrono::{DateTime, Utc};

use super::tool::{Decision, Lifecycle, ReviewPeriod, RevisionStatus, Tool, Visibility};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The caller acted on a revision that is no longer the latest.
    #[error("revision {given} is not the latest: the tool is at revision {latest}")]
    Stale { given: i32, latest: i32 },
    #[error("{0}")]
    InvalidState(String),
    #[error("a tool kept to its organisation is never submitted; choose NETWORK or PUBLIC")]
    KeptToOrganisation,
    #[error("a tool that went to review cannot be kept to its organisation")]
    NoLongerPrivate,
}

/// Where a tool goes, and which of its revisions change status on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub tool: Tool,
    pub revisions: Vec<(i32, RevisionStatus)>,
}

fn require_active(tool: &Tool) -> Result<(), WorkflowError> {
    match tool.lifecycle {
        Lifecycle::Active => Ok(()),
        Lifecycle::Archived => Err(WorkflowError::InvalidState("the tool is archived".into())),
        Lifecycle::Withdrawn => Err(WorkflowError::InvalidState("the tool was withdrawn".into())),
    }
}

fn require_latest(tool: &Tool, given: i32) -> Result<(), WorkflowError> {
    if given == tool.latest_revision {
        Ok(())
    } else {
        Err(WorkflowError::Stale {
            given,
            latest: tool.latest_revision,
        })
    }
}

fn settle(mut tool: Tool, now: DateTime<Utc>) -> Tool {
    tool.status = Tool::derive_status(
        tool.lifecycle,
        tool.published_revision.is_some(),
        tool.latest_status,
    );
    tool.updated_at = now;
    tool
}

/// An edit based on revision `base` makes a new draft revision with this visibility.
/// `submitted_before`: some revision of the tool was once sent to review, so INASTI has seen
/// it and its moderation log is theirs to read; it never becomes `ORGANISATION` again.
pub fn edit(
    tool: &Tool,
    base: i32,
    visibility: Visibility,
    submitted_before: bool,
    now: DateTime<Utc>,
) -> Result<Transition, WorkflowError> {
    require_active(tool)?;
    require_latest(tool, base)?;
    match tool.latest_status {
        RevisionStatus::InReview => {
            return Err(WorkflowError::InvalidState(format!(
                "revision {} is in review: wait for the decision",
                tool.latest_revision
            )));
        }
        RevisionStatus::Rejected if tool.published_revision.is_none() => {
            return Err(WorkflowError::InvalidState("the tool was rejected".into()));
        }
        _ => {}
    }
    let went_to_review = submitted_before
        || tool.published_revision.is_some()
        || matches!(
            tool.latest_status,
            RevisionStatus::ChangesRequested | RevisionStatus::Rejected
        );
    if visibility == Visibility::Organisation && went_to_review {
        return Err(WorkflowError::NoLongerPrivate);
    }
    let mut revisions = Vec::new();
    if tool.latest_status == RevisionStatus::Draft {
        revisions.push((tool.latest_revision, RevisionStatus::Superseded));
    }
    let mut next = tool.clone();
    next.latest_revision += 1;
    next.latest_status = RevisionStatus::Draft;
    next.latest_visibility = visibility;
    next.submitted_at = None;
    Ok(Transition {
        tool: settle(next, now),
        revisions,
    })
}

/// Whether a revision in this state takes files: a draft, or one sent back for changes. A
/// revision in review or decided keeps its files; an edit starts a new one that can take others.
pub fn takes_files(status: RevisionStatus) -> bool {
    matches!(
        status,
        RevisionStatus::Draft | RevisionStatus::ChangesRequested
    )
}

/// The owner asks for review of the latest revision, `revision`.
pub fn submit(tool: &Tool, revision: i32, now: DateTime<Utc>) -> Result<Transition, WorkflowError> {
    require_active(tool)?;
    require_latest(tool, revision)?;
    if tool.latest_status != RevisionStatus::Draft {
        return Err(WorkflowError::InvalidState(format!(
            "only a draft is submitted; revision {revision} is {}",
            tool.latest_status
        )));
    }
    if tool.latest_visibility == Visibility::Organisation {
        return Err(WorkflowError::KeptToOrganisation);
    }
    let mut next = tool.clone();
    next.latest_status = RevisionStatus::InReview;
    next.submitted_at = Some(now);
    Ok(Transition {
        tool: settle(next, now),
        revisions: vec![(revision, RevisionStatus::InReview)],
    })
}

/// A moderator's decision on the revision in review.
pub fn decide(
    tool: &Tool,
    revision: i32,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<Transition, WorkflowError> {
    require_active(tool)?;
    require_latest(tool, revision)?;
    if tool.latest_status != RevisionStatus::InReview {
        return Err(WorkflowError::InvalidState(format!(
            "revision {revision} is not in review (it is {})",
            tool.latest_status
        )));
    }
    let mut next = tool.clone();
    next.submitted_at = None;
    let mut revisions = Vec::new();
    match decision {
        Decision::Approve => {
            if let Some(previous) = tool.published_revision {
                revisions.push((previous, RevisionStatus::Superseded));
            }
            revisions.push((revision, RevisionStatus::Published));
            next.latest_status = RevisionStatus::Published;
            next.published_revision = Some(revision);
            next.published_visibility = Some(tool.latest_visibility);
            next.reviewed_at = Some(now);
        }
        Decision::RequestChanges => {
            revisions.push((revision, RevisionStatus::ChangesRequested));
            next.latest_status = RevisionStatus::ChangesRequested;
        }
        Decision::Reject => {
            revisions.push((revision, RevisionStatus::Rejected));
            next.latest_status = RevisionStatus::Rejected;
        }
        Decision::Withdraw => {
            return Err(WorkflowError::InvalidState(
                "withdraw a published tool with withdrawTool".into(),
            ));
        }
        Decision::HideReview
        | Decision::MarkOutdated
        | Decision::AppealUpheld
        | Decision::AppealOverturned
        | Decision::DismissReports => {
            return Err(WorkflowError::InvalidState(format!(
                "{decision} answers a report or a review; a revision is approved, sent back or rejected"
            )));
        }
    }
    Ok(Transition {
        tool: settle(next, now),
        revisions,
    })
}

fn require_published(tool: &Tool) -> Result<(), WorkflowError> {
    if tool.published_revision.is_some() {
        Ok(())
    } else {
        Err(WorkflowError::InvalidState(
            "the tool has never been published".into(),
        ))
    }
}

/// The owner retires a published tool; it stays readable, marked archived.
pub fn archive(tool: &Tool, now: DateTime<Utc>) -> Result<Transition, WorkflowError> {
    require_active(tool)?;
    require_published(tool)?;
    let mut next = tool.clone();
    next.lifecycle = Lifecycle::Archived;
    Ok(Transition {
        tool: settle(next, now),
        revisions: Vec::new(),
    })
}

/// The owner confirms that the published content is still valid: no new revision, the
/// review date moves a period on.
pub fn confirm_current(tool: &Tool, now: DateTime<Utc>) -> Result<Transition, WorkflowError> {
    require_active(tool)?;
    require_published(tool)?;
    let mut next = tool.clone();
    next.reviewed_at = Some(now);
    Ok(Transition {
        tool: settle(next, now),
        revisions: Vec::new(),
    })
}

/// A moderator marks a published tool out of date, on a report: it is due for review now, and
/// its pages say so until its owner confirms it or edits it.
pub fn mark_outdated(
    tool: &Tool,
    period: ReviewPeriod,
    now: DateTime<Utc>,
) -> Result<Transition, WorkflowError> {
    require_active(tool)?;
    require_published(tool)?;
    let mut next = tool.clone();
    let due_now = now - period.after;
    next.reviewed_at = Some(tool.reviewed_at.map_or(due_now, |at| at.min(due_now)));
    Ok(Transition {
        tool: settle(next, now),
        revisions: Vec::new(),
    })
}

/// An appeal overturns a rejection or a request for changes: the revision goes back to review,
/// as it was submitted, for a moderator to decide again.
pub fn reopen_review(
    tool: &Tool,
    revision: i32,
    now: DateTime<Utc>,
) -> Result<Transition, WorkflowError> {
    require_active(tool)?;
    require_latest(tool, revision)?;
    if !matches!(
        tool.latest_status,
        RevisionStatus::Rejected | RevisionStatus::ChangesRequested
    ) {
        return Err(WorkflowError::InvalidState(format!(
            "revision {revision} is no longer as the decision left it (it is {})",
            tool.latest_status
        )));
    }
    let mut next = tool.clone();
    next.latest_status = RevisionStatus::InReview;
    next.submitted_at = Some(now);
    Ok(Transition {
        tool: settle(next, now),
        revisions: vec![(revision, RevisionStatus::InReview)],
    })
}

/// An appeal overturns a withdrawal: the tool is published again, as it was.
pub fn reinstate(tool: &Tool, now: DateTime<Utc>) -> Result<Transition, WorkflowError> {
    if tool.lifecycle != Lifecycle::Withdrawn {
        return Err(WorkflowError::InvalidState(
            "the tool is no longer withdrawn".into(),
        ));
    }
    require_published(tool)?;
    let mut next = tool.clone();
    next.lifecycle = Lifecycle::Active;
    Ok(Transition {
        tool: settle(next, now),
        revisions: Vec::new(),
    })
}

/// A moderator pulls a published tool from publication.
pub fn withdraw(tool: &Tool, now: DateTime<Utc>) -> Result<Transition, WorkflowError> {
    if tool.lifecycle == Lifecycle::Withdrawn {
        return Err(WorkflowError::InvalidState(
            "the tool was withdrawn already".into(),
        ));
    }
    require_published(tool)?;
    let mut next = tool.clone();
    next.lifecycle = Lifecycle::Withdrawn;
    Ok(Transition {
        tool: settle(next, now),
        revisions: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tool::ToolStatus;

    #[test]
    fn publication_and_confirmation_set_when_a_tool_is_due_for_review() {
        let period = ReviewPeriod::default();
        let draft = new_tool();
        assert!(confirm_current(&draft, now()).is_err(), "never published");
        assert_eq!(draft.review_due(period), None);
        let submitted = ok(submit(&draft, 1, now())).tool;
        let published = ok(decide(&submitted, 1, Decision::Approve, now())).tool;
        assert_eq!(published.review_due(period), Some(now() + period.after));
        let later = now() + period.after + chrono::Duration::days(1);
        assert!(published.review_overdue(period, later));
        let confirmed = ok(confirm_current(&published, later)).tool;
        assert_eq!(
            confirmed.latest_revision, published.latest_revision,
            "no new revision"
        );
        assert!(!confirmed.review_overdue(period, later));
        assert_eq!(confirmed.review_due(period), Some(later + period.after));
        let archived = ok(archive(&confirmed, later)).tool;
        assert_eq!(
            archived.review_due(period),
            None,
            "an archived tool is never due"
        );
        assert!(confirm_current(&archived, later).is_err());
    }

    #[test]
    fn a_tool_marked_out_of_date_is_due_now_until_confirmed() {
        let period = ReviewPeriod::default();
        let draft = new_tool();
        assert!(
            mark_outdated(&draft, period, now()).is_err(),
            "never published"
        );
        let submitted = ok(submit(&draft, 1, now())).tool;
        let published = ok(decide(&submitted, 1, Decision::Approve, now())).tool;
        let later = now() + chrono::Duration::days(10);
        let marked = ok(mark_outdated(&published, period, later)).tool;
        assert!(marked.review_overdue(period, later));
        assert_eq!(marked.review_due(period), Some(later));
        // Marking again never moves the date later.
        let again = ok(mark_outdated(
            &marked,
            period,
            later + chrono::Duration::days(1),
        ))
        .tool;
        assert_eq!(again.review_due(period), Some(later));
        let confirmed = ok(confirm_current(&again, later)).tool;
        assert!(!confirmed.review_overdue(period, later));
    }

    #[test]
    fn an_appeal_overturned_reopens_the_review_or_reinstates_the_tool() {
        let draft = new_tool();
        let submitted = ok(submit(&draft, 1, now())).tool;
        let rejected = ok(decide(&submitted, 1, Decision::Reject, now())).tool;
        let reopened = ok(reopen_review(&rejected, 1, now())).tool;
        assert_eq!(reopened.latest_status, RevisionStatus::InReview);
        assert!(
            reopen_review(&reopened, 1, now()).is_err(),
            "in review already"
        );
        let published = ok(decide(&reopened, 1, Decision::Approve, now())).tool;
        assert!(reinstate(&published, now()).is_err(), "not withdrawn");
        let withdrawn = ok(withdraw(&published, now())).tool;
        let back = ok(reinstate(&withdrawn, now())).tool;
        assert_eq!(back.lifecycle, Lifecycle::Active);
        assert_eq!(back.status, ToolStatus::Published);
    }

    fn new_tool() -> Tool {
        let now = DateTime::UNIX_EPOCH;
        Tool {
            id: 1,
            owner_id: 10,
            created_at: now,
            updated_at: now,
            lifecycle: Lifecycle::Active,
            status: ToolStatus::Draft,
            latest_revision: 1,
            latest_status: RevisionStatus::Draft,
            latest_visibility: Visibility::Public,
            published_revision: None,
            published_visibility: None,
            submitted_at: None,
            reviewed_at: None,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + chrono::Duration::hours(1)
    }

    fn ok(r: Result<Transition, WorkflowError>) -> Transition {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_draft_goes_to_review_and_is_published() {
        let submitted = ok(submit(&new_tool(), 1, now()));
        assert_eq!(submitted.tool.status, ToolStatus::InReview);
        assert_eq!(submitted.tool.submitted_at, Some(now()));
        let approved = ok(decide(&submitted.tool, 1, Decision::Approve, now()));
        assert_eq!(approved.tool.status, ToolStatus::Published);
        assert_eq!(approved.tool.published_revision, Some(1));
        assert_eq!(approved.revisions, vec![(1, RevisionStatus::Published)]);
    }

    #[test]
    fn editing_a_published_tool_keeps_it_live_until_the_new_revision_is_approved() {
        let published = ok(decide(
            &ok(submit(&new_tool(), 1, now())).tool,
            1,
            Decision::Approve,
            now(),
        ))
        .tool;
        let edited = ok(edit(&published, 1, Visibility::Public, false, now())).tool;
        assert_eq!(edited.status, ToolStatus::Published);
        assert_eq!(
            (edited.latest_revision, edited.published_revision),
            (2, Some(1))
        );
        let in_review = ok(submit(&edited, 2, now())).tool;
        let approved = ok(decide(&in_review, 2, Decision::Approve, now()));
        assert_eq!(approved.tool.published_revision, Some(2));
        assert_eq!(
            approved.revisions,
            vec![
                (1, RevisionStatus::Superseded),
                (2, RevisionStatus::Published)
            ]
        );
    }

    #[test]
    fn changes_requested_go_back_to_the_owner() {
        let in_review = ok(submit(&new_tool(), 1, now())).tool;
        let sent_back = ok(decide(&in_review, 1, Decision::RequestChanges, now())).tool;
        assert_eq!(sent_back.status, ToolStatus::ChangesRequested);
        assert!(matches!(
            submit(&sent_back, 1, now()),
            Err(WorkflowError::InvalidState(_))
        ));
        let edited = ok(edit(&sent_back, 1, Visibility::Public, true, now()));
        assert!(
            edited.revisions.is_empty(),
            "the revision sent back keeps its status"
        );
        assert_eq!(
            ok(submit(&edited.tool, 2, now())).tool.status,
            ToolStatus::InReview
        );
        // Edited again after the edit that answered the request: still never private.
        let again = ok(edit(&edited.tool, 2, Visibility::Public, true, now())).tool;
        assert_eq!(
            edit(&again, 3, Visibility::Organisation, true, now()),
            Err(WorkflowError::NoLongerPrivate)
        );
    }

    #[test]
    fn a_rejected_tool_that_was_never_published_is_closed() {
        let rejected = ok(decide(
            &ok(submit(&new_tool(), 1, now())).tool,
            1,
            Decision::Reject,
            now(),
        ))
        .tool;
        assert_eq!(rejected.status, ToolStatus::Rejected);
        assert!(edit(&rejected, 1, Visibility::Public, false, now()).is_err());
        assert!(submit(&rejected, 1, now()).is_err());
    }

    #[test]
    fn stale_revisions_are_refused() {
        let t = ok(edit(&new_tool(), 1, Visibility::Public, false, now())).tool;
        assert_eq!(
            edit(&t, 1, Visibility::Public, false, now()),
            Err(WorkflowError::Stale {
                given: 1,
                latest: 2
            })
        );
        assert_eq!(
            submit(&t, 1, now()),
            Err(WorkflowError::Stale {
                given: 1,
                latest: 2
            })
        );
    }

    #[test]
    fn editing_supersedes_the_draft_it_replaces() {
        assert_eq!(
            ok(edit(&new_tool(), 1, Visibility::Public, false, now())).revisions,
            vec![(1, RevisionStatus::Superseded)]
        );
    }

    #[test]
    fn a_revision_in_review_is_frozen() {
        let in_review = ok(submit(&new_tool(), 1, now())).tool;
        assert!(matches!(
            edit(&in_review, 1, Visibility::Public, false, now()),
            Err(WorkflowError::InvalidState(_))
        ));
        assert!(matches!(
            submit(&in_review, 1, now()),
            Err(WorkflowError::InvalidState(_))
        ));
    }

    #[test]
    fn only_a_revision_in_review_is_decided_on() {
        assert!(matches!(
            decide(&new_tool(), 1, Decision::Approve, now()),
            Err(WorkflowError::InvalidState(_))
        ));
    }

    #[test]
    fn organisation_tools_are_never_submitted() {
        let mut t = new_tool();
        t.latest_visibility = Visibility::Organisation;
        assert_eq!(submit(&t, 1, now()), Err(WorkflowError::KeptToOrganisation));
    }

    #[test]
    fn archive_and_withdraw_need_a_published_tool() {
        assert!(archive(&new_tool(), now()).is_err());
        assert!(withdraw(&new_tool(), now()).is_err());
        let published = ok(decide(
            &ok(submit(&new_tool(), 1, now())).tool,
            1,
            Decision::Approve,
            now(),
        ))
        .tool;
        let archived = ok(archive(&published, now())).tool;
        assert_eq!(archived.status, ToolStatus::Archived);
        assert!(edit(&archived, 1, Visibility::Public, false, now()).is_err());
        let withdrawn = ok(withdraw(&archived, now())).tool;
        assert_eq!(withdrawn.status, ToolStatus::Withdrawn);
        assert!(withdraw(&withdrawn, now()).is_err());
    }
}
