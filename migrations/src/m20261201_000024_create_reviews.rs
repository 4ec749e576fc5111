use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// An organisation's review of another's published tool: one per organisation and tool, edited
/// in place; a moderator may hide it with a reason.
#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    ToolId,
    OrganisationId,
    Rating,
    Comment,
    Lang,
    CreatedAt,
    UpdatedAt,
    UpdatedBy,
    HiddenAt,
    HiddenBy,
    HiddenReason,
}

#[derive(DeriveIden)]
enum Tools {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Reviews as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(big_pk_auto(R::Id))
                    .col(big_integer(R::ToolId))
                    .col(big_integer(R::OrganisationId))
                    .col(integer(R::Rating))
                    .col(text_null(R::Comment))
                    .col(string_len(R::Lang, 2))
                    .col(timestamp_with_time_zone(R::CreatedAt))
                    .col(timestamp_with_time_zone(R::UpdatedAt))
                    .col(big_integer(R::UpdatedBy))
                    .col(timestamp_with_time_zone_null(R::HiddenAt))
                    .col(big_integer_null(R::HiddenBy))
                    .col(text_null(R::HiddenReason))
                    .foreign_key(&mut restrict(
                        (R::Table, R::ToolId),
                        (Tools::Table, Tools::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (R::Table, R::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (R::Table, R::UpdatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("reviews_one_per_organisation")
                    .table(R::Table)
                    .col(R::ToolId)
                    .col(R::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
