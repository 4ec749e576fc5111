//! What the caller may do, so that a client (the pages) offers an action only to those the API
//! would let do it. Nothing here decides anything of its own: each answer is `policy::can` on
//! the resource at hand and, where it depends on where the item stands, the domain's own rule
//! that the mutation applies (`workflow::submit`, `Proposal::withdraw`, `may_submit` …).

use chrono::{DateTime, Utc};
use commons_domain::activity_report::{self, ActivityReport};
use commons_domain::collaboration::{
    JointService, Proposal, ServiceStatus, Transfer, TransferSide,
};
use commons_domain::identity::Actor;
use commons_domain::policy::{Action, Resource, can};
use commons_domain::tool::{Decision, Revision, Tool};
use commons_domain::workflow;

/// What the signed-in caller may begin, whatever the item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewerCapabilities {
    pub share_tool: bool,
    pub propose_collaboration: bool,
    pub start_joint_service: bool,
    pub moderate: bool,
    /// Read the published year evaluations: INASTI's officers and the CGG.
    pub read_evaluations: bool,
    /// Publish a year's evaluation: INASTI's platform admins.
    pub publish_evaluations: bool,
    /// Record the CGG's advice on a published year: its members.
    pub give_advice: bool,
}

pub fn of_viewer(actor: &Actor) -> ViewerCapabilities {
    let a = Some(actor);
    ViewerCapabilities {
        share_tool: can(a, Action::CreateTool, Resource::Catalogue),
        propose_collaboration: can(a, Action::ProposeCollaboration, Resource::Collaborations),
        start_joint_service: can(a, Action::StartJointService, Resource::Collaborations),
        moderate: can(a, Action::ReadModerationQueue, Resource::Catalogue),
        read_evaluations: can(a, Action::ReadYearEvaluation, Resource::Platform),
        publish_evaluations: can(a, Action::PublishYearEvaluation, Resource::Platform),
        give_advice: can(a, Action::RecordCggAdvice, Resource::Platform),
    }
}

/// What the caller may do with one tool: the policy on its owner, and for the owner's work and
/// a moderator's decision, where its latest revision stands in the workflow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ToolCapabilities {
    /// The owner's work (edit, submit, attach files), whatever the revision's state.
    pub edit: bool,
    pub adopt: bool,
    pub review: bool,
    /// Save a new revision now: not while one is in review.
    pub revise: bool,
    /// Send the latest revision to review now: a draft shared beyond the organisation.
    pub submit: bool,
    /// Add or remove files now: the latest revision is a draft or sent back for changes.
    pub attach: bool,
    /// Decide on the revision in review: a moderator, never on their own work.
    pub decide: bool,
    /// Confirm the published content is still valid: its organisation's staff, while it is
    /// published and active.
    pub confirm_current: bool,
    /// Report it as problematic: anyone signed in, once it is published and not withdrawn.
    pub report: bool,
    /// Offer a translation: another organisation's staff, once it is published and active.
    pub offer_translation: bool,
}

/// What the caller may do with a caisse's activity report of a year now: submit it (its admins,
/// never submitted or returned) or review it (INASTI's moderators, once submitted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportCapabilities {
    pub submit: bool,
    pub review: bool,
    /// Enter the values of the year's indicators: the caisse's staff and admins, while the
    /// report is a draft or returned.
    pub enter_indicators: bool,
    /// Record INASTI's evaluation: its moderators, once the report is accepted (the service
    /// says when an approved one no longer changes).
    pub evaluate: bool,
}

pub fn on_report(
    actor: Option<&Actor>,
    caisse: &commons_domain::organisation::Organisation,
    report: Option<&ActivityReport>,
) -> ReportCapabilities {
    let organisation = Resource::Organisation {
        id: caisse.id,
        kind: caisse.kind,
    };
    ReportCapabilities {
        submit: can(actor, Action::SubmitActivityReport, organisation)
            && activity_report::may_submit(report).is_ok(),
        review: can(actor, Action::ReviewActivityReport, Resource::Platform)
            && report.is_some_and(|r| activity_report::review(r, true, None).is_ok()),
        enter_indicators: can(actor, Action::ReportIndicatorValues, organisation)
            && activity_report::may_submit(report).is_ok(),
        evaluate: can(actor, Action::RecordEvaluation, Resource::Platform)
            && report.is_some_and(|r| r.status == activity_report::ReportStatus::Accepted),
    }
}

/// `latest` is the tool's latest revision when the caller may read it (its owner and
/// moderators do); `owner_is_inasti`: INASTI's own guides are decided by another INASTI
/// moderator.
pub fn on_tool(
    actor: Option<&Actor>,
    tool: &Tool,
    latest: Option<&Revision>,
    owner_is_inasti: bool,
    now: DateTime<Utc>,
) -> ToolCapabilities {
    let resource = Resource::Tool {
        owner_id: tool.owner_id,
    };
    let edit = can(actor, Action::EditTool, resource);
    // Only a published tool is used or reviewed: the rule the adoption and the review check.
    let published = commons_domain::adoption::is_live(tool);
    let latest = latest.filter(|r| r.number == tool.latest_revision);
    let decide = latest.is_some_and(|r| {
        can(
            actor,
            Action::DecideOnTool,
            Resource::Revision {
                owner_id: tool.owner_id,
                author_id: r.author_id,
                owner_is_inasti,
            },
        ) && workflow::decide(tool, r.number, Decision::Approve, now).is_ok()
    });
    ToolCapabilities {
        edit,
        adopt: published && can(actor, Action::AdoptTool, resource),
        review: published && can(actor, Action::ReviewTool, resource),
        revise: edit
            && workflow::edit(
                tool,
                tool.latest_revision,
                tool.latest_visibility,
                false,
                now,
            )
            .is_ok(),
        submit: edit && workflow::submit(tool, tool.latest_revision, now).is_ok(),
        attach: edit && workflow::takes_files(tool.latest_status),
        decide,
        confirm_current: edit && workflow::confirm_current(tool, now).is_ok(),
        report: commons_domain::content_report::reportable(tool)
            && can(actor, Action::ReportContent, Resource::Catalogue),
        offer_translation: commons_domain::translation_offer::open_to_translation(tool)
            && can(actor, Action::OfferTranslation, resource),
    }
}

/// What the caller may do with a collaboration proposal now: its party to it, as the policy
/// asks, and where the proposal stands, as the domain's own rules say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProposalCapabilities {
    /// Answer for one's caisse: a target whose answer is still pending, while the proposal is open.
    pub respond: bool,
    /// Withdraw it: the proposer, while no target has answered it all.
    pub withdraw: bool,
    /// Post to its thread: either party, while it is open or answered. A full thread is found
    /// out on posting (counting it here would cost every reader a query).
    pub post_message: bool,
}

pub fn on_proposal(
    actor: Option<&Actor>,
    proposal: &Proposal,
    now: DateTime<Utc>,
) -> ProposalCapabilities {
    let party = proposal.party(actor.map(|a| a.organisation_id));
    let resource = Resource::Proposal { party };
    ProposalCapabilities {
        respond: can(actor, Action::RespondToProposal, resource)
            && actor.is_some_and(|a| proposal.respond(a.organisation_id, now).is_ok()),
        withdraw: can(actor, Action::WithdrawProposal, resource) && proposal.withdraw(now).is_ok(),
        post_message: can(actor, Action::PostProposalMessage, resource)
            && proposal.post_message(now, 0).is_ok(),
    }
}

/// What the caller may do with a joint service now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JointServiceCapabilities {
    /// Add and remove participants, move its status on: the responsible caisse, until it ends.
    pub manage: bool,
    /// Propose to hand responsibility to another caisse: the responsible caisse's admins,
    /// while the service runs and no transfer waits.
    pub propose_transfer: bool,
}

pub fn on_joint_service(
    actor: Option<&Actor>,
    service: &JointService,
    transfer_pending: bool,
) -> JointServiceCapabilities {
    // Both actions belong to the responsible caisse, which the service itself names: the
    // record's former holders and receiving caisses, looked up elsewhere, do neither.
    let relation = service.relation(actor.map(|a| a.organisation_id), false);
    let resource = Resource::JointService { relation };
    let running = service.status != ServiceStatus::Ended;
    JointServiceCapabilities {
        manage: can(actor, Action::ManageJointService, resource) && running,
        propose_transfer: can(actor, Action::ProposeTransfer, resource)
            && running
            && !transfer_pending,
    }
}

/// What the caller may do with a transfer of responsibility.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransferCapabilities {
    /// Accept it: the receiving caisse's admins, while it is pending and the service runs.
    pub accept: bool,
    /// Cancel it: either caisse's admins, while it is pending.
    pub cancel: bool,
}

/// `service_running`: the joint service has not ended; responsibility for an ended service
/// passes to nobody, though a transfer left pending may still be cancelled.
pub fn on_transfer(
    actor: Option<&Actor>,
    transfer: &Transfer,
    service_running: bool,
) -> TransferCapabilities {
    let side = actor.map_or(TransferSide::Outsider, |a| transfer.side(a.organisation_id));
    let resource = Resource::Transfer { side };
    let pending = transfer.still_pending().is_ok();
    TransferCapabilities {
        accept: can(actor, Action::AcceptTransfer, resource) && pending && service_running,
        cancel: can(actor, Action::CancelTransfer, resource) && pending,
    }
}
