//! Reports of problematic content. Any signed-in person reports a tool or a review they can
//! read (one they cannot read answers as a non-existent id), at most `reports_per_day` a day;
//! INASTI moderators see the open reports grouped by item, oldest first, and resolve them by
//! dismissing one or by acting on the item — which answers every open report of it. The action
//! (withdrawal, out of date, hidden review) goes through the same rules, four eyes included, as
//! when a moderator takes it unprompted, in the same transaction as the reports' resolution.
//! Each reporter is told the outcome; the reported organisation is told the decision, never
//! who reported (the audit log, where the reporter is named, is for admins and auditors).

use serde_json::json;

use crate::{
    Context, Page, PageRequest, ServiceError, ServiceResult, authorise, reviews, signed_in, tools,
};
use commons_domain::content_report::{
    self as rules, ContentReport, ReportOutcome, ReportReason, ReportedItem, ReportedKind,
};
use commons_domain::identity::{Actor, Role};
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
    pub tool_id: i64,
    pub reports: Vec<ContentReport>,
}

#[derive(Clone, Debug)]
pub struct ReportQueue {
    pub groups: Vec<ReportGroup>,
    /// Every open report, beyond the groups shown.
    pub open_count: u64,
}

/// The tool an item is or belongs to, when the caller may read the item.
async fn readable_tool(ctx: &Context, actor: &Actor, item: ReportedItem) -> ServiceResult<i64> {
    match item.kind {
        ReportedKind::Tool => {
            let (tool, _) = tools::load_visible(ctx, Some(actor), item.id).await?;
            if !rules::reportable(&tool) {
                return Err(FieldError::new(
                    &["itemId"],
                    FieldErrorCode::InvalidState,
                    "only a published tool can be reported",
                )
                .into());
            }
            Ok(tool.id)
        }
        ReportedKind::Review => {
            let review = commons_store::reviews::find(&ctx.db, item.id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            // A hidden review is read by moderators and its own organisation only.
            let reads_hidden =
                actor.has(Role::Moderator) || actor.belongs_to(review.organisation_id);
            if review.hidden.is_some() && !reads_hidden {
                return Err(ServiceError::NotFound);
            }
            Ok(tools::load_visible(ctx, Some(actor), review.tool_id)
                .await?
                .0
                .id)
        }
    }
}

pub async fn report(
    ctx: &Context,
    actor: Option<&Actor>,
    item: ReportedItem,
    reason: ReportReason,
    text: &str,
) -> ServiceResult<ContentReport> {
    let actor = authorise(actor, Action::ReportContent, Resource::Catalogue)?;
    let tool_id = readable_tool(ctx, actor, item).await?;
    let text = rules::validate_text(text)?;
    let now = ctx.now();
    let filed = commons_store::content_reports::filed_since(
        &ctx.db,
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
    let already = || -> ServiceError {
        FieldError::new(
            &["itemId"],
            FieldErrorCode::InvalidState,
            "you reported this already; a moderator will look at it",
        )
        .into()
    };
    if commons_store::content_reports::open_by(&ctx.db, actor.user_id, item)
        .await?
        .is_some()
    {
        return Err(already());
    }
    let txn = begin_write(&ctx.db).await?;
    let id = commons_store::content_reports::insert(
        &txn,
        commons_store::content_reports::Filed {
            item,
            tool_id,
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
                "item": item.kind.as_str(), "itemId": item.id, "tool": tool_id,
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

/// A report, for its reporter or a moderator; anyone else is told it does not exist.
pub async fn get(ctx: &Context, actor: Option<&Actor>, id: i64) -> ServiceResult<ContentReport> {
    let actor = signed_in(actor)?;
    let report = find(ctx, id).await?;
    if report.reporter_id == actor.user_id || actor.has(Role::Moderator) {
        Ok(report)
    } else {
        Err(ServiceError::NotFound)
    }
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
                tool_id: report.tool_id,
                reports: vec![report],
            });
        }
    }
    let open_count = commons_store::content_reports::count_open(&ctx.db).await?;
    Ok(ReportQueue { groups, open_count })
}

/// A moderator resolves a report: `DISMISS` closes it; an action on its item closes every open
/// report of the item. Each reporter is told.
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
        ReportOutcome::Dismiss => {}
        ReportOutcome::WithdrawTool | ReportOutcome::MarkOutdated => {
            let tool = commons_store::tools::find(&txn, report.tool_id)
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
    }
    let answered = if outcome.acts() {
        commons_store::content_reports::open_of_item(&txn, report.item).await?
    } else {
        vec![report.clone()]
    };
    let ids: Vec<i64> = answered.iter().map(|r| r.id).collect();
    let resolved = commons_store::content_reports::resolve(
        &txn,
        &ids,
        outcome,
        &reason,
        moderator.user_id,
        now,
    )
    .await?;
    if resolved != ids.len() as u64 || !ids.contains(&report.id) {
        return Err(ServiceError::Conflict(
            "the report was resolved meanwhile; reload the queue".into(),
        ));
    }
    for r in &answered {
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
        commons_store::notifications::insert(&txn, &[r.reporter_id], &notice, now).await?;
        audit::record(
            &txn,
            audit::Change {
                actor: Some(moderator),
                action: "content_report.resolved",
                subject_type: SUBJECT,
                subject_id: r.id,
                details: json!({
                    "outcome": outcome.as_str(), "item": r.item.kind.as_str(),
                    "itemId": r.item.id, "tool": r.tool_id,
                }),
            },
            now,
        )
        .await?;
    }
    ctx.commit(txn).await?;
    find(ctx, report.id).await
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

/// The reported review, as the caller may read it: moderators always; others while it is not
/// hidden (or is their organisation's) and its tool is one they may see.
pub async fn reported_review(
    ctx: &Context,
    actor: Option<&Actor>,
    report: &ContentReport,
) -> ServiceResult<Option<commons_domain::review::Review>> {
    if report.item.kind != ReportedKind::Review {
        return Ok(None);
    }
    let Some(review) = commons_store::reviews::find(&ctx.db, report.item.id).await? else {
        return Ok(None);
    };
    let Some(actor) = actor else { return Ok(None) };
    if actor.has(Role::Moderator) {
        return Ok(Some(review));
    }
    if review.hidden.is_some() && !actor.belongs_to(review.organisation_id) {
        return Ok(None);
    }
    let tool_seen = tools::load_visible(ctx, Some(actor), review.tool_id).await;
    Ok(tool_seen.is_ok().then_some(review))
}
