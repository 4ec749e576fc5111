//! Appeals against moderation decisions. The organisation a decision went against — the tool's
//! owner for a rejection, a request for changes or a withdrawal; the review's organisation for
//! a hidden review — appeals once per decision with a statement. A moderator other than the
//! one who decided (and not of the tool's organisation, INASTI's own content aside) upholds or
//! overturns it with a reason; overturning restores, in the same transaction, what the decision
//! took away. The outcome is in the tool's moderation log, and the appellant's organisation is
//! told.

use serde_json::json;

use crate::{
    Context, Page, PageRequest, ServiceError, ServiceResult, authorise, notifications, signed_in,
    tools,
};
use commons_domain::appeal::{self as rules, Appeal, AppealOutcome};
use commons_domain::identity::{Actor, Role};
use commons_domain::notification::{Notice, NotificationKind};
use commons_domain::policy::{self, Action, Resource};
use commons_domain::tool::{Decision, ModerationDecision};
use commons_domain::validation::{FieldError, FieldErrorCode};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "appeal";

fn invalid(field: &str, message: &str) -> ServiceError {
    FieldError::new(&[field], FieldErrorCode::InvalidState, message).into()
}

/// The organisation a decision went against: the review's for a hidden review, else the
/// tool's owner. `None` for a decision nobody appeals.
async fn appellant_of(ctx: &Context, decision: &ModerationDecision) -> ServiceResult<Option<i64>> {
    if !rules::appealable(decision.decision) {
        return Ok(None);
    }
    if decision.decision == Decision::HideReview {
        // Hidings recorded before appeals existed do not name their review.
        let Some(review) = decision.review_id else {
            return Ok(None);
        };
        return Ok(commons_store::reviews::find(&ctx.db, review)
            .await?
            .map(|r| r.organisation_id));
    }
    Ok(commons_store::tools::find(&ctx.db, decision.tool_id)
        .await?
        .map(|t| t.owner_id))
}

/// Whether what the decision took away is still gone: the rejected or sent-back revision is
/// still the latest and as it left it, the tool still withdrawn, the review still hidden. An
/// appeal of a decision overtaken since could only be upheld.
async fn in_effect(ctx: &Context, decision: &ModerationDecision) -> ServiceResult<bool> {
    use commons_domain::tool::{Lifecycle, RevisionStatus};
    if decision.decision == Decision::HideReview {
        let Some(review) = decision.review_id else {
            return Ok(false);
        };
        return Ok(commons_store::reviews::find(&ctx.db, review)
            .await?
            .is_some_and(|r| r.hidden.is_some()));
    }
    let Some(tool) = commons_store::tools::find(&ctx.db, decision.tool_id).await? else {
        return Ok(false);
    };
    Ok(match decision.decision {
        Decision::Reject => {
            tool.latest_revision == decision.revision
                && tool.latest_status == RevisionStatus::Rejected
        }
        Decision::RequestChanges => {
            tool.latest_revision == decision.revision
                && tool.latest_status == RevisionStatus::ChangesRequested
        }
        Decision::Withdraw => tool.lifecycle == Lifecycle::Withdrawn,
        _ => false,
    })
}

/// Whether the caller reads the decision in the moderation log: moderators and the tool's
/// organisation every one, others those on a revision that was published.
async fn decision_readable(
    ctx: &Context,
    caller: &Actor,
    tool: &commons_domain::tool::Tool,
    decision: &ModerationDecision,
) -> ServiceResult<bool> {
    use commons_domain::tool::RevisionStatus;
    if caller.has(Role::Moderator) || caller.belongs_to(tool.owner_id) {
        return Ok(true);
    }
    Ok(
        commons_store::tools::revision(&ctx.db, tool.id, decision.revision)
            .await?
            .is_some_and(|r| {
                matches!(
                    r.status,
                    RevisionStatus::Published | RevisionStatus::Superseded
                )
            }),
    )
}

/// Whether the caller may appeal this decision now: it went against their organisation, it
/// takes something away that is still gone, and it has not been appealed yet.
pub async fn can_appeal(
    ctx: &Context,
    actor: Option<&Actor>,
    decision: &ModerationDecision,
) -> ServiceResult<bool> {
    let Some(organisation_id) = appellant_of(ctx, decision).await? else {
        return Ok(false);
    };
    if !policy::can(
        actor,
        Action::AppealDecision,
        Resource::Appellant { organisation_id },
    ) || !in_effect(ctx, decision).await?
    {
        return Ok(false);
    }
    Ok(
        commons_store::appeals::of_decisions(&ctx.db, &[decision.id])
            .await?
            .is_empty(),
    )
}

/// The appeal of a decision, for moderators and the appellant's organisation.
pub async fn of_decision(
    ctx: &Context,
    actor: Option<&Actor>,
    decision_id: i64,
) -> ServiceResult<Option<Appeal>> {
    let Some(actor) = actor else { return Ok(None) };
    let appeal = commons_store::appeals::of_decisions(&ctx.db, &[decision_id])
        .await?
        .into_iter()
        .next();
    Ok(appeal.filter(|a| reads(actor, a)))
}

fn reads(actor: &Actor, appeal: &Appeal) -> bool {
    actor.has(Role::Moderator) || actor.belongs_to(appeal.appellant_organisation_id)
}

pub async fn appeal(
    ctx: &Context,
    actor: Option<&Actor>,
    decision_id: i64,
    statement: &str,
) -> ServiceResult<Appeal> {
    let caller = signed_in(actor)?;
    let decision = commons_store::tools::decision(&ctx.db, decision_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // A decision on a tool one cannot read does not exist; nor does one on a revision one
    // cannot read (a draft's rejection is its organisation's and the moderators' business).
    let (tool, _) = tools::load_visible(ctx, Some(caller), decision.tool_id).await?;
    if !decision_readable(ctx, caller, &tool, &decision).await? {
        return Err(ServiceError::NotFound);
    }
    let Some(organisation_id) = appellant_of(ctx, &decision).await? else {
        return Err(invalid(
            "decisionId",
            "only a rejection, a request for changes, a withdrawal or a hidden review is appealed",
        ));
    };
    let actor = authorise(
        actor,
        Action::AppealDecision,
        Resource::Appellant { organisation_id },
    )?;
    if !in_effect(ctx, &decision).await? {
        return Err(invalid(
            "decisionId",
            "what the decision took away is no longer so: the tool or the review changed since",
        ));
    }
    let statement = rules::validate_statement(statement)?;
    let already = || {
        invalid(
            "decisionId",
            "this decision was appealed already: once per decision",
        )
    };
    if !commons_store::appeals::of_decisions(&ctx.db, &[decision.id])
        .await?
        .is_empty()
    {
        return Err(already());
    }
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let id = commons_store::appeals::insert(
        &txn,
        commons_store::appeals::Filed {
            decision_id: decision.id,
            tool_id: tool.id,
            review_id: decision.review_id,
            appellant_organisation_id: organisation_id,
            appellant_id: actor.user_id,
            statement: &statement,
        },
        now,
    )
    .await
    .map_err(|e| {
        if commons_store::is_unique_violation(&e) {
            already()
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "appeal.filed",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "decision": decision.id, "tool": tool.id, "action": decision.decision.as_str() }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    find(ctx, id).await
}

async fn find(ctx: &Context, id: i64) -> ServiceResult<Appeal> {
    commons_store::appeals::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The open appeals, oldest first: moderators.
pub async fn open(
    ctx: &Context,
    actor: Option<&Actor>,
    page: &PageRequest,
) -> ServiceResult<Page<Appeal>> {
    authorise(actor, Action::DecideAppeal, Resource::Catalogue)?;
    let after = page.after_as::<i64>()?;
    let rows = commons_store::appeals::open(&ctx.db, after, page.first as u64 + 1).await?;
    let total = commons_store::appeals::count_open(&ctx.db).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}

/// The decision an appeal is about, as the moderation log holds it.
pub async fn decision_of(ctx: &Context, appeal: &Appeal) -> ServiceResult<ModerationDecision> {
    commons_store::tools::decision(&ctx.db, appeal.decision_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn decide(
    ctx: &Context,
    actor: Option<&Actor>,
    appeal_id: i64,
    outcome: AppealOutcome,
    reason: &str,
) -> ServiceResult<Appeal> {
    authorise(actor, Action::DecideAppeal, Resource::Catalogue)?;
    let appeal = find(ctx, appeal_id).await?;
    if appeal.decided.is_some() {
        return Err(invalid("appealId", "the appeal was decided already"));
    }
    let decision = decision_of(ctx, &appeal).await?;
    let tool = commons_store::tools::find(&ctx.db, appeal.tool_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let owner_is_inasti = tools::owned_by_inasti(ctx, &tool).await?;
    let moderator = authorise(
        actor,
        Action::DecideAppeal,
        Resource::Appeal {
            decided_by: decision.moderator_id,
            owner_id: tool.owner_id,
            owner_is_inasti,
            appellant_id: appeal.appellant_id,
        },
    )?;
    let reason = rules::validate_reason(reason)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    // Decided first: of two moderators at once, the second is told of a conflict.
    if !commons_store::appeals::decide(&txn, appeal.id, outcome, &reason, moderator.user_id, now)
        .await?
    {
        return Err(ServiceError::Conflict(
            "the appeal was decided meanwhile; reload it".into(),
        ));
    }
    if outcome == AppealOutcome::Overturned {
        let restored = match (decision.decision, appeal.review_id) {
            (Decision::HideReview, Some(review)) => {
                if commons_store::reviews::unhide(&txn, review).await? {
                    Ok(())
                } else {
                    Err(invalid("appealId", "the review is no longer hidden"))
                }
            }
            _ => tools::restore_after_appeal(ctx, &txn, moderator, &tool, &decision).await,
        };
        // What cannot be restored (the tool changed since) is said of the appeal.
        restored.map_err(|e| match e {
            ServiceError::Invalid(errors) => invalid(
                "appealId",
                errors
                    .first()
                    .map_or("nothing to restore", |e| e.message.as_str()),
            ),
            other => other,
        })?;
    }
    let logged = match outcome {
        AppealOutcome::Upheld => Decision::AppealUpheld,
        AppealOutcome::Overturned => Decision::AppealOverturned,
    };
    commons_store::tools::insert_decision_on(
        &txn,
        tool.id,
        decision.revision,
        decision.review_id,
        logged,
        Some(&reason),
        moderator.user_id,
        now,
    )
    .await?;
    notifications::to_organisations(
        &txn,
        &[appeal.appellant_organisation_id],
        Notice {
            kind: NotificationKind::AppealDecided,
            subject_type: "tool",
            subject_id: tool.id,
            tool_id: Some(tool.id),
            details: json!({
                "outcome": outcome.as_str(), "decision": decision.decision.as_str(),
                "reason": reason,
            }),
        },
        Some(moderator),
        now,
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(moderator),
            action: "appeal.decided",
            subject_type: SUBJECT,
            subject_id: appeal.id,
            details: json!({ "outcome": outcome.as_str(), "decision": decision.id, "tool": tool.id }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    find(ctx, appeal.id).await
}
