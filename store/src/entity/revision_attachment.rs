use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revision_attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub revision_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub attachment_id: i64,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
