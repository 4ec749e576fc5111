//! `/collaborations/new`: a partner or a caisse proposes a collaboration to one or more
//! caisses — what it is, what the proposer brings, when and where, and by when the caisses
//! should answer. The API's `userErrors` come back next to their fields with what was typed.

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{OrgRef, caisses, param, proposal_path, query_params};
use crate::WebState;
use crate::forms::{Fields, Pick, error_text};
use crate::i18n::Translations;
use crate::operations::{self as ops, from_wire, user_errors_of};
use crate::pages::{Chrome, Failure, chrome, failure_page, html, run, see_other, stale_form};
use crate::tool_page::{Choice, language_choices};
use crate::visit::{self, Visit};
use commons_domain::collaboration::ParticipantRole;
use commons_domain::lang::Lang;
use commons_domain::tool::ServiceCategory;

/// The fields of the form, in the order an error summary lists them.
const FIELDS: [&str; 11] = [
    "lang",
    "title",
    "description",
    "category",
    "contribution",
    "role",
    "region",
    "starts_on",
    "ends_on",
    "target",
    "reply_by",
];

/// The form as shown: what was typed, the choices, and what was wrong with each field.
pub(super) struct ProposalForm {
    pub languages: Vec<Choice>,
    pub title: String,
    pub description: String,
    pub categories: Vec<Choice>,
    pub contribution: String,
    pub roles: Vec<Choice>,
    pub region: String,
    pub starts_on: String,
    pub ends_on: String,
    pub caisses: Vec<Pick>,
    pub reply_by: String,
    errors: HashMap<&'static str, String>,
}

impl ProposalForm {
    /// What is wrong with the form field `name`, if anything.
    pub fn error(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }

    /// The errors in the form's order, each with the field's id: the summary at the top.
    pub fn summary(&self) -> Vec<(&'static str, &String)> {
        FIELDS
            .iter()
            .filter_map(|f| self.errors.get(f).map(|e| (*f, e)))
            .collect()
    }
}

#[derive(Template)]
#[template(path = "proposal_form.html")]
struct FormPage<'a> {
    page: Chrome<'a>,
    notice: Option<String>,
    form: ProposalForm,
}

fn blank(t: &Translations, lang: Lang, caisses: Vec<OrgRef>) -> ProposalForm {
    ProposalForm {
        languages: language_choices(t, lang, lang.code()),
        title: String::new(),
        description: String::new(),
        categories: ServiceCategory::ALL
            .iter()
            .map(|c| Choice {
                value: c.as_str(),
                label: t.get(lang, &format!("category_{}", c.as_str())).to_owned(),
                checked: false,
            })
            .collect(),
        contribution: String::new(),
        roles: ParticipantRole::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str(),
                label: t
                    .get(lang, &format!("participant_{}", r.as_str()))
                    .to_owned(),
                checked: *r == ParticipantRole::CoOrganiser,
            })
            .collect(),
        region: String::new(),
        starts_on: String::new(),
        ends_on: String::new(),
        caisses: caisses
            .into_iter()
            .map(|c| Pick {
                value: c.id,
                label: c.name,
                selected: false,
            })
            .collect(),
        reply_by: String::new(),
        errors: HashMap::new(),
    }
}

fn form_page(
    state: &WebState,
    visit: &Visit,
    form: ProposalForm,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let title = state
        .web
        .translations
        .get(visit.lang, "proposal_new_title")
        .to_owned();
    let page = FormPage {
        page: chrome(state, visit, title, "/collaborations/new"),
        notice,
        form,
    };
    html(status, &page, &visit.set_cookies)
}

pub async fn form(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = query_params(raw.as_deref());
    let visit = visit::visit(&state, &headers, peer, param(&params, "lang").as_deref()).await;
    let path = "/collaborations/new";
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    if !visit.can.propose_collaboration {
        // INASTI reads proposals; it does not make them. No form to fill in and lose.
        return failure_page(&state, &visit, visit.refusal(), path);
    }
    let caisses = match caisses(&state, &visit).await {
        Ok(list) => list,
        Err(other) => return failure_page(&state, &visit, other, path),
    };
    let form = blank(&state.web.translations, visit.lang, caisses);
    form_page(&state, &visit, form, None, StatusCode::OK)
}

/// The form field an input path of the API names (`["titles", "0", "text"]` → `title`).
fn form_field(path: &[String]) -> &'static str {
    match path.first().map(String::as_str) {
        Some("titles") => "title",
        Some("descriptions") => "description",
        Some("categories") => "category",
        Some("contribution") => "contribution",
        Some("proposerRole") => "role",
        Some("region") => "region",
        Some("startsOn") => "starts_on",
        Some("endsOn") => "ends_on",
        Some("targetIds") => "target",
        Some("replyBy") => "reply_by",
        _ => "",
    }
}

pub async fn create(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let fields = Fields::parse(&body);
    let path = "/collaborations/new";
    let stale = match stale_form(&state, &visit, &headers, &fields.one("csrf"), path) {
        Ok(stale) => stale,
        Err(refused) => return *refused,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let caisses = match caisses(&state, &visit).await {
        Ok(list) => list,
        Err(other) => return failure_page(&state, &visit, other, path),
    };
    // The form as sent, to show again if something is wrong.
    let mut form = blank(t, lang, caisses).filled_in(&fields);
    if stale {
        // Shown again as typed, with a fresh token: nothing was sent.
        let notice = t.get(lang, "form_expired_kept").to_owned();
        return form_page(&state, &visit, form, Some(notice), StatusCode::FORBIDDEN);
    }
    form.check(t, lang, &fields);
    if !form.errors.is_empty() {
        return form_page(&state, &visit, form, None, StatusCode::BAD_REQUEST);
    }
    let variables = ops::propose_collaboration::Variables {
        input: form.input(&fields),
    };
    let mut notice = None;
    match run::<ops::ProposeCollaboration>(&state, &visit, variables).await {
        Ok(data) => {
            let payload = data.propose_collaboration;
            if let (Some(proposal), true) = (payload.proposal, payload.user_errors.is_empty()) {
                return see_other(&proposal_path(&proposal.id), &visit.set_cookies);
            }
            for e in user_errors_of!(payload) {
                let text = error_text(t, lang, &e);
                match form_field(&e.field) {
                    "" => notice = Some(text),
                    name => {
                        form.errors.entry(name).or_insert(text);
                    }
                }
            }
        }
        Err(Failure::Input(message)) => notice = Some(message),
        Err(other) => return failure_page(&state, &visit, other, path),
    }
    form_page(&state, &visit, form, notice, StatusCode::BAD_REQUEST)
}

impl ProposalForm {
    /// The blank form filled in with what was sent.
    fn filled_in(mut self, fields: &Fields) -> Self {
        let text_lang = fields.one("lang");
        for l in &mut self.languages {
            l.checked = l.value == text_lang;
        }
        self.title = fields.one("title");
        self.description = fields.one("description");
        let categories = fields.all("category");
        for c in &mut self.categories {
            c.checked = categories.iter().any(|v| v == c.value);
        }
        self.contribution = fields.one("contribution");
        let role = fields.one("role");
        for r in &mut self.roles {
            r.checked = r.value == role;
        }
        self.region = fields.one("region");
        self.starts_on = fields.one("starts_on");
        self.ends_on = fields.one("ends_on");
        let targets = fields.all("target");
        for c in &mut self.caisses {
            c.selected = targets.contains(&c.value);
        }
        self.reply_by = fields.one("reply_by");
        self
    }

    /// What the API cannot be asked without: said here, next to the field.
    /// `fields`: what was posted, as posted (a value the form does not offer is the API's to
    /// refuse, not the page's to drop).
    fn check(&mut self, t: &Translations, lang: Lang, fields: &Fields) {
        let required = t.get(lang, "error_REQUIRED").to_owned();
        let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        let mut errors = HashMap::new();
        for (name, missing) in [
            ("lang", !self.languages.iter().any(|l| l.checked)),
            ("title", self.title.trim().is_empty()),
            ("description", self.description.trim().is_empty()),
            ("contribution", self.contribution.trim().is_empty()),
            ("region", self.region.trim().is_empty()),
            ("role", fields.one("role").is_empty()),
            ("category", fields.all("category").is_empty()),
            ("target", fields.all("target").is_empty()),
        ] {
            if missing {
                errors.insert(name, required.clone());
            }
        }
        let invalid_date = t.get(lang, "error_INVALID_DATE").to_owned();
        for (name, value, optional) in [
            ("starts_on", &self.starts_on, false),
            ("ends_on", &self.ends_on, true),
            ("reply_by", &self.reply_by, false),
        ] {
            if value.is_empty() {
                if !optional {
                    errors.insert(name, required.clone());
                }
            } else if date(value).is_none() {
                errors.insert(name, invalid_date.clone());
            }
        }
        self.errors = errors;
    }

    /// The proposal as the API takes it, from a form that passed [`Self::check`].
    fn input(&self, fields: &Fields) -> ops::propose_collaboration::ProposeCollaborationInput {
        use ops::propose_collaboration::{LocalisedStringInput, ProposeCollaborationInput};
        let chosen = |choices: &[Choice]| -> Vec<&'static str> {
            choices
                .iter()
                .filter(|c| c.checked)
                .map(|c| c.value)
                .collect()
        };
        let text_lang = chosen(&self.languages)
            .first()
            .and_then(|l| Lang::from_code(l))
            .unwrap_or(Lang::En);
        let text = |text: &str| {
            vec![LocalisedStringInput {
                lang: text_lang,
                text: text.to_owned(),
            }]
        };
        ProposeCollaborationInput {
            titles: text(&self.title),
            descriptions: text(&self.description),
            categories: fields
                .all("category")
                .iter()
                .filter_map(|c| from_wire(c))
                .collect(),
            contribution: self.contribution.clone(),
            proposer_role: from_wire(&fields.one("role")),
            region: self.region.clone(),
            starts_on: self.starts_on.clone(),
            ends_on: Some(self.ends_on.clone()).filter(|e| !e.is_empty()),
            target_ids: fields.all("target"),
            // A caisse answers by the end of the day chosen (Brussels is an hour or two ahead
            // of UTC; the end of the UTC day leaves the whole Belgian day).
            reply_by: format!("{}T23:59:59Z", self.reply_by),
            tool_ids: Vec::new(),
        }
    }
}
