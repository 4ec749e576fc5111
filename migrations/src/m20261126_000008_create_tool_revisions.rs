use sea_orm_migration::{prelude::*, schema::*};

use crate::Users;
use crate::m20261126_000007_create_tools::Tools;

/// Every change to a tool is a new revision: content is never edited in place. Lists of
/// names (categories, audiences …) are JSON arrays of quoted names, so that a filter can match
/// `"NAME"` exactly on both databases.
#[derive(DeriveIden)]
pub(crate) enum ToolRevisions {
    Table,
    Id,
    ToolId,
    Number,
    Status,
    AuthorId,
    CreatedAt,
    SubmittedAt,
    PublishedAt,
    Kind,
    Categories,
    Languages,
    Audiences,
    Sectors,
    DeliveryModes,
    DeliveryFormats,
    Scopes,
    Duration,
    CostEur,
    Quality,
    Licence,
    Contact,
    Tags,
    Visibility,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ToolRevisions as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(big_pk_auto(R::Id))
                    .col(big_integer(R::ToolId))
                    .col(integer(R::Number))
                    .col(string_len(R::Status, 24))
                    .col(big_integer(R::AuthorId))
                    .col(timestamp_with_time_zone(R::CreatedAt))
                    .col(timestamp_with_time_zone_null(R::SubmittedAt))
                    .col(timestamp_with_time_zone_null(R::PublishedAt))
                    .col(string_len(R::Kind, 32))
                    .col(text(R::Categories))
                    .col(text(R::Languages))
                    .col(text(R::Audiences))
                    .col(text(R::Sectors))
                    .col(text(R::DeliveryModes))
                    .col(text(R::DeliveryFormats))
                    .col(text(R::Scopes))
                    .col(string_len_null(R::Duration, 200))
                    .col(string_len_null(R::CostEur, 16))
                    .col(text(R::Quality))
                    .col(string_len(R::Licence, 64))
                    .col(string_len_null(R::Contact, 200))
                    .col(text(R::Tags))
                    .col(string_len(R::Visibility, 16))
                    .foreign_key(
                        ForeignKey::create()
                            .from(R::Table, R::ToolId)
                            .to(Tools::Table, Tools::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(R::Table, R::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("tool_revisions_tool_number")
                    .table(R::Table)
                    .col(R::ToolId)
                    .col(R::Number)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
