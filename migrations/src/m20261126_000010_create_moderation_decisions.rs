use sea_orm_migration::{prelude::*, schema::*};

use crate::Users;
use crate::m20261126_000007_create_tools::Tools;

/// The moderation log: who decided what on which revision, why and when.
#[derive(DeriveIden)]
enum ModerationDecisions {
    Table,
    Id,
    ToolId,
    Revision,
    Decision,
    Reason,
    ModeratorId,
    DecidedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ModerationDecisions as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(big_pk_auto(D::Id))
                    .col(big_integer(D::ToolId))
                    .col(integer(D::Revision))
                    .col(string_len(D::Decision, 24))
                    .col(text_null(D::Reason))
                    .col(big_integer(D::ModeratorId))
                    .col(timestamp_with_time_zone(D::DecidedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::ToolId)
                            .to(Tools::Table, Tools::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::ModeratorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("moderation_decisions_tool")
                    .table(D::Table)
                    .col(D::ToolId)
                    .col(D::Id)
                    .to_owned(),
            )
            .await
    }
}
