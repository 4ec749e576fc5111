//! The evaluation the law describes: quality indicators per year and their values in the
//! activity report, INASTI's evaluation of each caisse's year (four eyes), the published year
//! evaluation the CGG reads and advises on, its weights carried into the next year's funding,
//! and the view over three years.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::loaders::{required_organisation, user};
use super::organisation::Organisation;
use super::scalars::{
    Date, EvaluationStatus, IndicatorUnit, Lang, LocalisedString, LocalisedStringInput,
    QualityCriterion, ServiceCategory, from_domain, localised_input, text_in,
};
use super::viewer::User;
use super::yearly_account::ActivityReport;
use super::{actor, services};
use commons_domain::activity_report::ReportIndicator;
use commons_domain::evaluation as model;
use commons_service::activity_reports as reports;
use commons_service::evaluations as svc;

/// What still keeps a caisse's year out of the publication.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum EvaluationReadiness {
    NoReport,
    ReportNotAccepted,
    NotEvaluated,
    NotApproved,
    Ready,
}

impl From<model::Readiness> for EvaluationReadiness {
    fn from(r: model::Readiness) -> Self {
        match r {
            model::Readiness::NoReport => Self::NoReport,
            model::Readiness::ReportNotAccepted => Self::ReportNotAccepted,
            model::Readiness::NotEvaluated => Self::NotEvaluated,
            model::Readiness::NotApproved => Self::NotApproved,
            model::Readiness::Ready => Self::Ready,
        }
    }
}

fn parse_enum<T: std::str::FromStr, G: From<T>>(raw: &str) -> Option<G> {
    raw.parse::<T>().ok().map(G::from)
}

// ---------------------------------------------------------------------------------------------
// Indicators

pub struct Indicator(model::Indicator);

#[Object]
impl Indicator {
    /// Stable within its year; values name the indicator by it.
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn criterion(&self) -> QualityCriterion {
        self.0.criterion.into()
    }

    async fn name(&self, lang: Option<Lang>) -> String {
        text_in(&self.0.names, lang)
    }

    async fn names(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.names)
    }

    async fn unit(&self) -> IndicatorUnit {
        self.0.unit.into()
    }

    /// The categories it is reported for: once per category the caisse offers that year.
    async fn categories(&self) -> Vec<ServiceCategory> {
        from_domain(&self.0.categories)
    }

    /// A report cannot be submitted while a required value is missing.
    async fn required(&self) -> bool {
        self.0.required
    }

    /// The smallest and largest value allowed.
    async fn minimum(&self, ctx: &Context<'_>) -> i64 {
        self.0.unit.bounds(services(ctx).indicator_max_count).0
    }

    async fn maximum(&self, ctx: &Context<'_>) -> i64 {
        self.0.unit.bounds(services(ctx).indicator_max_count).1
    }
}

#[derive(InputObject)]
pub struct IndicatorInput {
    /// 1 to 40 lower-case letters, digits, hyphens or underscores; unique in the year.
    pub code: String,
    pub criterion: QualityCriterion,
    pub names: Vec<LocalisedStringInput>,
    pub unit: IndicatorUnit,
    pub categories: Vec<ServiceCategory>,
    #[graphql(default)]
    pub required: bool,
}

#[derive(InputObject)]
pub struct SetIndicatorsInput {
    pub year: i32,
    /// The year's whole set, at most 50; it replaces the set before.
    pub indicators: Vec<IndicatorInput>,
}

#[derive(SimpleObject)]
pub struct SetIndicatorsPayload {
    pub indicators: Option<Vec<Indicator>>,
    pub user_errors: Vec<UserError>,
}

/// A value as the report holds it.
#[derive(SimpleObject)]
pub struct ReportedIndicator {
    pub code: String,
    pub criterion: Option<QualityCriterion>,
    pub unit: Option<IndicatorUnit>,
    pub category: Option<ServiceCategory>,
    pub value: i64,
}

impl From<&ReportIndicator> for ReportedIndicator {
    fn from(i: &ReportIndicator) -> Self {
        Self {
            code: i.code.clone(),
            criterion: parse_enum::<model::QualityCriterion, _>(&i.criterion),
            unit: parse_enum::<model::IndicatorUnit, _>(&i.unit),
            category: parse_enum::<commons_domain::tool::ServiceCategory, _>(&i.category),
            value: i.value,
        }
    }
}

pub fn reported(indicators: &[ReportIndicator]) -> Vec<ReportedIndicator> {
    indicators.iter().map(Into::into).collect()
}

/// A required value the draft lacks.
#[derive(SimpleObject)]
pub struct MissingIndicator {
    pub code: String,
    pub category: ServiceCategory,
}

pub fn missing(view: &reports::ReportView) -> Vec<MissingIndicator> {
    view.draft_indicators
        .iter()
        .flat_map(|d| d.missing.iter())
        .map(|(code, category)| MissingIndicator {
            code: code.clone(),
            category: (*category).into(),
        })
        .collect()
}

#[derive(InputObject)]
pub struct IndicatorValueInput {
    pub code: String,
    pub category: ServiceCategory,
    /// Null clears the value.
    pub value: Option<i64>,
}

#[derive(InputObject)]
pub struct SetIndicatorValuesInput {
    /// Your caisse's report on this year, while it is a draft or returned.
    pub year: i32,
    /// At most 250; all are written or none.
    pub values: Vec<IndicatorValueInput>,
}

#[derive(SimpleObject)]
pub struct SetIndicatorValuesPayload {
    pub report: Option<ActivityReport>,
    pub user_errors: Vec<UserError>,
}

// ---------------------------------------------------------------------------------------------
// Evaluations

#[derive(SimpleObject)]
pub struct CriterionScore {
    pub criterion: QualityCriterion,
    /// 1 insufficient, 2 partly met, 3 met, 4 well met, 5 exemplary.
    pub score: i64,
}

#[derive(InputObject)]
pub struct CriterionScoreInput {
    pub criterion: QualityCriterion,
    /// From 1 (insufficient) to 5 (exemplary).
    pub score: i64,
}

/// INASTI's evaluation of a caisse's accepted report.
pub struct Evaluation(model::Evaluation);

#[Object]
impl Evaluation {
    async fn id(&self) -> ID {
        id::encode(NodeType::Evaluation, self.0.id)
    }

    async fn caisse(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.caisse_id).await
    }

    async fn year(&self) -> i32 {
        self.0.year
    }

    /// One per criterion, in the law's order.
    async fn scores(&self) -> Vec<CriterionScore> {
        self.0
            .scores
            .iter()
            .map(|(c, s)| CriterionScore {
                criterion: (*c).into(),
                score: *s,
            })
            .collect()
    }

    /// The mean of the scores, two decimals: `"3.40"`.
    async fn mean_score(&self) -> String {
        model::decimal_2(self.0.scores.values().sum(), self.0.scores.len() as i64)
    }

    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The weight suggested for the caisse's variable part of the next year's funding.
    async fn suggested_weight(&self) -> String {
        self.0.weight.to_string()
    }

    async fn status(&self) -> EvaluationStatus {
        self.0.status.into()
    }

    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.recorded_by)).await
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }

    async fn approved_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.approved_by).await
    }

    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.approved_at
    }

    /// Named by `approveEvaluation`'s `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Whether you may approve it: another INASTI moderator than its author, while proposed.
    async fn viewer_can_approve(&self, ctx: &Context<'_>) -> bool {
        self.0.status == model::EvaluationStatus::Proposed
            && commons_domain::policy::can(
                actor(ctx),
                commons_domain::policy::Action::ApproveEvaluation,
                commons_domain::policy::Resource::Evaluation {
                    recorded_by: self.0.recorded_by,
                },
            )
    }
}

pub async fn of_report(
    ctx: &Context<'_>,
    view: &reports::ReportView,
) -> Result<Option<Evaluation>> {
    let Some(report) = &view.report else {
        return Ok(None);
    };
    Ok(
        svc::of_report(services(ctx), actor(ctx), &view.caisse, report.id)
            .await
            .gql()?
            .map(Evaluation),
    )
}

#[derive(InputObject)]
pub struct RecordEvaluationInput {
    /// An accepted report.
    pub report_id: ID,
    /// Every criterion once.
    pub scores: Vec<CriterionScoreInput>,
    /// What the scores rest on, at most 10 000 characters.
    pub text: String,
    /// From 0 to 10 with at most four decimals, as a string: `"1.1"`.
    pub suggested_weight: String,
}

#[derive(InputObject)]
pub struct ApproveEvaluationInput {
    pub evaluation_id: ID,
    pub expected_version: i32,
}

#[derive(SimpleObject)]
pub struct EvaluationPayload {
    pub evaluation: Option<Evaluation>,
    pub user_errors: Vec<UserError>,
}

/// One caisse's year on the way to the publication.
pub struct EvaluationStanding(svc::CaisseStanding);

#[Object]
impl EvaluationStanding {
    async fn caisse(&self) -> Organisation {
        Organisation(self.0.caisse.clone())
    }

    /// The submitted report's ID; null while none is.
    async fn report_id(&self) -> Option<ID> {
        self.0
            .report
            .as_ref()
            .map(|r| id::encode(NodeType::ActivityReport, r.id))
    }

    async fn report_status(&self) -> super::yearly_account::ActivityReportStatus {
        self.0.report.as_ref().map(|r| r.status).into()
    }

    async fn evaluation(&self) -> Option<Evaluation> {
        self.0.evaluation.clone().map(Evaluation)
    }

    async fn readiness(&self) -> EvaluationReadiness {
        self.0.readiness.into()
    }
}

// ---------------------------------------------------------------------------------------------
// The published year evaluation

#[derive(SimpleObject)]
pub struct CaisseEvaluation {
    pub caisse_slug: String,
    /// As it was at the publication.
    pub caisse_name: String,
    /// The digest of the accepted report the figures come from.
    pub report_sha256: String,
    pub compliant: bool,
    pub categories_offered: Vec<ServiceCategory>,
    pub offerings: i64,
    pub people_reached: i64,
    pub indicators: Vec<ReportedIndicator>,
    pub scores: Vec<CriterionScore>,
    pub mean_score: String,
    /// The approved weight, carried into the next year's funding.
    pub weight: String,
    pub evaluation: String,
    pub tools_published: i64,
    pub adoptions_given: i64,
    pub adoptions_received: i64,
    pub proposals_received: i64,
    pub proposals_accepted: i64,
    pub joint_services_responsible: i64,
    pub joint_services_participating: i64,
}

fn n(x: u64) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

fn categories(names: &[String]) -> Vec<ServiceCategory> {
    names
        .iter()
        .filter_map(|c| parse_enum::<commons_domain::tool::ServiceCategory, _>(c))
        .collect()
}

/// The scores as published, in the law's order of the criteria.
fn scores(map: &std::collections::BTreeMap<String, i64>) -> Vec<CriterionScore> {
    model::QualityCriterion::ALL
        .iter()
        .filter_map(|c| {
            Some(CriterionScore {
                criterion: (*c).into(),
                score: *map.get(c.as_str())?,
            })
        })
        .collect()
}

impl From<&model::CaisseYear> for CaisseEvaluation {
    fn from(c: &model::CaisseYear) -> Self {
        Self {
            caisse_slug: c.caisse_slug.clone(),
            caisse_name: c.caisse_name.clone(),
            report_sha256: c.report_sha256.clone(),
            compliant: c.compliant,
            categories_offered: categories(&c.categories_offered),
            offerings: n(c.offerings),
            people_reached: c.people_reached,
            indicators: reported(&c.indicators),
            scores: scores(&c.scores),
            mean_score: c.mean_score.clone(),
            weight: c.weight.clone(),
            evaluation: c.evaluation.clone(),
            tools_published: n(c.tools_published),
            adoptions_given: n(c.adoptions_given),
            adoptions_received: n(c.adoptions_received),
            proposals_received: n(c.proposals_received),
            proposals_accepted: n(c.proposals_accepted),
            joint_services_responsible: n(c.joint_services_responsible),
            joint_services_participating: n(c.joint_services_participating),
        }
    }
}

#[derive(SimpleObject)]
pub struct CategoryCoverage {
    pub category: Option<ServiceCategory>,
    /// Caisses offering it.
    pub caisses: i64,
    pub offerings: i64,
}

#[derive(SimpleObject)]
pub struct IndicatorDistribution {
    pub code: String,
    pub criterion: Option<QualityCriterion>,
    pub unit: Option<IndicatorUnit>,
    pub category: Option<ServiceCategory>,
    /// Caisses that reported it.
    pub reported: i64,
    pub min: i64,
    /// Exact: a whole number or one ending in `.5`.
    pub median: String,
    pub max: i64,
    /// Two decimals.
    pub mean: String,
}

#[derive(SimpleObject)]
pub struct CriterionMean {
    pub criterion: Option<QualityCriterion>,
    /// The mean score across caisses, two decimals.
    pub mean: String,
}

/// The CGG's advice on a year's evaluation, before it goes to the Minister.
#[derive(SimpleObject)]
pub struct CggAdvice {
    pub text: String,
    /// The day the committee gave it.
    pub given_on: Date,
    pub recorded_at: DateTime<Utc>,
}

/// INASTI's published evaluation of a year: per caisse and across caisses, frozen and hashed.
pub struct YearEvaluation(model::YearEvaluation, model::YearEvaluationFigures);

#[Object]
impl YearEvaluation {
    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn published_at(&self) -> DateTime<Utc> {
        self.0.published_at
    }

    /// The figures as published, RFC 8785 canonical JSON; `snapshotSha256` is over these bytes.
    async fn snapshot(&self) -> &str {
        &self.0.snapshot
    }

    async fn snapshot_sha256(&self) -> &str {
        &self.0.snapshot_sha256
    }

    /// In caisse order.
    async fn caisses(&self) -> Vec<CaisseEvaluation> {
        self.1.caisses.iter().map(Into::into).collect()
    }

    async fn caisses_compliant(&self) -> i64 {
        n(self.1.caisses_compliant)
    }

    /// Each service category: how many caisses offer it, with how many offerings.
    async fn coverage(&self) -> Vec<CategoryCoverage> {
        self.1
            .coverage
            .iter()
            .map(|c| CategoryCoverage {
                category: parse_enum::<commons_domain::tool::ServiceCategory, _>(&c.category),
                caisses: n(c.caisses),
                offerings: n(c.offerings),
            })
            .collect()
    }

    async fn people_reached(&self) -> i64 {
        self.1.people_reached
    }

    /// Each indicator's values across caisses, per category.
    async fn indicators(&self) -> Vec<IndicatorDistribution> {
        self.1
            .indicators
            .iter()
            .map(|d| IndicatorDistribution {
                code: d.code.clone(),
                criterion: parse_enum::<model::QualityCriterion, _>(&d.criterion),
                unit: parse_enum::<model::IndicatorUnit, _>(&d.unit),
                category: parse_enum::<commons_domain::tool::ServiceCategory, _>(&d.category),
                reported: n(d.reported),
                min: d.min,
                median: d.median.clone(),
                max: d.max,
                mean: d.mean.clone(),
            })
            .collect()
    }

    /// The mean of every score of every caisse, two decimals.
    async fn mean_score(&self) -> &str {
        &self.1.mean_score
    }

    /// The mean score of each criterion across caisses.
    async fn criteria(&self) -> Vec<CriterionMean> {
        self.1
            .criteria
            .iter()
            .map(|c| CriterionMean {
                criterion: parse_enum::<model::QualityCriterion, _>(&c.criterion),
                mean: c.mean.clone(),
            })
            .collect()
    }

    /// Other organisations' tools caisses began to use in the year.
    async fn adoptions(&self) -> i64 {
        n(self.1.adoptions)
    }

    async fn proposals_received(&self) -> i64 {
        n(self.1.proposals_received)
    }

    async fn proposals_accepted(&self) -> i64 {
        n(self.1.proposals_accepted)
    }

    /// Joint services run in the year, each counted once, by its responsible caisse.
    async fn joint_services(&self) -> i64 {
        n(self.1.joint_services)
    }

    /// The CGG's advice; null until recorded.
    async fn advice(&self) -> Option<CggAdvice> {
        self.0.advice.as_ref().map(|a| CggAdvice {
            text: a.text.clone(),
            given_on: Date(a.given_on),
            recorded_at: a.recorded_at,
        })
    }

    /// The same figures as CSV, one row per caisse, with the caller's token.
    async fn csv_url(&self) -> String {
        format!("/reports/{}/evaluation.csv", self.0.year)
    }
}

#[derive(InputObject)]
pub struct PublishYearEvaluationInput {
    pub year: i32,
}

#[derive(InputObject)]
pub struct RecordCggAdviceInput {
    pub year: i32,
    /// At most 20 000 characters.
    pub text: String,
    /// The day the committee gave it: from the publication to today.
    pub given_on: Date,
}

#[derive(SimpleObject)]
pub struct YearEvaluationPayload {
    pub year_evaluation: Option<YearEvaluation>,
    pub user_errors: Vec<UserError>,
}

// ---------------------------------------------------------------------------------------------
// Three years

/// One year of the window.
#[derive(SimpleObject)]
pub struct TrendYear {
    pub year: i32,
    /// False while INASTI has not published the year: it has no figures here.
    pub published: bool,
    pub snapshot_sha256: Option<String>,
    pub people_reached: Option<i64>,
    pub caisses_compliant: Option<i64>,
    /// The mean of every score of every caisse, as published.
    pub mean_score: Option<String>,
    pub criteria: Vec<CriterionMean>,
}

/// A caisse's year, as published.
#[derive(SimpleObject)]
pub struct CaisseTrendPoint {
    pub year: i32,
    pub compliant: bool,
    pub offerings: i64,
    pub people_reached: i64,
    pub mean_score: String,
    pub scores: Vec<CriterionScore>,
    pub weight: String,
    pub indicators: Vec<ReportedIndicator>,
}

#[derive(SimpleObject)]
pub struct CaisseTrend {
    pub caisse_slug: String,
    pub caisse_name: String,
    /// One per published year the caisse was evaluated in, oldest first.
    pub points: Vec<CaisseTrendPoint>,
}

#[derive(SimpleObject)]
pub struct CategoryTrendPoint {
    pub year: i32,
    pub caisses: i64,
    pub offerings: i64,
}

#[derive(SimpleObject)]
pub struct CategoryTrend {
    pub category: ServiceCategory,
    pub points: Vec<CategoryTrendPoint>,
}

/// Three consecutive years of the published evaluations, per caisse and per category.
#[derive(SimpleObject)]
pub struct EvaluationTrend {
    pub from_year: i32,
    pub to_year: i32,
    pub years: Vec<TrendYear>,
    pub caisses: Vec<CaisseTrend>,
    pub categories: Vec<CategoryTrend>,
    /// The same figures as CSV, with the caller's token.
    pub csv_url: String,
}

fn trend(
    from_year: i32,
    window: Vec<(
        i32,
        Option<(model::YearEvaluation, model::YearEvaluationFigures)>,
    )>,
) -> EvaluationTrend {
    let mut caisses: Vec<CaisseTrend> = Vec::new();
    let mut years = Vec::with_capacity(3);
    for (year, published) in &window {
        let Some((p, f)) = published else {
            years.push(TrendYear {
                year: *year,
                published: false,
                snapshot_sha256: None,
                people_reached: None,
                caisses_compliant: None,
                mean_score: None,
                criteria: Vec::new(),
            });
            continue;
        };
        years.push(TrendYear {
            year: *year,
            published: true,
            snapshot_sha256: Some(p.snapshot_sha256.clone()),
            people_reached: Some(f.people_reached),
            caisses_compliant: Some(n(f.caisses_compliant)),
            mean_score: Some(f.mean_score.clone()),
            criteria: f
                .criteria
                .iter()
                .map(|c| CriterionMean {
                    criterion: parse_enum::<model::QualityCriterion, _>(&c.criterion),
                    mean: c.mean.clone(),
                })
                .collect(),
        });
        for c in &f.caisses {
            let point = CaisseTrendPoint {
                year: *year,
                compliant: c.compliant,
                offerings: n(c.offerings),
                people_reached: c.people_reached,
                mean_score: c.mean_score.clone(),
                scores: scores(&c.scores),
                weight: c.weight.clone(),
                indicators: reported(&c.indicators),
            };
            match caisses.iter_mut().find(|t| t.caisse_slug == c.caisse_slug) {
                Some(t) => {
                    t.caisse_name = c.caisse_name.clone();
                    t.points.push(point);
                }
                None => caisses.push(CaisseTrend {
                    caisse_slug: c.caisse_slug.clone(),
                    caisse_name: c.caisse_name.clone(),
                    points: vec![point],
                }),
            }
        }
    }
    let categories = commons_domain::tool::ServiceCategory::ALL
        .iter()
        .map(|cat| CategoryTrend {
            category: (*cat).into(),
            points: window
                .iter()
                .filter_map(|(year, published)| {
                    let (_, f) = published.as_ref()?;
                    let c = f.coverage.iter().find(|c| c.category == cat.as_str())?;
                    Some(CategoryTrendPoint {
                        year: *year,
                        caisses: n(c.caisses),
                        offerings: n(c.offerings),
                    })
                })
                .collect(),
        })
        .collect();
    EvaluationTrend {
        from_year,
        to_year: from_year + 2,
        years,
        caisses,
        categories,
        csv_url: format!("/reports/{from_year}/trend.csv"),
    }
}

// ---------------------------------------------------------------------------------------------

#[derive(Default)]
pub struct EvaluationQuery;

#[Object]
impl EvaluationQuery {
    /// The quality indicators of a year, as INASTI's platform admins set them. Anyone may read
    /// them.
    async fn indicators(&self, ctx: &Context<'_>, year: i32) -> Result<Vec<Indicator>> {
        Ok(svc::indicators(services(ctx), year)
            .await
            .gql()?
            .into_iter()
            .map(Indicator)
            .collect())
    }

    /// Where every caisse's evaluation of a year stands: INASTI's moderators, platform admins
    /// and auditors.
    #[graphql(complexity = "super::connection::ALL_CAISSES_WORK + child_complexity")]
    async fn evaluation_progress(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> Result<Vec<EvaluationStanding>> {
        Ok(svc::progress(services(ctx), actor(ctx), year)
            .await
            .gql()?
            .into_iter()
            .map(EvaluationStanding)
            .collect())
    }

    /// INASTI's published evaluation of a year; null until published. INASTI's officers and
    /// the CGG's members.
    #[graphql(complexity = "super::connection::YEAR_WORK + child_complexity")]
    async fn year_evaluation(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> Result<Option<YearEvaluation>> {
        Ok(svc::published(services(ctx), actor(ctx), year)
            .await
            .gql()?
            .map(|(p, f)| YearEvaluation(p, f)))
    }

    /// The years whose evaluation is published, newest first: INASTI's officers and the CGG.
    async fn published_evaluation_years(&self, ctx: &Context<'_>) -> Result<Vec<i32>> {
        svc::published_years(services(ctx), actor(ctx)).await.gql()
    }

    /// Three consecutive years from `fromYear`, as published: per caisse and per category.
    /// INASTI's officers and the CGG. Also as CSV at `GET /reports/{fromYear}/trend.csv`.
    #[graphql(complexity = "super::connection::ALL_CAISSES_WORK + child_complexity")]
    async fn evaluation_trend(&self, ctx: &Context<'_>, from_year: i32) -> Result<EvaluationTrend> {
        let window = svc::trend(services(ctx), actor(ctx), from_year)
            .await
            .gql()?;
        Ok(trend(from_year, window))
    }
}

#[derive(Default)]
pub struct EvaluationMutation;

fn evaluation_payload(
    result: commons_service::ServiceResult<model::Evaluation>,
) -> Result<EvaluationPayload> {
    let (evaluation, user_errors) = into_payload(result)?;
    Ok(EvaluationPayload {
        evaluation: evaluation.map(Evaluation),
        user_errors,
    })
}

fn year_payload(
    result: commons_service::ServiceResult<(model::YearEvaluation, model::YearEvaluationFigures)>,
) -> Result<YearEvaluationPayload> {
    let (year, user_errors) = into_payload(result)?;
    Ok(YearEvaluationPayload {
        year_evaluation: year.map(|(p, f)| YearEvaluation(p, f)),
        user_errors,
    })
}

#[Object]
impl EvaluationMutation {
    /// Sets a year's quality indicators, replacing the set before: platform admins, until the
    /// first report on the year is submitted.
    async fn set_indicators(
        &self,
        ctx: &Context<'_>,
        input: SetIndicatorsInput,
    ) -> Result<SetIndicatorsPayload> {
        let drafts = input
            .indicators
            .into_iter()
            .take(model::MAX_INDICATORS + 1)
            .map(|i| model::IndicatorDraft {
                code: i.code,
                criterion: i.criterion.into(),
                // More than one name per language or one entry per category is refused or
                // folded anyway: the rest is not read.
                names: localised_input(
                    i.names
                        .into_iter()
                        .take(commons_domain::lang::Lang::ALL.len() + 1)
                        .collect(),
                ),
                unit: i.unit.into(),
                categories: i
                    .categories
                    .into_iter()
                    .take(commons_domain::tool::ServiceCategory::ALL.len())
                    .map(Into::into)
                    .collect(),
                required: i.required,
            })
            .collect();
        let (indicators, user_errors) =
            into_payload(svc::set_indicators(services(ctx), actor(ctx), input.year, drafts).await)?;
        Ok(SetIndicatorsPayload {
            indicators: indicators.map(|v| v.into_iter().map(Indicator).collect()),
            user_errors,
        })
    }

    /// Sets values of the year's indicators in your caisse's report: its staff and admins,
    /// while the report is a draft or returned.
    async fn set_indicator_values(
        &self,
        ctx: &Context<'_>,
        input: SetIndicatorValuesInput,
    ) -> Result<SetIndicatorValuesPayload> {
        let values = input
            .values
            .into_iter()
            .take(model::MAX_VALUES_PER_CALL + 1)
            .map(|v| svc::ValueInput {
                code: v.code,
                category: v.category.into(),
                value: v.value,
            })
            .collect();
        let services = services(ctx);
        let result = match svc::set_values(services, actor(ctx), input.year, values).await {
            Ok(()) => match actor(ctx) {
                Some(a) => reports::get(services, actor(ctx), a.organisation_id, input.year).await,
                None => Err(commons_service::ServiceError::NotFound),
            },
            Err(e) => Err(e),
        };
        let (report, user_errors) = into_payload(result)?;
        Ok(SetIndicatorValuesPayload {
            report: report.map(ActivityReport),
            user_errors,
        })
    }

    /// Records INASTI's evaluation of an accepted report, or rewrites one not yet approved:
    /// INASTI's moderators.
    async fn record_evaluation(
        &self,
        ctx: &Context<'_>,
        input: RecordEvaluationInput,
    ) -> Result<EvaluationPayload> {
        let report_id = id::decode_as(NodeType::ActivityReport, &input.report_id)?;
        let scores = input
            .scores
            .into_iter()
            .take(model::QualityCriterion::ALL.len() + 1)
            .map(|s| (s.criterion.into(), s.score))
            .collect();
        evaluation_payload(
            svc::record(
                services(ctx),
                actor(ctx),
                svc::EvaluationInput {
                    report_id,
                    scores,
                    text: input.text,
                    weight: input.suggested_weight,
                },
            )
            .await,
        )
    }

    /// Approves an evaluation: an INASTI moderator other than the one who recorded it, on the
    /// version they read.
    async fn approve_evaluation(
        &self,
        ctx: &Context<'_>,
        input: ApproveEvaluationInput,
    ) -> Result<EvaluationPayload> {
        let id = id::decode_as(NodeType::Evaluation, &input.evaluation_id)?;
        evaluation_payload(
            svc::approve(services(ctx), actor(ctx), id, input.expected_version).await,
        )
    }

    /// Publishes a year's evaluation once every caisse's is approved: platform admins. Frozen
    /// and hashed; its weights become the next year's funding weights.
    async fn publish_year_evaluation(
        &self,
        ctx: &Context<'_>,
        input: PublishYearEvaluationInput,
    ) -> Result<YearEvaluationPayload> {
        year_payload(svc::publish(services(ctx), actor(ctx), input.year).await)
    }

    /// Records the CGG's advice on a published year evaluation, once: the CGG's members.
    async fn record_cgg_advice(
        &self,
        ctx: &Context<'_>,
        input: RecordCggAdviceInput,
    ) -> Result<YearEvaluationPayload> {
        year_payload(
            svc::record_advice(
                services(ctx),
                actor(ctx),
                input.year,
                &input.text,
                input.given_on.0,
            )
            .await,
        )
    }
}
