//! Changing tools from the pages: create and edit (one form, every language), attach a file,
//! submit for review, and a moderator's decision. Each is one GraphQL mutation run as the
//! signed-in visitor; its `userErrors` are shown next to the fields they name, and an edit
//! based on an older revision than the latest is explained rather than lost.

use std::net::SocketAddr;

use askama::Template;
use async_graphql::UploadValue;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use graphql_client::GraphQLQuery;
use multer::{Constraints, Multipart, SizeLimit};
use tokio::io::AsyncWriteExt;

use super::check_answers;
use super::confirmation;
use super::forms::{Fields, UserErrorData, error_text, errors_text, mutate, posted};
use super::i18n::{Translations, fill};
use super::operations::{self as ops, UserErrors, from_wire, user_errors_of, wire};
use super::pages::{
    Chrome, Failure, checked, chrome, execute, failure_page, html, percent, request, run,
    see_other, stale_form,
};
use super::tool_page::{self, Choice, Problems, decide_form, language_choices, tool_page};
use super::visit::{self, Visit};
use crate::WebState;
use commons_domain::lang::Lang;
use commons_domain::tool::{ServiceCategory, ToolKind};

// ---------------------------------------------------------------------------------------
// The tool form: create and edit

/// One language's part of the form.
pub(super) struct LangFields {
    pub code: &'static str,
    pub legend: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub title_error: Option<String>,
    pub summary_error: Option<String>,
    pub body_error: Option<String>,
    /// Shown open: the page's language, and any other holding text or an error; the rest
    /// are offered behind "add a version in …".
    pub open: bool,
    pub add: String,
}

#[derive(Template)]
#[template(path = "tool_form.html")]
struct ToolFormPage<'a> {
    page: Chrome<'a>,
    heading: String,
    action: String,
    cancel: String,
    base_revision: Option<i64>,
    /// Why the save did not happen, at the top (a conflict, a refusal).
    notice: Option<String>,
    /// Every field error, linked to its field, at the top.
    summary: Vec<(String, String)>,
    kinds: Vec<Choice>,
    kind_error: Option<String>,
    categories: Vec<Choice>,
    categories_error: Option<String>,
    visibilities: Vec<Choice>,
    /// The licences in words, one checked, and the identifier typed for another.
    licences: Vec<Choice>,
    licence_other: String,
    licence_error: Option<String>,
    tags: String,
    tags_error: Option<String>,
    duration: String,
    contact: String,
    cost: String,
    cost_error: Option<String>,
    translations_error: Option<String>,
    langs: Vec<LangFields>,
}

/// What the form holds, whether typed or read from the latest revision.
#[derive(Default)]
struct ToolFormValues {
    kind: String,
    categories: Vec<String>,
    visibility: String,
    /// The licence's SPDX identifier, or words for one granted on request.
    licence: String,
    /// "Another licence" was chosen (its identifier, typed, is `licence`).
    other_licence: bool,
    tags: String,
    duration: String,
    contact: String,
    cost: String,
    /// (lang code upper-case, title, summary, body)
    texts: Vec<(String, String, String, String)>,
}

/// The API's word for a licence granted on request.
pub(super) const ON_REQUEST: &str = "ON_REQUEST";

/// The licences the form offers as choices in words: the Creative Commons family and the
/// public domain. Any other is typed as its SPDX identifier.
const OFFERED_LICENCES: [&str; 7] = [
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "CC0-1.0",
];
/// The form's values for a licence granted on request, and for another licence typed.
const ON_REQUEST_CHOICE: &str = "on request";
const OTHER_CHOICE: &str = "OTHER";

/// A licence as the form and the check step name it: what it lets others do.
pub(super) fn licence_label(t: &Translations, lang: Lang, licence: &str) -> String {
    if licence_from_words(licence) == ON_REQUEST {
        t.get(lang, "licence_choice_on_request").to_owned()
    } else {
        tool_page::licence_in_words(t, lang, licence, "")
    }
}

/// The licence choices with the one `licence` is checked, and the text of "another licence".
fn licence_choices(
    t: &Translations,
    lang: Lang,
    licence: &str,
    other_chosen: bool,
) -> (Vec<Choice>, String) {
    let offered = OFFERED_LICENCES
        .into_iter()
        .find(|l| l.eq_ignore_ascii_case(licence));
    let on_request = licence_from_words(licence) == ON_REQUEST;
    let other = other_chosen || (offered.is_none() && !on_request && !licence.is_empty());
    let mut choices: Vec<Choice> = OFFERED_LICENCES
        .into_iter()
        .map(|value| Choice {
            value,
            label: tool_page::licence_in_words(t, lang, value, ""),
            checked: !other && offered == Some(value),
        })
        .collect();
    choices.push(Choice {
        value: ON_REQUEST_CHOICE,
        label: t.get(lang, "licence_choice_on_request").to_owned(),
        checked: !other && on_request,
    });
    choices.push(Choice {
        value: OTHER_CHOICE,
        label: t.get(lang, "licence_choice_other").to_owned(),
        checked: other,
    });
    let typed = if other {
        licence.to_owned()
    } else {
        String::new()
    };
    (choices, typed)
}

/// "On request" in any of the four languages (the form's choice sends the English words) is
/// the API's `ON_REQUEST`; anything else goes as typed, an SPDX identifier.
fn licence_from_words(typed: &str) -> String {
    let words = typed.trim().to_lowercase();
    let on_request = ["on request", "sur demande", "op aanvraag", "auf anfrage"];
    if on_request.contains(&words.as_str()) || typed.trim() == ON_REQUEST {
        ON_REQUEST.to_owned()
    } else {
        typed.trim().to_owned()
    }
}

impl ToolFormValues {
    fn from_fields(f: &Fields) -> Self {
        Self {
            kind: f.one("kind"),
            categories: f.all("category"),
            visibility: f.one("visibility"),
            licence: match f.one("licence") {
                chosen if chosen == OTHER_CHOICE => f.one("licence_other").trim().to_owned(),
                chosen => chosen.trim().to_owned(),
            },
            other_licence: f.one("licence") == OTHER_CHOICE,
            tags: f.one("tags"),
            duration: f.one("duration"),
            contact: f.one("contact"),
            cost: f.one("cost"),
            texts: Lang::ALL
                .into_iter()
                .map(|l| {
                    let c = l.code();
                    (
                        c.to_uppercase(),
                        f.one(&format!("title_{c}")),
                        f.one(&format!("summary_{c}")),
                        f.one(&format!("body_{c}")),
                    )
                })
                .collect(),
        }
    }

    fn from_revision(r: &Latest) -> Self {
        Self {
            kind: wire(&r.kind),
            categories: r.categories.iter().map(wire).collect(),
            visibility: wire(&r.visibility),
            licence: r.licence.clone(),
            other_licence: false,
            tags: r.tags.join(", "),
            duration: r.duration.clone().unwrap_or_default(),
            contact: r.contact.clone().unwrap_or_default(),
            cost: r.cost.amount_eur.clone().unwrap_or_default(),
            texts: r
                .translations
                .iter()
                .map(|t| {
                    (
                        wire(&t.lang),
                        t.title.clone(),
                        t.summary.clone(),
                        t.body.clone(),
                    )
                })
                .collect(),
        }
    }

    /// The languages the form sends: those with any text, in the form's order.
    fn filled(&self) -> Vec<&(String, String, String, String)> {
        self.texts
            .iter()
            .filter(|(_, title, summary, body)| {
                !(title.trim().is_empty() && summary.trim().is_empty() && body.trim().is_empty())
            })
            .collect()
    }

    fn optional(text: &str) -> Option<String> {
        Some(text.trim().to_owned()).filter(|t| !t.is_empty())
    }

    fn tag_list(&self) -> Vec<String> {
        self.tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// `ToolContentInput` of the operation `$operation` (each operation has its own copy of the
/// schema's input types): what the form edits, over what it does not show (`$carried`, the
/// latest revision's audiences, quality documentation …), so an edit loses nothing.
macro_rules! tool_content {
    ($operation:ident, $values:expr, $carried:expr) => {{
        use ops::$operation::{QualityDocumentationInput, ToolContentInput, ToolTranslationInput};
        let (values, carried): (&ToolFormValues, Option<&Latest>) = ($values, $carried);
        let quality = carried.map(|c| &c.quality);
        ToolContentInput {
            // A name the schema does not know is refused before (see `local_errors`).
            kind: from_wire(&values.kind)
                .unwrap_or_else(|| ops::$operation::ToolKind::Other(values.kind.clone())),
            categories: values
                .categories
                .iter()
                .filter_map(|c| from_wire(c))
                .collect(),
            visibility: from_wire(&values.visibility),
            licence: licence_from_words(&values.licence),
            tags: values.tag_list(),
            duration: ToolFormValues::optional(&values.duration),
            contact: ToolFormValues::optional(&values.contact),
            cost_eur: ToolFormValues::optional(&values.cost),
            translations: values
                .filled()
                .into_iter()
                .filter_map(|(lang, title, summary, body)| {
                    Some(ToolTranslationInput {
                        lang: Lang::from_code(lang)?,
                        title: title.clone(),
                        summary: summary.clone(),
                        body: body.clone(),
                    })
                })
                .collect(),
            audiences: carried.map(|c| same(&c.audiences)).unwrap_or_default(),
            delivery_formats: carried
                .map(|c| same(&c.delivery_formats))
                .unwrap_or_default(),
            delivery_modes: carried.map(|c| same(&c.delivery_modes)).unwrap_or_default(),
            scopes: carried.map(|c| same(&c.scopes)).unwrap_or_default(),
            sectors: carried.map(|c| c.sectors.clone()).unwrap_or_default(),
            quality: QualityDocumentationInput {
                accessibility: quality.and_then(|q| q.accessibility.clone()),
                cooperation_partners: quality.and_then(|q| q.cooperation_partners.clone()),
                demand_driven: quality.and_then(|q| q.demand_driven.clone()),
                evaluation_results: quality.and_then(|q| q.evaluation_results.clone()),
                professional_and_private_context: quality
                    .and_then(|q| q.professional_and_private_context.clone()),
                references: quality.and_then(|q| q.references.clone()),
                scientific_basis: quality.and_then(|q| q.scientific_basis.clone()),
            },
        }
    }};
}

/// The values of one operation's enum as another's: the same schema enum, copied per operation.
fn same<T: serde::Serialize, U: serde::de::DeserializeOwned>(values: &[T]) -> Vec<U> {
    values.iter().filter_map(|v| from_wire(&wire(v))).collect()
}

/// A tool's latest revision, as the form reads it.
pub(super) type Latest = ops::tool_latest::ToolLatestNodeOnToolLatest;
/// What the visitor may do with it.
pub(super) type LatestCan = ops::tool_latest::ToolLatestNodeOnToolViewerCan;

/// The latest revision of a tool the visitor may edit, and what else they may do with it.
pub(super) async fn editable(
    state: &WebState,
    visit: &Visit,
    id: &str,
) -> Result<(Latest, LatestCan), Failure> {
    let variables = ops::tool_latest::Variables { id: id.to_owned() };
    let data = match run::<ops::ToolLatest>(state, visit, variables).await {
        Err(Failure::Input(_)) => return Err(Failure::NotFound),
        other => other?,
    };
    let Some(ops::tool_latest::ToolLatestNode::Tool(tool)) = data.node else {
        return Err(Failure::NotFound);
    };
    // A moderator reads the latest revision of every tool, but edits only its own
    // organisation's: no form that the API would refuse on saving.
    match tool.latest {
        Some(_) if !tool.viewer_can.edit => Err(Failure::Forbidden),
        Some(latest) => Ok((latest, tool.viewer_can)),
        None => Err(Failure::NotFound),
    }
}

/// The latest revision (the form's values and what an edit carries over), and its number.
async fn latest(state: &WebState, visit: &Visit, id: &str) -> Result<(Latest, i64), Failure> {
    let (latest, _) = editable(state, visit, id).await?;
    let number = latest.number;
    Ok((latest, number))
}

struct FormState<'v> {
    values: &'v ToolFormValues,
    errors: Vec<UserErrorData>,
    notice: Option<String>,
}

fn form_page(
    state: &WebState,
    visit: &Visit,
    status: StatusCode,
    (action, heading_key, base_revision): (&str, &str, Option<i64>),
    form: FormState<'_>,
) -> Response {
    let (t, lang) = (&state.web.translations, visit.lang);
    let values = form.values;
    let placed = PlacedErrors::place(t, lang, values, &form.errors);
    let notice = form
        .notice
        .or_else(|| (!placed.general.is_empty()).then(|| placed.general.join(" ")));
    let choose = |values: Vec<&'static str>, prefix: &str, chosen: &[String]| -> Vec<Choice> {
        values
            .into_iter()
            .map(|value| Choice {
                value,
                label: t.get(lang, &format!("{prefix}_{value}")).to_owned(),
                checked: chosen.iter().any(|c| c == value),
            })
            .collect()
    };
    let visibility = if values.visibility.is_empty() {
        "NETWORK".to_owned()
    } else {
        values.visibility.clone()
    };
    // A new tool is offered the most open licence that still names its authors.
    let licence = if values.licence.is_empty() && !values.other_licence && base_revision.is_none() {
        "CC-BY-4.0"
    } else {
        values.licence.as_str()
    };
    let (licences, licence_other) = licence_choices(t, lang, licence, values.other_licence);
    let heading = t.get(lang, heading_key).to_owned();
    let cancel = base_revision
        .map(|_| action.trim_end_matches("/edit").to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let page = ToolFormPage {
        page: chrome(state, visit, heading.clone(), action),
        heading,
        action: action.to_owned(),
        cancel,
        base_revision,
        notice,
        kinds: choose(
            ToolKind::ALL.iter().map(|k| k.as_str()).collect(),
            "kind",
            std::slice::from_ref(&values.kind),
        ),
        categories: choose(
            ServiceCategory::ALL.iter().map(|c| c.as_str()).collect(),
            "category",
            &values.categories,
        ),
        visibilities: choose(
            vec!["PUBLIC", "NETWORK", "ORGANISATION"],
            "visibility",
            &[visibility],
        ),
        licences,
        licence_other,
        tags: values.tags.clone(),
        duration: values.duration.clone(),
        contact: values.contact.clone(),
        cost: values.cost.clone(),
        langs: lang_fields(t, lang, values, &placed),
        summary: placed.summary,
        kind_error: placed.kind,
        categories_error: placed.categories,
        licence_error: placed.licence,
        tags_error: placed.tags,
        cost_error: placed.cost,
        translations_error: placed.translations,
    };
    html(status, &page, &visit.set_cookies)
}

/// The API's user errors placed where the form shows them: next to their fields, in the
/// summary at the top (each naming its field), or at the top for the rest.
#[derive(Default)]
struct PlacedErrors {
    summary: Vec<(String, String)>,
    general: Vec<String>,
    kind: Option<String>,
    categories: Option<String>,
    licence: Option<String>,
    tags: Option<String>,
    cost: Option<String>,
    translations: Option<String>,
    /// (language code, part, text) for one language's title, summary or body.
    langs: Vec<(String, &'static str, String)>,
}

impl PlacedErrors {
    fn place(
        t: &Translations,
        lang: Lang,
        values: &ToolFormValues,
        errors: &[UserErrorData],
    ) -> Self {
        // Which language each sent translation was: the API names them by position.
        let sent: Vec<String> = values
            .filled()
            .into_iter()
            .map(|(l, ..)| l.clone())
            .collect();
        let mut placed = PlacedErrors::default();
        for e in errors {
            let text = error_text(t, lang, e);
            let path: Vec<&str> = e.field.iter().map(String::as_str).collect();
            let (anchor, label, slot) = match path.as_slice() {
                ["content", "translations", index, part, ..] => {
                    let code = index
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| sent.get(i))
                        .map(|l| l.to_lowercase())
                        .unwrap_or_default();
                    let part: &'static str = match *part {
                        "title" => "title",
                        "summary" => "summary",
                        _ => "body",
                    };
                    let label = format!(
                        "{} ({})",
                        t.get(lang, &format!("field_{part}")),
                        t.get(lang, &format!("lang_{}", code.to_uppercase()))
                    );
                    placed
                        .summary
                        .push((format!("{part}_{code}"), format!("{label}: {text}")));
                    placed.langs.push((code, part, text));
                    continue;
                }
                // The anchor of a translations error is the first language's title.
                ["content", "translations", ..] => (
                    format!("title_{}", lang.code()),
                    "field_title",
                    &mut placed.translations,
                ),
                ["content", "kind", ..] => ("kind".into(), "field_kind", &mut placed.kind),
                ["content", "categories", ..] => (
                    "category-0".into(),
                    "field_categories",
                    &mut placed.categories,
                ),
                ["content", "licence", ..] => {
                    ("licence".into(), "field_licence", &mut placed.licence)
                }
                ["content", "tags", ..] => ("tags".into(), "field_tags", &mut placed.tags),
                ["content", "costEur", ..] => ("cost".into(), "field_costEur", &mut placed.cost),
                _ => {
                    placed.general.push(text);
                    continue;
                }
            };
            *slot = Some(text.clone());
            // The summary names each field, since its messages are read apart from them.
            placed
                .summary
                .push((anchor, format!("{}: {text}", t.get(lang, label))));
        }
        placed
    }

    fn of_lang(&self, code: &str, part: &str) -> Option<String> {
        self.langs
            .iter()
            .find(|(l, p, _)| l == code && *p == part)
            .map(|(_, _, text)| text.clone())
    }
}

/// One part of the form per language, the page's language first: most people write in it.
fn lang_fields(
    t: &Translations,
    lang: Lang,
    values: &ToolFormValues,
    placed: &PlacedErrors,
) -> Vec<LangFields> {
    let mut order: Vec<Lang> = vec![lang];
    order.extend(Lang::ALL.into_iter().filter(|l| *l != lang));
    order
        .into_iter()
        .map(|l| {
            let code = l.code();
            let (title, summary, body) = values
                .texts
                .iter()
                .find(|(c, ..)| c.eq_ignore_ascii_case(code))
                .map(|(_, a, b, c)| (a.clone(), b.clone(), c.clone()))
                .unwrap_or_default();
            let name = t
                .get(lang, &format!("lang_{}", code.to_uppercase()))
                .to_owned();
            let (title_error, summary_error, body_error) = (
                placed.of_lang(code, "title"),
                placed.of_lang(code, "summary"),
                placed.of_lang(code, "body"),
            );
            let open = l == lang
                || [&title, &summary, &body]
                    .iter()
                    .any(|text| !text.trim().is_empty())
                || title_error.is_some()
                || summary_error.is_some()
                || body_error.is_some();
            LangFields {
                code,
                add: fill(t.get(lang, "form_lang_add"), &[("lang", &name)]),
                legend: name,
                title,
                summary,
                body,
                title_error,
                summary_error,
                body_error,
                open,
            }
        })
        .collect()
}

pub async fn new_tool_form(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    if !visit.can.share_tool {
        // Not a form to fill in and lose on saving: the API would refuse it.
        return failure_page(&state, &visit, visit.refusal(), "/tools/new");
    }
    let values = ToolFormValues::default();
    form_page(
        &state,
        &visit,
        StatusCode::OK,
        ("/tools/new", "form_new_title", None),
        FormState {
            values: &values,
            errors: Vec::new(),
            notice: None,
        },
    )
}

/// A create or an update: the tool saved, or the user errors why not.
trait SavedTool {
    fn saved(self) -> (Option<String>, Vec<UserErrorData>);
}

macro_rules! saved_tool {
    ($($operation:ident . $field:ident),*) => {$(
        impl SavedTool for ops::$operation::ResponseData {
            fn saved(self) -> (Option<String>, Vec<UserErrorData>) {
                let payload = self.$field;
                let id = payload.tool.map(|t| t.id);
                (id, user_errors_of!(payload))
            }
        }
    )*};
}

saved_tool!(create_tool.create_tool, update_tool.update_tool);

/// What the form can check before asking: values the API's enums would refuse as a whole
/// request are errors on their fields instead.
fn local_errors(values: &ToolFormValues) -> Vec<UserErrorData> {
    let mut errors = Vec::new();
    if !ToolKind::ALL.iter().any(|k| k.as_str() == values.kind) {
        errors.push(UserErrorData {
            field: vec!["content".into(), "kind".into()],
            code: "REQUIRED".into(),
            message: "choose a kind".into(),
        });
    }
    if values
        .categories
        .iter()
        .any(|c| !ServiceCategory::ALL.iter().any(|k| k.as_str() == c))
    {
        errors.push(UserErrorData {
            field: vec!["content".into(), "categories".into()],
            code: "INVALID_FORMAT".into(),
            message: "not a service category".into(),
        });
    }
    if !["PUBLIC", "NETWORK", "ORGANISATION"].contains(&values.visibility.as_str()) {
        errors.push(UserErrorData {
            field: vec!["content".into(), "visibility".into()],
            code: "INVALID_FORMAT".into(),
            message: "choose who may read it".into(),
        });
    }
    errors
}

pub async fn create_tool(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let fields = Fields::parse(&body);
    let action = "/tools/new";
    let stale = match stale_form(&state, &visit, &headers, &fields.one("csrf"), action) {
        Ok(stale) => stale,
        Err(refused) => return *refused,
    };
    let values = ToolFormValues::from_fields(&fields);
    let shown = (action, "form_new_title", None);
    if stale {
        return kept(&state, &visit, shown, &values);
    }
    let errors = local_errors(&values);
    if !errors.is_empty() {
        let form = FormState {
            values: &values,
            errors,
            notice: None,
        };
        return form_page(&state, &visit, StatusCode::BAD_REQUEST, shown, form);
    }
    let input = ops::create_tool::CreateToolInput {
        content: tool_content!(create_tool, &values, None),
    };
    let variables = ops::create_tool::Variables { input };
    saved::<ops::CreateTool>(&state, &visit, variables, &values, shown).await
}

/// The form sent with a stale token, shown again as typed with a fresh token: nothing saved.
fn kept(
    state: &WebState,
    visit: &Visit,
    shown: (&str, &'static str, Option<i64>),
    values: &ToolFormValues,
) -> Response {
    let notice = state
        .web
        .translations
        .get(visit.lang, "form_expired_kept")
        .to_owned();
    let form = FormState {
        values,
        errors: Vec::new(),
        notice: Some(notice),
    };
    form_page(state, visit, StatusCode::FORBIDDEN, shown, form)
}

/// Runs a create or an update and shows where it went: the tool, or the form with its errors.
async fn saved<Q>(
    state: &WebState,
    visit: &Visit,
    variables: Q::Variables,
    values: &ToolFormValues,
    shown: (&str, &str, Option<i64>),
) -> Response
where
    Q: GraphQLQuery,
    Q::ResponseData: SavedTool,
{
    let t = &state.web.translations;
    let (status, errors, notice) = match run::<Q>(state, visit, variables)
        .await
        .map(SavedTool::saved)
    {
        Ok((Some(id), errors)) if errors.is_empty() => {
            // Next: its documents, and the answers read back before submitting.
            let saved = confirmation::after(&check_answers::path(&id), "saved");
            return see_other(&saved, &visit.set_cookies);
        }
        Ok((_, errors)) => (StatusCode::BAD_REQUEST, errors, None),
        Err(Failure::Conflict) => (
            StatusCode::CONFLICT,
            Vec::new(),
            Some(t.get(visit.lang, "form_conflict").to_owned()),
        ),
        Err(Failure::Forbidden) => (
            StatusCode::FORBIDDEN,
            Vec::new(),
            Some(t.get(visit.lang, "form_forbidden").to_owned()),
        ),
        Err(Failure::Input(message)) => (StatusCode::BAD_REQUEST, Vec::new(), Some(message)),
        Err(other) => return failure_page(state, visit, other, shown.0),
    };
    let mut shown = shown;
    if status == StatusCode::CONFLICT {
        // Saving again replaces what was saved meanwhile: it is based on the latest now.
        let id = shown
            .0
            .trim_start_matches("/tools/")
            .trim_end_matches("/edit");
        let id = percent_decoded(id);
        if let Ok((_, number)) = latest(state, visit, &id).await {
            shown.2 = Some(number);
        }
    }
    let form = FormState {
        values,
        errors,
        notice,
    };
    form_page(state, visit, status, shown, form)
}

fn percent_decoded(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

pub async fn edit_tool_form(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let action = format!("/tools/{}/edit", percent(&id));
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    let (latest, number) = match latest(&state, &visit, &id).await {
        Ok(found) => found,
        Err(failure) => return failure_page(&state, &visit, failure, &action),
    };
    let values = ToolFormValues::from_revision(&latest);
    form_page(
        &state,
        &visit,
        StatusCode::OK,
        (&action, "form_edit_title", Some(number)),
        FormState {
            values: &values,
            errors: Vec::new(),
            notice: None,
        },
    )
}

pub async fn update_tool(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let fields = Fields::parse(&body);
    let action = format!("/tools/{}/edit", percent(&id));
    let stale = match stale_form(&state, &visit, &headers, &fields.one("csrf"), &action) {
        Ok(stale) => stale,
        Err(refused) => return *refused,
    };
    let values = ToolFormValues::from_fields(&fields);
    let base: i64 = fields.one("base_revision").parse().unwrap_or_default();
    let shown = (action.as_str(), "form_edit_title", Some(base));
    if stale {
        return kept(&state, &visit, shown, &values);
    }
    let errors = local_errors(&values);
    if !errors.is_empty() {
        let form = FormState {
            values: &values,
            errors,
            notice: None,
        };
        return form_page(&state, &visit, StatusCode::BAD_REQUEST, shown, form);
    }
    // What the form does not show is carried over from the latest revision.
    let (carried, _) = match latest(&state, &visit, &id).await {
        Ok(found) => found,
        Err(failure) => return failure_page(&state, &visit, failure, &action),
    };
    let input = ops::update_tool::UpdateToolInput {
        tool_id: id.clone(),
        base_revision: base,
        content: tool_content!(update_tool, &values, Some(&carried)),
    };
    let variables = ops::update_tool::Variables { input };
    saved::<ops::UpdateTool>(&state, &visit, variables, &values, shown).await
}

// ---------------------------------------------------------------------------------------
// Submitting for review, deciding

pub async fn submit_tool(
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
    let revision: i64 = fields.one("revision").parse().unwrap_or_default();
    let input = ops::submit_tool::SubmitToolInput {
        tool_id: id.clone(),
        revision,
    };
    let variables = ops::submit_tool::Variables { input };
    let done = mutate::<ops::SubmitTool>(&state, &visit, variables).await;
    // Sent from the check step, a refusal is explained there.
    let from_check = fields.one("from") == "check";
    acted(&state, &visit, (&id, from_check), done, "submitted").await
}

/// The owner confirms that its published tool is still valid.
pub async fn confirm_current(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/tools/{}", percent(&id));
    let visit = match posted(&state, &headers, peer, &body, &path).await {
        Ok((visit, _)) => visit,
        Err(refused) => return refused,
    };
    let input = ops::confirm_tool_current::ConfirmToolCurrentInput {
        tool_id: id.clone(),
    };
    let variables = ops::confirm_tool_current::Variables { input };
    let done = mutate::<ops::ConfirmToolCurrent>(&state, &visit, variables).await;
    acted(&state, &visit, (&id, false), done, "confirmed").await
}

/// Where a tool's page goes after a one-button change: the page with its banner, or the page
/// it was sent from (the tool's, or the check step when `from_check`) again saying why not.
async fn acted(
    state: &WebState,
    visit: &Visit,
    (id, from_check): (&str, bool),
    done: Result<Vec<UserErrorData>, Failure>,
    change: &str,
) -> Response {
    let path = format!("/tools/{}", percent(id));
    match refusal(&state.web.translations, visit.lang, done) {
        Ok(None) => see_other(&confirmation::after(&path, change), &visit.set_cookies),
        Ok(Some(notice)) if from_check => {
            let shown = check_answers::Shown {
                notice: Some(notice),
                ..check_answers::Shown::default()
            };
            check_answers::page(state, visit, id, shown, StatusCode::BAD_REQUEST).await
        }
        Ok(Some(notice)) => {
            let problems = Problems {
                notice: Some(notice),
                ..Problems::default()
            };
            tool_page(state, visit, id, problems, StatusCode::BAD_REQUEST).await
        }
        Err(other) => failure_page(state, visit, other, &path),
    }
}

/// Why a one-button change was refused, in words (`None`: it went through); a failure no
/// words on the page explain is passed on.
fn refusal(
    t: &Translations,
    lang: Lang,
    done: Result<Vec<UserErrorData>, Failure>,
) -> Result<Option<String>, Failure> {
    match done {
        Ok(errors) if errors.is_empty() => Ok(None),
        Ok(errors) => Ok(Some(errors_text(t, lang, &errors))),
        Err(Failure::Conflict) => Ok(Some(t.get(lang, "form_conflict").to_owned())),
        Err(Failure::Input(message)) => Ok(Some(message)),
        Err(other) => Err(other),
    }
}

pub async fn decide_on_tool(
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
    let t = &state.web.translations;
    let lang = visit.lang;
    let revision: i64 = fields.one("revision").parse().unwrap_or_default();
    let decision = fields.one("decision");
    let reason = fields.one("reason");
    // Back to the queue when the decision was made there; only a path of this site.
    let back = Some(fields.one("back"))
        .filter(|b| b == "/moderation")
        .unwrap_or_else(|| path.clone());
    let mut form = decide_form(t, lang, (&id, "tool"), revision, &back);
    form.reason = reason.clone();
    for c in &mut form.decisions {
        c.checked = c.value == decision;
    }
    use ops::decide_on_tool::ReviewDecision;
    let decided = format!("decided_{decision}");
    let decision = match decision.as_str() {
        "APPROVE" => Some(ReviewDecision::APPROVE),
        "REQUEST_CHANGES" => Some(ReviewDecision::REQUEST_CHANGES),
        "REJECT" => Some(ReviewDecision::REJECT),
        _ => None,
    };
    let Some(decision) = decision else {
        form.decision_error = Some(t.get(lang, "error_REQUIRED").to_owned());
        let problems = Problems {
            decide: Some(form),
            ..Problems::default()
        };
        return tool_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await;
    };
    let input = ops::decide_on_tool::DecideOnToolInput {
        tool_id: id.clone(),
        revision,
        decision,
        reason: Some(reason.clone()).filter(|r| !r.trim().is_empty()),
    };
    let variables = ops::decide_on_tool::Variables { input };
    let mut problems = Problems::default();
    match mutate::<ops::DecideOnTool>(&state, &visit, variables).await {
        Ok(errors) if errors.is_empty() => {
            return see_other(&confirmation::after(&back, &decided), &visit.set_cookies);
        }
        Ok(errors) => {
            for e in &errors {
                let text = error_text(t, lang, e);
                if e.field.iter().any(|f| f == "reason") {
                    form.reason_error = Some(text);
                } else {
                    problems.notice = Some(text);
                }
            }
        }
        Err(Failure::Conflict) => {
            problems.notice = Some(t.get(lang, "decide_conflict").to_owned());
        }
        Err(Failure::Input(message)) => problems.notice = Some(message),
        Err(other) => return failure_page(&state, &visit, other, &path),
    }
    problems.decide = Some(form);
    tool_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await
}

// ---------------------------------------------------------------------------------------
// Attaching a file

/// The small fields of the upload form.
const FIELD_BYTES: u64 = 4096;

/// What the upload form sent: its small fields and the file, spooled to a temporary file.
#[derive(Default)]
struct UploadForm {
    title: String,
    language: String,
    upload: Option<UploadValue>,
    /// The file or the form went over `limits.upload_bytes`.
    too_large: bool,
}

/// Attaches a file to the tool's working revision from its page.
pub async fn attach_file(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    // Sent from the check-your-answers step, the visitor goes back there; else to the tool.
    let from_check = raw.as_deref() == Some(check_answers::FROM_CHECK);
    let path = if from_check {
        check_answers::path(&id)
    } else {
        format!("/tools/{}", percent(&id))
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let mut form = tool_page::AttachForm {
        languages: language_choices(t, lang, lang.code()),
        ..Default::default()
    };
    let sent = match read_upload_form(&state, &visit, &headers, body, &path).await {
        Ok(Some(sent)) => {
            form.languages = language_choices(t, lang, &sent.language);
            sent
        }
        // Not a form at all: shown again with the page's language chosen.
        Ok(None) => UploadForm::default(),
        Err(refused) => return refused,
    };
    form.title = sent.title;
    let language = Lang::from_code(&sent.language);
    let (upload, language) = match (sent.upload, language) {
        (Some(upload), Some(language)) => (upload, language),
        (None, _) => {
            let limit_mb = state.limits.upload_bytes / 1024 / 1024;
            let (key, status) = if sent.too_large {
                ("attach_too_large", StatusCode::PAYLOAD_TOO_LARGE)
            } else {
                ("attach_missing", StatusCode::BAD_REQUEST)
            };
            form.file_error = Some(fill(t.get(lang, key), &[("mb", &limit_mb.to_string())]));
            return refused_attachment(&state, &visit, (&id, from_check), form, None, status).await;
        }
        (Some(_), None) => {
            form.language_error = Some(t.get(lang, "error_REQUIRED").to_owned());
            let status = StatusCode::BAD_REQUEST;
            return refused_attachment(&state, &visit, (&id, from_check), form, None, status).await;
        }
    };
    let input = ops::add_attachment::AddAttachmentInput {
        tool_id: id.clone(),
        title: form.title.clone(),
        language,
        file: serde_json::Value::Null,
    };
    let mut request = match request::<ops::AddAttachment>(ops::add_attachment::Variables { input })
    {
        Ok(request) => request,
        Err(failure) => return failure_page(&state, &visit, failure, &path),
    };
    request.set_upload("variables.input.file", upload);
    let attached = execute::<ops::AddAttachment>(&state, &visit, request).await;
    let mut notice = Vec::new();
    match attached.map(UserErrors::user_errors) {
        Ok(errors) if errors.is_empty() => {
            let attached = confirmation::after(&format!("{path}#files-title"), "attached");
            return see_other(&attached, &visit.set_cookies);
        }
        Ok(errors) => {
            for e in &errors {
                let text = error_text(t, lang, e);
                match e.field.last().map(String::as_str) {
                    Some("title") => form.title_error = Some(text),
                    Some("file") => form.file_error = Some(text),
                    Some("language") => form.language_error = Some(text),
                    _ => notice.push(text),
                }
            }
        }
        Err(Failure::Input(message)) => form.file_error = Some(message),
        Err(other) => return failure_page(&state, &visit, other, &path),
    }
    let notice = (!notice.is_empty()).then(|| notice.join(" "));
    let status = StatusCode::BAD_REQUEST;
    refused_attachment(&state, &visit, (&id, from_check), form, notice, status).await
}

/// The page the upload came from again (the tool's, or the check-your-answers step), with the
/// upload form as sent and what was wrong with it.
async fn refused_attachment(
    state: &WebState,
    visit: &Visit,
    (id, from_check): (&str, bool),
    form: tool_page::AttachForm,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    if from_check {
        let shown = check_answers::Shown {
            attach: Some(form),
            notice,
            done: None,
        };
        return check_answers::page(state, visit, id, shown, status).await;
    }
    let problems = Problems {
        attach: Some(form),
        notice,
        ..Problems::default()
    };
    tool_page(state, visit, id, problems, status).await
}

/// Reads the upload form as it streams in: the token first (a form from elsewhere is refused
/// before its file is read), the file spooled to a temporary file within `limits.upload_bytes`.
/// `None` when the request is no multipart form at all.
async fn read_upload_form(
    state: &WebState,
    visit: &Visit,
    headers: &HeaderMap,
    body: Body,
    path: &str,
) -> Result<Option<UploadForm>, Response> {
    let file_limit = state.limits.upload_bytes as u64;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return Ok(None);
    };
    let constraints = Constraints::new()
        .allowed_fields(vec!["csrf", "title", "language", "file"])
        .size_limit(
            SizeLimit::new()
                .whole_stream(file_limit + 4 * FIELD_BYTES + 16 * 1024)
                .per_field(FIELD_BYTES)
                .for_field("file", file_limit),
        );
    let mut multipart = Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut sent = UploadForm::default();
    let mut csrf_ok = false;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                sent.too_large = too_large(&e);
                break;
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => {
                let token = field.text().await.unwrap_or_default();
                if let Some(refused) = checked(state, visit, &token, path) {
                    return Err(refused);
                }
                csrf_ok = true;
            }
            "title" => sent.title = field.text().await.unwrap_or_default(),
            "language" => sent.language = field.text().await.unwrap_or_default(),
            "file" if csrf_ok && sent.upload.is_none() => {
                let filename = field.file_name().unwrap_or("upload").to_owned();
                if filename.is_empty() {
                    continue;
                }
                let content_type = field.content_type().map(ToString::to_string);
                match spool(&mut field).await {
                    Ok(content) => {
                        sent.upload = Some(UploadValue {
                            filename,
                            content_type,
                            content,
                        });
                    }
                    Err(Some(e)) => {
                        sent.too_large = too_large(&e);
                        break;
                    }
                    Err(None) => return Err(failure_page(state, visit, Failure::Internal, path)),
                }
            }
            _ => {}
        }
    }
    if !csrf_ok && let Some(refused) = checked(state, visit, "", path) {
        return Err(refused);
    }
    Ok(Some(sent))
}

fn too_large(e: &multer::Error) -> bool {
    matches!(
        e,
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. }
    )
}

/// A file field written to a temporary file as it streams in: the file, the stream's error
/// (a size limit, a broken stream), or `None` when no temporary file could be written.
async fn spool(field: &mut multer::Field<'_>) -> Result<std::fs::File, Option<multer::Error>> {
    let spooled = tempfile::tempfile().map_err(|_| None)?;
    let mut file = tokio::fs::File::from_std(spooled);
    while let Some(chunk) = field.next().await {
        file.write_all(&chunk.map_err(Some)?)
            .await
            .map_err(|_| None)?;
    }
    file.flush().await.map_err(|_| None)?;
    Ok(file.into_std().await)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use commons_domain::lang::Lang;

    #[test]
    fn on_request_in_each_language_is_the_apis_on_request() {
        let t = crate::i18n::Translations::load().unwrap();
        for lang in Lang::ALL {
            let words = t.get(lang, "licence_on_request");
            assert_eq!(licence_from_words(words), ON_REQUEST, "{lang:?}: {words}");
            assert_eq!(licence_from_words(&words.to_uppercase()), ON_REQUEST);
        }
        assert_eq!(licence_from_words(" CC-BY-4.0 "), "CC-BY-4.0");
    }
}
