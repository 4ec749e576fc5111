use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users};

#[derive(DeriveIden)]
enum UserColumns {
    OrganisationId,
    Subject,
    Name,
    Email,
    CreatedAt,
    LastSeenAt,
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
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(big_integer(UserColumns::OrganisationId))
                    .col(string_len(UserColumns::Subject, 255))
                    .col(string_len_null(UserColumns::Name, 200))
                    .col(string_len_null(UserColumns::Email, 254))
                    .col(timestamp_with_time_zone(UserColumns::CreatedAt))
                    .col(timestamp_with_time_zone(UserColumns::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, UserColumns::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("users_organisation_subject")
                    .table(Users::Table)
                    .col(UserColumns::OrganisationId)
                    .col(UserColumns::Subject)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
