use sea_orm_migration::{prelude::*, schema::*};

/// Who did what to which subject, written in the same transaction as the change itself.
#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    ActorUserId,
    ActorOrganisationId,
    Action,
    SubjectType,
    SubjectId,
    Details,
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
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                    .col(big_integer_null(AuditEvents::ActorUserId))
                    .col(big_integer_null(AuditEvents::ActorOrganisationId))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(string_len(AuditEvents::SubjectType, 64))
                    .col(big_integer(AuditEvents::SubjectId))
                    .col(text(AuditEvents::Details))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_subject")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::SubjectType)
                    .col(AuditEvents::SubjectId)
                    .to_owned(),
            )
            .await
    }
}
