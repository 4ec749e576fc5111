use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tool_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tool_id: i64,
    pub number: i32,
    pub status: String,
    pub author_id: i64,
    pub created_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub kind: String,
    pub categories: String,
    pub languages: String,
    pub audiences: String,
    pub sectors: String,
    pub delivery_modes: String,
    pub delivery_formats: String,
    pub scopes: String,
    pub duration: Option<String>,
    pub cost_eur: Option<String>,
    pub quality: String,
    pub licence: String,
    pub contact: Option<String>,
    pub tags: String,
    pub visibility: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tool::Entity",
        from = "Column::ToolId",
        to = "super::tool::Column::Id"
    )]
    Tool,
}

impl Related<super::tool::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tool.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
