//! The evaluation loop of the law, after the activity report:
//! - platform admins set a year's quality indicators (fixed once a report on the year is in);
//! - a caisse reports their values in its draft, frozen with the report;
//! - an INASTI moderator records an evaluation of each accepted report, another approves it;
//! - once every caisse's is approved, a platform admin publishes the year's evaluation, frozen
//!   and hashed, and its weights become those of the next year's funding;
//! - the CGG reads it, records its advice, and follows the years three at a time.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use crate::{Context, ServiceError, ServiceResult, authorise, service_offerings, signed_in};
use commons_domain::activity_report::{self as report_model, ReportFigures, ReportStatus};
use commons_domain::evaluation::{
    self as model, ADVICE_MAX_CHARS, CaisseFacts, Evaluation, EvaluationStatus, Indicator,
    IndicatorDraft, MAX_VALUES_PER_CALL, QualityCriterion, Readiness, YearEvaluation,
    YearEvaluationFigures,
};
use commons_domain::funding::FundingParameters;
use commons_domain::identity::Actor;
use commons_domain::lang::Lang;
use commons_domain::organisation::Organisation;
use commons_domain::policy::{Action, Resource};
use commons_domain::tool::ServiceCategory;
use commons_domain::validation::{self, FieldError, FieldErrorCode, Validator};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "evaluation";
const YEAR_SUBJECT: &str = "year_evaluation";

/// The year's indicators: anyone may read them, like the legal frame.
pub async fn indicators(ctx: &Context, year: i32) -> ServiceResult<Vec<Indicator>> {
    Ok(commons_store::evaluations::indicators(&ctx.db, year).await?)
}

/// Sets the year's indicators, replacing the set before. Once a caisse has submitted its
/// report on the year, the set is fixed: every caisse is measured by the same indicators.
pub async fn set_indicators(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
    drafts: Vec<IndicatorDraft>,
) -> ServiceResult<Vec<Indicator>> {
    let actor = authorise(actor, Action::SetIndicators, Resource::Platform)?;
    let now = ctx.now();
    let indicators =
        model::check_indicators(year, &drafts, now.year()).map_err(ServiceError::Invalid)?;
    let txn = begin_write(&ctx.db).await?;
    // The year's newest set is locked by a submission too, so that no report is frozen
    // against a set being replaced.
    commons_store::evaluations::lock_indicators(&txn, year).await?;
    if !commons_store::activity_reports::of_year(&txn, year)
        .await?
        .is_empty()
    {
        return Err(FieldError::new(
            &["year"],
            FieldErrorCode::InvalidState,
            format!("reports on {year} are already submitted: its indicators are fixed"),
        )
        .into());
    }
    commons_store::evaluations::save_indicators(&txn, year, &indicators, actor.user_id, now)
        .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "indicators.set",
            subject_type: "indicators",
            subject_id: i64::from(year),
            details: json!({
                "year": year,
                "codes": indicators.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(),
            }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(indicators)
}

/// One value as a caisse enters it; `None` clears it.
pub struct ValueInput {
    pub code: String,
    pub category: ServiceCategory,
    pub value: Option<i64>,
}

/// Sets values of the year's indicators in the caller's caisse's draft: all of them or none.
/// A submitted report's values are frozen; a returned one's can be corrected.
pub async fn set_values(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
    values: Vec<ValueInput>,
) -> ServiceResult<()> {
    let caller = signed_in(actor)?;
    let caisse = commons_store::organisations::find_by_id(&ctx.db, caller.organisation_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let actor = authorise(
        actor,
        Action::ReportIndicatorValues,
        Resource::Organisation {
            id: caisse.id,
            kind: caisse.kind,
        },
    )?;
    let now = ctx.now();
    report_model::check_year(year, now.year())?;
    if values.len() > MAX_VALUES_PER_CALL {
        return Err(FieldError::new(
            &["values"],
            FieldErrorCode::TooLong,
            format!("at most {MAX_VALUES_PER_CALL} values at once"),
        )
        .into());
    }
    if let Some(r) = commons_store::activity_reports::find(&ctx.db, caisse.id, year).await?
        && r.status != ReportStatus::Returned
    {
        return Err(FieldError::new(
            &["year"],
            FieldErrorCode::InvalidState,
            format!(
                "the report on {year} is {}: its values are frozen",
                r.status.as_str().to_lowercase()
            ),
        )
        .into());
    }
    let indicators = commons_store::evaluations::indicators(&ctx.db, year).await?;
    let (compliance, _) = service_offerings::compliance(ctx, caisse.id, year).await?;
    let mut v = Validator::new();
    let mut seen = BTreeSet::new();
    for (i, input) in values.iter().enumerate() {
        let index = i.to_string();
        let field = ["values", index.as_str()];
        if !seen.insert((input.code.as_str(), input.category)) {
            v.push(FieldError::new(
                &["values", &index],
                FieldErrorCode::Duplicate,
                "this indicator and category are given twice",
            ));
            continue;
        }
        let indicator = indicators.iter().find(|d| d.code == input.code);
        match input.value {
            Some(value) => {
                v.check(model::check_value(
                    &field,
                    indicator,
                    input.category,
                    &compliance.offered,
                    value,
                    ctx.indicator_max_count,
                ));
            }
            None if indicator.is_none() => v.push(FieldError::new(
                &["values", &index, "code"],
                FieldErrorCode::NotFound,
                "no indicator of the year has this code",
            )),
            None => {}
        }
    }
    v.finish()?;
    let txn = begin_write(&ctx.db).await?;
    // Checked again in the transaction: a report submitted meanwhile keeps what it froze.
    if let Some(r) = commons_store::activity_reports::find(&txn, caisse.id, year).await?
        && r.status != ReportStatus::Returned
    {
        return Err(ServiceError::Conflict(
            "the report was submitted meanwhile; its values are frozen".into(),
        ));
    }
    for input in &values {
        let key = commons_store::evaluations::ValueKey {
            caisse_id: caisse.id,
            year,
            code: &input.code,
            category: input.category,
        };
        match input.value {
            Some(value) => {
                commons_store::evaluations::put_value(&txn, key, value, actor.user_id, now).await?
            }
            None => commons_store::evaluations::clear_value(&txn, key).await?,
        }
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "indicators.values_set",
            subject_type: "organisation",
            subject_id: caisse.id,
            details: json!({
                "year": year,
                "values": values.iter().map(|v| json!({
                    "code": v.code, "category": v.category.as_str(), "value": v.value,
                })).collect::<Vec<_>>(),
            }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(())
}

/// A caisse's indicators of a year as they stand: the set they were read against, the values
/// a report would freeze, and the required ones missing.
#[derive(Clone, Debug, Default)]
pub struct Reported {
    pub set: Vec<Indicator>,
    pub values: Vec<report_model::ReportIndicator>,
    pub missing: Vec<(String, ServiceCategory)>,
    /// The categories the values are for: those the caisse offers that year.
    pub offered: BTreeSet<ServiceCategory>,
}

pub(crate) async fn reported(
    ctx: &Context,
    caisse_id: i64,
    year: i32,
    offered: &BTreeSet<ServiceCategory>,
) -> ServiceResult<Reported> {
    let set = commons_store::evaluations::indicators(&ctx.db, year).await?;
    if set.is_empty() {
        return Ok(Reported {
            offered: offered.clone(),
            ..Reported::default()
        });
    }
    let values = commons_store::evaluations::values(&ctx.db, caisse_id, year).await?;
    let max = ctx.indicator_max_count;
    Ok(Reported {
        values: model::report_indicators(&set, offered, &values, max),
        missing: model::missing_required(&set, offered, &values, max),
        set,
        offered: offered.clone(),
    })
}

/// INASTI's evaluation of a report as the caller may see it: INASTI's officers see it as it
/// stands, the caisse's people once it is approved, nobody else.
pub async fn of_report(
    ctx: &Context,
    actor: Option<&Actor>,
    caisse: &Organisation,
    report_id: i64,
) -> ServiceResult<Option<Evaluation>> {
    let actor = authorise(
        actor,
        Action::ReadEvaluation,
        Resource::Organisation {
            id: caisse.id,
            kind: caisse.kind,
        },
    )?;
    let evaluation = commons_store::evaluations::evaluation_of_report(&ctx.db, report_id).await?;
    Ok(evaluation
        .filter(|e| !actor.belongs_to(caisse.id) || e.status == EvaluationStatus::Approved))
}

/// What a moderator records.
pub struct EvaluationInput {
    pub report_id: i64,
    pub scores: Vec<(QualityCriterion, i64)>,
    pub text: String,
    pub weight: String,
}

/// Records the evaluation of an accepted report, or rewrites one not yet approved.
pub async fn record(
    ctx: &Context,
    actor: Option<&Actor>,
    input: EvaluationInput,
) -> ServiceResult<Evaluation> {
    let actor = authorise(actor, Action::RecordEvaluation, Resource::Platform)?;
    let report = commons_store::activity_reports::find_by_id(&ctx.db, input.report_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (scores, text, weight) = model::check_evaluation(&input.scores, &input.text, &input.weight)
        .map_err(ServiceError::Invalid)?;
    if report.status != ReportStatus::Accepted {
        return Err(FieldError::new(
            &["reportId"],
            FieldErrorCode::InvalidState,
            format!(
                "the report is {}: only an accepted report is evaluated",
                report.status.as_str().to_lowercase()
            ),
        )
        .into());
    }
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    if commons_store::evaluations::published(&txn, report.year)
        .await?
        .is_some()
    {
        return Err(published_already(report.year));
    }
    let recorded = || commons_store::evaluations::Recorded {
        scores: &scores,
        text: &text,
        weight,
        user_id: actor.user_id,
    };
    let existing = commons_store::evaluations::evaluation_of_report(&txn, report.id).await?;
    let id = match existing {
        None => {
            commons_store::evaluations::insert_evaluation(
                &txn,
                report.id,
                report.caisse_id,
                report.year,
                recorded(),
                now,
            )
            .await
            .map_err(|e| {
                if commons_store::is_unique_violation(&e) {
                    ServiceError::Conflict("the report was evaluated meanwhile; reload it".into())
                } else {
                    ServiceError::Database(e)
                }
            })?
            .id
        }
        Some(e) if e.status == EvaluationStatus::Approved => {
            return Err(FieldError::new(
                &["reportId"],
                FieldErrorCode::InvalidState,
                "the evaluation is approved already",
            )
            .into());
        }
        Some(e) => {
            if !commons_store::evaluations::revise_evaluation(
                &txn,
                e.id,
                e.version,
                recorded(),
                now,
            )
            .await?
            {
                return Err(ServiceError::Conflict(
                    "the evaluation changed meanwhile; reload it".into(),
                ));
            }
            e.id
        }
    };
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "evaluation.recorded",
            subject_type: SUBJECT,
            subject_id: id,
            details: json!({
                "report": report.id, "caisse": report.caisse_id, "year": report.year,
                "scores": scores.iter().map(|(c, s)| (c.as_str().to_owned(), json!(s))).collect::<serde_json::Map<_, _>>(),
                "weight": weight.to_string(),
            }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    commons_store::evaluations::evaluation(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

fn published_already(year: i32) -> ServiceError {
    FieldError::new(
        &["year"],
        FieldErrorCode::InvalidState,
        format!("the evaluation of {year} is published: it no longer changes"),
    )
    .into()
}

/// Approves an evaluation another moderator recorded, on the version they read.
pub async fn approve(
    ctx: &Context,
    actor: Option<&Actor>,
    evaluation_id: i64,
    expected_version: i32,
) -> ServiceResult<Evaluation> {
    let caller = signed_in(actor)?;
    if !caller.has(commons_domain::identity::Role::Moderator) {
        return Err(ServiceError::Forbidden);
    }
    let evaluation = commons_store::evaluations::evaluation(&ctx.db, evaluation_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let actor = authorise(
        actor,
        Action::ApproveEvaluation,
        Resource::Evaluation {
            recorded_by: evaluation.recorded_by,
        },
    )?;
    if evaluation.status != EvaluationStatus::Proposed {
        return Err(FieldError::new(
            &["evaluationId"],
            FieldErrorCode::InvalidState,
            "the evaluation is approved already",
        )
        .into());
    }
    if evaluation.version != expected_version {
        return Err(ServiceError::Conflict(
            "the evaluation changed since you read it; read it again".into(),
        ));
    }
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    if !commons_store::evaluations::approve_evaluation(
        &txn,
        evaluation.id,
        evaluation.version,
        actor.user_id,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(
            "the evaluation changed meanwhile; reload it".into(),
        ));
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "evaluation.approved",
            subject_type: SUBJECT,
            subject_id: evaluation.id,
            details: json!({ "caisse": evaluation.caisse_id, "year": evaluation.year, "recordedBy": evaluation.recorded_by }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    commons_store::evaluations::evaluation(&ctx.db, evaluation.id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// One caisse's standing in the year's evaluation.
pub struct CaisseStanding {
    pub caisse: Organisation,
    pub report: Option<report_model::ActivityReport>,
    pub evaluation: Option<Evaluation>,
    pub readiness: Readiness,
}

async fn standings(ctx: &Context, year: i32) -> ServiceResult<Vec<CaisseStanding>> {
    let caisses = super::funding::caisses(ctx).await?;
    let mut reports: HashMap<i64, report_model::ActivityReport> =
        commons_store::activity_reports::of_year(&ctx.db, year)
            .await?
            .into_iter()
            .map(|r| (r.caisse_id, r))
            .collect();
    let mut evaluations: HashMap<i64, Evaluation> =
        commons_store::evaluations::evaluations_of_year(&ctx.db, year)
            .await?
            .into_iter()
            .map(|e| (e.report_id, e))
            .collect();
    Ok(caisses
        .into_iter()
        .map(|caisse| {
            let report = reports.remove(&caisse.id);
            let evaluation = report.as_ref().and_then(|r| evaluations.remove(&r.id));
            let readiness = match (&report, &evaluation) {
                (None, _) => Readiness::NoReport,
                (Some(r), _) if r.status != ReportStatus::Accepted => Readiness::ReportNotAccepted,
                (Some(_), None) => Readiness::NotEvaluated,
                (Some(_), Some(e)) if e.status != EvaluationStatus::Approved => {
                    Readiness::NotApproved
                }
                _ => Readiness::Ready,
            };
            CaisseStanding {
                caisse,
                report,
                evaluation,
                readiness,
            }
        })
        .collect())
}

/// Where every caisse's evaluation of the year stands: INASTI's officers.
pub async fn progress(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
) -> ServiceResult<Vec<CaisseStanding>> {
    authorise(actor, Action::ReadActivityOverview, Resource::Platform)?;
    report_model::check_year(year, ctx.now().year())?;
    standings(ctx, year).await
}

fn name_of(o: &Organisation) -> String {
    o.names
        .get(Some(Lang::Fr))
        .map(|(_, n)| n.to_owned())
        .unwrap_or_else(|| o.slug.clone())
}

/// Publishes the year's evaluation once the year has ended and every caisse's evaluation is
/// approved: frozen and hashed. The approved weights become those of the next year's funding
/// (a new parameters row, linked to this evaluation), when its parameters are already set;
/// otherwise they are taken when they are set.
pub async fn publish(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
) -> ServiceResult<(YearEvaluation, YearEvaluationFigures)> {
    let actor = authorise(actor, Action::PublishYearEvaluation, Resource::Platform)?;
    let now = ctx.now();
    if year >= now.year() || report_model::check_year(year, now.year()).is_err() {
        return Err(FieldError::new(
            &["year"],
            FieldErrorCode::OutOfRange,
            "a year is evaluated once it has ended",
        )
        .into());
    }
    let standings = standings(ctx, year).await?;
    let waiting: Vec<String> = standings
        .iter()
        .filter(|s| s.readiness != Readiness::Ready)
        .map(|s| format!("{} ({})", s.caisse.slug, s.readiness.as_str()))
        .collect();
    if standings.is_empty() || !waiting.is_empty() {
        return Err(FieldError::new(
            &["year"],
            FieldErrorCode::InvalidState,
            format!(
                "every caisse's evaluation must be approved first; waiting: {}",
                waiting.join(", ")
            ),
        )
        .into());
    }
    let mut parsed = Vec::with_capacity(standings.len());
    for s in &standings {
        let (Some(report), Some(evaluation)) = (&s.report, &s.evaluation) else {
            continue;
        };
        let figures: ReportFigures = serde_json::from_str(&report.snapshot)
            .map_err(|e| ServiceError::Database(sea_orm::DbErr::Type(e.to_string())))?;
        parsed.push((s, report, evaluation, figures, name_of(&s.caisse)));
    }
    let facts: Vec<CaisseFacts<'_>> = parsed
        .iter()
        .map(|(s, report, evaluation, figures, name)| CaisseFacts {
            slug: &s.caisse.slug,
            name,
            report_sha256: &report.snapshot_sha256,
            figures,
            evaluation,
        })
        .collect();
    let figures = model::year_figures(year, &facts);
    let (snapshot, digest) = report_model::snapshot(&figures);
    let weights: BTreeMap<i64, commons_domain::money::Weight> = parsed
        .iter()
        .map(|(s, _, e, _, _)| (s.caisse.id, e.weight))
        .collect();
    let txn = begin_write(&ctx.db).await?;
    commons_store::evaluations::publish(&txn, year, &snapshot, &digest, actor.user_id, now)
        .await
        .map_err(|e| {
            if commons_store::is_unique_violation(&e) {
                published_already(year)
            } else {
                ServiceError::Database(e)
            }
        })?;
    let carried = match commons_store::funding::in_force(&txn, year + 1).await? {
        Some(next) => {
            let params = FundingParameters {
                weights: weights.clone(),
                weights_from: Some(year),
                ..next
            };
            commons_store::funding::save(&txn, &params, actor.user_id, now).await?;
            true
        }
        None => false,
    };
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "year_evaluation.published",
            subject_type: YEAR_SUBJECT,
            subject_id: i64::from(year),
            details: json!({
                "year": year, "sha256": digest,
                "weightsCarriedTo": carried.then_some(year + 1),
            }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    let published = commons_store::evaluations::published(&ctx.db, year)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((published, figures))
}

/// The weights a year's funding takes from the published evaluation of the year before, if
/// there is one: (its year, a weight per caisse).
pub(crate) async fn carried_weights(
    ctx: &Context,
    funding_year: i32,
) -> ServiceResult<Option<(i32, BTreeMap<i64, commons_domain::money::Weight>)>> {
    let Some((_, figures)) = published_figures(ctx, funding_year - 1).await? else {
        return Ok(None);
    };
    let mut weights = BTreeMap::new();
    for c in &figures.caisses {
        let w = commons_domain::money::Weight::parse(&c.weight)
            .map_err(|e| ServiceError::Database(sea_orm::DbErr::Type(e)))?;
        weights.insert(c.caisse_id, w);
    }
    Ok(Some((funding_year - 1, weights)))
}

async fn published_figures(
    ctx: &Context,
    year: i32,
) -> ServiceResult<Option<(YearEvaluation, YearEvaluationFigures)>> {
    let Some(published) = commons_store::evaluations::published(&ctx.db, year).await? else {
        return Ok(None);
    };
    let figures: YearEvaluationFigures = serde_json::from_str(&published.snapshot)
        .map_err(|e| ServiceError::Database(sea_orm::DbErr::Type(e.to_string())))?;
    Ok(Some((published, figures)))
}

/// A published year's evaluation: INASTI's officers and the CGG. `None` while unpublished.
pub async fn published(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
) -> ServiceResult<Option<(YearEvaluation, YearEvaluationFigures)>> {
    authorise(actor, Action::ReadYearEvaluation, Resource::Platform)?;
    published_figures(ctx, year).await
}

/// The years published, newest first: INASTI's officers and the CGG.
pub async fn published_years(ctx: &Context, actor: Option<&Actor>) -> ServiceResult<Vec<i32>> {
    authorise(actor, Action::ReadYearEvaluation, Resource::Platform)?;
    Ok(commons_store::evaluations::published_years(&ctx.db).await?)
}

/// Records the CGG's advice on a published year evaluation: once, dated on or after the
/// publication and not in the future.
pub async fn record_advice(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
    text: &str,
    given_on: NaiveDate,
) -> ServiceResult<(YearEvaluation, YearEvaluationFigures)> {
    let actor = authorise(actor, Action::RecordCggAdvice, Resource::Platform)?;
    let now = ctx.now();
    let mut v = Validator::new();
    let text = v.check(validation::required_text(&["text"], text, ADVICE_MAX_CHARS));
    let Some(published) = commons_store::evaluations::published(&ctx.db, year).await? else {
        return Err(FieldError::new(
            &["year"],
            FieldErrorCode::NotFound,
            format!("the evaluation of {year} is not published"),
        )
        .into());
    };
    if given_on < published.published_at.date_naive() || given_on > now.date_naive() {
        v.push(FieldError::new(
            &["givenOn"],
            FieldErrorCode::OutOfRange,
            format!(
                "the advice is given between the publication ({}) and today",
                published.published_at.date_naive()
            ),
        ));
    }
    if published.advice.is_some() {
        v.push(FieldError::new(
            &["year"],
            FieldErrorCode::InvalidState,
            "the committee's advice on this year is recorded already",
        ));
    }
    v.finish()?;
    let text = text.unwrap_or_default();
    let txn = begin_write(&ctx.db).await?;
    if !commons_store::evaluations::record_advice(&txn, year, &text, given_on, actor.user_id, now)
        .await?
    {
        return Err(ServiceError::Conflict(
            "the advice was recorded meanwhile; reload it".into(),
        ));
    }
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "year_evaluation.advice_recorded",
            subject_type: YEAR_SUBJECT,
            subject_id: i64::from(year),
            details: json!({ "year": year, "givenOn": given_on.to_string() }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    published_figures(ctx, year)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Three consecutive years as published: each year's figures, or `None` where the year is not
/// published. The trends are read from the frozen figures, so they equal the yearly ones.
pub async fn trend(
    ctx: &Context,
    actor: Option<&Actor>,
    from_year: i32,
) -> ServiceResult<Vec<(i32, Option<(YearEvaluation, YearEvaluationFigures)>)>> {
    authorise(actor, Action::ReadYearEvaluation, Resource::Platform)?;
    let years = model::check_window(from_year, ctx.now().year())?;
    let mut out = Vec::with_capacity(3);
    for year in years {
        out.push((year, published_figures(ctx, year).await?));
    }
    Ok(out)
}
