use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000011_create_collaboration_proposals::CollaborationProposals;
use crate::m20261207_000031_create_content_reports::{self as reports, ContentReports};
use crate::restrict;

/// Proposal messages can be reported and hidden. A message carries who hid it, when and why;
/// a report names the proposal a reported message is in, in place of a tool (`tool_id` becomes
/// optional: a proposal belongs to no tool).
#[derive(DeriveIden)]
enum ProposalMessages {
    Table,
    HiddenAt,
    HiddenBy,
    HiddenReason,
}

#[derive(DeriveIden)]
enum Rebuilt {
    /// SQLite's rebuilt table, renamed to `content_reports` once filled.
    ContentReportsRebuilt,
    ProposalId,
}

/// A report names the tool its item lives in, or the proposal: one, never both or neither.
const EXACTLY_ONE_CONTEXT: &str = "(tool_id IS NULL) <> (proposal_id IS NULL)";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [
            timestamp_with_time_zone_null(ProposalMessages::HiddenAt),
            big_integer_null(ProposalMessages::HiddenBy),
            text_null(ProposalMessages::HiddenReason),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ProposalMessages::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let proposal_fk = || {
            restrict(
                (ContentReports::Table, Rebuilt::ProposalId),
                (CollaborationProposals::Table, CollaborationProposals::Id),
            )
        };
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            // SQLite cannot make a column optional: the table is made anew, filled, renamed.
            let mut table = reports::table(big_integer_null(ContentReports::ToolId));
            table
                .table(Rebuilt::ContentReportsRebuilt)
                .col(big_integer_null(Rebuilt::ProposalId))
                .foreign_key(&mut proposal_fk())
                .check(Expr::cust(EXACTLY_ONE_CONTEXT));
            manager.create_table(table).await?;
            db.execute_unprepared(
                "INSERT INTO content_reports_rebuilt (id, item_kind, item_id, tool_id, \
                 reporter_id, reporter_organisation_id, reason, text, created_at, outcome, \
                 resolution_reason, resolved_by, resolved_at) \
                 SELECT id, item_kind, item_id, tool_id, reporter_id, reporter_organisation_id, \
                 reason, text, created_at, outcome, resolution_reason, resolved_by, resolved_at \
                 FROM content_reports",
            )
            .await?;
            db.execute_unprepared("DROP TABLE content_reports").await?;
            db.execute_unprepared("ALTER TABLE content_reports_rebuilt RENAME TO content_reports")
                .await?;
            reports::create_indexes(db).await?;
        } else {
            db.execute_unprepared("ALTER TABLE content_reports ALTER COLUMN tool_id DROP NOT NULL")
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(ContentReports::Table)
                        .add_column(big_integer_null(Rebuilt::ProposalId))
                        .add_foreign_key(proposal_fk().get_foreign_key())
                        .to_owned(),
                )
                .await?;
            db.execute_unprepared(&format!(
                "ALTER TABLE content_reports ADD CONSTRAINT content_reports_one_context \
                 CHECK ({EXACTLY_ONE_CONTEXT})"
            ))
            .await?;
        }
        Ok(())
    }
}
