//! Joint services, their participants, transfers of responsibility and the responsibility
//! record.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::collaboration::{CollaborationProposal, linked_tools};
use super::connection::{ListConnection, list_page};
use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::loaders::{required_organisation, user};
use super::organisation::Organisation;
use super::scalars::{
    Date, JointServiceStatus, Lang, LocalisedString, ParticipantRole, ServiceCategory,
    TransferStatus, from_domain, text_in as text, to_domain,
};
use super::tool::Tool;
use super::viewer::User;
use super::{actor, services};
use commons_domain::collaboration as model;
use commons_domain::responsibility::{self, Verification};
use commons_service::ServiceError;
use commons_service::joint_services as svc;

const LIST: &str = "jointServices";
const RECORD: &str = "responsibilityRecord";
const TRANSFERS: &str = "transfers";

/// A service run jointly by a caisse and other organisations. Exactly one caisse is
/// responsible for it at every moment, as its responsibility record shows.
#[derive(Clone)]
pub struct JointService(pub Box<model::JointService>);

impl JointService {
    pub fn new(s: model::JointService) -> Self {
        Self(Box::new(s))
    }
}

/// What you may do with a joint service now.
#[derive(SimpleObject)]
pub struct JointServiceCapabilities {
    /// Add and remove participants, move its status on: your caisse is responsible for it and
    /// it has not ended.
    pub manage: bool,
    /// Propose to hand responsibility to another caisse: you are an admin of the responsible
    /// caisse, it has not ended, and no transfer waits.
    pub propose_transfer: bool,
}

/// What you may do with a transfer of responsibility.
#[derive(SimpleObject)]
pub struct TransferCapabilities {
    /// Accept it: you are an admin of the receiving caisse, it is pending, and the service has
    /// not ended.
    pub accept: bool,
    /// Cancel it: you are an admin of either caisse and it is pending.
    pub cancel: bool,
}

#[Object]
impl JointService {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::JointService, self.0.id)
    }

    /// What you may do with this service, as the API would allow it: offer an action only
    /// when it is true.
    async fn viewer_can(&self, ctx: &Context<'_>) -> Result<JointServiceCapabilities> {
        let actor = actor(ctx);
        // Only the responsible caisse may act, and only it needs to know whether a transfer
        // waits: others are answered without looking.
        let responsible = actor.is_some_and(|a| a.organisation_id == self.0.responsible_caisse_id);
        let pending = responsible
            && svc::transfers(services(ctx), &self.0)
                .await
                .gql()?
                .iter()
                .any(|t| t.status == model::TransferStatus::Pending);
        let can = commons_service::capabilities::on_joint_service(actor, &self.0, pending);
        Ok(JointServiceCapabilities {
            manage: can.manage,
            propose_transfer: can.propose_transfer,
        })
    }

    async fn title(&self, lang: Option<Lang>) -> String {
        text(&self.0.title, lang)
    }

    async fn titles(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.title)
    }

    async fn description(&self, lang: Option<Lang>) -> String {
        text(&self.0.description, lang)
    }

    async fn descriptions(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.description)
    }

    async fn categories(&self) -> Vec<ServiceCategory> {
        from_domain(&self.0.categories)
    }

    async fn tools(&self, ctx: &Context<'_>) -> Result<Vec<Tool>> {
        linked_tools(ctx, &self.0.tool_ids).await
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.period.starts_on)
    }

    async fn ends_on(&self) -> Option<Date> {
        self.0.period.ends_on.map(Date)
    }

    async fn status(&self) -> JointServiceStatus {
        self.0.status.into()
    }

    /// The caisse responsible at `at` (now by default), as the record says; null before the
    /// service existed.
    async fn responsible_caisse(
        &self,
        ctx: &Context<'_>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Option<Organisation>> {
        let svc_ctx = services(ctx);
        let at = at.unwrap_or_else(|| svc_ctx.now());
        match svc::responsible_at(svc_ctx, &self.0, at).await.gql()? {
            Some(id) => Ok(Some(required_organisation(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The organisations taking part besides the responsible caisse.
    async fn participants(&self) -> Vec<JointServiceParticipant> {
        self.0
            .participants
            .iter()
            .cloned()
            .map(JointServiceParticipant)
            .collect()
    }

    /// The proposal it came from, if you may see it.
    async fn proposal(&self, ctx: &Context<'_>) -> Result<Option<CollaborationProposal>> {
        let Some(id) = self.0.proposal_id else {
            return Ok(None);
        };
        Ok(
            commons_service::collaborations::get(services(ctx), actor(ctx), id)
                .await
                .gql()?
                .map(CollaborationProposal::new),
        )
    }

    /// Every entry of the record, oldest first: who was responsible from when, who recorded
    /// it and why, chained by hashes.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn responsibility_record(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<ResponsibilityEntry>> {
        let svc_ctx = services(ctx);
        list_page(
            ctx,
            RECORD,
            first,
            after,
            |page| async move { svc::record_page(svc_ctx, &self.0, &page).await },
            |e| e.facts.sequence.to_string(),
            ResponsibilityEntry,
        )
        .await
    }

    /// The transfer waiting for the receiving caisse's answer, if any.
    async fn pending_transfer(&self, ctx: &Context<'_>) -> Result<Option<ResponsibilityTransfer>> {
        Ok(svc::transfers(services(ctx), &self.0)
            .await
            .gql()?
            .into_iter()
            .find(|t| t.status == model::TransferStatus::Pending)
            .map(ResponsibilityTransfer))
    }

    /// Every transfer proposed, oldest first, whatever became of it.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn transfers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<ResponsibilityTransfer>> {
        let svc_ctx = services(ctx);
        list_page(
            ctx,
            TRANSFERS,
            first,
            after,
            |page| async move { svc::transfers_page(svc_ctx, &self.0, &page).await },
            |t| t.id.to_string(),
            ResponsibilityTransfer,
        )
        .await
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

pub struct JointServiceParticipant(model::Participant);

#[Object]
impl JointServiceParticipant {
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.organisation_id).await
    }

    async fn role(&self) -> ParticipantRole {
        self.0.role.into()
    }

    async fn added_at(&self) -> DateTime<Utc> {
        self.0.added_at
    }
}

/// One entry of the responsibility record. Its hash is SHA-256 over a canonical encoding of
/// every other field (see docs/api.md); `previousHash` chains it to the entry before.
pub struct ResponsibilityEntry(responsibility::Entry);

#[Object]
impl ResponsibilityEntry {
    /// 1 for the entry that opened the record, then one more for each transfer.
    async fn sequence(&self) -> i32 {
        self.0.facts.sequence
    }

    /// The caisse responsible from `effectiveFrom`.
    async fn caisse(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.facts.caisse_id).await
    }

    async fn effective_from(&self) -> DateTime<Utc> {
        self.0.facts.effective_from
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.facts.recorded_at
    }

    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.facts.recorded_by)).await
    }

    async fn recorded_by_organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.facts.recorded_by_organisation_id).await
    }

    async fn reason(&self) -> &str {
        &self.0.facts.reason
    }

    async fn previous_hash(&self) -> &str {
        &self.0.facts.previous_hash
    }

    async fn hash(&self) -> &str {
        &self.0.hash
    }
}

/// A proposed change of responsible caisse; it takes effect only when an admin of the
/// receiving caisse accepts it.
#[derive(Clone)]
pub struct ResponsibilityTransfer(pub model::Transfer);

#[Object]
impl ResponsibilityTransfer {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::ResponsibilityTransfer, self.0.id)
    }

    /// What you may do with this transfer, as the API would allow it.
    async fn viewer_can(&self, ctx: &Context<'_>) -> Result<TransferCapabilities> {
        let actor = actor(ctx);
        // Whether the service still runs matters only to the transfer's parties.
        let party = actor.is_some_and(|a| {
            a.organisation_id == self.0.to_caisse_id || a.organisation_id == self.0.from_caisse_id
        });
        let running = party
            && svc::get(services(ctx), actor, self.0.joint_service_id)
                .await
                .gql()?
                .is_some_and(|s| s.status != model::ServiceStatus::Ended);
        let can = commons_service::capabilities::on_transfer(actor, &self.0, running);
        Ok(TransferCapabilities {
            accept: can.accept,
            cancel: can.cancel,
        })
    }

    async fn joint_service(&self, ctx: &Context<'_>) -> Result<Option<JointService>> {
        Ok(svc::get(services(ctx), actor(ctx), self.0.joint_service_id)
            .await
            .gql()?
            .map(JointService::new))
    }

    async fn from(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.from_caisse_id).await
    }

    async fn to(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.to_caisse_id).await
    }

    async fn reason(&self) -> &str {
        &self.0.reason
    }

    async fn status(&self) -> TransferStatus {
        self.0.status.into()
    }

    async fn proposed_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.proposed_by)).await
    }

    async fn proposed_at(&self) -> DateTime<Utc> {
        self.0.proposed_at
    }

    async fn resolved_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.resolved_by).await
    }

    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }

    async fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason.as_deref()
    }
}

/// The outcome of recomputing a service's record.
pub struct RecordVerification(svc::RecordCheck);

#[Object]
impl RecordVerification {
    async fn joint_service(&self) -> JointService {
        JointService::new(self.0.service.clone())
    }

    /// True when every entry verifies and the service names the caisse of the last entry.
    async fn intact(&self) -> bool {
        matches!(self.0.verification, Verification::Intact { .. }) && !self.0.responsible_mismatch
    }

    async fn entry_count(&self) -> i32 {
        i32::try_from(self.0.entries.len()).unwrap_or(i32::MAX)
    }

    /// The first entry, in record order, that does not verify.
    async fn first_invalid_entry(&self) -> Option<ResponsibilityEntry> {
        match &self.0.verification {
            Verification::Broken { index, .. } => {
                self.0.entries.get(*index).cloned().map(ResponsibilityEntry)
            }
            Verification::Intact { .. } => None,
        }
    }

    /// What is wrong, in words.
    async fn problem(&self) -> Option<String> {
        match &self.0.verification {
            Verification::Broken { problem, .. } => Some(problem.describe()),
            Verification::Intact { .. } if self.0.responsible_mismatch => Some(
                "the service names another responsible caisse than its record's last entry".into(),
            ),
            Verification::Intact { .. } => None,
        }
    }
}

#[derive(InputObject, Default)]
pub struct JointServiceFilter {
    #[graphql(default)]
    pub statuses: Vec<JointServiceStatus>,
    /// Only the services this caisse is responsible for now.
    pub responsible_caisse_id: Option<ID>,
}

#[derive(Default)]
pub struct JointServiceQuery;

#[Object]
impl JointServiceQuery {
    /// The joint services your organisation is responsible for, takes part in or was once
    /// responsible for (every service for INASTI), newest first.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn joint_services(
        &self,
        ctx: &Context<'_>,
        filter: Option<JointServiceFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<JointService>> {
        let svc_ctx = services(ctx);
        let filter = filter.unwrap_or_default();
        let filter = model::ServiceFilter {
            statuses: to_domain(&filter.statuses),
            responsible_caisse_id: filter
                .responsible_caisse_id
                .map(|i| id::decode_as(NodeType::Organisation, &i))
                .transpose()?,
        };
        list_page(
            ctx,
            LIST,
            first,
            after,
            |page| async move { svc::list(svc_ctx, actor(ctx), &filter, &page).await },
            |s| s.id.to_string(),
            JointService::new,
        )
        .await
    }

    /// Recomputes the hash chain of a service's responsibility record and reports the first
    /// entry that does not verify.
    async fn verify_responsibility_record(
        &self,
        ctx: &Context<'_>,
        service_id: ID,
    ) -> Result<RecordVerification> {
        let id = id::decode_as(NodeType::JointService, &service_id)?;
        Ok(RecordVerification(
            svc::verify(services(ctx), actor(ctx), id).await.gql()?,
        ))
    }
}

#[derive(InputObject)]
pub struct AddJointServiceParticipantInput {
    pub service_id: ID,
    pub organisation_id: ID,
    pub role: ParticipantRole,
}

#[derive(InputObject)]
pub struct JointServiceParticipantInput {
    pub organisation_id: ID,
    pub role: ParticipantRole,
}

#[derive(InputObject)]
pub struct StartJointServiceInput {
    pub titles: Vec<super::scalars::LocalisedStringInput>,
    #[graphql(default)]
    pub descriptions: Vec<super::scalars::LocalisedStringInput>,
    pub categories: Vec<ServiceCategory>,
    /// Tools the service uses, at most 20, each one you may see.
    #[graphql(default)]
    pub tool_ids: Vec<ID>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    /// Caisses and partners taking part from the start, at most 20.
    #[graphql(default)]
    pub participants: Vec<JointServiceParticipantInput>,
}

#[derive(InputObject)]
pub struct RemoveJointServiceParticipantInput {
    pub service_id: ID,
    pub organisation_id: ID,
}

#[derive(InputObject)]
pub struct SetJointServiceStatusInput {
    pub service_id: ID,
    /// Forward only: planned, active, ended.
    pub status: JointServiceStatus,
}

#[derive(InputObject)]
pub struct ProposeResponsibilityTransferInput {
    pub service_id: ID,
    /// The caisse to take over (an organisation ID); it must be a caisse.
    pub to_caisse_id: ID,
    pub reason: String,
}

#[derive(InputObject)]
pub struct AcceptResponsibilityTransferInput {
    pub transfer_id: ID,
}

#[derive(InputObject)]
pub struct CancelResponsibilityTransferInput {
    pub transfer_id: ID,
    pub reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct JointServicePayload {
    pub joint_service: Option<JointService>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct ResponsibilityTransferPayload {
    pub transfer: Option<ResponsibilityTransfer>,
    pub user_errors: Vec<UserError>,
}

fn service_payload(
    result: Result<model::JointService, ServiceError>,
) -> Result<JointServicePayload> {
    let (service, user_errors) = into_payload(result)?;
    Ok(JointServicePayload {
        joint_service: service.map(JointService::new),
        user_errors,
    })
}

fn transfer_payload(
    result: Result<model::Transfer, ServiceError>,
) -> Result<ResponsibilityTransferPayload> {
    let (transfer, user_errors) = into_payload(result)?;
    Ok(ResponsibilityTransferPayload {
        transfer: transfer.map(ResponsibilityTransfer),
        user_errors,
    })
}

fn service_id(id: &ID) -> Result<i64> {
    id::decode_as(NodeType::JointService, id)
}

fn organisation_id(id: &ID) -> Result<i64> {
    id::decode_as(NodeType::Organisation, id)
}

fn transfer_id(id: &ID) -> Result<i64> {
    id::decode_as(NodeType::ResponsibilityTransfer, id)
}

#[derive(Default)]
pub struct JointServiceMutation;

#[Object]
impl JointServiceMutation {
    /// Starts a joint service your caisse is responsible for, without a proposal, with the
    /// partners it brings in: staff and admins of a caisse. The record's first entry names it.
    async fn start_joint_service(
        &self,
        ctx: &Context<'_>,
        input: StartJointServiceInput,
    ) -> Result<JointServicePayload> {
        let mut participants = Vec::with_capacity(input.participants.len().min(21));
        for p in input.participants.iter().take(21) {
            participants.push((organisation_id(&p.organisation_id)?, p.role.into()));
        }
        let mut tool_ids = Vec::with_capacity(input.tool_ids.len().min(21));
        for t in input.tool_ids.iter().take(21) {
            tool_ids.push(id::decode_as(NodeType::Tool, t)?);
        }
        let new = svc::NewJointService {
            titles: super::scalars::localised_input(input.titles),
            descriptions: super::scalars::localised_input(input.descriptions),
            categories: to_domain(&input.categories),
            tool_ids,
            starts_on: Some(input.starts_on.0),
            ends_on: input.ends_on.map(|d| d.0),
            participants,
        };
        service_payload(svc::start(services(ctx), actor(ctx), new).await)
    }

    /// Adds a caisse or partner to the service. Staff and admins of the responsible caisse.
    async fn add_joint_service_participant(
        &self,
        ctx: &Context<'_>,
        input: AddJointServiceParticipantInput,
    ) -> Result<JointServicePayload> {
        let (id, org) = (
            service_id(&input.service_id)?,
            organisation_id(&input.organisation_id)?,
        );
        service_payload(
            svc::add_participant(services(ctx), actor(ctx), id, org, input.role.into()).await,
        )
    }

    /// Removes a participant. Staff and admins of the responsible caisse.
    async fn remove_joint_service_participant(
        &self,
        ctx: &Context<'_>,
        input: RemoveJointServiceParticipantInput,
    ) -> Result<JointServicePayload> {
        let (id, org) = (
            service_id(&input.service_id)?,
            organisation_id(&input.organisation_id)?,
        );
        service_payload(svc::remove_participant(services(ctx), actor(ctx), id, org).await)
    }

    /// Moves the service on: planned, active, ended. Staff and admins of the responsible caisse.
    async fn set_joint_service_status(
        &self,
        ctx: &Context<'_>,
        input: SetJointServiceStatusInput,
    ) -> Result<JointServicePayload> {
        let id = service_id(&input.service_id)?;
        service_payload(svc::set_status(services(ctx), actor(ctx), id, input.status.into()).await)
    }

    /// Proposes that another caisse take over responsibility. Admins of the responsible caisse.
    async fn propose_responsibility_transfer(
        &self,
        ctx: &Context<'_>,
        input: ProposeResponsibilityTransferInput,
    ) -> Result<ResponsibilityTransferPayload> {
        let (id, to) = (
            service_id(&input.service_id)?,
            organisation_id(&input.to_caisse_id)?,
        );
        transfer_payload(
            svc::propose_transfer(services(ctx), actor(ctx), id, to, &input.reason).await,
        )
    }

    /// Takes over responsibility; appends an entry to the record. Admins of the receiving caisse.
    async fn accept_responsibility_transfer(
        &self,
        ctx: &Context<'_>,
        input: AcceptResponsibilityTransferInput,
    ) -> Result<ResponsibilityTransferPayload> {
        let id = transfer_id(&input.transfer_id)?;
        transfer_payload(svc::accept_transfer(services(ctx), actor(ctx), id).await)
    }

    /// Cancels a pending transfer. Admins of either caisse.
    async fn cancel_responsibility_transfer(
        &self,
        ctx: &Context<'_>,
        input: CancelResponsibilityTransferInput,
    ) -> Result<ResponsibilityTransferPayload> {
        let id = transfer_id(&input.transfer_id)?;
        transfer_payload(
            svc::cancel_transfer(services(ctx), actor(ctx), id, input.reason.as_deref()).await,
        )
    }
}
