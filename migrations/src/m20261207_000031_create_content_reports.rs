use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// Reports of problematic content: a person flags a tool or a review with a reason and a text;
/// a moderator resolves it. One open report per person and item (a partial unique index); the
/// reporter's organisation is kept for the moderators' view, never shown to the reported one.
#[derive(DeriveIden)]
pub(crate) enum ContentReports {
    Table,
    Id,
    ItemKind,
    ItemId,
    ToolId,
    ReporterId,
    ReporterOrganisationId,
    Reason,
    Text,
    CreatedAt,
    Outcome,
    ResolutionReason,
    ResolvedBy,
    ResolvedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Tools {
    Table,
    Id,
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
            .create_table(table(big_integer(ContentReports::ToolId)))
            .await?;
        create_indexes(manager.get_connection()).await
    }
}

/// The table, its tool column as given: required here, optional once proposal messages can be
/// reported (migration 034 rebuilds the table on SQLite, which cannot alter a column). Frozen
/// as both migrations ran it: a change here would change what they did.
pub(crate) fn table(tool_id: ColumnDef) -> TableCreateStatement {
    use ContentReports as R;
    Table::create()
        .table(R::Table)
        .col(big_pk_auto(R::Id))
        .col(string_len(R::ItemKind, 16))
        .col(big_integer(R::ItemId))
        .col(tool_id)
        .col(big_integer(R::ReporterId))
        .col(big_integer(R::ReporterOrganisationId))
        .col(string_len(R::Reason, 32))
        .col(text(R::Text))
        .col(timestamp_with_time_zone(R::CreatedAt))
        .col(string_len_null(R::Outcome, 32))
        .col(text_null(R::ResolutionReason))
        .col(big_integer_null(R::ResolvedBy))
        .col(timestamp_with_time_zone_null(R::ResolvedAt))
        .foreign_key(&mut restrict(
            (R::Table, R::ToolId),
            (Tools::Table, Tools::Id),
        ))
        .foreign_key(&mut restrict(
            (R::Table, R::ReporterId),
            (Users::Table, Users::Id),
        ))
        .foreign_key(&mut restrict(
            (R::Table, R::ReporterOrganisationId),
            (Organisations::Table, Organisations::Id),
        ))
        .to_owned()
}

/// The table's indexes: made with it, and again when a later migration rebuilds it.
pub(crate) async fn create_indexes(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    // One open report per person and item; a resolved one leaves room for a new one.
    db.execute_unprepared(
        "CREATE UNIQUE INDEX content_reports_one_open \
             ON content_reports (reporter_id, item_kind, item_id) WHERE resolved_at IS NULL",
    )
    .await?;
    // An item's open reports, answered together.
    db.execute_unprepared(
        "CREATE INDEX content_reports_open_of_item ON content_reports (item_kind, item_id) \
             WHERE resolved_at IS NULL",
    )
    .await?;
    // The queue (open, oldest first) and a person's reports of the last day.
    db.execute_unprepared(
        "CREATE INDEX content_reports_open ON content_reports (created_at) \
             WHERE resolved_at IS NULL",
    )
    .await?;
    db.execute_unprepared(
        "CREATE INDEX content_reports_by_reporter ON content_reports (reporter_id, created_at)",
    )
    .await?;
    Ok(())
}
