use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// The register of the services a caisse offers in a year: what the legal minimum and the
/// activity report are judged on. A withdrawn offering is kept, marked, for the history.
#[derive(DeriveIden)]
enum ServiceOfferings {
    Table,
    Id,
    CaisseId,
    Year,
    Title,
    Description,
    Categories,
    ToolIds,
    StartsOn,
    EndsOn,
    DeliveryModes,
    Scopes,
    Regions,
    PeopleReached,
    WithdrawnAt,
    WithdrawnBy,
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
        use ServiceOfferings as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(big_pk_auto(S::Id))
                    .col(big_integer(S::CaisseId))
                    .col(integer(S::Year))
                    .col(text(S::Title))
                    .col(text(S::Description))
                    .col(text(S::Categories))
                    .col(text(S::ToolIds))
                    .col(date(S::StartsOn))
                    .col(date(S::EndsOn))
                    .col(text(S::DeliveryModes))
                    .col(text(S::Scopes))
                    .col(text(S::Regions))
                    .col(big_integer(S::PeopleReached))
                    .col(timestamp_with_time_zone_null(S::WithdrawnAt))
                    .col(big_integer_null(S::WithdrawnBy))
                    .col(integer(S::Version))
                    .col(timestamp_with_time_zone(S::CreatedAt))
                    .col(big_integer(S::CreatedBy))
                    .col(timestamp_with_time_zone(S::UpdatedAt))
                    .foreign_key(&mut restrict(
                        (S::Table, S::CaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (S::Table, S::CreatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("service_offerings_by_caisse_year")
                    .table(S::Table)
                    .col(S::CaisseId)
                    .col(S::Year)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("service_offerings_by_year")
                    .table(S::Table)
                    .col(S::Year)
                    .to_owned(),
            )
            .await
    }
}
