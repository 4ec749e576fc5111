//! The register of the services a caisse offers in a year, what counts as its offerings (the
//! register and the joint services it was responsible for while they ran), and its compliance
//! with the year's legal frame. The register is written by the caisse's staff and admins and
//! read by the caisse and INASTI's officers.

use chrono::Datelike;
use serde_json::json;

use crate::{Context, ServiceError, ServiceResult, authorise, signed_in};
use commons_domain::collaboration::JointService;
use commons_domain::identity::Actor;
use commons_domain::organisation::{Organisation, OrganisationKind};
use commons_domain::policy::{self, Action, Resource};
use commons_domain::service_offering::{
    self as model, Compliance, MAX_PER_YEAR, OfferingDraft, ServiceOffering, YearOffering,
};
use commons_domain::validation::{FieldError, FieldErrorCode, Validator};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "service_offering";

fn resource(o: &Organisation) -> Resource {
    Resource::Organisation {
        id: o.id,
        kind: o.kind,
    }
}

/// The caisse whose year the caller may read; another caisse's is not there for them.
pub async fn readable_caisse(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<Organisation> {
    let caller = signed_in(actor)?;
    let caisse = commons_store::organisations::find_by_id(&ctx.db, id)
        .await?
        .filter(|o| o.kind == OrganisationKind::Caisse)
        .ok_or(ServiceError::NotFound)?;
    if !policy::can(Some(caller), Action::ReadYearlyAccount, resource(&caisse)) {
        return Err(ServiceError::Forbidden);
    }
    Ok(caisse)
}

pub fn may_read(actor: Option<&Actor>, o: &Organisation) -> bool {
    policy::can(actor, Action::ReadYearlyAccount, resource(o))
}

/// What the caisse offered in the year: its register (withdrawn offerings left out), then the
/// joint services it was responsible for while they ran.
pub async fn of_year(ctx: &Context, caisse_id: i64, year: i32) -> ServiceResult<Vec<YearOffering>> {
    let registered =
        commons_store::service_offerings::of_year(&ctx.db, Some(caisse_id), year, false).await?;
    let joint = joint_services_of_year(ctx, Some(caisse_id), year).await?;
    Ok(registered
        .into_iter()
        .map(|o| YearOffering::Registered(Box::new(o)))
        .chain(
            joint
                .into_iter()
                .filter(|(_, responsible)| responsible.contains(&caisse_id))
                .map(|(s, _)| YearOffering::Joint(Box::new(s))),
        )
        .collect())
}

/// The joint services that ran in the year, each with the caisses responsible while it ran.
pub async fn joint_services_of_year(
    ctx: &Context,
    caisse_id: Option<i64>,
    year: i32,
) -> ServiceResult<Vec<(JointService, Vec<i64>)>> {
    let services = commons_store::joint_services::ran_in_year(&ctx.db, caisse_id, year).await?;
    let ids: Vec<i64> = services.iter().map(|s| s.id).collect();
    let records = commons_store::responsibility::records(&ctx.db, &ids).await?;
    Ok(services
        .into_iter()
        .map(|s| {
            let entries = records.get(&s.id).map(Vec::as_slice).unwrap_or_default();
            let mut responsible: Vec<i64> = entries.iter().map(|e| e.facts.caisse_id).collect();
            responsible.sort_unstable();
            responsible.dedup();
            responsible.retain(|c| model::responsible_during(&s, entries, *c, year));
            (s, responsible)
        })
        .collect())
}

/// The caisse's register of the year as recorded, withdrawn offerings included when asked.
pub async fn register(
    ctx: &Context,
    caisse_id: i64,
    year: i32,
    include_withdrawn: bool,
) -> ServiceResult<Vec<ServiceOffering>> {
    Ok(
        commons_store::service_offerings::of_year(
            &ctx.db,
            Some(caisse_id),
            year,
            include_withdrawn,
        )
        .await?,
    )
}

pub async fn compliance(
    ctx: &Context,
    caisse_id: i64,
    year: i32,
) -> ServiceResult<(Compliance, Vec<YearOffering>)> {
    let frame = commons_store::legal_frames::in_force(&ctx.db, year).await?;
    let offerings = of_year(ctx, caisse_id, year).await?;
    Ok((model::compliance(&frame, &offerings), offerings))
}

/// The caller's own caisse, where they may record offerings.
async fn own_caisse(ctx: &Context, actor: Option<&Actor>) -> ServiceResult<Organisation> {
    let caller = signed_in(actor)?;
    let caisse = commons_store::organisations::find_by_id(&ctx.db, caller.organisation_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    authorise(actor, Action::RecordServiceOffering, resource(&caisse))?;
    Ok(caisse)
}

pub async fn record(
    ctx: &Context,
    actor: Option<&Actor>,
    draft: OfferingDraft,
) -> ServiceResult<ServiceOffering> {
    let caisse = own_caisse(ctx, actor).await?;
    let actor = signed_in(actor)?;
    let now = ctx.now();
    let tool_ids = draft.tool_ids.clone();
    let content = model::validate(draft, now.year()).map_err(ServiceError::Invalid)?;
    let mut v = Validator::new();
    super::collaborations::check_tools(ctx, actor, &tool_ids, &mut v).await?;
    v.finish()?;
    let txn = begin_write(&ctx.db).await?;
    if commons_store::service_offerings::count_of_year(&txn, caisse.id, content.year).await?
        >= MAX_PER_YEAR
    {
        return Err(FieldError::new(
            &["year"],
            FieldErrorCode::TooLong,
            format!("a register holds at most {MAX_PER_YEAR} offerings a year"),
        )
        .into());
    }
    let offering =
        commons_store::service_offerings::insert(&txn, caisse.id, &content, actor.user_id, now)
            .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "service_offering.recorded",
            subject_type: SUBJECT,
            subject_id: offering.id,
            details: json!({ "caisse": caisse.id, "year": content.year }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(offering)
}

/// The offering, if the caller may change it: one of their own caisse's, not withdrawn.
async fn editable(ctx: &Context, actor: Option<&Actor>, id: i64) -> ServiceResult<ServiceOffering> {
    let caisse = own_caisse(ctx, actor).await?;
    let offering = commons_store::service_offerings::find(&ctx.db, id)
        .await?
        .filter(|o| o.caisse_id == caisse.id)
        .ok_or(ServiceError::NotFound)?;
    if offering.withdrawn_at.is_some() {
        return Err(FieldError::new(
            &["offeringId"],
            FieldErrorCode::InvalidState,
            "the offering was withdrawn",
        )
        .into());
    }
    Ok(offering)
}

fn changed_meanwhile(version: i32) -> ServiceError {
    ServiceError::Conflict(format!(
        "the offering changed since version {version}: read it again and redo the edit"
    ))
}

pub async fn update(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    expected_version: i32,
    draft: OfferingDraft,
) -> ServiceResult<ServiceOffering> {
    let current = editable(ctx, actor, id).await?;
    let actor = signed_in(actor)?;
    if current.version != expected_version {
        return Err(changed_meanwhile(expected_version));
    }
    let now = ctx.now();
    let tool_ids = draft.tool_ids.clone();
    let content = model::validate(draft, now.year()).map_err(ServiceError::Invalid)?;
    let mut v = Validator::new();
    super::collaborations::check_tools(ctx, actor, &tool_ids, &mut v).await?;
    v.finish()?;
    let txn = begin_write(&ctx.db).await?;
    if !commons_store::service_offerings::update(&txn, id, expected_version, &content, now).await? {
        return Err(changed_meanwhile(expected_version));
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "service_offering.updated",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "year": content.year, "version": expected_version + 1 }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    commons_store::service_offerings::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn withdraw(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    expected_version: i32,
) -> ServiceResult<ServiceOffering> {
    let current = editable(ctx, actor, id).await?;
    let actor = signed_in(actor)?;
    if current.version != expected_version {
        return Err(changed_meanwhile(expected_version));
    }
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    if !commons_store::service_offerings::withdraw(&txn, id, expected_version, actor.user_id, now)
        .await?
    {
        return Err(changed_meanwhile(expected_version));
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "service_offering.withdrawn",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "year": current.content.year }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    commons_store::service_offerings::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// One offering, if the caller may read its caisse's register.
pub async fn get(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<Option<ServiceOffering>> {
    let Some(offering) = commons_store::service_offerings::find(&ctx.db, id).await? else {
        return Ok(None);
    };
    let caisse = commons_store::organisations::find_by_id(&ctx.db, offering.caisse_id).await?;
    Ok(caisse.filter(|c| may_read(actor, c)).map(|_| offering))
}
