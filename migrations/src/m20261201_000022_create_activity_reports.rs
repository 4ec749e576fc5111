use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// A caisse's activity report on a year, once submitted: the narrative and the figures frozen
/// as canonical JSON with their SHA-256. Each step (submitted, accepted, returned) is a row of
/// `activity_report_events`.
#[derive(DeriveIden)]
enum ActivityReports {
    Table,
    Id,
    CaisseId,
    Year,
    Status,
    Narrative,
    Snapshot,
    SnapshotSha256,
    Version,
    SubmittedAt,
    SubmittedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ActivityReportEvents {
    Table,
    Id,
    ReportId,
    Step,
    Comment,
    SnapshotSha256,
    ActorId,
    ActorOrganisationId,
    At,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ActivityReports as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(big_pk_auto(R::Id))
                    .col(big_integer(R::CaisseId))
                    .col(integer(R::Year))
                    .col(string_len(R::Status, 16))
                    .col(text(R::Narrative))
                    .col(text(R::Snapshot))
                    .col(string_len(R::SnapshotSha256, 64))
                    .col(integer(R::Version))
                    .col(timestamp_with_time_zone(R::SubmittedAt))
                    .col(big_integer(R::SubmittedBy))
                    .col(timestamp_with_time_zone(R::UpdatedAt))
                    .foreign_key(&mut restrict(
                        (R::Table, R::CaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (R::Table, R::SubmittedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One report per caisse and year: a returned report is corrected in place.
        manager
            .create_index(
                Index::create()
                    .name("activity_reports_caisse_year")
                    .table(R::Table)
                    .col(R::CaisseId)
                    .col(R::Year)
                    .unique()
                    .to_owned(),
            )
            .await?;
        use ActivityReportEvents as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(big_pk_auto(E::Id))
                    .col(big_integer(E::ReportId))
                    .col(string_len(E::Step, 16))
                    .col(text_null(E::Comment))
                    .col(string_len(E::SnapshotSha256, 64))
                    .col(big_integer(E::ActorId))
                    .col(big_integer(E::ActorOrganisationId))
                    .col(timestamp_with_time_zone(E::At))
                    .foreign_key(&mut restrict((E::Table, E::ReportId), (R::Table, R::Id)))
                    .foreign_key(&mut restrict(
                        (E::Table, E::ActorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("activity_report_events_by_report")
                    .table(E::Table)
                    .col(E::ReportId)
                    .col(E::Id)
                    .to_owned(),
            )
            .await
    }
}
