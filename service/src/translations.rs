//! Translations by peers. A tool's organisation asks for translations into languages its
//! published tool lacks; another organisation's staff offer one; the owner accepts it — a new
//! revision holding it, sent to moderation as any edit — or declines it with a note. The owner
//! is told of an offer, the translator's organisation of the answer; accepted offers credit
//! their translator on the tool and count in its activity report.

use serde_json::json;

use crate::{Context, ServiceError, ServiceResult, authorise, notifications, signed_in, tools};
use commons_domain::identity::Actor;
use commons_domain::lang::Lang;
use commons_domain::notification::{Notice, NotificationKind};
use commons_domain::policy::{self, Action, Resource};
use commons_domain::tool::Tool;
use commons_domain::translation_offer::{
    self as rules, NOTE_MAX_CHARS, OfferStatus, TranslationOffer,
};
use commons_domain::validation::{self, FieldError, FieldErrorCode};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "translation_offer";

/// The offers of one tool a page lists at most.
pub const MAX_OFFERS_LISTED: u64 = 50;

fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    FieldError::new(&[field], FieldErrorCode::InvalidState, message).into()
}

/// The languages of the tool's published revision.
async fn published_languages(ctx: &Context, tool: &Tool) -> ServiceResult<Vec<Lang>> {
    let Some(number) = tool.published_revision else {
        return Ok(Vec::new());
    };
    Ok(commons_store::tools::revision(&ctx.db, tool.id, number)
        .await?
        .map(|r| r.content.languages().into_iter().collect())
        .unwrap_or_default())
}

/// Refuses a language the tool's published revision is written in already.
fn lacking(has: &[Lang], lang: Lang, field: &str) -> ServiceResult<()> {
    if has.contains(&lang) {
        return Err(FieldError::new(
            &[field],
            FieldErrorCode::InvalidState,
            format!("the tool is written in {} already", lang.code()),
        )
        .into());
    }
    Ok(())
}

/// The owner asks for translations into `langs` (replacing what it asked before): languages
/// the published tool lacks.
pub async fn set_wanted(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_id: i64,
    langs: &[Lang],
) -> ServiceResult<Vec<Lang>> {
    let caller = signed_in(actor)?;
    let (tool, _) = tools::load_visible(ctx, Some(caller), tool_id).await?;
    let actor = authorise(actor, Action::EditTool, tools::owned(&tool))?;
    if !rules::open_to_translation(&tool) {
        return Err(invalid(
            "toolId",
            "only a published tool asks for translations",
        ));
    }
    let has = published_languages(ctx, &tool).await?;
    let mut wanted: Vec<Lang> = langs.to_vec();
    wanted.sort_by_key(|l| l.code());
    wanted.dedup();
    for l in &wanted {
        lacking(&has, *l, "langs")?;
    }
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    commons_store::translations::set_wanted(&txn, tool.id, &wanted, actor.user_id, now).await?;
    let codes: Vec<&str> = wanted.iter().map(|l| l.code()).collect();
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "tool.translations_wanted",
            subject_type: "tool",
            subject_id: tool.id,
            details: json!({ "langs": codes }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(wanted)
}

/// The languages a tool asks translations into (of a tool the caller may see), but those its
/// published revision has come to be written in since.
pub async fn wanted(ctx: &Context, tool: &Tool) -> ServiceResult<Vec<Lang>> {
    if !rules::open_to_translation(tool) {
        return Ok(Vec::new());
    }
    let has = published_languages(ctx, tool).await?;
    let mut langs = commons_store::translations::wanted(&ctx.db, tool.id).await?;
    langs.retain(|l| !has.contains(l));
    Ok(langs)
}

/// Published tools the caller may see that ask for a translation into `lang`, the longest
/// waiting first, at most `first`.
pub async fn wanted_into(
    ctx: &Context,
    actor: Option<&Actor>,
    lang: Lang,
    first: usize,
) -> ServiceResult<Vec<tools::VisibleTool>> {
    let first = first.min(ctx.max_page_size);
    // A bounded window of the oldest requests, read in one go; kept: what the caller may see,
    // still published and active, and not written in that language since.
    let window = (first as u64).saturating_mul(4).max(100);
    let ids: Vec<i64> = commons_store::translations::wanted_into(&ctx.db, lang, window)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    Ok(tools::get_many(ctx, actor, &ids)
        .await?
        .into_iter()
        .flatten()
        .filter(|v| {
            rules::open_to_translation(&v.tool)
                && v.shown == commons_domain::policy::Shown::Published
                && !v.revision.content.languages().contains(&lang)
        })
        .take(first)
        .collect())
}

pub async fn offer(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_id: i64,
    lang: Lang,
    (title, summary, body): (&str, &str, &str),
) -> ServiceResult<TranslationOffer> {
    let caller = signed_in(actor)?;
    let (tool, _) = tools::load_visible(ctx, Some(caller), tool_id).await?;
    let actor = authorise(
        actor,
        Action::OfferTranslation,
        Resource::Tool {
            owner_id: tool.owner_id,
        },
    )?;
    if !rules::open_to_translation(&tool) {
        return Err(invalid("toolId", "only a published tool is translated"));
    }
    lacking(&published_languages(ctx, &tool).await?, lang, "lang")?;
    let translation = rules::validate(lang, title, summary, body)?;
    let already = || invalid("lang", "your organisation offered this language already");
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let id = commons_store::translations::insert(
        &txn,
        tool.id,
        actor.organisation_id,
        actor.user_id,
        &translation,
        now,
    )
    .await
    .map_err(|e| {
        if commons_store::is_unique_violation(&e) {
            already()
        } else {
            e.into()
        }
    })?;
    notifications::to_organisations(
        &txn,
        &[tool.owner_id],
        Notice {
            kind: NotificationKind::TranslationOffered,
            subject_type: "tool",
            subject_id: tool.id,
            tool_id: Some(tool.id),
            details: json!({ "lang": lang.code(), "organisation": actor.organisation_id }),
        },
        Some(actor),
        now,
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "translation.offered",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({ "tool": tool.id, "lang": lang.code() }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    find(ctx, id).await
}

async fn find(ctx: &Context, id: i64) -> ServiceResult<TranslationOffer> {
    commons_store::translations::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The owner accepts an offer (a new revision holding it, sent to moderation) or declines it
/// with a note.
pub async fn answer(
    ctx: &Context,
    actor: Option<&Actor>,
    offer_id: i64,
    accept: bool,
    note: Option<&str>,
) -> ServiceResult<TranslationOffer> {
    let caller = signed_in(actor)?;
    let offer = find(ctx, offer_id).await?;
    let (tool, _) = tools::load_visible(ctx, Some(caller), offer.tool_id).await?;
    // The translator sees its own offer, not the owner's answer to give.
    let actor = authorise(actor, Action::EditTool, tools::owned(&tool))?;
    if offer.status != OfferStatus::Open {
        return Err(invalid(
            "offerId",
            format!("the offer is {} already", offer.status),
        ));
    }
    let note = validation::optional_text(&["note"], note, NOTE_MAX_CHARS)?;
    // The revision the new one is based on; a change since makes the edit a conflict.
    let latest = tools::latest_revision(ctx, &tool).await?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let revision = if accept {
        // A translation joins what is published: an unfinished change of the owner's own is
        // submitted or withdrawn first, never sent to moderation behind its back.
        if Some(latest.number) != tool.published_revision {
            return Err(invalid(
                "offerId",
                "your organisation has a change of this tool in progress: submit or finish it first",
            ));
        }
        let mut content = latest.content;
        if content.languages().contains(&offer.translation.lang) {
            return Err(invalid(
                "offerId",
                "the latest revision is written in that language already",
            ));
        }
        content.translations.push(offer.translation.clone());
        let details =
            json!({ "translationOffer": offer.id, "lang": offer.translation.lang.code() });
        Some(tools::revise_and_submit(ctx, &txn, actor, &tool, &content, details).await?)
    } else {
        None
    };
    let status = if accept {
        OfferStatus::Accepted
    } else {
        OfferStatus::Declined
    };
    if !commons_store::translations::answer(
        &txn,
        offer.id,
        status,
        note.as_deref(),
        revision,
        actor.user_id,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(
            "the offer was answered meanwhile; reload the tool".into(),
        ));
    }
    if accept {
        // What was asked for is on its way: the language is no longer wanted.
        let mut wanted = commons_store::translations::wanted(&txn, tool.id).await?;
        wanted.retain(|l| *l != offer.translation.lang);
        commons_store::translations::set_wanted(&txn, tool.id, &wanted, actor.user_id, now).await?;
    }
    notifications::to_organisations(
        &txn,
        &[offer.translator_organisation_id],
        Notice {
            kind: NotificationKind::TranslationAnswered,
            subject_type: "tool",
            subject_id: tool.id,
            tool_id: Some(tool.id),
            details: json!({
                "status": status.as_str(), "lang": offer.translation.lang.code(),
                "note": note,
            }),
        },
        Some(actor),
        now,
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: if accept {
                "translation.accepted"
            } else {
                "translation.declined"
            },
            subject_type: SUBJECT,
            subject_id: offer.id,
            details: json!({ "tool": tool.id, "revision": revision }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    find(ctx, offer.id).await
}

/// A tool's offers as the caller may read them: all for its organisation, its own for a
/// translator's organisation, and for anyone who sees the tool the credited ones
/// ([`rules::credited`]) — without the owner's note, which is for the two organisations.
pub async fn of_tool(
    ctx: &Context,
    actor: Option<&Actor>,
    tool: &Tool,
) -> ServiceResult<Vec<TranslationOffer>> {
    let owner = policy::can(actor, Action::EditTool, tools::owned(tool));
    Ok(
        commons_store::translations::of_tool(&ctx.db, tool.id, MAX_OFFERS_LISTED)
            .await?
            .into_iter()
            .filter_map(|mut o| {
                let party =
                    owner || actor.is_some_and(|a| a.belongs_to(o.translator_organisation_id));
                if party {
                    return Some(o);
                }
                rules::credited(&o, tool.published_revision).then(|| {
                    o.note = None;
                    o
                })
            })
            .collect(),
    )
}

/// The translators a tool credits: its offers accepted and published, newest first.
pub async fn credits(ctx: &Context, tool: &Tool) -> ServiceResult<Vec<TranslationOffer>> {
    Ok(
        commons_store::translations::of_tool(&ctx.db, tool.id, MAX_OFFERS_LISTED)
            .await?
            .into_iter()
            .filter(|o| rules::credited(o, tool.published_revision))
            .map(|mut o| {
                o.note = None;
                o
            })
            .collect(),
    )
}
