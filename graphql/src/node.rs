use async_graphql::{Context, ID, Interface, Object, Result};

use super::attachment::Attachment;
use super::collaboration::CollaborationProposal;
use super::error::ServiceResultExt;
use super::id::{self, NodeType};
use super::joint_service::{JointService, ResponsibilityTransfer};
use super::organisation::Organisation;
use super::peer_learning::Collection;
use super::tool::Tool;
use super::viewer::User;
use super::yearly_account::ServiceOffering;
use super::{actor, services};
use commons_service as service;

/// Anything with a global ID that `node(id:)` can fetch again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Organisation(Organisation),
    User(User),
    Tool(Tool),
    CollaborationProposal(CollaborationProposal),
    JointService(JointService),
    ResponsibilityTransfer(ResponsibilityTransfer),
    Attachment(Attachment),
    ServiceOffering(ServiceOffering),
    Collection(Collection),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID; null when it does not exist or is not visible.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        fetch(ctx, &id).await
    }

    /// Fetches several objects by global ID, in the order asked; null where one is missing.
    #[graphql(complexity = "ids.len() * child_complexity")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        let max = services(ctx).max_page_size;
        if ids.len() > max {
            return Err(super::error::graphql_error(
                super::ErrorCode::BadUserInput,
                format!("ask for at most {max} ids at once"),
            ));
        }
        let mut nodes = Vec::with_capacity(ids.len());
        for id in &ids {
            nodes.push(fetch(ctx, id).await?);
        }
        Ok(nodes)
    }
}

async fn fetch(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let svc = services(ctx);
    Ok(match id::decode(id)? {
        (NodeType::Organisation, n) => service::organisations::by_id(svc, n)
            .await
            .gql()?
            .map(|o| Node::Organisation(Organisation(o))),
        (NodeType::User, n) => service::identity::user(svc, actor(ctx), n)
            .await
            .gql()?
            .map(|u| Node::User(User(u))),
        (NodeType::Tool, n) => service::tools::get(svc, actor(ctx), n)
            .await
            .gql()?
            .map(|t| Node::Tool(Tool::new(t))),
        (NodeType::CollaborationProposal, n) => service::collaborations::get(svc, actor(ctx), n)
            .await
            .gql()?
            .map(|p| Node::CollaborationProposal(CollaborationProposal::new(p))),
        (NodeType::JointService, n) => service::joint_services::get(svc, actor(ctx), n)
            .await
            .gql()?
            .map(|s| Node::JointService(JointService::new(s))),
        (NodeType::ResponsibilityTransfer, n) => {
            service::joint_services::get_transfer(svc, actor(ctx), n)
                .await
                .gql()?
                .map(|t| Node::ResponsibilityTransfer(ResponsibilityTransfer(t)))
        }
        (NodeType::Attachment, n) => super::attachment::fetch(ctx, n)
            .await?
            .map(Node::Attachment),
        (NodeType::ServiceOffering, n) => service::service_offerings::get(svc, actor(ctx), n)
            .await
            .gql()?
            .map(|o| Node::ServiceOffering(ServiceOffering(o))),
        // A report is read as a caisse's year (`activityReport(caisseId:, year:)`), which also
        // exists before it is submitted; its ID names it only for `reviewActivityReport`.
        (NodeType::ActivityReport, _) => None,
        (NodeType::Collection, n) => service::collections::get(svc, actor(ctx), n)
            .await
            .gql()?
            .map(|c| Node::Collection(Collection(c))),
        // Reviews are read on their tool, notifications on the viewer; their IDs serve the
        // mutations that name them.
        (
            NodeType::Review
            | NodeType::Notification
            | NodeType::ContentReport
            | NodeType::ModerationDecision
            | NodeType::Appeal
            | NodeType::TranslationOffer
            | NodeType::ProposalMessage
            | NodeType::Evaluation,
            _,
        ) => None,
    })
}
