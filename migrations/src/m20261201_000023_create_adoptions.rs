use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// An organisation's use of another's published tool, as is or adapted into a tool of its own.
/// One live adoption per organisation and tool (a partial unique index); a withdrawn one keeps
/// its row and dates as history.
#[derive(DeriveIden)]
enum Adoptions {
    Table,
    Id,
    ToolId,
    OrganisationId,
    Mode,
    DerivedToolId,
    Note,
    Since,
    EndedAt,
    UpdatedAt,
    UpdatedBy,
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
        use Adoptions as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(big_pk_auto(A::Id))
                    .col(big_integer(A::ToolId))
                    .col(big_integer(A::OrganisationId))
                    .col(string_len(A::Mode, 16))
                    .col(big_integer_null(A::DerivedToolId))
                    .col(text_null(A::Note))
                    .col(timestamp_with_time_zone(A::Since))
                    .col(timestamp_with_time_zone_null(A::EndedAt))
                    .col(timestamp_with_time_zone(A::UpdatedAt))
                    .col(big_integer(A::UpdatedBy))
                    .foreign_key(&mut restrict(
                        (A::Table, A::ToolId),
                        (Tools::Table, Tools::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (A::Table, A::DerivedToolId),
                        (Tools::Table, Tools::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (A::Table, A::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (A::Table, A::UpdatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Both SQLite and PostgreSQL take a partial index: one live adoption per pair.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX adoptions_live ON adoptions (tool_id, organisation_id) WHERE ended_at IS NULL",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("adoptions_by_organisation")
                    .table(A::Table)
                    .col(A::OrganisationId)
                    .col(A::Id)
                    .to_owned(),
            )
            .await
    }
}
