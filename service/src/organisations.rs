use serde_json::json;

use crate::{Context, Page, PageRequest, ServiceError, ServiceResult, authorise};
use commons_domain::enterprise_number::EnterpriseNumber;
use commons_domain::identity::Actor;
use commons_domain::lang::Lang;
use commons_domain::organisation::{
    self as org, AffiliateCount, Organisation, OrganisationKind, Slug,
};
use commons_domain::policy::{self, Action, Resource};
use commons_domain::validation::{self, FieldError, FieldErrorCode, Validator};
use commons_store::{audit, begin_write, organisations::NewOrganisation};

const SUBJECT: &str = "organisation";

fn resource(o: &Organisation) -> Resource {
    Resource::Organisation {
        id: o.id,
        kind: o.kind,
    }
}

/// May this caller read the organisation's contact e-mail and affiliate counts?
pub fn may_read_details(actor: Option<&Actor>, o: &Organisation) -> bool {
    policy::can(actor, Action::ReadOrganisationDetails, resource(o))
}

pub async fn by_id(ctx: &Context, id: i64) -> ServiceResult<Option<Organisation>> {
    Ok(commons_store::organisations::find_by_id(&ctx.db, id).await?)
}

pub async fn by_ids(ctx: &Context, ids: &[i64]) -> ServiceResult<Vec<Organisation>> {
    Ok(commons_store::organisations::find_by_ids(&ctx.db, ids).await?)
}

pub async fn by_slug(ctx: &Context, slug: &str) -> ServiceResult<Option<Organisation>> {
    Ok(commons_store::organisations::find_by_slug(&ctx.db, slug).await?)
}

/// The directory of organisations is public; it lists them in slug order.
pub async fn list(
    ctx: &Context,
    kind: Option<OrganisationKind>,
    page: &PageRequest,
) -> ServiceResult<Page<Organisation>> {
    let rows = commons_store::organisations::list(
        &ctx.db,
        kind,
        page.after.as_deref(),
        page.first as u64 + 1,
    )
    .await?;
    let total = commons_store::organisations::count(&ctx.db, kind).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}

pub async fn affiliate_counts(
    ctx: &Context,
    actor: Option<&Actor>,
    o: &Organisation,
) -> ServiceResult<Vec<AffiliateCount>> {
    // They set the caisse's funding: its own people and INASTI read them, nobody else.
    if !policy::can(actor, Action::ReadAffiliateCounts, resource(o)) {
        return Ok(Vec::new());
    }
    Ok(commons_store::organisations::affiliate_counts(&ctx.db, o.id).await?)
}

/// Every change to the caisse's affiliate counts, newest first: who set which figure when.
pub async fn affiliate_count_history(
    ctx: &Context,
    actor: Option<&Actor>,
    o: &Organisation,
    limit: u64,
) -> ServiceResult<Vec<AffiliateCount>> {
    if !policy::can(actor, Action::ReadAffiliateCounts, resource(o)) {
        return Ok(Vec::new());
    }
    Ok(commons_store::organisations::affiliate_count_history(&ctx.db, o.id, limit).await?)
}

pub struct Registration {
    pub slug: String,
    pub kind: OrganisationKind,
    pub names: Vec<(Lang, String)>,
    pub enterprise_number: String,
    pub website: Option<String>,
    pub contact_email: Option<String>,
}

pub async fn register(
    ctx: &Context,
    actor: Option<&Actor>,
    input: Registration,
) -> ServiceResult<Organisation> {
    let actor = authorise(actor, Action::RegisterOrganisation, Resource::Platform)?;

    let mut v = Validator::new();
    let slug = v.check(Slug::parse(&["slug"], &input.slug));
    if input.kind == OrganisationKind::Inasti {
        v.push(FieldError::new(
            &["kind"],
            FieldErrorCode::NotAllowed,
            "there is exactly one INASTI organisation, and it exists",
        ));
    }
    let names = org::validate_names(&mut v, "names", &input.names);
    let number = v.check(org::validate_enterprise_number(
        "enterpriseNumber",
        &input.enterprise_number,
    ));
    let website = v.check(validation::website(&["website"], input.website.as_deref()));
    let email = v.check(validation::email(
        &["contactEmail"],
        input.contact_email.as_deref(),
    ));
    v.finish()?;
    let (Some(slug), Some(names), Some(number), Some(website), Some(email)) =
        (slug, names, number, website, email)
    else {
        return Err(ServiceError::BadInput("invalid input".into()));
    };

    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let mut taken = Validator::new();
    if commons_store::organisations::find_by_slug(&txn, slug.as_str())
        .await?
        .is_some()
    {
        taken.push(FieldError::new(
            &["slug"],
            FieldErrorCode::Taken,
            "is already in use",
        ));
    }
    if let Some(e) = enterprise_number_taken(&txn, &number).await? {
        taken.push(e);
    }
    taken.finish()?;
    let created = commons_store::organisations::insert(
        &txn,
        NewOrganisation {
            slug: slug.as_str(),
            kind: input.kind,
            names: &names,
            enterprise_number: &number,
            website: website.as_deref(),
            contact_email: email.as_deref(),
        },
        now,
    )
    .await
    .map_err(unique_as_conflict)?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "organisation.registered",
            subject_type: SUBJECT,
            subject_id: created.id,
            details: json!({ "slug": created.slug, "kind": created.kind.as_str() }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    tracing::info!(organisation = %created.slug, "organisation registered");
    Ok(created)
}

/// Fields left `None` stay as they are; a blank website or e-mail removes it.
#[derive(Default)]
pub struct ProfileChanges {
    /// The version the edit was based on; another version is a `CONFLICT`.
    pub expected_version: i32,
    pub names: Option<Vec<(Lang, String)>>,
    pub enterprise_number: Option<String>,
    pub website: Option<String>,
    pub contact_email: Option<String>,
}

fn changed_since(expected: i32) -> ServiceError {
    ServiceError::Conflict(format!(
        "the organisation changed since version {expected}: read it again and redo the edit"
    ))
}

pub async fn update_profile(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    changes: ProfileChanges,
) -> ServiceResult<Organisation> {
    let current = by_id(ctx, id).await?.ok_or(ServiceError::NotFound)?;
    let actor = authorise(actor, Action::EditOrganisationProfile, resource(&current))?;
    if current.version != changes.expected_version {
        return Err(changed_since(changes.expected_version));
    }

    let mut v = Validator::new();
    let mut next = current.clone();
    if let Some(names) = &changes.names
        && let Some(valid) = org::validate_names(&mut v, "names", names)
    {
        next.names = valid;
    }
    if let Some(raw) = &changes.enterprise_number
        && let Some(number) = v.check(org::validate_enterprise_number("enterpriseNumber", raw))
        && number != current.enterprise_number
    {
        authorise(
            Some(actor),
            Action::EditEnterpriseNumber,
            resource(&current),
        )?;
        next.enterprise_number = number;
    }
    if let Some(raw) = &changes.website
        && let Some(website) = v.check(validation::website(&["website"], Some(raw)))
    {
        next.website = website;
    }
    if let Some(raw) = &changes.contact_email
        && let Some(email) = v.check(validation::email(&["contactEmail"], Some(raw)))
    {
        next.contact_email = email;
    }
    v.finish()?;
    if next == current {
        return Ok(current);
    }

    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    if next.enterprise_number != current.enterprise_number
        && let Some(e) = enterprise_number_taken(&txn, &next.enterprise_number).await?
    {
        return Err(e.into());
    }
    let Some(updated) = commons_store::organisations::update_profile(&txn, &next, now)
        .await
        .map_err(unique_as_conflict)?
    else {
        return Err(changed_since(changes.expected_version));
    };
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "organisation.profile_updated",
            subject_type: SUBJECT,
            subject_id: updated.id,
            details: json!({
                "names": changes.names.is_some(),
                "enterpriseNumber": next.enterprise_number != current.enterprise_number,
                "website": next.website != current.website,
                "contactEmail": next.contact_email != current.contact_email,
            }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(updated)
}

/// The enterprise number identifies one organisation only.
async fn enterprise_number_taken(
    db: &impl sea_orm::ConnectionTrait,
    number: &EnterpriseNumber,
) -> ServiceResult<Option<FieldError>> {
    let taken = commons_store::organisations::find_by_enterprise_number(db, number).await?;
    Ok(taken.map(|_| {
        FieldError::new(
            &["enterpriseNumber"],
            FieldErrorCode::Taken,
            "is already registered",
        )
    }))
}

/// A unique constraint that fired after our own check: someone else won the race.
fn unique_as_conflict(e: sea_orm::DbErr) -> ServiceError {
    if commons_store::is_unique_violation(&e) {
        ServiceError::Conflict("another change to the same organisation was saved first".into())
    } else {
        ServiceError::Database(e)
    }
}
