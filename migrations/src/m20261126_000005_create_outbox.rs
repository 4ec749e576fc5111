use sea_orm_migration::{prelude::*, schema::*};

/// The transactional outbox: every change names what it touched here, in its own transaction,
/// so that projections (the search index) can follow the database without ever missing a change.
#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    CreatedAt,
    EntityType,
    EntityId,
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
                    .table(Outbox::Table)
                    .col(big_pk_auto(Outbox::Id))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(string_len(Outbox::EntityType, 64))
                    .col(big_integer(Outbox::EntityId))
                    .to_owned(),
            )
            .await
    }
}
