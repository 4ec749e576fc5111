//! The tool catalogue: create and edit tools, the review workflow, and every way of reading
//! tools — each filtered through the one visibility scope of the policy.

use serde_json::json;

use crate::{Context, Page, PageRequest, ServiceError, ServiceResult, authorise, signed_in};
use commons_domain::content_report::{ReportOutcome, ReportedItem, ReportedKind};
use commons_domain::identity::Actor;
use commons_domain::notification::{FollowTarget, FollowTargetKind, Notice, NotificationKind};
use commons_domain::policy::{Action, Resource, RevisionAccess, Shown, ToolScope};
use commons_domain::tool::{
    self as model, Decision, FieldChange, ModerationDecision, Revision, ServiceCategory, Tool,
    ToolDraft, ToolFilter,
};
use commons_domain::validation::{FieldError, FieldErrorCode};
use commons_domain::workflow::{self, Transition, WorkflowError};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "tool";
pub const REASON_MAX_CHARS: usize = 2_000;

/// A tool as one caller may see it: the tool and the revision they are shown.
#[derive(Clone, Debug)]
pub struct VisibleTool {
    pub tool: Tool,
    pub revision: Revision,
    pub shown: Shown,
}

impl VisibleTool {
    /// May this caller read the tool's unpublished revisions and full history?
    pub fn sees_everything(&self) -> bool {
        self.shown == Shown::Latest
    }
}

fn workflow_error(e: WorkflowError) -> ServiceError {
    match e {
        WorkflowError::Stale { .. } => ServiceError::Conflict(e.to_string()),
        WorkflowError::InvalidState(_) => {
            FieldError::new(&["toolId"], FieldErrorCode::InvalidState, e.to_string()).into()
        }
        WorkflowError::KeptToOrganisation => {
            FieldError::new(&["toolId"], FieldErrorCode::NotAllowed, e.to_string()).into()
        }
        WorkflowError::NoLongerPrivate => FieldError::new(
            &["content", "visibility"],
            FieldErrorCode::NotAllowed,
            e.to_string(),
        )
        .into(),
    }
}

/// Loads a tool the caller may see; one they may not see does not exist for them.
pub(crate) async fn load_visible(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<(Tool, Shown)> {
    let tool = commons_store::tools::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let shown = ToolScope::of(actor)
        .shown(&tool)
        .ok_or(ServiceError::NotFound)?;
    Ok((tool, shown))
}

fn shown_number(tool: &Tool, shown: Shown) -> i32 {
    match shown {
        Shown::Latest => tool.latest_revision,
        Shown::Published => tool.published_revision.unwrap_or(tool.latest_revision),
    }
}

pub(crate) async fn latest_revision(ctx: &Context, tool: &Tool) -> ServiceResult<Revision> {
    commons_store::tools::revision(&ctx.db, tool.id, tool.latest_revision)
        .await?
        .ok_or_else(|| {
            ServiceError::Database(sea_orm::DbErr::RecordNotFound(format!(
                "revision {} of tool {}",
                tool.latest_revision, tool.id
            )))
        })
}

/// Applies a transition in the transaction: the tool's state (only if nobody changed it
/// meanwhile), the revisions' statuses, the audit event and the outbox row.
async fn apply(
    txn: &sea_orm::DatabaseTransaction,
    before: &Tool,
    t: &Transition,
    actor: &Actor,
    action: &'static str,
    details: serde_json::Value,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    if !commons_store::tools::save_state(txn, before, &t.tool).await? {
        return Err(ServiceError::Conflict(
            "the tool was changed by someone else meanwhile; reload it".into(),
        ));
    }
    if !t.revisions.is_empty() {
        let keys: Vec<(i64, i32)> = t.revisions.iter().map(|(n, _)| (before.id, *n)).collect();
        let revisions = commons_store::tools::revisions(txn, &keys).await?;
        for (number, status) in &t.revisions {
            if let Some(r) = revisions.iter().find(|r| r.number == *number) {
                commons_store::tools::set_revision_status(txn, r, *status, now).await?;
            }
        }
    }
    audit::record(
        txn,
        audit::Change {
            actor: Some(actor),
            action,
            subject_type: SUBJECT,
            subject_id: before.id,
            details,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Commits a transition and returns the tool as its owner or moderator now sees it.
async fn committed(
    ctx: &Context,
    txn: sea_orm::DatabaseTransaction,
    t: Transition,
) -> ServiceResult<VisibleTool> {
    ctx.commit(txn).await?;
    let revision = latest_revision(ctx, &t.tool).await?;
    Ok(VisibleTool {
        tool: t.tool,
        revision,
        shown: Shown::Latest,
    })
}

/// A unique (tool, number) that fired: someone else added the same revision first.
fn revision_race(e: sea_orm::DbErr) -> ServiceError {
    if commons_store::is_unique_violation(&e) {
        ServiceError::Conflict("the tool was changed by someone else meanwhile; reload it".into())
    } else {
        ServiceError::Database(e)
    }
}

pub async fn create(
    ctx: &Context,
    actor: Option<&Actor>,
    draft: ToolDraft,
) -> ServiceResult<VisibleTool> {
    let actor = authorise(actor, Action::CreateTool, Resource::Catalogue)?;
    let content = model::validate(draft)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let (tool, revision) = commons_store::tools::insert_tool(
        &txn,
        actor.organisation_id,
        actor.user_id,
        &content,
        now,
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "tool.created",
            subject_type: SUBJECT,
            subject_id: tool.id,
            details: json!({ "revision": 1, "kind": content.kind.as_str() }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(VisibleTool {
        tool,
        revision,
        shown: Shown::Latest,
    })
}

/// Every edit is a new revision, based on the one the editor saw.
pub async fn update(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    base_revision: i32,
    draft: ToolDraft,
) -> ServiceResult<VisibleTool> {
    let signed_in = signed_in(actor)?;
    let (tool, _) = load_visible(ctx, Some(signed_in), id).await?;
    let actor = authorise(actor, Action::EditTool, owned(&tool))?;
    let content = model::validate(draft)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    // Read under the write lock, with the rest of the decision.
    let submitted_before = commons_store::tools::was_submitted(&txn, tool.id).await?;
    let t = workflow::edit(
        &tool,
        base_revision,
        content.visibility,
        submitted_before,
        now,
    )
    .map_err(workflow_error)?;
    let revision = commons_store::tools::insert_revision(
        &txn,
        tool.id,
        t.tool.latest_revision,
        actor.user_id,
        &content,
        now,
    )
    .await
    .map_err(revision_race)?;
    // The new revision carries the files of the one it is based on.
    if let Some(base) = commons_store::tools::revision(&txn, tool.id, tool.latest_revision).await? {
        commons_store::attachments::copy_links(&txn, base.id, revision.id).await?;
    }
    apply(
        &txn,
        &tool,
        &t,
        actor,
        "tool.edited",
        json!({ "revision": revision.number, "basedOn": base_revision }),
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(VisibleTool {
        tool: t.tool,
        revision,
        shown: Shown::Latest,
    })
}

pub(crate) fn owned(tool: &Tool) -> Resource {
    Resource::Tool {
        owner_id: tool.owner_id,
    }
}

/// Whether the tool is INASTI's own guide or note.
pub(crate) async fn owned_by_inasti(ctx: &Context, tool: &Tool) -> ServiceResult<bool> {
    Ok(
        commons_store::organisations::find_by_id(&ctx.db, tool.owner_id)
            .await?
            .is_some_and(|o| o.kind == commons_domain::organisation::OrganisationKind::Inasti),
    )
}

fn revision_by(tool: &Tool, author_id: i64, owner_is_inasti: bool) -> Resource {
    Resource::Revision {
        owner_id: tool.owner_id,
        author_id,
        owner_is_inasti,
    }
}

pub async fn submit(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    revision: i32,
) -> ServiceResult<VisibleTool> {
    let signed_in = signed_in(actor)?;
    let (tool, _) = load_visible(ctx, Some(signed_in), id).await?;
    let actor = authorise(actor, Action::EditTool, owned(&tool))?;
    let now = ctx.now();
    let t = workflow::submit(&tool, revision, now).map_err(workflow_error)?;
    let txn = begin_write(&ctx.db).await?;
    apply(
        &txn,
        &tool,
        &t,
        actor,
        "tool.submitted",
        json!({ "revision": revision }),
        now,
    )
    .await?;
    committed(ctx, txn, t).await
}

fn required_reason(decision: Decision, reason: Option<&str>) -> ServiceResult<Option<String>> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > REASON_MAX_CHARS) {
        return Err(FieldError::new(
            &["reason"],
            FieldErrorCode::TooLong,
            format!("must be at most {REASON_MAX_CHARS} characters"),
        )
        .into());
    }
    if decision != Decision::Approve && reason.is_none() {
        return Err(FieldError::new(
            &["reason"],
            FieldErrorCode::Required,
            "say why, for the owner and the log",
        )
        .into());
    }
    Ok(reason.map(str::to_owned))
}

/// A moderator approves, requests changes to, or rejects the revision in review.
pub async fn decide(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    revision: i32,
    decision: Decision,
    reason: Option<&str>,
) -> ServiceResult<VisibleTool> {
    let signed_in = signed_in(actor)?;
    let (tool, _) = load_visible(ctx, Some(signed_in), id).await?;
    let reviewed = commons_store::tools::revision(&ctx.db, tool.id, revision)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let inasti = owned_by_inasti(ctx, &tool).await?;
    let actor = authorise(
        actor,
        Action::DecideOnTool,
        revision_by(&tool, reviewed.author_id, inasti),
    )?;
    let reason = required_reason(decision, reason)?;
    let now = ctx.now();
    let t = workflow::decide(&tool, revision, decision, now).map_err(workflow_error)?;
    let txn = begin_write(&ctx.db).await?;
    commons_store::tools::insert_decision(
        &txn,
        tool.id,
        revision,
        decision,
        reason.as_deref(),
        actor.user_id,
        now,
    )
    .await?;
    apply(
        &txn,
        &tool,
        &t,
        actor,
        "tool.decided",
        json!({ "revision": revision, "decision": decision.as_str() }),
        now,
    )
    .await?;
    tell_owner(
        &txn,
        &tool,
        decision,
        revision,
        reason.as_deref(),
        actor,
        now,
    )
    .await?;
    if decision == Decision::Approve {
        let categories: Vec<FollowTarget> = reviewed
            .content
            .categories
            .iter()
            .filter_map(|c| ServiceCategory::ALL.iter().position(|x| x == c))
            .map(|i| FollowTarget {
                kind: FollowTargetKind::Category,
                id: i as i64,
            })
            .collect();
        announce_publication(&txn, tool.id, &categories, Some(actor), now).await?;
    }
    committed(ctx, txn, t).await
}

/// The owner organisation's people hear of a moderator's decision on its tool.
async fn tell_owner(
    txn: &sea_orm::DatabaseTransaction,
    tool: &Tool,
    decision: Decision,
    revision: i32,
    reason: Option<&str>,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    super::notifications::to_organisations(
        txn,
        &[tool.owner_id],
        Notice {
            kind: NotificationKind::ToolDecision,
            subject_type: "tool",
            subject_id: tool.id,
            tool_id: Some(tool.id),
            details: json!({ "decision": decision.as_str(), "revision": revision, "reason": reason }),
        },
        Some(actor),
        now,
    )
    .await
}

/// The people following the tool, its owner, the collections holding it, or any of `also`
/// (its categories, a collection it was just put in) hear that it is published there.
pub(crate) async fn announce_publication(
    txn: &sea_orm::DatabaseTransaction,
    tool_id: i64,
    also: &[FollowTarget],
    actor: Option<&Actor>,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    let Some(tool) = commons_store::tools::find(txn, tool_id).await? else {
        return Ok(());
    };
    let mut targets = vec![
        FollowTarget {
            kind: FollowTargetKind::Tool,
            id: tool.id,
        },
        FollowTarget {
            kind: FollowTargetKind::Organisation,
            id: tool.owner_id,
        },
    ];
    for c in commons_store::collections::holding(txn, tool.id).await? {
        targets.push(FollowTarget {
            kind: FollowTargetKind::Collection,
            id: c.id,
        });
    }
    targets.extend_from_slice(also);
    super::notifications::to_followers(
        txn,
        &targets,
        Notice {
            kind: NotificationKind::Publication,
            subject_type: "tool",
            subject_id: tool.id,
            tool_id: Some(tool.id),
            details: json!({ "owner": tool.owner_id }),
        },
        actor,
        now,
    )
    .await
}

/// The owner retires a published tool.
pub async fn archive(ctx: &Context, actor: Option<&Actor>, id: i64) -> ServiceResult<VisibleTool> {
    let signed_in = signed_in(actor)?;
    let (tool, _) = load_visible(ctx, Some(signed_in), id).await?;
    let actor = authorise(actor, Action::EditTool, owned(&tool))?;
    let now = ctx.now();
    let t = workflow::archive(&tool, now).map_err(workflow_error)?;
    let txn = begin_write(&ctx.db).await?;
    apply(&txn, &tool, &t, actor, "tool.archived", json!({}), now).await?;
    committed(ctx, txn, t).await
}

/// The owner confirms that its published tool is still valid: no new revision, the review
/// date a period on, recorded in the audit log.
pub async fn confirm_current(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<VisibleTool> {
    let signed_in = signed_in(actor)?;
    let (tool, _) = load_visible(ctx, Some(signed_in), id).await?;
    let actor = authorise(actor, Action::EditTool, owned(&tool))?;
    let now = ctx.now();
    let t = workflow::confirm_current(&tool, now).map_err(workflow_error)?;
    let txn = begin_write(&ctx.db).await?;
    let details = json!({ "reviewDue": (now + ctx.review.after).to_rfc3339() });
    apply(
        &txn,
        &tool,
        &t,
        actor,
        "tool.confirmed_current",
        details,
        now,
    )
    .await?;
    committed(ctx, txn, t).await
}

/// A moderator pulls a published tool from publication, with a reason for the log.
pub async fn withdraw(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    reason: Option<&str>,
) -> ServiceResult<VisibleTool> {
    let signed_in = signed_in(actor)?;
    let (tool, _) = load_visible(ctx, Some(signed_in), id).await?;
    let txn = begin_write(&ctx.db).await?;
    let t = moderate_published(ctx, &txn, actor, &tool, Decision::Withdraw, reason).await?;
    // Those who reported the tool are told it was withdrawn, as from the queue.
    let item = ReportedItem {
        kind: ReportedKind::Tool,
        id: tool.id,
    };
    let outcome = ReportOutcome::WithdrawTool;
    crate::content_reports::answer_unprompted(&txn, item, outcome, reason, actor, ctx.now())
        .await?;
    committed(ctx, txn, t).await
}

/// A moderator acts on a published tool in `txn` (withdraws it, or marks it out of date on a
/// report): four eyes as for a decision on its published revision, the decision in its
/// moderation log with the reason, its owner told.
pub(crate) async fn moderate_published(
    ctx: &Context,
    txn: &sea_orm::DatabaseTransaction,
    actor: Option<&Actor>,
    tool: &Tool,
    decision: Decision,
    reason: Option<&str>,
) -> ServiceResult<Transition> {
    let published = tool.published_revision.unwrap_or(tool.latest_revision);
    let author = commons_store::tools::revision(txn, tool.id, published)
        .await?
        .map_or(0, |r| r.author_id);
    let inasti = owned_by_inasti(ctx, tool).await?;
    let actor = authorise(
        actor,
        Action::DecideOnTool,
        revision_by(tool, author, inasti),
    )?;
    let reason = required_reason(decision, reason)?;
    let now = ctx.now();
    let (t, action) = match decision {
        Decision::Withdraw => (workflow::withdraw(tool, now), "tool.withdrawn"),
        Decision::MarkOutdated => (
            workflow::mark_outdated(tool, ctx.review, now),
            "tool.marked_outdated",
        ),
        other => {
            return Err(ServiceError::BadInput(format!(
                "{other} is not a decision on a published tool"
            )));
        }
    };
    let t = t.map_err(workflow_error)?;
    commons_store::tools::insert_decision(
        txn,
        tool.id,
        published,
        decision,
        reason.as_deref(),
        actor.user_id,
        now,
    )
    .await?;
    tell_owner(
        txn,
        tool,
        decision,
        published,
        reason.as_deref(),
        actor,
        now,
    )
    .await?;
    apply(
        txn,
        tool,
        &t,
        actor,
        action,
        json!({ "revision": published }),
        now,
    )
    .await?;
    Ok(t)
}

/// A new revision of the tool in `txn`, from `content`, based on the latest and sent to
/// moderation at once (an accepted translation offer): the workflow's rules as for any edit
/// and submission, the latest revision's files carried over. The revision's number.
pub(crate) async fn revise_and_submit(
    ctx: &Context,
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    tool: &Tool,
    content: &model::ToolContent,
    details: serde_json::Value,
) -> ServiceResult<i32> {
    let now = ctx.now();
    let submitted_before = commons_store::tools::was_submitted(txn, tool.id).await?;
    let edited = workflow::edit(
        tool,
        tool.latest_revision,
        content.visibility,
        submitted_before,
        now,
    )
    .map_err(workflow_error)?;
    let number = edited.tool.latest_revision;
    let revision =
        commons_store::tools::insert_revision(txn, tool.id, number, actor.user_id, content, now)
            .await
            .map_err(revision_race)?;
    if let Some(base) = commons_store::tools::revision(txn, tool.id, tool.latest_revision).await? {
        commons_store::attachments::copy_links(txn, base.id, revision.id).await?;
    }
    apply(txn, tool, &edited, actor, "tool.edited", details, now).await?;
    let submitted = workflow::submit(&edited.tool, number, now).map_err(workflow_error)?;
    apply(
        txn,
        &edited.tool,
        &submitted,
        actor,
        "tool.submitted",
        json!({ "revision": number }),
        now,
    )
    .await?;
    Ok(number)
}

/// An appeal overturned a decision on the tool in `txn`: a rejected or sent-back revision goes
/// back to review, a withdrawn tool is published again. The caller checked who may decide.
pub(crate) async fn restore_after_appeal(
    ctx: &Context,
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    tool: &Tool,
    decision: &commons_domain::tool::ModerationDecision,
) -> ServiceResult<()> {
    let now = ctx.now();
    let (t, action) = match decision.decision {
        Decision::Reject | Decision::RequestChanges => (
            workflow::reopen_review(tool, decision.revision, now),
            "tool.review_reopened",
        ),
        Decision::Withdraw => (workflow::reinstate(tool, now), "tool.reinstated"),
        other => {
            return Err(ServiceError::BadInput(format!(
                "{other} is not restored on the tool"
            )));
        }
    };
    let t = t.map_err(workflow_error)?;
    let details = json!({ "revision": decision.revision, "decision": decision.id });
    apply(txn, tool, &t, actor, action, details, now).await
}

pub async fn get(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<Option<VisibleTool>> {
    let Some(tool) = commons_store::tools::find(&ctx.db, id).await? else {
        return Ok(None);
    };
    let Some(shown) = ToolScope::of(actor).shown(&tool) else {
        return Ok(None);
    };
    let number = shown_number(&tool, shown);
    Ok(commons_store::tools::revision(&ctx.db, tool.id, number)
        .await?
        .map(|revision| VisibleTool {
            tool,
            revision,
            shown,
        }))
}

/// Several tools by id, in the order asked; `None` where one is missing or not visible.
pub async fn get_many(
    ctx: &Context,
    actor: Option<&Actor>,
    ids: &[i64],
) -> ServiceResult<Vec<Option<VisibleTool>>> {
    if ids.is_empty() {
        // A page of nothing (a count asked alone) costs no query.
        return Ok(Vec::new());
    }
    let scope = ToolScope::of(actor);
    let tools = commons_store::tools::find_many(&ctx.db, ids).await?;
    let shown: Vec<(Tool, Shown)> = tools
        .into_iter()
        .filter_map(|t| scope.shown(&t).map(|s| (t, s)))
        .collect();
    let keys: Vec<(i64, i32)> = shown
        .iter()
        .map(|(t, s)| (t.id, shown_number(t, *s)))
        .collect();
    let mut revisions = commons_store::tools::revisions(&ctx.db, &keys).await?;
    let mut visible: Vec<VisibleTool> = shown
        .into_iter()
        .filter_map(|(tool, shown)| {
            let number = shown_number(&tool, shown);
            let at = revisions
                .iter()
                .position(|r| r.tool_id == tool.id && r.number == number)?;
            Some(VisibleTool {
                revision: revisions.swap_remove(at),
                tool,
                shown,
            })
        })
        .collect();
    Ok(ids
        .iter()
        .map(|id| {
            visible
                .iter()
                .position(|v| v.tool.id == *id)
                .map(|at| visible.swap_remove(at))
        })
        .collect())
}

/// The tools the caller may see, newest first.
pub async fn list(
    ctx: &Context,
    actor: Option<&Actor>,
    filter: &ToolFilter,
    page: &PageRequest,
) -> ServiceResult<Page<VisibleTool>> {
    let scope = ToolScope::of(actor);
    let after = page.after_as::<i64>()?;
    let rows =
        commons_store::tools::list_visible(&ctx.db, &scope, filter, after, page.first as u64 + 1)
            .await?;
    let total = commons_store::tools::count_visible(&ctx.db, &scope, filter).await?;
    let items = rows
        .into_iter()
        .filter_map(|(tool, revision)| {
            scope.shown(&tool).map(|shown| VisibleTool {
                tool,
                revision,
                shown,
            })
        })
        .collect();
    Ok(Page::from_overfetch(items, page.first, total))
}

/// The revisions of a tool the caller may read, newest first, each under its own visibility:
/// all for the owner, all not kept to the organisation for moderators, and for everyone else
/// those published with a visibility they may read.
pub async fn history(
    ctx: &Context,
    actor: Option<&Actor>,
    visible: &VisibleTool,
    page: &PageRequest,
) -> ServiceResult<Page<Revision>> {
    let access = revision_access(actor, visible);
    let before = page.after_as::<i32>()?;
    let rows = commons_store::tools::history(
        &ctx.db,
        visible.tool.id,
        access,
        before,
        page.first as u64 + 1,
    )
    .await?;
    let total = commons_store::tools::history_len(&ctx.db, visible.tool.id, access).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}

/// Which revisions of a tool the caller (who sees the tool) may read, each under its own
/// visibility.
fn revision_access(actor: Option<&Actor>, visible: &VisibleTool) -> RevisionAccess {
    ToolScope::of(actor)
        .revision_access(&visible.tool)
        // A caller the tool is not shown to reads none of its revisions.
        .unwrap_or(RevisionAccess::Published(&[]))
}

pub async fn revision(
    ctx: &Context,
    actor: Option<&Actor>,
    visible: &VisibleTool,
    number: i32,
) -> ServiceResult<Option<Revision>> {
    let access = revision_access(actor, visible);
    let revision = commons_store::tools::revision(&ctx.db, visible.tool.id, number).await?;
    Ok(revision.filter(|r| access.reads(r.content.visibility, r.published_at.is_some())))
}

/// What changed between two revisions the caller may read.
pub async fn compare(
    ctx: &Context,
    actor: Option<&Actor>,
    visible: &VisibleTool,
    from: i32,
    to: i32,
) -> ServiceResult<Vec<FieldChange>> {
    let a = revision(ctx, actor, visible, from)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let b = revision(ctx, actor, visible, to)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(model::compare(&a.content, &b.content))
}

/// The latest revision, for the owner and moderators only.
pub async fn latest(ctx: &Context, visible: &VisibleTool) -> ServiceResult<Option<Revision>> {
    if !visible.sees_everything() {
        return Ok(None);
    }
    if visible.revision.number == visible.tool.latest_revision {
        return Ok(Some(visible.revision.clone()));
    }
    Ok(Some(latest_revision(ctx, &visible.tool).await?))
}

/// The live published revision, if the caller may read it.
pub async fn published(ctx: &Context, visible: &VisibleTool) -> ServiceResult<Option<Revision>> {
    let Some(number) = visible.tool.published_revision else {
        return Ok(None);
    };
    if visible.revision.number == number {
        return Ok(Some(visible.revision.clone()));
    }
    Ok(commons_store::tools::revision(&ctx.db, visible.tool.id, number).await?)
}

/// How current one organisation's published, active tools are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewOverview {
    pub organisation_id: i64,
    pub published: i64,
    /// Due for review within the notice period, not yet past it.
    pub due_soon: i64,
    /// Past their review date.
    pub overdue: i64,
}

/// Per organisation, how many of its published tools are due for review soon or past it: the
/// organisations with the most overdue first. INASTI's moderators.
pub async fn review_overview(
    ctx: &Context,
    actor: Option<&Actor>,
) -> ServiceResult<Vec<ReviewOverview>> {
    authorise(actor, Action::ReadModerationQueue, Resource::Catalogue)?;
    let now = ctx.now();
    let period = ctx.review;
    let due_soon = now - period.after + period.notice;
    let overdue = now - period.after;
    let mut rows: Vec<ReviewOverview> =
        commons_store::tools::review_overview(&ctx.db, due_soon, overdue)
            .await?
            .into_iter()
            .map(
                |(organisation_id, published, due, overdue)| ReviewOverview {
                    organisation_id,
                    published,
                    due_soon: due - overdue,
                    overdue,
                },
            )
            .collect();
    rows.sort_by_key(|r| (std::cmp::Reverse(r.overdue), std::cmp::Reverse(r.due_soon)));
    Ok(rows)
}

/// In which languages one organisation's published, active tools are written.
#[derive(Clone, Debug)]
pub struct LanguageCoverage {
    pub organisation: commons_domain::organisation::Organisation,
    pub published: i64,
    /// For each language, in `Lang::ALL`'s order, its tools written in it.
    pub tools: [(commons_domain::lang::Lang, i64); 4],
}

/// Per organisation with published tools, how many are written in each language: where a
/// translation would reach colleagues across the language border. The organisations with the
/// most published tools first. INASTI's moderators.
pub async fn language_coverage(
    ctx: &Context,
    actor: Option<&Actor>,
) -> ServiceResult<Vec<LanguageCoverage>> {
    authorise(actor, Action::ReadModerationQueue, Resource::Catalogue)?;
    let now = ctx.now();
    let published = commons_store::tools::review_overview(&ctx.db, now, now).await?;
    let by_lang = commons_store::tools::language_coverage(&ctx.db).await?;
    let ids: Vec<i64> = published.iter().map(|(id, ..)| *id).collect();
    let organisations = commons_store::organisations::find_by_ids(&ctx.db, &ids).await?;
    let mut rows: Vec<LanguageCoverage> = published
        .into_iter()
        .filter_map(|(id, published, ..)| {
            let organisation = organisations.iter().find(|o| o.id == id)?.clone();
            let tools = commons_domain::lang::Lang::ALL.map(|lang| {
                let n = by_lang
                    .iter()
                    .find(|(owner, l, _)| *owner == id && *l == lang)
                    .map_or(0, |(_, _, n)| *n);
                (lang, n)
            });
            Some(LanguageCoverage {
                organisation,
                published,
                tools,
            })
        })
        .collect();
    rows.sort_by_key(|r| (std::cmp::Reverse(r.published), r.organisation.id));
    Ok(rows)
}

/// Tools waiting for a decision, oldest first. Moderators only.
pub async fn moderation_queue(
    ctx: &Context,
    actor: Option<&Actor>,
    page: &PageRequest,
) -> ServiceResult<Page<VisibleTool>> {
    authorise(actor, Action::ReadModerationQueue, Resource::Catalogue)?;
    let after = page.after.as_deref().map(parse_queue_cursor).transpose()?;
    let tools = commons_store::tools::review_queue(&ctx.db, after, page.first as u64 + 1).await?;
    let total = commons_store::tools::review_queue_len(&ctx.db).await?;
    let keys: Vec<(i64, i32)> = tools.iter().map(|t| (t.id, t.latest_revision)).collect();
    let mut revisions = commons_store::tools::revisions(&ctx.db, &keys).await?;
    let items = tools
        .into_iter()
        .filter_map(|tool| {
            let at = revisions.iter().position(|r| r.tool_id == tool.id)?;
            Some(VisibleTool {
                revision: revisions.swap_remove(at),
                tool,
                shown: Shown::Latest,
            })
        })
        .collect();
    Ok(Page::from_overfetch(items, page.first, total))
}

/// The queue's sort key of a tool: when it was submitted, then its id.
pub fn queue_cursor(tool: &Tool) -> String {
    format!(
        "{}|{}",
        tool.submitted_at
            .map(|t| t.timestamp_micros())
            .unwrap_or_default(),
        tool.id
    )
}

fn parse_queue_cursor(raw: &str) -> ServiceResult<(chrono::DateTime<chrono::Utc>, i64)> {
    let bad = || ServiceError::BadInput("after is not a cursor of this list".into());
    let (micros, id) = raw.split_once('|').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// The moderation log of the tools the caller may see, newest first.
pub async fn moderation_log(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_id: Option<i64>,
    page: &PageRequest,
) -> ServiceResult<Page<ModerationDecision>> {
    let scope = ToolScope::of(actor);
    let after = page.after_as::<i64>()?;
    let rows =
        commons_store::tools::decisions(&ctx.db, &scope, tool_id, after, page.first as u64 + 1)
            .await?;
    let total = commons_store::tools::count_decisions(&ctx.db, &scope, tool_id).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}
