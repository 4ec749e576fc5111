//! The catalogue's tables: tools, their revisions and translations, moderation decisions.
//! Lists filter by what the caller may see with one SQL condition built from the policy's
//! [`ToolScope`], and show each tool as the revision the scope says.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Statement,
};

use super::codec::{lang_from, names, parse, parse_names, strings};
use super::entity::{moderation_decision, tool, tool_revision, tool_translation};
use commons_domain::lang::Lang;
use commons_domain::policy::{RevisionAccess, ToolScope};
use commons_domain::tool::{
    Decision, Licence, Lifecycle, ModerationDecision, QualityDocumentation, Revision,
    RevisionStatus, Tool, ToolContent, ToolFilter, ToolStatus, Translation, Visibility,
};

fn tool_from(m: tool::Model) -> Result<Tool, DbErr> {
    Ok(Tool {
        id: m.id,
        owner_id: m.owner_id,
        created_at: m.created_at,
        updated_at: m.updated_at,
        lifecycle: parse(&m.lifecycle)?,
        status: parse(&m.status)?,
        latest_revision: m.latest_revision,
        latest_status: parse(&m.latest_status)?,
        latest_visibility: parse(&m.latest_visibility)?,
        published_revision: m.published_revision,
        published_visibility: m.published_visibility.as_deref().map(parse).transpose()?,
        submitted_at: m.submitted_at,
        reviewed_at: m.reviewed_at,
    })
}

fn revision_from(
    m: tool_revision::Model,
    translations: Vec<Translation>,
) -> Result<Revision, DbErr> {
    let quality: QualityDocumentation =
        serde_json::from_str(&m.quality).map_err(|e| DbErr::Type(e.to_string()))?;
    Ok(Revision {
        id: m.id,
        tool_id: m.tool_id,
        number: m.number,
        status: parse(&m.status)?,
        author_id: m.author_id,
        created_at: m.created_at,
        submitted_at: m.submitted_at,
        published_at: m.published_at,
        content: ToolContent {
            kind: parse(&m.kind)?,
            categories: parse_names(&m.categories)?,
            translations,
            audiences: parse_names(&m.audiences)?,
            sectors: strings(&m.sectors)?,
            delivery_modes: parse_names(&m.delivery_modes)?,
            delivery_formats: parse_names(&m.delivery_formats)?,
            scopes: parse_names(&m.scopes)?,
            duration: m.duration,
            cost_eur: m.cost_eur,
            quality,
            licence: Licence::from_stored(m.licence),
            contact: m.contact,
            tags: strings(&m.tags)?,
            visibility: parse(&m.visibility)?,
        },
    })
}

/// Loads the translations of these revisions in one query and builds the revisions.
async fn with_translations(
    db: &impl ConnectionTrait,
    models: Vec<tool_revision::Model>,
) -> Result<Vec<Revision>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut by_revision: HashMap<i64, Vec<Translation>> = HashMap::new();
    if !ids.is_empty() {
        for t in tool_translation::Entity::find()
            .filter(tool_translation::Column::RevisionId.is_in(ids))
            .all(db)
            .await?
        {
            by_revision
                .entry(t.revision_id)
                .or_default()
                .push(Translation {
                    lang: lang_from(&t.lang)?,
                    title: t.title,
                    summary: t.summary,
                    body: t.body,
                });
        }
    }
    models
        .into_iter()
        .map(|m| {
            let mut translations = by_revision.remove(&m.id).unwrap_or_default();
            translations.sort_by_key(|t| t.lang);
            revision_from(m, translations)
        })
        .collect()
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Tool>, DbErr> {
    tool::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(tool_from)
        .transpose()
}

/// The tool, its row locked until the transaction ends (`FOR UPDATE` on PostgreSQL; SQLite's
/// write transaction already holds the whole database): what is decided from it, such as how
/// many files its revision carries, cannot change underneath.
pub async fn find_for_update(db: &impl ConnectionTrait, id: i64) -> Result<Option<Tool>, DbErr> {
    tool::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .map(tool_from)
        .transpose()
}

pub async fn find_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Tool>, DbErr> {
    tool::Entity::find()
        .filter(tool::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(tool_from)
        .collect()
}

/// Whether any of these revisions was written for more than its organisation.
pub async fn any_not_kept_to_organisation(
    db: &impl ConnectionTrait,
    revision_ids: &[i64],
) -> Result<bool, DbErr> {
    if revision_ids.is_empty() {
        return Ok(false);
    }
    let found = tool_revision::Entity::find()
        .filter(tool_revision::Column::Id.is_in(revision_ids.iter().copied()))
        .filter(tool_revision::Column::Visibility.ne(Visibility::Organisation.as_str()))
        .count(db)
        .await?;
    Ok(found > 0)
}

/// Whether any revision of the tool was ever sent to review.
pub async fn was_submitted(db: &impl ConnectionTrait, tool_id: i64) -> Result<bool, DbErr> {
    let submitted = tool_revision::Entity::find()
        .filter(tool_revision::Column::ToolId.eq(tool_id))
        .filter(tool_revision::Column::SubmittedAt.is_not_null())
        .count(db)
        .await?;
    Ok(submitted > 0)
}

pub async fn revision(
    db: &impl ConnectionTrait,
    tool_id: i64,
    number: i32,
) -> Result<Option<Revision>, DbErr> {
    let model = tool_revision::Entity::find()
        .filter(tool_revision::Column::ToolId.eq(tool_id))
        .filter(tool_revision::Column::Number.eq(number))
        .one(db)
        .await?;
    Ok(with_translations(db, model.into_iter().collect())
        .await?
        .pop())
}

/// Several revisions, each named by (tool, number), in one pair of queries. The database is
/// asked by tool (the index's leading column) and the numbers are picked here: an OR of
/// (tool AND number) pairs would make SQLite scan the whole table.
pub async fn revisions(
    db: &impl ConnectionTrait,
    keys: &[(i64, i32)],
) -> Result<Vec<Revision>, DbErr> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: std::collections::HashSet<(i64, i32)> = keys.iter().copied().collect();
    let tool_ids: BTreeSet<i64> = keys.iter().map(|(t, _)| *t).collect();
    let models: Vec<tool_revision::Model> = tool_revision::Entity::find()
        .filter(tool_revision::Column::ToolId.is_in(tool_ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|m| wanted.contains(&(m.tool_id, m.number)))
        .collect();
    with_translations(db, models).await
}

fn history_query(tool_id: i64, access: RevisionAccess) -> sea_orm::Select<tool_revision::Entity> {
    tool_revision::Entity::find()
        .filter(tool_revision::Column::ToolId.eq(tool_id))
        .filter(readable_revisions(access))
}

/// [`RevisionAccess::reads`] as SQL over `tool_revisions`.
fn readable_revisions(access: RevisionAccess) -> Condition {
    match access {
        RevisionAccess::All => Condition::all(),
        RevisionAccess::NotKeptToOrganisation => Condition::all().add(
            Expr::col((tool_revision::Entity, tool_revision::Column::Visibility))
                .ne(Visibility::Organisation.as_str()),
        ),
        RevisionAccess::Published(visibilities) => Condition::all()
            .add(
                Expr::col((tool_revision::Entity, tool_revision::Column::PublishedAt))
                    .is_not_null(),
            )
            .add(
                Expr::col((tool_revision::Entity, tool_revision::Column::Visibility))
                    .is_in(visibilities.iter().map(|v| v.as_str())),
            ),
    }
}

/// A page of a tool's revisions the caller may read, newest first, before revision `before`.
pub async fn history(
    db: &impl ConnectionTrait,
    tool_id: i64,
    access: RevisionAccess,
    before: Option<i32>,
    limit: u64,
) -> Result<Vec<Revision>, DbErr> {
    let mut query = history_query(tool_id, access).order_by_desc(tool_revision::Column::Number);
    if let Some(before) = before {
        query = query.filter(tool_revision::Column::Number.lt(before));
    }
    let models = query.limit(limit).all(db).await?;
    with_translations(db, models).await
}

pub async fn history_len(
    db: &impl ConnectionTrait,
    tool_id: i64,
    access: RevisionAccess,
) -> Result<u64, DbErr> {
    history_query(tool_id, access).count(db).await
}

pub async fn insert_tool(
    db: &impl ConnectionTrait,
    owner_id: i64,
    created_by: i64,
    content: &ToolContent,
    now: DateTime<Utc>,
) -> Result<(Tool, Revision), DbErr> {
    let row = tool::ActiveModel {
        owner_id: Set(owner_id),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        lifecycle: Set(Lifecycle::Active.as_str().to_owned()),
        status: Set(ToolStatus::Draft.as_str().to_owned()),
        latest_revision: Set(1),
        latest_status: Set(RevisionStatus::Draft.as_str().to_owned()),
        latest_visibility: Set(content.visibility.as_str().to_owned()),
        published_revision: Set(None),
        published_visibility: Set(None),
        submitted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let revision = insert_revision(db, row.id, 1, created_by, content, now).await?;
    Ok((tool_from(row)?, revision))
}

pub async fn insert_revision(
    db: &impl ConnectionTrait,
    tool_id: i64,
    number: i32,
    author_id: i64,
    c: &ToolContent,
    now: DateTime<Utc>,
) -> Result<Revision, DbErr> {
    let quality = serde_json::to_string(&c.quality).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = tool_revision::ActiveModel {
        tool_id: Set(tool_id),
        number: Set(number),
        status: Set(RevisionStatus::Draft.as_str().to_owned()),
        author_id: Set(author_id),
        created_at: Set(now),
        submitted_at: Set(None),
        published_at: Set(None),
        kind: Set(c.kind.as_str().to_owned()),
        categories: Set(names(c.categories.iter().copied())),
        languages: Set(names(c.languages().into_iter().map(|l| l.code()))),
        audiences: Set(names(c.audiences.iter().copied())),
        sectors: Set(serde_json::Value::from(c.sectors.clone()).to_string()),
        delivery_modes: Set(names(c.delivery_modes.iter().copied())),
        delivery_formats: Set(names(c.delivery_formats.iter().copied())),
        scopes: Set(names(c.scopes.iter().copied())),
        duration: Set(c.duration.clone()),
        cost_eur: Set(c.cost_eur.clone()),
        quality: Set(quality),
        licence: Set(c.licence.as_str().to_owned()),
        contact: Set(c.contact.clone()),
        tags: Set(serde_json::Value::from(c.tags.clone()).to_string()),
        visibility: Set(c.visibility.as_str().to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for t in &c.translations {
        tool_translation::ActiveModel {
            revision_id: Set(row.id),
            lang: Set(t.lang.code().to_owned()),
            title: Set(t.title.clone()),
            summary: Set(t.summary.clone()),
            body: Set(t.body.clone()),
        }
        .insert(db)
        .await?;
    }
    revision_from(row, c.translations.clone())
}

/// Records a revision's new status, with the times of submission or publication.
pub async fn set_revision_status(
    db: &impl ConnectionTrait,
    revision: &Revision,
    status: RevisionStatus,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row = tool_revision::ActiveModel {
        id: Set(revision.id),
        status: Set(status.as_str().to_owned()),
        ..Default::default()
    };
    match status {
        RevisionStatus::InReview => row.submitted_at = Set(Some(now)),
        RevisionStatus::Published => row.published_at = Set(Some(now)),
        _ => {}
    }
    row.update(db).await?;
    Ok(())
}

/// Writes where the tool now stands, only if it still stands where `before` says: a
/// concurrent change in between makes this return false and write nothing.
pub async fn save_state(
    db: &impl ConnectionTrait,
    before: &Tool,
    after: &Tool,
) -> Result<bool, DbErr> {
    let mut row = tool::ActiveModel {
        updated_at: Set(after.updated_at),
        lifecycle: Set(after.lifecycle.as_str().to_owned()),
        status: Set(after.status.as_str().to_owned()),
        latest_revision: Set(after.latest_revision),
        latest_status: Set(after.latest_status.as_str().to_owned()),
        latest_visibility: Set(after.latest_visibility.as_str().to_owned()),
        published_revision: Set(after.published_revision),
        published_visibility: Set(after.published_visibility.map(|v| v.as_str().to_owned())),
        submitted_at: Set(after.submitted_at),
        reviewed_at: Set(after.reviewed_at),
        ..Default::default()
    };
    // A new review date is told about again when it nears.
    if after.reviewed_at != before.reviewed_at {
        row.review_reminded_at = Set(None);
    }
    let result = tool::Entity::update_many()
        .set(row)
        .filter(tool::Column::Id.eq(before.id))
        .filter(tool::Column::LatestRevision.eq(before.latest_revision))
        .filter(tool::Column::LatestStatus.eq(before.latest_status.as_str()))
        .filter(tool::Column::Lifecycle.eq(before.lifecycle.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Tools whose newest revision the scope shows: the caller's own, and all but
/// organisation-only ones for moderators. `None` when the scope shows no tool that way.
fn shows_latest(scope: &ToolScope) -> Option<Condition> {
    let mut any = Condition::any();
    let mut some = false;
    if let Some(org) = scope.organisation_id {
        any = any.add(tool::Column::OwnerId.eq(org));
        some = true;
    }
    if scope.moderator {
        any = any.add(tool::Column::LatestVisibility.ne(Visibility::Organisation.as_str()));
        some = true;
    }
    some.then_some(any)
}

/// Tools whose live published revision the scope may read.
fn shows_published(scope: &ToolScope) -> Condition {
    Condition::all()
        .add(tool::Column::PublishedRevision.is_not_null())
        .add(tool::Column::Lifecycle.ne(Lifecycle::Withdrawn.as_str()))
        .add(
            tool::Column::PublishedVisibility
                .is_in(scope.published_visibilities().iter().map(|v| v.as_str())),
        )
}

/// The tools the scope may see at all: [`ToolScope::shown`] as SQL.
pub fn visible(scope: &ToolScope) -> Condition {
    match shows_latest(scope) {
        Some(latest) => Condition::any().add(latest).add(shows_published(scope)),
        None => shows_published(scope),
    }
}

/// Joins each visible tool to the one revision the scope shows of it.
fn shown_revision(scope: &ToolScope) -> Condition {
    let number = Expr::col((tool_revision::Entity, tool_revision::Column::Number));
    let published = Condition::all().add(shows_published(scope)).add(
        number
            .clone()
            .equals((tool::Entity, tool::Column::PublishedRevision)),
    );
    match shows_latest(scope) {
        Some(latest) => Condition::any()
            .add(
                Condition::all()
                    .add(latest.clone())
                    .add(number.equals((tool::Entity, tool::Column::LatestRevision))),
            )
            .add(Condition::all().add(latest.not()).add(published)),
        None => published,
    }
}

/// `"NAME"` inside a JSON array of names.
fn contains_name(column: tool_revision::Column, name: &str) -> Condition {
    Condition::all().add(column.like(format!("%\"{name}\"%")))
}

fn any_of<T>(
    column: tool_revision::Column,
    values: &[T],
    name: impl Fn(&T) -> &'static str,
) -> Option<Condition> {
    (!values.is_empty()).then(|| {
        values.iter().fold(Condition::any(), |c, v| {
            c.add(contains_name(column, name(v)))
        })
    })
}

fn filter_condition(filter: &ToolFilter) -> Condition {
    let mut c = Condition::all();
    if !filter.kinds.is_empty() {
        c = c.add(tool_revision::Column::Kind.is_in(filter.kinds.iter().map(|k| k.as_str())));
    }
    if !filter.owners.is_empty() {
        c = c.add(tool::Column::OwnerId.is_in(filter.owners.iter().copied()));
    }
    if !filter.statuses.is_empty() {
        c = c.add(tool::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    for extra in [
        any_of(tool_revision::Column::Categories, &filter.categories, |c| {
            c.as_str()
        }),
        any_of(tool_revision::Column::Languages, &filter.languages, |l| {
            l.code()
        }),
        any_of(tool_revision::Column::Audiences, &filter.audiences, |a| {
            a.as_str()
        }),
    ]
    .into_iter()
    .flatten()
    {
        c = c.add(extra);
    }
    c
}

/// One page of the tools the scope may see, newest first, each with its shown revision.
pub async fn list_visible(
    db: &impl ConnectionTrait,
    scope: &ToolScope,
    filter: &ToolFilter,
    after_id: Option<i64>,
    limit: u64,
) -> Result<Vec<(Tool, Revision)>, DbErr> {
    let mut query = tool_revision::Entity::find()
        .join(
            sea_orm::JoinType::InnerJoin,
            tool_revision::Relation::Tool.def(),
        )
        .filter(shown_revision(scope))
        .filter(filter_condition(filter))
        .order_by_desc(tool::Column::Id);
    if let Some(after) = after_id {
        query = query.filter(tool::Column::Id.lt(after));
    }
    let rows = query.limit(limit).all(db).await?;
    let tool_ids: Vec<i64> = rows.iter().map(|r| r.tool_id).collect();
    let mut tools: HashMap<i64, Tool> = find_many(db, &tool_ids)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let revisions = with_translations(db, rows).await?;
    Ok(revisions
        .into_iter()
        .filter_map(|r| tools.remove(&r.tool_id).map(|t| (t, r)))
        .collect())
}

pub async fn count_visible(
    db: &impl ConnectionTrait,
    scope: &ToolScope,
    filter: &ToolFilter,
) -> Result<u64, DbErr> {
    tool_revision::Entity::find()
        .join(
            sea_orm::JoinType::InnerJoin,
            tool_revision::Relation::Tool.def(),
        )
        .filter(shown_revision(scope))
        .filter(filter_condition(filter))
        .count(db)
        .await
}

fn in_review() -> Condition {
    Condition::all()
        .add(tool::Column::LatestStatus.eq(RevisionStatus::InReview.as_str()))
        .add(tool::Column::Lifecycle.eq(Lifecycle::Active.as_str()))
}

/// Tools waiting for a decision, oldest submission first, after the (time, id) given.
pub async fn review_queue(
    db: &impl ConnectionTrait,
    after: Option<(DateTime<Utc>, i64)>,
    limit: u64,
) -> Result<Vec<Tool>, DbErr> {
    let mut query = tool::Entity::find()
        .filter(in_review())
        .order_by_asc(tool::Column::SubmittedAt)
        .order_by_asc(tool::Column::Id);
    if let Some((at, id)) = after {
        query = query.filter(
            Condition::any().add(tool::Column::SubmittedAt.gt(at)).add(
                Condition::all()
                    .add(tool::Column::SubmittedAt.eq(at))
                    .add(tool::Column::Id.gt(id)),
            ),
        );
    }
    query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(tool_from)
        .collect()
}

pub async fn review_queue_len(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    tool::Entity::find().filter(in_review()).count(db).await
}

pub async fn insert_decision(
    db: &impl ConnectionTrait,
    tool_id: i64,
    revision: i32,
    decision: Decision,
    reason: Option<&str>,
    moderator_id: i64,
    now: DateTime<Utc>,
) -> Result<ModerationDecision, DbErr> {
    insert_decision_on(
        db,
        tool_id,
        revision,
        None,
        decision,
        reason,
        moderator_id,
        now,
    )
    .await
}

/// A decision in the tool's moderation log that concerns one of its reviews (hidden, or an
/// appeal about it).
#[allow(clippy::too_many_arguments)]
pub async fn insert_decision_on(
    db: &impl ConnectionTrait,
    tool_id: i64,
    revision: i32,
    review_id: Option<i64>,
    decision: Decision,
    reason: Option<&str>,
    moderator_id: i64,
    now: DateTime<Utc>,
) -> Result<ModerationDecision, DbErr> {
    let row = moderation_decision::ActiveModel {
        tool_id: Set(tool_id),
        revision: Set(revision),
        decision: Set(decision.as_str().to_owned()),
        reason: Set(reason.map(str::to_owned)),
        moderator_id: Set(moderator_id),
        decided_at: Set(now),
        review_id: Set(review_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    decision_from(row)
}

/// One decision of the moderation log, by its id.
pub async fn decision(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ModerationDecision>, DbErr> {
    moderation_decision::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(decision_from)
        .transpose()
}

fn decision_from(m: moderation_decision::Model) -> Result<ModerationDecision, DbErr> {
    Ok(ModerationDecision {
        id: m.id,
        tool_id: m.tool_id,
        revision: m.revision,
        decision: parse(&m.decision)?,
        review_id: m.review_id,
        reason: m.reason,
        moderator_id: m.moderator_id,
        decided_at: m.decided_at,
    })
}

fn decisions_query(
    scope: &ToolScope,
    tool_id: Option<i64>,
) -> sea_orm::Select<moderation_decision::Entity> {
    let mut query = moderation_decision::Entity::find()
        .join(
            sea_orm::JoinType::InnerJoin,
            moderation_decision::Relation::Tool.def(),
        )
        .filter(visible(scope))
        .filter(decided_revision_readable(scope));
    if let Some(id) = tool_id {
        query = query.filter(moderation_decision::Column::ToolId.eq(id));
    }
    query
}

/// A decision is read with the revision it decided on: its owner and moderators read them all,
/// anyone else only decisions on revisions published with a visibility they may read — so a
/// reason given on a never-published edit stays between the owner and INASTI — and never a
/// dismissal of reports, which would tell readers that someone reported the tool or a review,
/// and why a moderator saw nothing to change.
fn decided_revision_readable(scope: &ToolScope) -> Condition {
    let mut any = Condition::any();
    if let Some(org) = scope.organisation_id {
        any = any.add(tool::Column::OwnerId.eq(org));
    }
    if scope.moderator {
        return Condition::all();
    }
    let published = Query::select()
        .expr(Expr::val(1))
        .from(tool_revision::Entity)
        .and_where(
            Expr::col((tool_revision::Entity, tool_revision::Column::ToolId)).equals((
                moderation_decision::Entity,
                moderation_decision::Column::ToolId,
            )),
        )
        .and_where(
            Expr::col((tool_revision::Entity, tool_revision::Column::Number)).equals((
                moderation_decision::Entity,
                moderation_decision::Column::Revision,
            )),
        )
        .cond_where(readable_revisions(RevisionAccess::Published(
            scope.published_visibilities(),
        )))
        .to_owned();
    any.add(
        Condition::all()
            .add(Expr::exists(published))
            .add(moderation_decision::Column::Decision.ne(Decision::DismissReports.as_str())),
    )
}

/// The moderation log of the tools the scope may see, newest first.
pub async fn decisions(
    db: &impl ConnectionTrait,
    scope: &ToolScope,
    tool_id: Option<i64>,
    after_id: Option<i64>,
    limit: u64,
) -> Result<Vec<ModerationDecision>, DbErr> {
    let mut query = decisions_query(scope, tool_id).order_by_desc(moderation_decision::Column::Id);
    if let Some(after) = after_id {
        query = query.filter(moderation_decision::Column::Id.lt(after));
    }
    query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(decision_from)
        .collect()
}

pub async fn count_decisions(
    db: &impl ConnectionTrait,
    scope: &ToolScope,
    tool_id: Option<i64>,
) -> Result<u64, DbErr> {
    decisions_query(scope, tool_id).count(db).await
}

/// Whether the organisation has a tool with this title in any revision and language.
pub async fn owner_has_title(
    db: &impl ConnectionTrait,
    owner_id: i64,
    title: &str,
) -> Result<bool, DbErr> {
    let revision_ids: Vec<i64> = tool_translation::Entity::find()
        .filter(tool_translation::Column::Title.eq(title))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.revision_id)
        .collect();
    if revision_ids.is_empty() {
        return Ok(false);
    }
    let found = tool_revision::Entity::find()
        .join(
            sea_orm::JoinType::InnerJoin,
            tool_revision::Relation::Tool.def(),
        )
        .filter(tool_revision::Column::Id.is_in(revision_ids))
        .filter(tool::Column::OwnerId.eq(owner_id))
        .count(db)
        .await?;
    Ok(found > 0)
}

/// Tool ids in id order after `after`: for walking the whole catalogue in batches.
pub async fn ids_after(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    Ok(tool::Entity::find()
        .filter(tool::Column::Id.gt(after))
        .order_by_asc(tool::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect())
}

pub async fn ids_of_owner(db: &impl ConnectionTrait, owner_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(tool::Entity::find()
        .filter(tool::Column::OwnerId.eq(owner_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect())
}

/// The ids of the tools this organisation owns, as a subquery.
pub fn owned_by(owner_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(tool::Column::Id)
        .from(tool::Entity)
        .and_where(tool::Column::OwnerId.eq(owner_id))
        .to_owned()
}

/// Every approval of a tool this organisation owns, any year: (tool, when).
pub async fn approvals_of_owner(
    db: &impl ConnectionTrait,
    owner_id: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, DbErr> {
    let owned = Query::select()
        .column(tool::Column::Id)
        .from(tool::Entity)
        .and_where(tool::Column::OwnerId.eq(owner_id))
        .to_owned();
    Ok(moderation_decision::Entity::find()
        .filter(moderation_decision::Column::ToolId.in_subquery(owned))
        .filter(moderation_decision::Column::Decision.eq(Decision::Approve.as_str()))
        .order_by_asc(moderation_decision::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.tool_id, m.decided_at))
        .collect())
}

/// Published, active tools last known current at or before `before` whose owner was not yet
/// told: (id, owner, when last reviewed), oldest first, at most `limit`.
pub async fn review_due_untold(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(i64, i64, DateTime<Utc>)>, DbErr> {
    let rows = tool::Entity::find()
        .filter(tool::Column::Lifecycle.eq(Lifecycle::Active.as_str()))
        .filter(tool::Column::PublishedRevision.is_not_null())
        .filter(tool::Column::ReviewedAt.lte(before))
        .filter(tool::Column::ReviewRemindedAt.is_null())
        .order_by_asc(tool::Column::ReviewedAt)
        .order_by_asc(tool::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.id, r.owner_id, r.reviewed_at?)))
        .collect())
}

/// Notes that the owner of `id` was told its review date nears, unless the tool was reviewed
/// meanwhile (its `reviewed_at` is no longer `reviewed`): true when noted.
pub async fn note_review_reminded(
    db: &impl ConnectionTrait,
    id: i64,
    reviewed: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = tool::Entity::update_many()
        .col_expr(tool::Column::ReviewRemindedAt, Expr::value(now))
        .filter(tool::Column::Id.eq(id))
        .filter(tool::Column::ReviewedAt.eq(reviewed))
        .filter(tool::Column::ReviewRemindedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Per organisation with published, active tools: how many it has, how many were last known
/// current at or before `due_soon` (due within the notice period, or past it), and how many at
/// or before `overdue` (past their review date). One grouped query, a row per organisation.
pub async fn review_overview(
    db: &impl ConnectionTrait,
    due_soon: DateTime<Utc>,
    overdue: DateTime<Utc>,
) -> Result<Vec<(i64, i64, i64, i64)>, DbErr> {
    let at_or_before = |moment: DateTime<Utc>| {
        Expr::case(Expr::col(tool::Column::ReviewedAt).lte(moment), 1)
            .finally(0)
            .sum()
    };
    tool::Entity::find()
        .select_only()
        .column(tool::Column::OwnerId)
        .column_as(tool::Column::Id.count(), "published")
        .column_as(at_or_before(due_soon), "due_soon")
        .column_as(at_or_before(overdue), "overdue")
        .filter(tool::Column::Lifecycle.eq(Lifecycle::Active.as_str()))
        .filter(tool::Column::PublishedRevision.is_not_null())
        .group_by(tool::Column::OwnerId)
        .order_by_asc(tool::Column::OwnerId)
        .into_tuple::<(i64, i64, i64, i64)>()
        .all(db)
        .await
}

/// Per organisation and language, how many of its published, active tools are written in that
/// language: (organisation, language, tools). One grouped query over the published revisions'
/// translations.
pub async fn language_coverage(db: &impl ConnectionTrait) -> Result<Vec<(i64, Lang, i64)>, DbErr> {
    // No value from outside: the one literal is the lifecycle's own name.
    let sql = format!(
        "SELECT t.owner_id AS owner_id, tr.lang AS lang, COUNT(*) AS tools FROM tools t \
         JOIN tool_revisions r ON r.tool_id = t.id AND r.number = t.published_revision \
         JOIN tool_translations tr ON tr.revision_id = r.id \
         WHERE t.lifecycle = '{}' GROUP BY t.owner_id, tr.lang",
        Lifecycle::Active.as_str()
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.iter()
        .map(|row| {
            let lang: String = row.try_get("", "lang")?;
            Ok((
                row.try_get("", "owner_id")?,
                lang_from(&lang)?,
                row.try_get("", "tools")?,
            ))
        })
        .collect()
}
