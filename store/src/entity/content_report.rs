use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "content_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_kind: String,
    pub item_id: i64,
    pub tool_id: Option<i64>,
    pub proposal_id: Option<i64>,
    pub reporter_id: i64,
    pub reporter_organisation_id: i64,
    pub reason: String,
    pub text: String,
    pub created_at: DateTimeUtc,
    pub outcome: Option<String>,
    pub resolution_reason: Option<String>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
