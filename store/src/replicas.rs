//! The replicas serving one database, and how far each one's search index has read the outbox.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use super::entity::replica;

/// Says that replica `id` is alive at `now` and its index has every outbox row up to `position`.
pub async fn heartbeat(
    db: &impl ConnectionTrait,
    id: &str,
    host: &str,
    position: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use replica::Column as C;
    replica::Entity::insert(replica::ActiveModel {
        id: Set(id.to_owned()),
        host: Set(host.to_owned()),
        index_position: Set(position),
        started_at: Set(now),
        seen_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(C::Id)
            .update_columns([C::Host, C::IndexPosition, C::SeenAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Replica `id` stops (or was found dead): it no longer holds the outbox back.
pub async fn leave(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    replica::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the replicas not heard of since `seen_since`; how many.
pub async fn forget_silent(
    db: &impl ConnectionTrait,
    seen_since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(replica::Entity::delete_many()
        .filter(replica::Column::SeenAt.lt(seen_since))
        .exec(db)
        .await?
        .rows_affected)
}

/// The index position of the slowest replica heard of since `seen_since`; `None` when none was.
pub async fn slowest_position(
    db: &impl ConnectionTrait,
    seen_since: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    replica::Entity::find()
        .select_only()
        .column_as(replica::Column::IndexPosition.min(), "slowest")
        .filter(replica::Column::SeenAt.gte(seen_since))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await
        .map(Option::flatten)
}
