use sea_orm_migration::{prelude::*, schema::*};

/// The legal frame of a year, as platform admins set it when the King extends the mandatory
/// services. Each change is a new row; the newest row of a year is in force, the rows before
/// it are its history. A year without a row follows the law.
#[derive(DeriveIden)]
enum LegalFrames {
    Table,
    Id,
    Year,
    Mandatory,
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
                    .table(LegalFrames::Table)
                    .col(big_pk_auto(LegalFrames::Id))
                    .col(integer(LegalFrames::Year))
                    .col(text(LegalFrames::Mandatory))
                    .col(timestamp_with_time_zone(LegalFrames::UpdatedAt))
                    .col(big_integer(LegalFrames::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("legal_frames_by_year")
                    .table(LegalFrames::Table)
                    .col(LegalFrames::Year)
                    .col(LegalFrames::Id)
                    .to_owned(),
            )
            .await
    }
}
