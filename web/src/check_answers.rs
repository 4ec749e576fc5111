//! The step between saving a tool and submitting it for review: the public-service pattern of
//! "check your answers". Every answer of the latest revision read back in words, each with a
//! link to change it on the form; the revision's documents, added here in the same flow; then
//! what submitting means and what happens next, and the button.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::lang::Lang;

use super::confirmation::{self, Banner};
use super::editing::{self, Latest, LatestCan};
use super::i18n::{Translations, fill, money};
use super::markdown;
use super::operations::wire;
use super::pages::{Chrome, Failure, chrome, failure_page, html, percent, see_other};
use super::tool_page::{self, AttachForm, Download, file_facts, language_choices};
use super::visit::{self, Visit};
use crate::WebState;

/// The query an upload form sends when it is this page's: back here afterwards.
pub(super) const FROM_CHECK: &str = "from=check";

/// Characters of a description read back (the rest is on the form).
const DESCRIPTION_SHOWN: usize = 300;

/// The address of a tool's check-your-answers step.
pub(super) fn path(id: &str) -> String {
    format!("/tools/{}/check", percent(id))
}

/// One answer: what was asked, what was answered, where to change it.
struct Answer {
    label: String,
    value: String,
    /// The answer's own language, when it is one language's text.
    lang: Option<&'static str>,
    change: String,
}

#[derive(Template)]
#[template(path = "tool_check.html")]
struct CheckPage<'a> {
    page: Chrome<'a>,
    banner: Option<Banner>,
    notice: Option<String>,
    tool_href: String,
    answers: Vec<Answer>,
    downloads: Vec<Download>,
    csrf: String,
    /// The upload form's address and what it holds, when the visitor may attach.
    attach: Option<(String, AttachForm)>,
    /// The submission's address and revision, when the revision can be submitted.
    submit: Option<(String, i64)>,
    /// Why there is nothing to submit (already in review, published …).
    status_note: Option<String>,
}

/// What the page shows besides the tool: an upload form sent back with its errors, a notice,
/// the change just made.
#[derive(Default)]
pub(super) struct Shown {
    pub attach: Option<AttachForm>,
    pub notice: Option<String>,
    pub done: Option<String>,
}

pub async fn check_answers(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let done = url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "done")
        .map(|(_, v)| v.into_owned());
    let visit = visit::visit(&state, &headers, peer, None).await;
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    let shown = Shown {
        done,
        ..Shown::default()
    };
    page(&state, &visit, &id, shown, StatusCode::OK).await
}

/// The step for tool `id`, for those who may edit it (for anyone else, the tool does not
/// exist here, as on the form).
pub(super) async fn page(
    state: &WebState,
    visit: &Visit,
    id: &str,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let here = path(id);
    let (latest, can) = match editable_or_missing(state, visit, id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let tool_href = format!("/tools/{}", percent(id));
    let status_note = (!can.submit).then(|| {
        let key = format!("status_{}", wire(&latest.status));
        fill(
            t.get(lang, "check_not_submittable"),
            &[("status", t.get(lang, &key))],
        )
    });
    let page = CheckPage {
        page: chrome(state, visit, t.get(lang, "check_title").to_owned(), &here),
        banner: confirmation::banner(t, lang, shown.done.as_deref()),
        notice: shown.notice,
        answers: answers(t, lang, id, &latest),
        downloads: latest
            .attachments
            .iter()
            .map(|a| tool_page::download(t, lang, file_facts!(a)))
            .collect(),
        csrf: visit.csrf.clone(),
        attach: can.attach.then(|| {
            let form = shown.attach.unwrap_or_else(|| AttachForm {
                languages: language_choices(t, lang, lang.code()),
                ..AttachForm::default()
            });
            let action = format!("/tools/{}/attachments?{FROM_CHECK}", percent(id));
            (action, form)
        }),
        submit: can
            .submit
            .then(|| (format!("/tools/{}/submit", percent(id)), latest.number)),
        status_note,
        tool_href,
    };
    html(status, &page, &visit.set_cookies)
}

/// The tool's latest revision when the visitor may edit it; else the page saying why not.
async fn editable_or_missing(
    state: &WebState,
    visit: &Visit,
    id: &str,
) -> Result<(Latest, LatestCan), Response> {
    let failed = |failure| failure_page(state, visit, failure, &path(id));
    if id.len() > 100 {
        return Err(failed(Failure::NotFound));
    }
    editing::editable(state, visit, id).await.map_err(failed)
}

/// Every answer of the form, in the form's order, in words; a text in another language than
/// the page's is marked as such.
fn answers(t: &Translations, lang: Lang, id: &str, latest: &Latest) -> Vec<Answer> {
    let form = format!("/tools/{}/edit", percent(id));
    let not_given = || t.get(lang, "check_not_given").to_owned();
    let named = |key: &str, anchor: &str, value: String| Answer {
        label: t.get(lang, key).to_owned(),
        value,
        lang: None,
        change: format!("{form}#{anchor}"),
    };
    let mut answers = vec![
        named(
            "field_kind",
            "kind",
            t.get(lang, &format!("kind_{}", wire(&latest.kind)))
                .to_owned(),
        ),
        named(
            "field_categories",
            "category-0",
            latest
                .categories
                .iter()
                .map(|c| t.get(lang, &format!("category_{}", wire(c))).to_owned())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    // The page's language first, as the form shows it.
    let mut texts: Vec<_> = latest.translations.iter().collect();
    texts.sort_by_key(|tr| tr.lang != lang);
    for tr in texts {
        let code = tr.lang.code();
        let in_lang = |key: &str| {
            format!(
                "{} ({})",
                t.get(lang, key),
                tool_page::lang_name(t, lang, tr.lang)
            )
        };
        let description = markdown::passage_without_marks(&tr.body);
        let description = match description.char_indices().nth(DESCRIPTION_SHOWN) {
            Some((cut, _)) => format!("{} …", description[..cut].trim_end()),
            None if description.trim().is_empty() => not_given(),
            None => description,
        };
        for (key, anchor, value) in [
            ("field_title", "title", tr.title.clone()),
            ("field_summary", "summary", tr.summary.clone()),
            ("field_body", "body", description),
        ] {
            // "Not given" is in the page's language, not the text's.
            let given = value != not_given();
            answers.push(Answer {
                label: in_lang(key),
                value,
                lang: given.then_some(code),
                change: format!("{form}#{anchor}_{code}"),
            });
        }
    }
    let given = |value: &Option<String>| {
        value
            .clone()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(not_given)
    };
    answers.extend([
        named(
            "field_visibility",
            "visibility",
            t.get(lang, &format!("visibility_{}", wire(&latest.visibility)))
                .to_owned(),
        ),
        named(
            "field_licence",
            "licence",
            editing::licence_label(t, lang, &latest.licence),
        ),
        named("field_tags", "tags", given(&Some(latest.tags.join(", ")))),
        named("field_duration", "duration", given(&latest.duration)),
        named("field_contact", "contact", given(&latest.contact)),
        named(
            "field_costEur",
            "cost",
            latest.cost.amount_eur.as_deref().map_or_else(
                || t.get(lang, "reuse_free").to_owned(),
                |amount| money(lang, amount),
            ),
        ),
    ]);
    answers
}
