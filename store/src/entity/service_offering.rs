use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_offerings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub caisse_id: i64,
    pub year: i32,
    pub title: String,
    pub description: String,
    pub categories: String,
    pub tool_ids: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub delivery_modes: String,
    pub scopes: String,
    pub regions: String,
    pub people_reached: i64,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawn_by: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub created_by: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
