use sea_orm_migration::{prelude::*, schema::*};

use crate::{Organisations, Users, restrict};

/// A proposal of collaboration from a partner (or a caisse) to caisses. Localised texts,
/// categories and linked tools are JSON, as in tool revisions; `state` is OPEN, ANSWERED or
/// WITHDRAWN, and expiry follows from `reply_by`.
#[derive(DeriveIden)]
pub(crate) enum CollaborationProposals {
    Table,
    Id,
    ProposerId,
    CreatedBy,
    CreatedAt,
    Title,
    Description,
    Categories,
    Contribution,
    ProposerRole,
    Region,
    StartsOn,
    EndsOn,
    ToolIds,
    ReplyBy,
    State,
    WithdrawnAt,
    WithdrawalReason,
}

/// Each caisse a proposal is addressed to, and its answer.
#[derive(DeriveIden)]
enum ProposalTargets {
    Table,
    ProposalId,
    CaisseId,
    Response,
    Message,
    RespondedAt,
    RespondedBy,
}

/// The short thread between the proposer and the targets.
#[derive(DeriveIden)]
enum ProposalMessages {
    Table,
    Id,
    ProposalId,
    AuthorId,
    OrganisationId,
    Body,
    PostedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CollaborationProposals as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_pk_auto(P::Id))
                    .col(big_integer(P::ProposerId))
                    .col(big_integer(P::CreatedBy))
                    .col(timestamp_with_time_zone(P::CreatedAt))
                    .col(text(P::Title))
                    .col(text(P::Description))
                    .col(text(P::Categories))
                    .col(text(P::Contribution))
                    .col(string_len(P::ProposerRole, 24))
                    .col(string_len(P::Region, 200))
                    .col(date(P::StartsOn))
                    .col(date_null(P::EndsOn))
                    .col(text(P::ToolIds))
                    .col(timestamp_with_time_zone(P::ReplyBy))
                    .col(string_len(P::State, 16))
                    .col(timestamp_with_time_zone_null(P::WithdrawnAt))
                    .col(text_null(P::WithdrawalReason))
                    .foreign_key(&mut restrict(
                        (P::Table, P::ProposerId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (P::Table, P::CreatedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("collaboration_proposals_proposer")
                    .table(P::Table)
                    .col(P::ProposerId)
                    .col(P::Id)
                    .to_owned(),
            )
            .await?;

        use ProposalTargets as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(big_integer(T::ProposalId))
                    .col(big_integer(T::CaisseId))
                    .col(string_len(T::Response, 16))
                    .col(text_null(T::Message))
                    .col(timestamp_with_time_zone_null(T::RespondedAt))
                    .col(big_integer_null(T::RespondedBy))
                    .primary_key(Index::create().col(T::ProposalId).col(T::CaisseId))
                    .foreign_key(&mut restrict((T::Table, T::ProposalId), (P::Table, P::Id)))
                    .foreign_key(&mut restrict(
                        (T::Table, T::CaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (T::Table, T::RespondedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("proposal_targets_caisse")
                    .table(T::Table)
                    .col(T::CaisseId)
                    .col(T::ProposalId)
                    .to_owned(),
            )
            .await?;

        use ProposalMessages as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(big_pk_auto(M::Id))
                    .col(big_integer(M::ProposalId))
                    .col(big_integer(M::AuthorId))
                    .col(big_integer(M::OrganisationId))
                    .col(text(M::Body))
                    .col(timestamp_with_time_zone(M::PostedAt))
                    .foreign_key(&mut restrict((M::Table, M::ProposalId), (P::Table, P::Id)))
                    .foreign_key(&mut restrict(
                        (M::Table, M::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (M::Table, M::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("proposal_messages_thread")
                    .table(M::Table)
                    .col(M::ProposalId)
                    .col(M::Id)
                    .to_owned(),
            )
            .await
    }
}
