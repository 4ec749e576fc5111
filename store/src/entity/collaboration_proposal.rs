use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collaboration_proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposer_id: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    /// Localised texts as a JSON object by language code.
    pub title: String,
    pub description: String,
    /// JSON array of category names.
    pub categories: String,
    pub contribution: String,
    pub proposer_role: String,
    pub region: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    /// JSON array of tool ids.
    pub tool_ids: String,
    pub reply_by: DateTimeUtc,
    pub state: String,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawal_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
