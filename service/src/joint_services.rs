//! Joint services and the record of their responsible caisse: participants and status are the
//! responsible caisse's to manage; responsibility passes only by a transfer that an admin of
//! the responsible caisse proposes and an admin of the receiving caisse accepts, and each
//! passage appends an entry to the hash-chained record.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::{Context, Page, PageRequest, ServiceError, ServiceResult, authorise, signed_in};
use commons_domain::collaboration::{
    JointService, JointServiceError, ParticipantRole, ServiceFilter, ServiceRelation,
    ServiceStatus, Transfer, TransferSide, TransferStatus,
};
use commons_domain::identity::Actor;
use commons_domain::organisation::Organisation;
use commons_domain::policy::{self, Action, CollaborationScope, Resource};
use commons_domain::responsibility::{self, Entry, EntryFacts, Verification};
use commons_domain::validation::{self, FieldError, FieldErrorCode};
use commons_store::{audit, begin_write};

pub(crate) const SUBJECT: &str = "joint_service";
const TRANSFER_SUBJECT: &str = "responsibility_transfer";
pub const REASON_MAX_CHARS: usize = 2_000;

fn service_error(e: JointServiceError) -> ServiceError {
    use JointServiceError as E;
    let (field, code) = match &e {
        E::Ended | E::TransferPending => ("serviceId", FieldErrorCode::InvalidState),
        E::StatusBackwards { .. } => ("status", FieldErrorCode::InvalidState),
        E::NotAParticipantKind | E::ResponsibleAsParticipant => {
            ("organisationId", FieldErrorCode::NotAllowed)
        }
        E::AlreadyParticipant => ("organisationId", FieldErrorCode::Duplicate),
        E::NotAParticipant => ("organisationId", FieldErrorCode::NotFound),
        E::NotACaisse => ("toCaisseId", FieldErrorCode::NotAllowed),
        E::AlreadyResponsible => ("toCaisseId", FieldErrorCode::InvalidState),
        E::TransferClosed(_) => ("transferId", FieldErrorCode::InvalidState),
    };
    FieldError::new(&[field], code, e.to_string()).into()
}

fn changed_meanwhile() -> ServiceError {
    ServiceError::Conflict("the joint service changed meanwhile; reload it".into())
}

/// How the caller's organisation stands to the service; the record and pending transfers are
/// looked up only when nothing closer applies.
async fn relation_of(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    service: &JointService,
) -> ServiceResult<ServiceRelation> {
    let org = Some(actor.organisation_id);
    let relation = service.relation(org, false);
    if relation != ServiceRelation::Outsider {
        return Ok(relation);
    }
    let formerly =
        commons_store::joint_services::was_responsible(db, service.id, actor.organisation_id)
            .await?;
    if formerly {
        return Ok(service.relation(org, true));
    }
    if commons_store::joint_services::is_receiving(db, service.id, actor.organisation_id).await? {
        return Ok(ServiceRelation::Receiving);
    }
    Ok(ServiceRelation::Outsider)
}

/// A service the caller may read, with the caller's relation to it; one they may not read
/// does not exist for them.
async fn load_visible(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> ServiceResult<(JointService, ServiceRelation)> {
    let service = commons_store::joint_services::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let relation = relation_of(db, actor, &service).await?;
    if !policy::can(
        Some(actor),
        Action::ReadJointService,
        Resource::JointService { relation },
    ) {
        return Err(ServiceError::NotFound);
    }
    Ok((service, relation))
}

/// Loads the service under the write lock and checks the caller may do `action` to it.
async fn load_for(
    txn: &sea_orm::DatabaseTransaction,
    actor: Option<&Actor>,
    id: i64,
    action: Action,
) -> ServiceResult<JointService> {
    let caller = signed_in(actor)?;
    let (service, relation) = load_visible(txn, caller, id).await?;
    authorise(actor, action, Resource::JointService { relation })?;
    Ok(service)
}

async fn reload(ctx: &Context, id: i64) -> ServiceResult<JointService> {
    commons_store::joint_services::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn get(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<Option<JointService>> {
    let Some(actor) = actor else {
        return Ok(None);
    };
    match load_visible(&ctx.db, actor, id).await {
        Ok((s, _)) => Ok(Some(s)),
        Err(ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn list(
    ctx: &Context,
    actor: Option<&Actor>,
    filter: &ServiceFilter,
    page: &PageRequest,
) -> ServiceResult<Page<JointService>> {
    let actor = signed_in(actor)?;
    let scope = CollaborationScope::of(Some(actor));
    let after = page.after_as::<i64>()?;
    let items =
        commons_store::joint_services::list(&ctx.db, &scope, filter, after, page.first as u64 + 1)
            .await?;
    let total = commons_store::joint_services::count(&ctx.db, &scope, filter).await?;
    Ok(Page::from_overfetch(items, page.first, total))
}

async fn organisation(
    db: &impl sea_orm::ConnectionTrait,
    field: &str,
    id: i64,
) -> ServiceResult<Organisation> {
    commons_store::organisations::find_by_id(db, id)
        .await?
        .ok_or_else(|| {
            FieldError::new(&[field], FieldErrorCode::NotFound, "no such organisation").into()
        })
}

/// Records what was done to the service, commits, and returns the service as it now stands.
async fn finish(
    ctx: &Context,
    txn: sea_orm::DatabaseTransaction,
    actor: &Actor,
    action: &'static str,
    id: i64,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> ServiceResult<JointService> {
    audit::record(&txn, record_change(actor, action, id, details), now).await?;
    ctx.commit(txn).await?;
    reload(ctx, id).await
}

fn record_change<'a>(
    actor: &'a Actor,
    action: &'static str,
    service_id: i64,
    details: serde_json::Value,
) -> audit::Change<'a> {
    audit::Change {
        actor: Some(actor),
        action,
        subject_type: SUBJECT,
        subject_id: service_id,
        details,
    }
}

pub async fn add_participant(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    organisation_id: i64,
    role: ParticipantRole,
) -> ServiceResult<JointService> {
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let service = load_for(&txn, actor, id, Action::ManageJointService).await?;
    let actor = signed_in(actor)?;
    let added = organisation(&txn, "organisationId", organisation_id).await?;
    service
        .add_participant(added.id, added.kind)
        .map_err(service_error)?;
    if !commons_store::joint_services::touch(&txn, &service, now).await? {
        return Err(changed_meanwhile());
    }
    commons_store::joint_services::add_participant(&txn, id, added.id, role, actor.user_id, now)
        .await?;
    finish(
        ctx,
        txn,
        actor,
        "joint_service.participant_added",
        id,
        json!({ "organisation": added.id, "role": role.as_str() }),
        now,
    )
    .await
}

pub async fn remove_participant(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    organisation_id: i64,
) -> ServiceResult<JointService> {
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let service = load_for(&txn, actor, id, Action::ManageJointService).await?;
    let actor = signed_in(actor)?;
    service
        .remove_participant(organisation_id)
        .map_err(service_error)?;
    if !commons_store::joint_services::touch(&txn, &service, now).await?
        || !commons_store::joint_services::remove_participant(&txn, id, organisation_id).await?
    {
        return Err(changed_meanwhile());
    }
    finish(
        ctx,
        txn,
        actor,
        "joint_service.participant_removed",
        id,
        json!({ "organisation": organisation_id }),
        now,
    )
    .await
}

pub async fn set_status(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    status: ServiceStatus,
) -> ServiceResult<JointService> {
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let service = load_for(&txn, actor, id, Action::ManageJointService).await?;
    let actor = signed_in(actor)?;
    service.set_status(status).map_err(service_error)?;
    if !commons_store::joint_services::set_status(&txn, &service, status, now).await? {
        return Err(changed_meanwhile());
    }
    finish(
        ctx,
        txn,
        actor,
        "joint_service.status_set",
        id,
        json!({ "from": service.status.as_str(), "to": status.as_str() }),
        now,
    )
    .await
}

/// A transfer the caller may read (as one of its sides, or through its service).
async fn load_transfer<'a>(
    db: &impl sea_orm::ConnectionTrait,
    actor: Option<&'a Actor>,
    id: i64,
) -> ServiceResult<(Transfer, &'a Actor)> {
    let caller = signed_in(actor)?;
    let transfer = commons_store::joint_services::find_transfer(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Both sides keep reading their transfer, even once it no longer involves them.
    if transfer.side(caller.organisation_id) == TransferSide::Outsider {
        load_visible(db, caller, transfer.joint_service_id).await?;
    }
    Ok((transfer, caller))
}

pub async fn get_transfer(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<Option<Transfer>> {
    match load_transfer(&ctx.db, actor, id).await {
        Ok((t, _)) => Ok(Some(t)),
        Err(ServiceError::NotFound | ServiceError::Unauthenticated(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn transfer_change<'a>(actor: &'a Actor, action: &'static str, t: &Transfer) -> audit::Change<'a> {
    audit::Change {
        actor: Some(actor),
        action,
        subject_type: TRANSFER_SUBJECT,
        subject_id: t.id,
        details: json!({
            "service": t.joint_service_id,
            "from": t.from_caisse_id,
            "to": t.to_caisse_id,
        }),
    }
}

pub async fn propose_transfer(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    to_caisse_id: i64,
    reason: &str,
) -> ServiceResult<Transfer> {
    let reason = validation::required_text(&["reason"], reason, REASON_MAX_CHARS)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let service = load_for(&txn, actor, id, Action::ProposeTransfer).await?;
    let actor = signed_in(actor)?;
    let to = organisation(&txn, "toCaisseId", to_caisse_id).await?;
    let pending = commons_store::joint_services::has_pending_transfer(&txn, id).await?;
    service
        .propose_transfer(to.id, to.kind, pending)
        .map_err(service_error)?;
    let transfer = commons_store::joint_services::insert_transfer(
        &txn,
        &service,
        to.id,
        &reason,
        actor.user_id,
        now,
    )
    .await
    .map_err(|e| {
        if commons_store::is_unique_violation(&e) {
            service_error(JointServiceError::TransferPending)
        } else {
            ServiceError::Database(e)
        }
    })?;
    audit::record(
        &txn,
        transfer_change(actor, "responsibility.transfer_proposed", &transfer),
        now,
    )
    .await?;
    super::notifications::to_organisations(
        &txn,
        &[to.id],
        commons_domain::notification::Notice {
            kind: commons_domain::notification::NotificationKind::TransferAwaiting,
            subject_type: TRANSFER_SUBJECT,
            subject_id: transfer.id,
            tool_id: None,
            details: json!({ "jointService": service.id, "from": service.responsible_caisse_id }),
        },
        Some(actor),
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(transfer)
}

pub async fn accept_transfer(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<Transfer> {
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let (transfer, caller) = load_transfer(&txn, actor, id).await?;
    let side = transfer.side(caller.organisation_id);
    let actor = authorise(actor, Action::AcceptTransfer, Resource::Transfer { side })?;
    transfer.still_pending().map_err(service_error)?;
    let service = commons_store::joint_services::find(&txn, transfer.joint_service_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if service.status == ServiceStatus::Ended {
        return Err(service_error(JointServiceError::Ended));
    }
    if service.responsible_caisse_id != transfer.from_caisse_id {
        return Err(changed_meanwhile());
    }
    let entries = commons_store::responsibility::entries(&txn, service.id).await?;
    let last = entries.last();
    let (sequence, previous_hash) = responsibility::next_link(last);
    // Never before the entry it follows, even if the clock stepped back.
    let effective_from = last.map_or(now, |e| e.facts.effective_from.max(now));
    commons_store::responsibility::append(
        &txn,
        EntryFacts {
            joint_service_id: service.id,
            sequence,
            caisse_id: transfer.to_caisse_id,
            effective_from,
            recorded_by: actor.user_id,
            recorded_by_organisation_id: actor.organisation_id,
            recorded_at: now,
            reason: transfer.reason.clone(),
            previous_hash,
        },
    )
    .await
    .map_err(|e| {
        if commons_store::is_unique_violation(&e) {
            changed_meanwhile()
        } else {
            ServiceError::Database(e)
        }
    })?;
    let moved = commons_store::joint_services::set_responsible(
        &txn,
        service.id,
        transfer.from_caisse_id,
        transfer.to_caisse_id,
        now,
    )
    .await?;
    let resolved = commons_store::joint_services::resolve_transfer(
        &txn,
        id,
        TransferStatus::Accepted,
        actor.user_id,
        None,
        now,
    )
    .await?;
    if !moved || !resolved {
        return Err(changed_meanwhile());
    }
    // The new responsible caisse no longer takes part beside itself.
    commons_store::joint_services::remove_participant(&txn, service.id, transfer.to_caisse_id)
        .await?;
    audit::record(
        &txn,
        transfer_change(actor, "responsibility.transferred", &transfer),
        now,
    )
    .await?;
    audit::record(
        &txn,
        record_change(
            actor,
            "joint_service.responsibility_transferred",
            service.id,
            json!({ "from": transfer.from_caisse_id, "to": transfer.to_caisse_id, "entry": sequence }),
        ),
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    commons_store::joint_services::find_transfer(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn cancel_transfer(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    reason: Option<&str>,
) -> ServiceResult<Transfer> {
    let reason = validation::optional_text(&["reason"], reason, REASON_MAX_CHARS)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let (transfer, caller) = load_transfer(&txn, actor, id).await?;
    let side = transfer.side(caller.organisation_id);
    let actor = authorise(actor, Action::CancelTransfer, Resource::Transfer { side })?;
    transfer.still_pending().map_err(service_error)?;
    if !commons_store::joint_services::resolve_transfer(
        &txn,
        id,
        TransferStatus::Cancelled,
        actor.user_id,
        reason.as_deref(),
        now,
    )
    .await?
    {
        return Err(changed_meanwhile());
    }
    audit::record(
        &txn,
        transfer_change(actor, "responsibility.transfer_cancelled", &transfer),
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    commons_store::joint_services::find_transfer(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The transfers of a service the caller holds, oldest first.
pub async fn transfers(ctx: &Context, service: &JointService) -> ServiceResult<Vec<Transfer>> {
    Ok(commons_store::joint_services::transfers(&ctx.db, service.id).await?)
}

/// A page of the transfers of a service the caller holds, oldest first.
pub async fn transfers_page(
    ctx: &Context,
    service: &JointService,
    page: &PageRequest,
) -> ServiceResult<Page<Transfer>> {
    Page::of_list(transfers(ctx, service).await?, page, |t| t.id)
}

/// The record of a service the caller holds, in chain order.
pub async fn record(ctx: &Context, service: &JointService) -> ServiceResult<Vec<Entry>> {
    Ok(commons_store::responsibility::entries(&ctx.db, service.id).await?)
}

/// A page of the record, by sequence number.
pub async fn record_page(
    ctx: &Context,
    service: &JointService,
    page: &PageRequest,
) -> ServiceResult<Page<Entry>> {
    Page::of_list(record(ctx, service).await?, page, |e| {
        i64::from(e.facts.sequence)
    })
}

/// The caisse responsible at `at`; `None` before the service existed.
pub async fn responsible_at(
    ctx: &Context,
    service: &JointService,
    at: DateTime<Utc>,
) -> ServiceResult<Option<i64>> {
    let entries = record(ctx, service).await?;
    Ok(responsibility::responsible_at(&entries, at))
}

/// The outcome of recomputing a service's record.
pub struct RecordCheck {
    pub service: JointService,
    pub verification: Verification,
    pub entries: Vec<Entry>,
    /// The record's last entry names another caisse than the service does.
    pub responsible_mismatch: bool,
}

pub async fn verify(ctx: &Context, actor: Option<&Actor>, id: i64) -> ServiceResult<RecordCheck> {
    let caller = signed_in(actor)?;
    let (service, _) = load_visible(&ctx.db, caller, id).await?;
    let entries = record(ctx, &service).await?;
    let verification = responsibility::verify(service.id, &entries);
    let responsible_mismatch = entries
        .last()
        .is_none_or(|e| e.facts.caisse_id != service.responsible_caisse_id);
    Ok(RecordCheck {
        service,
        verification,
        entries,
        responsible_mismatch,
    })
}

/// One line of the audit export: an entry, what it names, and whether its chain verifies up
/// to it.
pub struct ExportedEntry {
    pub service: JointService,
    pub entry: Entry,
    pub caisse: Option<Organisation>,
    pub recorded_by_organisation: Option<Organisation>,
    pub verified: bool,
}

/// The whole record of every service a caisse was ever responsible for (`Some`), or of every
/// service (`None`), for INASTI's audit: every entry of those chains, so that each can be
/// verified on its own.
pub async fn export(
    ctx: &Context,
    actor: Option<&Actor>,
    caisse_id: Option<i64>,
) -> ServiceResult<Vec<ExportedEntry>> {
    signed_in(actor)?;
    let resource = match caisse_id {
        None => Resource::Platform,
        Some(id) => {
            let caisse = commons_store::organisations::find_by_id(&ctx.db, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            if caisse.kind != commons_domain::organisation::OrganisationKind::Caisse {
                return Err(ServiceError::BadInput(format!(
                    "{} is not a caisse: only caisses are on the record",
                    caisse.slug
                )));
            }
            Resource::Organisation {
                id: caisse.id,
                kind: caisse.kind,
            }
        }
    };
    authorise(actor, Action::ExportResponsibilityRecord, resource)?;
    let service_ids = commons_store::joint_services::ids_on_record(&ctx.db, caisse_id).await?;
    let records = commons_store::responsibility::records(&ctx.db, &service_ids).await?;
    let mut organisation_ids: Vec<i64> = records
        .values()
        .flatten()
        .flat_map(|e| [e.facts.caisse_id, e.facts.recorded_by_organisation_id])
        .collect();
    organisation_ids.sort_unstable();
    organisation_ids.dedup();
    let organisations =
        commons_store::organisations::find_by_ids(&ctx.db, &organisation_ids).await?;
    let find = |id: i64| organisations.iter().find(|o| o.id == id).cloned();
    let mut services = commons_store::joint_services::find_many(&ctx.db, &service_ids).await?;
    let mut rows = Vec::new();
    for (service_id, entries) in records {
        let Some(service) = services.remove(&service_id) else {
            continue;
        };
        let broken_at = match responsibility::verify(service_id, &entries) {
            Verification::Intact { .. } => usize::MAX,
            Verification::Broken { index, .. } => index,
        };
        for (index, entry) in entries.into_iter().enumerate() {
            rows.push(ExportedEntry {
                service: service.clone(),
                caisse: find(entry.facts.caisse_id),
                recorded_by_organisation: find(entry.facts.recorded_by_organisation_id),
                entry,
                verified: index < broken_at,
            });
        }
    }
    Ok(rows)
}

/// Finds a caisse by slug for an export; an unknown one is the caller's mistake.
pub async fn caisse_by_slug(ctx: &Context, slug: &str) -> ServiceResult<Organisation> {
    commons_store::organisations::find_by_slug(&ctx.db, slug)
        .await?
        .ok_or_else(|| ServiceError::BadInput(format!("no organisation {slug}")))
}

/// A joint service as a caisse starts it itself, with the partners it brings in.
pub struct NewJointService {
    pub titles: Vec<(commons_domain::lang::Lang, String)>,
    pub descriptions: Vec<(commons_domain::lang::Lang, String)>,
    pub categories: Vec<commons_domain::tool::ServiceCategory>,
    pub tool_ids: Vec<i64>,
    pub starts_on: Option<chrono::NaiveDate>,
    pub ends_on: Option<chrono::NaiveDate>,
    pub participants: Vec<(i64, ParticipantRole)>,
}

/// A caisse starts a joint service without a proposal: it is responsible from the record's
/// first entry, and the organisations it names take part from the start.
pub async fn start(
    ctx: &Context,
    actor: Option<&Actor>,
    new: NewJointService,
) -> ServiceResult<JointService> {
    use commons_domain::collaboration::{
        self as rules, DESCRIPTION_MAX_CHARS, MAX_LINKED_TOOLS, MAX_TARGETS, TITLE_MAX_CHARS,
    };
    use commons_domain::validation::Validator;
    let actor = authorise(actor, Action::StartJointService, Resource::Collaborations)?;
    let mut v = Validator::new();
    let title = validation::localised_text(&mut v, "titles", &new.titles, TITLE_MAX_CHARS);
    let description = if new.descriptions.is_empty() {
        Some(commons_domain::lang::LocalisedText::new())
    } else {
        validation::localised_text(
            &mut v,
            "descriptions",
            &new.descriptions,
            DESCRIPTION_MAX_CHARS,
        )
    };
    if new.categories.is_empty() {
        v.push(FieldError::new(
            &["categories"],
            FieldErrorCode::Required,
            "name at least one service category",
        ));
    }
    let period = rules::period(&mut v, new.starts_on, new.ends_on);
    if new.tool_ids.len() > MAX_LINKED_TOOLS {
        v.push(FieldError::new(
            &["toolIds"],
            FieldErrorCode::TooLong,
            format!("name at most {MAX_LINKED_TOOLS}"),
        ));
    } else {
        super::collaborations::check_tools(ctx, actor, &new.tool_ids, &mut v).await?;
    }
    if new.participants.len() > MAX_TARGETS {
        v.push(FieldError::new(
            &["participants"],
            FieldErrorCode::TooLong,
            format!("name at most {MAX_TARGETS}"),
        ));
        return Err(v.finish().err().unwrap_or_default().into());
    }
    let ids: Vec<i64> = new.participants.iter().map(|(id, _)| *id).collect();
    let found = commons_store::organisations::find_by_ids(&ctx.db, &ids).await?;
    let mut seen = std::collections::BTreeSet::new();
    for (i, (id, _)) in new.participants.iter().enumerate() {
        let at = ["participants", &i.to_string(), "organisationId"];
        match found.iter().find(|o| o.id == *id) {
            None => v.push(FieldError::new(
                &at,
                FieldErrorCode::NotFound,
                "no such organisation",
            )),
            Some(o) if o.kind == commons_domain::organisation::OrganisationKind::Inasti => {
                v.push(FieldError::new(
                    &at,
                    FieldErrorCode::NotAllowed,
                    JointServiceError::NotAParticipantKind.to_string(),
                ));
            }
            Some(o) if o.id == actor.organisation_id => {
                v.push(FieldError::new(
                    &at,
                    FieldErrorCode::NotAllowed,
                    JointServiceError::ResponsibleAsParticipant.to_string(),
                ));
            }
            Some(_) => {}
        }
        if !seen.insert(*id) {
            v.push(FieldError::new(
                &at,
                FieldErrorCode::Duplicate,
                "named twice",
            ));
        }
    }
    v.finish()?;
    let (Some(title), Some(description), Some(period)) = (title, description, period) else {
        return Err(ServiceError::BadInput("invalid input".into()));
    };
    let categories = new.categories.iter().copied().collect();
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let service = commons_store::joint_services::insert(
        &txn,
        commons_store::joint_services::NewService {
            proposal_id: None,
            title: &title,
            description: &description,
            categories: &categories,
            tool_ids: &new.tool_ids,
            period,
            responsible_caisse_id: actor.organisation_id,
        },
        now,
    )
    .await?;
    for (organisation_id, role) in &new.participants {
        commons_store::joint_services::add_participant(
            &txn,
            service.id,
            *organisation_id,
            *role,
            actor.user_id,
            now,
        )
        .await?;
    }
    let (sequence, previous_hash) = responsibility::next_link(None);
    commons_store::responsibility::append(
        &txn,
        EntryFacts {
            joint_service_id: service.id,
            sequence,
            caisse_id: actor.organisation_id,
            effective_from: now,
            recorded_by: actor.user_id,
            recorded_by_organisation_id: actor.organisation_id,
            recorded_at: now,
            reason: "started by the caisse".into(),
            previous_hash,
        },
    )
    .await?;
    finish(
        ctx,
        txn,
        actor,
        "joint_service.created",
        service.id,
        json!({ "responsible": actor.organisation_id, "participants": ids }),
        now,
    )
    .await
}
