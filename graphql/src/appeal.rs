//! Appeals against moderation decisions: the organisation a decision went against appeals once;
//! another moderator upholds or overturns it.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::connection::{ListConnection, list_page};
use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::loaders;
use super::organisation::Organisation;
use super::scalars::AppealOutcome;
use super::tool::{ModerationLogEntry, Tool};
use super::{actor, services};
use commons_domain::appeal as model;
use commons_service::appeals as svc;

const APPEALS: &str = "appeals";

/// An organisation's appeal against a moderation decision, and how it was decided.
pub struct Appeal(pub model::Appeal);

#[Object]
impl Appeal {
    async fn id(&self) -> ID {
        id::encode(NodeType::Appeal, self.0.id)
    }

    /// The decision appealed, as the moderation log holds it.
    async fn decision(&self, ctx: &Context<'_>) -> Result<ModerationLogEntry> {
        Ok(ModerationLogEntry(
            svc::decision_of(services(ctx), &self.0).await.gql()?,
        ))
    }

    /// The tool the decision is about; null once you may no longer see it.
    async fn tool(&self, ctx: &Context<'_>) -> Result<Option<Tool>> {
        super::tool::visible(ctx, self.0.tool_id).await
    }

    /// What the organisation says, at most 4 000 characters.
    async fn statement(&self) -> &str {
        &self.0.statement
    }

    async fn appellant_organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        loaders::organisation(ctx, self.0.appellant_organisation_id).await
    }

    async fn filed_at(&self) -> DateTime<Utc> {
        self.0.filed_at
    }

    /// Null while the appeal waits.
    async fn outcome(&self) -> Option<AppealOutcome> {
        self.0.decided.as_ref().map(|d| d.outcome.into())
    }

    /// The moderator's reason for the outcome.
    async fn reason(&self) -> Option<&str> {
        self.0.decided.as_ref().map(|d| d.reason.as_str())
    }

    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided.as_ref().map(|d| d.at)
    }
}

#[derive(Default)]
pub struct AppealQuery;

#[Object]
impl AppealQuery {
    /// The appeals waiting for a decision, oldest first: INASTI's moderators.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn appeals(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<Appeal>> {
        let s = services(ctx);
        list_page(
            ctx,
            APPEALS,
            first,
            after,
            |page| async move { svc::open(s, actor(ctx), &page).await },
            |a| a.id.to_string(),
            Appeal,
        )
        .await
    }
}

#[derive(InputObject)]
pub struct AppealDecisionInput {
    /// A moderation log entry's `id`.
    pub decision_id: ID,
    /// What your organisation says, at most 4 000 characters.
    pub statement: String,
}

#[derive(InputObject)]
pub struct DecideAppealInput {
    pub appeal_id: ID,
    pub outcome: AppealOutcome,
    /// Told to the organisation that appealed and kept in the moderation log; at most 2 000
    /// characters.
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct AppealPayload {
    pub appeal: Option<Appeal>,
    pub user_errors: Vec<UserError>,
}

fn payload(result: commons_service::ServiceResult<model::Appeal>) -> Result<AppealPayload> {
    let (appeal, user_errors) = into_payload(result)?;
    Ok(AppealPayload {
        appeal: appeal.map(Appeal),
        user_errors,
    })
}

#[derive(Default)]
pub struct AppealMutation;

#[Object]
impl AppealMutation {
    /// Appeals a decision that went against your organisation — its tool rejected, sent back or
    /// withdrawn, its review hidden — once per decision.
    async fn appeal_decision(
        &self,
        ctx: &Context<'_>,
        input: AppealDecisionInput,
    ) -> Result<AppealPayload> {
        let decision = id::decode_as(NodeType::ModerationDecision, &input.decision_id)?;
        payload(svc::appeal(services(ctx), actor(ctx), decision, &input.statement).await)
    }

    /// Upholds or overturns an appeal: a moderator other than the one who decided, and not of
    /// the tool's organisation (INASTI's own content aside). Overturning restores what the
    /// decision took away: the revision back in review, the tool published again, the review
    /// shown again.
    async fn decide_appeal(
        &self,
        ctx: &Context<'_>,
        input: DecideAppealInput,
    ) -> Result<AppealPayload> {
        let appeal = id::decode_as(NodeType::Appeal, &input.appeal_id)?;
        payload(
            svc::decide(
                services(ctx),
                actor(ctx),
                appeal,
                input.outcome.into(),
                &input.reason,
            )
            .await,
        )
    }
}
