//! Notifications: written with the change that causes them (and an outbox row each, so that
//! every replica learns of them and delivers them live), read and marked read by their person.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::codec::parse;
use super::entity::notification as row;
use super::entity::tool;
use commons_domain::notification::{Notice, Notification};
use commons_domain::policy::ToolScope;

pub const SUBJECT: &str = "notification";

fn from_model(m: row::Model) -> Result<Notification, DbErr> {
    Ok(Notification {
        id: m.id,
        user_id: m.user_id,
        kind: parse(&m.kind)?,
        subject_type: m.subject_type,
        subject_id: m.subject_id,
        tool_id: m.tool_id,
        details: serde_json::from_str(&m.details).map_err(|e| DbErr::Type(e.to_string()))?,
        created_at: m.created_at,
        read_at: m.read_at,
    })
}

/// Addresses the notice to each of these people.
pub async fn insert(
    db: &impl ConnectionTrait,
    users: &[i64],
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for user in users {
        let m = row::ActiveModel {
            user_id: Set(*user),
            kind: Set(notice.kind.as_str().to_owned()),
            subject_type: Set(notice.subject_type.to_owned()),
            subject_id: Set(notice.subject_id),
            tool_id: Set(notice.tool_id),
            details: Set(notice.details.to_string()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        super::outbox::append(db, SUBJECT, m.id, now).await?;
    }
    Ok(())
}

pub async fn find_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Notification>, DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        for m in row::Entity::find()
            .filter(row::Column::Id.is_in(chunk.to_vec()))
            .order_by_asc(row::Column::Id)
            .all(db)
            .await?
        {
            out.push(from_model(m)?);
        }
    }
    Ok(out)
}

/// The notifications a person may read: those about no tool, or about a tool the person's scope
/// still shows (not one withdrawn since, or archived). Lists, counts and "mark all read" all
/// ask this, so that no count says more than the list shows.
fn readable(user_id: i64, scope: &ToolScope) -> Condition {
    let visible_tools = Query::select()
        .column(tool::Column::Id)
        .from(tool::Entity)
        .cond_where(super::tools::visible(scope))
        .to_owned();
    Condition::all().add(row::Column::UserId.eq(user_id)).add(
        Condition::any()
            .add(row::Column::ToolId.is_null())
            .add(row::Column::ToolId.in_subquery(visible_tools)),
    )
}

/// A person's notifications they may read, newest first, before the id `before`.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    scope: &ToolScope,
    unread_only: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Notification>, DbErr> {
    let mut q = row::Entity::find().filter(readable(user_id, scope));
    if unread_only {
        q = q.filter(row::Column::ReadAt.is_null());
    }
    super::newest_first(db, q, row::Column::Id, before, limit)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

pub async fn count_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    scope: &ToolScope,
    unread_only: bool,
) -> Result<u64, DbErr> {
    let mut q = row::Entity::find().filter(readable(user_id, scope));
    if unread_only {
        q = q.filter(row::Column::ReadAt.is_null());
    }
    q.count(db).await
}

/// Marks the person's notifications they may read as read: these, or all. Returns how many
/// changed.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user_id: i64,
    scope: &ToolScope,
    ids: Option<&[i64]>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut q = row::Entity::update_many()
        .col_expr(row::Column::ReadAt, Expr::value(now))
        .filter(readable(user_id, scope))
        .filter(row::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        q = q.filter(row::Column::Id.is_in(ids.to_vec()));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Whether a reply-by reminder was already sent for this proposal to this person.
pub async fn exists(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: &str,
    subject_type: &str,
    subject_id: i64,
) -> Result<bool, DbErr> {
    Ok(row::Entity::find()
        .filter(row::Column::UserId.eq(user_id))
        .filter(row::Column::Kind.eq(kind))
        .filter(row::Column::SubjectType.eq(subject_type))
        .filter(row::Column::SubjectId.eq(subject_id))
        .count(db)
        .await?
        > 0)
}
