//! The evaluation the law describes, after the activity report: the King may set indicators
//! for each of the five quality criteria, the caisses report them, INASTI evaluates each
//! caisse's year (four eyes), publishes the year's evaluation for the CGG and the Minister, its
//! weights carry into the next year's funding, and the services are looked at over three years.
//!
//! Indicators are data per year, like the legal frame. A published year's evaluation is frozen
//! as canonical JSON with its SHA-256, like a report, so that the CGG reads what was published
//! and the three-year view reads the very same figures.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::activity_report::{ReportFigures, ReportIndicator};
use super::lang::{Lang, LocalisedText};
use super::legal_frame::FIRST_YEAR;
use super::money::Weight;
use super::tool::ServiceCategory;
use super::validation::{self, FieldError, FieldErrorCode, Validator};

pub const FORMAT: &str = "commons/year-evaluation/v1";
/// At most this many indicators in a year.
pub const MAX_INDICATORS: usize = 50;
pub const CODE_MAX_CHARS: usize = 40;
pub const NAME_MAX_CHARS: usize = 200;
/// At most this many values in one `setIndicatorValues` call.
pub const MAX_VALUES_PER_CALL: usize = 250;
pub const EVALUATION_TEXT_MAX_CHARS: usize = 10_000;
pub const ADVICE_MAX_CHARS: usize = 20_000;
/// The evaluation's scale, for every criterion.
pub const SCORE_MIN: i64 = 1;
pub const SCORE_MAX: i64 = 5;

named_enum!(
    /// The five quality criteria of the law (art. 20 §1 al. 4 d) of Royal Decree n° 38).
    QualityCriterion {
        /// Demand-driven: the services answer what the self-employed ask for.
        DemandDriven = "DEMAND_DRIVEN",
        /// Individual or peer interaction, at local, regional or national level.
        Interaction = "INTERACTION",
        /// The professional and the private context both.
        Context = "CONTEXT",
        /// Cooperation with other actors.
        Cooperation = "COOPERATION",
        /// Quality, accessibility, a low financial barrier, a scientific basis, efficient use of
        /// means, client satisfaction.
        Quality = "QUALITY",
    }
);

named_enum!(
    /// What an indicator's value counts.
    IndicatorUnit {
        /// A whole number from 0 to the configured maximum.
        Count = "COUNT",
        /// A whole percentage from 0 to 100.
        Percentage = "PERCENTAGE",
        /// A score from 1 to 5.
        Score = "SCORE",
        /// 1 for yes, 0 for no.
        YesNo = "YES_NO",
    }
);

named_enum!(
    /// Where INASTI's evaluation of a caisse's year stands: recorded by one moderator, approved
    /// by another.
    EvaluationStatus {
        Proposed = "PROPOSED",
        Approved = "APPROVED",
    }
);

impl IndicatorUnit {
    /// The values allowed, `max_count` bounding counts.
    pub fn bounds(self, max_count: i64) -> (i64, i64) {
        match self {
            IndicatorUnit::Count => (0, max_count),
            IndicatorUnit::Percentage => (0, 100),
            IndicatorUnit::Score => (1, 5),
            IndicatorUnit::YesNo => (0, 1),
        }
    }
}

/// One indicator of a year, under one criterion, for some service categories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator {
    /// Stable within the year: values and snapshots name the indicator by it.
    pub code: String,
    pub criterion: QualityCriterion,
    pub names: LocalisedText,
    pub unit: IndicatorUnit,
    pub categories: BTreeSet<ServiceCategory>,
    /// A caisse cannot submit its report while a required indicator of a category it offers
    /// has no value.
    pub required: bool,
}

/// An indicator as a platform admin enters it.
#[derive(Clone, Debug)]
pub struct IndicatorDraft {
    pub code: String,
    pub criterion: QualityCriterion,
    pub names: Vec<(Lang, String)>,
    pub unit: IndicatorUnit,
    pub categories: Vec<ServiceCategory>,
    pub required: bool,
}

/// The year's indicators, checked: a year of the mission up to next year, codes unique and
/// plain, each named, each for at least one category.
pub fn check_indicators(
    year: i32,
    drafts: &[IndicatorDraft],
    this_year: i32,
) -> Result<Vec<Indicator>, Vec<FieldError>> {
    let mut v = Validator::new();
    if !(FIRST_YEAR..=this_year + 1).contains(&year) {
        v.push(FieldError::new(
            &["year"],
            FieldErrorCode::OutOfRange,
            format!("indicators are set for {FIRST_YEAR} to {}", this_year + 1),
        ));
    }
    if drafts.len() > MAX_INDICATORS {
        v.push(FieldError::new(
            &["indicators"],
            FieldErrorCode::TooLong,
            format!("at most {MAX_INDICATORS} indicators a year"),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(drafts.len().min(MAX_INDICATORS));
    for (i, d) in drafts.iter().take(MAX_INDICATORS).enumerate() {
        let index = i.to_string();
        let code = d.code.trim();
        let plain = !code.is_empty()
            && code.chars().count() <= CODE_MAX_CHARS
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !plain {
            v.push(FieldError::new(
                &["indicators", &index, "code"],
                FieldErrorCode::InvalidFormat,
                format!(
                    "a code is 1 to {CODE_MAX_CHARS} lower-case letters, digits, hyphens or underscores"
                ),
            ));
        } else if !seen.insert(code.to_owned()) {
            v.push(FieldError::new(
                &["indicators", &index, "code"],
                FieldErrorCode::Duplicate,
                "this code names another indicator of the year",
            ));
        }
        let mut names_v = Validator::new();
        let names = validation::localised_text(&mut names_v, "names", &d.names, NAME_MAX_CHARS);
        if let Err(errors) = names_v.finish() {
            for e in errors {
                v.push(e.under(&["indicators", &index]));
            }
        }
        if d.categories.is_empty() {
            v.push(FieldError::new(
                &["indicators", &index, "categories"],
                FieldErrorCode::Required,
                "name the service categories the indicator is for",
            ));
        }
        if let Some(names) = names {
            out.push(Indicator {
                code: code.to_owned(),
                criterion: d.criterion,
                names,
                unit: d.unit,
                categories: d.categories.iter().copied().collect(),
                required: d.required,
            });
        }
    }
    v.finish()?;
    Ok(out)
}

/// Checks one reported value against its indicator and the categories the caisse offers.
pub fn check_value(
    field: &[&str],
    indicator: Option<&Indicator>,
    category: ServiceCategory,
    offered: &BTreeSet<ServiceCategory>,
    value: i64,
    max_count: i64,
) -> Result<(), FieldError> {
    let Some(indicator) = indicator else {
        let mut f = field.to_vec();
        f.push("code");
        return Err(FieldError::new(
            &f,
            FieldErrorCode::NotFound,
            "no indicator of the year has this code",
        ));
    };
    let mut f = field.to_vec();
    if !indicator.categories.contains(&category) {
        f.push("category");
        return Err(FieldError::new(
            &f,
            FieldErrorCode::NotAllowed,
            format!("indicator {} is not for this category", indicator.code),
        ));
    }
    if !offered.contains(&category) {
        f.push("category");
        return Err(FieldError::new(
            &f,
            FieldErrorCode::InvalidState,
            "your caisse offers nothing in this category that year",
        ));
    }
    let (low, high) = indicator.unit.bounds(max_count);
    if !(low..=high).contains(&value) {
        f.push("value");
        return Err(FieldError::new(
            &f,
            FieldErrorCode::OutOfRange,
            format!(
                "a value of {} ({}) is from {low} to {high}",
                indicator.code,
                indicator.unit.as_str().to_lowercase()
            ),
        ));
    }
    Ok(())
}

/// A stored value as the indicator stands now: `None` when there is none, or when it no longer
/// fits the indicator's unit (its set was changed, or the configured maximum lowered, after it
/// was entered), so that it counts as missing rather than being frozen out of bounds.
fn valid_value(
    indicator: &Indicator,
    category: ServiceCategory,
    values: &BTreeMap<(String, ServiceCategory), i64>,
    max_count: i64,
) -> Option<i64> {
    let (low, high) = indicator.unit.bounds(max_count);
    values
        .get(&(indicator.code.clone(), category))
        .copied()
        .filter(|v| (low..=high).contains(v))
}

/// The values a report holds: those of the year's indicators within their bounds, for
/// categories the caisse offers, in code and category order.
pub fn report_indicators(
    indicators: &[Indicator],
    offered: &BTreeSet<ServiceCategory>,
    values: &BTreeMap<(String, ServiceCategory), i64>,
    max_count: i64,
) -> Vec<ReportIndicator> {
    let mut out = Vec::new();
    for i in indicators {
        for c in i.categories.intersection(offered) {
            if let Some(value) = valid_value(i, *c, values, max_count).as_ref() {
                out.push(ReportIndicator {
                    code: i.code.clone(),
                    criterion: i.criterion.as_str().to_owned(),
                    unit: i.unit.as_str().to_owned(),
                    category: c.as_str().to_owned(),
                    value: *value,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.code, &a.category).cmp(&(&b.code, &b.category)));
    out
}

/// The required values a caisse has not given: each required indicator, for each of its
/// categories the caisse offers.
pub fn missing_required(
    indicators: &[Indicator],
    offered: &BTreeSet<ServiceCategory>,
    values: &BTreeMap<(String, ServiceCategory), i64>,
    max_count: i64,
) -> Vec<(String, ServiceCategory)> {
    indicators
        .iter()
        .filter(|i| i.required)
        .flat_map(|i| {
            i.categories
                .intersection(offered)
                .filter(|c| valid_value(i, **c, values, max_count).is_none())
                .map(|c| (i.code.clone(), *c))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// INASTI's evaluation of one caisse's accepted report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub id: i64,
    pub report_id: i64,
    pub caisse_id: i64,
    pub year: i32,
    pub scores: BTreeMap<QualityCriterion, i64>,
    pub text: String,
    /// The weight suggested for the caisse's variable part of the next year's funding.
    pub weight: Weight,
    pub status: EvaluationStatus,
    pub recorded_by: i64,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i32,
}

/// An evaluation as a moderator enters it, checked: a score on the scale for every criterion,
/// each once, a text, a weight.
pub fn check_evaluation(
    scores: &[(QualityCriterion, i64)],
    text: &str,
    weight: &str,
) -> Result<(BTreeMap<QualityCriterion, i64>, String, Weight), Vec<FieldError>> {
    let mut v = Validator::new();
    let mut map = BTreeMap::new();
    for (i, (criterion, score)) in scores
        .iter()
        .enumerate()
        .take(QualityCriterion::ALL.len() + 1)
    {
        let index = i.to_string();
        if !(SCORE_MIN..=SCORE_MAX).contains(score) {
            v.push(FieldError::new(
                &["scores", &index, "score"],
                FieldErrorCode::OutOfRange,
                format!("a score is from {SCORE_MIN} to {SCORE_MAX}"),
            ));
        } else if map.insert(*criterion, *score).is_some() {
            v.push(FieldError::new(
                &["scores", &index, "criterion"],
                FieldErrorCode::Duplicate,
                "this criterion is scored twice",
            ));
        }
    }
    let missing: Vec<&str> = QualityCriterion::ALL
        .iter()
        .filter(|c| !scores.iter().any(|(s, _)| s == *c))
        .map(|c| c.as_str())
        .collect();
    if !missing.is_empty() {
        v.push(FieldError::new(
            &["scores"],
            FieldErrorCode::Required,
            format!("score every criterion; missing: {}", missing.join(", ")),
        ));
    }
    let text = v.check(validation::required_text(
        &["text"],
        text,
        EVALUATION_TEXT_MAX_CHARS,
    ));
    let weight = v.check(
        Weight::parse(weight)
            .map_err(|m| FieldError::new(&["suggestedWeight"], FieldErrorCode::InvalidFormat, m)),
    );
    v.finish()?;
    match (text, weight) {
        (Some(t), Some(w)) => Ok((map, t, w)),
        _ => Err(Vec::new()),
    }
}

/// A number with two decimals from integer arithmetic, rounded half away from zero: `sum / n`.
pub fn decimal_2(sum: i64, n: i64) -> String {
    if n == 0 {
        return String::new();
    }
    let scaled = i128::from(sum) * 200 / i128::from(n);
    let hundredths = (scaled + scaled.signum()) / 2;
    let sign = if hundredths < 0 { "-" } else { "" };
    let h = hundredths.abs();
    format!("{sign}{}.{:02}", h / 100, h % 100)
}

/// The median of whole values, exact: a whole number, or one ending in `.5`.
pub fn median(values: &mut [i64]) -> String {
    if values.is_empty() {
        return String::new();
    }
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2].to_string()
    } else {
        let sum = i128::from(values[n / 2 - 1]) + i128::from(values[n / 2]);
        if sum % 2 == 0 {
            (sum / 2).to_string()
        } else {
            // The half of an odd sum: floor division keeps the sign right for negatives too.
            format!("{}.5", sum.div_euclid(2))
        }
    }
}

/// One caisse's year in the published evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaisseYear {
    pub caisse_id: i64,
    pub caisse_slug: String,
    pub caisse_name: String,
    pub report_sha256: String,
    pub compliant: bool,
    pub categories_offered: Vec<String>,
    pub offerings: u64,
    pub people_reached: i64,
    pub indicators: Vec<ReportIndicator>,
    /// Criterion name → score, from 1 to 5.
    pub scores: BTreeMap<String, i64>,
    /// The mean of the five scores, two decimals.
    pub mean_score: String,
    pub weight: String,
    pub evaluation: String,
    pub tools_published: u64,
    pub adoptions_given: u64,
    pub adoptions_received: u64,
    pub proposals_received: u64,
    pub proposals_accepted: u64,
    pub joint_services_responsible: u64,
    pub joint_services_participating: u64,
}

/// A category across caisses: how many offer it, with how many offerings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub category: String,
    pub caisses: u64,
    pub offerings: u64,
}

/// An indicator's values across caisses, per category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    pub code: String,
    pub criterion: String,
    pub unit: String,
    pub category: String,
    pub reported: u64,
    pub min: i64,
    pub median: String,
    pub max: i64,
    pub mean: String,
}

/// A criterion across caisses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CriterionMean {
    pub criterion: String,
    pub mean: String,
}

/// The year's evaluation as INASTI publishes it. Key order in the snapshot is JCS's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct YearEvaluationFigures {
    pub format: String,
    pub year: i32,
    pub caisses: Vec<CaisseYear>,
    pub caisses_compliant: u64,
    pub coverage: Vec<Coverage>,
    pub people_reached: i64,
    pub indicators: Vec<Distribution>,
    pub criteria: Vec<CriterionMean>,
    /// The mean of every score of every caisse, two decimals.
    pub mean_score: String,
    pub adoptions: u64,
    pub proposals_received: u64,
    pub proposals_accepted: u64,
    pub joint_services: u64,
}

/// What the year's publication is made of, for one caisse.
pub struct CaisseFacts<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub report_sha256: &'a str,
    pub figures: &'a ReportFigures,
    pub evaluation: &'a Evaluation,
}

pub fn year_figures(year: i32, caisses: &[CaisseFacts<'_>]) -> YearEvaluationFigures {
    let mut rows: Vec<CaisseYear> = caisses
        .iter()
        .map(|c| {
            let f = c.figures;
            let e = c.evaluation;
            let score_sum: i64 = e.scores.values().sum();
            CaisseYear {
                caisse_id: e.caisse_id,
                caisse_slug: c.slug.to_owned(),
                caisse_name: c.name.to_owned(),
                report_sha256: c.report_sha256.to_owned(),
                compliant: f.compliant,
                categories_offered: f.categories_offered.clone(),
                offerings: f.offerings.len() as u64,
                people_reached: f.people_reached,
                indicators: f.indicators.clone(),
                scores: e
                    .scores
                    .iter()
                    .map(|(k, v)| (k.as_str().to_owned(), *v))
                    .collect(),
                mean_score: decimal_2(score_sum, e.scores.len() as i64),
                weight: e.weight.to_string(),
                evaluation: e.text.clone(),
                tools_published: f.tools_published.len() as u64,
                adoptions_given: f.adoptions_given,
                adoptions_received: f.adoptions_received,
                proposals_received: f.proposals_received,
                proposals_accepted: f.proposals_accepted,
                joint_services_responsible: f.joint_services_responsible,
                joint_services_participating: f.joint_services_participating,
            }
        })
        .collect();
    rows.sort_by_key(|r| r.caisse_id);
    let coverage = ServiceCategory::ALL
        .iter()
        .map(|cat| {
            let name = cat.as_str();
            let counts: Vec<u64> = caisses
                .iter()
                .filter_map(|c| {
                    c.figures
                        .per_category
                        .iter()
                        .find(|p| p.category == name)
                        .map(|p| p.offerings)
                })
                .filter(|n| *n > 0)
                .collect();
            Coverage {
                category: name.to_owned(),
                caisses: counts.len() as u64,
                offerings: counts.iter().sum(),
            }
        })
        .collect();
    let mut by_indicator: BTreeMap<(String, String), (String, String, Vec<i64>)> = BTreeMap::new();
    for r in &rows {
        for i in &r.indicators {
            by_indicator
                .entry((i.code.clone(), i.category.clone()))
                .or_insert_with(|| (i.criterion.clone(), i.unit.clone(), Vec::new()))
                .2
                .push(i.value);
        }
    }
    let indicators = by_indicator
        .into_iter()
        .map(|((code, category), (criterion, unit, mut values))| {
            let sum: i64 = values.iter().sum();
            let n = values.len() as i64;
            Distribution {
                code,
                criterion,
                unit,
                category,
                reported: values.len() as u64,
                min: values.iter().copied().min().unwrap_or(0),
                max: values.iter().copied().max().unwrap_or(0),
                mean: decimal_2(sum, n),
                median: median(&mut values),
            }
        })
        .collect();
    let criteria = QualityCriterion::ALL
        .iter()
        .map(|c| {
            let scores: Vec<i64> = caisses
                .iter()
                .filter_map(|x| x.evaluation.scores.get(c).copied())
                .collect();
            CriterionMean {
                criterion: c.as_str().to_owned(),
                mean: decimal_2(scores.iter().sum(), scores.len() as i64),
            }
        })
        .collect();
    let all_scores: Vec<i64> = caisses
        .iter()
        .flat_map(|c| c.evaluation.scores.values().copied())
        .collect();
    YearEvaluationFigures {
        format: FORMAT.to_owned(),
        year,
        mean_score: decimal_2(all_scores.iter().sum(), all_scores.len() as i64),
        caisses_compliant: rows.iter().filter(|r| r.compliant).count() as u64,
        people_reached: rows.iter().map(|r| r.people_reached).sum(),
        adoptions: rows.iter().map(|r| r.adoptions_given).sum(),
        proposals_received: rows.iter().map(|r| r.proposals_received).sum(),
        proposals_accepted: rows.iter().map(|r| r.proposals_accepted).sum(),
        joint_services: rows.iter().map(|r| r.joint_services_responsible).sum(),
        caisses: rows,
        coverage,
        indicators,
        criteria,
    }
}

/// A published year's evaluation, with the CGG's advice once given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearEvaluation {
    pub year: i32,
    pub snapshot: String,
    pub snapshot_sha256: String,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub published_by: i64,
    pub advice: Option<Advice>,
}

/// The CGG's advice on a year's evaluation, before it goes to the Minister.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advice {
    pub text: String,
    /// The date the committee gave it (its meeting), not when it was typed.
    pub given_on: chrono::NaiveDate,
    pub recorded_by: i64,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// What blocks a year's publication, per caisse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    NoReport,
    ReportNotAccepted,
    NotEvaluated,
    NotApproved,
    Ready,
}

impl Readiness {
    pub fn as_str(self) -> &'static str {
        match self {
            Readiness::NoReport => "NO_REPORT",
            Readiness::ReportNotAccepted => "REPORT_NOT_ACCEPTED",
            Readiness::NotEvaluated => "NOT_EVALUATED",
            Readiness::NotApproved => "NOT_APPROVED",
            Readiness::Ready => "READY",
        }
    }
}

/// A window of three consecutive years of the mission, up to this year (a year not yet
/// published shows as such).
pub fn check_window(from: i32, this_year: i32) -> Result<[i32; 3], FieldError> {
    if from < FIRST_YEAR || from > this_year - 2 {
        return Err(FieldError::new(
            &["fromYear"],
            FieldErrorCode::OutOfRange,
            format!(
                "a three-year window starts from {FIRST_YEAR} and ends this year ({this_year}) at the latest"
            ),
        ));
    }
    Ok([from, from + 1, from + 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_and_medians_are_exact_decimals() {
        assert_eq!(decimal_2(10, 3), "3.33");
        assert_eq!(decimal_2(20, 3), "6.67");
        assert_eq!(decimal_2(17, 5), "3.40");
        assert_eq!(decimal_2(1, 8), "0.13", "0.125 rounds half up");
        assert_eq!(decimal_2(0, 0), "");
        assert_eq!(median(&mut [5, 1, 3]), "3");
        assert_eq!(median(&mut [4, 1, 3, 2]), "2.5");
        assert_eq!(median(&mut [2, 4]), "3");
        assert_eq!(median(&mut []), "");
    }

    fn indicator(code: &str, unit: IndicatorUnit, required: bool) -> Indicator {
        Indicator {
            code: code.into(),
            criterion: QualityCriterion::Quality,
            names: [(Lang::Fr, code.to_owned())].into_iter().collect(),
            unit,
            categories: [
                ServiceCategory::AwarenessPromotion,
                ServiceCategory::EarlyDetection,
            ]
            .into_iter()
            .collect(),
            required,
        }
    }

    #[test]
    fn a_value_is_bounded_by_its_unit_and_the_categories_offered() {
        let offered: BTreeSet<_> = [ServiceCategory::AwarenessPromotion].into_iter().collect();
        let pct = indicator("satisfaction", IndicatorUnit::Percentage, true);
        let ok = |v| {
            check_value(
                &["values", "0"],
                Some(&pct),
                ServiceCategory::AwarenessPromotion,
                &offered,
                v,
                1000,
            )
        };
        assert!(ok(0).is_ok() && ok(100).is_ok());
        assert_eq!(ok(101).map_err(|e| e.code), Err(FieldErrorCode::OutOfRange));
        assert_eq!(ok(-1).map_err(|e| e.code), Err(FieldErrorCode::OutOfRange));
        let not_offered = check_value(
            &["values", "0"],
            Some(&pct),
            ServiceCategory::EarlyDetection,
            &offered,
            50,
            1000,
        );
        assert_eq!(
            not_offered.map_err(|e| e.field),
            Err(vec!["values".into(), "0".into(), "category".into()])
        );
        let missing =
            missing_required(std::slice::from_ref(&pct), &offered, &BTreeMap::new(), 1000);
        assert_eq!(
            missing,
            vec![("satisfaction".into(), ServiceCategory::AwarenessPromotion)]
        );
        let given = BTreeMap::from([(
            (
                "satisfaction".to_owned(),
                ServiceCategory::AwarenessPromotion,
            ),
            80,
        )]);
        assert!(missing_required(std::slice::from_ref(&pct), &offered, &given, 1000).is_empty());
        // A value the indicator's unit no longer allows counts as missing, and is not reported.
        let score = Indicator {
            unit: IndicatorUnit::Score,
            ..pct
        };
        assert_eq!(
            missing_required(std::slice::from_ref(&score), &offered, &given, 1000).len(),
            1
        );
        assert!(report_indicators(&[score], &offered, &given, 1000).is_empty());
    }

    #[test]
    fn an_evaluation_scores_every_criterion_once_on_the_scale() {
        let all: Vec<_> = QualityCriterion::ALL.iter().map(|c| (*c, 4)).collect();
        assert!(check_evaluation(&all, "Bien.", "1.1").is_ok());
        let mut twice = all.clone();
        twice.push((QualityCriterion::Quality, 3));
        assert!(check_evaluation(&twice, "Bien.", "1").is_err());
        let errors = check_evaluation(&all[..4], "", "11")
            .err()
            .unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|e| e.field.join(".")).collect();
        assert_eq!(fields, vec!["scores", "text", "suggestedWeight"]);
        let mut six = all;
        six[0].1 = 6;
        assert!(check_evaluation(&six, "Bien.", "1").is_err());
    }

    #[test]
    fn a_window_is_three_ended_years() {
        assert_eq!(check_window(2024, 2027), Ok([2024, 2025, 2026]));
        assert_eq!(check_window(2024, 2026), Ok([2024, 2025, 2026]));
        assert!(check_window(2025, 2026).is_err());
        assert!(check_window(2023, 2030).is_err());
        assert!(check_window(i32::MAX, 2026).is_err());
    }
}
