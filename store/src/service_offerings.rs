//! The register of service offerings. An update is conditional on the version it was based on;
//! a withdrawal marks the row, which stays for the history.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::codec::{ids, localised, names, parse_ids, parse_localised, parse_names, strings};
use super::entity::service_offering as offering;
use commons_domain::service_offering::{OfferingContent, ServiceOffering};

fn from_model(m: offering::Model) -> Result<ServiceOffering, DbErr> {
    Ok(ServiceOffering {
        id: m.id,
        caisse_id: m.caisse_id,
        content: OfferingContent {
            year: m.year,
            title: parse_localised(&m.title)?,
            description: parse_localised(&m.description)?,
            categories: parse_names(&m.categories)?,
            tool_ids: parse_ids(&m.tool_ids)?,
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            delivery_modes: parse_names(&m.delivery_modes)?,
            scopes: parse_names(&m.scopes)?,
            regions: strings(&m.regions)?,
            people_reached: m.people_reached,
        },
        withdrawn_at: m.withdrawn_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn regions(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

pub async fn insert(
    db: &impl ConnectionTrait,
    caisse_id: i64,
    content: &OfferingContent,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<ServiceOffering, DbErr> {
    let m = offering::ActiveModel {
        caisse_id: Set(caisse_id),
        year: Set(content.year),
        title: Set(localised(&content.title)),
        description: Set(localised(&content.description)),
        categories: Set(names(content.categories.iter().copied())),
        tool_ids: Set(ids(&content.tool_ids)),
        starts_on: Set(content.starts_on),
        ends_on: Set(content.ends_on),
        delivery_modes: Set(names(content.delivery_modes.iter().copied())),
        scopes: Set(names(content.scopes.iter().copied())),
        regions: Set(regions(&content.regions)),
        people_reached: Set(content.people_reached),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
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

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<ServiceOffering>, DbErr> {
    offering::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// Replaces the content if the row is still at `version` and not withdrawn; `false` when
/// another change came first.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    content: &OfferingContent,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = offering::Entity::update_many()
        .col_expr(offering::Column::Year, Expr::value(content.year))
        .col_expr(
            offering::Column::Title,
            Expr::value(localised(&content.title)),
        )
        .col_expr(
            offering::Column::Description,
            Expr::value(localised(&content.description)),
        )
        .col_expr(
            offering::Column::Categories,
            Expr::value(names(content.categories.iter().copied())),
        )
        .col_expr(
            offering::Column::ToolIds,
            Expr::value(ids(&content.tool_ids)),
        )
        .col_expr(offering::Column::StartsOn, Expr::value(content.starts_on))
        .col_expr(offering::Column::EndsOn, Expr::value(content.ends_on))
        .col_expr(
            offering::Column::DeliveryModes,
            Expr::value(names(content.delivery_modes.iter().copied())),
        )
        .col_expr(
            offering::Column::Scopes,
            Expr::value(names(content.scopes.iter().copied())),
        )
        .col_expr(
            offering::Column::Regions,
            Expr::value(regions(&content.regions)),
        )
        .col_expr(
            offering::Column::PeopleReached,
            Expr::value(content.people_reached),
        )
        .col_expr(offering::Column::Version, Expr::value(version + 1))
        .col_expr(offering::Column::UpdatedAt, Expr::value(now))
        .filter(offering::Column::Id.eq(id))
        .filter(offering::Column::Version.eq(version))
        .filter(offering::Column::WithdrawnAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn withdraw(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = offering::Entity::update_many()
        .col_expr(offering::Column::WithdrawnAt, Expr::value(now))
        .col_expr(offering::Column::WithdrawnBy, Expr::value(user_id))
        .col_expr(offering::Column::Version, Expr::value(version + 1))
        .col_expr(offering::Column::UpdatedAt, Expr::value(now))
        .filter(offering::Column::Id.eq(id))
        .filter(offering::Column::Version.eq(version))
        .filter(offering::Column::WithdrawnAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A year's register: of one caisse or of all, in order of start; withdrawn ones only when
/// asked.
pub async fn of_year(
    db: &impl ConnectionTrait,
    caisse_id: Option<i64>,
    year: i32,
    include_withdrawn: bool,
) -> Result<Vec<ServiceOffering>, DbErr> {
    let mut query = offering::Entity::find().filter(offering::Column::Year.eq(year));
    if let Some(caisse) = caisse_id {
        query = query.filter(offering::Column::CaisseId.eq(caisse));
    }
    if !include_withdrawn {
        query = query.filter(offering::Column::WithdrawnAt.is_null());
    }
    query
        .order_by_asc(offering::Column::StartsOn)
        .order_by_asc(offering::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// How many offerings, withdrawn ones included, the caisse recorded for the year.
pub async fn count_of_year(
    db: &impl ConnectionTrait,
    caisse_id: i64,
    year: i32,
) -> Result<u64, DbErr> {
    offering::Entity::find()
        .filter(offering::Column::CaisseId.eq(caisse_id))
        .filter(offering::Column::Year.eq(year))
        .count(db)
        .await
}
