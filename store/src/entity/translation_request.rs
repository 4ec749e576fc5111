use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "translation_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tool_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub lang: String,
    pub requested_by: i64,
    pub requested_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
