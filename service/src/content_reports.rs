//! Reports of problematic content. Any signed-in person reports a tool, a review or a proposal
//! message they can read (one they cannot read answers as a non-existent id), at most
//! `reports_per_day` a day; INASTI moderators see the open reports grouped by item, oldest
//! first, and resolve them: a dismissal or an action on the item answers every open report of
//! it at once. The action (withdrawal, out of date, hidden review or message) goes through the
//! same rules, four eyes included, as when a moderator takes it unprompted, in the same
//! transaction as the reports' resolution. A dismissal of a tool's or a review's reports is in
//! the tool's moderation log too.
//! Each reporter is told the outcome; the reported organisation is told the decision, never
//! who reported (the audit log, where the reporter is named, is for admins and auditors).

use serde_json::json;

use crate::{
    Context, Page, PageRequest, ServiceError, ServiceResult, authorise, collaborations, reviews,
    signed_in, tools,
};
use commons_domain::collaboration::ProposalMessage;
use commons_domain::content_report::{
    self as rules, ContentReport, ReportContext, ReportOutcome, ReportReason, ReportedItem,
    ReportedKind,
};
use commons_domain::identity::Actor;
use commons_domain::notification::{Notice, NotificationKind};
use commons_domain::policy::{Action, Resource};
use commons_domain::tool::Decision;
use commons_domain::validation::{FieldError, FieldErrorCode};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "content_report";

/// The open reports a moderator's queue reads at most, before grouping them by item.
pub const MAX_QUEUE_REPORTS: u64 = 1_000;

/// One reported item and its open reports, oldest first.
#[derive(Clone, Debug)]
pub struct ReportGroup {
    pub item: ReportedItem,
    pub context: ReportContext,
    pub reports: Vec<ContentReport>,
}

#[derive(Clone, Debug)]
pub struct ReportQueue {
    pub groups: Vec<ReportGroup>,
    /// Every open report, beyond the groups shown.
    pub open_count: u64,
}

/// Where an item lives (its tool, or its proposal), when the caller may read the item and it
/// may be reported.
async fn readable_context(
    ctx: &Context,
    actor: &Actor,
    item: ReportedItem,
) -> ServiceResult<ReportContext> {
    let not_reportable = |why: &str| -> ServiceError {
        FieldError::new(&["itemId"], FieldErrorCode::InvalidState, why).into()
    };
    let tool_id = match item.kind {
        ReportedKind::Tool => item.id,
        ReportedKind::Review => {
            let review = commons_store::reviews::find(&ctx.db, item.id)
                .await?
                .filter(|r| reviews::readable_by(r, Some(actor)))
                .ok_or(ServiceError::NotFound)?;
            review.tool_id
        }
        ReportedKind::ProposalMessage => {
            let message = collaborations::readable_message(ctx, actor, item.id).await?;
            if message.hidden.is_some() {
                return Err(not_reportable("a moderator hid this message already"));
            }
            return Ok(ReportContext::Proposal(message.proposal_id));
        }
    };
    let (tool, _) = tools::load_visible(ctx, Some(actor), tool_id).await?;
    if !rules::reportable(&tool) {
        return Err(not_reportable("only what is published can be reported"));
    }
    Ok(ReportContext::Tool(tool.id))
}

pub async fn report(
    ctx: &Context,
    actor: Option<&Actor>,
    item: ReportedItem,
    reason: ReportReason,
    text: &str,
) -> ServiceResult<ContentReport> {
    let actor = authorise(actor, Action::ReportContent, Resource::Catalogue)?;
    let context = readable_context(ctx, actor, item).await?;
    let text = rules::validate_text(text)?;
    let now = ctx.now();
    let already = || -> ServiceError {
        FieldError::new(
            &["itemId"],
            FieldErrorCode::InvalidState,
            "you reported this already; a moderator will look at it",
        )
        .into()
    };
    let txn = begin_write(&ctx.db).await?;
    // Counted in the transaction, the person's row locked: parallel reports cannot all pass.
    commons_store::users::lock(&txn, actor.user_id).await?;
    let filed = commons_store::content_reports::filed_since(
        &txn,
        actor.user_id,
        now - chrono::Duration::days(1),
    )
    .await?;
    if filed >= u64::from(ctx.reports_per_day) {
        return Err(ServiceError::RateLimited(format!(
            "at most {} reports a day; try again tomorrow",
            ctx.reports_per_day
        )));
    }
    if commons_store::content_reports::open_by(&txn, actor.user_id, item)
        .await?
        .is_some()
    {
        return Err(already());
    }
    let id = commons_store::content_reports::insert(
        &txn,
        commons_store::content_reports::Filed {
            item,
            context,
            reporter_id: actor.user_id,
            reporter_organisation_id: actor.organisation_id,
            reason,
            text: &text,
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
            action: "content_report.filed",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({
                "item": item.kind.as_str(), "itemId": item.id,
                "tool": context.tool_id(), "proposal": context.proposal_id(),
                "reason": reason.as_str(),
            }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    find(ctx, id).await
}

async fn find(ctx: &Context, id: i64) -> ServiceResult<ContentReport> {
    commons_store::content_reports::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The open reports, grouped by item, the item first reported first; at most `first` groups.
pub async fn queue(
    ctx: &Context,
    actor: Option<&Actor>,
    first: usize,
) -> ServiceResult<ReportQueue> {
    authorise(actor, Action::ResolveReports, Resource::Catalogue)?;
    let first = first.min(ctx.max_page_size);
    let open = commons_store::content_reports::open(&ctx.db, MAX_QUEUE_REPORTS).await?;
    let mut groups: Vec<ReportGroup> = Vec::new();
    for report in open {
        if let Some(g) = groups.iter_mut().find(|g| g.item == report.item) {
            g.reports.push(report);
        } else if groups.len() < first {
            groups.push(ReportGroup {
                item: report.item,
                context: report.context,
                reports: vec![report],
            });
        }
    }
    let open_count = commons_store::content_reports::count_open(&ctx.db).await?;
    Ok(ReportQueue { groups, open_count })
}

/// A moderator resolves a report: whether dismissed or acted on, the outcome answers every open
/// report of its item (the moderator looked at the item). Each reporter is told.
pub async fn resolve(
    ctx: &Context,
    actor: Option<&Actor>,
    report_id: i64,
    outcome: ReportOutcome,
    reason: &str,
) -> ServiceResult<ContentReport> {
    let moderator = authorise(actor, Action::ResolveReports, Resource::Catalogue)?;
    let report = find(ctx, report_id).await?;
    if report.resolution.is_some() {
        return Err(FieldError::new(
            &["reportId"],
            FieldErrorCode::InvalidState,
            "the report was resolved already",
        )
        .into());
    }
    let reason = rules::validate_resolution(outcome, report.item.kind, reason)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    match outcome {
        ReportOutcome::Dismiss => log_dismissal(&txn, &report, &reason, moderator, now).await?,
        ReportOutcome::WithdrawTool | ReportOutcome::MarkOutdated => {
            let tool_id = report.context.tool_id().ok_or(ServiceError::NotFound)?;
            let tool = commons_store::tools::find(&txn, tool_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let decision = if outcome == ReportOutcome::WithdrawTool {
                Decision::Withdraw
            } else {
                Decision::MarkOutdated
            };
            tools::moderate_published(ctx, &txn, actor, &tool, decision, Some(&reason)).await?;
        }
        ReportOutcome::HideReview => {
            let review = commons_store::reviews::find(&txn, report.item.id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            reviews::hide_in(ctx, &txn, actor, &review, &reason).await?;
        }
        ReportOutcome::HideMessage => {
            let message = commons_store::collaborations::find_message(&txn, report.item.id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            collaborations::hide_message_in(ctx, &txn, actor, &message, &reason).await?;
        }
    }
    let answered = answer_open(&txn, report.item, outcome, &reason, moderator, now).await?;
    if !answered.contains(&report.id) {
        return Err(ServiceError::Conflict(
            "the report was resolved meanwhile; reload the queue".into(),
        ));
    }
    ctx.commit(txn).await?;
    find(ctx, report.id).await
}

/// A dismissal of a tool's or a review's reports, in the tool's moderation log against the
/// revision then published: its organisation reads that reports were looked at and why nothing
/// changed, never who reported. (A proposal's thread has no moderation log: its reporters are
/// told, and the audit log keeps the step.)
async fn log_dismissal(
    txn: &sea_orm::DatabaseTransaction,
    report: &ContentReport,
    reason: &str,
    moderator: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    let Some(tool_id) = report.context.tool_id() else {
        return Ok(());
    };
    let tool = commons_store::tools::find(txn, tool_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let review = (report.item.kind == ReportedKind::Review).then_some(report.item.id);
    commons_store::tools::insert_decision_on(
        txn,
        tool.id,
        tool.published_revision.unwrap_or(tool.latest_revision),
        review,
        Decision::DismissReports,
        Some(reason),
        moderator.user_id,
        now,
    )
    .await?;
    Ok(())
}

/// Resolves every open report of the item in `txn` with this outcome, tells each reporter the
/// outcome and the moderator's reason, and records each in the audit log; the reports it
/// resolved. A moderator's withdrawal or hiding taken outside the queue answers the item's
/// open reports the same way.
pub(crate) async fn answer_open(
    txn: &sea_orm::DatabaseTransaction,
    item: ReportedItem,
    outcome: ReportOutcome,
    reason: &str,
    moderator: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<Vec<i64>> {
    let open = commons_store::content_reports::open_of_item(txn, item).await?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = open.iter().map(|r| r.id).collect();
    let resolved =
        commons_store::content_reports::resolve(txn, &ids, outcome, reason, moderator.user_id, now)
            .await?;
    if resolved != ids.len() as u64 {
        return Err(ServiceError::Conflict(
            "a report of this item was resolved meanwhile; reload the queue".into(),
        ));
    }
    for r in &open {
        // The reporter is told the outcome and the moderator's reason; the tool is not linked,
        // so that a withdrawn one does not hide the notification.
        let notice = Notice {
            kind: NotificationKind::ReportResolved,
            subject_type: SUBJECT,
            subject_id: r.id,
            tool_id: None,
            details: json!({
                "outcome": outcome.as_str(), "item": r.item.kind.as_str(),
                "reason": r.reason.as_str(), "resolution": reason,
            }),
        };
        commons_store::notifications::insert(txn, &[r.reporter_id], &notice, now).await?;
        audit::record(
            txn,
            audit::Change {
                actor: Some(moderator),
                action: "content_report.resolved",
                subject_type: SUBJECT,
                subject_id: r.id,
                details: json!({
                    "outcome": outcome.as_str(), "item": r.item.kind.as_str(),
                    "itemId": r.item.id, "tool": r.context.tool_id(),
                    "proposal": r.context.proposal_id(),
                }),
            },
            now,
        )
        .await?;
    }
    Ok(ids)
}

/// A moderator's withdrawal or hiding taken outside the queue: the item's open reports are
/// answered as from it (nothing to do without a moderator or a reason).
pub(crate) async fn answer_unprompted(
    txn: &sea_orm::DatabaseTransaction,
    item: ReportedItem,
    outcome: ReportOutcome,
    reason: Option<&str>,
    moderator: Option<&Actor>,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    if let (Some(moderator), Some(reason)) = (moderator, reason) {
        answer_open(txn, item, outcome, reason.trim(), moderator, now).await?;
    }
    Ok(())
}

/// The caller's own reports, newest first, with their outcomes.
pub async fn mine(
    ctx: &Context,
    actor: Option<&Actor>,
    page: &PageRequest,
) -> ServiceResult<Page<ContentReport>> {
    let actor = signed_in(actor)?;
    let after = page.after_as::<i64>()?;
    let rows = commons_store::content_reports::of_reporter(
        &ctx.db,
        actor.user_id,
        after,
        page.first as u64 + 1,
    )
    .await?;
    let total = commons_store::content_reports::count_of_reporter(&ctx.db, actor.user_id).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}

/// The reported review, as the caller may read it: the review readable to them (a hidden one
/// to moderators and its organisation) on a tool they may see.
pub async fn reported_review(
    ctx: &Context,
    actor: Option<&Actor>,
    report: &ContentReport,
) -> ServiceResult<Option<commons_domain::review::Review>> {
    if report.item.kind != ReportedKind::Review {
        return Ok(None);
    }
    let Some(review) = commons_store::reviews::find(&ctx.db, report.item.id)
        .await?
        .filter(|r| reviews::readable_by(r, actor))
    else {
        return Ok(None);
    };
    let tool_seen = tools::load_visible(ctx, actor, review.tool_id).await;
    Ok(tool_seen.is_ok().then_some(review))
}

/// The reported message, as the caller may read it: in a proposal they may read, its words
/// withheld once hidden but from its organisation and the moderators (the GraphQL type asks
/// [`ProposalMessage::readable_by`]).
pub async fn reported_message(
    ctx: &Context,
    actor: Option<&Actor>,
    report: &ContentReport,
) -> ServiceResult<Option<ProposalMessage>> {
    if report.item.kind != ReportedKind::ProposalMessage {
        return Ok(None);
    }
    let Some(actor) = actor else {
        return Ok(None);
    };
    match collaborations::readable_message(ctx, actor, report.item.id).await {
        Ok(message) => Ok(Some(message)),
        Err(ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
