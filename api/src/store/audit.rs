use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};

use super::entity::audit_event;
use crate::domain::identity::Actor;

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
