//! `/evaluations`: INASTI's evaluation of a year for its officers and the CGG — where every
//! caisse's evaluation stands (officers), the publication (platform admins), the published
//! figures with their digest and CSV, and the CGG's advice (recorded by its members); and
//! `/evaluations/trend`: three consecutive years side by side, in charts and tables.

use std::net::SocketAddr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Datelike;

use super::chart::{Bar, bar_chart};
use super::collaborations::{Fact, Link};
use super::confirmation::{self, Banner};
use super::forms::{error_text, mutate, posted};
use super::i18n::{Translations, decimal, fill, number};
use super::operations::{self as ops, wire};
use super::organisation_page::{category_name, shown_year};
use super::pages::{Chrome, Failure, chrome, failure_page, html, run, see_other};
use super::tool_page::day;
use super::visit::{self, Visit};
use crate::WebState;
use commons_domain::lang::Lang;
use commons_domain::legal_frame::FIRST_YEAR;

/// Longer than any year.
const PARAM_BYTES: usize = 10;

type Published = ops::year_evaluation::YearEvaluationYearEvaluation;

/// A row of a table: its heading cell, then its cells.
pub(super) struct Row {
    pub head: String,
    pub href: Option<String>,
    pub cells: Vec<String>,
}

pub(super) struct Table {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// The CGG's advice form, with what a refused one left.
pub(super) struct AdviceForm {
    pub action: String,
    pub text: String,
    pub given_on: String,
    pub text_error: Option<String>,
    pub date_error: Option<String>,
}

#[derive(Template)]
#[template(path = "evaluations.html")]
struct EvaluationsPage<'a> {
    page: Chrome<'a>,
    banner: Option<Banner>,
    heading: String,
    previous: Option<Link>,
    next: Option<Link>,
    trend_href: String,
    notice: Option<String>,
    /// Where each caisse stands: INASTI's officers.
    progress: Option<Table>,
    /// Offered to platform admins once every caisse is ready.
    publish_action: Option<String>,
    published: Option<PublishedView>,
    advice: Option<Fact>,
    advice_form: Option<AdviceForm>,
}

pub(super) struct PublishedView {
    pub summary: Vec<Fact>,
    pub digest: String,
    pub csv: String,
    pub caisses: Table,
    pub criteria: Table,
    pub coverage: Table,
    pub indicators: Option<Table>,
}

fn year_param(raw: Option<&str>, name: &str) -> Option<i32> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, v)| k == name && v.len() <= PARAM_BYTES)
        .and_then(|(_, v)| v.parse().ok())
}

fn param(raw: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, v)| k == name && v.len() <= 40)
        .map(|(_, v)| v.into_owned())
}

pub async fn evaluations(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let visit = visit::visit(
        &state,
        &headers,
        peer,
        param(raw.as_deref(), "lang").as_deref(),
    )
    .await;
    let year = shown_year(&state, year_param(raw.as_deref(), "year"));
    let done = param(raw.as_deref(), "done");
    year_page(
        &state,
        &visit,
        year,
        Shown {
            done,
            ..Shown::default()
        },
        StatusCode::OK,
    )
    .await
}

/// What the page shows besides the year: a banner, or what a refused action left.
#[derive(Default)]
struct Shown {
    done: Option<String>,
    notice: Option<String>,
    advice: Option<AdviceForm>,
}

fn yes_no(t: &Translations, lang: Lang, b: bool) -> String {
    t.get(lang, if b { "yes" } else { "no" }).to_owned()
}

async fn year_page(
    state: &WebState,
    visit: &Visit,
    year: i32,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let path = "/evaluations";
    let (t, lang) = (&state.web.translations, visit.lang);
    let variables = ops::year_evaluation::Variables {
        year: year.into(),
        lang: Some(lang),
    };
    let data = match run::<ops::YearEvaluation>(state, visit, variables).await {
        Ok(data) => data,
        Err(other) => return failure_page(state, visit, other, path),
    };
    // Only INASTI's officers follow the caisses' evaluations before the publication; the
    // CGG reads what is published.
    let progress = if !visit.can.give_advice {
        let variables = ops::evaluation_progress::Variables {
            year: year.into(),
            lang: Some(lang),
        };
        match run::<ops::EvaluationProgress>(state, visit, variables).await {
            Ok(p) => Some(p.evaluation_progress),
            Err(Failure::Forbidden) => None,
            Err(other) => return failure_page(state, visit, other, path),
        }
    } else {
        None
    };
    let all_ready = progress.as_ref().is_some_and(|rows| {
        !rows.is_empty()
            && rows.iter().all(|r| {
                matches!(
                    r.readiness,
                    ops::evaluation_progress::EvaluationReadiness::READY
                )
            })
    });
    let this_year = state.services.now().year();
    let link = |y: i32| Link {
        href: format!("{path}?year={y}"),
        label: y.to_string(),
    };
    let published = data.year_evaluation;
    let advice = published
        .as_ref()
        .and_then(|p| p.advice.as_ref())
        .map(|a| Fact {
            label: fill(
                t.get(lang, "advice_given_on"),
                &[("date", &day(t, lang, &a.given_on))],
            ),
            value: a.text.clone(),
        });
    let advice_form = (visit.can.give_advice
        && published.as_ref().is_some_and(|p| p.advice.is_none()))
    .then(|| {
        shown.advice.unwrap_or_else(|| AdviceForm {
            action: format!("{path}/{year}/advice"),
            text: String::new(),
            given_on: state.services.now().date_naive().to_string(),
            text_error: None,
            date_error: None,
        })
    });
    let from = (year - 2).max(FIRST_YEAR).min(this_year - 2);
    let page = EvaluationsPage {
        page: chrome(
            state,
            visit,
            fill(
                t.get(lang, "evaluations_title"),
                &[("year", &year.to_string())],
            ),
            &format!("{path}?year={year}"),
        ),
        banner: confirmation::banner(t, lang, shown.done.as_deref()),
        heading: fill(
            t.get(lang, "evaluations_title"),
            &[("year", &year.to_string())],
        ),
        previous: (year > FIRST_YEAR).then(|| link(year - 1)),
        next: (year < this_year).then(|| link(year + 1)),
        trend_href: format!("{path}/trend?from={from}"),
        notice: shown.notice,
        publish_action: (visit.can.publish_evaluations
            && all_ready
            && published.is_none()
            && year < this_year)
            .then(|| format!("{path}/{year}/publish")),
        progress: progress.map(|rows| progress_table(t, lang, year, rows)),
        published: published.map(|p| published_view(t, lang, p, &data.indicators)),
        advice,
        advice_form,
    };
    html(status, &page, &visit.set_cookies)
}

fn progress_table(
    t: &Translations,
    lang: Lang,
    year: i32,
    rows: Vec<ops::evaluation_progress::EvaluationProgressEvaluationProgress>,
) -> Table {
    Table {
        caption: t.get(lang, "evaluations_progress").to_owned(),
        columns: [
            "evaluations_report",
            "evaluations_readiness",
            "evaluation_mean",
            "evaluation_weight",
        ]
        .iter()
        .map(|k| t.get(lang, k).to_owned())
        .collect(),
        rows: rows
            .into_iter()
            .map(|r| Row {
                head: r.caisse.name,
                href: Some(format!(
                    "/organisations/{}?year={year}#report-title",
                    super::pages::percent(&r.caisse.slug)
                )),
                cells: vec![
                    t.get(lang, &format!("report_status_{}", wire(&r.report_status)))
                        .to_owned(),
                    t.get(lang, &format!("readiness_{}", wire(&r.readiness)))
                        .to_owned(),
                    r.evaluation
                        .as_ref()
                        .map(|e| decimal(lang, &e.mean_score))
                        .unwrap_or_default(),
                    r.evaluation
                        .map(|e| decimal(lang, &e.suggested_weight))
                        .unwrap_or_default(),
                ],
            })
            .collect(),
    }
}

fn published_view(
    t: &Translations,
    lang: Lang,
    p: Published,
    names: &[ops::year_evaluation::YearEvaluationIndicators],
) -> PublishedView {
    let fact = |key: &str, value: String| Fact {
        label: t.get(lang, key).to_owned(),
        value,
    };
    let columns = |keys: &[&str]| keys.iter().map(|k| t.get(lang, k).to_owned()).collect();
    let caisse_count = p.caisses.len() as i64;
    PublishedView {
        summary: vec![
            fact("evaluations_published_on", day(t, lang, &p.published_at)),
            fact(
                "evaluations_compliant",
                fill(
                    t.get(lang, "evaluations_compliant_of"),
                    &[
                        ("n", &p.caisses_compliant.to_string()),
                        ("total", &caisse_count.to_string()),
                    ],
                ),
            ),
            fact("figure_people_reached", number(lang, p.people_reached)),
            fact("evaluations_adoptions", number(lang, p.adoptions)),
            fact(
                "figure_proposals_received",
                number(lang, p.proposals_received),
            ),
            fact(
                "figure_proposals_accepted",
                number(lang, p.proposals_accepted),
            ),
            fact("evaluations_joint_services", number(lang, p.joint_services)),
        ],
        digest: p.snapshot_sha256,
        csv: p.csv_url,
        caisses: Table {
            caption: t.get(lang, "evaluations_per_caisse").to_owned(),
            columns: columns(&[
                "evaluations_compliant_column",
                "chart_offerings",
                "figure_people_reached",
                "evaluation_mean",
                "evaluations_weight_approved",
            ]),
            rows: p
                .caisses
                .into_iter()
                .map(|c| Row {
                    head: c.caisse_name,
                    href: None,
                    cells: vec![
                        yes_no(t, lang, c.compliant),
                        c.offerings.to_string(),
                        number(lang, c.people_reached),
                        decimal(lang, &c.mean_score),
                        decimal(lang, &c.weight),
                    ],
                })
                .collect(),
        },
        criteria: Table {
            caption: t.get(lang, "evaluations_criteria").to_owned(),
            columns: columns(&["evaluation_mean"]),
            rows: p
                .criteria
                .into_iter()
                .map(|c| Row {
                    head: c
                        .criterion
                        .as_ref()
                        .map(|x| t.get(lang, &format!("criterion_{}", wire(x))).to_owned())
                        .unwrap_or_default(),
                    href: None,
                    cells: vec![decimal(lang, &c.mean)],
                })
                .collect(),
        },
        coverage: Table {
            caption: t.get(lang, "evaluations_coverage").to_owned(),
            columns: columns(&["evaluations_caisses_offering", "chart_offerings"]),
            rows: p
                .coverage
                .into_iter()
                .map(|c| Row {
                    head: c
                        .category
                        .as_ref()
                        .map(|x| category_name(t, lang, x))
                        .unwrap_or_default(),
                    href: None,
                    cells: vec![c.caisses.to_string(), c.offerings.to_string()],
                })
                .collect(),
        },
        indicators: (!p.indicators.is_empty()).then(|| Table {
            caption: t.get(lang, "evaluations_indicators").to_owned(),
            columns: columns(&[
                "tool_categories",
                "evaluations_reported",
                "evaluations_min",
                "evaluations_median",
                "evaluations_max",
                "evaluation_mean",
            ]),
            rows: p
                .indicators
                .into_iter()
                .map(|d| Row {
                    head: names
                        .iter()
                        .find(|n| n.code == d.code)
                        .map_or_else(|| d.code.clone(), |n| n.name.clone()),
                    href: None,
                    cells: vec![
                        d.category
                            .as_ref()
                            .map(|x| category_name(t, lang, x))
                            .unwrap_or_default(),
                        d.reported.to_string(),
                        d.min.to_string(),
                        decimal(lang, &d.median),
                        d.max.to_string(),
                        decimal(lang, &d.mean),
                    ],
                })
                .collect(),
        }),
    }
}

/// `POST /evaluations/{year}/publish`: a platform admin publishes the year.
pub async fn publish(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(year): Path<i32>,
    body: Bytes,
) -> Response {
    let path = format!("/evaluations?year={year}");
    let (visit, _) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    use ops::publish_year_evaluation::{PublishYearEvaluationInput, Variables};
    let input = PublishYearEvaluationInput { year: year.into() };
    let notice = match mutate::<ops::PublishYearEvaluation>(&state, &visit, Variables { input })
        .await
    {
        Ok(errors) if errors.is_empty() => {
            return see_other(
                &confirmation::after(&format!("{path}#published-title"), "evaluation_published"),
                &visit.set_cookies,
            );
        }
        Ok(errors) => errors.first().map(|e| error_text(t, lang, e)),
        Err(Failure::Input(message)) => Some(message),
        Err(Failure::Conflict) => Some(t.get(lang, "conflict_text").to_owned()),
        Err(other) => return failure_page(&state, &visit, other, &path),
    };
    let year = shown_year(&state, Some(year));
    year_page(
        &state,
        &visit,
        year,
        Shown {
            notice,
            ..Shown::default()
        },
        StatusCode::BAD_REQUEST,
    )
    .await
}

/// `POST /evaluations/{year}/advice`: a member of the CGG records the committee's advice.
pub async fn advice(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(year): Path<i32>,
    body: Bytes,
) -> Response {
    let path = format!("/evaluations?year={year}");
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let mut form = AdviceForm {
        action: format!("/evaluations/{year}/advice"),
        text: fields.one("text"),
        given_on: fields.one("given_on"),
        text_error: None,
        date_error: None,
    };
    let mut notice = None;
    match chrono::NaiveDate::parse_from_str(form.given_on.trim(), "%Y-%m-%d") {
        Err(_) => form.date_error = Some(t.get(lang, "error_INVALID_FORMAT").to_owned()),
        Ok(date) => {
            use ops::record_cgg_advice::{RecordCggAdviceInput, Variables};
            let input = RecordCggAdviceInput {
                year: year.into(),
                text: form.text.clone(),
                given_on: date.to_string(),
            };
            match mutate::<ops::RecordCggAdvice>(&state, &visit, Variables { input }).await {
                Ok(errors) if errors.is_empty() => {
                    return see_other(
                        &confirmation::after(&format!("{path}#advice-title"), "advice_recorded"),
                        &visit.set_cookies,
                    );
                }
                Ok(errors) => {
                    for e in &errors {
                        let slot = if e.concerns("text") {
                            &mut form.text_error
                        } else if e.concerns("givenOn") {
                            &mut form.date_error
                        } else {
                            &mut notice
                        };
                        slot.get_or_insert_with(|| error_text(t, lang, e));
                    }
                }
                Err(Failure::Input(message)) => notice = Some(message),
                Err(Failure::Conflict) => notice = Some(t.get(lang, "conflict_text").to_owned()),
                Err(other) => return failure_page(&state, &visit, other, &path),
            }
        }
    }
    let year = shown_year(&state, Some(year));
    let shown = Shown {
        notice,
        advice: Some(form),
        ..Shown::default()
    };
    year_page(&state, &visit, year, shown, StatusCode::BAD_REQUEST).await
}

#[derive(Template)]
#[template(path = "evaluation_trend.html")]
struct TrendPage<'a> {
    page: Chrome<'a>,
    heading: String,
    previous: Option<Link>,
    next: Option<Link>,
    unpublished: Vec<String>,
    /// Whether any year of the window is published: else there is nothing to chart.
    any_published: bool,
    people_chart: String,
    score_chart: String,
    years: Table,
    caisses: Table,
    categories: Table,
    csv: String,
}

/// `GET /evaluations/trend?from=Y`: the three years from Y, as published.
pub async fn trend(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let visit = visit::visit(
        &state,
        &headers,
        peer,
        param(raw.as_deref(), "lang").as_deref(),
    )
    .await;
    let (t, lang) = (&state.web.translations, visit.lang);
    let this_year = state.services.now().year();
    let latest = this_year - 2;
    let from = year_param(raw.as_deref(), "from")
        .filter(|y| (FIRST_YEAR..=latest).contains(y))
        .unwrap_or(latest.max(FIRST_YEAR));
    let path = format!("/evaluations/trend?from={from}");
    let variables = ops::evaluation_trend::Variables { from: from.into() };
    let data = match run::<ops::EvaluationTrend>(&state, &visit, variables).await {
        Ok(data) => data.evaluation_trend,
        Err(other) => return failure_page(&state, &visit, other, &path),
    };
    let years: Vec<i64> = data.years.iter().map(|y| y.year).collect();
    let heading = fill(
        t.get(lang, "trend_title"),
        &[
            ("from", &data.from_year.to_string()),
            ("to", &data.to_year.to_string()),
        ],
    );
    let link = |y: i32| Link {
        href: format!("/evaluations/trend?from={y}"),
        label: format!("{y}–{}", y + 2),
    };
    let people_bars: Vec<Bar> = data
        .years
        .iter()
        .filter(|y| y.published)
        .map(|y| Bar {
            label: y.year.to_string(),
            value: y.people_reached.unwrap_or(0),
            emphasis: false,
        })
        .collect();
    // The published mean score, in hundredths, so that bars compare.
    let score_bars: Vec<Bar> = data
        .years
        .iter()
        .filter(|y| y.published)
        .map(|y| Bar {
            label: y.year.to_string(),
            value: y.mean_score.as_deref().and_then(hundredths).unwrap_or(0),
            emphasis: false,
        })
        .collect();
    let year_columns: Vec<String> = years.iter().map(i64::to_string).collect();
    let dash = || "—".to_owned();
    let page = TrendPage {
        page: chrome(&state, &visit, heading.clone(), &path),
        heading,
        previous: (from > FIRST_YEAR).then(|| link(from - 1)),
        next: (from < latest).then(|| link(from + 1)),
        any_published: data.years.iter().any(|y| y.published),
        unpublished: data
            .years
            .iter()
            .filter(|y| !y.published)
            .map(|y| y.year.to_string())
            .collect(),
        people_chart: bar_chart(
            "people-chart",
            t.get(lang, "trend_people_chart"),
            t.get(lang, "trend_people_chart_description"),
            &people_bars,
        ),
        score_chart: bar_chart(
            "score-chart",
            t.get(lang, "trend_score_chart"),
            t.get(lang, "trend_score_chart_description"),
            &score_bars,
        ),
        years: Table {
            caption: t.get(lang, "trend_years").to_owned(),
            columns: [
                "figure_people_reached",
                "evaluations_compliant_column",
                "evaluation_mean",
            ]
            .iter()
            .map(|k| t.get(lang, k).to_owned())
            .collect(),
            rows: data
                .years
                .iter()
                .map(|y| Row {
                    head: y.year.to_string(),
                    href: y.published.then(|| format!("/evaluations?year={}", y.year)),
                    cells: if y.published {
                        vec![
                            number(lang, y.people_reached.unwrap_or(0)),
                            y.caisses_compliant.unwrap_or(0).to_string(),
                            decimal(lang, y.mean_score.as_deref().unwrap_or_default()),
                        ]
                    } else {
                        vec![
                            t.get(lang, "trend_not_published").to_owned(),
                            dash(),
                            dash(),
                        ]
                    },
                })
                .collect(),
        },
        caisses: Table {
            caption: t.get(lang, "trend_caisses").to_owned(),
            columns: year_columns.clone(),
            rows: data
                .caisses
                .into_iter()
                .map(|c| Row {
                    head: c.caisse_name,
                    href: None,
                    cells: years
                        .iter()
                        .map(|y| {
                            c.points
                                .iter()
                                .find(|p| p.year == *y)
                                .map_or_else(dash, |p| {
                                    fill(
                                        t.get(lang, "trend_caisse_cell"),
                                        &[
                                            ("people", &number(lang, p.people_reached)),
                                            ("score", &decimal(lang, &p.mean_score)),
                                            ("weight", &decimal(lang, &p.weight)),
                                            ("compliant", &yes_no(t, lang, p.compliant)),
                                        ],
                                    )
                                })
                        })
                        .collect(),
                })
                .collect(),
        },
        categories: Table {
            caption: t.get(lang, "trend_categories").to_owned(),
            columns: year_columns,
            rows: data
                .categories
                .into_iter()
                .map(|c| Row {
                    head: category_name(t, lang, &c.category),
                    href: None,
                    cells: years
                        .iter()
                        .map(|y| {
                            c.points
                                .iter()
                                .find(|p| p.year == *y)
                                .map_or_else(dash, |p| {
                                    fill(
                                        t.get(lang, "trend_category_cell"),
                                        &[
                                            ("caisses", &p.caisses.to_string()),
                                            ("offerings", &p.offerings.to_string()),
                                        ],
                                    )
                                })
                        })
                        .collect(),
                })
                .collect(),
        },
        csv: data.csv_url,
    };
    html(StatusCode::OK, &page, &visit.set_cookies)
}

/// `"3.40"` as 340.
fn hundredths(decimal: &str) -> Option<i64> {
    let (whole, fraction) = decimal.split_once('.').unwrap_or((decimal, "0"));
    let fraction = format!("{fraction:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + fraction.get(..2)?.parse::<i64>().ok()?)
}
