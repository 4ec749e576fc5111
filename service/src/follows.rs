//! Following: a person follows a service category, an organisation, a tool they may see, or a
//! live collection, and hears of publications there.

use crate::{Context, ServiceError, ServiceResult, signed_in};
use commons_domain::identity::Actor;
use commons_domain::notification::{Follow, FollowTarget, FollowTargetKind, MAX_FOLLOWS};
use commons_domain::policy::ToolScope;
use commons_domain::tool::ServiceCategory;
use commons_domain::validation::{FieldError, FieldErrorCode};

/// A follow target that exists and that the caller may see.
async fn check_target(ctx: &Context, actor: &Actor, target: FollowTarget) -> ServiceResult<()> {
    let exists = match target.kind {
        FollowTargetKind::Category => {
            usize::try_from(target.id).is_ok_and(|i| i < ServiceCategory::ALL.len())
        }
        FollowTargetKind::Organisation => {
            commons_store::organisations::find_by_id(&ctx.db, target.id)
                .await?
                .is_some()
        }
        FollowTargetKind::Tool => commons_store::tools::find(&ctx.db, target.id)
            .await?
            .is_some_and(|t| ToolScope::of(Some(actor)).shown(&t).is_some()),
        FollowTargetKind::Collection => commons_store::collections::find(&ctx.db, target.id)
            .await?
            .is_some_and(|c| c.archived_at.is_none()),
    };
    if exists {
        Ok(())
    } else {
        Err(FieldError::new(
            &["target"],
            FieldErrorCode::NotFound,
            "nothing to follow there",
        )
        .into())
    }
}

pub async fn follow(
    ctx: &Context,
    actor: Option<&Actor>,
    target: FollowTarget,
) -> ServiceResult<Follow> {
    let actor = signed_in(actor)?;
    check_target(ctx, actor, target).await?;
    if commons_store::follows::find(&ctx.db, actor.user_id, target)
        .await?
        .is_some()
    {
        return Err(FieldError::new(
            &["target"],
            FieldErrorCode::Duplicate,
            "you follow it already",
        )
        .into());
    }
    if commons_store::follows::count_of_user(&ctx.db, actor.user_id).await? >= MAX_FOLLOWS {
        return Err(FieldError::new(
            &["target"],
            FieldErrorCode::TooLong,
            format!("a person follows at most {MAX_FOLLOWS} things"),
        )
        .into());
    }
    let now = ctx.now();
    commons_store::follows::insert(&ctx.db, actor.user_id, target, now)
        .await
        .map_err(|e| {
            if commons_store::is_unique_violation(&e) {
                FieldError::new(
                    &["target"],
                    FieldErrorCode::Duplicate,
                    "you follow it already",
                )
                .into()
            } else {
                ServiceError::Database(e)
            }
        })
}

pub async fn unfollow(
    ctx: &Context,
    actor: Option<&Actor>,
    target: FollowTarget,
) -> ServiceResult<Follow> {
    let actor = signed_in(actor)?;
    let Some(follow) = commons_store::follows::find(&ctx.db, actor.user_id, target).await? else {
        return Err(FieldError::new(
            &["target"],
            FieldErrorCode::NotFound,
            "you do not follow it",
        )
        .into());
    };
    commons_store::follows::delete(&ctx.db, follow.id).await?;
    Ok(follow)
}

pub async fn of_viewer(ctx: &Context, actor: Option<&Actor>) -> ServiceResult<Vec<Follow>> {
    let actor = signed_in(actor)?;
    Ok(commons_store::follows::of_user(&ctx.db, actor.user_id).await?)
}
