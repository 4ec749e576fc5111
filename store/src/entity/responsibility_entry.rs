use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responsibility_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub joint_service_id: i64,
    pub sequence: i32,
    pub caisse_id: i64,
    pub effective_from: DateTimeUtc,
    pub recorded_by: i64,
    pub recorded_by_organisation_id: i64,
    pub recorded_at: DateTimeUtc,
    pub reason: String,
    pub previous_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

/// The record is append-only here too, before the database's triggers would refuse it: an
/// entry is inserted, never updated nor deleted.
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if insert {
            Ok(self)
        } else {
            Err(DbErr::Custom(
                "the responsibility record is append-only".into(),
            ))
        }
    }

    async fn before_delete<C>(self, _db: &C) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        Err(DbErr::Custom(
            "the responsibility record is append-only".into(),
        ))
    }
}
