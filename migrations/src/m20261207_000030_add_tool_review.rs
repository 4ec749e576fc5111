use sea_orm_migration::{prelude::*, schema::*};

/// A published tool is kept current: `reviewed_at` is when its content was last known valid
/// (its publication, or its owner's confirmation), and `review_reminded_at` when its owner was
/// last told that the review date is near (once per review date). Tools published before this
/// migration count from their published revision's publication.
#[derive(DeriveIden)]
enum Tools {
    Table,
    ReviewedAt,
    ReviewRemindedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [Tools::ReviewedAt, Tools::ReviewRemindedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tools::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE tools SET reviewed_at = (SELECT r.published_at FROM tool_revisions r \
                 WHERE r.tool_id = tools.id AND r.number = tools.published_revision) \
                 WHERE published_revision IS NOT NULL",
            )
            .await?;
        Ok(())
    }
}
