use sea_orm_migration::{prelude::*, schema::*};

/// The concept table that widens searches across languages, as INASTI's moderators edit it.
/// Each edit is a new row holding the whole table; the newest row is the one in force, and
/// the rows before it are its history. Until a first edit, the table shipped with Commons holds.
#[derive(DeriveIden)]
enum SearchSynonyms {
    Table,
    Id,
    Concepts,
    UpdatedAt,
    UpdatedBy,
}

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
                    .table(SearchSynonyms::Table)
                    .col(big_pk_auto(SearchSynonyms::Id))
                    .col(text(SearchSynonyms::Concepts))
                    .col(timestamp_with_time_zone(SearchSynonyms::UpdatedAt))
                    .col(big_integer(SearchSynonyms::UpdatedBy))
                    .to_owned(),
            )
            .await
    }
}
