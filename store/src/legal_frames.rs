//! The legal frame of each year, one row per change; the newest row of a year is in force.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::codec::{names, parse_names};
use super::entity::legal_frame;
use commons_domain::legal_frame::LegalFrame;

/// The year's frame in force: the newest change, or the law's when nobody changed it.
pub async fn in_force(db: &impl ConnectionTrait, year: i32) -> Result<LegalFrame, DbErr> {
    let newest = legal_frame::Entity::find()
        .filter(legal_frame::Column::Year.eq(year))
        .order_by_desc(legal_frame::Column::Id)
        .one(db)
        .await?;
    match newest {
        Some(row) => Ok(LegalFrame {
            year,
            mandatory: parse_names(&row.mandatory)?,
        }),
        None => Ok(LegalFrame::by_law(year)),
    }
}

pub async fn save(
    db: &impl ConnectionTrait,
    frame: &LegalFrame,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    legal_frame::ActiveModel {
        year: Set(frame.year),
        mandatory: Set(names(frame.mandatory.iter().map(|c| c.as_str()))),
        updated_at: Set(now),
        updated_by: Set(user_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
