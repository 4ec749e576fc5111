use sea_orm_migration::{prelude::*, schema::*};

use crate::{Users, restrict};

/// A year's funding parameters as platform admins set them: the envelope and the fixed part
/// per caisse in euro cents (exact integers, never floating point), and the evaluation
/// weights per caisse in ten-thousandths. One row per change; the newest row of a year is in
/// force.
#[derive(DeriveIden)]
enum FundingParameters {
    Table,
    Id,
    Year,
    EnvelopeCents,
    FixedPerCaisseCents,
    EvaluationWeights,
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
        use FundingParameters as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(big_pk_auto(F::Id))
                    .col(integer(F::Year))
                    .col(big_integer(F::EnvelopeCents))
                    .col(big_integer(F::FixedPerCaisseCents))
                    .col(text(F::EvaluationWeights))
                    .col(timestamp_with_time_zone(F::UpdatedAt))
                    .col(big_integer(F::UpdatedBy))
                    .foreign_key(&mut restrict(
                        (F::Table, F::UpdatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("funding_parameters_by_year")
                    .table(F::Table)
                    .col(F::Year)
                    .col(F::Id)
                    .to_owned(),
            )
            .await
    }
}
