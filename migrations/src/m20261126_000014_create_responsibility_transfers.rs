use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000012_create_joint_services::JointServices;
use crate::{Organisations, Users, restrict};

/// A proposed change of responsible caisse: PENDING until the receiving caisse accepts
/// (ACCEPTED, and an entry is appended to the record) or either side cancels (CANCELLED).
#[derive(DeriveIden)]
enum ResponsibilityTransfers {
    Table,
    Id,
    JointServiceId,
    FromCaisseId,
    ToCaisseId,
    Reason,
    Status,
    ProposedBy,
    ProposedAt,
    ResolvedBy,
    ResolvedAt,
    CancellationReason,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResponsibilityTransfers as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::JointServiceId))
                    .col(big_integer(T::FromCaisseId))
                    .col(big_integer(T::ToCaisseId))
                    .col(text(T::Reason))
                    .col(string_len(T::Status, 16))
                    .col(big_integer(T::ProposedBy))
                    .col(timestamp_with_time_zone(T::ProposedAt))
                    .col(big_integer_null(T::ResolvedBy))
                    .col(timestamp_with_time_zone_null(T::ResolvedAt))
                    .col(text_null(T::CancellationReason))
                    .foreign_key(&mut restrict(
                        (T::Table, T::JointServiceId),
                        (JointServices::Table, JointServices::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (T::Table, T::FromCaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (T::Table, T::ToCaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (T::Table, T::ProposedBy),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (T::Table, T::ResolvedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("responsibility_transfers_service")
                    .table(T::Table)
                    .col(T::JointServiceId)
                    .col(T::Id)
                    .to_owned(),
            )
            .await?;
        // At most one pending transfer per service, even between two racing proposals.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX responsibility_transfers_one_pending
                 ON responsibility_transfers (joint_service_id) WHERE status = 'PENDING'",
            )
            .await?;
        Ok(())
    }
}
