//! Translations by peers on the pages: on a tool's page its organisation asks for translations
//! and answers the offers, another organisation's staff offer one, and everyone reads who
//! translated what; `/translations` lists the tools asking for one in the page's language.

use std::net::SocketAddr;

use super::confirmation;
use super::forms::{Pick, error_text, errors_text, mutate, posted};
use super::i18n::{Translations, fill};
use super::operations::{self as ops, tool_page as page_ops, wire};
use super::pages::{Chrome, Failure, chrome, failure_page, html, percent, run, see_other};
use super::tool_page::{Problems, lang_name, tool_page};
use super::visit;
use crate::WebState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::lang::Lang;

/// A language as the forms name it (`NL`).
fn parse_lang(value: &str) -> Option<Lang> {
    Lang::ALL.into_iter().find(|l| wire(l) == value)
}

/// The offer form, as typed when it came back with errors.
#[derive(Default)]
pub(super) struct OfferTyped {
    pub lang: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub errors: Vec<(String, String)>,
}

pub(super) struct OfferForm {
    pub action: String,
    pub langs: Vec<Pick>,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// (field, message) for the fields that were wrong; a message for the form otherwise.
    pub errors: Vec<(String, String)>,
    pub open: bool,
}

impl OfferForm {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// An offer as its tool's organisation reads it, with the forms that answer it while open.
pub(super) struct OfferLine {
    pub id: String,
    pub said: String,
    pub title: String,
    pub summary: String,
    /// The offered description, read before accepting (its Markdown as HTML).
    pub body_html: String,
    pub status: String,
    pub open: bool,
}

/// What a tool's page says and offers about translations.
#[derive(Default)]
pub(super) struct TranslationSection {
    /// "Translations wanted into Dutch, German".
    pub wanted: Option<String>,
    /// "Dutch version by UCM".
    pub credits: Vec<String>,
    /// Its organisation: the languages it asks for, checked.
    pub want: Option<(String, Vec<Pick>)>,
    /// Its organisation: the offers, and where they are answered.
    pub offers: Vec<OfferLine>,
    pub answer_action: String,
    /// Another organisation's staff: offer one.
    pub offer: Option<OfferForm>,
}

impl TranslationSection {
    pub fn is_empty(&self) -> bool {
        self.wanted.is_none()
            && self.credits.is_empty()
            && self.want.is_none()
            && self.offers.is_empty()
            && self.offer.is_none()
    }
}

pub(super) fn section(
    t: &Translations,
    lang: Lang,
    tool: &page_ops::ToolPageNodeOnTool,
    typed: Option<OfferTyped>,
) -> TranslationSection {
    let path = format!("/tools/{}/translations", percent(&tool.id));
    let names = |langs: &[Lang]| -> String {
        langs
            .iter()
            .map(|l| lang_name(t, lang, *l))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let has: Vec<Lang> = tool
        .published
        .as_ref()
        .map(|p| p.languages.clone())
        .unwrap_or_default();
    let lacking: Vec<Lang> = Lang::ALL.into_iter().filter(|l| !has.contains(l)).collect();
    let wanted = (!tool.translations_wanted.is_empty()).then(|| {
        fill(
            t.get(lang, "translation_wanted"),
            &[("langs", &names(&tool.translations_wanted))],
        )
    });
    let by = |o: &page_ops::ToolPageNodeOnToolTranslationOffers| {
        o.translator_organisation
            .as_ref()
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let credits = tool
        .translation_credits
        .iter()
        .map(|o| {
            let org = o
                .translator_organisation
                .as_ref()
                .map(|x| x.name.clone())
                .unwrap_or_default();
            fill(
                t.get(lang, "translation_credit"),
                &[("lang", &lang_name(t, lang, o.lang)), ("org", &org)],
            )
        })
        .collect();
    let owner = tool.viewer_can.edit && tool.published.is_some();
    let want = (owner && !lacking.is_empty()).then(|| {
        let picks = lacking
            .iter()
            .map(|l| Pick {
                value: wire(l),
                label: lang_name(t, lang, *l),
                selected: tool.translations_wanted.contains(l),
            })
            .collect();
        (format!("{path}/wanted"), picks)
    });
    let offers = if owner {
        tool.translation_offers
            .iter()
            .map(|o| OfferLine {
                id: o.id.clone(),
                said: fill(
                    t.get(lang, "translation_offer_by"),
                    &[("lang", &lang_name(t, lang, o.lang)), ("org", &by(o))],
                ),
                title: o.title.clone(),
                summary: o.summary.clone(),
                body_html: super::markdown::to_html(&o.body),
                status: t
                    .get(lang, &format!("translation_status_{}", wire(&o.status)))
                    .to_owned(),
                open: matches!(o.status, page_ops::TranslationOfferStatus::OPEN),
            })
            .collect()
    } else {
        Vec::new()
    };
    let offer = (tool.viewer_can.offer_translation && !lacking.is_empty()).then(|| {
        let typed = typed.unwrap_or_default();
        let open = !typed.errors.is_empty();
        // The page's language first when the tool lacks it, else the first one asked for.
        let preferred = if typed.lang.is_empty() {
            lacking
                .iter()
                .find(|l| **l == lang)
                .or_else(|| tool.translations_wanted.first())
                .map(wire)
                .unwrap_or_default()
        } else {
            typed.lang.clone()
        };
        OfferForm {
            action: format!("{path}/offer"),
            langs: lacking
                .iter()
                .map(|l| Pick {
                    value: wire(l),
                    label: lang_name(t, lang, *l),
                    selected: wire(l) == preferred,
                })
                .collect(),
            title: typed.title,
            summary: typed.summary,
            body: typed.body,
            errors: typed.errors,
            open,
        }
    });
    TranslationSection {
        wanted,
        credits,
        want,
        offers,
        answer_action: format!("{path}/answer"),
        offer,
    }
}

/// `POST /tools/{id}/translations/wanted`: the languages its organisation asks for.
pub async fn set_wanted(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/tools/{}", percent(&id));
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let langs: Vec<Lang> = fields
        .all("lang")
        .iter()
        .filter_map(|v| parse_lang(v))
        .collect();
    let input = ops::set_translations_wanted::SetTranslationsWantedInput {
        tool_id: id.clone(),
        langs,
    };
    let variables = ops::set_translations_wanted::Variables { input };
    let done = mutate::<ops::SetTranslationsWanted>(&state, &visit, variables).await;
    after(&state, &visit, &id, &path, done, "translations_asked", None).await
}

/// `POST /tools/{id}/translations/answer`: the owner accepts or declines an offer.
pub async fn answer(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/tools/{}", percent(&id));
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let accept = fields.one("answer") == "accept";
    let note = fields.one("note");
    let input = ops::answer_translation_offer::AnswerTranslationOfferInput {
        offer_id: fields.one("offer"),
        accept,
        note: Some(note).filter(|n| !n.trim().is_empty()),
    };
    let variables = ops::answer_translation_offer::Variables { input };
    let done = mutate::<ops::AnswerTranslationOffer>(&state, &visit, variables).await;
    let change = if accept {
        "translation_accepted"
    } else {
        "translation_declined"
    };
    after(&state, &visit, &id, &path, done, change, None).await
}

/// `POST /tools/{id}/translations/offer`: another organisation's translation.
pub async fn offer(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/tools/{}", percent(&id));
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let typed = OfferTyped {
        lang: fields.one("lang"),
        title: fields.one("title"),
        summary: fields.one("summary"),
        body: fields.one("body"),
        errors: Vec::new(),
    };
    let Some(lang) = parse_lang(&typed.lang) else {
        let t = &state.web.translations;
        let required = t.get(visit.lang, "error_REQUIRED").to_owned();
        let typed = OfferTyped {
            errors: vec![("lang".into(), required)],
            ..typed
        };
        let problems = Problems {
            translation: Some(typed),
            ..Problems::default()
        };
        return tool_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await;
    };
    let input = ops::offer_translation::OfferTranslationInput {
        tool_id: id.clone(),
        lang,
        title: typed.title.clone(),
        summary: typed.summary.clone(),
        body: typed.body.clone(),
    };
    let variables = ops::offer_translation::Variables { input };
    let done = mutate::<ops::OfferTranslation>(&state, &visit, variables).await;
    after(
        &state,
        &visit,
        &id,
        &path,
        done,
        "translation_offered",
        Some(typed),
    )
    .await
}

/// Back to the tool with a confirmation, or its page again with what was wrong: beside the
/// offer form's fields when the offer was refused, at the top otherwise.
async fn after(
    state: &WebState,
    visit: &visit::Visit,
    id: &str,
    path: &str,
    done: Result<Vec<super::forms::UserErrorData>, Failure>,
    change: &str,
    typed: Option<OfferTyped>,
) -> Response {
    let (t, lang) = (&state.web.translations, visit.lang);
    let mut problems = Problems::default();
    match done {
        Ok(errors) if errors.is_empty() => {
            let to = confirmation::after(&format!("{path}#translations-title"), change);
            return see_other(&to, &visit.set_cookies);
        }
        Ok(errors) => match typed {
            Some(mut typed) => {
                for e in &errors {
                    let field = ["title", "summary", "body", "lang"]
                        .into_iter()
                        .find(|f| e.concerns(f))
                        .unwrap_or("form");
                    typed
                        .errors
                        .push((field.to_owned(), error_text(t, lang, e)));
                }
                problems.translation = Some(typed);
            }
            None => {
                problems.notice = Some(errors_text(t, lang, &errors));
            }
        },
        Err(Failure::Input(message)) => problems.notice = Some(message),
        Err(other) => return failure_page(state, visit, other, path),
    }
    tool_page(state, visit, id, problems, StatusCode::BAD_REQUEST).await
}

#[derive(Template)]
#[template(path = "translations.html")]
struct WantedPage<'a> {
    page: Chrome<'a>,
    intro: String,
    /// (the tool's page, its title, its organisation, the languages it has)
    tools: Vec<(String, String, String, String)>,
}

/// Tools shown on `/translations`.
const WANTED_PAGE: i64 = 50;

/// `GET /translations`: published tools asking for a translation into the page's language.
pub async fn wanted(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let path = "/translations";
    let lang = visit.lang;
    let variables = ops::translations_wanted::Variables {
        lang,
        first: Some(WANTED_PAGE),
    };
    let data = match run::<ops::TranslationsWanted>(&state, &visit, variables).await {
        Ok(data) => data,
        Err(other) => return failure_page(&state, &visit, other, path),
    };
    let t = &state.web.translations;
    let tools = data
        .translations_wanted
        .into_iter()
        .map(|x| {
            let has: Vec<String> = x
                .published
                .map(|p| p.languages.iter().map(|l| lang_name(t, lang, *l)).collect())
                .unwrap_or_default();
            (
                format!("/tools/{}#translations-title", percent(&x.id)),
                x.title,
                x.owner.name,
                has.join(", "),
            )
        })
        .collect();
    let title = t.get(lang, "translations_title").to_owned();
    let page = WantedPage {
        intro: fill(
            t.get(lang, "translations_intro"),
            &[("lang", &lang_name(t, lang, lang))],
        ),
        page: chrome(&state, &visit, title, path),
        tools,
    };
    html(StatusCode::OK, &page, &visit.set_cookies)
}
