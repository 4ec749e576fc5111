//! INASTI's collections: moderators curate themed lists of published tools; everyone reads the
//! collections, each reader seeing the tools they may read that are still published.

use serde_json::json;

use crate::{Context, Page, PageRequest, ServiceError, ServiceResult, authorise};
use commons_domain::adoption::is_live;
use commons_domain::collection::{self as rules, Collection};
use commons_domain::identity::Actor;
use commons_domain::lang::Lang;
use commons_domain::notification::{FollowTarget, FollowTargetKind};
use commons_domain::policy::{Action, Resource, ToolScope};
use commons_domain::validation::{FieldError, FieldErrorCode, Validator};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "collection";

pub struct Draft {
    pub titles: Vec<(Lang, String)>,
    pub descriptions: Vec<(Lang, String)>,
    pub tool_ids: Vec<i64>,
    pub featured: bool,
}

/// Every tool of a collection must be published when it is put there.
async fn check_published(ctx: &Context, tool_ids: &[i64]) -> ServiceResult<()> {
    let tools = commons_store::tools::find_many(&ctx.db, tool_ids).await?;
    let mut v = Validator::new();
    for (i, id) in tool_ids.iter().enumerate() {
        match tools.iter().find(|t| t.id == *id) {
            None => v.push(FieldError::new(
                &["toolIds", &i.to_string()],
                FieldErrorCode::NotFound,
                "no such tool",
            )),
            Some(t) if !is_live(t) => v.push(FieldError::new(
                &["toolIds", &i.to_string()],
                FieldErrorCode::InvalidState,
                "only published tools go into a collection",
            )),
            Some(_) => {}
        }
    }
    Ok(v.finish()?)
}

pub async fn create(
    ctx: &Context,
    actor: Option<&Actor>,
    draft: Draft,
) -> ServiceResult<Collection> {
    let actor = authorise(actor, Action::ManageCollections, Resource::Catalogue)?;
    let content = rules::validate(
        &draft.titles,
        &draft.descriptions,
        &draft.tool_ids,
        draft.featured,
    )?;
    check_published(ctx, &content.tool_ids).await?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let created = commons_store::collections::insert(&txn, &content, actor.user_id, now).await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "collection.created",
            subject_type: SUBJECT,
            subject_id: created.id,
            details: json!({ "tools": content.tool_ids.len(), "featured": content.featured }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(created)
}

fn changed_meanwhile(version: i32) -> ServiceError {
    ServiceError::Conflict(format!(
        "the collection changed since version {version}; reload it"
    ))
}

pub async fn update(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    expected_version: i32,
    draft: Draft,
) -> ServiceResult<Collection> {
    let actor = authorise(actor, Action::ManageCollections, Resource::Catalogue)?;
    let current = commons_store::collections::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if current.archived_at.is_some() {
        return Err(FieldError::new(
            &["collectionId"],
            FieldErrorCode::InvalidState,
            "the collection is archived",
        )
        .into());
    }
    let content = rules::validate(
        &draft.titles,
        &draft.descriptions,
        &draft.tool_ids,
        draft.featured,
    )?;
    // Tools already there may have stopped being published; only those added must be live.
    let added: Vec<i64> = content
        .tool_ids
        .iter()
        .copied()
        .filter(|t| !current.tool_ids.contains(t))
        .collect();
    check_published(ctx, &added).await.map_err(|e| match e {
        ServiceError::Invalid(errors) => ServiceError::Invalid(
            errors
                .into_iter()
                .map(|mut err| {
                    // Point at the tool's place in the whole list, not among the added ones.
                    if let Some(i) = err.field.get(1).and_then(|i| i.parse::<usize>().ok())
                        && let Some(pos) = added
                            .get(i)
                            .and_then(|t| content.tool_ids.iter().position(|x| x == t))
                    {
                        err.field[1] = pos.to_string();
                    }
                    err
                })
                .collect(),
        ),
        other => other,
    })?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    if !commons_store::collections::update(&txn, id, expected_version, &content, now).await? {
        return Err(changed_meanwhile(expected_version));
    }
    // Followers of the collection hear of the tools newly in it.
    for tool in &added {
        super::tools::announce_publication(
            &txn,
            *tool,
            &[FollowTarget {
                kind: FollowTargetKind::Collection,
                id,
            }],
            Some(actor),
            now,
        )
        .await?;
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "collection.updated",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "tools": content.tool_ids.len(), "featured": content.featured }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    commons_store::collections::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn archive(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
    expected_version: i32,
) -> ServiceResult<Collection> {
    let actor = authorise(actor, Action::ManageCollections, Resource::Catalogue)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    if !commons_store::collections::archive(&txn, id, expected_version, now).await? {
        return match commons_store::collections::find(&txn, id).await? {
            None => Err(ServiceError::NotFound),
            Some(c) if c.archived_at.is_some() => Err(FieldError::new(
                &["collectionId"],
                FieldErrorCode::InvalidState,
                "the collection is already archived",
            )
            .into()),
            Some(_) => Err(changed_meanwhile(expected_version)),
        };
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "collection.archived",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({}),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    commons_store::collections::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A live collection, or an archived one for moderators.
pub async fn get(
    ctx: &Context,
    actor: Option<&Actor>,
    id: i64,
) -> ServiceResult<Option<Collection>> {
    let moderator =
        commons_domain::policy::can(actor, Action::ManageCollections, Resource::Catalogue);
    Ok(commons_store::collections::find(&ctx.db, id)
        .await?
        .filter(|c| c.archived_at.is_none() || moderator))
}

pub async fn list(
    ctx: &Context,
    featured_only: bool,
    page: &PageRequest,
) -> ServiceResult<Page<Collection>> {
    let after = page.after_as::<i64>()?;
    let rows =
        commons_store::collections::list(&ctx.db, featured_only, after, page.first as u64 + 1)
            .await?;
    let total = commons_store::collections::count(&ctx.db, featured_only).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}

/// The tools of the collection this reader sees, in the collection's order: published ones they
/// may read (a tool withdrawn or archived since leaves the view).
pub async fn visible_tools(
    ctx: &Context,
    actor: Option<&Actor>,
    c: &Collection,
) -> ServiceResult<Vec<i64>> {
    let tools = commons_store::tools::find_many(&ctx.db, &c.tool_ids).await?;
    let scope = ToolScope::of(actor);
    Ok(c.tool_ids
        .iter()
        .copied()
        .filter(|id| {
            tools
                .iter()
                .any(|t| t.id == *id && is_live(t) && scope.shown(t).is_some())
        })
        .collect())
}

/// The live collections holding a tool.
pub async fn holding(ctx: &Context, tool_id: i64) -> ServiceResult<Vec<Collection>> {
    Ok(commons_store::collections::holding(&ctx.db, tool_id).await?)
}
