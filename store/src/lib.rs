//! Persistence: sea-orm entities and the queries over them. The only place that speaks SQL.

pub mod activity_reports;
pub mod adoptions;
pub mod appeals;
pub mod attachments;
pub mod audit;
pub mod codec;
pub mod collaborations;
pub mod collections;
pub mod content_reports;
pub mod db;
pub mod duties;
pub mod entity;
pub mod evaluations;
pub mod follows;
pub mod funding;
pub mod joint_services;
pub mod legal_frames;
pub mod mail;
pub mod notifications;
pub mod organisations;
pub mod outbox;
pub mod replicas;
pub mod responsibility;
pub mod reviews;
pub mod search_synonyms;
pub mod service_offerings;
pub mod tools;
pub mod translations;
pub mod users;
pub mod web_sessions;

pub use db::{Database, begin_write};

/// One page of a list kept newest first by id: the rows of `query` before the id `before`
/// (the cursor), at most `limit`. Every such list pages the same way through here.
pub(crate) async fn newest_first<E>(
    db: &impl sea_orm::ConnectionTrait,
    query: sea_orm::Select<E>,
    id: E::Column,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<E::Model>, sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let query = match before {
        Some(b) => query.filter(id.lt(b)),
        None => query,
    };
    query.order_by_desc(id).limit(limit).all(db).await
}

/// True when the error is a unique-constraint violation (a race the service checked for).
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
