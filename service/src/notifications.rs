//! Notifications: addressed in the transaction of the change that causes them, read and marked
//! read by their person, and delivered live. Delivery tails the shared outbox (a row per
//! notification), so a replica delivers what any replica wrote; each subscriber takes its own
//! person's notifications that they may still read.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, broadcast};
use tokio_util::sync::CancellationToken;

use crate::{Context, Page, PageRequest, ServiceResult, signed_in};
use commons_domain::identity::Actor;
use commons_domain::notification::{FollowTarget, Notice, Notification, NotificationKind};
use commons_domain::policy::ToolScope;

/// How many notifications wait for a slow subscriber before it skips some (it still finds them
/// in `viewer.notifications`).
const CHANNEL_CAPACITY: usize = 1_024;

/// Where written notifications are announced to this replica's subscribers.
pub struct NotificationHub {
    sender: broadcast::Sender<Notification>,
    wake: Notify,
}

impl Default for NotificationHub {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CHANNEL_CAPACITY).0,
            wake: Notify::new(),
        }
    }
}

impl NotificationHub {
    pub fn subscribe(&self) -> broadcast::Receiver<Notification> {
        self.sender.subscribe()
    }

    /// A change was committed: look at the outbox now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Tails the outbox from its end and announces each new notification; stops with `stop`.
pub async fn deliver(ctx: Context, poll: Duration, stop: CancellationToken) {
    let mut cursor = loop {
        match commons_store::outbox::last_id(&ctx.db).await {
            Ok(id) => break id,
            Err(e) => {
                tracing::warn!(error = %e, "notifications: the outbox cannot be read yet");
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(poll) => {}
                }
            }
        }
    };
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = ctx.notifications.wake.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
        match announce(&ctx, cursor).await {
            Ok(next) => cursor = next,
            Err(e) => tracing::warn!(error = %e, "notifications: delivery failed; trying again"),
        }
    }
}

async fn announce(ctx: &Context, mut cursor: i64) -> ServiceResult<i64> {
    loop {
        let rows = commons_store::outbox::after(&ctx.db, cursor, 1_000).await?;
        let Some(last) = rows.last() else {
            return Ok(cursor);
        };
        cursor = last.id;
        // An organisation changed on some replica: forget the identities remembered here.
        if rows.iter().any(|r| r.entity_type == "organisation") {
            ctx.identities.clear();
        }
        let ids: Vec<i64> = rows
            .iter()
            .filter(|r| r.entity_type == commons_store::notifications::SUBJECT)
            .map(|r| r.entity_id)
            .collect();
        for n in commons_store::notifications::find_many(&ctx.db, &ids).await? {
            // No subscriber is not an error.
            let _ = ctx.notifications.sender.send(n);
        }
        if rows.len() < 1_000 {
            return Ok(cursor);
        }
    }
}

/// Tells the people of these organisations, except the one who made the change.
pub(crate) async fn to_organisations(
    db: &impl sea_orm::ConnectionTrait,
    organisations: &[i64],
    notice: Notice,
    author: Option<&Actor>,
    now: chrono::DateTime<Utc>,
) -> ServiceResult<()> {
    let mut users = commons_store::users::of_organisations(db, organisations).await?;
    users.retain(|u| Some(*u) != author.map(|a| a.user_id));
    Ok(commons_store::notifications::insert(db, &users, &notice, now).await?)
}

/// Tells the people following any of these targets, except the one who made the change.
pub(crate) async fn to_followers(
    db: &impl sea_orm::ConnectionTrait,
    targets: &[FollowTarget],
    notice: Notice,
    author: Option<&Actor>,
    now: chrono::DateTime<Utc>,
) -> ServiceResult<()> {
    let mut users = commons_store::follows::followers(db, targets).await?;
    users.retain(|u| Some(*u) != author.map(|a| a.user_id));
    Ok(commons_store::notifications::insert(db, &users, &notice, now).await?)
}

/// Whether the person may still read what the notification is about: a tool they can no
/// longer see (withdrawn, archived) is not shown.
pub async fn readable(ctx: &Context, actor: &Actor, n: &Notification) -> ServiceResult<bool> {
    if n.user_id != actor.user_id {
        return Ok(false);
    }
    match n.tool_id {
        None => Ok(true),
        Some(tool) => Ok(commons_store::tools::find(&ctx.db, tool)
            .await?
            .is_some_and(|t| ToolScope::of(Some(actor)).shown(&t).is_some())),
    }
}

pub async fn list(
    ctx: &Context,
    actor: Option<&Actor>,
    unread_only: bool,
    page: &PageRequest,
) -> ServiceResult<Page<Notification>> {
    let actor = signed_in(actor)?;
    let after = page.after_as::<i64>()?;
    // The list, its count and the unread count follow one rule (`readable`, in SQL): a
    // notification about a tool the reader can no longer see is in none of them.
    let scope = ToolScope::of(Some(actor));
    let rows = commons_store::notifications::of_user(
        &ctx.db,
        actor.user_id,
        &scope,
        unread_only,
        after,
        page.first as u64 + 1,
    )
    .await?;
    let total =
        commons_store::notifications::count_of_user(&ctx.db, actor.user_id, &scope, unread_only)
            .await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}

pub async fn unread_count(ctx: &Context, actor: Option<&Actor>) -> ServiceResult<u64> {
    let actor = signed_in(actor)?;
    let scope = ToolScope::of(Some(actor));
    Ok(commons_store::notifications::count_of_user(&ctx.db, actor.user_id, &scope, true).await?)
}

/// Marks the caller's notifications read: these (at most 100), or all.
pub async fn mark_read(
    ctx: &Context,
    actor: Option<&Actor>,
    ids: Option<Vec<i64>>,
) -> ServiceResult<u64> {
    let actor = signed_in(actor)?;
    if ids.as_ref().is_some_and(|ids| ids.len() > 100) {
        return Err(commons_domain::validation::FieldError::new(
            &["ids"],
            commons_domain::validation::FieldErrorCode::TooLong,
            "at most 100 at once; or say all",
        )
        .into());
    }
    let now = ctx.now();
    let scope = ToolScope::of(Some(actor));
    Ok(
        commons_store::notifications::mark_read(
            &ctx.db,
            actor.user_id,
            &scope,
            ids.as_deref(),
            now,
        )
        .await?,
    )
}

/// Reminds each caisse whose answer to an open proposal is still missing once its reply-by
/// moment is within three days. Run periodically; each person is reminded once per proposal.
pub async fn remind_replies_due(ctx: &Context) -> ServiceResult<usize> {
    let now = ctx.now();
    let due = commons_store::collaborations::awaiting_reply_before(
        &ctx.db,
        now,
        now + chrono::Duration::days(3),
    )
    .await?;
    let mut sent = 0;
    for (proposal_id, caisse_id, reply_by) in due {
        let txn = commons_store::begin_write(&ctx.db).await?;
        let mut users = commons_store::users::of_organisations(&txn, &[caisse_id]).await?;
        let mut fresh = Vec::with_capacity(users.len());
        for u in users.drain(..) {
            if !commons_store::notifications::exists(
                &txn,
                u,
                NotificationKind::ReplyDue.as_str(),
                "collaboration_proposal",
                proposal_id,
            )
            .await?
            {
                fresh.push(u);
            }
        }
        let notice = Notice {
            kind: NotificationKind::ReplyDue,
            subject_type: "collaboration_proposal",
            subject_id: proposal_id,
            tool_id: None,
            details: serde_json::json!({ "replyBy": reply_by.to_rfc3339() }),
        };
        commons_store::notifications::insert(&txn, &fresh, &notice, now).await?;
        sent += fresh.len();
        ctx.commit(txn).await?;
    }
    Ok(sent)
}

/// Tools whose owners one run of the reminders tells at most; the rest wait for the next run.
const REVIEW_REMINDERS_PER_RUN: u64 = 100;

/// Tells the staff of each organisation whose published tool is due for review within the
/// notice period (confirm it is still valid, or edit it). Run periodically; each review date
/// is told once, and a confirmation or a new publication starts a new one.
pub async fn remind_reviews_due(ctx: &Context) -> ServiceResult<usize> {
    let now = ctx.now();
    let period = ctx.review;
    let reviewed_before = now - period.after + period.notice;
    let due =
        commons_store::tools::review_due_untold(&ctx.db, reviewed_before, REVIEW_REMINDERS_PER_RUN)
            .await?;
    let mut sent = 0;
    for (tool_id, owner_id, reviewed_at) in due {
        let txn = commons_store::begin_write(&ctx.db).await?;
        // Noted first: a tool reviewed meanwhile is not told about, and never twice.
        if !commons_store::tools::note_review_reminded(&txn, tool_id, reviewed_at, now).await? {
            continue;
        }
        let users = commons_store::users::of_organisations(&txn, &[owner_id]).await?;
        let notice = Notice {
            kind: NotificationKind::ReviewDue,
            subject_type: "tool",
            subject_id: tool_id,
            tool_id: Some(tool_id),
            details: serde_json::json!({
                "reviewDue": (reviewed_at + period.after).to_rfc3339()
            }),
        };
        commons_store::notifications::insert(&txn, &users, &notice, now).await?;
        sent += users.len();
        ctx.commit(txn).await?;
    }
    Ok(sent)
}

/// Keeps the hub alive in the context.
pub fn hub() -> Arc<NotificationHub> {
    Arc::new(NotificationHub::default())
}
