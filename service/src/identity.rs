use std::collections::BTreeSet;

use crate::{Context, ServiceError, ServiceResult};
use commons_domain::identity::{Actor, Identity, Role, User};

/// Turns a verified token into an Actor: its organisation must exist, every role must fit the
/// organisation's kind, and the person is recorded on their first request.
pub async fn resolve_actor(ctx: &Context, identity: &Identity) -> ServiceResult<Actor> {
    let now = std::time::Instant::now();
    if let Some(actor) = ctx.identities.get(identity, now) {
        return Ok(actor);
    }
    let actor = resolve_from_records(ctx, identity).await?;
    ctx.identities.put(identity, &actor, now);
    Ok(actor)
}

async fn resolve_from_records(ctx: &Context, identity: &Identity) -> ServiceResult<Actor> {
    let unauthenticated = |why: String| ServiceError::Unauthenticated(why);
    let organisation =
        commons_store::organisations::find_by_slug(&ctx.db, &identity.organisation_slug)
            .await?
            .ok_or_else(|| unauthenticated("the token's organisation is unknown".into()))?;
    if identity.roles.is_empty() {
        return Err(unauthenticated("the token names no role".into()));
    }
    let mut roles = BTreeSet::new();
    for raw in &identity.roles {
        let role: Role = raw
            .parse()
            .map_err(|_| unauthenticated(format!("the token's role {raw} is unknown")))?;
        if !role.fits(organisation.kind) {
            return Err(unauthenticated(format!(
                "the role {role} does not exist in a {} organisation",
                organisation.kind
            )));
        }
        roles.insert(role);
    }
    let user = record_user(ctx, organisation.id, identity).await?;
    Ok(Actor {
        user_id: user.id,
        organisation_id: organisation.id,
        organisation_kind: organisation.kind,
        roles,
    })
}

/// Looks the person up, and writes only when they are new or their name or e-mail changed (or
/// their verified address is not yet where mail goes): most requests stay read-only.
async fn record_user(
    ctx: &Context,
    organisation_id: i64,
    identity: &Identity,
) -> ServiceResult<User> {
    let known = commons_store::users::find(&ctx.db, organisation_id, &identity.subject).await?;
    let user = match known {
        Some(user) if user.name == identity.name && user.email == identity.email => user,
        _ => {
            commons_store::users::record(
                &ctx.db,
                organisation_id,
                &identity.subject,
                identity.name.as_deref(),
                identity.email.as_deref(),
                ctx.now(),
            )
            .await?
        }
    };
    // A verified address is where mail goes, unless the person entered their own: looked at
    // whenever the identity is resolved anew (the identity cache spares the rest), so people
    // known before mail existed, or signing in with tokens only, have theirs too.
    if let (Some(email), true) = (&identity.email, identity.email_verified) {
        super::mail::from_claim(ctx, user.id, email).await?;
    }
    Ok(user)
}

/// People are known to the network, not to the public; their e-mail only to their colleagues.
pub async fn user(ctx: &Context, actor: Option<&Actor>, id: i64) -> ServiceResult<Option<User>> {
    let Some(actor) = actor else {
        return Ok(None);
    };
    Ok(commons_store::users::find_by_id(&ctx.db, id)
        .await?
        .map(|mut user| {
            if !actor.belongs_to(user.organisation_id) {
                user.email = None;
            }
            user
        }))
}
