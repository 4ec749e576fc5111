use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users};

/// Number of affiliates *à titre principal* of a caisse on 31 December of a year: the basis of
/// the variable part of the funding envelope.
#[derive(DeriveIden)]
enum AffiliateCounts {
    Table,
    OrganisationId,
    Year,
    Count,
    RecordedBy,
    RecordedAt,
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
                    .table(AffiliateCounts::Table)
                    .col(big_integer(AffiliateCounts::OrganisationId))
                    .col(integer(AffiliateCounts::Year))
                    .col(big_integer(AffiliateCounts::Count))
                    .col(big_integer_null(AffiliateCounts::RecordedBy))
                    .col(timestamp_with_time_zone(AffiliateCounts::RecordedAt))
                    .primary_key(
                        Index::create()
                            .col(AffiliateCounts::OrganisationId)
                            .col(AffiliateCounts::Year),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AffiliateCounts::Table, AffiliateCounts::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AffiliateCounts::Table, AffiliateCounts::RecordedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await
    }
}
