//! Adoptions: staff and admins of an organisation say it uses another's published tool, as is
//! or adapted into one of its own. The tool's owner is told; the count reaches search through the
//! outbox like any change of the tool.

use serde_json::json;

use crate::{
    Context, Page, PageRequest, ServiceError, ServiceResult, authorise, notifications, signed_in,
};
use commons_domain::adoption::{
    self as rules, Adoption, AdoptionMode, AdoptionsOf, NOTE_MAX_CHARS,
};
use commons_domain::identity::Actor;
use commons_domain::notification::{Notice, NotificationKind};
use commons_domain::policy::{Action, Resource, ToolScope};
use commons_domain::tool::Tool;
use commons_domain::validation;
use commons_store::{audit, begin_write};

const SUBJECT: &str = "adoption";

/// A tool the caller may see, or not found.
async fn visible_tool(ctx: &Context, actor: &Actor, id: i64) -> ServiceResult<Tool> {
    commons_store::tools::find(&ctx.db, id)
        .await?
        .filter(|t| ToolScope::of(Some(actor)).shown(t).is_some())
        .ok_or(ServiceError::NotFound)
}

pub struct Terms {
    pub tool_id: i64,
    pub mode: AdoptionMode,
    pub derived_tool_id: Option<i64>,
    pub note: Option<String>,
}

/// Records the adoption, or updates the organisation's live one.
pub async fn adopt(ctx: &Context, actor: Option<&Actor>, terms: Terms) -> ServiceResult<Adoption> {
    let caller = signed_in(actor)?;
    let tool = visible_tool(ctx, caller, terms.tool_id).await?;
    let actor = authorise(
        actor,
        Action::AdoptTool,
        Resource::Tool {
            owner_id: tool.owner_id,
        },
    )?;
    let note = validation::optional_text(&["note"], terms.note.as_deref(), NOTE_MAX_CHARS)?;
    let derived = match terms.derived_tool_id {
        Some(id) => Some(visible_tool(ctx, actor, id).await.map_err(|_| {
            validation::FieldError::new(
                &["derivedToolId"],
                validation::FieldErrorCode::NotFound,
                "no such tool",
            )
        })?),
        None => None,
    };
    rules::check(&tool, actor.organisation_id, terms.mode, derived.as_ref())?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let store_terms = || commons_store::adoptions::Terms {
        mode: terms.mode,
        derived_tool_id: terms.derived_tool_id,
        note: note.as_deref(),
    };
    let (id, action) = match commons_store::adoptions::live(&txn, tool.id, actor.organisation_id)
        .await?
    {
        Some(existing) => {
            if !commons_store::adoptions::update(
                &txn,
                existing.id,
                store_terms(),
                actor.user_id,
                now,
            )
            .await?
            {
                return Err(ServiceError::Conflict(
                    "the adoption changed meanwhile; try again".into(),
                ));
            }
            (existing.id, "adoption.updated")
        }
        None => {
            let created = commons_store::adoptions::insert(
                &txn,
                tool.id,
                actor.organisation_id,
                store_terms(),
                actor.user_id,
                now,
            )
            .await
            .map_err(|e| {
                if commons_store::is_unique_violation(&e) {
                    ServiceError::Conflict(
                        "your organisation adopted it meanwhile; try again".into(),
                    )
                } else {
                    ServiceError::Database(e)
                }
            })?;
            notifications::to_organisations(
                &txn,
                &[tool.owner_id],
                Notice {
                    kind: NotificationKind::ToolAdopted,
                    subject_type: "tool",
                    subject_id: tool.id,
                    tool_id: Some(tool.id),
                    details: json!({ "organisation": actor.organisation_id, "mode": terms.mode.as_str() }),
                },
                Some(actor),
                now,
            )
            .await?;
            (created.id, "adoption.recorded")
        }
    };
    record(&txn, actor, action, id, &tool, now).await?;
    ctx.commit(txn).await?;
    commons_store::adoptions::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The audit event, and the tool's outbox row so that its adoption count reaches search.
async fn record(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    action: &'static str,
    id: i64,
    tool: &Tool,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<()> {
    audit::record(
        txn,
        audit::Change {
            actor: Some(actor),
            action,
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "tool": tool.id, "organisation": actor.organisation_id }),
        },
        now,
    )
    .await?;
    commons_store::outbox::append(txn, "tool", tool.id, now).await?;
    Ok(())
}

/// Ends the organisation's live adoption of the tool; it stays in the history with its dates.
pub async fn withdraw(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_id: i64,
) -> ServiceResult<Adoption> {
    let caller = signed_in(actor)?;
    let tool = visible_tool(ctx, caller, tool_id).await?;
    let actor = authorise(
        actor,
        Action::AdoptTool,
        Resource::Tool {
            owner_id: tool.owner_id,
        },
    )?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let Some(live) = commons_store::adoptions::live(&txn, tool.id, actor.organisation_id).await?
    else {
        return Err(validation::FieldError::new(
            &["toolId"],
            validation::FieldErrorCode::NotFound,
            "your organisation has not adopted this tool",
        )
        .into());
    };
    if !commons_store::adoptions::end(&txn, live.id, actor.user_id, now).await? {
        return Err(ServiceError::Conflict(
            "the adoption changed meanwhile; reload it".into(),
        ));
    }
    record(&txn, actor, "adoption.withdrawn", live.id, &tool, now).await?;
    ctx.commit(txn).await?;
    commons_store::adoptions::find(&ctx.db, live.id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A tool's adoptions or an organisation's, newest first: only adoptions of tools the caller
/// may see, in the list and in its count alike.
pub async fn list(
    ctx: &Context,
    actor: Option<&Actor>,
    of: AdoptionsOf,
    include_ended: bool,
    page: &PageRequest,
) -> ServiceResult<Page<Adoption>> {
    let after = page.after_as::<i64>()?;
    let scope = ToolScope::of(actor);
    let rows = commons_store::adoptions::page(
        &ctx.db,
        of,
        &scope,
        include_ended,
        after,
        page.first as u64 + 1,
    )
    .await?;
    let total = commons_store::adoptions::count(&ctx.db, of, &scope, include_ended).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}

/// How many organisations use the tool now (a tool the caller may see).
pub async fn count_of_tool(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_id: i64,
) -> ServiceResult<u64> {
    let scope = ToolScope::of(actor);
    Ok(commons_store::adoptions::count(&ctx.db, AdoptionsOf::Tool(tool_id), &scope, false).await?)
}

/// The adoption a derived tool came from, if it is one and the caller may see the original.
pub async fn based_on(
    ctx: &Context,
    actor: Option<&Actor>,
    derived_tool_id: i64,
) -> ServiceResult<Option<Adoption>> {
    let Some(adoption) = commons_store::adoptions::based_on(&ctx.db, derived_tool_id).await? else {
        return Ok(None);
    };
    let original = commons_store::tools::find(&ctx.db, adoption.tool_id).await?;
    Ok(original
        .filter(|t| ToolScope::of(actor).shown(t).is_some())
        .map(|_| adoption))
}
