use sea_orm_migration::{prelude::*, schema::*};

/// The replicas of one deployment, each with how far its search index has read the outbox:
/// outbox pruning keeps what the slowest live one still needs.
#[derive(DeriveIden)]
enum Replicas {
    Table,
    Id,
    Host,
    IndexPosition,
    StartedAt,
    SeenAt,
}

/// Background duties that must run on one replica at a time: whoever holds a duty's lease runs
/// it, and renews the lease while it lives; a lease not renewed expires and another replica
/// takes the duty.
#[derive(DeriveIden)]
enum DutyLeases {
    Table,
    Duty,
    Holder,
    ExpiresAt,
    LastRunAt,
    Runs,
}

/// How far the outbox has been pruned: a follower whose position is below it missed rows and
/// rebuilds its index instead. One row.
#[derive(DeriveIden)]
enum OutboxHorizon {
    Table,
    Id,
    PrunedThrough,
    PrunedAt,
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
                    .table(Replicas::Table)
                    .col(string_len(Replicas::Id, 36).primary_key())
                    .col(string_len(Replicas::Host, 255))
                    .col(big_integer(Replicas::IndexPosition))
                    .col(timestamp_with_time_zone(Replicas::StartedAt))
                    .col(timestamp_with_time_zone(Replicas::SeenAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DutyLeases::Table)
                    .col(string_len(DutyLeases::Duty, 40).primary_key())
                    .col(string_len(DutyLeases::Holder, 36))
                    .col(timestamp_with_time_zone(DutyLeases::ExpiresAt))
                    .col(timestamp_with_time_zone_null(DutyLeases::LastRunAt))
                    .col(big_integer(DutyLeases::Runs).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxHorizon::Table)
                    .col(integer(OutboxHorizon::Id).primary_key())
                    .col(big_integer(OutboxHorizon::PrunedThrough))
                    .col(timestamp_with_time_zone(OutboxHorizon::PrunedAt))
                    .to_owned(),
            )
            .await
    }
}
