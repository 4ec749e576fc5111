use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// Affiliate counts as INASTI keeps them: the principal affiliates on 31 December, of which
/// primo-starters and helping spouses under the maxi-statute; every change is kept in a
/// history table with who made it and when, the current figure stays in `affiliate_counts`.
#[derive(DeriveIden)]
enum AffiliateCounts {
    Table,
    PrimoStarters,
    HelpingSpouses,
}

#[derive(DeriveIden)]
enum AffiliateCountChanges {
    Table,
    Id,
    OrganisationId,
    Year,
    Count,
    PrimoStarters,
    HelpingSpouses,
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
        // SQLite alters one column per statement.
        for column in [
            AffiliateCounts::PrimoStarters,
            AffiliateCounts::HelpingSpouses,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AffiliateCounts::Table)
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        use AffiliateCountChanges as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(big_pk_auto(C::Id))
                    .col(big_integer(C::OrganisationId))
                    .col(integer(C::Year))
                    .col(big_integer(C::Count))
                    .col(big_integer(C::PrimoStarters))
                    .col(big_integer(C::HelpingSpouses))
                    .col(big_integer_null(C::RecordedBy))
                    .col(timestamp_with_time_zone(C::RecordedAt))
                    .foreign_key(&mut restrict(
                        (C::Table, C::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (C::Table, C::RecordedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("affiliate_count_changes_by_organisation")
                    .table(C::Table)
                    .col(C::OrganisationId)
                    .col(C::Id)
                    .to_owned(),
            )
            .await
    }
}
