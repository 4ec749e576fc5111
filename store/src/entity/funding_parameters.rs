use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_parameters")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    pub envelope_cents: i64,
    pub fixed_per_caisse_cents: i64,
    /// `{"<caisse id>": <weight in ten-thousandths>}`, caisses not named weigh 1.
    pub evaluation_weights: String,
    /// The published year evaluation the weights came from, when they did.
    pub weights_from_evaluation: Option<i32>,
    pub updated_at: DateTimeUtc,
    pub updated_by: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
