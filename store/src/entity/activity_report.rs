use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub caisse_id: i64,
    pub year: i32,
    pub status: String,
    pub narrative: String,
    /// The figures as submitted, canonical JSON; `snapshot_sha256` is its digest.
    pub snapshot: String,
    pub snapshot_sha256: String,
    pub version: i32,
    pub submitted_at: DateTimeUtc,
    pub submitted_by: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
