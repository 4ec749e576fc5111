use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// The evaluation the law describes: a year's quality indicators (one row per change, the
/// newest in force, like the legal frame), the values each caisse reports for its draft,
/// INASTI's evaluation of each accepted report (recorded by one moderator, approved by
/// another), the published year evaluation with the CGG's advice, and the link from a year's
/// funding parameters to the evaluation their weights came from.
#[derive(DeriveIden)]
enum IndicatorSets {
    Table,
    Id,
    Year,
    Definitions,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum IndicatorValues {
    Table,
    Id,
    CaisseId,
    Year,
    Code,
    Category,
    Value,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Evaluations {
    Table,
    Id,
    ReportId,
    CaisseId,
    Year,
    Scores,
    Text,
    Weight,
    Status,
    RecordedBy,
    RecordedAt,
    ApprovedBy,
    ApprovedAt,
    Version,
}

#[derive(DeriveIden)]
enum YearEvaluations {
    Table,
    Year,
    Snapshot,
    SnapshotSha256,
    PublishedAt,
    PublishedBy,
    Advice,
    AdviceOn,
    AdviceBy,
    AdviceAt,
}

#[derive(DeriveIden)]
enum ActivityReports {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FundingParameters {
    Table,
    WeightsFromEvaluation,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IndicatorSets as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(big_pk_auto(S::Id))
                    .col(integer(S::Year))
                    .col(text(S::Definitions))
                    .col(timestamp_with_time_zone(S::UpdatedAt))
                    .col(big_integer(S::UpdatedBy))
                    .foreign_key(&mut restrict(
                        (S::Table, S::UpdatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("indicator_sets_year")
                    .table(S::Table)
                    .col(S::Year)
                    .col(S::Id)
                    .to_owned(),
            )
            .await?;
        use IndicatorValues as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(big_pk_auto(V::Id))
                    .col(big_integer(V::CaisseId))
                    .col(integer(V::Year))
                    .col(string_len(V::Code, 40))
                    .col(string_len(V::Category, 32))
                    .col(big_integer(V::Value))
                    .col(timestamp_with_time_zone(V::UpdatedAt))
                    .col(big_integer(V::UpdatedBy))
                    .foreign_key(&mut restrict(
                        (V::Table, V::CaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (V::Table, V::UpdatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("indicator_values_one")
                    .table(V::Table)
                    .col(V::CaisseId)
                    .col(V::Year)
                    .col(V::Code)
                    .col(V::Category)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use Evaluations as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(big_pk_auto(E::Id))
                    .col(big_integer(E::ReportId).unique_key())
                    .col(big_integer(E::CaisseId))
                    .col(integer(E::Year))
                    .col(text(E::Scores))
                    .col(text(E::Text))
                    .col(big_integer(E::Weight))
                    .col(string_len(E::Status, 16))
                    .col(big_integer(E::RecordedBy))
                    .col(timestamp_with_time_zone(E::RecordedAt))
                    .col(big_integer_null(E::ApprovedBy))
                    .col(timestamp_with_time_zone_null(E::ApprovedAt))
                    .col(integer(E::Version))
                    .foreign_key(&mut restrict(
                        (E::Table, E::ReportId),
                        (ActivityReports::Table, ActivityReports::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (E::Table, E::CaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (E::Table, E::RecordedBy),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (E::Table, E::ApprovedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("evaluations_year")
                    .table(E::Table)
                    .col(E::Year)
                    .col(E::CaisseId)
                    .to_owned(),
            )
            .await?;
        use YearEvaluations as Y;
        manager
            .create_table(
                Table::create()
                    .table(Y::Table)
                    .col(integer(Y::Year).primary_key())
                    .col(text(Y::Snapshot))
                    .col(string_len(Y::SnapshotSha256, 64))
                    .col(timestamp_with_time_zone(Y::PublishedAt))
                    .col(big_integer(Y::PublishedBy))
                    .col(text_null(Y::Advice))
                    .col(date_null(Y::AdviceOn))
                    .col(big_integer_null(Y::AdviceBy))
                    .col(timestamp_with_time_zone_null(Y::AdviceAt))
                    .foreign_key(&mut restrict(
                        (Y::Table, Y::PublishedBy),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (Y::Table, Y::AdviceBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(FundingParameters::Table)
                    .add_column(integer_null(FundingParameters::WeightsFromEvaluation))
                    .to_owned(),
            )
            .await
    }
}
