use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000011_create_collaboration_proposals::CollaborationProposals;
use crate::{Organisations, Users, restrict};

/// A service run jointly, with its responsible caisse: the one the last entry of its
/// responsibility record names, copied here so that lists can filter on it.
#[derive(DeriveIden)]
pub(crate) enum JointServices {
    Table,
    Id,
    ProposalId,
    Title,
    Description,
    Categories,
    ToolIds,
    StartsOn,
    EndsOn,
    Status,
    ResponsibleCaisseId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum JointServiceParticipants {
    Table,
    JointServiceId,
    OrganisationId,
    Role,
    AddedAt,
    AddedBy,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use JointServices as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(big_pk_auto(S::Id))
                    .col(big_integer_null(S::ProposalId))
                    .col(text(S::Title))
                    .col(text(S::Description))
                    .col(text(S::Categories))
                    .col(text(S::ToolIds))
                    .col(date(S::StartsOn))
                    .col(date_null(S::EndsOn))
                    .col(string_len(S::Status, 16))
                    .col(big_integer(S::ResponsibleCaisseId))
                    .col(timestamp_with_time_zone(S::CreatedAt))
                    .col(timestamp_with_time_zone(S::UpdatedAt))
                    .foreign_key(&mut restrict(
                        (S::Table, S::ProposalId),
                        (CollaborationProposals::Table, CollaborationProposals::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (S::Table, S::ResponsibleCaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One proposal gives at most one joint service: later acceptances join it.
        manager
            .create_index(
                Index::create()
                    .name("joint_services_proposal")
                    .table(S::Table)
                    .col(S::ProposalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("joint_services_responsible")
                    .table(S::Table)
                    .col(S::ResponsibleCaisseId)
                    .col(S::Id)
                    .to_owned(),
            )
            .await?;

        use JointServiceParticipants as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_integer(P::JointServiceId))
                    .col(big_integer(P::OrganisationId))
                    .col(string_len(P::Role, 24))
                    .col(timestamp_with_time_zone(P::AddedAt))
                    .col(big_integer(P::AddedBy))
                    .primary_key(
                        Index::create()
                            .col(P::JointServiceId)
                            .col(P::OrganisationId),
                    )
                    .foreign_key(&mut restrict(
                        (P::Table, P::JointServiceId),
                        (S::Table, S::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (P::Table, P::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (P::Table, P::AddedBy),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("joint_service_participants_organisation")
                    .table(P::Table)
                    .col(P::OrganisationId)
                    .to_owned(),
            )
            .await?;

        // Only a caisse is ever responsible: the database refuses anything else, whatever
        // path a row takes.
        let db = manager.get_connection();
        let statements: &[&str] = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DbBackend::Postgres => &[
                "CREATE FUNCTION joint_services_caisse_only() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   IF (SELECT kind FROM organisations WHERE id = NEW.responsible_caisse_id) IS DISTINCT FROM 'CAISSE' THEN
                     RAISE EXCEPTION 'only a caisse can be responsible for a joint service' USING ERRCODE = 'check_violation';
                   END IF;
                   RETURN NEW;
                 END $$",
                "CREATE TRIGGER joint_services_caisse_only BEFORE INSERT OR UPDATE OF responsible_caisse_id
                 ON joint_services FOR EACH ROW EXECUTE FUNCTION joint_services_caisse_only()",
            ],
            _ => &[
                "CREATE TRIGGER joint_services_caisse_only_insert BEFORE INSERT ON joint_services
                 WHEN (SELECT kind FROM organisations WHERE id = NEW.responsible_caisse_id) IS NOT 'CAISSE'
                 BEGIN SELECT RAISE(ABORT, 'only a caisse can be responsible for a joint service'); END",
                "CREATE TRIGGER joint_services_caisse_only_update BEFORE UPDATE OF responsible_caisse_id ON joint_services
                 WHEN (SELECT kind FROM organisations WHERE id = NEW.responsible_caisse_id) IS NOT 'CAISSE'
                 BEGIN SELECT RAISE(ABORT, 'only a caisse can be responsible for a joint service'); END",
            ],
        };
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
