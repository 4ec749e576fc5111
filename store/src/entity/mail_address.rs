use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_addresses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    pub address: String,
    pub source: String,
    pub lang: String,
    pub confirmed_at: Option<DateTimeUtc>,
    pub confirmation_token_hash: Option<String>,
    pub confirmation_sent_at: Option<DateTimeUtc>,
    pub suppressed_at: Option<DateTimeUtc>,
    pub suppressed_reason: Option<String>,
    pub digest_sent_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
