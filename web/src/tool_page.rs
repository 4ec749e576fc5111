//! A tool's page: its content in the visitor's language, its documents, its history, what
//! changed since the published revision, reviews and the moderation log — and the actions the
//! visitor may take (edit, attach a file, check and submit; decide, for a moderator).

use super::appealing::{AppealForm, AppealTyped, appeal_forms, appeal_status};
use super::reporting::{ReportForm, ReportTyped, Reporting, report_form, tool_items};
use super::translating::{OfferTyped, TranslationSection, section};
use std::net::SocketAddr;

use super::confirmation::{self, Banner};
use super::forms::TextForm;
use super::i18n::{Translations, fill, money};
use super::operations::{self as ops, wire};
use super::pages::{Chrome, Failure, chrome, failure_page, html, percent, run};
use super::visit::{self, Visit};
use crate::WebState;
use askama::Template;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::lang::Lang;

/// Revisions listed on a tool's page.
const REVISIONS_SHOWN: usize = 20;
/// Reviews and moderation decisions listed on a tool's page.
const REVIEWS_SHOWN: usize = 10;
const DECISIONS_SHOWN: usize = 20;
/// Organisations named as using a tool.
const ADOPTIONS_SHOWN: usize = 50;

/// One field's change between two revisions, as the API answers it.
pub(super) type FieldChange = ops::compare_revisions::CompareRevisionsNodeOnToolCompareRevisions;
type ToolData = ops::tool_page::ToolPageNodeOnTool;

/// What changed between two revisions, field by field, for `id`.
pub(super) async fn changes(
    state: &WebState,
    visit: &Visit,
    id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<FieldChange>, Failure> {
    let variables = ops::compare_revisions::Variables {
        id: id.to_owned(),
        from,
        to,
    };
    Ok(
        match run::<ops::CompareRevisions>(state, visit, variables)
            .await?
            .node
        {
            Some(ops::compare_revisions::CompareRevisionsNode::Tool(tool)) => {
                tool.compare_revisions
            }
            _ => Vec::new(),
        },
    )
}

pub(super) struct Download {
    pub href: String,
    pub label: String,
    pub details: String,
}

pub(super) struct RevisionLine {
    pub label: String,
    pub status: String,
    pub date: String,
}

/// One row of a diff, its field named in the page's language.
pub(super) struct ChangeLine {
    pub field: String,
    pub before: String,
    pub after: String,
}

pub(super) struct ReviewLine {
    pub stars: String,
    pub by: String,
    pub comment: String,
    pub date: String,
    pub hidden: bool,
}

pub(super) struct DecisionLine {
    pub text: String,
    pub reason: Option<String>,
    pub date: String,
    /// Its appeal's standing, for its organisation and moderators.
    pub appeal: Option<String>,
}

pub(super) struct Choice {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

/// The form to attach a file to the working revision, with what was wrong last time.
#[derive(Default)]
pub(super) struct AttachForm {
    pub title: String,
    pub languages: Vec<Choice>,
    pub title_error: Option<String>,
    pub file_error: Option<String>,
    pub language_error: Option<String>,
}

/// Another organisation's review: a rating from 1 to 5 and a comment.
pub(super) struct ReviewForm {
    pub action: String,
    pub ratings: Vec<Choice>,
    pub comment: String,
    pub rating_error: Option<String>,
    pub comment_error: Option<String>,
}

pub(super) fn review_form(t: &Translations, lang: Lang, id: &str) -> ReviewForm {
    const RATINGS: [&str; 5] = ["5", "4", "3", "2", "1"];
    ReviewForm {
        action: format!("/tools/{}/review", percent(id)),
        ratings: RATINGS
            .into_iter()
            .map(|value| Choice {
                value,
                label: fill(t.get(lang, "review_stars"), &[("n", value)]),
                checked: false,
            })
            .collect(),
        comment: String::new(),
        rating_error: None,
        comment_error: None,
    }
}

/// Two revisions to compare, chosen from those listed.
pub(super) struct CompareForm {
    pub options: Vec<i64>,
    pub from: i64,
    pub to: i64,
}

/// A moderator's decision on the revision in review.
pub(super) struct DecideForm {
    /// Distinguishes the form's fields when a page holds several.
    pub key: String,
    pub action: String,
    pub back: String,
    pub revision: i64,
    pub decisions: Vec<Choice>,
    pub reason: String,
    pub decision_error: Option<String>,
    pub reason_error: Option<String>,
}

/// What the tool's page shows besides the tool: two revisions the visitor asked to compare,
/// and what a failed action left to show next to its fields.
#[derive(Default)]
pub(super) struct Problems {
    /// `?from=&to=`: the revisions to compare.
    pub compare: Option<(i64, i64)>,
    pub attach: Option<AttachForm>,
    pub decide: Option<DecideForm>,
    pub review: Option<ReviewForm>,
    pub adopt: Option<TextForm>,
    /// A report that came back with an error, as the visitor typed it.
    pub report: Option<ReportTyped>,
    /// An appeal that came back with an error, as typed.
    pub appeal: Option<AppealTyped>,
    /// An offered translation that came back with errors, as typed.
    pub translation: Option<OfferTyped>,
    /// A submission refused: its message at the top of the actions.
    pub notice: Option<String>,
    /// `?done=`: the change that just went through, confirmed at the top.
    pub done: Option<String>,
}

/// One line of the summary list a tool page leads with: what a caisse needs to know to reuse
/// the tool, in words.
pub(super) struct Fact {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "tool.html")]
struct ToolPage<'a> {
    page: Chrome<'a>,
    /// What the change just made did, and what comes next.
    banner: Option<Banner>,
    title: String,
    fallback: Option<String>,
    by: String,
    kind: String,
    /// The tool's own status (archived, withdrawn…), then the shown revision's when it is not
    /// the published one.
    status: String,
    revision_status: String,
    /// For whom, format, duration, cost, languages, licence, contact, who uses it.
    reuse: Vec<Fact>,
    /// Past its review date: "may be out of date since …".
    outdated: Option<String>,
    categories: Vec<String>,
    rating: Option<String>,
    summary: String,
    /// The description's Markdown as HTML (see [`super::markdown`]).
    body_html: String,
    downloads: Vec<Download>,
    revisions: Vec<RevisionLine>,
    /// What the shown revision changes from the published one (owner and moderators).
    changes: Vec<ChangeLine>,
    changes_heading: Option<String>,
    reviews: Vec<ReviewLine>,
    decisions: Vec<DecisionLine>,
    /// Decisions the visitor's organisation may contest, each with its form.
    appeals: Vec<AppealForm>,
    /// Who translated what, what is asked for, and the forms to ask, offer and answer.
    translations: TranslationSection,
    csrf: String,
    actions: Actions,
}

/// A timestamp's day as the page's language writes it: `7 décembre 2026`, `7. Dezember 2026`
/// (not `2026-12-07`); what is not a date is shown as it came.
pub(super) fn day(t: &Translations, lang: Lang, timestamp: &str) -> String {
    let date = timestamp.get(..10).unwrap_or(timestamp);
    let mut parts = date.splitn(3, '-').map(str::parse::<u32>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return date.to_owned();
    };
    let Some(name) = t
        .get(lang, "months")
        .split(' ')
        .nth(month.wrapping_sub(1) as usize)
        .filter(|_| (1..=31).contains(&day))
    else {
        return date.to_owned();
    };
    // French writes the first of a month as an ordinal: `1er mars`.
    let day = match (day, t.find(lang, "date_first")) {
        (1, Some(first)) => first.to_owned(),
        _ => day.to_string(),
    };
    fill(
        t.get(lang, "date_long"),
        &[("day", &day), ("month", name), ("year", &year.to_string())],
    )
}

/// What a file is, in words: the translation key of its kind, from its media type.
fn file_kind(media_type: &str) -> &'static str {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/pdf" => "file_kind_pdf",
        "text/markdown" | "text/plain" => "file_kind_text",
        "image/png" | "image/jpeg" | "image/webp" => "file_kind_image",
        "application/zip" => "file_kind_archive",
        "application/msword"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.oasis.opendocument.text" => "file_kind_document",
        "application/vnd.ms-excel"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.oasis.opendocument.spreadsheet" => "file_kind_spreadsheet",
        "application/vnd.ms-powerpoint"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        | "application/vnd.oasis.opendocument.presentation" => "file_kind_presentation",
        _ => "file_kind_other",
    }
}

/// A file's size as people write it in the page's language: `1,2 Mo` in French, `1,2 MB` in
/// Dutch and German, `1.2 MB` in English.
fn size(bytes: i64, lang: Lang) -> String {
    let (unit, kilo, mega) = match lang {
        Lang::Fr => ("o", "Ko", "Mo"),
        _ => ("B", "kB", "MB"),
    };
    match bytes {
        b if b >= 1024 * 1024 => {
            let n = format!("{:.1}", b as f64 / 1024.0 / 1024.0);
            let n = if lang == Lang::En {
                n
            } else {
                n.replace('.', ",")
            };
            format!("{n} {mega}")
        }
        b if b >= 1024 => format!("{} {kilo}", b / 1024),
        b => format!("{b} {unit}"),
    }
}

/// A field of a diff (`translations.fr.title`, `licence`) in the page's language.
pub(super) fn field_name(t: &Translations, lang: Lang, field: &str) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["translations", code, part] => {
            let part = t
                .find(lang, &format!("field_{part}"))
                .unwrap_or(part)
                .to_owned();
            let language = t
                .get(lang, &format!("lang_{}", code.to_uppercase()))
                .to_owned();
            format!("{part} ({language})")
        }
        [first, ..] => t
            .find(lang, &format!("field_{first}"))
            .map_or_else(|| field.to_owned(), str::to_owned),
        [] => field.to_owned(),
    }
}

pub(super) fn change_lines(
    t: &Translations,
    lang: Lang,
    changes: Vec<FieldChange>,
) -> Vec<ChangeLine> {
    changes
        .into_iter()
        .map(|c| ChangeLine {
            field: field_name(t, lang, &c.field),
            before: c.before.unwrap_or_default(),
            after: c.after.unwrap_or_default(),
        })
        .collect()
}

pub(super) fn language_choices(t: &Translations, lang: Lang, chosen: &str) -> Vec<Choice> {
    Lang::ALL
        .into_iter()
        .map(|l| {
            let code: &'static str = match l {
                Lang::Fr => "FR",
                Lang::Nl => "NL",
                Lang::De => "DE",
                Lang::En => "EN",
            };
            Choice {
                value: code,
                label: t.get(lang, &format!("lang_{code}")).to_owned(),
                checked: chosen.eq_ignore_ascii_case(code),
            }
        })
        .collect()
}

pub(super) fn decide_form(
    t: &Translations,
    lang: Lang,
    (id, key): (&str, &str),
    revision: i64,
    back: &str,
) -> DecideForm {
    DecideForm {
        key: key.to_owned(),
        action: format!("/tools/{}/decision", percent(id)),
        back: back.to_owned(),
        revision,
        decisions: ["APPROVE", "REQUEST_CHANGES", "REJECT"]
            .into_iter()
            .map(|value| Choice {
                value,
                label: t.get(lang, &format!("decision_{value}")).to_owned(),
                checked: false,
            })
            .collect(),
        reason: String::new(),
        decision_error: None,
        reason_error: None,
    }
}

pub async fn tool(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
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
            .map(|(_, v)| v.as_str())
    };
    let visit = visit::visit(&state, &headers, peer, get("lang")).await;
    let number = |name: &str| get(name).and_then(|v| v.parse::<i64>().ok());
    let problems = Problems {
        compare: number("from").zip(number("to")),
        done: get("done").map(str::to_owned),
        ..Problems::default()
    };
    tool_page(&state, &visit, &id, problems, StatusCode::OK).await
}

/// The tool's page, with what a failed action left to say (`status` tells how it failed).
pub(super) async fn tool_page(
    state: &WebState,
    visit: &Visit,
    id: &str,
    problems: Problems,
    status: StatusCode,
) -> Response {
    let path = format!("/tools/{}", percent(id));
    if id.len() > 100 {
        return failure_page(state, visit, Failure::NotFound, &path);
    }
    let variables = ops::tool_page::Variables {
        id: id.to_owned(),
        lang: Some(visit.lang),
        revisions: Some(REVISIONS_SHOWN as i64),
        reviews: Some(REVIEWS_SHOWN as i64),
        decisions: Some(DECISIONS_SHOWN as i64),
        adoptions: Some(ADOPTIONS_SHOWN as i64),
    };
    let data = match run::<ops::ToolPage>(state, visit, variables).await {
        Ok(data) => data,
        // An address that names no tool, or not one of yours, is a page that does not exist.
        Err(Failure::Input(_)) => return failure_page(state, visit, Failure::NotFound, &path),
        Err(other) => return failure_page(state, visit, other, &path),
    };
    let Some(ops::tool_page::ToolPageNode::Tool(tool)) = data.node else {
        return failure_page(state, visit, Failure::NotFound, &path);
    };
    let viewer = data.viewer.map(|v| v.organisation.id);
    let shown = match shown_changes(state, visit, &tool, problems.compare).await {
        Ok(shown) => shown,
        Err(other) => return failure_page(state, visit, other, &path),
    };
    let decisions = data.moderation_log.nodes;
    let page = ToolPage::new(
        state,
        visit,
        (tool, viewer, decisions),
        problems,
        shown,
        &path,
    );
    html(status, &page, &visit.set_cookies)
}

/// The changes the page shows, with their heading: two revisions the visitor chose, else,
/// for the owner and moderators, what the latest revision changes from the published one.
async fn shown_changes(
    state: &WebState,
    visit: &Visit,
    tool: &ToolData,
    compare: Option<(i64, i64)>,
) -> Result<(Vec<ChangeLine>, Option<String>), Failure> {
    let (t, lang) = (&state.web.translations, visit.lang);
    let current = tool.current.number;
    let published = tool.published.as_ref().map(|p| p.number);
    if let Some((from, to)) = compare {
        // Two revisions the visitor chose: the API says whether they may read both.
        return match changes(state, visit, &tool.id, from, to).await {
            Ok(list) => Ok((
                change_lines(t, lang, list),
                Some(fill(
                    t.get(lang, "changes_between"),
                    &[("from", &from.to_string()), ("to", &to.to_string())],
                )),
            )),
            Err(Failure::Input(_) | Failure::NotFound) => Ok((
                Vec::new(),
                Some(t.get(lang, "changes_unavailable").to_owned()),
            )),
            Err(other) => Err(other),
        };
    }
    // Those who work on it or decide on it: its organisation's staff, moderators.
    let works_on_it = tool.viewer_can.edit || visit.can.moderate;
    if !works_on_it || published == Some(current) {
        return Ok((Vec::new(), None));
    }
    Ok(match published {
        Some(from) => (
            change_lines(
                t,
                lang,
                changes(state, visit, &tool.id, from, current).await?,
            ),
            Some(fill(
                t.get(lang, "changes_since"),
                &[("n", &from.to_string())],
            )),
        ),
        None => (Vec::new(), Some(t.get(lang, "changes_first").to_owned())),
    })
}

/// A language's name in the page's language.
pub(super) fn lang_name(t: &Translations, lang: Lang, named: Lang) -> String {
    t.get(lang, &format!("lang_{}", wire(&named))).to_owned()
}

impl<'a> ToolPage<'a> {
    /// The page of `tool` as `visit` sees it: what it says, then what the API lets them do.
    fn new(
        state: &'a WebState,
        visit: &Visit,
        (tool, viewer, decisions): (
            ToolData,
            Option<String>,
            Vec<ops::tool_page::ToolPageModerationLogNodes>,
        ),
        mut problems: Problems,
        (changes, changes_heading): (Vec<ChangeLine>, Option<String>),
        path: &str,
    ) -> Self {
        let (t, lang) = (&state.web.translations, visit.lang);
        let banner = confirmation::banner(t, lang, problems.done.as_deref());
        let appeals = appeal_forms(t, lang, &tool.id, &decisions, problems.appeal.take());
        let translations = section(t, lang, &tool, problems.translation.take());
        let actions = Actions::new(t, lang, &tool, viewer.as_deref(), problems, path);
        let current = tool.current;
        let fallback = (!current.languages.contains(&lang)).then(|| {
            let shown = current.languages.first().copied().unwrap_or(Lang::En);
            fill(
                t.get(lang, "fallback_marker"),
                &[("lang", &lang_name(t, lang, shown))],
            )
        });
        let revision_status = t
            .get(lang, &format!("status_{}", wire(&current.status)))
            .to_owned();
        let mut status = t
            .get(lang, &format!("status_{}", wire(&tool.status)))
            .to_owned();
        if tool.published.as_ref().map(|p| p.number) != Some(current.number)
            && matches!(tool.status, ops::tool_page::ToolStatus::PUBLISHED)
        {
            status.push_str(" · ");
            status.push_str(&fill(
                t.get(lang, "status_revision_shown"),
                &[
                    ("n", &current.number.to_string()),
                    ("status", &revision_status),
                ],
            ));
        }
        let outdated = tool
            .review_overdue
            .then_some(tool.review_due.as_deref())
            .flatten()
            .map(|at| {
                fill(
                    t.get(lang, "review_outdated"),
                    &[("date", &day(t, lang, at))],
                )
            });
        ToolPage {
            page: chrome(state, visit, current.title.clone(), path),
            outdated,
            banner,
            reuse: reuse_facts(
                t,
                lang,
                &tool.owner.name,
                &current,
                (tool.adoption_count, tool.adoptions.nodes),
            ),
            fallback,
            status,
            revision_status,
            by: fill(t.get(lang, "tool_by"), &[("owner", &tool.owner.name)]),
            kind: t
                .get(lang, &format!("kind_{}", wire(&tool.kind)))
                .to_owned(),
            categories: current
                .categories
                .iter()
                .map(|c| t.get(lang, &format!("category_{}", wire(c))).to_owned())
                .collect(),
            rating: tool.rating.average.map(|average| {
                let text = t.count(lang, "tool_rating", tool.rating.count);
                fill(&text, &[("average", &rating(lang, &average))])
            }),
            summary: current.summary,
            body_html: super::markdown::to_html(&current.body),
            downloads: downloads(t, lang, current.attachments),
            revisions: revision_lines(t, lang, tool.revisions.nodes),
            changes,
            changes_heading,
            reviews: review_lines(t, lang, tool.reviews.nodes),
            decisions: decision_lines(t, lang, decisions),
            appeals,
            translations,
            csrf: visit.csrf.clone(),
            actions,
            title: current.title,
        }
    }
}

/// What the visitor may do on the tool's page, each only where the API's `viewerCan` says so,
/// with what a failed attempt left in its form.
pub(super) struct Actions {
    pub notice: Option<String>,
    pub edit_href: Option<String>,
    /// The check-your-answers step, where a draft is submitted for review.
    pub check_href: Option<String>,
    /// Confirm that the published tool is still valid (its organisation), with when it is due.
    pub confirm: Option<(String, String)>,
    pub attach: Option<(String, AttachForm)>,
    pub decide: Option<DecideForm>,
    pub compare: Option<CompareForm>,
    /// Another organisation's staff: use the tool (or stop) and review it.
    pub adopt: Option<TextForm>,
    pub adopted: bool,
    pub review: Option<ReviewForm>,
    /// Anyone signed in: report the tool or one of its reviews to the moderators.
    pub report: Option<ReportForm>,
}

impl Actions {
    fn new(
        t: &Translations,
        lang: Lang,
        tool: &ToolData,
        viewer: Option<&str>,
        problems: Problems,
        path: &str,
    ) -> Self {
        let (id, can, current) = (&tool.id, &tool.viewer_can, tool.current.number);
        let numbers: Vec<i64> = tool.revisions.nodes.iter().map(|r| r.number).collect();
        let compare = (numbers.len() > 1).then(|| {
            let (from, to) = problems.compare.unwrap_or((
                numbers.get(1).copied().unwrap_or_default(),
                numbers.first().copied().unwrap_or_default(),
            ));
            CompareForm {
                options: numbers.clone(),
                from,
                to,
            }
        });
        Actions {
            notice: problems.notice,
            edit_href: can.revise.then(|| format!("/tools/{}/edit", percent(id))),
            check_href: can.submit.then(|| super::check_answers::path(id)),
            confirm: can.confirm_current.then(|| {
                let due = tool
                    .review_due
                    .as_deref()
                    .map(|at| fill(t.get(lang, "review_due_on"), &[("date", &day(t, lang, at))]))
                    .unwrap_or_default();
                (format!("/tools/{}/current", percent(id)), due)
            }),
            attach: can.attach.then(|| {
                let form = problems.attach.unwrap_or_else(|| AttachForm {
                    languages: language_choices(t, lang, lang.code()),
                    ..AttachForm::default()
                });
                (format!("/tools/{}/attachments", percent(id)), form)
            }),
            decide: can.decide.then(|| {
                problems
                    .decide
                    .unwrap_or_else(|| decide_form(t, lang, (id, "tool"), current, path))
            }),
            compare,
            adopt: can.adopt.then(|| {
                problems.adopt.unwrap_or_else(|| TextForm {
                    action: format!("/tools/{}/adoption", percent(id)),
                    ..TextForm::default()
                })
            }),
            adopted: viewer
                .is_some_and(|v| tool.adoptions.nodes.iter().any(|a| a.organisation.id == v)),
            review: can
                .review
                .then(|| problems.review.unwrap_or_else(|| review_form(t, lang, id))),
            report: can.report.then(|| {
                let reviews: Vec<(String, String)> = tool
                    .reviews
                    .nodes
                    .iter()
                    .filter(|r| !r.hidden)
                    .map(|r| (r.id.clone(), r.organisation.name.clone()))
                    .collect();
                let items = tool_items(t, lang, id, &reviews);
                let action = format!("/tools/{}/report", percent(id));
                let form = report_form(t, lang, Reporting::Tool, action, items);
                match problems.report {
                    Some(typed) => form.with(typed),
                    None => form,
                }
            }),
        }
    }
}

/// What a caisse needs to know to reuse a tool, each in words: for whom, in what form, how
/// long, what it costs, in which languages, under which licence, whom to ask, and who uses it.
fn reuse_facts(
    t: &Translations,
    lang: Lang,
    owner: &str,
    revision: &ops::tool_page::ToolPageNodeOnToolCurrent,
    (count, adoptions): (i64, Vec<ops::tool_page::ToolPageNodeOnToolAdoptionsNodes>),
) -> Vec<Fact> {
    let named = |prefix: &str, values: Vec<String>| -> Option<String> {
        let names: Vec<String> = values
            .iter()
            .map(|v| t.get(lang, &format!("{prefix}{v}")).to_owned())
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    };
    let mut for_whom = named("audience_", revision.audiences.iter().map(wire).collect());
    if !revision.sectors.is_empty() {
        for_whom = Some(fill(
            t.get(lang, "reuse_sectors"),
            &[
                ("audience", for_whom.as_deref().unwrap_or_default()),
                ("sectors", &revision.sectors.join(", ")),
            ],
        ));
    }
    let modes = named(
        "delivery_mode_",
        revision.delivery_modes.iter().map(wire).collect(),
    );
    let formats = named(
        "delivery_format_",
        revision.delivery_formats.iter().map(wire).collect(),
    );
    let format = match (modes, formats) {
        (Some(m), Some(f)) => Some(format!("{m} · {f}")),
        (m, f) => m.or(f),
    };
    let cost = if revision.cost.free {
        Some(t.get(lang, "reuse_free").to_owned())
    } else {
        revision
            .cost
            .amount_eur
            .as_deref()
            .map(|amount| money(lang, amount))
    };
    let languages: Vec<String> = revision
        .languages
        .iter()
        .map(|l| lang_name(t, lang, *l))
        .collect();
    let used_by: Vec<String> = adoptions
        .into_iter()
        .map(|a| match a.mode {
            ops::tool_page::AdoptionMode::ADAPTED => fill(
                t.get(lang, "adopter_adapted"),
                &[("org", &a.organisation.name)],
            ),
            _ => a.organisation.name,
        })
        .collect();
    let used_by = match used_by.len() as i64 {
        0 => t.get(lang, "reuse_nobody_yet").to_owned(),
        // A page of the adopters, and how many there are in all.
        shown if shown < count => format!("{} … ({count})", used_by.join(", ")),
        _ => used_by.join(", "),
    };
    let not_stated = || t.get(lang, "reuse_not_stated").to_owned();
    [
        ("reuse_for_whom", for_whom),
        ("reuse_format", format),
        (
            "reuse_duration",
            revision.duration.clone().filter(|d| !d.trim().is_empty()),
        ),
        ("reuse_cost", cost),
        ("reuse_languages", Some(languages.join(", "))),
        (
            "reuse_licence",
            Some(licence_in_words(t, lang, &revision.licence, owner)),
        ),
        (
            "reuse_contact",
            revision.contact.clone().filter(|c| !c.trim().is_empty()),
        ),
        ("reuse_used_by", Some(used_by)),
    ]
    .into_iter()
    .map(|(label, value)| Fact {
        label: t.get(lang, label).to_owned(),
        value: value.unwrap_or_else(not_stated),
    })
    .collect()
}

/// An average rating as people say it: `4` rather than `4.00`, `4,5` in French, Dutch and
/// German; what is not a number is shown as it came.
fn rating(lang: Lang, average: &str) -> String {
    let Ok(value) = average.parse::<f64>() else {
        return average.to_owned();
    };
    let rounded = (value * 10.0).round() / 10.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    if lang == Lang::En {
        text
    } else {
        text.replace('.', ",")
    }
}

/// A licence as what it lets a caisse do, for the Creative Commons licences and a licence
/// granted on request; any other SPDX identifier is named as it is.
pub(super) fn licence_in_words(t: &Translations, lang: Lang, spdx: &str, owner: &str) -> String {
    if spdx == super::editing::ON_REQUEST {
        return fill(t.get(lang, "licence_asked"), &[("owner", owner)]);
    }
    if spdx.eq_ignore_ascii_case("CC0-1.0") {
        return t.get(lang, "licence_cc0").to_owned();
    }
    let upper = spdx.to_ascii_uppercase();
    let known = upper.strip_prefix("CC-").and_then(|rest| {
        let (terms, version) = rest.rsplit_once('-')?;
        let key = match terms {
            "BY" => "licence_cc_by",
            "BY-SA" => "licence_cc_by_sa",
            "BY-NC" => "licence_cc_by_nc",
            "BY-NC-SA" => "licence_cc_by_nc_sa",
            "BY-ND" => "licence_cc_by_nd",
            "BY-NC-ND" => "licence_cc_by_nc_nd",
            _ => return None,
        };
        Some(fill(t.get(lang, key), &[("version", version)]))
    });
    known.unwrap_or_else(|| fill(t.get(lang, "licence_other"), &[("id", spdx)]))
}

/// A document as the pages name it: its file, its kind in words, its size and its language.
pub(super) struct FileFacts<'a> {
    pub title: &'a str,
    pub url: String,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub size_bytes: i64,
    pub lang: Lang,
}

/// The [`FileFacts`] of an attachment as any operation answers it (each has its own type).
macro_rules! file_facts {
    ($attachment:expr) => {{
        let a = $attachment;
        $crate::tool_page::FileFacts {
            title: &a.title,
            url: a.url.clone(),
            file_name: &a.file_name,
            media_type: &a.media_type,
            size_bytes: a.size_bytes,
            lang: a.lang,
        }
    }};
}
pub(super) use file_facts;

pub(super) fn download(t: &Translations, lang: Lang, file: FileFacts<'_>) -> Download {
    Download {
        href: file.url,
        label: fill(t.get(lang, "tool_download"), &[("name", file.title)]),
        details: format!(
            "{} · {} · {} · {}",
            file.file_name,
            t.get(lang, file_kind(file.media_type)),
            size(file.size_bytes, lang),
            lang_name(t, lang, file.lang)
        ),
    }
}

fn downloads(
    t: &Translations,
    lang: Lang,
    attachments: Vec<ops::tool_page::ToolPageNodeOnToolCurrentAttachments>,
) -> Vec<Download> {
    attachments
        .iter()
        .map(|a| download(t, lang, file_facts!(a)))
        .collect()
}

fn revision_lines(
    t: &Translations,
    lang: Lang,
    revisions: Vec<ops::tool_page::ToolPageNodeOnToolRevisionsNodes>,
) -> Vec<RevisionLine> {
    revisions
        .into_iter()
        .map(|r| RevisionLine {
            label: fill(
                t.get(lang, "tool_revision"),
                &[("n", &r.number.to_string())],
            ),
            status: t
                .get(lang, &format!("status_{}", wire(&r.status)))
                .to_owned(),
            date: r
                .published_at
                .as_deref()
                .map_or_else(|| day(t, lang, &r.created_at), |at| day(t, lang, at)),
        })
        .collect()
}

fn review_lines(
    t: &Translations,
    lang: Lang,
    reviews: Vec<ops::tool_page::ToolPageNodeOnToolReviewsNodes>,
) -> Vec<ReviewLine> {
    reviews
        .into_iter()
        .map(|r| ReviewLine {
            stars: fill(t.get(lang, "review_stars"), &[("n", &r.rating.to_string())]),
            by: r.organisation.name,
            comment: r.comment.unwrap_or_default(),
            date: day(t, lang, &r.created_at),
            hidden: r.hidden,
        })
        .collect()
}

fn decision_lines(
    t: &Translations,
    lang: Lang,
    decisions: Vec<ops::tool_page::ToolPageModerationLogNodes>,
) -> Vec<DecisionLine> {
    decisions
        .into_iter()
        .map(|d| DecisionLine {
            text: super::appealing::decided(t, lang, &wire(&d.action), d.revision),
            appeal: appeal_status(t, lang, d.appeal.as_ref()),
            reason: d.reason,
            date: day(t, lang, &d.decided_at),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_named_in_words_and_its_size_as_the_language_writes_it() {
        assert_eq!(file_kind("text/markdown; charset=utf-8"), "file_kind_text");
        assert_eq!(file_kind("APPLICATION/PDF"), "file_kind_pdf");
        assert_eq!(file_kind("application/x-unknown"), "file_kind_other");
        assert_eq!(size(222, Lang::Fr), "222 o");
        assert_eq!(size(3 * 1024 + 5, Lang::Nl), "3 kB");
        assert_eq!(size(1_258_291, Lang::Fr), "1,2 Mo");
        assert_eq!(size(1_258_291, Lang::De), "1,2 MB");
        assert_eq!(size(1_258_291, Lang::En), "1.2 MB");
    }

    fn translations() -> Translations {
        match Translations::load() {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_licence_is_said_as_what_it_lets_a_caisse_do() {
        let t = translations();
        let by = licence_in_words(&t, Lang::Fr, "CC-BY-4.0", "UCM");
        assert!(by.starts_with("Libre de réutiliser et d'adapter"), "{by}");
        assert!(by.ends_with("(Creative Commons BY 4.0)"), "{by}");
        let nc_nd = licence_in_words(&t, Lang::Nl, "cc-by-nc-nd-4.0", "UCM");
        assert!(nc_nd.contains("zonder aanpassingen"), "{nc_nd}");
        assert_eq!(
            licence_in_words(&t, Lang::En, super::super::editing::ON_REQUEST, "Acerta"),
            "Ask Acerta before reusing it"
        );
        assert!(licence_in_words(&t, Lang::De, "CC0-1.0", "x").contains("CC0"));
        // An identifier the page has no words for is named as it is.
        assert_eq!(licence_in_words(&t, Lang::En, "MIT", "x"), "MIT licence");
        assert_eq!(
            licence_in_words(&t, Lang::En, "CC-XYZ-4.0", "x"),
            "CC-XYZ-4.0 licence"
        );
    }

    #[test]
    fn a_day_is_written_as_the_language_writes_dates() {
        let t = translations();
        assert_eq!(day(&t, Lang::Fr, "2026-12-07T10:00:00Z"), "7 décembre 2026");
        assert_eq!(day(&t, Lang::Nl, "2027-03-01"), "1 maart 2027");
        assert_eq!(day(&t, Lang::Fr, "2027-03-01"), "1er mars 2027");
        assert_eq!(
            day(&t, Lang::De, "2026-12-07T10:00:00Z"),
            "7. Dezember 2026"
        );
        assert_eq!(day(&t, Lang::En, "2026-01-31"), "31 January 2026");
        // What is not a date is shown as it came, never a month out of range.
        assert_eq!(day(&t, Lang::Fr, "soon"), "soon");
        assert_eq!(day(&t, Lang::Fr, "2026-13-01"), "2026-13-01");
    }

    #[test]
    fn a_rating_is_written_as_people_say_it() {
        assert_eq!(rating(Lang::Fr, "4.00"), "4");
        assert_eq!(rating(Lang::Fr, "4.50"), "4,5");
        assert_eq!(rating(Lang::En, "3.67"), "3.7");
        assert_eq!(rating(Lang::De, "n/a"), "n/a");
    }
}
