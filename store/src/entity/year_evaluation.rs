use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "year_evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub snapshot: String,
    pub snapshot_sha256: String,
    pub published_at: DateTimeUtc,
    pub published_by: i64,
    pub advice: Option<String>,
    pub advice_on: Option<Date>,
    pub advice_by: Option<i64>,
    pub advice_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
