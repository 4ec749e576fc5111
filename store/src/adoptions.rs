//! Adoptions: one live row per organisation and tool (a partial unique index); a withdrawn
//! adoption keeps its row with the day it ended.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::codec::parse;
use super::entity::adoption as row;
use super::entity::tool;
use commons_domain::adoption::{Adoption, AdoptionMode, AdoptionsOf};
use commons_domain::policy::ToolScope;

fn from_model(m: row::Model) -> Result<Adoption, DbErr> {
    Ok(Adoption {
        id: m.id,
        tool_id: m.tool_id,
        organisation_id: m.organisation_id,
        mode: parse(&m.mode)?,
        derived_tool_id: m.derived_tool_id,
        note: m.note,
        since: m.since,
        ended_at: m.ended_at,
        updated_at: m.updated_at,
    })
}

/// The organisation's live adoption of the tool, if any.
pub async fn live(
    db: &impl ConnectionTrait,
    tool_id: i64,
    organisation_id: i64,
) -> Result<Option<Adoption>, DbErr> {
    row::Entity::find()
        .filter(row::Column::ToolId.eq(tool_id))
        .filter(row::Column::OrganisationId.eq(organisation_id))
        .filter(row::Column::EndedAt.is_null())
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

pub struct Terms<'a> {
    pub mode: AdoptionMode,
    pub derived_tool_id: Option<i64>,
    pub note: Option<&'a str>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    tool_id: i64,
    organisation_id: i64,
    terms: Terms<'_>,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Adoption, DbErr> {
    let m = row::ActiveModel {
        tool_id: Set(tool_id),
        organisation_id: Set(organisation_id),
        mode: Set(terms.mode.as_str().to_owned()),
        derived_tool_id: Set(terms.derived_tool_id),
        note: Set(terms.note.map(str::to_owned)),
        since: Set(now),
        ended_at: Set(None),
        updated_at: Set(now),
        updated_by: Set(user_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    from_model(m)
}

pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    terms: Terms<'_>,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = row::Entity::update_many()
        .col_expr(row::Column::Mode, Expr::value(terms.mode.as_str()))
        .col_expr(
            row::Column::DerivedToolId,
            Expr::value(terms.derived_tool_id),
        )
        .col_expr(
            row::Column::Note,
            Expr::value(terms.note.map(str::to_owned)),
        )
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .col_expr(row::Column::UpdatedBy, Expr::value(user_id))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn end(
    db: &impl ConnectionTrait,
    id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = row::Entity::update_many()
        .col_expr(row::Column::EndedAt, Expr::value(now))
        .col_expr(row::Column::UpdatedAt, Expr::value(now))
        .col_expr(row::Column::UpdatedBy, Expr::value(user_id))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Adoption>, DbErr> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// Adoptions of the tools `scope` may see, of one tool or by one organisation: an adoption
/// names its tool and its note may describe it, so one of a tool the reader may not see is
/// neither listed nor counted.
fn listed(of: AdoptionsOf, scope: &ToolScope, include_ended: bool) -> sea_orm::Select<row::Entity> {
    let visible_tools = Query::select()
        .column(tool::Column::Id)
        .from(tool::Entity)
        .cond_where(super::tools::visible(scope))
        .to_owned();
    let q = row::Entity::find()
        .filter(match of {
            AdoptionsOf::Tool(tool) => row::Column::ToolId.eq(tool),
            AdoptionsOf::Organisation(org) => row::Column::OrganisationId.eq(org),
        })
        .filter(row::Column::ToolId.in_subquery(visible_tools));
    if include_ended {
        q
    } else {
        q.filter(row::Column::EndedAt.is_null())
    }
}

/// A tool's or an organisation's adoptions, live ones or all, newest first, before the id
/// `before`.
pub async fn page(
    db: &impl ConnectionTrait,
    of: AdoptionsOf,
    scope: &ToolScope,
    include_ended: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Adoption>, DbErr> {
    let q = listed(of, scope, include_ended);
    super::newest_first(db, q, row::Column::Id, before, limit)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

pub async fn count(
    db: &impl ConnectionTrait,
    of: AdoptionsOf,
    scope: &ToolScope,
    include_ended: bool,
) -> Result<u64, DbErr> {
    listed(of, scope, include_ended).count(db).await
}

/// Live adoptions per tool, for the search index.
pub async fn live_counts(
    db: &impl ConnectionTrait,
    tool_ids: &[i64],
) -> Result<HashMap<i64, u64>, DbErr> {
    let mut out = HashMap::new();
    for chunk in tool_ids.chunks(500) {
        for m in row::Entity::find()
            .filter(row::Column::ToolId.is_in(chunk.to_vec()))
            .filter(row::Column::EndedAt.is_null())
            .all(db)
            .await?
        {
            *out.entry(m.tool_id).or_insert(0) += 1;
        }
    }
    Ok(out)
}

/// The tool this one was adapted from, if its owner recorded it.
pub async fn based_on(
    db: &impl ConnectionTrait,
    derived_tool_id: i64,
) -> Result<Option<Adoption>, DbErr> {
    row::Entity::find()
        .filter(row::Column::DerivedToolId.eq(derived_tool_id))
        .filter(row::Column::EndedAt.is_null())
        .order_by_desc(row::Column::Id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// Adoptions begun during `[from, until)`: by the organisation, and of its tools.
pub async fn begun_in(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let in_period = || {
        row::Entity::find()
            .filter(row::Column::Since.gte(from))
            .filter(row::Column::Since.lt(until))
    };
    let given = in_period()
        .filter(row::Column::OrganisationId.eq(organisation_id))
        .count(db)
        .await?;
    let received = in_period()
        .filter(row::Column::ToolId.in_subquery(super::tools::owned_by(organisation_id)))
        .count(db)
        .await?;
    Ok((given, received))
}
