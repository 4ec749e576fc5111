use sea_orm_migration::{prelude::*, schema::*};

use crate::{Users, restrict};

/// What a person is told: written in the transaction of the change that causes it, read and
/// marked read by that person only.
#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    SubjectType,
    SubjectId,
    ToolId,
    Details,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Notifications as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .col(big_pk_auto(N::Id))
                    .col(big_integer(N::UserId))
                    .col(string_len(N::Kind, 32))
                    .col(string_len(N::SubjectType, 32))
                    .col(big_integer(N::SubjectId))
                    .col(big_integer_null(N::ToolId))
                    .col(text(N::Details))
                    .col(timestamp_with_time_zone(N::CreatedAt))
                    .col(timestamp_with_time_zone_null(N::ReadAt))
                    .foreign_key(&mut restrict(
                        (N::Table, N::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notifications_by_user")
                    .table(N::Table)
                    .col(N::UserId)
                    .col(N::Id)
                    .to_owned(),
            )
            .await
    }
}
