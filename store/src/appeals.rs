//! Appeals against moderation decisions: one per decision, open until a moderator decides.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::codec::parse;
use super::entity::appeal as row;
use commons_domain::appeal::{Appeal, AppealDecision, AppealOutcome};

fn from_model(m: row::Model) -> Result<Appeal, DbErr> {
    let decided = match (m.outcome, m.decided_by, m.decided_at) {
        (Some(outcome), Some(by), Some(at)) => Some(AppealDecision {
            outcome: parse(&outcome)?,
            reason: m.outcome_reason.unwrap_or_default(),
            by,
            at,
        }),
        _ => None,
    };
    Ok(Appeal {
        id: m.id,
        decision_id: m.decision_id,
        tool_id: m.tool_id,
        review_id: m.review_id,
        appellant_organisation_id: m.appellant_organisation_id,
        appellant_id: m.appellant_id,
        statement: m.statement,
        filed_at: m.filed_at,
        decided,
    })
}

fn all(models: Vec<row::Model>) -> Result<Vec<Appeal>, DbErr> {
    models.into_iter().map(from_model).collect()
}

pub struct Filed<'a> {
    pub decision_id: i64,
    pub tool_id: i64,
    pub review_id: Option<i64>,
    pub appellant_organisation_id: i64,
    pub appellant_id: i64,
    pub statement: &'a str,
}

/// Files an appeal; a second on the same decision violates the unique index
/// (`is_unique_violation`).
pub async fn insert(
    db: &impl ConnectionTrait,
    f: Filed<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let result = row::Entity::insert(row::ActiveModel {
        decision_id: Set(f.decision_id),
        tool_id: Set(f.tool_id),
        review_id: Set(f.review_id),
        appellant_organisation_id: Set(f.appellant_organisation_id),
        appellant_id: Set(f.appellant_id),
        statement: Set(f.statement.to_owned()),
        filed_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(result.last_insert_id)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Appeal>, DbErr> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// The appeals of these decisions.
pub async fn of_decisions(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Appeal>, DbErr> {
    all(row::Entity::find()
        .filter(row::Column::DecisionId.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// Open appeals, oldest first, after the id `after`, at most `limit`.
pub async fn open(
    db: &impl ConnectionTrait,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<Appeal>, DbErr> {
    let mut q = row::Entity::find().filter(row::Column::DecidedAt.is_null());
    if let Some(after) = after {
        q = q.filter(row::Column::Id.gt(after));
    }
    all(q.order_by_asc(row::Column::Id).limit(limit).all(db).await?)
}

pub async fn count_open(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    row::Entity::find()
        .filter(row::Column::DecidedAt.is_null())
        .count(db)
        .await
}

/// Decides the appeal if it is still open; whether it did.
pub async fn decide(
    db: &impl ConnectionTrait,
    id: i64,
    outcome: AppealOutcome,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = row::Entity::update_many()
        .col_expr(row::Column::Outcome, Expr::value(outcome.as_str()))
        .col_expr(row::Column::OutcomeReason, Expr::value(reason))
        .col_expr(row::Column::DecidedBy, Expr::value(by))
        .col_expr(row::Column::DecidedAt, Expr::value(now))
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::DecidedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
