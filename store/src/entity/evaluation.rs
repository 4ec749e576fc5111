use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub report_id: i64,
    pub caisse_id: i64,
    pub year: i32,
    /// `{"<criterion>": <score>}`.
    pub scores: String,
    pub text: String,
    /// The suggested weight, in ten-thousandths.
    pub weight: i64,
    pub status: String,
    pub recorded_by: i64,
    pub recorded_at: DateTimeUtc,
    pub approved_by: Option<i64>,
    pub approved_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
