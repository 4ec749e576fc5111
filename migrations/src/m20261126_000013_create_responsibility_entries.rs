use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261126_000012_create_joint_services::JointServices;
use crate::{Organisations, Users, restrict};

/// The responsibility record: append-only, one hash chain per joint service. Triggers refuse
/// UPDATE, DELETE (and TRUNCATE on PostgreSQL) whatever the client, and an entry naming an
/// organisation that is not a caisse.
#[derive(DeriveIden)]
enum ResponsibilityEntries {
    Table,
    Id,
    JointServiceId,
    Sequence,
    CaisseId,
    EffectiveFrom,
    RecordedBy,
    RecordedByOrganisationId,
    RecordedAt,
    Reason,
    PreviousHash,
    Hash,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResponsibilityEntries as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(big_pk_auto(E::Id))
                    .col(big_integer(E::JointServiceId))
                    .col(integer(E::Sequence))
                    .col(big_integer(E::CaisseId))
                    .col(timestamp_with_time_zone(E::EffectiveFrom))
                    .col(big_integer(E::RecordedBy))
                    .col(big_integer(E::RecordedByOrganisationId))
                    .col(timestamp_with_time_zone(E::RecordedAt))
                    .col(text(E::Reason))
                    .col(string_len(E::PreviousHash, 64))
                    .col(string_len(E::Hash, 64))
                    .foreign_key(&mut restrict(
                        (E::Table, E::JointServiceId),
                        (JointServices::Table, JointServices::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (E::Table, E::CaisseId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (E::Table, E::RecordedBy),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut restrict(
                        (E::Table, E::RecordedByOrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Two writers appending to one chain at once: the second is refused, never forks it.
        manager
            .create_index(
                Index::create()
                    .name("responsibility_entries_chain")
                    .table(E::Table)
                    .col(E::JointServiceId)
                    .col(E::Sequence)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("responsibility_entries_caisse")
                    .table(E::Table)
                    .col(E::CaisseId)
                    .col(E::JointServiceId)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let statements: &[&str] = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DbBackend::Postgres => &[
                "CREATE FUNCTION responsibility_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   RAISE EXCEPTION 'the responsibility record is append-only' USING ERRCODE = 'restrict_violation';
                 END $$",
                "CREATE TRIGGER responsibility_entries_append_only BEFORE UPDATE OR DELETE
                 ON responsibility_entries FOR EACH ROW EXECUTE FUNCTION responsibility_entries_append_only()",
                "CREATE TRIGGER responsibility_entries_no_truncate BEFORE TRUNCATE
                 ON responsibility_entries FOR EACH STATEMENT EXECUTE FUNCTION responsibility_entries_append_only()",
                "CREATE FUNCTION responsibility_entries_caisse_only() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   IF (SELECT kind FROM organisations WHERE id = NEW.caisse_id) IS DISTINCT FROM 'CAISSE' THEN
                     RAISE EXCEPTION 'only a caisse can be responsible for a joint service' USING ERRCODE = 'check_violation';
                   END IF;
                   RETURN NEW;
                 END $$",
                "CREATE TRIGGER responsibility_entries_caisse_only BEFORE INSERT
                 ON responsibility_entries FOR EACH ROW EXECUTE FUNCTION responsibility_entries_caisse_only()",
            ],
            _ => &[
                "CREATE TRIGGER responsibility_entries_no_update BEFORE UPDATE ON responsibility_entries
                 BEGIN SELECT RAISE(ABORT, 'the responsibility record is append-only'); END",
                "CREATE TRIGGER responsibility_entries_no_delete BEFORE DELETE ON responsibility_entries
                 BEGIN SELECT RAISE(ABORT, 'the responsibility record is append-only'); END",
                "CREATE TRIGGER responsibility_entries_caisse_only BEFORE INSERT ON responsibility_entries
                 WHEN (SELECT kind FROM organisations WHERE id = NEW.caisse_id) IS NOT 'CAISSE'
                 BEGIN SELECT RAISE(ABORT, 'only a caisse can be responsible for a joint service'); END",
            ],
        };
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
