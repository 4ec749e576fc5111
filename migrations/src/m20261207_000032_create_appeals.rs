use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// Appeals: the organisation a decision went against contests it once, with a statement; a
/// moderator other than the one who decided upholds or overturns it. A decision that hid a
/// review now names the review, so that its organisation can appeal it.
#[derive(DeriveIden)]
enum Appeals {
    Table,
    Id,
    DecisionId,
    ToolId,
    ReviewId,
    AppellantOrganisationId,
    AppellantId,
    Statement,
    FiledAt,
    Outcome,
    OutcomeReason,
    DecidedBy,
    DecidedAt,
}

#[derive(DeriveIden)]
enum ModerationDecisions {
    Table,
    Id,
    ReviewId,
}

#[derive(DeriveIden)]
enum Tools {
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
            .alter_table(
                Table::alter()
                    .table(ModerationDecisions::Table)
                    .add_column(big_integer_null(ModerationDecisions::ReviewId))
                    .to_owned(),
            )
            .await?;
        use Appeals as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(big_pk_auto(A::Id))
                    .col(big_integer(A::DecisionId))
                    .col(big_integer(A::ToolId))
                    .col(big_integer_null(A::ReviewId))
                    .col(big_integer(A::AppellantOrganisationId))
                    .col(big_integer(A::AppellantId))
                    .col(text(A::Statement))
                    .col(timestamp_with_time_zone(A::FiledAt))
                    .col(string_len_null(A::Outcome, 16))
                    .col(text_null(A::OutcomeReason))
                    .col(big_integer_null(A::DecidedBy))
                    .col(timestamp_with_time_zone_null(A::DecidedAt))
                    .foreign_key(&mut restrict(
                        (A::Table, A::DecisionId),
                        (ModerationDecisions::Table, ModerationDecisions::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (A::Table, A::ToolId),
                        (Tools::Table, Tools::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (A::Table, A::AppellantOrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (A::Table, A::AppellantId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Once per decision.
        manager
            .create_index(
                Index::create()
                    .name("appeals_one_per_decision")
                    .table(A::Table)
                    .col(A::DecisionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX appeals_open ON appeals (filed_at) WHERE decided_at IS NULL",
            )
            .await?;
        Ok(())
    }
}
