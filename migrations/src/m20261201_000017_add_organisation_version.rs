use sea_orm_migration::{prelude::*, schema::*};

use crate::Organisations;

/// Each change of an organisation's profile raises its version, so that an edit based on an
/// older version is refused (`CONFLICT`) instead of silently reverting another admin's change.
#[derive(DeriveIden)]
enum Version {
    Version,
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
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(integer(Version::Version).default(1))
                    .to_owned(),
            )
            .await
    }
}
