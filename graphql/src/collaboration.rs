//! Collaboration proposals: what partners (or caisses) propose to caisses, the answers, the
//! thread.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::connection::{ListConnection, list_page};
use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::joint_service::JointService;
use super::loaders::{required_organisation, user};
use super::organisation::Organisation;
use super::scalars::{
    Date, Lang, LocalisedString, LocalisedStringInput, ParticipantRole, ProposalResponse,
    ProposalStatus, ServiceCategory, from_domain, localised_input, text_in as text, to_domain,
};
use super::tool::Tool;
use super::viewer::User;
use super::{actor, services};
use commons_domain::collaboration::{self as model, Direction, ProposalDraft};
use commons_service::collaborations as svc;
use commons_service::{self as service, ServiceError};

const LIST: &str = "collaborationProposals";
const THREAD: &str = "proposalMessages";

/// The linked tools the caller may see; the others are left out, never revealed.
pub async fn linked_tools(ctx: &Context<'_>, ids: &[i64]) -> Result<Vec<Tool>> {
    Ok(svc::linked_tools(services(ctx), actor(ctx), ids)
        .await
        .gql()?
        .into_iter()
        .map(Tool::new)
        .collect())
}

/// A proposal of collaboration to one or more caisses. Read by the proposer, the caisses it
/// is addressed to, and INASTI.
#[derive(Clone)]
pub struct CollaborationProposal(pub Box<model::Proposal>);

impl CollaborationProposal {
    pub fn new(p: model::Proposal) -> Self {
        Self(Box::new(p))
    }
}

/// What you may do with a proposal now.
#[derive(SimpleObject)]
pub struct ProposalCapabilities {
    /// Answer it for your caisse: it is addressed to your caisse, which has not answered yet,
    /// and it is open.
    pub respond: bool,
    /// Withdraw it: your organisation proposed it, and not every caisse has answered.
    pub withdraw: bool,
    /// Post to its thread: your organisation is a party, and it is neither withdrawn nor
    /// expired.
    pub post_message: bool,
}

#[Object]
impl CollaborationProposal {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::CollaborationProposal, self.0.id)
    }

    /// What you may do with this proposal, as the API would allow it: offer an action only
    /// when it is true.
    async fn viewer_can(&self, ctx: &Context<'_>) -> ProposalCapabilities {
        let can =
            commons_service::capabilities::on_proposal(actor(ctx), &self.0, services(ctx).now());
        ProposalCapabilities {
            respond: can.respond,
            withdraw: can.withdraw,
            post_message: can.post_message,
        }
    }

    async fn proposer(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.proposer_id).await
    }

    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.created_by)).await
    }

    async fn title(&self, lang: Option<Lang>) -> String {
        text(&self.0.content.title, lang)
    }

    async fn titles(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.content.title)
    }

    async fn description(&self, lang: Option<Lang>) -> String {
        text(&self.0.content.description, lang)
    }

    async fn descriptions(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.content.description)
    }

    async fn categories(&self) -> Vec<ServiceCategory> {
        from_domain(&self.0.content.categories)
    }

    /// What the proposer brings.
    async fn contribution(&self) -> &str {
        &self.0.content.contribution
    }

    /// The proposer's role in the joint service.
    async fn proposer_role(&self) -> ParticipantRole {
        self.0.content.proposer_role.into()
    }

    async fn region(&self) -> &str {
        &self.0.content.region
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.content.period.starts_on)
    }

    async fn ends_on(&self) -> Option<Date> {
        self.0.content.period.ends_on.map(Date)
    }

    /// Past this moment, a proposal still waiting for answers expires.
    async fn reply_by(&self) -> DateTime<Utc> {
        self.0.content.reply_by
    }

    async fn status(&self, ctx: &Context<'_>) -> ProposalStatus {
        self.0.status(services(ctx).now()).into()
    }

    /// The caisses it is addressed to, with their answers.
    async fn targets(&self) -> Vec<ProposalTarget> {
        self.0.targets.iter().cloned().map(ProposalTarget).collect()
    }

    async fn tools(&self, ctx: &Context<'_>) -> Result<Vec<Tool>> {
        linked_tools(ctx, &self.0.content.tool_ids).await
    }

    /// The thread between the proposer and the caisses, oldest first.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn messages(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<ProposalMessage>> {
        let svc_ctx = services(ctx);
        list_page(
            ctx,
            THREAD,
            first,
            after,
            |page| async move { svc::messages(svc_ctx, &self.0, &page).await },
            |m| m.id.to_string(),
            ProposalMessage,
        )
        .await
    }

    /// The joint service the first acceptance created, if you may see it.
    async fn joint_service(&self, ctx: &Context<'_>) -> Result<Option<JointService>> {
        let Some(id) = self.0.joint_service_id else {
            return Ok(None);
        };
        Ok(service::joint_services::get(services(ctx), actor(ctx), id)
            .await
            .gql()?
            .map(JointService::new))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.withdrawn_at
    }

    async fn withdrawal_reason(&self) -> Option<&str> {
        self.0
            .withdrawal_reason
            .as_deref()
            .filter(|r| !r.is_empty())
    }
}

/// A caisse a proposal is addressed to, and its answer.
pub struct ProposalTarget(model::ProposalTarget);

#[Object]
impl ProposalTarget {
    async fn caisse(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.caisse_id).await
    }

    async fn response(&self) -> ProposalResponse {
        self.0.response.into()
    }

    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }

    async fn responded_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.responded_by).await
    }
}

/// One message of a proposal's thread.
pub struct ProposalMessage(pub model::ProposalMessage);

#[Object]
impl ProposalMessage {
    /// Names the message in `reportContent`.
    async fn id(&self) -> ID {
        id::encode(NodeType::ProposalMessage, self.0.id)
    }

    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.author_id)).await
    }

    /// The organisation the author wrote for.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.organisation_id).await
    }

    /// Its words; empty once a moderator hid it, but to its organisation and moderators.
    async fn body(&self, ctx: &Context<'_>) -> &str {
        if self.0.readable_by(actor(ctx)) {
            &self.0.body
        } else {
            ""
        }
    }

    /// Whether a moderator hid it on a report.
    async fn hidden(&self) -> bool {
        self.0.hidden.is_some()
    }

    /// Why it was hidden: for its organisation and moderators.
    async fn hidden_reason(&self, ctx: &Context<'_>) -> Option<&str> {
        let hidden = self.0.hidden.as_ref()?;
        self.0
            .readable_by(actor(ctx))
            .then_some(hidden.reason.as_str())
    }

    async fn posted_at(&self) -> DateTime<Utc> {
        self.0.posted_at
    }
}

/// Which side of proposals to list.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProposalDirection {
    /// Made by your organisation.
    Sent,
    /// Addressed to your caisse.
    Received,
}

#[derive(InputObject, Default)]
pub struct CollaborationProposalFilter {
    #[graphql(default)]
    pub statuses: Vec<ProposalStatus>,
    pub direction: Option<ProposalDirection>,
}

#[derive(Default)]
pub struct CollaborationQuery;

#[Object]
impl CollaborationQuery {
    /// The proposals your organisation made or received (every proposal for INASTI), newest
    /// first.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn collaboration_proposals(
        &self,
        ctx: &Context<'_>,
        filter: Option<CollaborationProposalFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<CollaborationProposal>> {
        let svc_ctx = services(ctx);
        let filter = filter.unwrap_or_default();
        let filter = model::ProposalFilter {
            statuses: to_domain(&filter.statuses),
            direction: filter.direction.map(|d| match d {
                ProposalDirection::Sent => Direction::Sent,
                ProposalDirection::Received => Direction::Received,
            }),
        };
        list_page(
            ctx,
            LIST,
            first,
            after,
            |page| async move { svc::list(svc_ctx, actor(ctx), &filter, &page).await },
            |p| p.id.to_string(),
            CollaborationProposal::new,
        )
        .await
    }
}

#[derive(InputObject)]
pub struct ProposeCollaborationInput {
    pub titles: Vec<LocalisedStringInput>,
    pub descriptions: Vec<LocalisedStringInput>,
    pub categories: Vec<ServiceCategory>,
    /// What you bring: facilitators, material, a venue …
    pub contribution: String,
    /// Your role in the joint service; co-organiser when left out.
    pub proposer_role: Option<ParticipantRole>,
    pub region: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    /// Tools the service builds on; each must be one you may see.
    #[graphql(default)]
    pub tool_ids: Vec<ID>,
    /// The caisses you propose to (organisation IDs).
    pub target_ids: Vec<ID>,
    /// Must be in the future; the proposal expires then if answers are missing.
    pub reply_by: DateTime<Utc>,
}

#[derive(InputObject)]
pub struct RespondToProposalInput {
    pub proposal_id: ID,
    pub accept: bool,
    pub message: Option<String>,
}

#[derive(InputObject)]
pub struct WithdrawProposalInput {
    pub proposal_id: ID,
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct PostProposalMessageInput {
    pub proposal_id: ID,
    pub body: String,
}

#[derive(SimpleObject)]
pub struct ProposalPayload {
    pub proposal: Option<CollaborationProposal>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct RespondToProposalPayload {
    pub proposal: Option<CollaborationProposal>,
    /// The joint service the acceptance created or joined.
    pub joint_service: Option<JointService>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct PostProposalMessagePayload {
    pub message: Option<ProposalMessage>,
    pub user_errors: Vec<UserError>,
}

fn proposal_payload(result: Result<model::Proposal, ServiceError>) -> Result<ProposalPayload> {
    let (proposal, user_errors) = into_payload(result)?;
    Ok(ProposalPayload {
        proposal: proposal.map(CollaborationProposal::new),
        user_errors,
    })
}

fn proposal_id(id: &ID) -> Result<i64> {
    id::decode_as(NodeType::CollaborationProposal, id)
}

fn ids_of(node_type: NodeType, ids: &[ID]) -> Result<Vec<i64>> {
    ids.iter().map(|i| id::decode_as(node_type, i)).collect()
}

#[derive(Default)]
pub struct CollaborationMutation;

#[Object]
impl CollaborationMutation {
    /// Proposes a collaboration to one or more caisses. Staff and admins of partners and caisses.
    async fn propose_collaboration(
        &self,
        ctx: &Context<'_>,
        input: ProposeCollaborationInput,
    ) -> Result<ProposalPayload> {
        let draft = ProposalDraft {
            titles: localised_input(input.titles),
            descriptions: localised_input(input.descriptions),
            categories: to_domain(&input.categories),
            contribution: input.contribution,
            proposer_role: input.proposer_role.map(Into::into),
            region: input.region,
            starts_on: Some(input.starts_on.0),
            ends_on: input.ends_on.map(|d| d.0),
            tool_ids: ids_of(NodeType::Tool, &input.tool_ids)?,
            target_ids: ids_of(NodeType::Organisation, &input.target_ids)?,
            reply_by: Some(input.reply_by),
        };
        proposal_payload(svc::propose(services(ctx), actor(ctx), draft).await)
    }

    /// Accepts or declines a proposal addressed to your caisse, once. The first acceptance
    /// creates the joint service with your caisse responsible; a later one joins it.
    async fn respond_to_proposal(
        &self,
        ctx: &Context<'_>,
        input: RespondToProposalInput,
    ) -> Result<RespondToProposalPayload> {
        let id = proposal_id(&input.proposal_id)?;
        let result = svc::respond(
            services(ctx),
            actor(ctx),
            id,
            input.accept,
            input.message.as_deref(),
        )
        .await;
        let (answered, user_errors) = into_payload(result)?;
        let (proposal, joint_service) = match answered {
            Some(a) => (
                Some(CollaborationProposal::new(a.proposal)),
                a.joint_service.map(JointService::new),
            ),
            None => (None, None),
        };
        Ok(RespondToProposalPayload {
            proposal,
            joint_service,
            user_errors,
        })
    }

    /// Withdraws your organisation's proposal while answers are still missing.
    async fn withdraw_proposal(
        &self,
        ctx: &Context<'_>,
        input: WithdrawProposalInput,
    ) -> Result<ProposalPayload> {
        let id = proposal_id(&input.proposal_id)?;
        proposal_payload(
            svc::withdraw(services(ctx), actor(ctx), id, input.reason.as_deref()).await,
        )
    }

    /// Writes in a proposal's thread: the proposer and the caisses it is addressed to.
    async fn post_proposal_message(
        &self,
        ctx: &Context<'_>,
        input: PostProposalMessageInput,
    ) -> Result<PostProposalMessagePayload> {
        let id = proposal_id(&input.proposal_id)?;
        let (message, user_errors) =
            into_payload(svc::post_message(services(ctx), actor(ctx), id, &input.body).await)?;
        Ok(PostProposalMessagePayload {
            message: message.map(ProposalMessage),
            user_errors,
        })
    }
}
