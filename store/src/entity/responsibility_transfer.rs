use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responsibility_transfers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub joint_service_id: i64,
    pub from_caisse_id: i64,
    pub to_caisse_id: i64,
    pub reason: String,
    pub status: String,
    pub proposed_by: i64,
    pub proposed_at: DateTimeUtc,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTimeUtc>,
    pub cancellation_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
