//! The transactional outbox: each change names what it touched, in its own transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::outbox;

/// A transaction-scoped lock that every outbox insert takes on PostgreSQL. A sequence value is
/// taken before commit, so without it two writers could commit their rows out of id order and
/// a follower reading "after id N" could pass over the one that commits late. With it, the
/// next outbox insert waits until this transaction ends: ids commit in order. SQLite needs
/// nothing: its writers already take turns (`BEGIN IMMEDIATE`).
const OUTBOX_LOCK: i64 = 0x0063_6f6d_6d6f_6e73;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub entity_type: String,
    pub entity_id: i64,
    pub created_at: DateTime<Utc>,
}

pub async fn append(
    db: &impl ConnectionTrait,
    entity_type: &str,
    entity_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({OUTBOX_LOCK})"))
            .await?;
    }
    outbox::ActiveModel {
        created_at: Set(now),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Rows after `cursor`, in id order.
pub async fn after(
    db: &impl ConnectionTrait,
    cursor: i64,
    limit: u64,
) -> Result<Vec<OutboxRow>, DbErr> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::Id.gt(cursor))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| OutboxRow {
            id: m.id,
            entity_type: m.entity_type,
            entity_id: m.entity_id,
            created_at: m.created_at,
        })
        .collect())
}

pub async fn count_after(db: &impl ConnectionTrait, cursor: i64) -> Result<u64, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::Id.gt(cursor))
        .count(db)
        .await
}

pub async fn last_id(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .one(db)
        .await?
        .map_or(0, |m| m.id))
}
