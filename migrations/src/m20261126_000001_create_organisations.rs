use sea_orm_migration::{prelude::*, schema::*};

use crate::Organisations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(big_pk_auto(Organisations::Id))
                    .col(string_len_uniq(Organisations::Slug, 64))
                    .col(string_len(Organisations::Kind, 16))
                    .col(string_len_null(Organisations::NameFr, 200))
                    .col(string_len_null(Organisations::NameNl, 200))
                    .col(string_len_null(Organisations::NameDe, 200))
                    .col(string_len_null(Organisations::NameEn, 200))
                    .col(string_len_uniq(Organisations::EnterpriseNumber, 10))
                    .col(string_len_null(Organisations::Website, 500))
                    .col(string_len_null(Organisations::ContactEmail, 254))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .col(timestamp_with_time_zone(Organisations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // Exactly one INASTI organisation: the database holds the rule too, so that no race
        // between two registrations can break it.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX organisations_one_inasti ON organisations (kind) WHERE kind = 'INASTI'",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("organisations_kind_slug")
                    .table(Organisations::Table)
                    .col(Organisations::Kind)
                    .col(Organisations::Slug)
                    .to_owned(),
            )
            .await
    }
}
