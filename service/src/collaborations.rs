//! Collaboration proposals: a partner (or a caisse) proposes, each target caisse accepts or
//! declines, the proposer may withdraw, and both sides talk in a short thread. The first
//! acceptance creates the joint service, with the accepting caisse responsible; later
//! acceptances join it as co-organisers.

use commons_domain::notification::{Notice, NotificationKind};
use serde_json::json;

use crate::{Context, Page, PageRequest, ServiceError, ServiceResult, authorise, signed_in};
use commons_domain::collaboration::{
    self as model, JointService, ParticipantRole, Proposal, ProposalDraft, ProposalError,
    ProposalFilter, ProposalMessage, ProposalParty, ProposalState, ResponseStatus,
};
use commons_domain::identity::Actor;
use commons_domain::organisation::OrganisationKind;
use commons_domain::policy::{self, Action, CollaborationScope, Resource, ToolScope};
use commons_domain::responsibility::{self, EntryFacts};
use commons_domain::validation::{self, FieldError, FieldErrorCode, Validator};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "collaboration_proposal";
pub const MESSAGE_MAX_CHARS: usize = model::SHORT_TEXT_MAX_CHARS;

fn proposal_error(e: ProposalError) -> ServiceError {
    FieldError::new(&["proposalId"], FieldErrorCode::InvalidState, e.to_string()).into()
}

/// A proposal the caller may read, with the caller's party to it; one they may not read does
/// not exist for them.
async fn load_visible(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> ServiceResult<(Proposal, ProposalParty)> {
    let proposal = commons_store::collaborations::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let party = proposal.party(Some(actor.organisation_id));
    if !policy::can(
        Some(actor),
        Action::ReadProposal,
        Resource::Proposal { party },
    ) {
        return Err(ServiceError::NotFound);
    }
    Ok((proposal, party))
}

/// Checks the caller may do `action` to the proposal, as its party; one they may not read
/// does not exist for them.
async fn authorised<'a>(
    ctx: &Context,
    actor: Option<&'a Actor>,
    id: i64,
    action: Action,
) -> ServiceResult<&'a Actor> {
    let caller = signed_in(actor)?;
    let (_, party) = load_visible(&ctx.db, caller, id).await?;
    authorise(actor, action, Resource::Proposal { party })
}

async fn reload(ctx: &Context, id: i64) -> ServiceResult<Proposal> {
    commons_store::collaborations::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn get(ctx: &Context, actor: Option<&Actor>, id: i64) -> ServiceResult<Option<Proposal>> {
    let Some(actor) = actor else {
        return Ok(None);
    };
    match load_visible(&ctx.db, actor, id).await {
        Ok((p, _)) => Ok(Some(p)),
        Err(ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn propose(
    ctx: &Context,
    actor: Option<&Actor>,
    draft: ProposalDraft,
) -> ServiceResult<Proposal> {
    let actor = authorise(
        actor,
        Action::ProposeCollaboration,
        Resource::Collaborations,
    )?;
    let now = ctx.now();
    let (content, targets) = model::validate_proposal(draft, now)?;
    let mut v = Validator::new();
    let organisations = commons_store::organisations::find_by_ids(&ctx.db, &targets).await?;
    for (i, target) in targets.iter().enumerate() {
        let field = ["targetIds", &i.to_string()];
        match organisations.iter().find(|o| o.id == *target) {
            None => v.push(FieldError::new(
                &field,
                FieldErrorCode::NotFound,
                "no such organisation",
            )),
            Some(o) if o.kind != OrganisationKind::Caisse => v.push(FieldError::new(
                &field,
                FieldErrorCode::NotAllowed,
                "proposals go to caisses: only a caisse can be responsible for a joint service",
            )),
            Some(o) if o.id == actor.organisation_id => v.push(FieldError::new(
                &field,
                FieldErrorCode::NotAllowed,
                "a caisse does not propose a collaboration to itself",
            )),
            Some(_) => {}
        }
    }
    check_tools(ctx, actor, &content.tool_ids, &mut v).await?;
    v.finish()?;
    let txn = begin_write(&ctx.db).await?;
    let proposal = commons_store::collaborations::insert(
        &txn,
        actor.organisation_id,
        actor.user_id,
        &content,
        &targets,
        now,
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "collaboration.proposed",
            subject_type: SUBJECT,
            subject_id: proposal.id,
            details: json!({ "targets": targets, "replyBy": content.reply_by }),
        },
        now,
    )
    .await?;
    super::notifications::to_organisations(
        &txn,
        &targets,
        proposal_notice(
            NotificationKind::ProposalReceived,
            proposal.id,
            json!({ "from": actor.organisation_id }),
        ),
        Some(actor),
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(proposal)
}

/// Linked tools must be tools the proposer may see: a proposal never reveals one.
pub(crate) async fn check_tools(
    ctx: &Context,
    actor: &Actor,
    tool_ids: &[i64],
    v: &mut Validator,
) -> ServiceResult<()> {
    let tools = commons_store::tools::find_many(&ctx.db, tool_ids).await?;
    let scope = ToolScope::of(Some(actor));
    for (i, id) in tool_ids.iter().enumerate() {
        if !tools
            .iter()
            .any(|t| t.id == *id && scope.shown(t).is_some())
        {
            v.push(FieldError::new(
                &["toolIds", &i.to_string()],
                FieldErrorCode::NotFound,
                "no such tool",
            ));
        }
    }
    Ok(())
}

/// What an answer changed: the proposal, and the joint service it created or joined.
pub struct Answered {
    pub proposal: Proposal,
    pub joint_service: Option<JointService>,
}

pub async fn respond(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    accept: bool,
    message: Option<&str>,
) -> ServiceResult<Answered> {
    let actor = authorised(ctx, actor, id, Action::RespondToProposal).await?;
    let message = validation::optional_text(&["message"], message, MESSAGE_MAX_CHARS)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    // Read again under the write lock, the proposal's row locked: the answer is decided on
    // what is current, including the other targets' answers.
    commons_store::collaborations::lock(&txn, id).await?;
    let (proposal, _) = load_visible(&txn, actor, id).await?;
    let caisse = actor.organisation_id;
    let next_state = proposal.respond(caisse, now).map_err(proposal_error)?;
    let response = if accept {
        ResponseStatus::Accepted
    } else {
        ResponseStatus::Declined
    };
    let answered = commons_store::collaborations::answer(
        &txn,
        id,
        caisse,
        response,
        message.as_deref(),
        actor.user_id,
        now,
    )
    .await?;
    if !answered {
        return Err(proposal_error(ProposalError::AlreadyAnswered));
    }
    if next_state != proposal.state
        && !commons_store::collaborations::set_state(&txn, id, proposal.state, next_state, None)
            .await?
    {
        return Err(ServiceError::Conflict(
            "the proposal changed meanwhile; reload it".into(),
        ));
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: if accept {
                "collaboration.accepted"
            } else {
                "collaboration.declined"
            },
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "caisse": caisse }),
        },
        now,
    )
    .await?;
    super::notifications::to_organisations(
        &txn,
        &[proposal.proposer_id],
        proposal_notice(
            NotificationKind::ProposalAnswered,
            id,
            json!({ "caisse": caisse, "accepted": accept }),
        ),
        Some(actor),
        now,
    )
    .await?;
    let service_id = if accept {
        Some(match proposal.joint_service_id {
            Some(existing) => join(&txn, actor, existing, now).await?,
            None => open_joint_service(&txn, actor, &proposal, now).await?,
        })
    } else {
        None
    };
    ctx.commit(txn).await?;
    let joint_service = match service_id {
        Some(s) => commons_store::joint_services::find(&ctx.db, s).await?,
        None => None,
    };
    Ok(Answered {
        proposal: reload(ctx, id).await?,
        joint_service,
    })
}

/// The first acceptance: a joint service with the accepting caisse responsible, the proposer
/// taking part in the role it proposed, and the record's first entry.
async fn open_joint_service(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    proposal: &Proposal,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<i64> {
    let service = commons_store::joint_services::insert(
        txn,
        commons_store::joint_services::NewService {
            proposal_id: Some(proposal.id),
            title: &proposal.content.title,
            description: &proposal.content.description,
            categories: &proposal.content.categories,
            tool_ids: &proposal.content.tool_ids,
            period: proposal.content.period,
            responsible_caisse_id: actor.organisation_id,
        },
        now,
    )
    .await
    .map_err(|e| {
        if commons_store::is_unique_violation(&e) {
            ServiceError::Conflict("another caisse accepted meanwhile; try again".into())
        } else {
            ServiceError::Database(e)
        }
    })?;
    commons_store::joint_services::add_participant(
        txn,
        service.id,
        proposal.proposer_id,
        proposal.content.proposer_role,
        actor.user_id,
        now,
    )
    .await?;
    let (sequence, previous_hash) = responsibility::next_link(None);
    commons_store::responsibility::append(
        txn,
        EntryFacts {
            joint_service_id: service.id,
            sequence,
            caisse_id: actor.organisation_id,
            effective_from: now,
            recorded_by: actor.user_id,
            recorded_by_organisation_id: actor.organisation_id,
            recorded_at: now,
            reason: responsibility::proposal_accepted_reason(proposal.id),
            previous_hash,
        },
    )
    .await?;
    audit::record(
        txn,
        audit::Change {
            actor: Some(actor),
            action: "joint_service.created",
            subject_type: super::joint_services::SUBJECT,
            subject_id: service.id,
            details: json!({ "proposal": proposal.id, "responsible": actor.organisation_id }),
        },
        now,
    )
    .await?;
    Ok(service.id)
}

/// A later acceptance: the caisse joins the existing service as a co-organiser.
async fn join(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    service_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<i64> {
    let service = commons_store::joint_services::find(txn, service_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Already in it (responsible after a transfer, or added by hand): nothing to add.
    if service.relation(Some(actor.organisation_id), false) == model::ServiceRelation::Outsider
        && service.status != model::ServiceStatus::Ended
    {
        commons_store::joint_services::add_participant(
            txn,
            service_id,
            actor.organisation_id,
            ParticipantRole::CoOrganiser,
            actor.user_id,
            now,
        )
        .await?;
        audit::record(
            txn,
            audit::Change {
                actor: Some(actor),
                action: "joint_service.participant_added",
                subject_type: super::joint_services::SUBJECT,
                subject_id: service_id,
                details: json!({ "organisation": actor.organisation_id, "role": "CO_ORGANISER" }),
            },
            now,
        )
        .await?;
    }
    Ok(service_id)
}

pub async fn withdraw(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    reason: Option<&str>,
) -> ServiceResult<Proposal> {
    let actor = authorised(ctx, actor, id, Action::WithdrawProposal).await?;
    let reason = validation::optional_text(&["reason"], reason, MESSAGE_MAX_CHARS)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let (proposal, _) = load_visible(&txn, actor, id).await?;
    proposal.withdraw(now).map_err(proposal_error)?;
    let reason = reason.unwrap_or_default();
    if !commons_store::collaborations::set_state(
        &txn,
        id,
        ProposalState::Open,
        ProposalState::Withdrawn,
        Some((now, &reason)),
    )
    .await?
    {
        return Err(ServiceError::Conflict(
            "the proposal changed meanwhile; reload it".into(),
        ));
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "collaboration.withdrawn",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "reason": reason }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    reload(ctx, id).await
}

pub async fn post_message(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    body: &str,
) -> ServiceResult<ProposalMessage> {
    let actor = authorised(ctx, actor, id, Action::PostProposalMessage).await?;
    let body = validation::required_text(&["body"], body, MESSAGE_MAX_CHARS)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let (proposal, _) = load_visible(&txn, actor, id).await?;
    let count = commons_store::collaborations::count_messages(&txn, id).await?;
    proposal.post_message(now, count).map_err(proposal_error)?;
    let message = commons_store::collaborations::insert_message(
        &txn,
        id,
        actor.user_id,
        actor.organisation_id,
        &body,
        now,
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "collaboration.message_posted",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "message": message.id }),
        },
        now,
    )
    .await?;
    // Every other party to the proposal hears of the message.
    let mut parties: Vec<i64> = proposal.targets.iter().map(|t| t.caisse_id).collect();
    parties.push(proposal.proposer_id);
    parties.retain(|o| *o != actor.organisation_id);
    super::notifications::to_organisations(
        &txn,
        &parties,
        proposal_notice(
            NotificationKind::ProposalMessage,
            id,
            json!({ "from": actor.organisation_id }),
        ),
        Some(actor),
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(message)
}

/// A message of a proposal the caller may read (its words, once hidden, are another question:
/// [`ProposalMessage::readable_by`]); one in a proposal they may not read does not exist for
/// them.
pub(crate) async fn readable_message(
    ctx: &Context,
    actor: &Actor,
    message_id: i64,
) -> ServiceResult<ProposalMessage> {
    let message = commons_store::collaborations::find_message(&ctx.db, message_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    load_visible(&ctx.db, actor, message.proposal_id).await?;
    Ok(message)
}

/// A moderator hides a reported message in `txn`: its words leave the thread for all but its
/// organisation and the moderators, who read why beside it.
pub(crate) async fn hide_message_in(
    ctx: &Context,
    txn: &sea_orm::DatabaseTransaction,
    actor: Option<&Actor>,
    message: &ProposalMessage,
    reason: &str,
) -> ServiceResult<()> {
    let actor = authorise(actor, Action::HideProposalMessage, Resource::Catalogue)?;
    let now = ctx.now();
    if !commons_store::collaborations::hide_message(txn, message.id, actor.user_id, reason, now)
        .await?
    {
        return Err(FieldError::new(
            &["reportId"],
            FieldErrorCode::InvalidState,
            "the message is hidden already",
        )
        .into());
    }
    audit::record(
        txn,
        audit::Change {
            actor: Some(actor),
            action: "collaboration.message_hidden",
            subject_type: SUBJECT,
            subject_id: message.proposal_id,
            details: json!({ "message": message.id, "organisation": message.organisation_id }),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The proposals the caller's organisation is party to (all of them for INASTI), newest first.
pub async fn list(
    ctx: &Context,
    actor: Option<&Actor>,
    filter: &ProposalFilter,
    page: &PageRequest,
) -> ServiceResult<Page<Proposal>> {
    let actor = signed_in(actor)?;
    let scope = CollaborationScope::of(Some(actor));
    let now = ctx.now();
    let after = page.after_as::<i64>()?;
    let items = commons_store::collaborations::list(
        &ctx.db,
        &scope,
        filter,
        now,
        after,
        page.first as u64 + 1,
    )
    .await?;
    let total = commons_store::collaborations::count(&ctx.db, &scope, filter, now).await?;
    Ok(Page::from_overfetch(items, page.first, total))
}

/// A proposal's thread, oldest first. The caller already holds the proposal: they may read it.
pub async fn messages(
    ctx: &Context,
    proposal: &Proposal,
    page: &PageRequest,
) -> ServiceResult<Page<ProposalMessage>> {
    let after = page.after_as::<i64>()?;
    let items =
        commons_store::collaborations::messages(&ctx.db, proposal.id, after, page.first as u64 + 1)
            .await?;
    let total = commons_store::collaborations::count_messages(&ctx.db, proposal.id).await?;
    Ok(Page::from_overfetch(items, page.first, total))
}

/// The tools linked to a proposal or joint service that the caller may see.
pub async fn linked_tools(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_ids: &[i64],
) -> ServiceResult<Vec<super::tools::VisibleTool>> {
    super::tools::get_many(ctx, actor, tool_ids)
        .await
        .map(|tools| tools.into_iter().flatten().collect())
}

fn proposal_notice(kind: NotificationKind, proposal_id: i64, details: serde_json::Value) -> Notice {
    Notice {
        kind,
        subject_type: SUBJECT,
        subject_id: proposal_id,
        tool_id: None,
        details,
    }
}
