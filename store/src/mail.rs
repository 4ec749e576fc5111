//! Notifications by e-mail: people's addresses and choices, and the mail outbox (each message
//! queued once under its key, claimed before it is sent, marked sent or failed after).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::codec::{lang_from, parse};
use super::entity::{
    mail_address as address, mail_cursor as cursor, mail_outbox as outbox,
    mail_preference as preference, notification,
};
use commons_domain::lang::Lang;
use commons_domain::mail::{AddressSource, Delivery, MailAddress, Preferences, Purpose};
use commons_domain::notification::{Notification, NotificationKind};

fn address_from(m: address::Model) -> Result<MailAddress, DbErr> {
    Ok(MailAddress {
        user_id: m.user_id,
        address: m.address,
        source: parse(&m.source)?,
        lang: lang_from(&m.lang)?,
        confirmed_at: m.confirmed_at,
        suppressed_at: m.suppressed_at,
        suppressed_reason: m.suppressed_reason,
        digest_sent_at: m.digest_sent_at,
    })
}

pub async fn address_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<MailAddress>, DbErr> {
    address::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(address_from)
        .transpose()
}

pub async fn addresses_of(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<MailAddress>, DbErr> {
    address::Entity::find()
        .filter(address::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(address_from)
        .collect()
}

/// A new address for the person, replacing any: confirmed now (a verified claim) or waiting
/// for the link whose token hash is given; a new address is no longer suppressed.
pub struct NewAddress<'a> {
    pub user_id: i64,
    pub address: &'a str,
    pub source: AddressSource,
    pub lang: Lang,
    pub confirmed: bool,
    pub token_hash: Option<&'a str>,
}

pub async fn set_address(
    db: &impl ConnectionTrait,
    a: NewAddress<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    address::Entity::insert(address::ActiveModel {
        user_id: Set(a.user_id),
        address: Set(a.address.to_owned()),
        source: Set(a.source.as_str().to_owned()),
        lang: Set(a.lang.code().to_owned()),
        confirmed_at: Set(a.confirmed.then_some(now)),
        confirmation_token_hash: Set(a.token_hash.map(str::to_owned)),
        confirmation_sent_at: Set(a.token_hash.map(|_| now)),
        suppressed_at: Set(None),
        suppressed_reason: Set(None),
        digest_sent_at: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(address::Column::UserId)
            .update_columns([
                address::Column::Address,
                address::Column::Source,
                address::Column::Lang,
                address::Column::ConfirmedAt,
                address::Column::ConfirmationTokenHash,
                address::Column::ConfirmationSentAt,
                address::Column::SuppressedAt,
                address::Column::SuppressedReason,
                address::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The language mail is written in.
pub async fn set_lang(
    db: &impl ConnectionTrait,
    user_id: i64,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = address::Entity::update_many()
        .col_expr(address::Column::Lang, Expr::value(lang.code()))
        .col_expr(address::Column::UpdatedAt, Expr::value(now))
        .filter(address::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Confirms the address whose pending link has this token hash; the person's id.
pub async fn confirm(
    db: &impl ConnectionTrait,
    token_hash: &str,
    sent_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let Some(found) = address::Entity::find()
        .filter(address::Column::ConfirmationTokenHash.eq(token_hash))
        .filter(address::Column::ConfirmationSentAt.gte(sent_after))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let done = address::Entity::update_many()
        .col_expr(address::Column::ConfirmedAt, Expr::value(now))
        .col_expr(
            address::Column::ConfirmationTokenHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            address::Column::SuppressedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            address::Column::SuppressedReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(address::Column::UpdatedAt, Expr::value(now))
        .filter(address::Column::UserId.eq(found.user_id))
        .filter(address::Column::ConfirmationTokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok((done.rows_affected == 1).then_some(found.user_id))
}

/// Stops mail to the person's address (a bounce, a permanent refusal) until it is confirmed
/// again; nothing when the address changed since.
pub async fn suppress(
    db: &impl ConnectionTrait,
    user_id: i64,
    address_was: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    address::Entity::update_many()
        .col_expr(address::Column::SuppressedAt, Expr::value(now))
        .col_expr(address::Column::SuppressedReason, Expr::value(reason))
        .col_expr(address::Column::UpdatedAt, Expr::value(now))
        .filter(address::Column::UserId.eq(user_id))
        .filter(address::Column::Address.eq(address_was))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn preferences(db: &impl ConnectionTrait, user_id: i64) -> Result<Preferences, DbErr> {
    let rows = preference::Entity::find()
        .filter(preference::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let mut chosen = Vec::new();
    for r in rows {
        chosen.push((
            parse::<NotificationKind>(&r.kind)?,
            parse::<Delivery>(&r.delivery)?,
        ));
    }
    Ok(Preferences { chosen })
}

pub async fn set_preference(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: NotificationKind,
    delivery: Delivery,
) -> Result<(), DbErr> {
    preference::Entity::insert(preference::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind.as_str().to_owned()),
        delivery: Set(delivery.as_str().to_owned()),
    })
    .on_conflict(
        OnConflict::columns([preference::Column::UserId, preference::Column::Kind])
            .update_column(preference::Column::Delivery)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The people among these who chose to hear of this kind at once.
pub async fn immediate_for(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<Vec<(i64, NotificationKind)>, DbErr> {
    let rows = preference::Entity::find()
        .filter(preference::Column::UserId.is_in(user_ids.iter().copied()))
        .filter(preference::Column::Delivery.eq(Delivery::Immediate.as_str()))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.user_id, parse(&r.kind)?)))
        .collect()
}

/// When the reading of `name` last began.
pub async fn cursor(db: &impl ConnectionTrait, name: &str) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(cursor::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .map(|c| c.read_at))
}

pub async fn set_cursor(
    db: &impl ConnectionTrait,
    name: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    cursor::Entity::insert(cursor::ActiveModel {
        name: Set(name.to_owned()),
        read_at: Set(at),
    })
    .on_conflict(
        OnConflict::column(cursor::Column::Name)
            .update_column(cursor::Column::ReadAt)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Notifications written at or after `since`, after the id given, oldest first, at most
/// `limit`.
pub async fn notifications_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
    after_id: Option<i64>,
    limit: u64,
) -> Result<Vec<Notification>, DbErr> {
    let mut query = notification::Entity::find().filter(notification::Column::CreatedAt.gte(since));
    if let Some(after) = after_id {
        query = query.filter(notification::Column::Id.gt(after));
    }
    let ids: Vec<i64> = query
        .order_by_asc(notification::Column::Id)
        .limit(limit)
        .select_only()
        .column(notification::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    super::notifications::find_many(db, &ids).await
}

/// A person's notifications of these kinds written in `[from, until)`, oldest first, at most
/// `limit`; and how many there are in all.
pub async fn notifications_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    kinds: &[NotificationKind],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<(Vec<Notification>, u64), DbErr> {
    let query = || {
        notification::Entity::find()
            .filter(notification::Column::UserId.eq(user_id))
            .filter(notification::Column::Kind.is_in(kinds.iter().map(|k| k.as_str())))
            .filter(notification::Column::CreatedAt.gte(from))
            .filter(notification::Column::CreatedAt.lt(until))
    };
    let ids: Vec<i64> = query()
        .order_by_asc(notification::Column::Id)
        .limit(limit)
        .select_only()
        .column(notification::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let total = query().count(db).await?;
    Ok((super::notifications::find_many(db, &ids).await?, total))
}

/// Deliverable addresses whose last digest (or confirmation) is before `before`, at most
/// `limit`, the longest waiting first.
pub async fn digests_due(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<MailAddress>, DbErr> {
    use sea_orm::Condition;
    address::Entity::find()
        .filter(address::Column::ConfirmedAt.is_not_null())
        .filter(address::Column::SuppressedAt.is_null())
        .filter(
            Condition::any()
                .add(address::Column::DigestSentAt.lt(before))
                .add(
                    Condition::all()
                        .add(address::Column::DigestSentAt.is_null())
                        .add(address::Column::ConfirmedAt.lt(before)),
                ),
        )
        // The longest waiting first, on both databases (they sort NULL apart).
        .order_by_asc(Expr::cust("COALESCE(digest_sent_at, confirmed_at)"))
        .order_by_asc(address::Column::UserId)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(address_from)
        .collect()
}

pub async fn digest_done(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    address::Entity::update_many()
        .col_expr(address::Column::DigestSentAt, Expr::value(at))
        .filter(address::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A message queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub id: i64,
    pub user_id: i64,
    pub address: String,
    pub purpose: Purpose,
    pub subject: String,
    pub body_text: String,
    pub unsubscribe_url: Option<String>,
    pub attempts: i32,
}

/// A message to queue, once: a second with the same key is ignored.
pub struct Envelope<'a> {
    pub user_id: i64,
    pub address: &'a str,
    pub purpose: Purpose,
    pub key: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub unsubscribe_url: Option<&'a str>,
}

pub const PENDING: &str = "PENDING";
pub const SENDING: &str = "SENDING";
pub const SENT: &str = "SENT";
pub const FAILED: &str = "FAILED";

/// Queues the letter unless its key was queued already; whether it was queued now.
pub async fn queue(
    db: &impl ConnectionTrait,
    l: Envelope<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = outbox::Entity::insert(outbox::ActiveModel {
        user_id: Set(l.user_id),
        address: Set(l.address.to_owned()),
        purpose: Set(l.purpose.as_str().to_owned()),
        dedupe_key: Set(l.key.to_owned()),
        subject: Set(l.subject.to_owned()),
        body_text: Set(l.body_text.to_owned()),
        unsubscribe_url: Set(l.unsubscribe_url.map(str::to_owned)),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(outbox::Column::DedupeKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Confirmation links queued for the person since then.
pub async fn confirmations_since(
    db: &impl ConnectionTrait,
    user_id: i64,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::UserId.eq(user_id))
        .filter(outbox::Column::Purpose.eq(Purpose::Confirmation.as_str()))
        .filter(outbox::Column::CreatedAt.gte(since))
        .count(db)
        .await
}

/// Whether a message under this key was queued.
pub async fn queued(db: &impl ConnectionTrait, key: &str) -> Result<bool, DbErr> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::DedupeKey.eq(key))
        .count(db)
        .await?
        > 0)
}

/// Messages claimed by a sender that stopped (their claim ran out) are due again, the stopped
/// try counted.
pub async fn release_stale(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let done = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(PENDING))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Status.eq(SENDING))
        .filter(outbox::Column::NextAttemptAt.lt(now))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Messages due, oldest first, at most `limit`.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Queued>, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::Status.eq(PENDING))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Queued {
                id: m.id,
                user_id: m.user_id,
                address: m.address,
                purpose: parse(&m.purpose)?,
                subject: m.subject,
                body_text: m.body_text,
                unsubscribe_url: m.unsubscribe_url,
                attempts: m.attempts,
            })
        })
        .collect()
}

/// Claims a due message for sending until `until`; whether this sender has it.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(SENDING))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(until))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(PENDING))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// What became of a claimed message.
pub enum Outcome<'a> {
    Sent,
    /// Refused for now: tried again at this moment.
    Retry {
        at: DateTime<Utc>,
        error: &'a str,
    },
    /// Refused for good, or tried too often.
    Failed {
        error: &'a str,
    },
    /// Not sent, not tried: due again at this moment (a person's daily bound reached).
    Deferred {
        at: DateTime<Utc>,
    },
}

pub async fn settle(
    db: &impl ConnectionTrait,
    id: i64,
    outcome: Outcome<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // Only a message this sender still holds: one released meanwhile is another's.
    let mut update = outbox::Entity::update_many()
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(SENDING));
    update = match outcome {
        Outcome::Sent => update
            .col_expr(outbox::Column::Status, Expr::value(SENT))
            .col_expr(outbox::Column::SentAt, Expr::value(now))
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            ),
        Outcome::Retry { at, error } => update
            .col_expr(outbox::Column::Status, Expr::value(PENDING))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(at))
            .col_expr(outbox::Column::LastError, Expr::value(error))
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            ),
        Outcome::Failed { error } => update
            .col_expr(outbox::Column::Status, Expr::value(FAILED))
            .col_expr(outbox::Column::LastError, Expr::value(error))
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            ),
        Outcome::Deferred { at } => update
            .col_expr(outbox::Column::Status, Expr::value(PENDING))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(at)),
    };
    update.exec(db).await?;
    Ok(())
}

/// Messages sent to the person since then.
pub async fn sent_since(
    db: &impl ConnectionTrait,
    user_id: i64,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::UserId.eq(user_id))
        .filter(outbox::Column::SentAt.gte(since))
        .count(db)
        .await
}

/// When the oldest message sent to the person since then went.
pub async fn oldest_sent_since(
    db: &impl ConnectionTrait,
    user_id: i64,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::UserId.eq(user_id))
        .filter(outbox::Column::SentAt.gte(since))
        .order_by_asc(outbox::Column::SentAt)
        .one(db)
        .await?
        .and_then(|m| m.sent_at))
}

/// Messages that went or failed before `before` leave the outbox (their words included).
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let done = outbox::Entity::delete_many()
        .filter(outbox::Column::Status.is_in([SENT, FAILED]))
        .filter(outbox::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}
