//! The evaluation on a caisse's page, beside its activity report: the year's quality indicators
//! with the values the caisse reports (a form for its staff while the report is a draft or
//! returned), and INASTI's evaluation of the accepted report (a form for its moderators, the
//! approval of another moderator's, the approved one read by the caisse).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use super::collaborations::Fact;
use super::forms::{Fields, UserErrorData, error_text, mutate, posted};
use super::i18n::{Translations, decimal, fill};
use super::operations::{self as ops, wire};
use super::organisation_page::{OrganisationView, category_name, organisation_page, shown_year};
use super::pages::{Failure, failure_page, percent, see_other};
use super::tool_page::Choice;
use crate::WebState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::evaluation::{MAX_VALUES_PER_CALL, QualityCriterion};
use commons_domain::lang::Lang;

type ReportData = ops::activity_report::ActivityReportActivityReport;
type IndicatorData = ops::activity_report::ActivityReportIndicators;

const SCORES: [&str; 5] = ["1", "2", "3", "4", "5"];

/// One value to report: an indicator for one category the caisse offers.
pub(super) struct IndicatorRow {
    pub name: String,
    pub criterion: String,
    pub category: String,
    /// `v:{code}:{category}`: the form's field.
    pub field: String,
    pub value: String,
    pub unit: String,
    pub min: i64,
    pub max: i64,
    pub required: bool,
    pub missing: bool,
    pub error: Option<String>,
}

/// The indicators section of the account.
pub(super) struct IndicatorsView {
    pub rows: Vec<IndicatorRow>,
    /// Where the caisse's staff save the values, while they may.
    pub action: Option<String>,
    pub missing: usize,
}

/// What a refused save of the values left: what was typed and what was wrong, by field.
#[derive(Default)]
pub(super) struct IndicatorsForm {
    pub typed: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
}

/// INASTI's evaluation as the visitor may see it, and the forms they may use.
pub(super) struct EvaluationView {
    pub shown: Option<ShownEvaluation>,
    pub record: Option<RecordForm>,
}

pub(super) struct ShownEvaluation {
    pub status: String,
    pub scores: Vec<Fact>,
    pub facts: Vec<Fact>,
    pub text: String,
    pub approve: Option<ApproveForm>,
}

pub(super) struct ApproveForm {
    pub action: String,
    pub id: String,
    pub version: i64,
}

pub(super) struct ScoreField {
    pub name: String,
    pub label: String,
    pub hint: String,
    pub choices: Vec<Choice>,
}

/// A moderator's evaluation form, with what a refused one left.
pub(super) struct RecordForm {
    pub action: String,
    pub report_id: String,
    pub scores: Vec<ScoreField>,
    pub scores_error: Option<String>,
    pub text: String,
    pub text_error: Option<String>,
    pub weight: String,
    pub weight_error: Option<String>,
}

fn unit_hint(t: &Translations, lang: Lang, unit: &str, min: i64, max: i64) -> String {
    fill(
        t.get(lang, &format!("indicator_unit_{unit}")),
        &[("min", &min.to_string()), ("max", &max.to_string())],
    )
}

/// The rows of the year's indicators for the categories the report counts offerings in.
pub(super) fn indicators_view(
    t: &Translations,
    lang: Lang,
    path: &str,
    report: &ReportData,
    indicators: &[IndicatorData],
    form: Option<IndicatorsForm>,
) -> Option<IndicatorsView> {
    if indicators.is_empty() {
        return None;
    }
    let form = form.unwrap_or_default();
    let offered: Vec<String> = report.indicator_categories.iter().map(wire).collect();
    let reported: BTreeMap<(String, String), i64> = report
        .indicators
        .iter()
        .map(|i| ((i.code.clone(), wire(&i.category)), i.value))
        .collect();
    let missing: Vec<(String, String)> = report
        .missing_indicators
        .iter()
        .map(|m| (m.code.clone(), wire(&m.category)))
        .collect();
    let mut rows = Vec::new();
    for indicator in indicators {
        for category in &indicator.categories {
            let category_wire = wire(category);
            if !offered.contains(&category_wire) {
                continue;
            }
            let field = format!("v:{}:{category_wire}", indicator.code);
            let key = (indicator.code.clone(), category_wire.clone());
            rows.push(IndicatorRow {
                name: indicator.name.clone(),
                criterion: t
                    .get(lang, &format!("criterion_{}", wire(&indicator.criterion)))
                    .to_owned(),
                category: category_name(t, lang, category),
                value: form
                    .typed
                    .get(&field)
                    .cloned()
                    .or_else(|| reported.get(&key).map(i64::to_string))
                    .unwrap_or_default(),
                unit: unit_hint(
                    t,
                    lang,
                    &wire(&indicator.unit),
                    indicator.minimum,
                    indicator.maximum,
                ),
                min: indicator.minimum,
                max: indicator.maximum,
                required: indicator.required,
                missing: missing.contains(&key),
                error: form.errors.get(&field).cloned(),
                field,
            });
        }
    }
    Some(IndicatorsView {
        missing: rows.iter().filter(|r| r.missing).count(),
        action: report
            .viewer_can
            .enter_indicators
            .then(|| format!("{path}/indicators")),
        rows,
    })
}

pub(super) fn record_form(
    t: &Translations,
    lang: Lang,
    path: &str,
    report_id: &str,
    kept: Option<&BTreeMap<String, i64>>,
) -> RecordForm {
    RecordForm {
        action: format!("{path}/evaluation"),
        report_id: report_id.to_owned(),
        scores: QualityCriterion::ALL
            .iter()
            .map(|c| {
                let chosen = kept.and_then(|k| k.get(c.as_str())).copied();
                ScoreField {
                    name: format!("score:{}", c.as_str()),
                    label: t.get(lang, &format!("criterion_{}", c.as_str())).to_owned(),
                    hint: t
                        .get(lang, &format!("criterion_{}_hint", c.as_str()))
                        .to_owned(),
                    choices: SCORES
                        .iter()
                        .map(|s| Choice {
                            value: s,
                            label: t.get(lang, &format!("score_{s}")).to_owned(),
                            checked: chosen.is_some_and(|v| v.to_string() == *s),
                        })
                        .collect(),
                }
            })
            .collect(),
        scores_error: None,
        text: String::new(),
        text_error: None,
        weight: "1".to_owned(),
        weight_error: None,
    }
}

pub(super) fn evaluation_view(
    t: &Translations,
    lang: Lang,
    path: &str,
    report: &ReportData,
    form: Option<RecordForm>,
) -> Option<EvaluationView> {
    let shown = report.evaluation.as_ref().map(|e| {
        let scores = e
            .scores
            .iter()
            .map(|s| Fact {
                label: t
                    .get(lang, &format!("criterion_{}", wire(&s.criterion)))
                    .to_owned(),
                value: t.get(lang, &format!("score_{}", s.score)).to_owned(),
            })
            .collect();
        let fact = |key: &str, value: String| Fact {
            label: t.get(lang, key).to_owned(),
            value,
        };
        ShownEvaluation {
            status: t
                .get(lang, &format!("evaluation_status_{}", wire(&e.status)))
                .to_owned(),
            scores,
            facts: vec![
                fact("evaluation_mean", decimal(lang, &e.mean_score)),
                fact("evaluation_weight", decimal(lang, &e.suggested_weight)),
            ],
            text: e.text.clone(),
            approve: e.viewer_can_approve.then(|| ApproveForm {
                action: format!("{path}/evaluation/approve"),
                id: e.id.clone(),
                version: e.version,
            }),
        }
    });
    let record = match (&report.id, report.viewer_can.evaluate) {
        (Some(id), true) => Some(form.unwrap_or_else(|| {
            let mut f = record_form(t, lang, path, id, None);
            if let Some(e) = &report.evaluation {
                // Rewriting a proposed evaluation starts from it.
                f = record_form(
                    t,
                    lang,
                    path,
                    id,
                    Some(
                        &e.scores
                            .iter()
                            .map(|s| (wire(&s.criterion), s.score))
                            .collect(),
                    ),
                );
                f.text = e.text.clone();
                f.weight = e.suggested_weight.clone();
            }
            f
        })),
        _ => None,
    };
    (shown.is_some() || record.is_some()).then_some(EvaluationView { shown, record })
}

/// A value of a GraphQL enum from its wire name, as the operation's module types it.
fn parse_wire<T: serde::de::DeserializeOwned>(raw: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned())).ok()
}

fn org_path(slug: &str) -> String {
    format!("/organisations/{}", percent(slug))
}

/// `POST /organisations/{slug}/indicators`: the values typed in the form, all saved or none.
pub async fn save_indicators(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let path = org_path(&slug);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let year = shown_year(&state, fields.one("year").parse().ok());
    let mut form = IndicatorsForm::default();
    let mut values = Vec::new();
    let mut names = Vec::new();
    use ops::set_indicator_values::{IndicatorValueInput, SetIndicatorValuesInput, Variables};
    for (name, raw) in value_fields(&fields) {
        let Some((code, category)) = name
            .strip_prefix("v:")
            .and_then(|rest| rest.rsplit_once(':'))
        else {
            continue;
        };
        let raw = raw.trim().to_owned();
        form.typed.insert(name.clone(), raw.clone());
        let value = if raw.is_empty() {
            None
        } else {
            match raw.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    form.errors
                        .insert(name.clone(), t.get(lang, "error_not_a_number").to_owned());
                    continue;
                }
            }
        };
        let Some(category) = parse_wire(category) else {
            continue;
        };
        names.push(name.clone());
        values.push(IndicatorValueInput {
            code: code.to_owned(),
            category,
            value,
        });
    }
    let mut view = OrganisationView {
        year: Some(year),
        ..OrganisationView::default()
    };
    if form.errors.is_empty() {
        let input = SetIndicatorValuesInput {
            year: year.into(),
            values,
        };
        match mutate::<ops::SetIndicatorValues>(&state, &visit, Variables { input }).await {
            Ok(errors) if errors.is_empty() => {
                return see_other(
                    &super::confirmation::after(
                        &format!("{path}?year={year}#indicators-title"),
                        "indicators_saved",
                    ),
                    &visit.set_cookies,
                );
            }
            Ok(errors) => {
                // `values.N…` names the N-th value sent: the error goes beside its field.
                for e in &errors {
                    let at = e
                        .field
                        .get(1)
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| names.get(i));
                    match at {
                        // The range is said beside the field already: the error says so.
                        Some(name) if e.code == "OUT_OF_RANGE" => {
                            form.errors.entry(name.clone()).or_insert_with(|| {
                                t.get(lang, "error_value_out_of_range").to_owned()
                            });
                        }
                        Some(name) => {
                            form.errors
                                .entry(name.clone())
                                .or_insert_with(|| error_text(t, lang, e));
                        }
                        None => {
                            view.notice.get_or_insert_with(|| error_text(t, lang, e));
                        }
                    }
                }
            }
            Err(Failure::Input(message)) => view.notice = Some(message),
            Err(Failure::Conflict) => view.notice = Some(t.get(lang, "conflict_text").to_owned()),
            Err(other) => return failure_page(&state, &visit, other, &path),
        }
    }
    view.indicators = Some(form);
    organisation_page(&state, &visit, &slug, view, StatusCode::BAD_REQUEST).await
}

/// The form's value fields, at most as many as one call takes (the rest are not read).
fn value_fields(fields: &Fields) -> Vec<(String, String)> {
    fields
        .pairs()
        .iter()
        .filter(|(k, _)| k.starts_with("v:"))
        .take(MAX_VALUES_PER_CALL)
        .cloned()
        .collect()
}

/// `POST /organisations/{slug}/evaluation`: a moderator records (or rewrites) the evaluation.
pub async fn record(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let path = org_path(&slug);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let year = shown_year(&state, fields.one("year").parse().ok());
    let report_id = fields.one("report");
    use ops::record_evaluation::{CriterionScoreInput, RecordEvaluationInput, Variables};
    let mut chosen = BTreeMap::new();
    let mut scores = Vec::new();
    for c in QualityCriterion::ALL {
        if let Ok(score) = fields.one(&format!("score:{}", c.as_str())).parse::<i64>()
            && let Some(criterion) = parse_wire(c.as_str())
        {
            chosen.insert(c.as_str().to_owned(), score);
            scores.push(CriterionScoreInput { criterion, score });
        }
    }
    let mut form = record_form(t, lang, &path, &report_id, Some(&chosen));
    form.text = fields.one("text");
    form.weight = fields.one("weight");
    let input = RecordEvaluationInput {
        report_id,
        scores,
        text: form.text.clone(),
        // A weight typed as the language writes it, `1,2`, is the API's `1.2`.
        suggested_weight: form.weight.trim().replace(',', "."),
    };
    let mut view = OrganisationView {
        year: Some(year),
        ..OrganisationView::default()
    };
    match mutate::<ops::RecordEvaluation>(&state, &visit, Variables { input }).await {
        Ok(errors) if errors.is_empty() => {
            return see_other(
                &super::confirmation::after(
                    &format!("{path}?year={year}#evaluation-title"),
                    "evaluation_recorded",
                ),
                &visit.set_cookies,
            );
        }
        Ok(errors) => place_record_errors(t, lang, &errors, &mut form, &mut view),
        Err(Failure::Input(message)) => view.notice = Some(message),
        Err(Failure::Conflict) => view.notice = Some(t.get(lang, "conflict_text").to_owned()),
        Err(other) => return failure_page(&state, &visit, other, &path),
    }
    view.evaluation = Some(form);
    organisation_page(&state, &visit, &slug, view, StatusCode::BAD_REQUEST).await
}

fn place_record_errors(
    t: &Translations,
    lang: Lang,
    errors: &[UserErrorData],
    form: &mut RecordForm,
    view: &mut OrganisationView,
) {
    for e in errors {
        let slot = match e.field.first().map(String::as_str) {
            Some("scores") => &mut form.scores_error,
            Some("text") => &mut form.text_error,
            Some("suggestedWeight") => &mut form.weight_error,
            _ => &mut view.notice,
        };
        slot.get_or_insert_with(|| error_text(t, lang, e));
    }
}

/// `POST /organisations/{slug}/evaluation/approve`: another moderator approves it.
pub async fn approve(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let path = org_path(&slug);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let year = shown_year(&state, fields.one("year").parse().ok());
    use ops::approve_evaluation::{ApproveEvaluationInput, Variables};
    let input = ApproveEvaluationInput {
        evaluation_id: fields.one("evaluation"),
        expected_version: fields.one("version").parse().unwrap_or(0),
    };
    let mut view = OrganisationView {
        year: Some(year),
        ..OrganisationView::default()
    };
    match mutate::<ops::ApproveEvaluation>(&state, &visit, Variables { input }).await {
        Ok(errors) if errors.is_empty() => {
            return see_other(
                &super::confirmation::after(
                    &format!("{path}?year={year}#evaluation-title"),
                    "evaluation_approved",
                ),
                &visit.set_cookies,
            );
        }
        Ok(errors) => {
            view.notice = errors.first().map(|e| error_text(t, lang, e));
        }
        Err(Failure::Input(message)) => view.notice = Some(message),
        Err(Failure::Conflict) => view.notice = Some(t.get(lang, "conflict_text").to_owned()),
        Err(other) => return failure_page(&state, &visit, other, &path),
    }
    organisation_page(&state, &visit, &slug, view, StatusCode::BAD_REQUEST).await
}
