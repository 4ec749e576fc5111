use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000007_create_tools::Tools;
use crate::m20261126_000008_create_tool_revisions::ToolRevisions;
use crate::{Users, restrict};

/// One row per object in the store, keyed by the SHA-256 of its content. `orphaned_at` is set
/// when the last attachment using it goes; the sweep removes it after a grace period.
#[derive(DeriveIden)]
enum StoredObjects {
    Table,
    Sha256,
    SizeBytes,
    MediaType,
    CreatedAt,
    OrphanedAt,
}

/// A file attached to a tool, with the text search reads in it.
#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ToolId,
    Sha256,
    FileName,
    MediaType,
    SizeBytes,
    Title,
    Lang,
    UploadedBy,
    UploadedAt,
    ExtractedText,
}

/// Which revisions carry which attachments: a published revision keeps its files while a new
/// revision is reviewed with others.
#[derive(DeriveIden)]
enum RevisionAttachments {
    Table,
    RevisionId,
    AttachmentId,
    Position,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use StoredObjects as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(string_len(O::Sha256, 64).primary_key())
                    .col(big_integer(O::SizeBytes))
                    .col(string_len(O::MediaType, 128))
                    .col(timestamp_with_time_zone(O::CreatedAt))
                    .col(timestamp_with_time_zone_null(O::OrphanedAt))
                    .to_owned(),
            )
            .await?;

        use Attachments as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(big_pk_auto(A::Id))
                    .col(big_integer(A::ToolId))
                    .col(string_len(A::Sha256, 64))
                    .col(string_len(A::FileName, 255))
                    .col(string_len(A::MediaType, 128))
                    .col(big_integer(A::SizeBytes))
                    .col(string_len(A::Title, 255))
                    .col(string_len(A::Lang, 2))
                    .col(big_integer(A::UploadedBy))
                    .col(timestamp_with_time_zone(A::UploadedAt))
                    .col(text_null(A::ExtractedText))
                    .foreign_key(&mut restrict(
                        (A::Table, A::ToolId),
                        (Tools::Table, Tools::Id),
                    ))
                    .foreign_key(&mut restrict((A::Table, A::Sha256), (O::Table, O::Sha256)))
                    .foreign_key(&mut restrict(
                        (A::Table, A::UploadedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("attachments_tool", A::ToolId),
            ("attachments_object", A::Sha256),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(A::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        use RevisionAttachments as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(big_integer(R::RevisionId))
                    .col(big_integer(R::AttachmentId))
                    .col(integer(R::Position))
                    .primary_key(Index::create().col(R::RevisionId).col(R::AttachmentId))
                    .foreign_key(&mut restrict(
                        (R::Table, R::RevisionId),
                        (ToolRevisions::Table, ToolRevisions::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (R::Table, R::AttachmentId),
                        (A::Table, A::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("revision_attachments_attachment")
                    .table(R::Table)
                    .col(R::AttachmentId)
                    .to_owned(),
            )
            .await
    }
}
