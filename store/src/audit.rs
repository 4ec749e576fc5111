use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::audit_event;
use commons_domain::identity::Actor;

/// What a change did, for the audit trail and the outbox. Written inside the change's own
/// transaction, so a change is never without its record nor a record without its change.
pub struct Change<'a> {
    pub actor: Option<&'a Actor>,
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: i64,
    pub details: serde_json::Value,
}

pub async fn record(
    db: &impl ConnectionTrait,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_event::ActiveModel {
        occurred_at: Set(now),
        actor_user_id: Set(change.actor.map(|a| a.user_id)),
        actor_organisation_id: Set(change.actor.map(|a| a.organisation_id)),
        action: Set(change.action.to_owned()),
        subject_type: Set(change.subject_type.to_owned()),
        subject_id: Set(change.subject_id),
        details: Set(change.details.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::outbox::append(db, change.subject_type, change.subject_id, now).await
}

/// One recorded change, as the audit log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_organisation_id: Option<i64>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: i64,
    pub details: String,
}

/// Narrows the audit log: by the acting organisation, by kind of subject, by period.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    pub organisation_id: Option<i64>,
    pub subject_types: Vec<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

fn events_query(filter: &EventFilter) -> sea_orm::Select<audit_event::Entity> {
    let mut query = audit_event::Entity::find();
    if let Some(org) = filter.organisation_id {
        query = query.filter(audit_event::Column::ActorOrganisationId.eq(org));
    }
    if !filter.subject_types.is_empty() {
        query = query.filter(audit_event::Column::SubjectType.is_in(filter.subject_types.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::OccurredAt.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::OccurredAt.lt(until));
    }
    query
}

/// A page of events, newest first, before the event `before`.
pub async fn events(
    db: &impl ConnectionTrait,
    filter: &EventFilter,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Event>, DbErr> {
    let mut query = events_query(filter).order_by_desc(audit_event::Column::Id);
    if let Some(before) = before {
        query = query.filter(audit_event::Column::Id.lt(before));
    }
    Ok(query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Event {
            id: m.id,
            occurred_at: m.occurred_at,
            actor_user_id: m.actor_user_id,
            actor_organisation_id: m.actor_organisation_id,
            action: m.action,
            subject_type: m.subject_type,
            subject_id: m.subject_id,
            details: m.details,
        })
        .collect())
}

pub async fn count_events(db: &impl ConnectionTrait, filter: &EventFilter) -> Result<u64, DbErr> {
    events_query(filter).count(db).await
}
