//! The audit log for INASTI's auditors and platform admins.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::connection::{ListConnection, list_page};
use super::id::{self, NodeType};
use super::organisation::Organisation;
use super::viewer::User;
use super::{actor, loaders, services};
use commons_service::audit_log::{self as svc, Event, EventFilter};

const LOG: &str = "auditLog";

/// One recorded change: who did it, for which organisation, what, to what, when.
pub struct AuditEvent(Event);

#[Object]
impl AuditEvent {
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// The person who acted; none for the system's own changes.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        loaders::user(ctx, self.0.actor_user_id).await
    }

    /// The organisation they acted for.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.actor_organisation_id {
            Some(id) => loaders::organisation(ctx, id).await,
            None => Ok(None),
        }
    }

    /// What was done, e.g. `tool.submitted`, `legal_frame.set`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The kind of thing changed, e.g. `tool`, `organisation`, `joint_service`.
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }

    /// The number of the thing changed, within its kind.
    async fn subject_id(&self) -> i64 {
        self.0.subject_id
    }

    /// What changed, as JSON text.
    async fn details(&self) -> &str {
        &self.0.details
    }
}

#[derive(InputObject, Default)]
pub struct AuditLogFilter {
    /// Changes made for this organisation.
    pub organisation_id: Option<ID>,
    /// Kinds of thing changed (`tool`, `organisation`, `joint_service` …); any when empty.
    #[graphql(default)]
    pub subject_types: Vec<String>,
    /// From this moment on.
    pub from: Option<DateTime<Utc>>,
    /// Before this moment.
    pub until: Option<DateTime<Utc>>,
}

#[derive(Default)]
pub struct AuditLogQuery;

#[Object]
impl AuditLogQuery {
    /// Every change recorded, newest first: INASTI's auditors and platform admins.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditLogFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<AuditEvent>> {
        let svc_ctx = services(ctx);
        let filter = filter.unwrap_or_default();
        let filter = EventFilter {
            organisation_id: filter
                .organisation_id
                .map(|o| id::decode_as(NodeType::Organisation, &o))
                .transpose()?,
            subject_types: filter.subject_types,
            from: filter.from,
            until: filter.until,
        };
        list_page(
            ctx,
            LOG,
            first,
            after,
            |page| async move { svc::events(svc_ctx, actor(ctx), filter, &page).await },
            |e| e.id.to_string(),
            AuditEvent,
        )
        .await
    }
}
