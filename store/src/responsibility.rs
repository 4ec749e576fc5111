//! The responsibility record: entries are appended and read, never updated nor deleted. This
//! module offers no way to do either; the entity refuses it, and so do the database's triggers.

use std::collections::BTreeMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entity::responsibility_entry as entry;
use commons_domain::responsibility::{Entry, EntryFacts, hash};

fn entry_from(m: entry::Model) -> Entry {
    Entry {
        id: m.id,
        facts: EntryFacts {
            joint_service_id: m.joint_service_id,
            sequence: m.sequence,
            caisse_id: m.caisse_id,
            effective_from: m.effective_from,
            recorded_by: m.recorded_by,
            recorded_by_organisation_id: m.recorded_by_organisation_id,
            recorded_at: m.recorded_at,
            reason: m.reason,
            previous_hash: m.previous_hash,
        },
        hash: m.hash,
    }
}

/// Appends an entry with its hash. A unique (service, sequence) refuses a second writer that
/// read the same last entry: the chain never forks.
pub async fn append(db: &impl ConnectionTrait, facts: EntryFacts) -> Result<Entry, DbErr> {
    let h = hash(&facts);
    let m = entry::ActiveModel {
        joint_service_id: Set(facts.joint_service_id),
        sequence: Set(facts.sequence),
        caisse_id: Set(facts.caisse_id),
        effective_from: Set(facts.effective_from),
        recorded_by: Set(facts.recorded_by),
        recorded_by_organisation_id: Set(facts.recorded_by_organisation_id),
        recorded_at: Set(facts.recorded_at),
        reason: Set(facts.reason),
        previous_hash: Set(facts.previous_hash),
        hash: Set(h),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(entry_from(m))
}

/// One service's record in chain order. Ordered by sequence then id, so that rows tampered
/// into the wrong order still come back in the order they claim.
pub async fn entries(db: &impl ConnectionTrait, service_id: i64) -> Result<Vec<Entry>, DbErr> {
    Ok(entry::Entity::find()
        .filter(entry::Column::JointServiceId.eq(service_id))
        .order_by_asc(entry::Column::Sequence)
        .order_by_asc(entry::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(entry_from)
        .collect())
}

/// The records of several services, by service.
pub async fn records(
    db: &impl ConnectionTrait,
    service_ids: &[i64],
) -> Result<BTreeMap<i64, Vec<Entry>>, DbErr> {
    let mut by_service: BTreeMap<i64, Vec<Entry>> =
        service_ids.iter().map(|id| (*id, Vec::new())).collect();
    for chunk in service_ids.chunks(500) {
        for m in entry::Entity::find()
            .filter(entry::Column::JointServiceId.is_in(chunk.to_vec()))
            .order_by_asc(entry::Column::JointServiceId)
            .order_by_asc(entry::Column::Sequence)
            .order_by_asc(entry::Column::Id)
            .all(db)
            .await?
        {
            by_service
                .entry(m.joint_service_id)
                .or_default()
                .push(entry_from(m));
        }
    }
    Ok(by_service)
}
