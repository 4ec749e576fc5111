use async_graphql::{Context, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::connection::ListConnection;
use super::error::ServiceResultExt;
use super::id::{self, NodeType};
use super::organisation::Organisation;
use super::peer_learning as peer;
use super::scalars::Role;
use super::{actor, services};
use commons_domain::identity::{self, Actor};
use commons_service::{self as service, ServiceError};

/// A person known to Commons.
#[derive(Clone)]
pub struct User(pub identity::User);

#[Object]
impl User {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::User, self.0.id)
    }

    /// The token's `sub`.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Shown to colleagues of the same organisation only.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(
            service::organisations::by_id(services(ctx), self.0.organisation_id)
                .await
                .gql()?
                .map(Organisation),
        )
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// What the signed-in caller may begin.
#[derive(SimpleObject)]
pub struct ViewerCapabilities {
    /// Share a tool with the network (`createTool`).
    pub share_tool: bool,
    /// Propose a collaboration to caisses (`proposeCollaboration`).
    pub propose_collaboration: bool,
    /// Start a joint service as its responsible caisse (`startJointService`).
    pub start_joint_service: bool,
    /// Read the moderation queue and decide on tools.
    pub moderate: bool,
    /// Read the published year evaluations and the three-year view: INASTI's officers and
    /// the CGG's members.
    pub read_evaluations: bool,
    /// Publish a year's evaluation once complete (`publishYearEvaluation`): platform admins.
    pub publish_evaluations: bool,
    /// Record the CGG's advice on a published year (`recordCggAdvice`): its members.
    pub give_advice: bool,
}

/// The signed-in caller.
pub struct Viewer(Actor);

#[Object]
impl Viewer {
    /// Your notifications by e-mail: the address, and how each kind reaches you.
    async fn mail(&self, ctx: &Context<'_>) -> Result<super::mail::MailSettings> {
        super::mail::settings(ctx).await
    }

    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        service::identity::user(services(ctx), Some(&self.0), self.0.user_id)
            .await
            .and_then(|u| u.ok_or(ServiceError::NotFound))
            .gql()
            .map(User)
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        service::organisations::by_id(services(ctx), self.0.organisation_id)
            .await
            .and_then(|o| o.ok_or(ServiceError::NotFound))
            .gql()
            .map(Organisation)
    }

    async fn roles(&self) -> Vec<Role> {
        self.0.roles.iter().copied().map(Role::from).collect()
    }

    /// What you may begin, as the API would allow it: offer an action only when it is true.
    async fn can(&self) -> ViewerCapabilities {
        let can = service::capabilities::of_viewer(&self.0);
        ViewerCapabilities {
            share_tool: can.share_tool,
            propose_collaboration: can.propose_collaboration,
            start_joint_service: can.start_joint_service,
            moderate: can.moderate,
            read_evaluations: can.read_evaluations,
            publish_evaluations: can.publish_evaluations,
            give_advice: can.give_advice,
        }
    }

    /// What you follow, oldest first.
    #[graphql(complexity = "super::connection::LIST_WORK + 20 * child_complexity")]
    async fn follows(&self, ctx: &Context<'_>) -> Result<Vec<peer::Follow>> {
        Ok(service::follows::of_viewer(services(ctx), Some(&self.0))
            .await
            .gql()?
            .into_iter()
            .map(peer::Follow)
            .collect())
    }

    /// What you were told, newest first; only the unread with `unreadOnly`.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default = false)] unread_only: bool,
    ) -> Result<ListConnection<peer::Notification>> {
        let (s, me) = (services(ctx), &self.0);
        super::connection::list_page(
            ctx,
            peer::NOTIFICATIONS,
            first,
            after,
            |page| async move { service::notifications::list(s, Some(me), unread_only, &page).await },
            |n| n.id.to_string(),
            peer::Notification,
        )
        .await
    }

    /// Your reports of tools and reviews, newest first, with their outcomes.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn content_reports(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<super::content_report::ContentReport>> {
        let (s, me) = (services(ctx), &self.0);
        super::connection::list_page(
            ctx,
            super::content_report::CONTENT_REPORTS,
            first,
            after,
            |page| async move { service::content_reports::mine(s, Some(me), &page).await },
            |r| r.id.to_string(),
            super::content_report::ContentReport,
        )
        .await
    }

    #[graphql(complexity = "super::connection::COUNT_WORK")]
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(
            service::notifications::unread_count(services(ctx), Some(&self.0))
                .await
                .gql()? as i64,
        )
    }
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// Who is asking: null when anonymous.
    async fn viewer(&self, ctx: &Context<'_>) -> Option<Viewer> {
        actor(ctx).cloned().map(Viewer)
    }
}
