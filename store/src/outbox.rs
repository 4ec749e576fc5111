//! The transactional outbox: each change names what it touched, in its own transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::{outbox, outbox_horizon};

/// A transaction-scoped lock that every outbox insert takes on PostgreSQL. A sequence value is
/// taken before commit, so without it two writers could commit their rows out of id order and
/// a follower reading "after id N" could pass over the one that commits late. With it, the
/// next outbox insert waits until this transaction ends: ids commit in order. SQLite needs
/// nothing: its writers already take turns (`BEGIN IMMEDIATE`).
const OUTBOX_LOCK: i64 = 0x0063_6f6d_6d6f_6e73;

/// The PostgreSQL channel on which every committed outbox row is announced.
const CHANGES_CHANNEL: &str = "commons_outbox";

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
        // The notification reaches the other replicas' listeners when this transaction commits
        // (and not at all if it rolls back); several in one transaction arrive as one.
        db.execute_unprepared(&format!(
            "SELECT pg_advisory_xact_lock({OUTBOX_LOCK}), pg_notify('{CHANGES_CHANNEL}', '')"
        ))
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

/// The id of the newest row written before `time`, if any.
pub async fn last_id_before(
    db: &impl ConnectionTrait,
    time: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::CreatedAt.lt(time))
        .order_by_desc(outbox::Column::Id)
        .one(db)
        .await?
        .map(|m| m.id))
}

/// Every row up to this id has been pruned (0: none ever was).
pub async fn horizon(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(outbox_horizon::Entity::find_by_id(1)
        .one(db)
        .await?
        .map_or(0, |m| m.pruned_through))
}

/// Deletes the rows up to `through`, at most `batch` of them, and moves the horizon in the same
/// transaction; the number deleted (fewer than `batch`: done).
pub async fn prune_batch(
    db: &impl ConnectionTrait,
    through: i64,
    batch: u64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let upto = outbox::Entity::find()
        .filter(outbox::Column::Id.lte(through))
        .order_by_asc(outbox::Column::Id)
        .offset(batch.saturating_sub(1))
        .one(db)
        .await?
        .map_or(through, |m| m.id);
    let deleted = outbox::Entity::delete_many()
        .filter(outbox::Column::Id.lte(upto))
        .exec(db)
        .await?
        .rows_affected;
    outbox_horizon::Entity::insert(outbox_horizon::ActiveModel {
        id: Set(1),
        pruned_through: Set(upto),
        pruned_at: Set(now),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(outbox_horizon::Column::Id)
            .update_columns([
                outbox_horizon::Column::PrunedThrough,
                outbox_horizon::Column::PrunedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(deleted)
}

/// Hears of committed outbox rows the moment they commit, on PostgreSQL (`LISTEN`). Notices can
/// be lost (a dropped connection), so followers keep polling as well, only less eagerly.
pub struct ChangeListener {
    inner: sea_orm::sqlx::postgres::PgListener,
}

impl ChangeListener {
    /// A listener for the database at `url`; `None` on a database without notifications.
    pub async fn connect(url: &str) -> Result<Option<Self>, DbErr> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Ok(None);
        }
        let mut inner = sea_orm::sqlx::postgres::PgListener::connect(url)
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
        inner
            .listen(CHANGES_CHANNEL)
            .await
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
        Ok(Some(Self { inner }))
    }

    /// Waits for the next notice. After a lost connection it reconnects, and says so with an
    /// error once (changes in between may have gone unannounced).
    pub async fn next(&mut self) -> Result<(), DbErr> {
        self.inner
            .recv()
            .await
            .map(|_| ())
            .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))
    }
}
