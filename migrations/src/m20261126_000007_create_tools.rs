use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users};

/// A tool of the catalogue. Its content lives in revisions; this row says where it stands,
/// with the visibilities of its latest and published revisions copied here so that every
/// list can filter by what the caller may see without reading revisions.
#[derive(DeriveIden)]
pub(crate) enum Tools {
    Table,
    Id,
    OwnerId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Lifecycle,
    Status,
    LatestRevision,
    LatestStatus,
    LatestVisibility,
    PublishedRevision,
    PublishedVisibility,
    SubmittedAt,
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
                    .table(Tools::Table)
                    .col(big_pk_auto(Tools::Id))
                    .col(big_integer(Tools::OwnerId))
                    .col(big_integer(Tools::CreatedBy))
                    .col(timestamp_with_time_zone(Tools::CreatedAt))
                    .col(timestamp_with_time_zone(Tools::UpdatedAt))
                    .col(string_len(Tools::Lifecycle, 16))
                    .col(string_len(Tools::Status, 24))
                    .col(integer(Tools::LatestRevision))
                    .col(string_len(Tools::LatestStatus, 24))
                    .col(string_len(Tools::LatestVisibility, 16))
                    .col(integer_null(Tools::PublishedRevision))
                    .col(string_len_null(Tools::PublishedVisibility, 16))
                    .col(timestamp_with_time_zone_null(Tools::SubmittedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tools::Table, Tools::OwnerId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tools::Table, Tools::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("tools_owner", vec![Tools::OwnerId, Tools::Id]),
            (
                "tools_review_queue",
                vec![Tools::LatestStatus, Tools::SubmittedAt],
            ),
            (
                "tools_published",
                vec![Tools::PublishedVisibility, Tools::Lifecycle],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Tools::Table);
            for c in columns {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }
}
