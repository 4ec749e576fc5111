//! Reviews: one row per organisation and tool, edited in place, hidden by a moderator.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::codec::{hidden, lang_from};
use super::entity::review as row;
use commons_domain::lang::Lang;
use commons_domain::review::Review;

fn from_model(m: row::Model) -> Result<Review, DbErr> {
    Ok(Review {
        id: m.id,
        tool_id: m.tool_id,
        organisation_id: m.organisation_id,
        rating: u8::try_from(m.rating).map_err(|e| DbErr::Type(e.to_string()))?,
        comment: m.comment,
        lang: lang_from(&m.lang)?,
        created_at: m.created_at,
        updated_at: m.updated_at,
        updated_by: m.updated_by,
        hidden: hidden(m.hidden_at, m.hidden_by, m.hidden_reason),
    })
}

/// A review as its organisation writes it.
pub struct Written<'a> {
    pub tool_id: i64,
    pub organisation_id: i64,
    pub rating: u8,
    pub comment: Option<&'a str>,
    pub lang: Lang,
}

/// Writes the organisation's review of the tool, replacing its earlier one. A moderator's
/// hiding stays with the review: the organisation's next text is hidden too, with the same
/// reason, so that reposting cannot undo a moderation.
pub async fn upsert(
    db: &impl ConnectionTrait,
    w: Written<'_>,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Written {
        tool_id,
        organisation_id,
        rating,
        comment,
        lang,
    } = w;
    row::Entity::insert(row::ActiveModel {
        tool_id: Set(tool_id),
        organisation_id: Set(organisation_id),
        rating: Set(i32::from(rating)),
        comment: Set(comment.map(str::to_owned)),
        lang: Set(lang.code().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        updated_by: Set(user_id),
        hidden_at: Set(None),
        hidden_by: Set(None),
        hidden_reason: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([row::Column::ToolId, row::Column::OrganisationId])
            .update_columns([
                row::Column::Rating,
                row::Column::Comment,
                row::Column::Lang,
                row::Column::UpdatedAt,
                row::Column::UpdatedBy,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn of(
    db: &impl ConnectionTrait,
    tool_id: i64,
    organisation_id: i64,
) -> Result<Option<Review>, DbErr> {
    row::Entity::find()
        .filter(row::Column::ToolId.eq(tool_id))
        .filter(row::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Review>, DbErr> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

pub async fn hide(
    db: &impl ConnectionTrait,
    id: i64,
    by: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = row::Entity::update_many()
        .col_expr(row::Column::HiddenAt, Expr::value(now))
        .col_expr(row::Column::HiddenBy, Expr::value(by))
        .col_expr(row::Column::HiddenReason, Expr::value(reason))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::HiddenAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Shows a hidden review again (an appeal overturned the hiding); whether it was hidden.
pub async fn unhide(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let result = row::Entity::update_many()
        .col_expr(
            row::Column::HiddenAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(row::Column::HiddenBy, Expr::value(Option::<i64>::None))
        .col_expr(
            row::Column::HiddenReason,
            Expr::value(Option::<String>::None),
        )
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::HiddenAt.is_not_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A tool's reviews, newest first, before the id `before`, with the hidden ones `hidden` says.
pub async fn of_tool(
    db: &impl ConnectionTrait,
    tool_id: i64,
    hidden: HiddenShown,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Review>, DbErr> {
    let q = query(tool_id, hidden);
    super::newest_first(db, q, row::Column::Id, before, limit)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

pub async fn count_of_tool(
    db: &impl ConnectionTrait,
    tool_id: i64,
    hidden_for: HiddenShown,
) -> Result<u64, DbErr> {
    query(tool_id, hidden_for).count(db).await
}

/// Every visible review of the tool, for its rating.
pub async fn visible_of_tool(
    db: &impl ConnectionTrait,
    tool_id: i64,
) -> Result<Vec<Review>, DbErr> {
    row::Entity::find()
        .filter(row::Column::ToolId.eq(tool_id))
        .filter(row::Column::HiddenAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Which hidden reviews a reader sees besides the visible ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HiddenShown {
    None,
    OfOrganisation(i64),
    All,
}

fn query(tool_id: i64, hidden: HiddenShown) -> sea_orm::Select<row::Entity> {
    let q = row::Entity::find().filter(row::Column::ToolId.eq(tool_id));
    match hidden {
        HiddenShown::All => q,
        HiddenShown::None => q.filter(row::Column::HiddenAt.is_null()),
        HiddenShown::OfOrganisation(org) => q.filter(
            sea_orm::Condition::any()
                .add(row::Column::HiddenAt.is_null())
                .add(row::Column::OrganisationId.eq(org)),
        ),
    }
}

/// Visible reviews written during `[from, until)`: by the organisation, and of its tools.
pub async fn written_in(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let in_period = || {
        row::Entity::find()
            .filter(row::Column::CreatedAt.gte(from))
            .filter(row::Column::CreatedAt.lt(until))
            .filter(row::Column::HiddenAt.is_null())
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
