//! A joint service's page: the caisse responsible for it, its participants, its
//! responsibility record with the result of checking its hash chain, and its transfers; the
//! forms to propose a transfer, accept it or cancel it.

use std::net::SocketAddr;

use super::{
    Fact, ID_BYTES, Link, OrgRef, caisses, categories, optional_text, param, period, proposal_path,
    query_params, service_path,
};
use crate::WebState;
use crate::forms::{Pick, TextForm, error_text, mutate, place_errors, posted};
use crate::i18n::{Translations, fill};
use crate::operations::{self as ops, wire};
use crate::pages::{Chrome, Failure, chrome, failure_page, html, percent, run, see_other};
use crate::tool_page::day;
use crate::visit::{self, Visit};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::lang::Lang;

/// Entries of a record and transfers shown on a service's page.
const RECORD_SHOWN: usize = 100;

type ServiceData = ops::joint_service::JointServiceNodeOnJointService;
type Verification = ops::joint_service::JointServiceVerifyResponsibilityRecord;
type Pending = ops::joint_service::JointServiceNodeOnJointServicePendingTransfer;

pub(super) struct EntryLine {
    pub sequence: i64,
    pub caisse: Link,
    pub from: String,
    pub recorded: String,
    pub by: String,
    pub reason: String,
    pub hash: String,
    pub short_hash: String,
}

pub(super) struct TransferLine {
    pub from: String,
    pub to: String,
    pub status: String,
    pub reason: String,
    pub date: String,
}

/// Proposing that another caisse take over.
pub(super) struct TransferForm {
    pub action: String,
    pub caisses: Vec<Pick>,
    pub reason: String,
    pub caisse_error: Option<String>,
    pub reason_error: Option<String>,
}

/// What a failed action left to show on a service's page.
#[derive(Default)]
pub(super) struct ServiceProblems {
    propose: Option<TransferForm>,
    cancel: Option<TextForm>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "joint_service.html")]
struct ServicePage<'a> {
    page: Chrome<'a>,
    title: String,
    status: String,
    description: String,
    responsible: Option<Link>,
    facts: Vec<Fact>,
    participants: Vec<(Link, String)>,
    proposal: Option<Link>,
    tools: Vec<Link>,
    intact: bool,
    verification: String,
    record: Vec<EntryLine>,
    export_href: Option<String>,
    transfers: Vec<TransferLine>,
    pending: Option<String>,
    csrf: String,
    actions: TransferActions,
}

pub async fn service(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = query_params(raw.as_deref());
    let visit = visit::visit(&state, &headers, peer, param(&params, "lang").as_deref()).await;
    service_page(
        &state,
        &visit,
        &id,
        ServiceProblems::default(),
        StatusCode::OK,
    )
    .await
}

fn transfer_form(
    t: &Translations,
    lang: Lang,
    id: &str,
    caisses: &[OrgRef],
    responsible: &str,
) -> TransferForm {
    TransferForm {
        action: format!("{}/transfer", service_path(id)),
        caisses: caisses
            .iter()
            .filter(|c| c.id != responsible)
            .map(|c| Pick {
                value: c.id.clone(),
                label: c.name.clone(),
                selected: false,
            })
            .collect(),
        reason: String::new(),
        caisse_error: None,
        reason_error: None,
    }
    .with_prompt(t.get(lang, "form_choose"))
}

impl TransferForm {
    /// An empty first choice, so that nothing is chosen by accident.
    fn with_prompt(mut self, prompt: &str) -> Self {
        self.caisses.insert(
            0,
            Pick {
                value: String::new(),
                label: prompt.to_owned(),
                selected: false,
            },
        );
        self
    }
}

async fn service_page(
    state: &WebState,
    visit: &Visit,
    id: &str,
    mut problems: ServiceProblems,
    status: StatusCode,
) -> Response {
    let path = service_path(id);
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    if id.len() > ID_BYTES {
        return failure_page(state, visit, Failure::NotFound, &path);
    }
    let variables = ops::joint_service::Variables {
        id: id.to_owned(),
        lang: Some(visit.lang),
        first: Some(RECORD_SHOWN as i64),
    };
    let data = match run::<ops::JointService>(state, visit, variables).await {
        Ok(data) => data,
        Err(Failure::Input(_)) => return failure_page(state, visit, Failure::NotFound, &path),
        Err(other) => return failure_page(state, visit, other, &path),
    };
    let Some(ops::joint_service::JointServiceNode::JointService(s)) = data.node else {
        return failure_page(state, visit, Failure::NotFound, &path);
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let responsible = s.responsible_caisse.as_ref().map(|c| c.id.clone());
    let propose = match problems.propose.take() {
        _ if !s.viewer_can.propose_transfer => None,
        Some(form) => Some(form),
        None => match caisses(state, visit).await {
            Ok(list) => Some(transfer_form(
                t,
                lang,
                id,
                &list,
                &responsible.unwrap_or_default(),
            )),
            Err(other) => return failure_page(state, visit, other, &path),
        },
    };
    let check = verification(t, lang, &data.verify_responsibility_record);
    let actions = TransferActions::new(s.pending_transfer.as_ref(), problems, propose, &path);
    let page = ServicePage::new(state, visit, s, check, actions, &path);
    html(status, &page, &visit.set_cookies)
}

/// Whether the responsibility record is intact, in words.
fn verification(t: &Translations, lang: Lang, check: &Verification) -> (bool, String) {
    let text = if check.intact {
        t.count(lang, "record_intact", check.entry_count)
    } else {
        let first = check.first_invalid_entry.as_ref();
        fill(
            t.get(lang, "record_broken"),
            &[
                (
                    "n",
                    &first.map_or_else(|| "?".to_owned(), |e| e.sequence.to_string()),
                ),
                ("problem", check.problem.as_deref().unwrap_or_default()),
            ],
        )
    };
    (check.intact, text)
}

/// The transfer forms the API lets the visitor use, with what a failed attempt left in them.
pub(super) struct TransferActions {
    pub notice: Option<String>,
    pub propose: Option<TransferForm>,
    /// The pending transfer's id, for the receiving caisse's admins.
    pub accept: Option<(String, String)>,
    pub cancel: Option<(String, TextForm)>,
}

impl TransferActions {
    fn new(
        pending: Option<&Pending>,
        problems: ServiceProblems,
        propose: Option<TransferForm>,
        path: &str,
    ) -> Self {
        TransferActions {
            notice: problems.notice,
            propose,
            accept: pending
                .filter(|p| p.viewer_can.accept)
                .map(|p| (format!("{path}/transfer/accept"), p.id.clone())),
            cancel: pending.filter(|p| p.viewer_can.cancel).map(|p| {
                (
                    p.id.clone(),
                    problems.cancel.unwrap_or_else(|| TextForm {
                        action: format!("{path}/transfer/cancel"),
                        ..TextForm::default()
                    }),
                )
            }),
        }
    }
}

impl<'a> ServicePage<'a> {
    fn new(
        state: &'a WebState,
        visit: &Visit,
        s: ServiceData,
        (intact, verification): (bool, String),
        actions: TransferActions,
        path: &str,
    ) -> Self {
        let (t, lang) = (&state.web.translations, visit.lang);
        let responsible = s.responsible_caisse.map(OrgRef::from);
        ServicePage {
            page: chrome(state, visit, s.title.clone(), path),
            status: t
                .get(lang, &format!("service_status_{}", wire(&s.status)))
                .to_owned(),
            description: s.description,
            export_href: responsible.as_ref().map(|c| {
                format!(
                    "/exports/responsibility-record?format=csv&caisse={}",
                    percent(&c.slug)
                )
            }),
            responsible: responsible.map(OrgRef::link),
            facts: vec![
                Fact {
                    label: t.get(lang, "proposal_period").to_owned(),
                    value: period(t, lang, &s.starts_on, s.ends_on.as_deref()),
                },
                Fact {
                    label: t.get(lang, "tool_categories").to_owned(),
                    value: categories(t, lang, &s.categories),
                },
            ],
            participants: s
                .participants
                .into_iter()
                .map(|p| {
                    let role = t
                        .get(lang, &format!("participant_{}", wire(&p.role)))
                        .to_owned();
                    (OrgRef::from(p.organisation).link(), role)
                })
                .collect(),
            proposal: s.proposal.map(|p| Link {
                href: proposal_path(&p.id),
                label: p.title,
            }),
            tools: s
                .tools
                .into_iter()
                .map(|tool| Link {
                    href: format!("/tools/{}", percent(&tool.id)),
                    label: tool.title,
                })
                .collect(),
            intact,
            verification,
            record: record_lines(t, lang, s.responsibility_record.nodes),
            transfers: transfer_lines(t, lang, s.transfers.nodes),
            pending: s.pending_transfer.map(|p| {
                fill(
                    t.get(lang, "transfer_pending"),
                    &[("from", &p.from.name), ("to", &p.to.name)],
                )
            }),
            csrf: visit.csrf.clone(),
            actions,
            title: s.title,
        }
    }
}

fn record_lines(
    t: &Translations,
    lang: Lang,
    entries: Vec<ops::joint_service::JointServiceNodeOnJointServiceResponsibilityRecordNodes>,
) -> Vec<EntryLine> {
    entries
        .into_iter()
        .map(|e| EntryLine {
            sequence: e.sequence,
            caisse: OrgRef::from(e.caisse).link(),
            from: day(t, lang, &e.effective_from),
            recorded: day(t, lang, &e.recorded_at),
            by: e.recorded_by_organisation.name,
            // The words the service recorded for a proposal, in the reader's language.
            reason: match commons_domain::responsibility::accepted_proposal(&e.reason) {
                Some(n) => fill(
                    t.get(lang, "record_reason_proposal_accepted"),
                    &[("n", &n.to_string())],
                ),
                None => e.reason,
            },
            short_hash: e.hash.chars().take(12).collect(),
            hash: e.hash,
        })
        .collect()
}

fn transfer_lines(
    t: &Translations,
    lang: Lang,
    transfers: Vec<ops::joint_service::JointServiceNodeOnJointServiceTransfersNodes>,
) -> Vec<TransferLine> {
    transfers
        .into_iter()
        .map(|x| TransferLine {
            status: t
                .get(lang, &format!("transfer_status_{}", wire(&x.status)))
                .to_owned(),
            reason: match x.cancellation_reason {
                Some(why) => format!("{} — {why}", x.reason),
                None => x.reason,
            },
            date: x
                .resolved_at
                .as_deref()
                .map_or_else(|| day(t, lang, &x.proposed_at), |at| day(t, lang, at)),
            from: x.from.name,
            to: x.to.name,
        })
        .collect()
}

pub async fn propose_transfer(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = service_path(&id);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let caisse = fields.one("caisse");
    let reason = fields.one("reason");
    // The choices again, to show the form as it was sent.
    let caisses = match caisses(&state, &visit).await {
        Ok(list) => list,
        Err(other) => return failure_page(&state, &visit, other, &path),
    };
    let mut form = transfer_form(t, lang, &id, &caisses, "");
    form.reason = reason.clone();
    for c in &mut form.caisses {
        c.selected = !caisse.is_empty() && c.value == caisse;
    }
    let mut problems = ServiceProblems::default();
    if caisse.is_empty() {
        form.caisse_error = Some(t.get(lang, "error_REQUIRED").to_owned());
    }
    if reason.trim().is_empty() {
        form.reason_error = Some(t.get(lang, "error_REQUIRED").to_owned());
    }
    if form.caisse_error.is_none() && form.reason_error.is_none() {
        let input = ops::propose_responsibility_transfer::ProposeResponsibilityTransferInput {
            service_id: id.clone(),
            to_caisse_id: caisse,
            reason,
        };
        let variables = ops::propose_responsibility_transfer::Variables { input };
        match mutate::<ops::ProposeResponsibilityTransfer>(&state, &visit, variables).await {
            Ok(errors) if errors.is_empty() => return see_other(&path, &visit.set_cookies),
            Ok(errors) => {
                for e in &errors {
                    let text = error_text(t, lang, e);
                    if e.concerns("toCaisseId") {
                        form.caisse_error = Some(text);
                    } else if e.concerns("reason") {
                        form.reason_error = Some(text);
                    } else {
                        problems.notice = Some(text);
                    }
                }
            }
            Err(Failure::Input(message)) => form.caisse_error = Some(message),
            Err(Failure::Conflict) => {
                problems.notice = Some(t.get(lang, "conflict_text").to_owned());
            }
            Err(other) => return failure_page(&state, &visit, other, &path),
        }
    }
    problems.propose = Some(form);
    service_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await
}

pub async fn accept_transfer(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = service_path(&id);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let input = ops::accept_responsibility_transfer::AcceptResponsibilityTransferInput {
        transfer_id: fields.one("transfer"),
    };
    let variables = ops::accept_responsibility_transfer::Variables { input };
    let mut problems = ServiceProblems::default();
    match mutate::<ops::AcceptResponsibilityTransfer>(&state, &visit, variables).await {
        Ok(errors) if errors.is_empty() => return see_other(&path, &visit.set_cookies),
        Ok(errors) => {
            problems.notice = errors.first().map(|e| error_text(t, lang, e));
        }
        Err(Failure::Input(message)) => problems.notice = Some(message),
        Err(Failure::Conflict) => problems.notice = Some(t.get(lang, "conflict_text").to_owned()),
        Err(other) => return failure_page(&state, &visit, other, &path),
    }
    service_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await
}

pub async fn cancel_transfer(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = service_path(&id);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let reason = fields.one("reason");
    let mut form = TextForm {
        action: format!("{path}/transfer/cancel"),
        text: reason.clone(),
        error: None,
    };
    let input = ops::cancel_responsibility_transfer::CancelResponsibilityTransferInput {
        transfer_id: fields.one("transfer"),
        reason: optional_text(&reason),
    };
    let variables = ops::cancel_responsibility_transfer::Variables { input };
    let mut problems = ServiceProblems::default();
    match mutate::<ops::CancelResponsibilityTransfer>(&state, &visit, variables).await {
        Ok(errors) if errors.is_empty() => return see_other(&path, &visit.set_cookies),
        Ok(errors) => {
            let (beside, top) = place_errors(t, lang, &errors, "reason");
            form.error = beside;
            problems.notice = top;
        }
        Err(Failure::Input(message)) => problems.notice = Some(message),
        Err(Failure::Conflict) => problems.notice = Some(t.get(lang, "conflict_text").to_owned()),
        Err(other) => return failure_page(&state, &visit, other, &path),
    }
    problems.cancel = Some(form);
    service_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await
}
