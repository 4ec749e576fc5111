use sea_orm_migration::{prelude::*, schema::*};

use crate::{Users, restrict};

/// What a person follows: a service category, an organisation, a tool or a collection.
#[derive(DeriveIden)]
enum Follows {
    Table,
    Id,
    UserId,
    TargetType,
    TargetId,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Follows as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(big_pk_auto(F::Id))
                    .col(big_integer(F::UserId))
                    .col(string_len(F::TargetType, 24))
                    .col(big_integer(F::TargetId))
                    .col(timestamp_with_time_zone(F::CreatedAt))
                    .foreign_key(&mut restrict(
                        (F::Table, F::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("follows_once")
                    .table(F::Table)
                    .col(F::UserId)
                    .col(F::TargetType)
                    .col(F::TargetId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("follows_by_target")
                    .table(F::Table)
                    .col(F::TargetType)
                    .col(F::TargetId)
                    .to_owned(),
            )
            .await
    }
}
