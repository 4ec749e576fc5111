//! A tool's page: its content in the visitor's language, its documents, its history, what
//! changed since the published revision, reviews and the moderation log — and the actions the
//! visitor may take (edit, attach a file, submit; decide, for a moderator).

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::forms::TextForm;
use super::i18n::{Translations, fill};
use super::pages::{Chrome, Failure, chrome, failure_page, graphql, html, percent};
use super::visit::{self, Visit};
use crate::http::AppState;
use commons_domain::lang::Lang;

/// Revisions listed on a tool's page.
const REVISIONS_SHOWN: usize = 20;
/// Reviews and moderation decisions listed on a tool's page.
const REVIEWS_SHOWN: usize = 10;
const DECISIONS_SHOWN: usize = 20;
/// Organisations named as using a tool.
const ADOPTIONS_SHOWN: usize = 50;

#[derive(Deserialize)]
struct ToolData {
    node: Option<ToolNode>,
    viewer: Option<ViewerData>,
    #[serde(rename = "moderationLog")]
    moderation_log: NodesOf<DecisionData>,
}

#[derive(Deserialize)]
struct ViewerData {
    organisation: IdName,
}

/// `Tool.viewerCan`: what the API lets the visitor do with this tool.
#[derive(Deserialize)]
struct ToolCan {
    adopt: bool,
    review: bool,
    revise: bool,
    submit: bool,
    attach: bool,
    decide: bool,
}

#[derive(Deserialize)]
pub(super) struct IdName {
    pub id: String,
    pub name: String,
}

#[derive(Deserialize)]
pub(super) struct NodesOf<T> {
    pub nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolNode {
    id: String,
    kind: String,
    adoption_count: i64,
    owner: IdName,
    viewer_can: ToolCan,
    current: RevisionData,
    published: Option<NumberData>,
    revisions: NodesOf<RevisionBrief>,
    rating: RatingData,
    reviews: NodesOf<ReviewData>,
    adoptions: NodesOf<AdoptionData>,
}

#[derive(Deserialize)]
struct AdoptionData {
    mode: String,
    organisation: IdName,
}

#[derive(Deserialize)]
pub(super) struct NumberData {
    pub number: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevisionData {
    number: i64,
    status: String,
    title: String,
    summary: String,
    body: String,
    languages: Vec<String>,
    categories: Vec<String>,
    attachments: Vec<AttachmentData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttachmentData {
    title: String,
    file_name: String,
    media_type: String,
    size_bytes: i64,
    url: String,
    lang: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevisionBrief {
    number: i64,
    status: String,
    published_at: Option<String>,
    created_at: String,
}

#[derive(Deserialize)]
struct RatingData {
    average: Option<String>,
    count: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewData {
    rating: i64,
    comment: Option<String>,
    hidden: bool,
    created_at: String,
    organisation: NameOnly,
}

#[derive(Deserialize)]
pub(super) struct NameOnly {
    pub name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DecisionData {
    pub action: String,
    pub revision: i64,
    pub reason: Option<String>,
    pub decided_at: String,
}

#[derive(Deserialize)]
pub(super) struct FieldChangeData {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompareData {
    node: Option<CompareNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompareNode {
    compare_revisions: Vec<FieldChangeData>,
}

const TOOL: &str = "query($id: ID!, $lang: Lang, $revisions: Int, $reviews: Int, $decisions: Int, $adoptions: Int) {
  viewer { organisation { id name(lang: $lang) } }
  node(id: $id) { ... on Tool {
    id kind adoptionCount owner { id name(lang: $lang) } viewerCan { adopt review revise submit attach decide }
    current { number status title(lang: $lang) summary(lang: $lang) body(lang: $lang) languages
      categories attachments { title fileName mediaType sizeBytes url lang } }
    published { number }
    revisions(first: $revisions) { nodes { number status publishedAt createdAt } }
    rating { average count }
    reviews(first: $reviews) { nodes { rating comment hidden createdAt organisation { name(lang: $lang) } } }
    adoptions(first: $adoptions) { nodes { mode organisation { id name(lang: $lang) } } }
  } }
  moderationLog(toolId: $id, first: $decisions) { nodes { action revision reason decidedAt } }
}";

const COMPARE: &str = "query($id: ID!, $from: Int!, $to: Int!) {
  node(id: $id) { ... on Tool { compareRevisions(from: $from, to: $to) { field before after } } } }";

/// What changed between two revisions, field by field, for `id`.
pub(super) async fn changes(
    state: &AppState,
    visit: &Visit,
    id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<FieldChangeData>, Failure> {
    let data: CompareData = graphql(
        state,
        visit,
        COMPARE,
        json!({ "id": id, "from": from, "to": to }),
    )
    .await?;
    Ok(data.node.map(|n| n.compare_revisions).unwrap_or_default())
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
    /// A submission refused: its message at the top of the actions.
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "tool.html")]
struct ToolPage<'a> {
    page: Chrome<'a>,
    title: String,
    fallback: Option<String>,
    by: String,
    kind: String,
    status: String,
    categories: Vec<String>,
    languages: Vec<String>,
    adoptions: String,
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
    /// The organisations that use it.
    adopters: Vec<String>,
    decisions: Vec<DecisionLine>,
    compare: Option<CompareForm>,
    csrf: String,
    notice: Option<String>,
    edit_href: Option<String>,
    submit: Option<(String, i64)>,
    attach: Option<(String, AttachForm)>,
    decide: Option<DecideForm>,
    /// Another organisation's staff: use the tool (or stop) and review it.
    adopt: Option<TextForm>,
    adopted: bool,
    review: Option<ReviewForm>,
}

pub(super) fn day(timestamp: &str) -> String {
    timestamp.chars().take(10).collect()
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
    changes: Vec<FieldChangeData>,
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
    State(state): State<AppState>,
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
        ..Problems::default()
    };
    tool_page(&state, &visit, &id, problems, StatusCode::OK).await
}

/// The tool's page, with what a failed action left to say (`status` tells how it failed).
pub(super) async fn tool_page(
    state: &AppState,
    visit: &Visit,
    id: &str,
    problems: Problems,
    status: StatusCode,
) -> Response {
    let path = format!("/tools/{}", percent(id));
    let lang = visit.lang;
    if id.len() > 100 {
        return failure_page(state, visit, Failure::NotFound, &path);
    }
    let variables = json!({
        "id": id,
        "lang": lang.code().to_uppercase(),
        "revisions": REVISIONS_SHOWN,
        "reviews": REVIEWS_SHOWN,
        "decisions": DECISIONS_SHOWN,
        "adoptions": ADOPTIONS_SHOWN,
    });
    let data: ToolData = match graphql(state, visit, TOOL, variables).await {
        Ok(data) => data,
        // An address that names no tool, or not one of yours, is a page that does not exist.
        Err(Failure::Input(_)) => return failure_page(state, visit, Failure::NotFound, &path),
        Err(other) => return failure_page(state, visit, other, &path),
    };
    let Some(tool) = data.node else {
        return failure_page(state, visit, Failure::NotFound, &path);
    };
    let t = &state.web.translations;
    let current = tool.current;
    let viewer = data.viewer;
    let own = viewer
        .as_ref()
        .is_some_and(|v| v.organisation.id == tool.owner.id);
    let moderator = visit.can.moderate;
    let can = &tool.viewer_can;
    // The owner and moderators are shown the latest revision: what it changes from the
    // published one, or that it is the first.
    let published = tool.published.map(|p| p.number);
    let (changes, changes_heading) = if let Some((from, to)) = problems.compare {
        // Two revisions the visitor chose: the API says whether they may read both.
        match changes(state, visit, &tool.id, from, to).await {
            Ok(list) => (
                change_lines(t, lang, list),
                Some(fill(
                    t.get(lang, "changes_between"),
                    &[("from", &from.to_string()), ("to", &to.to_string())],
                )),
            ),
            Err(Failure::Input(_) | Failure::NotFound) => (
                Vec::new(),
                Some(t.get(lang, "changes_unavailable").to_owned()),
            ),
            Err(other) => return failure_page(state, visit, other, &path),
        }
    } else if (own || moderator) && published != Some(current.number) {
        match published {
            Some(from) => match changes(state, visit, &tool.id, from, current.number).await {
                Ok(list) => (
                    change_lines(t, lang, list),
                    Some(fill(
                        t.get(lang, "changes_since"),
                        &[("n", &from.to_string())],
                    )),
                ),
                Err(other) => return failure_page(state, visit, other, &path),
            },
            None => (Vec::new(), Some(t.get(lang, "changes_first").to_owned())),
        }
    } else {
        (Vec::new(), None)
    };
    let lang_name = |code: &str| t.get(lang, &format!("lang_{code}")).to_owned();
    let fallback = (!current
        .languages
        .iter()
        .any(|l| l.eq_ignore_ascii_case(lang.code())))
    .then(|| {
        let shown = current
            .languages
            .first()
            .map(String::as_str)
            .unwrap_or("EN");
        fill(
            t.get(lang, "fallback_marker"),
            &[("lang", &lang_name(shown))],
        )
    });
    let edit_href = can.revise.then(|| format!("/tools/{}/edit", percent(id)));
    let submit = can
        .submit
        .then(|| (format!("/tools/{}/submit", percent(id)), current.number));
    let attach = can.attach.then(|| {
        let form = problems.attach.unwrap_or_else(|| AttachForm {
            languages: language_choices(t, lang, lang.code()),
            ..AttachForm::default()
        });
        (format!("/tools/{}/attachments", percent(id)), form)
    });
    let decide = can.decide.then(|| {
        problems
            .decide
            .unwrap_or_else(|| decide_form(t, lang, (id, "tool"), current.number, &path))
    });
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
    // Staff of another organisation use and review a published tool.
    let published_here = published.is_some();
    let adopted = viewer.as_ref().is_some_and(|v| {
        tool.adoptions
            .nodes
            .iter()
            .any(|a| a.organisation.id == v.organisation.id)
    });
    let adopt = (published_here && can.adopt).then(|| {
        problems.adopt.unwrap_or_else(|| TextForm {
            action: format!("/tools/{}/adoption", percent(id)),
            ..TextForm::default()
        })
    });
    let review = (published_here && can.review)
        .then(|| problems.review.unwrap_or_else(|| review_form(t, lang, id)));
    let page = ToolPage {
        page: chrome(state, visit, current.title.clone(), &path),
        adopters: tool
            .adoptions
            .nodes
            .into_iter()
            .map(|a| {
                if a.mode == "ADAPTED" {
                    fill(
                        t.get(lang, "adopter_adapted"),
                        &[("org", &a.organisation.name)],
                    )
                } else {
                    a.organisation.name
                }
            })
            .collect(),
        compare,
        adopt,
        adopted,
        review,
        fallback,
        by: fill(t.get(lang, "tool_by"), &[("owner", &tool.owner.name)]),
        kind: t.get(lang, &format!("kind_{}", tool.kind)).to_owned(),
        status: t
            .get(lang, &format!("status_{}", current.status))
            .to_owned(),
        categories: current
            .categories
            .iter()
            .map(|c| t.get(lang, &format!("category_{c}")).to_owned())
            .collect(),
        languages: current.languages.iter().map(|l| lang_name(l)).collect(),
        adoptions: fill(
            t.get(lang, "tool_adoptions"),
            &[("n", &tool.adoption_count.to_string())],
        ),
        rating: tool.rating.average.map(|average| {
            fill(
                t.get(lang, "tool_rating"),
                &[("average", &average), ("n", &tool.rating.count.to_string())],
            )
        }),
        summary: current.summary,
        body_html: super::markdown::to_html(&current.body),
        downloads: current
            .attachments
            .into_iter()
            .map(|a| Download {
                href: a.url,
                label: fill(t.get(lang, "tool_download"), &[("name", &a.title)]),
                details: format!(
                    "{} · {} · {} · {}",
                    a.file_name,
                    t.get(lang, file_kind(&a.media_type)),
                    size(a.size_bytes, lang),
                    lang_name(&a.lang)
                ),
            })
            .collect(),
        revisions: tool
            .revisions
            .nodes
            .into_iter()
            .map(|r| RevisionLine {
                label: fill(
                    t.get(lang, "tool_revision"),
                    &[("n", &r.number.to_string())],
                ),
                status: t.get(lang, &format!("status_{}", r.status)).to_owned(),
                date: r
                    .published_at
                    .as_deref()
                    .map_or_else(|| day(&r.created_at), day),
            })
            .collect(),
        changes,
        changes_heading,
        reviews: tool
            .reviews
            .nodes
            .into_iter()
            .map(|r| ReviewLine {
                stars: fill(t.get(lang, "review_stars"), &[("n", &r.rating.to_string())]),
                by: r.organisation.name,
                comment: r.comment.unwrap_or_default(),
                date: day(&r.created_at),
                hidden: r.hidden,
            })
            .collect(),
        decisions: data
            .moderation_log
            .nodes
            .into_iter()
            .map(|d| DecisionLine {
                text: fill(
                    t.get(lang, &format!("decided_{}", d.action)),
                    &[("n", &d.revision.to_string())],
                ),
                reason: d.reason,
                date: day(&d.decided_at),
            })
            .collect(),
        csrf: visit.csrf.clone(),
        notice: problems.notice,
        edit_href,
        submit,
        attach,
        decide,
        title: current.title,
    };
    html(status, &page, &visit.set_cookies)
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
}
