//! `/organisations/{slug}`: an organisation's profile, its tools and the joint services it
//! runs or takes part in; and, for the caisse's own people and INASTI's officers, its yearly
//! account: the activity report's figures, the compliance with the year's legal frame, its
//! share of the funding and a chart of its offerings per service category.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Datelike;

use super::chart::{Bar, bar_chart};
use super::collaborations::{Fact, Link};
use super::forms::TextForm;
use super::i18n::{Translations, fill, money, number};
use super::operations::{self as ops, page_info, wire};
use super::pages::{Chrome, Failure, chrome, failure_page, html, percent, run};
use super::tool_page::Choice;
use super::tool_page::day;
use super::visit::{self, Visit};
use crate::WebState;
use commons_domain::lang::Lang;
use commons_domain::legal_frame::FIRST_YEAR;

/// Tools and joint services listed on one page.
const TOOLS_PAGE: usize = 20;
const SERVICES_SHOWN: usize = 50;
/// Longer than any slug or cursor.
const PARAM_BYTES: usize = 200;

type OrganisationData = ops::organisation_profile::OrganisationProfileOrganisation;
type ComplianceData = ops::organisation_profile::OrganisationProfileOrganisationCompliance;
type ReportData = ops::activity_report::ActivityReportActivityReport;
type AllocationData = ops::funding_allocation::FundingAllocationFundingAllocation;

pub(super) struct ToolLine {
    pub link: Link,
    pub kind: String,
    /// The tool's status when it is not published (its own organisation's drafts, a rejected
    /// or withdrawn tool), as search marks it.
    pub status: Option<String>,
    /// Past its review date.
    pub outdated: bool,
}

pub(super) struct ServiceLine {
    pub link: Link,
    pub status: String,
    pub starts: String,
    pub responsible: bool,
}

pub(super) struct CategoryLine {
    pub name: String,
    pub mandatory: bool,
    pub offerings: Vec<String>,
}

/// The yearly account, for the caisse's people and INASTI's officers.
pub(super) struct Account {
    pub heading: String,
    pub previous: Option<Link>,
    pub next: Option<Link>,
    pub report_status: String,
    pub report_facts: Vec<Fact>,
    /// The SHA-256 of the frozen report, for those who verify it.
    pub digest: Option<String>,
    pub figures: Vec<Fact>,
    /// The chart of offerings per category (SVG, drawn by [`bar_chart`]).
    pub chart_svg: String,
    pub per_category: Vec<(String, bool, i64)>,
    pub compliant: bool,
    pub compliance_text: String,
    pub categories: Vec<CategoryLine>,
    pub funding: Vec<Fact>,
    pub funding_note: Option<String>,
    pub funding_csv: String,
    pub narrative: Option<String>,
    pub history: Vec<Fact>,
    pub csrf: String,
    /// The caisse's admins submit the report (again, once returned).
    pub submit: Option<TextForm>,
    pub year: i32,
    /// INASTI's moderators accept or return a submitted report.
    pub review: Option<ReviewReportForm>,
    /// The year's quality indicators and the values the report holds.
    pub indicators: Option<super::evaluating::IndicatorsView>,
    /// INASTI's evaluation of the accepted report, and its forms.
    pub evaluation: Option<super::evaluating::EvaluationView>,
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage<'a> {
    page: Chrome<'a>,
    name: String,
    kind: String,
    facts: Vec<Fact>,
    website: Option<String>,
    email: Option<String>,
    tools_heading: String,
    tools: Vec<ToolLine>,
    tools_next: Option<String>,
    services: Vec<ServiceLine>,
    /// Whether the visitor is signed in (joint services are for the network's members).
    member: bool,
    record_csv: Option<String>,
    account: Option<Account>,
    /// A refused action on the report, said at the top of the account.
    notice: Option<String>,
    banner: Option<super::confirmation::Banner>,
}

pub async fn organisation(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .filter(|(_, v)| !v.is_empty() && v.len() <= PARAM_BYTES)
            .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let visit = visit::visit(&state, &headers, peer, get("lang").as_deref()).await;
    let asked = OrganisationView {
        year: get("year").and_then(|y| y.parse::<i32>().ok()),
        after: get("after"),
        done: get("done"),
        ..OrganisationView::default()
    };
    organisation_page(&state, &visit, &slug, asked, StatusCode::OK).await
}

/// What an organisation's page is asked to show besides the organisation: a year, a page of
/// tools, and what a failed action on the report left next to its fields.
#[derive(Default)]
pub(super) struct OrganisationView {
    pub year: Option<i32>,
    pub after: Option<String>,
    pub submit: Option<TextForm>,
    pub review: Option<ReviewReportForm>,
    pub notice: Option<String>,
    /// What a refused save of the indicators' values left.
    pub indicators: Option<super::evaluating::IndicatorsForm>,
    /// What a refused evaluation left.
    pub evaluation: Option<super::evaluating::RecordForm>,
    /// The change just made, for its banner.
    pub done: Option<String>,
}

/// INASTI's answer to a submitted report: accept, or return it with what to correct.
pub(super) struct ReviewReportForm {
    pub action: String,
    pub report_id: String,
    pub decisions: Vec<Choice>,
    pub comment: String,
    pub decision_error: Option<String>,
    pub comment_error: Option<String>,
}

pub(super) fn review_report_form(
    t: &Translations,
    lang: Lang,
    path: &str,
    report_id: &str,
) -> ReviewReportForm {
    ReviewReportForm {
        action: format!("{path}/report/review"),
        report_id: report_id.to_owned(),
        decisions: ["ACCEPT", "RETURN"]
            .into_iter()
            .map(|value| Choice {
                value,
                label: t.get(lang, &format!("report_decision_{value}")).to_owned(),
                checked: false,
            })
            .collect(),
        comment: String::new(),
        decision_error: None,
        comment_error: None,
    }
}

/// The year an organisation's page shows: the one asked within the frame's years, else the last
/// year ended (the one a caisse reports on).
pub(super) fn shown_year(state: &WebState, asked: Option<i32>) -> i32 {
    let this_year = state.services.now().year();
    asked
        .filter(|y| (FIRST_YEAR..=this_year).contains(y))
        .unwrap_or((this_year - 1).max(FIRST_YEAR))
}

pub(super) async fn organisation_page(
    state: &WebState,
    visit: &Visit,
    slug: &str,
    view: OrganisationView,
    status: StatusCode,
) -> Response {
    let path = format!("/organisations/{}", percent(slug));
    if slug.len() > PARAM_BYTES {
        return failure_page(state, visit, Failure::NotFound, &path);
    }
    let year = shown_year(state, view.year);
    let variables = ops::organisation_profile::Variables {
        slug: slug.to_owned(),
        lang: Some(visit.lang),
        year: year.into(),
        first: Some(TOOLS_PAGE as i64),
        after: view.after.clone(),
    };
    let data = match run::<ops::OrganisationProfile>(state, visit, variables).await {
        Ok(data) => data,
        Err(Failure::Input(_)) => return failure_page(state, visit, Failure::NotFound, &path),
        Err(other) => return failure_page(state, visit, other, &path),
    };
    let Some(mut org) = data.organisation else {
        return failure_page(state, visit, Failure::NotFound, &path);
    };
    let member = data.viewer.is_some();
    let services = if member {
        match joint_services(state, visit, &org).await {
            Ok(list) => list,
            Err(other) => return failure_page(state, visit, other, &path),
        }
    } else {
        Vec::new()
    };
    // `compliance` answers only to those who read the caisse's yearly account.
    let account = match org.compliance.take() {
        Some(compliance) => {
            let forms = AccountForms {
                submit: view.submit,
                review: view.review,
                indicators: view.indicators,
                evaluation: view.evaluation,
            };
            match account(state, visit, (&path, &org.id), year, compliance, forms).await {
                Ok(account) => Some(account),
                Err(other) => return failure_page(state, visit, other, &path),
            }
        }
        None => None,
    };
    let record_csv = (member && is_caisse(&org)).then(|| {
        format!(
            "/exports/responsibility-record?format=csv&caisse={}",
            percent(slug)
        )
    });
    let member_of = (member, services, record_csv);
    let mut page = OrganisationPage::new(state, visit, org, member_of, account, view.notice, &path);
    page.banner =
        super::confirmation::banner(&state.web.translations, visit.lang, view.done.as_deref());
    html(status, &page, &visit.set_cookies)
}

fn is_caisse(org: &OrganisationData) -> bool {
    matches!(
        org.kind,
        ops::organisation_profile::OrganisationKind::CAISSE
    )
}

impl<'a> OrganisationPage<'a> {
    fn new(
        state: &'a WebState,
        visit: &Visit,
        org: OrganisationData,
        (member, services, record_csv): (bool, Vec<ServiceLine>, Option<String>),
        account: Option<Account>,
        notice: Option<String>,
        path: &str,
    ) -> Self {
        let (t, lang) = (&state.web.translations, visit.lang);
        let mut facts = vec![Fact {
            label: t.get(lang, "org_enterprise_number").to_owned(),
            value: org.enterprise_number.clone(),
        }];
        if member {
            facts.push(Fact {
                label: t.get(lang, "org_tools_shared").to_owned(),
                value: org.tools.total_count.to_string(),
            });
        }
        OrganisationPage {
            page: chrome(state, visit, org.name.clone(), path),
            kind: t
                .get(lang, &format!("org_kind_{}", wire(&org.kind)))
                .to_owned(),
            facts,
            // Only web addresses become links; anything else is not shown as one.
            website: org
                .website
                .filter(|w| w.starts_with("https://") || w.starts_with("http://")),
            email: org.contact_email,
            tools_heading: fill(
                t.get(lang, "org_tools"),
                &[("n", &org.tools.total_count.to_string())],
            ),
            tools: org
                .tools
                .nodes
                .into_iter()
                .map(|tool| ToolLine {
                    link: Link {
                        href: format!("/tools/{}", percent(&tool.id)),
                        label: tool.title,
                    },
                    kind: t
                        .get(lang, &format!("kind_{}", wire(&tool.kind)))
                        .to_owned(),
                    outdated: tool.review_overdue,
                    status: (!matches!(
                        tool.status,
                        ops::organisation_profile::ToolStatus::PUBLISHED
                    ))
                    .then(|| {
                        t.get(lang, &format!("status_{}", wire(&tool.status)))
                            .to_owned()
                    }),
                })
                .collect(),
            tools_next: page_info!(org.tools.page_info).next_href(path),
            services,
            member,
            record_csv,
            account,
            notice,
            banner: None,
            name: org.name,
        }
    }
}

/// The joint services the organisation is responsible for or takes part in, among those the
/// visitor may see.
async fn joint_services(
    state: &WebState,
    visit: &Visit,
    org: &OrganisationData,
) -> Result<Vec<ServiceLine>, Failure> {
    let (t, lang) = (&state.web.translations, visit.lang);
    let variables = ops::organisation_services::Variables {
        lang: Some(lang),
        first: Some(SERVICES_SHOWN as i64),
        filter: Some(ops::organisation_services::JointServiceFilter {
            responsible_caisse_id: is_caisse(org).then(|| org.id.clone()),
            statuses: Vec::new(),
        }),
    };
    let data = run::<ops::OrganisationServices>(state, visit, variables).await?;
    Ok(data
        .joint_services
        .nodes
        .into_iter()
        .filter_map(|s| {
            let responsible = s
                .responsible_caisse
                .as_ref()
                .is_some_and(|c| c.id == org.id);
            let takes_part = s.participants.iter().any(|p| p.organisation.id == org.id);
            (responsible || takes_part).then(|| ServiceLine {
                link: Link {
                    href: format!("/collaborations/services/{}", percent(&s.id)),
                    label: s.title,
                },
                status: t
                    .get(lang, &format!("service_status_{}", wire(&s.status)))
                    .to_owned(),
                starts: day(t, lang, &s.starts_on),
                responsible,
            })
        })
        .collect())
}

/// What a refused action left in the account's forms.
struct AccountForms {
    submit: Option<TextForm>,
    review: Option<ReviewReportForm>,
    indicators: Option<super::evaluating::IndicatorsForm>,
    evaluation: Option<super::evaluating::RecordForm>,
}

async fn account(
    state: &WebState,
    visit: &Visit,
    (path, id): (&str, &str),
    year: i32,
    compliance: ComplianceData,
    forms: AccountForms,
) -> Result<Account, Failure> {
    let (t, lang) = (&state.web.translations, visit.lang);
    let variables = ops::activity_report::Variables {
        id: id.to_owned(),
        year: year.into(),
        lang: Some(lang),
    };
    let data = run::<ops::ActivityReport>(state, visit, variables).await?;
    let report = data.activity_report;
    let indicators = super::evaluating::indicators_view(
        t,
        lang,
        path,
        &report,
        &data.indicators,
        forms.indicators,
    );
    let evaluation = super::evaluating::evaluation_view(t, lang, path, &report, forms.evaluation);
    let (submit, review) = (forms.submit, forms.review);
    let variables = ops::funding_allocation::Variables { year: year.into() };
    let funding = match run::<ops::FundingAllocation>(state, visit, variables).await {
        Ok(data) => Some(data.funding_allocation),
        // No parameters set for the year: said on the page.
        Err(Failure::Input(_) | Failure::NotFound) => None,
        Err(other) => return Err(other),
    };
    let this_year = state.services.now().year();
    let year_link = |y: i32| Link {
        href: format!("{path}?year={y}"),
        label: y.to_string(),
    };
    let (funding, funding_note) = funding_facts(t, lang, id, year, funding);
    let (submit, review) = report_forms(t, lang, path, &report, (submit, review));
    let per_category = &report.figures.per_category;
    Ok(Account {
        indicators,
        evaluation,
        history: history(t, lang, &report),
        csrf: visit.csrf.clone(),
        submit,
        year,
        review,
        heading: fill(t.get(lang, "account_title"), &[("year", &year.to_string())]),
        previous: (year > FIRST_YEAR).then(|| year_link(year - 1)),
        next: (year < this_year).then(|| year_link(year + 1)),
        report_status: t
            .get(lang, &format!("report_status_{}", wire(&report.status)))
            .to_owned(),
        report_facts: report_facts(t, lang, &report),
        digest: Some(report.snapshot_sha256.clone()).filter(|d| !d.is_empty()),
        figures: figures(t, lang, &report),
        chart_svg: offerings_chart(t, lang, year, &report),
        per_category: per_category
            .iter()
            .map(|c| {
                (
                    category_name(t, lang, &c.category),
                    c.mandatory,
                    c.offerings,
                )
            })
            .collect(),
        compliant: compliance.compliant,
        compliance_text: compliance_text(t, lang, &compliance),
        categories: compliance
            .categories
            .into_iter()
            .map(|c| CategoryLine {
                name: category_name(t, lang, &c.category),
                mandatory: c.mandatory,
                offerings: c.offerings.into_iter().map(|o| o.title).collect(),
            })
            .collect(),
        funding,
        funding_note,
        funding_csv: format!("/reports/{year}/funding.csv"),
        narrative: report.narrative,
    })
}

/// The report's forms the API lets the visitor use: submit it (the caisse's admins), accept
/// or return it (INASTI's moderators), with what a failed attempt left in them.
fn report_forms(
    t: &Translations,
    lang: Lang,
    path: &str,
    report: &ReportData,
    (submit, review): (Option<TextForm>, Option<ReviewReportForm>),
) -> (Option<TextForm>, Option<ReviewReportForm>) {
    let submit = report.viewer_can.submit.then(|| {
        submit.unwrap_or_else(|| TextForm {
            action: format!("{path}/report"),
            text: report.narrative.clone().unwrap_or_default(),
            error: None,
        })
    });
    let review = match &report.id {
        Some(report_id) if report.viewer_can.review => {
            Some(review.unwrap_or_else(|| review_report_form(t, lang, path, report_id)))
        }
        _ => None,
    };
    (submit, review)
}

/// A service category's name in the page's language.
pub(super) fn category_name<C: serde::Serialize>(
    t: &Translations,
    lang: Lang,
    category: &C,
) -> String {
    t.get(lang, &format!("category_{}", wire(category)))
        .to_owned()
}

/// The report's figures, each in words.
fn figures(t: &Translations, lang: Lang, report: &ReportData) -> Vec<Fact> {
    let f = &report.figures;
    let count = |key: &str, n: i64| Fact {
        label: t.get(lang, key).to_owned(),
        value: n.to_string(),
    };
    vec![
        count("figure_tools_published", f.tools_published),
        count("figure_tools_updated", f.tools_updated),
        count("figure_adoptions_given", f.adoptions_given),
        count("figure_adoptions_received", f.adoptions_received),
        count("figure_reviews_given", f.reviews_given),
        count("figure_reviews_received", f.reviews_received),
        count("figure_translations_given", f.translations_given),
        count("figure_translations_received", f.translations_received),
        count("figure_proposals_received", f.proposals_received),
        count("figure_proposals_accepted", f.proposals_accepted),
        count("figure_services_responsible", f.joint_services_responsible),
        count(
            "figure_services_participating",
            f.joint_services_participating,
        ),
        count("figure_people_reached", f.people_reached),
    ]
}

/// The chart of offerings per service category, the mandatory ones emphasised.
fn offerings_chart(t: &Translations, lang: Lang, year: i32, report: &ReportData) -> String {
    let bars: Vec<Bar> = report
        .figures
        .per_category
        .iter()
        .map(|c| Bar {
            label: category_name(t, lang, &c.category),
            value: c.offerings,
            emphasis: c.mandatory,
        })
        .collect();
    let chart_title = fill(t.get(lang, "chart_title"), &[("year", &year.to_string())]);
    bar_chart(
        "offerings-chart",
        &chart_title,
        t.get(lang, "chart_description"),
        &bars,
    )
}

/// When the report was submitted, and the digest of its frozen snapshot.
fn report_facts(t: &Translations, lang: Lang, report: &ReportData) -> Vec<Fact> {
    // The snapshot's digest is not a figure: it is offered apart, for whoever verifies it.
    report
        .submitted_at
        .as_deref()
        .map(|at| Fact {
            label: t.get(lang, "report_submitted").to_owned(),
            value: day(t, lang, at),
        })
        .into_iter()
        .collect()
}

fn compliance_text(t: &Translations, lang: Lang, compliance: &ComplianceData) -> String {
    if compliance.compliant {
        t.get(lang, "compliance_ok").to_owned()
    } else if !compliance.mandatory_missing.is_empty() {
        let missing: Vec<String> = compliance
            .mandatory_missing
            .iter()
            .map(|c| category_name(t, lang, c))
            .collect();
        fill(
            t.get(lang, "compliance_missing"),
            &[("categories", &missing.join(", "))],
        )
    } else if !compliance.has_optional {
        t.get(lang, "compliance_no_optional").to_owned()
    } else {
        t.get(lang, "compliance_not_ok").to_owned()
    }
}

/// The report's steps: submitted, returned, accepted — by whom, when, with what comment.
fn history(t: &Translations, lang: Lang, report: &ReportData) -> Vec<Fact> {
    report
        .history
        .iter()
        .map(|h| {
            let step = t
                .get(lang, &format!("report_status_{}", wire(&h.step)))
                .to_owned();
            Fact {
                label: format!("{} — {}", day(t, lang, &h.at), h.organisation.name),
                value: match &h.comment {
                    Some(comment) => format!("{step}: {comment}"),
                    None => step,
                },
            }
        })
        .collect()
}

/// The caisse's line of the year's funding, or why there is none.
fn funding_facts(
    t: &Translations,
    lang: Lang,
    id: &str,
    year: i32,
    allocation: Option<AllocationData>,
) -> (Vec<Fact>, Option<String>) {
    let Some(allocation) = allocation else {
        return (
            Vec::new(),
            Some(fill(
                t.get(lang, "funding_none"),
                &[("year", &year.to_string())],
            )),
        );
    };
    let Some(share) = allocation.shares.into_iter().find(|s| s.caisse.id == id) else {
        return (Vec::new(), Some(t.get(lang, "funding_no_share").to_owned()));
    };
    let euro = |amount: &str| money(lang, amount);
    let fact = |key: &str, value: String| Fact {
        label: t.get(lang, key).to_owned(),
        value,
    };
    let affiliates = share.affiliates.map_or_else(
        || t.get(lang, "funding_no_count").to_owned(),
        |n| {
            fill(
                t.get(lang, "funding_affiliates_on"),
                &[
                    ("n", &number(lang, n)),
                    ("date", &day(t, lang, &allocation.affiliates_on)),
                ],
            )
        },
    );
    (
        vec![
            fact("funding_envelope", euro(&allocation.envelope_eur)),
            fact("funding_affiliates", affiliates),
            fact("funding_fixed", euro(&share.fixed_eur)),
            fact("funding_variable", euro(&share.variable_eur)),
            fact("funding_total", euro(&share.total_eur)),
        ],
        None,
    )
}
