use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "duty_leases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub duty: String,
    pub holder: String,
    pub expires_at: DateTimeUtc,
    pub last_run_at: Option<DateTimeUtc>,
    pub runs: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
