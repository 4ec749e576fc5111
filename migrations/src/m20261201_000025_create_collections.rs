use sea_orm_migration::{prelude::*, schema::*};

use crate::{Users, restrict};

/// INASTI's themed collections of published tools: localised title and description, the tools in
/// their order, whether featured; archived ones are kept.
#[derive(DeriveIden)]
enum Collections {
    Table,
    Id,
    Title,
    Description,
    ToolIds,
    Featured,
    ArchivedAt,
    Version,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Collections as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(big_pk_auto(C::Id))
                    .col(text(C::Title))
                    .col(text(C::Description))
                    .col(text(C::ToolIds))
                    .col(boolean(C::Featured))
                    .col(timestamp_with_time_zone_null(C::ArchivedAt))
                    .col(integer(C::Version))
                    .col(timestamp_with_time_zone(C::CreatedAt))
                    .col(big_integer(C::CreatedBy))
                    .col(timestamp_with_time_zone(C::UpdatedAt))
                    .foreign_key(&mut restrict(
                        (C::Table, C::CreatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await
    }
}
