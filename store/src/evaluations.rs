//! The evaluation's records: a year's indicators (one row per change, the newest in force),
//! the values caisses report, INASTI's evaluations of accepted reports and the published year
//! evaluations with the CGG's advice. Every change of an evaluation is conditional on the
//! status and version it was decided on, so two moderators acting at once cannot both win.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use super::codec::{lang_from, parse};
use super::entity::{
    evaluation as eval_row, indicator_set, indicator_value, year_evaluation as published,
};
use commons_domain::evaluation::{
    Advice, Evaluation, EvaluationStatus, Indicator, QualityCriterion, YearEvaluation,
};
use commons_domain::lang::LocalisedText;
use commons_domain::money::Weight;
use commons_domain::tool::ServiceCategory;

/// An indicator as its column holds it.
#[derive(Serialize, Deserialize)]
struct StoredIndicator {
    code: String,
    criterion: String,
    names: BTreeMap<String, String>,
    unit: String,
    categories: Vec<String>,
    required: bool,
}

fn corrupt(e: impl ToString) -> DbErr {
    DbErr::Type(e.to_string())
}

/// The year's indicators in force: the newest set saved, or none.
pub async fn indicators(db: &impl ConnectionTrait, year: i32) -> Result<Vec<Indicator>, DbErr> {
    let Some(row) = indicator_set::Entity::find()
        .filter(indicator_set::Column::Year.eq(year))
        .order_by_desc(indicator_set::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let stored: Vec<StoredIndicator> = serde_json::from_str(&row.definitions).map_err(corrupt)?;
    stored
        .into_iter()
        .map(|s| {
            let names: LocalisedText = s
                .names
                .into_iter()
                .map(|(code, text)| Ok((lang_from(&code)?, text)))
                .collect::<Result<_, DbErr>>()?;
            Ok(Indicator {
                code: s.code,
                criterion: parse(&s.criterion)?,
                names,
                unit: parse(&s.unit)?,
                categories: s
                    .categories
                    .iter()
                    .map(|c| parse(c))
                    .collect::<Result<BTreeSet<ServiceCategory>, _>>()?,
                required: s.required,
            })
        })
        .collect()
}

/// Locks the year's newest indicator set until the transaction ends (`FOR UPDATE` on
/// PostgreSQL; SQLite's write transactions already take turns) and reads the set in force.
pub async fn lock_indicators(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Vec<Indicator>, DbErr> {
    use sea_orm::QuerySelect;
    indicator_set::Entity::find()
        .filter(indicator_set::Column::Year.eq(year))
        .order_by_desc(indicator_set::Column::Id)
        .lock_exclusive()
        .one(db)
        .await?;
    indicators(db, year).await
}

pub async fn save_indicators(
    db: &impl ConnectionTrait,
    year: i32,
    indicators: &[Indicator],
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let stored: Vec<StoredIndicator> = indicators
        .iter()
        .map(|i| StoredIndicator {
            code: i.code.clone(),
            criterion: i.criterion.as_str().to_owned(),
            names: i
                .names
                .iter()
                .map(|(l, t)| (l.code().to_owned(), t.to_owned()))
                .collect(),
            unit: i.unit.as_str().to_owned(),
            categories: i.categories.iter().map(|c| c.as_str().to_owned()).collect(),
            required: i.required,
        })
        .collect();
    indicator_set::ActiveModel {
        year: Set(year),
        definitions: Set(serde_json::to_string(&stored).map_err(corrupt)?),
        updated_at: Set(now),
        updated_by: Set(user_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A caisse's reported values of a year, by (code, category).
pub async fn values(
    db: &impl ConnectionTrait,
    caisse_id: i64,
    year: i32,
) -> Result<BTreeMap<(String, ServiceCategory), i64>, DbErr> {
    indicator_value::Entity::find()
        .filter(indicator_value::Column::CaisseId.eq(caisse_id))
        .filter(indicator_value::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .map(|m| Ok(((m.code, parse(&m.category)?), m.value)))
        .collect()
}

/// Whose value of which indicator and category, for which year.
pub struct ValueKey<'a> {
    pub caisse_id: i64,
    pub year: i32,
    pub code: &'a str,
    pub category: ServiceCategory,
}

/// Sets one value, replacing the one before.
pub async fn put_value(
    db: &impl ConnectionTrait,
    key: ValueKey<'_>,
    value: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use indicator_value::Column as C;
    indicator_value::Entity::insert(indicator_value::ActiveModel {
        caisse_id: Set(key.caisse_id),
        year: Set(key.year),
        code: Set(key.code.to_owned()),
        category: Set(key.category.as_str().to_owned()),
        value: Set(value),
        updated_at: Set(now),
        updated_by: Set(user_id),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([C::CaisseId, C::Year, C::Code, C::Category])
            .update_columns([C::Value, C::UpdatedAt, C::UpdatedBy])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

pub async fn clear_value(db: &impl ConnectionTrait, key: ValueKey<'_>) -> Result<(), DbErr> {
    use indicator_value::Column as C;
    indicator_value::Entity::delete_many()
        .filter(C::CaisseId.eq(key.caisse_id))
        .filter(C::Year.eq(key.year))
        .filter(C::Code.eq(key.code))
        .filter(C::Category.eq(key.category.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

fn evaluation_from(m: eval_row::Model) -> Result<Evaluation, DbErr> {
    let raw: BTreeMap<String, i64> = serde_json::from_str(&m.scores).map_err(corrupt)?;
    let scores = raw
        .into_iter()
        .map(|(c, s)| Ok((parse::<QualityCriterion>(&c)?, s)))
        .collect::<Result<_, DbErr>>()?;
    Ok(Evaluation {
        id: m.id,
        report_id: m.report_id,
        caisse_id: m.caisse_id,
        year: m.year,
        scores,
        text: m.text,
        weight: Weight::from_ten_thousandths(m.weight).ok_or_else(|| corrupt("weight"))?,
        status: parse(&m.status)?,
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
        approved_by: m.approved_by,
        approved_at: m.approved_at,
        version: m.version,
    })
}

pub async fn evaluation_of_report(
    db: &impl ConnectionTrait,
    report_id: i64,
) -> Result<Option<Evaluation>, DbErr> {
    eval_row::Entity::find()
        .filter(eval_row::Column::ReportId.eq(report_id))
        .one(db)
        .await?
        .map(evaluation_from)
        .transpose()
}

pub async fn evaluation(db: &impl ConnectionTrait, id: i64) -> Result<Option<Evaluation>, DbErr> {
    eval_row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(evaluation_from)
        .transpose()
}

/// Every evaluation of the year, by caisse.
pub async fn evaluations_of_year(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Vec<Evaluation>, DbErr> {
    eval_row::Entity::find()
        .filter(eval_row::Column::Year.eq(year))
        .order_by_asc(eval_row::Column::CaisseId)
        .all(db)
        .await?
        .into_iter()
        .map(evaluation_from)
        .collect()
}

fn scores_json(scores: &BTreeMap<QualityCriterion, i64>) -> String {
    let map: BTreeMap<&str, i64> = scores.iter().map(|(c, s)| (c.as_str(), *s)).collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}

/// What a moderator records.
pub struct Recorded<'a> {
    pub scores: &'a BTreeMap<QualityCriterion, i64>,
    pub text: &'a str,
    pub weight: Weight,
    pub user_id: i64,
}

/// The first evaluation of a report; its unique report refuses a second one at the same moment.
pub async fn insert_evaluation(
    db: &impl ConnectionTrait,
    report_id: i64,
    caisse_id: i64,
    year: i32,
    r: Recorded<'_>,
    now: DateTime<Utc>,
) -> Result<Evaluation, DbErr> {
    let m = eval_row::ActiveModel {
        report_id: Set(report_id),
        caisse_id: Set(caisse_id),
        year: Set(year),
        scores: Set(scores_json(r.scores)),
        text: Set(r.text.to_owned()),
        weight: Set(i64::from(r.weight.ten_thousandths())),
        status: Set(EvaluationStatus::Proposed.as_str().to_owned()),
        recorded_by: Set(r.user_id),
        recorded_at: Set(now),
        approved_by: Set(None),
        approved_at: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    evaluation_from(m)
}

/// A proposed evaluation rewritten, if it is still the version it was based on: whoever
/// rewrites it becomes its author, so the four eyes count from them.
pub async fn revise_evaluation(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    r: Recorded<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use eval_row::Column as C;
    let result = eval_row::Entity::update_many()
        .col_expr(C::Scores, Expr::value(scores_json(r.scores)))
        .col_expr(C::Text, Expr::value(r.text))
        .col_expr(
            C::Weight,
            Expr::value(i64::from(r.weight.ten_thousandths())),
        )
        .col_expr(C::RecordedBy, Expr::value(r.user_id))
        .col_expr(C::RecordedAt, Expr::value(now))
        .col_expr(C::Version, Expr::value(version + 1))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .filter(C::Status.eq(EvaluationStatus::Proposed.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn approve_evaluation(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use eval_row::Column as C;
    let result = eval_row::Entity::update_many()
        .col_expr(C::Status, Expr::value(EvaluationStatus::Approved.as_str()))
        .col_expr(C::ApprovedBy, Expr::value(user_id))
        .col_expr(C::ApprovedAt, Expr::value(now))
        .col_expr(C::Version, Expr::value(version + 1))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .filter(C::Status.eq(EvaluationStatus::Proposed.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn published_from(m: published::Model) -> YearEvaluation {
    let advice = match (m.advice, m.advice_on, m.advice_by, m.advice_at) {
        (Some(text), Some(given_on), Some(recorded_by), Some(recorded_at)) => Some(Advice {
            text,
            given_on,
            recorded_by,
            recorded_at,
        }),
        _ => None,
    };
    YearEvaluation {
        year: m.year,
        snapshot: m.snapshot,
        snapshot_sha256: m.snapshot_sha256,
        published_at: m.published_at,
        published_by: m.published_by,
        advice,
    }
}

pub async fn published(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Option<YearEvaluation>, DbErr> {
    Ok(published::Entity::find_by_id(year)
        .one(db)
        .await?
        .map(published_from))
}

/// The published years, newest first.
pub async fn published_years(db: &impl ConnectionTrait) -> Result<Vec<i32>, DbErr> {
    Ok(published::Entity::find()
        .order_by_desc(published::Column::Year)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.year)
        .collect())
}

/// Publishes a year; its primary key refuses a second publication made at the same moment.
pub async fn publish(
    db: &impl ConnectionTrait,
    year: i32,
    snapshot: &str,
    sha256: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    published::ActiveModel {
        year: Set(year),
        snapshot: Set(snapshot.to_owned()),
        snapshot_sha256: Set(sha256.to_owned()),
        published_at: Set(now),
        published_by: Set(user_id),
        advice: Set(None),
        advice_on: Set(None),
        advice_by: Set(None),
        advice_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records the CGG's advice, once: only where none is recorded yet.
pub async fn record_advice(
    db: &impl ConnectionTrait,
    year: i32,
    text: &str,
    given_on: NaiveDate,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use published::Column as C;
    let result = published::Entity::update_many()
        .col_expr(C::Advice, Expr::value(text))
        .col_expr(C::AdviceOn, Expr::value(given_on))
        .col_expr(C::AdviceBy, Expr::value(user_id))
        .col_expr(C::AdviceAt, Expr::value(now))
        .filter(C::Year.eq(year))
        .filter(C::Advice.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
