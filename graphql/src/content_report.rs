//! Reports of problematic content: any signed-in person reports a tool, a review or a proposal
//! message; INASTI's
//! moderators read the open reports grouped by item and resolve them. The reporter is named to
//! nobody but the moderators.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::collaboration::{CollaborationProposal, ProposalMessage};
use super::error::{ErrorCode, ServiceResultExt, UserError, graphql_error, into_payload};
use super::id::{self, NodeType};
use super::loaders;
use super::organisation::Organisation;
use super::peer_learning::Review;
use super::scalars::{ReportOutcome, ReportReason, ReportedKind};
use super::tool::Tool;
use super::{actor, services};
use commons_domain::content_report::{self as model, ReportedItem};
use commons_domain::identity::Role;
use commons_service::content_reports as svc;

pub(super) const CONTENT_REPORTS: &str = "contentReports";

/// A report of a tool, a review or a proposal message: what its person said, and how a
/// moderator resolved it.
pub struct ContentReport(pub model::ContentReport);

#[Object]
impl ContentReport {
    async fn id(&self) -> ID {
        id::encode(NodeType::ContentReport, self.0.id)
    }

    async fn item_kind(&self) -> ReportedKind {
        self.0.item.kind.into()
    }

    /// The tool reported, or the one the reported review is on; null for a proposal message,
    /// or once you may no longer see it.
    async fn tool(&self, ctx: &Context<'_>) -> Result<Option<Tool>> {
        reported_tool(ctx, self.0.context).await
    }

    /// The proposal the reported message is in, if you may read it.
    async fn proposal(&self, ctx: &Context<'_>) -> Result<Option<CollaborationProposal>> {
        reported_proposal(ctx, self.0.context).await
    }

    /// The reported proposal message, if you may read its proposal (its words withheld once
    /// hidden, but from its organisation and moderators).
    async fn message(&self, ctx: &Context<'_>) -> Result<Option<ProposalMessage>> {
        reported_message(ctx, &self.0).await
    }

    /// The review reported; null for a tool, or a review you may not read.
    async fn review(&self, ctx: &Context<'_>) -> Result<Option<Review>> {
        Ok(svc::reported_review(services(ctx), actor(ctx), &self.0)
            .await
            .gql()?
            .map(Review))
    }

    async fn reason(&self) -> ReportReason {
        self.0.reason.into()
    }

    /// What the person said, at most 2 000 characters.
    async fn text(&self) -> &str {
        &self.0.text
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The reporter's organisation: for moderators, and for the reporter.
    async fn reporter_organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let allowed =
            actor(ctx).is_some_and(|a| a.has(Role::Moderator) || a.user_id == self.0.reporter_id);
        if !allowed {
            return Ok(None);
        }
        loaders::organisation(ctx, self.0.reporter_organisation_id).await
    }

    /// Null while the report is open.
    async fn outcome(&self) -> Option<ReportOutcome> {
        self.0.resolution.as_ref().map(|r| r.outcome.into())
    }

    /// The moderator's reason for the outcome.
    async fn resolution_reason(&self) -> Option<&str> {
        self.0.resolution.as_ref().map(|r| r.reason.as_str())
    }

    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolution.as_ref().map(|r| r.at)
    }
}

async fn reported_tool(ctx: &Context<'_>, at: model::ReportContext) -> Result<Option<Tool>> {
    match at.tool_id() {
        Some(id) => super::tool::visible(ctx, id).await,
        None => Ok(None),
    }
}

async fn reported_proposal(
    ctx: &Context<'_>,
    at: model::ReportContext,
) -> Result<Option<CollaborationProposal>> {
    let Some(id) = at.proposal_id() else {
        return Ok(None);
    };
    Ok(
        commons_service::collaborations::get(services(ctx), actor(ctx), id)
            .await
            .gql()?
            .map(|p| CollaborationProposal(Box::new(p))),
    )
}

async fn reported_message(
    ctx: &Context<'_>,
    report: &model::ContentReport,
) -> Result<Option<ProposalMessage>> {
    Ok(svc::reported_message(services(ctx), actor(ctx), report)
        .await
        .gql()?
        .map(ProposalMessage))
}

/// One reported item and its open reports, oldest first.
pub struct ReportedItemGroup(svc::ReportGroup);

#[Object]
impl ReportedItemGroup {
    async fn item_kind(&self) -> ReportedKind {
        self.0.item.kind.into()
    }

    /// The tool reported, or the one the reported review is on; null for a proposal message.
    async fn tool(&self, ctx: &Context<'_>) -> Result<Option<Tool>> {
        reported_tool(ctx, self.0.context).await
    }

    /// The proposal the reported message is in.
    async fn proposal(&self, ctx: &Context<'_>) -> Result<Option<CollaborationProposal>> {
        reported_proposal(ctx, self.0.context).await
    }

    /// The reported proposal message, for a message.
    async fn message(&self, ctx: &Context<'_>) -> Result<Option<ProposalMessage>> {
        match self.0.reports.first() {
            Some(first) => reported_message(ctx, first).await,
            None => Ok(None),
        }
    }

    /// The reported review, for a review.
    async fn review(&self, ctx: &Context<'_>) -> Result<Option<Review>> {
        let Some(first) = self.0.reports.first() else {
            return Ok(None);
        };
        Ok(svc::reported_review(services(ctx), actor(ctx), first)
            .await
            .gql()?
            .map(Review))
    }

    /// How many open reports the item has (among the oldest the queue reads).
    async fn report_count(&self) -> usize {
        self.0.reports.len()
    }

    /// Its open reports, oldest first: the first `first` (1 to 100).
    #[graphql(complexity = "super::connection::cost(Some(first), child_complexity, 0)")]
    async fn reports(
        &self,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] first: i32,
    ) -> Vec<ContentReport> {
        let first = usize::try_from(first).unwrap_or(0);
        self.0
            .reports
            .iter()
            .take(first)
            .cloned()
            .map(ContentReport)
            .collect()
    }
}

/// The open reports, grouped by item.
pub struct ReportQueue(svc::ReportQueue);

#[Object]
impl ReportQueue {
    /// Every open report, beyond the groups listed.
    async fn open_count(&self) -> u64 {
        self.0.open_count
    }

    /// The items first reported first.
    async fn groups(&self) -> Vec<ReportedItemGroup> {
        self.0
            .groups
            .iter()
            .cloned()
            .map(ReportedItemGroup)
            .collect()
    }
}

#[derive(Default)]
pub struct ContentReportQuery;

#[Object]
impl ContentReportQuery {
    /// The open reports of tools, reviews and proposal messages, grouped by item, the item first reported first;
    /// at most `first` items (1 to `limits.page_size`), read from the oldest 1 000 open reports.
    /// INASTI's moderators.
    #[graphql(
        complexity = "super::connection::cost(Some(first), child_complexity, super::connection::LIST_WORK)"
    )]
    async fn content_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, validator(minimum = 1))] first: i32,
    ) -> Result<ReportQueue> {
        let first = usize::try_from(first).unwrap_or(1);
        Ok(ReportQueue(
            svc::queue(services(ctx), actor(ctx), first).await.gql()?,
        ))
    }
}

#[derive(InputObject)]
pub struct ReportContentInput {
    /// A tool's, a review's or a proposal message's ID.
    pub item_id: ID,
    pub reason: ReportReason,
    /// What is wrong, at most 2 000 characters.
    pub text: String,
}

#[derive(InputObject)]
pub struct ResolveContentReportInput {
    pub report_id: ID,
    pub outcome: ReportOutcome,
    /// Told to the reporter, and for an action to the item's organisation and the moderation
    /// log; at most 2 000 characters.
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct ContentReportPayload {
    pub report: Option<ContentReport>,
    pub user_errors: Vec<UserError>,
}

fn payload(
    result: commons_service::ServiceResult<model::ContentReport>,
) -> Result<ContentReportPayload> {
    let (report, user_errors) = into_payload(result)?;
    Ok(ContentReportPayload {
        report: report.map(ContentReport),
        user_errors,
    })
}

#[derive(Default)]
pub struct ContentReportMutation;

#[Object]
impl ContentReportMutation {
    /// Reports a tool, a review or a proposal message you can read: one open report per person
    /// and item, at most `reports.per_day` a day (`RATE_LIMITED` beyond). The item's
    /// organisation never learns who reported.
    async fn report_content(
        &self,
        ctx: &Context<'_>,
        input: ReportContentInput,
    ) -> Result<ContentReportPayload> {
        let item = match id::decode(&input.item_id)? {
            (NodeType::Tool, n) => ReportedItem {
                kind: model::ReportedKind::Tool,
                id: n,
            },
            (NodeType::Review, n) => ReportedItem {
                kind: model::ReportedKind::Review,
                id: n,
            },
            (NodeType::ProposalMessage, n) => ReportedItem {
                kind: model::ReportedKind::ProposalMessage,
                id: n,
            },
            _ => {
                return Err(graphql_error(
                    ErrorCode::BadUserInput,
                    "itemId names a tool, a review or a proposal message",
                ));
            }
        };
        payload(
            svc::report(
                services(ctx),
                actor(ctx),
                item,
                input.reason.into(),
                &input.text,
            )
            .await,
        )
    }

    /// Resolves a report: moderators. The outcome — `DISMISS`, or an action on its item (four
    /// eyes as for any decision on the tool) — closes every open report of the item, and each
    /// reporter is told.
    async fn resolve_content_report(
        &self,
        ctx: &Context<'_>,
        input: ResolveContentReportInput,
    ) -> Result<ContentReportPayload> {
        let report = id::decode_as(NodeType::ContentReport, &input.report_id)?;
        payload(
            svc::resolve(
                services(ctx),
                actor(ctx),
                report,
                input.outcome.into(),
                &input.reason,
            )
            .await,
        )
    }
}
