//! The yearly account: the register of service offerings, compliance with the legal frame,
//! activity reports and INASTI's overview, affiliate counts and funding.

use async_graphql::{
    Context, Enum, ID, InputObject, InputValueError, InputValueResult, Object, Result, Scalar,
    ScalarType, SimpleObject, Value,
};
use chrono::{DateTime, Utc};

use super::collaboration::linked_tools;
use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::joint_service::JointService;
use super::loaders::{required_organisation, user};
use super::organisation::{AffiliateCount, Organisation};
use super::scalars::{
    Date, DeliveryMode, Lang, LocalisedString, LocalisedStringInput, Scope, ServiceCategory,
    from_domain, localised_input, text_in as text, to_domain,
};
use super::tool::Tool;
use super::viewer::User;
use super::{actor, services};
use commons_domain::activity_report as report_model;
use commons_domain::money::Eur;
use commons_domain::service_offering as model;
use commons_service::activity_reports::{self as reports, OverviewRow, ReportView};
use commons_service::affiliate_counts::{self as counts, Figures};
use commons_service::funding as funding_svc;
use commons_service::service_offerings as svc;

/// An amount in euros, exact to the cent, written as a decimal string: `"4000000.00"`.
/// Never a floating-point number, in either direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money(pub Eur);

#[Scalar]
impl ScalarType for Money {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Eur::parse(s).map(Money).map_err(InputValueError::custom),
            _ => Err(InputValueError::custom(
                "an amount is a string such as \"4000000.00\", never a number",
            )),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// The register

/// A service a caisse recorded in its register for a year.
pub struct ServiceOffering(pub model::ServiceOffering);

#[Object]
impl ServiceOffering {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::ServiceOffering, self.0.id)
    }

    async fn caisse(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.caisse_id).await
    }

    async fn year(&self) -> i32 {
        self.0.content.year
    }

    async fn title(&self, lang: Option<Lang>) -> String {
        text(&self.0.content.title, lang)
    }

    async fn titles(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.content.title)
    }

    async fn description(&self, lang: Option<Lang>) -> String {
        text(&self.0.content.description, lang)
    }

    async fn descriptions(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.content.description)
    }

    async fn categories(&self) -> Vec<ServiceCategory> {
        from_domain(&self.0.content.categories)
    }

    /// The tools the service uses that you may see.
    async fn tools(&self, ctx: &Context<'_>) -> Result<Vec<Tool>> {
        linked_tools(ctx, &self.0.content.tool_ids).await
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.content.starts_on)
    }

    async fn ends_on(&self) -> Date {
        Date(self.0.content.ends_on)
    }

    async fn delivery_modes(&self) -> Vec<DeliveryMode> {
        from_domain(&self.0.content.delivery_modes)
    }

    async fn scopes(&self) -> Vec<Scope> {
        from_domain(&self.0.content.scopes)
    }

    async fn regions(&self) -> &[String] {
        &self.0.content.regions
    }

    async fn people_reached(&self) -> i64 {
        self.0.content.people_reached
    }

    /// When the caisse withdrew it from its register; a withdrawn offering no longer counts.
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.withdrawn_at
    }

    /// Raised by each change; an update or withdrawal names the version it is based on.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum OfferingSource {
    /// Recorded in the caisse's register.
    Register,
    /// A joint service the caisse was responsible for while it ran that year.
    JointService,
}

/// A service a caisse offered in a year: from its register or one of its joint services.
pub struct YearOffering(pub model::YearOffering);

#[Object]
impl YearOffering {
    async fn source(&self) -> OfferingSource {
        match self.0 {
            model::YearOffering::Registered(_) => OfferingSource::Register,
            model::YearOffering::Joint(_) => OfferingSource::JointService,
        }
    }

    async fn offering(&self) -> Option<ServiceOffering> {
        match &self.0 {
            model::YearOffering::Registered(o) => Some(ServiceOffering((**o).clone())),
            model::YearOffering::Joint(_) => None,
        }
    }

    async fn joint_service(&self) -> Option<JointService> {
        match &self.0 {
            model::YearOffering::Joint(s) => Some(JointService::new((**s).clone())),
            model::YearOffering::Registered(_) => None,
        }
    }

    async fn title(&self, lang: Option<Lang>) -> String {
        text(self.0.title(), lang)
    }

    async fn categories(&self) -> Vec<ServiceCategory> {
        from_domain(self.0.categories())
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on())
    }

    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on().map(Date)
    }

    /// Recorded for the register's offerings; null for joint services.
    async fn people_reached(&self) -> Option<i64> {
        self.0.people_reached()
    }
}

/// Where a caisse stands against the year's legal frame: every mandatory category and at least
/// one optional one.
pub struct Compliance {
    inner: model::Compliance,
    offerings: Vec<model::YearOffering>,
}

#[derive(SimpleObject)]
pub struct ComplianceCategory {
    pub category: ServiceCategory,
    pub mandatory: bool,
    /// The offerings behind it, from the register and the joint services.
    pub offerings: Vec<YearOffering>,
}

#[Object]
impl Compliance {
    async fn year(&self) -> i32 {
        self.inner.year
    }

    async fn compliant(&self) -> bool {
        self.inner.compliant
    }

    async fn categories_offered(&self) -> Vec<ServiceCategory> {
        from_domain(&self.inner.offered)
    }

    async fn mandatory_missing(&self) -> Vec<ServiceCategory> {
        from_domain(&self.inner.mandatory_missing)
    }

    async fn has_optional(&self) -> bool {
        self.inner.has_optional
    }

    /// Each category of the year's frame, in the law's order.
    async fn categories(&self) -> Vec<ComplianceCategory> {
        self.inner
            .by_category
            .iter()
            .map(|(c, mandatory, behind)| ComplianceCategory {
                category: (*c).into(),
                mandatory: *mandatory,
                offerings: behind
                    .iter()
                    .filter_map(|i| self.offerings.get(*i).cloned().map(YearOffering))
                    .collect(),
            })
            .collect()
    }
}

/// `Organisation.serviceOfferings` and `Organisation.compliance`, resolved here.
pub async fn organisation_offerings(
    ctx: &Context<'_>,
    organisation: &commons_domain::organisation::Organisation,
    year: i32,
    include_withdrawn: bool,
) -> Result<Vec<YearOffering>> {
    if !svc::may_read(actor(ctx), organisation) {
        return Ok(Vec::new());
    }
    let s = services(ctx);
    let mut out: Vec<YearOffering> = Vec::new();
    if include_withdrawn {
        for o in svc::register(s, organisation.id, year, true).await.gql()? {
            if o.withdrawn_at.is_some() {
                out.push(YearOffering(model::YearOffering::Registered(Box::new(o))));
            }
        }
    }
    let live = svc::of_year(s, organisation.id, year).await.gql()?;
    out.splice(0..0, live.into_iter().map(YearOffering));
    Ok(out)
}

pub async fn organisation_compliance(
    ctx: &Context<'_>,
    organisation: &commons_domain::organisation::Organisation,
    year: i32,
) -> Result<Option<Compliance>> {
    if !svc::may_read(actor(ctx), organisation) {
        return Ok(None);
    }
    let (inner, offerings) = svc::compliance(services(ctx), organisation.id, year)
        .await
        .gql()?;
    Ok(Some(Compliance { inner, offerings }))
}

#[derive(InputObject)]
pub struct ServiceOfferingInput {
    /// A year of the mission that has begun; the period lies inside it.
    pub year: i32,
    pub titles: Vec<LocalisedStringInput>,
    #[graphql(default)]
    pub descriptions: Vec<LocalisedStringInput>,
    pub categories: Vec<ServiceCategory>,
    /// Tools the service uses, at most 20, each one you may see.
    #[graphql(default)]
    pub tool_ids: Vec<ID>,
    pub starts_on: Date,
    pub ends_on: Date,
    #[graphql(default)]
    pub delivery_modes: Vec<DeliveryMode>,
    #[graphql(default)]
    pub scopes: Vec<Scope>,
    /// At most 20, each at most 200 characters.
    #[graphql(default)]
    pub regions: Vec<String>,
    /// People reached, from 0.
    pub people_reached: i64,
}

impl ServiceOfferingInput {
    fn into_draft(self) -> Result<model::OfferingDraft> {
        Ok(model::OfferingDraft {
            year: self.year,
            titles: localised_input(self.titles),
            descriptions: localised_input(self.descriptions),
            categories: to_domain(&self.categories),
            tool_ids: self
                .tool_ids
                .iter()
                .map(|t| id::decode_as(NodeType::Tool, t))
                .collect::<Result<_>>()?,
            starts_on: Some(self.starts_on.0),
            ends_on: Some(self.ends_on.0),
            delivery_modes: to_domain(&self.delivery_modes),
            scopes: to_domain(&self.scopes),
            regions: self.regions,
            people_reached: self.people_reached,
        })
    }
}

#[derive(InputObject)]
pub struct UpdateServiceOfferingInput {
    pub offering_id: ID,
    /// The `version` the edit is based on; another is a `CONFLICT`.
    pub expected_version: i32,
    /// The offering as it should now read, whole.
    pub offering: ServiceOfferingInput,
}

#[derive(InputObject)]
pub struct WithdrawServiceOfferingInput {
    pub offering_id: ID,
    pub expected_version: i32,
}

#[derive(SimpleObject)]
pub struct ServiceOfferingPayload {
    pub offering: Option<ServiceOffering>,
    pub user_errors: Vec<UserError>,
}

// ---------------------------------------------------------------------------------------------
// Activity reports

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ActivityReportStatus {
    /// Never submitted: the figures are live.
    Draft,
    Submitted,
    Accepted,
    /// INASTI asked for corrections; the caisse submits it again.
    Returned,
}

impl From<Option<report_model::ReportStatus>> for ActivityReportStatus {
    fn from(s: Option<report_model::ReportStatus>) -> Self {
        match s {
            None => Self::Draft,
            Some(report_model::ReportStatus::Submitted) => Self::Submitted,
            Some(report_model::ReportStatus::Accepted) => Self::Accepted,
            Some(report_model::ReportStatus::Returned) => Self::Returned,
        }
    }
}

#[derive(SimpleObject)]
pub struct CategoryCount {
    pub category: ServiceCategory,
    pub mandatory: bool,
    pub offerings: i64,
}

/// An offering as the report lists it (title in French when there is one).
#[derive(SimpleObject)]
pub struct ReportOffering {
    /// `offering:12` or `joint-service:7`.
    pub key: String,
    pub title: String,
    pub categories: Vec<ServiceCategory>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub people_reached: Option<i64>,
}

fn categories(names: &[String]) -> Vec<ServiceCategory> {
    names
        .iter()
        .filter_map(|n| n.parse::<commons_domain::tool::ServiceCategory>().ok())
        .map(Into::into)
        .collect()
}

/// The figures of a report: live for a draft, frozen for a submitted report.
pub struct ActivityReportFigures(report_model::ReportFigures);

#[Object]
impl ActivityReportFigures {
    async fn compliant(&self) -> bool {
        self.0.compliant
    }

    async fn categories_offered(&self) -> Vec<ServiceCategory> {
        categories(&self.0.categories_offered)
    }

    async fn mandatory_missing(&self) -> Vec<ServiceCategory> {
        categories(&self.0.mandatory_missing)
    }

    async fn has_optional(&self) -> bool {
        self.0.has_optional
    }

    async fn per_category(&self) -> Vec<CategoryCount> {
        self.0
            .per_category
            .iter()
            .filter_map(|c| {
                Some(CategoryCount {
                    category: c
                        .category
                        .parse::<commons_domain::tool::ServiceCategory>()
                        .ok()?
                        .into(),
                    mandatory: c.mandatory,
                    offerings: i64::try_from(c.offerings).unwrap_or(i64::MAX),
                })
            })
            .collect()
    }

    async fn offerings(&self) -> Vec<ReportOffering> {
        self.0
            .offerings
            .iter()
            .map(|o| ReportOffering {
                key: o.key.clone(),
                title: o.title.clone(),
                categories: categories(&o.categories),
                starts_on: o.starts_on.clone(),
                ends_on: o.ends_on.clone(),
                people_reached: o.people_reached,
            })
            .collect()
    }

    async fn people_reached(&self) -> i64 {
        self.0.people_reached
    }

    /// How many of the caisse's tools were first published in the year.
    async fn tools_published(&self) -> i64 {
        self.0.tools_published.len() as i64
    }

    /// How many of its tools had an update published in the year.
    async fn tools_updated(&self) -> i64 {
        self.0.tools_updated.len() as i64
    }

    /// The tools first published in the year that you may see.
    async fn published_tools(&self, ctx: &Context<'_>) -> Result<Vec<Tool>> {
        linked_tools(ctx, &self.0.tools_published).await
    }

    async fn proposals_received(&self) -> i64 {
        self.0.proposals_received as i64
    }

    async fn proposals_accepted(&self) -> i64 {
        self.0.proposals_accepted as i64
    }

    async fn joint_services_responsible(&self) -> i64 {
        self.0.joint_services_responsible as i64
    }

    async fn joint_services_participating(&self) -> i64 {
        self.0.joint_services_participating as i64
    }

    /// Other organisations' tools the caisse began to use in the year.
    async fn adoptions_given(&self) -> i64 {
        self.0.adoptions_given as i64
    }

    /// Its own tools other organisations began to use in the year.
    async fn adoptions_received(&self) -> i64 {
        self.0.adoptions_received as i64
    }

    /// Visible reviews it wrote of others' tools in the year.
    async fn reviews_given(&self) -> i64 {
        self.0.reviews_given as i64
    }

    /// Visible reviews others wrote of its tools in the year.
    async fn reviews_received(&self) -> i64 {
        self.0.reviews_received as i64
    }

    /// Its translations of other organisations' tools their owners accepted in the year: a
    /// contribution across the language border.
    async fn translations_given(&self) -> i64 {
        self.0.translations_given as i64
    }

    /// Other organisations' translations of its tools it accepted in the year.
    async fn translations_received(&self) -> i64 {
        self.0.translations_received as i64
    }
}

pub struct ActivityReportStep(report_model::ReportEvent);

#[Object]
impl ActivityReportStep {
    async fn step(&self) -> ActivityReportStatus {
        Some(self.0.step).into()
    }

    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    /// The digest of the snapshot the step concerned.
    async fn snapshot_sha256(&self) -> &str {
        &self.0.snapshot_sha256
    }

    async fn by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, Some(self.0.actor_id)).await
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.actor_organisation_id).await
    }

    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

/// A caisse's activity report on a year.
pub struct ActivityReport(pub ReportView);

/// What you may do with an activity report now.
#[derive(SimpleObject)]
pub struct ReportCapabilities {
    /// Submit it: the caisse's admins, while it was never submitted or once it was returned.
    pub submit: bool,
    /// Accept or return it: INASTI's moderators, while it waits for a review.
    pub review: bool,
    /// Enter the values of the year's quality indicators (`setIndicatorValues`): the caisse's
    /// staff and admins, while the report is a draft or returned.
    pub enter_indicators: bool,
    /// Record INASTI's evaluation (`recordEvaluation`): its moderators, once the report is
    /// accepted and until its evaluation is approved.
    pub evaluate: bool,
}

#[Object]
impl ActivityReport {
    /// What you may do with this report, as the API would allow it.
    async fn viewer_can(&self, ctx: &Context<'_>) -> ReportCapabilities {
        let can = commons_service::capabilities::on_report(
            actor(ctx),
            &self.0.caisse,
            self.0.report.as_ref(),
        );
        // An approved evaluation no longer changes.
        let evaluate = can.evaluate
            && match &self.0.report {
                Some(r) => commons_service::evaluations::of_report(
                    services(ctx),
                    actor(ctx),
                    &self.0.caisse,
                    r.id,
                )
                .await
                .ok()
                .flatten()
                .is_none_or(|e| e.status != commons_domain::evaluation::EvaluationStatus::Approved),
                None => false,
            };
        ReportCapabilities {
            submit: can.submit,
            review: can.review,
            enter_indicators: can.enter_indicators,
            evaluate,
        }
    }

    /// Null until the report is first submitted.
    async fn id(&self) -> Option<ID> {
        self.0
            .report
            .as_ref()
            .map(|r| id::encode(NodeType::ActivityReport, r.id))
    }

    async fn caisse(&self) -> Organisation {
        Organisation(self.0.caisse.clone())
    }

    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn status(&self) -> ActivityReportStatus {
        self.0.report.as_ref().map(|r| r.status).into()
    }

    async fn narrative(&self) -> Option<&str> {
        self.0.report.as_ref().map(|r| r.narrative.as_str())
    }

    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.report.as_ref().map(|r| r.submitted_at)
    }

    async fn submitted_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        user(ctx, self.0.report.as_ref().map(|r| r.submitted_by)).await
    }

    /// Raised by each step.
    async fn version(&self) -> i32 {
        self.0.report.as_ref().map_or(0, |r| r.version)
    }

    async fn figures(&self) -> ActivityReportFigures {
        ActivityReportFigures(self.0.figures.clone())
    }

    /// The figures as RFC 8785 canonical JSON (format `commons/activity-report/v2`): frozen at
    /// submission, live for a draft. A report submitted as v1 keeps the bytes it was stored as.
    async fn snapshot(&self) -> &str {
        &self.0.snapshot
    }

    /// SHA-256 of `snapshot`'s UTF-8 bytes, in hex.
    async fn snapshot_sha256(&self) -> &str {
        &self.0.snapshot_sha256
    }

    /// Each step of the report's course, oldest first.
    /// The values of the year's quality indicators: as they stand while the report is a draft
    /// or returned (what a submission would freeze), frozen once submitted.
    async fn indicators(&self) -> Vec<super::evaluation::ReportedIndicator> {
        match &self.0.draft_indicators {
            Some(draft) => super::evaluation::reported(&draft.values),
            None => super::evaluation::reported(&self.0.figures.indicators),
        }
    }

    /// The categories the indicators' values are for: those the caisse offers, now while the
    /// report is a draft or returned, as frozen once submitted.
    async fn indicator_categories(&self) -> Vec<ServiceCategory> {
        match &self.0.draft_indicators {
            Some(draft) => from_domain(&draft.offered),
            None => self
                .0
                .figures
                .categories_offered
                .iter()
                .filter_map(|c| c.parse::<commons_domain::tool::ServiceCategory>().ok())
                .map(Into::into)
                .collect(),
        }
    }

    /// Required indicator values the draft (or the returned report) still lacks; it cannot be
    /// submitted before they are given.
    async fn missing_indicators(&self) -> Vec<super::evaluation::MissingIndicator> {
        super::evaluation::missing(&self.0)
    }

    /// INASTI's evaluation of the accepted report: INASTI's officers see it as it stands, the
    /// caisse's people once it is approved; null otherwise.
    async fn evaluation(&self, ctx: &Context<'_>) -> Result<Option<super::evaluation::Evaluation>> {
        super::evaluation::of_report(ctx, &self.0).await
    }

    async fn history(&self) -> Vec<ActivityReportStep> {
        self.0
            .events
            .iter()
            .cloned()
            .map(ActivityReportStep)
            .collect()
    }
}

#[derive(InputObject)]
pub struct SubmitActivityReportInput {
    /// Your caisse's report on this year.
    pub year: i32,
    /// What the figures do not say, at most 20 000 characters.
    pub narrative: String,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReportDecision {
    Accept,
    Return,
}

#[derive(InputObject)]
pub struct ReviewActivityReportInput {
    pub report_id: ID,
    pub decision: ReportDecision,
    /// Required to return a report: what to correct.
    pub comment: Option<String>,
}

#[derive(SimpleObject)]
pub struct ActivityReportPayload {
    pub report: Option<ActivityReport>,
    pub user_errors: Vec<UserError>,
}

/// One caisse's year in INASTI's overview.
pub struct ActivityOverviewRow(OverviewRow);

#[Object]
impl ActivityOverviewRow {
    async fn caisse(&self) -> Organisation {
        Organisation(self.0.caisse.clone())
    }

    async fn compliant(&self) -> bool {
        self.0.compliance.compliant
    }

    async fn mandatory_missing(&self) -> Vec<ServiceCategory> {
        from_domain(&self.0.compliance.mandatory_missing)
    }

    async fn offerings_per_category(&self) -> Vec<CategoryCount> {
        self.0
            .compliance
            .by_category
            .iter()
            .map(|(c, mandatory, behind)| CategoryCount {
                category: (*c).into(),
                mandatory: *mandatory,
                offerings: behind.len() as i64,
            })
            .collect()
    }

    async fn people_reached(&self) -> i64 {
        self.0.people_reached
    }

    async fn report_status(&self) -> ActivityReportStatus {
        self.0.report_status.into()
    }

    /// The caisse's funding for the year; null until parameters and counts allow it.
    async fn funding(&self) -> Option<Money> {
        self.0.funding.map(Money)
    }
}

// ---------------------------------------------------------------------------------------------
// Affiliate counts and funding

#[derive(InputObject)]
pub struct AffiliateCountInput {
    pub organisation_id: ID,
    /// Principal affiliates on 31 December.
    pub principal: i64,
    /// Of whom primo-starters.
    #[graphql(default)]
    pub primo_starters: i64,
    /// Of whom helping spouses under the maxi-statute.
    #[graphql(default)]
    pub helping_spouses: i64,
}

#[derive(InputObject)]
pub struct SetAffiliateCountsInput {
    /// The counts are those on 31 December of this year, which must have passed.
    pub year: i32,
    /// At most 200 caisses; all are written or none.
    pub counts: Vec<AffiliateCountInput>,
}

#[derive(InputObject)]
pub struct ImportAffiliateCountsInput {
    pub year: i32,
    /// CSV text, at most 64 KiB: a header row `caisse,principal,primo_starters,helping_spouses`,
    /// then one row per caisse named by slug or enterprise number.
    pub csv: String,
}

#[derive(SimpleObject)]
pub struct SetAffiliateCountsPayload {
    pub affiliate_counts: Option<Vec<AffiliateCount>>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct EvaluationWeightInput {
    pub caisse_id: ID,
    /// From 0 to 10 with at most four decimals, as a string: `"1.25"`.
    pub weight: String,
}

#[derive(InputObject)]
pub struct SetFundingParametersInput {
    pub year: i32,
    /// The year's envelope: 4000000.00 for 2024, the indexed amount later.
    pub envelope_eur: Money,
    pub fixed_per_caisse_eur: Money,
    /// Multiplies a caisse's affiliates in the variable part; caisses not named weigh 1.
    #[graphql(default)]
    pub evaluation_weights: Vec<EvaluationWeightInput>,
}

#[derive(SimpleObject)]
pub struct EvaluationWeight {
    pub caisse: Organisation,
    pub weight: String,
}

pub struct FundingParameters(commons_domain::funding::FundingParameters);

#[Object]
impl FundingParameters {
    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn envelope_eur(&self) -> Money {
        Money(self.0.envelope)
    }

    async fn fixed_per_caisse_eur(&self) -> Money {
        Money(self.0.fixed_per_caisse)
    }

    /// The year whose published evaluation the weights were carried from; null when they
    /// were typed (or when none is published yet).
    async fn weights_from_evaluation(&self) -> Option<i32> {
        self.0.weights_from
    }

    async fn evaluation_weights(&self, ctx: &Context<'_>) -> Result<Vec<EvaluationWeight>> {
        let mut out = Vec::with_capacity(self.0.weights.len());
        for (caisse, weight) in &self.0.weights {
            out.push(EvaluationWeight {
                caisse: required_organisation(ctx, *caisse).await?,
                weight: weight.to_string(),
            });
        }
        Ok(out)
    }
}

#[derive(SimpleObject)]
pub struct SetFundingParametersPayload {
    pub parameters: Option<FundingParameters>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct FundingShare {
    pub caisse: Organisation,
    /// Principal affiliates on 31 December of the year before; null when none are recorded.
    pub affiliates: Option<i64>,
    pub weight: String,
    pub fixed_eur: Money,
    pub variable_eur: Money,
    pub total_eur: Money,
}

#[derive(SimpleObject)]
pub struct FundingAllocation {
    pub year: i32,
    pub envelope_eur: Money,
    pub fixed_per_caisse_eur: Money,
    pub variable_pool_eur: Money,
    /// The counts the variable part is shared by: 31 December of the year before.
    pub affiliates_on: Date,
    /// Caisses with no recorded count: they receive their fixed part only.
    pub missing_counts: Vec<Organisation>,
    /// One per caisse, adding up to the envelope to the cent.
    pub shares: Vec<FundingShare>,
}

// ---------------------------------------------------------------------------------------------

#[derive(Default)]
pub struct YearlyAccountQuery;

#[Object]
impl YearlyAccountQuery {
    /// A caisse's activity report on a year: the submitted one, or a draft with live figures.
    /// Read by the caisse's people and INASTI's officers.
    #[graphql(complexity = "super::connection::YEAR_WORK + child_complexity")]
    async fn activity_report(
        &self,
        ctx: &Context<'_>,
        caisse_id: ID,
        year: i32,
    ) -> Result<ActivityReport> {
        let caisse = id::decode_as(NodeType::Organisation, &caisse_id)?;
        Ok(ActivityReport(
            reports::get(services(ctx), actor(ctx), caisse, year)
                .await
                .gql()?,
        ))
    }

    /// Every caisse's year at a glance: INASTI's moderators, platform admins and auditors.
    /// Also as CSV at `GET /reports/{year}/overview.csv`.
    #[graphql(complexity = "super::connection::ALL_CAISSES_WORK + child_complexity")]
    async fn activity_overview(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> Result<Vec<ActivityOverviewRow>> {
        Ok(reports::overview(services(ctx), actor(ctx), year)
            .await
            .gql()?
            .into_iter()
            .map(ActivityOverviewRow)
            .collect())
    }

    /// The year's funding parameters in force; null when none are set. Signed-in callers.
    async fn funding_parameters(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> Result<Option<FundingParameters>> {
        Ok(funding_svc::parameters(services(ctx), actor(ctx), year)
            .await
            .gql()?
            .map(FundingParameters))
    }

    /// Each caisse's share of the year's envelope: a fixed part and a variable part by its
    /// principal affiliates on 31 December of the year before (optionally weighted), exact to
    /// the cent. Signed-in callers; also as CSV at `GET /reports/{year}/funding.csv`.
    #[graphql(complexity = "super::connection::ALL_CAISSES_WORK + child_complexity")]
    async fn funding_allocation(&self, ctx: &Context<'_>, year: i32) -> Result<FundingAllocation> {
        let (a, caisses) = funding_svc::allocation(services(ctx), actor(ctx), year)
            .await
            .gql()?;
        let org = |id: i64| caisses.get(&id).cloned().map(Organisation);
        Ok(FundingAllocation {
            year: a.year,
            envelope_eur: Money(a.envelope),
            fixed_per_caisse_eur: Money(a.fixed_per_caisse),
            variable_pool_eur: Money(a.variable_pool),
            affiliates_on: Date(
                chrono::NaiveDate::from_ymd_opt(a.year - 1, 12, 31).unwrap_or_default(),
            ),
            missing_counts: a.missing_counts.iter().filter_map(|c| org(*c)).collect(),
            shares: a
                .shares
                .into_iter()
                .filter_map(|s| {
                    Some(FundingShare {
                        caisse: org(s.caisse_id)?,
                        affiliates: s.affiliates,
                        weight: s.weight.to_string(),
                        fixed_eur: Money(s.fixed),
                        variable_eur: Money(s.variable),
                        total_eur: Money(s.total),
                    })
                })
                .collect(),
        })
    }
}

#[derive(Default)]
pub struct YearlyAccountMutation;

fn offering_payload(
    result: commons_service::ServiceResult<model::ServiceOffering>,
) -> Result<ServiceOfferingPayload> {
    let (offering, user_errors) = into_payload(result)?;
    Ok(ServiceOfferingPayload {
        offering: offering.map(ServiceOffering),
        user_errors,
    })
}

fn report_payload(
    result: commons_service::ServiceResult<ReportView>,
) -> Result<ActivityReportPayload> {
    let (report, user_errors) = into_payload(result)?;
    Ok(ActivityReportPayload {
        report: report.map(ActivityReport),
        user_errors,
    })
}

fn counts_payload(
    result: commons_service::ServiceResult<Vec<commons_domain::organisation::AffiliateCount>>,
) -> Result<SetAffiliateCountsPayload> {
    let (recorded, user_errors) = into_payload(result)?;
    Ok(SetAffiliateCountsPayload {
        affiliate_counts: recorded.map(|r| r.into_iter().map(AffiliateCount::from).collect()),
        user_errors,
    })
}

#[Object]
impl YearlyAccountMutation {
    /// Records a service your caisse offers in a year: staff and admins of a caisse.
    async fn record_service_offering(
        &self,
        ctx: &Context<'_>,
        input: ServiceOfferingInput,
    ) -> Result<ServiceOfferingPayload> {
        let draft = input.into_draft()?;
        offering_payload(svc::record(services(ctx), actor(ctx), draft).await)
    }

    /// Replaces an offering of your caisse's register, based on its `version`.
    async fn update_service_offering(
        &self,
        ctx: &Context<'_>,
        input: UpdateServiceOfferingInput,
    ) -> Result<ServiceOfferingPayload> {
        let id = id::decode_as(NodeType::ServiceOffering, &input.offering_id)?;
        let draft = input.offering.into_draft()?;
        offering_payload(
            svc::update(services(ctx), actor(ctx), id, input.expected_version, draft).await,
        )
    }

    /// Withdraws an offering: it stays in the register's history and no longer counts.
    async fn withdraw_service_offering(
        &self,
        ctx: &Context<'_>,
        input: WithdrawServiceOfferingInput,
    ) -> Result<ServiceOfferingPayload> {
        let id = id::decode_as(NodeType::ServiceOffering, &input.offering_id)?;
        offering_payload(svc::withdraw(services(ctx), actor(ctx), id, input.expected_version).await)
    }

    /// Submits your caisse's report on a year with its narrative: admins of the caisse. The
    /// figures are frozen with their SHA-256; a report is submitted again only once returned.
    async fn submit_activity_report(
        &self,
        ctx: &Context<'_>,
        input: SubmitActivityReportInput,
    ) -> Result<ActivityReportPayload> {
        report_payload(
            reports::submit(services(ctx), actor(ctx), input.year, &input.narrative).await,
        )
    }

    /// Accepts a submitted report or returns it with a comment: INASTI's moderators.
    async fn review_activity_report(
        &self,
        ctx: &Context<'_>,
        input: ReviewActivityReportInput,
    ) -> Result<ActivityReportPayload> {
        let id = id::decode_as(NodeType::ActivityReport, &input.report_id)?;
        let accept = input.decision == ReportDecision::Accept;
        report_payload(
            reports::review(
                services(ctx),
                actor(ctx),
                id,
                accept,
                input.comment.as_deref(),
            )
            .await,
        )
    }

    /// Sets caisses' affiliate counts on 31 December of a year that has ended: platform admins.
    /// Each figure replaces the year's earlier one, which stays in the history.
    async fn set_affiliate_counts(
        &self,
        ctx: &Context<'_>,
        input: SetAffiliateCountsInput,
    ) -> Result<SetAffiliateCountsPayload> {
        let mut figures = Vec::with_capacity(input.counts.len().min(201));
        for c in input.counts.iter().take(201) {
            figures.push(Figures {
                organisation_id: id::decode_as(NodeType::Organisation, &c.organisation_id)?,
                principal: c.principal,
                primo_starters: c.primo_starters,
                helping_spouses: c.helping_spouses,
            });
        }
        counts_payload(counts::set(services(ctx), actor(ctx), input.year, figures).await)
    }

    /// The same from a CSV file's text: platform admins. Errors name the line and column.
    async fn import_affiliate_counts(
        &self,
        ctx: &Context<'_>,
        input: ImportAffiliateCountsInput,
    ) -> Result<SetAffiliateCountsPayload> {
        counts_payload(counts::import(services(ctx), actor(ctx), input.year, &input.csv).await)
    }

    /// Sets a year's funding parameters: platform admins. Audited; earlier ones are kept.
    async fn set_funding_parameters(
        &self,
        ctx: &Context<'_>,
        input: SetFundingParametersInput,
    ) -> Result<SetFundingParametersPayload> {
        let mut weights = Vec::with_capacity(input.evaluation_weights.len().min(201));
        for w in input.evaluation_weights.into_iter().take(201) {
            weights.push((
                id::decode_as(NodeType::Organisation, &w.caisse_id)?,
                w.weight,
            ));
        }
        let result = funding_svc::set_parameters(
            services(ctx),
            actor(ctx),
            funding_svc::ParametersInput {
                year: input.year,
                envelope: input.envelope_eur.0,
                fixed_per_caisse: input.fixed_per_caisse_eur.0,
                weights,
            },
        )
        .await;
        let (parameters, user_errors) = into_payload(result)?;
        Ok(SetFundingParametersPayload {
            parameters: parameters.map(FundingParameters),
            user_errors,
        })
    }
}
