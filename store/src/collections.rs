//! INASTI's collections; archived ones are kept.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter,
};

use super::codec::{ids, localised, parse_ids, parse_localised};
use super::entity::collection as row;
use commons_domain::collection::{Collection, CollectionContent};

fn from_model(m: row::Model) -> Result<Collection, DbErr> {
    Ok(Collection {
        id: m.id,
        title: parse_localised(&m.title)?,
        description: parse_localised(&m.description)?,
        tool_ids: parse_ids(&m.tool_ids)?,
        featured: m.featured,
        archived_at: m.archived_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

pub async fn insert(
    db: &impl ConnectionTrait,
    c: &CollectionContent,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Collection, DbErr> {
    let m = row::ActiveModel {
        title: Set(localised(&c.title)),
        description: Set(localised(&c.description)),
        tool_ids: Set(ids(&c.tool_ids)),
        featured: Set(c.featured),
        archived_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        created_by: Set(user_id),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    from_model(m)
}

pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    c: &CollectionContent,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = row::Entity::update_many()
        .col_expr(row::Column::Title, Expr::value(localised(&c.title)))
        .col_expr(
            row::Column::Description,
            Expr::value(localised(&c.description)),
        )
        .col_expr(row::Column::ToolIds, Expr::value(ids(&c.tool_ids)))
        .col_expr(row::Column::Featured, Expr::value(c.featured))
        .col_expr(row::Column::Version, Expr::value(version + 1))
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::Version.eq(version))
        .filter(row::Column::ArchivedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn archive(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = row::Entity::update_many()
        .col_expr(row::Column::ArchivedAt, Expr::value(now))
        .col_expr(row::Column::Version, Expr::value(version + 1))
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::Version.eq(version))
        .filter(row::Column::ArchivedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Collection>, DbErr> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// Live collections, newest first, before the id `before`; only featured ones when asked.
pub async fn list(
    db: &impl ConnectionTrait,
    featured_only: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Collection>, DbErr> {
    let mut q = row::Entity::find().filter(row::Column::ArchivedAt.is_null());
    if featured_only {
        q = q.filter(row::Column::Featured.eq(true));
    }
    super::newest_first(db, q, row::Column::Id, before, limit)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

pub async fn count(db: &impl ConnectionTrait, featured_only: bool) -> Result<u64, DbErr> {
    let mut q = row::Entity::find().filter(row::Column::ArchivedAt.is_null());
    if featured_only {
        q = q.filter(row::Column::Featured.eq(true));
    }
    q.count(db).await
}

/// Live collections holding the tool. The list of tools is JSON text, so the match is made
/// here rather than in SQL; collections are few (INASTI curates them by hand).
pub async fn holding(db: &impl ConnectionTrait, tool_id: i64) -> Result<Vec<Collection>, DbErr> {
    Ok(list(db, false, None, 10_000)
        .await?
        .into_iter()
        .filter(|c| c.tool_ids.contains(&tool_id))
        .collect())
}
