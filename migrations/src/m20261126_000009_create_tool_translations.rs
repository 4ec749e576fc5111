use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000008_create_tool_revisions::ToolRevisions;

/// The title, summary and body of one revision in one language.
#[derive(DeriveIden)]
enum ToolTranslations {
    Table,
    RevisionId,
    Lang,
    Title,
    Summary,
    Body,
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
                    .table(ToolTranslations::Table)
                    .col(big_integer(ToolTranslations::RevisionId))
                    .col(string_len(ToolTranslations::Lang, 2))
                    .col(string_len(ToolTranslations::Title, 200))
                    .col(text(ToolTranslations::Summary))
                    .col(text(ToolTranslations::Body))
                    .primary_key(
                        Index::create()
                            .col(ToolTranslations::RevisionId)
                            .col(ToolTranslations::Lang),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ToolTranslations::Table, ToolTranslations::RevisionId)
                            .to(ToolRevisions::Table, ToolRevisions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await
    }
}
