//! Reviews: staff and admins of an organisation review another's published tool once (a second
//! review replaces the first); the owner is told; a moderator hides an abusive review with a
//! reason, recorded in the tool's moderation log. The author's organisation still sees its
//! hidden review, with the reason; hidden reviews leave the average.

use serde_json::json;

use crate::{
    Context, Page, PageRequest, ServiceError, ServiceResult, authorise, notifications, signed_in,
};
use commons_domain::adoption::is_live;
use commons_domain::content_report::{ReportOutcome, ReportedItem, ReportedKind};
use commons_domain::identity::{Actor, Role};
use commons_domain::lang::Lang;
use commons_domain::notification::{Notice, NotificationKind};
use commons_domain::policy::{Action, Resource, ToolScope};
use commons_domain::review::{self as rules, REASON_MAX_CHARS, Rating, Review};
use commons_domain::tool::Decision;
use commons_domain::validation::{self, FieldError, FieldErrorCode};
use commons_store::reviews::HiddenShown;
use commons_store::{audit, begin_write};

const SUBJECT: &str = "review";

pub async fn review(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_id: i64,
    rating: i32,
    comment: Option<&str>,
    lang: Lang,
) -> ServiceResult<Review> {
    let caller = signed_in(actor)?;
    let tool = commons_store::tools::find(&ctx.db, tool_id)
        .await?
        .filter(|t| ToolScope::of(Some(caller)).shown(t).is_some())
        .ok_or(ServiceError::NotFound)?;
    let actor = authorise(
        actor,
        Action::ReviewTool,
        Resource::Tool {
            owner_id: tool.owner_id,
        },
    )?;
    let (stars, comment) = rules::validate(rating, comment)?;
    if !is_live(&tool) {
        return Err(FieldError::new(
            &["toolId"],
            FieldErrorCode::InvalidState,
            "only a published tool can be reviewed",
        )
        .into());
    }
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let first = commons_store::reviews::of(&txn, tool.id, actor.organisation_id)
        .await?
        .is_none();
    commons_store::reviews::upsert(
        &txn,
        commons_store::reviews::Written {
            tool_id: tool.id,
            organisation_id: actor.organisation_id,
            rating: stars,
            comment: comment.as_deref(),
            lang,
        },
        actor.user_id,
        now,
    )
    .await?;
    let saved = commons_store::reviews::of(&txn, tool.id, actor.organisation_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: if first {
                "review.written"
            } else {
                "review.updated"
            },
            subject_type: SUBJECT,
            subject_id: saved.id,
            details: json!({ "tool": tool.id, "rating": stars }),
        },
        now,
    )
    .await?;
    notifications::to_organisations(
        &txn,
        &[tool.owner_id],
        Notice {
            kind: NotificationKind::ToolReviewed,
            subject_type: "tool",
            subject_id: tool.id,
            tool_id: Some(tool.id),
            details: json!({ "organisation": actor.organisation_id, "rating": stars }),
        },
        Some(actor),
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(saved)
}

pub async fn hide(
    ctx: &Context,
    actor: Option<&Actor>,
    review_id: i64,
    reason: &str,
) -> ServiceResult<Review> {
    authorise(actor, Action::HideReview, Resource::Catalogue)?;
    let review = commons_store::reviews::find(&ctx.db, review_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let txn = begin_write(&ctx.db).await?;
    hide_in(ctx, &txn, actor, &review, reason).await?;
    // Those who reported the review are told it was hidden, as from the queue.
    let item = ReportedItem {
        kind: ReportedKind::Review,
        id: review.id,
    };
    let outcome = ReportOutcome::HideReview;
    crate::content_reports::answer_unprompted(&txn, item, outcome, Some(reason), actor, ctx.now())
        .await?;
    ctx.commit(txn).await?;
    commons_store::reviews::find(&ctx.db, review.id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Hides the review in `txn`: the reason shown to its organisation, the decision in the tool's
/// moderation log.
pub(crate) async fn hide_in(
    ctx: &Context,
    txn: &sea_orm::DatabaseTransaction,
    actor: Option<&Actor>,
    review: &Review,
    reason: &str,
) -> ServiceResult<()> {
    let actor = authorise(actor, Action::HideReview, Resource::Catalogue)?;
    let reason = validation::required_text(&["reason"], reason, REASON_MAX_CHARS)?;
    if review.hidden.is_some() {
        return Err(FieldError::new(
            &["reviewId"],
            FieldErrorCode::InvalidState,
            "the review is already hidden",
        )
        .into());
    }
    let tool = commons_store::tools::find(txn, review.tool_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = ctx.now();
    if !commons_store::reviews::hide(txn, review.id, actor.user_id, &reason, now).await? {
        return Err(ServiceError::Conflict(
            "the review changed meanwhile; reload it".into(),
        ));
    }
    // The decision is in the tool's moderation log, against the revision then published.
    let revision = tool.published_revision.unwrap_or(tool.latest_revision);
    commons_store::tools::insert_decision_on(
        txn,
        tool.id,
        revision,
        Some(review.id),
        Decision::HideReview,
        Some(&reason),
        actor.user_id,
        now,
    )
    .await?;
    audit::record(
        txn,
        audit::Change {
            actor: Some(actor),
            action: "review.hidden",
            subject_type: SUBJECT,
            subject_id: review.id,
            details: json!({ "tool": tool.id, "organisation": review.organisation_id }),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Which hidden reviews this caller sees: moderators all, an organisation its own.
fn hidden_shown(actor: Option<&Actor>) -> HiddenShown {
    match actor {
        Some(a) if a.has(Role::Moderator) => HiddenShown::All,
        Some(a) => HiddenShown::OfOrganisation(a.organisation_id),
        None => HiddenShown::None,
    }
}

/// Whether the caller reads this review, its tool aside: a hidden one only moderators and its
/// own organisation ([`hidden_shown`], one rule).
pub(crate) fn readable_by(review: &Review, actor: Option<&Actor>) -> bool {
    review.hidden.is_none()
        || match hidden_shown(actor) {
            HiddenShown::All => true,
            HiddenShown::OfOrganisation(org) => org == review.organisation_id,
            HiddenShown::None => false,
        }
}

/// A tool's reviews (the tool is one the caller may see), newest first.
pub async fn of_tool(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_id: i64,
    page: &PageRequest,
) -> ServiceResult<Page<Review>> {
    let after = page.after_as::<i64>()?;
    let shown = hidden_shown(actor);
    let rows =
        commons_store::reviews::of_tool(&ctx.db, tool_id, shown, after, page.first as u64 + 1)
            .await?;
    let total = commons_store::reviews::count_of_tool(&ctx.db, tool_id, shown).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}

pub async fn rating(ctx: &Context, tool_id: i64) -> ServiceResult<Rating> {
    Ok(rules::rating(
        &commons_store::reviews::visible_of_tool(&ctx.db, tool_id).await?,
    ))
}
