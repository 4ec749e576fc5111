//! `/moderation`: the tools waiting for review, oldest first, each with what it changes from
//! the published revision (or, for a new tool, what it says) and the decision form; then the
//! open reports of tools and reviews, each item with the form that resolves its reports
//! ([`super::reporting`]).

use std::net::SocketAddr;

use super::appealing::{self, AppealEntry};
use super::chart::{Bar, bar_chart};
use super::confirmation::{self, Banner};
use super::i18n::{Translations, fill, number};
use super::operations::{self as ops, ModerationQueue, moderation_queue, page_info, wire};
use super::pages::{Chrome, Failure, chrome, failure_page, html, percent, run, see_other};
use super::reporting::{ReportGroup, ResolveTyped, groups};
use super::tool_page::{
    ChangeLine, DecideForm, Download, change_lines, changes, day, decide_form, download, file_facts,
};
use super::visit::{self, Visit};
use crate::WebState;
use askama::Template;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::lang::Lang;

/// Tools shown on one page of the queue.
const QUEUE_PAGE: usize = 10;

pub(super) struct QueueEntry {
    pub href: String,
    pub title: String,
    pub owner: String,
    pub submitted: String,
    pub heading: String,
    pub changes: Vec<ChangeLine>,
    /// The submitted revision's description (as HTML) and documents, read before deciding;
    /// shown open for a new tool.
    pub body_html: String,
    pub downloads: Vec<Download>,
    pub first: bool,
    pub decide: DecideForm,
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage<'a> {
    page: Chrome<'a>,
    /// The decision just made, confirmed at the top.
    banner: Option<Banner>,
    total: String,
    entries: Vec<QueueEntry>,
    next_href: Option<String>,
    /// Per organisation with published tools: (its page, its name, published, due soon,
    /// overdue), digits as the language writes them.
    currency: Vec<(String, String, String, String, String)>,
    /// The languages' names, then per organisation: its page, its name, its published tools
    /// and its tools in each language.
    languages: Vec<String>,
    coverage: Vec<CoverageLine>,
    /// Tools per language across organisations (SVG, drawn by [`bar_chart`]).
    coverage_chart: String,
    reports_count: String,
    reports: Vec<ReportGroup>,
    appeals_count: String,
    appeals: Vec<AppealEntry>,
}

pub async fn queue(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let visit = visit::visit(&state, &headers, peer, get("lang").as_deref()).await;
    let after = get("after").filter(|a| a.len() <= 200);
    page(&state, &visit, after, get("done"), None).await
}

/// A form of the moderation page that came back with an error, as typed.
pub(super) enum Refused {
    Report(ResolveTyped),
    Appeal(appealing::DecideTyped),
}

/// The moderation page; with `refused`, a form that came back with an error, shown beside its
/// item (status 400).
pub(super) async fn page(
    state: &WebState,
    visit: &Visit,
    after: Option<String>,
    done: Option<String>,
    refused: Option<Refused>,
) -> Response {
    let path = "/moderation";
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    let lang = visit.lang;
    let variables = moderation_queue::Variables {
        lang: Some(lang),
        first: Some(QUEUE_PAGE as i64),
        after,
    };
    let data = match run::<ModerationQueue>(state, visit, variables).await {
        Ok(data) => data,
        Err(Failure::Input(_)) => return see_other(path, &visit.set_cookies),
        Err(other) => return failure_page(state, visit, other, path),
    };
    let t = &state.web.translations;
    let queue = data.moderation_queue;
    let mut entries = Vec::with_capacity(queue.nodes.len());
    for (index, tool) in queue.nodes.into_iter().enumerate() {
        match entry(state, visit, index, tool).await {
            Ok(Some(entry)) => entries.push(entry),
            Ok(None) => {}
            Err(other) => return failure_page(state, visit, other, path),
        }
    }
    let next_href = page_info!(queue.page_info).next_href(path);
    let title = t.get(lang, "moderation_title").to_owned();
    let currency = data
        .review_overview
        .into_iter()
        .map(|r| {
            (
                format!("/organisations/{}", percent(&r.organisation.slug)),
                r.organisation.name,
                number(lang, r.published),
                number(lang, r.due_soon),
                number(lang, r.overdue),
            )
        })
        .collect();
    let (languages, coverage, coverage_chart) = coverage(t, lang, data.language_coverage);
    let (report, appeal) = match &refused {
        Some(Refused::Report(r)) => (Some(r), None),
        Some(Refused::Appeal(a)) => (None, Some(a)),
        None => (None, None),
    };
    let (reports_count, reports) = groups(t, lang, data.content_reports, report);
    let (appeals_count, appeals) = appealing::entries(t, lang, data.appeals, appeal);
    let status = if refused.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = QueuePage {
        appeals_count,
        appeals,
        reports_count,
        reports,
        languages,
        coverage,
        coverage_chart,
        currency,
        banner: confirmation::banner(t, lang, done.as_deref()),
        page: chrome(state, visit, title, path),
        total: t.count(lang, "moderation_count", queue.total_count),
        entries,
        next_href,
    };
    html(status, &page, &visit.set_cookies)
}

type Coverage = ops::moderation_queue::ModerationQueueLanguageCoverage;

/// One organisation's line of the languages table, figures as the page's language writes them.
pub(super) struct CoverageLine {
    pub href: String,
    pub name: String,
    pub published: String,
    /// Its tools in each language, in `Lang::ALL`'s order.
    pub counts: Vec<String>,
}

/// The languages' names; per organisation its page, name, published tools and tools in each
/// language; and a chart of the tools in each language across organisations.
fn coverage(
    t: &Translations,
    lang: Lang,
    rows: Vec<Coverage>,
) -> (Vec<String>, Vec<CoverageLine>, String) {
    let languages: Vec<String> = Lang::ALL
        .iter()
        .map(|l| t.get(lang, &format!("lang_{}", wire(l))).to_owned())
        .collect();
    let mut totals = [0_i64; 4];
    let lines = rows
        .into_iter()
        .map(|r| {
            let counts = Lang::ALL
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let n = r
                        .languages
                        .iter()
                        .find(|x| x.lang == *l)
                        .map_or(0, |x| x.tools);
                    totals[i] += n;
                    number(lang, n)
                })
                .collect();
            CoverageLine {
                href: format!("/organisations/{}", percent(&r.organisation.slug)),
                name: r.organisation.name,
                published: number(lang, r.published),
                counts,
            }
        })
        .collect();
    let bars: Vec<Bar> = languages
        .iter()
        .zip(totals)
        .map(|(label, value)| Bar {
            label: label.clone(),
            value,
            emphasis: false,
        })
        .collect();
    let chart = bar_chart(
        "coverage-chart",
        t.get(lang, "coverage_chart_title"),
        t.get(lang, "coverage_hint"),
        &bars,
    );
    (languages, lines, chart)
}

type Queued = ops::moderation_queue::ModerationQueueModerationQueueNodes;
type Submitted = ops::moderation_queue::ModerationQueueModerationQueueNodesLatest;

/// One tool of the queue: what its submitted revision changes from the published one (or, for
/// a new tool, what it says), and the decision form.
async fn entry(
    state: &WebState,
    visit: &Visit,
    index: usize,
    tool: Queued,
) -> Result<Option<QueueEntry>, Failure> {
    let (t, lang) = (&state.web.translations, visit.lang);
    let Some(latest) = tool.latest else {
        return Ok(None);
    };
    let first = tool.published.is_none();
    let (heading, lines) = match tool.published {
        Some(published) => {
            let list = changes(state, visit, &tool.id, published.number, latest.number).await?;
            (
                fill(
                    t.get(lang, "changes_since"),
                    &[("n", &published.number.to_string())],
                ),
                change_lines(t, lang, list),
            )
        }
        None => (
            t.get(lang, "changes_first").to_owned(),
            first_revision(t, lang, &latest, &tool.owner.name),
        ),
    };
    let downloads = latest
        .attachments
        .iter()
        .map(|a| download(t, lang, file_facts!(a)))
        .collect();
    Ok(Some(QueueEntry {
        body_html: super::markdown::to_html(&latest.body),
        downloads,
        first,
        href: format!("/tools/{}", percent(&tool.id)),
        title: tool.title,
        owner: tool.owner.name,
        submitted: latest
            .submitted_at
            .as_deref()
            .map(|at| day(t, lang, at))
            .unwrap_or_default(),
        heading,
        changes: lines,
        decide: decide_form(
            t,
            lang,
            (&tool.id, &format!("q{index}")),
            latest.number,
            "/moderation",
        ),
    }))
}

/// A new tool: what it says, as the changes from nothing.
fn first_revision(
    t: &Translations,
    lang: Lang,
    latest: &Submitted,
    owner: &str,
) -> Vec<ChangeLine> {
    let added = |key: &str, after: String| ChangeLine {
        field: t.get(lang, key).to_owned(),
        before: String::new(),
        after,
    };
    let categories: Vec<String> = latest
        .categories
        .iter()
        .map(|c| t.get(lang, &format!("category_{}", wire(c))).to_owned())
        .collect();
    let mut lines = vec![
        added(
            "field_kind",
            t.get(lang, &format!("kind_{}", wire(&latest.kind)))
                .to_owned(),
        ),
        added("field_categories", categories.join(", ")),
        added(
            "field_licence",
            super::tool_page::licence_in_words(t, lang, &latest.licence, owner),
        ),
    ];
    for tr in &latest.translations {
        let language = t.get(lang, &format!("lang_{}", wire(&tr.lang))).to_owned();
        for (key, text) in [("field_title", &tr.title), ("field_summary", &tr.summary)] {
            lines.push(ChangeLine {
                field: format!("{} ({language})", t.get(lang, key)),
                before: String::new(),
                after: text.clone(),
            });
        }
    }
    lines
}
