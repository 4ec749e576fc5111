//! A joint service's page: the caisse responsible for it, its participants, its
//! responsibility record with the result of checking its hash chain, and its transfers; the
//! forms to propose a transfer, accept it or cancel it.

use std::net::SocketAddr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{
    Connection, Fact, ID_BYTES, IdTitle, Link, OrgRef, caisses, categories, lang_var,
    optional_text, param, period, proposal_path, query_params, service_path,
};
use crate::http::AppState;
use crate::web::forms::{Pick, TextForm, error_text, mutate, place_errors, posted};
use crate::web::i18n::{Translations, fill};
use crate::web::pages::{Chrome, Failure, chrome, failure_page, graphql, html, percent, see_other};
use crate::web::tool_page::day;
use crate::web::visit::{self, Visit};
use commons_domain::lang::Lang;

/// Entries of a record and transfers shown on a service's page.
const RECORD_SHOWN: usize = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceData {
    node: Option<ServiceNode>,
    verify_responsibility_record: VerificationData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceNode {
    title: String,
    description: String,
    status: String,
    starts_on: String,
    ends_on: Option<String>,
    categories: Vec<String>,
    responsible_caisse: Option<OrgRef>,
    participants: Vec<ParticipantData>,
    proposal: Option<IdTitle>,
    tools: Vec<IdTitle>,
    responsibility_record: Connection<EntryData>,
    transfers: Connection<TransferData>,
    pending_transfer: Option<PendingData>,
    viewer_can: ServiceCan,
}

/// What the viewer may do with the service, as the API says (`viewerCan`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceCan {
    propose_transfer: bool,
}

#[derive(Deserialize)]
struct ParticipantData {
    role: String,
    organisation: OrgRef,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryData {
    sequence: i64,
    caisse: OrgRef,
    effective_from: String,
    reason: String,
    recorded_at: String,
    recorded_by_organisation: OrgRef,
    hash: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransferData {
    status: String,
    reason: String,
    from: OrgRef,
    to: OrgRef,
    proposed_at: String,
    resolved_at: Option<String>,
    cancellation_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PendingData {
    id: String,
    from: OrgRef,
    to: OrgRef,
    viewer_can: TransferCan,
}

/// What the viewer may do with the pending transfer, as the API says.
#[derive(Deserialize)]
struct TransferCan {
    accept: bool,
    cancel: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerificationData {
    intact: bool,
    entry_count: i64,
    problem: Option<String>,
    first_invalid_entry: Option<SequenceOnly>,
}

#[derive(Deserialize)]
struct SequenceOnly {
    sequence: i64,
}

const SERVICE: &str = "query($id: ID!, $lang: Lang, $first: Int) {
  node(id: $id) { ... on JointService {
    viewerCan { proposeTransfer }
    id title(lang: $lang) description(lang: $lang) status startsOn endsOn categories
    responsibleCaisse { id slug name(lang: $lang) }
    participants { role organisation { id slug name(lang: $lang) } }
    proposal { id title(lang: $lang) }
    tools { id title(lang: $lang) }
    responsibilityRecord(first: $first) { totalCount pageInfo { hasNextPage endCursor }
      nodes { sequence effectiveFrom reason recordedAt hash caisse { id slug name(lang: $lang) }
        recordedByOrganisation { id slug name(lang: $lang) } } }
    transfers(first: $first) { totalCount pageInfo { hasNextPage endCursor }
      nodes { status reason proposedAt resolvedAt cancellationReason
        from { id slug name(lang: $lang) } to { id slug name(lang: $lang) } } }
    pendingTransfer { id viewerCan { accept cancel }
      from { id slug name(lang: $lang) } to { id slug name(lang: $lang) } }
  } }
  verifyResponsibilityRecord(serviceId: $id) { intact entryCount problem firstInvalidEntry { sequence } } }";

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
    notice: Option<String>,
    propose: Option<TransferForm>,
    /// The pending transfer's id, for the receiving caisse's admins.
    accept: Option<(String, String)>,
    cancel: Option<(String, TextForm)>,
}

pub async fn service(
    State(state): State<AppState>,
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
    state: &AppState,
    visit: &Visit,
    id: &str,
    problems: ServiceProblems,
    status: StatusCode,
) -> Response {
    let path = service_path(id);
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    if id.len() > ID_BYTES {
        return failure_page(state, visit, Failure::NotFound, &path);
    }
    let lang = visit.lang;
    let t = &state.web.translations;
    let variables = json!({
        "id": id,
        "lang": lang_var(lang),
        "first": RECORD_SHOWN,
    });
    let data: ServiceData = match graphql(state, visit, SERVICE, variables).await {
        Ok(data) => data,
        Err(Failure::Input(_)) => return failure_page(state, visit, Failure::NotFound, &path),
        Err(other) => return failure_page(state, visit, other, &path),
    };
    let Some(s) = data.node else {
        return failure_page(state, visit, Failure::NotFound, &path);
    };
    let check = data.verify_responsibility_record;
    let verification = if check.intact {
        fill(
            t.get(lang, "record_intact"),
            &[("n", &check.entry_count.to_string())],
        )
    } else {
        fill(
            t.get(lang, "record_broken"),
            &[
                (
                    "n",
                    &check
                        .first_invalid_entry
                        .map(|e| e.sequence.to_string())
                        .unwrap_or_else(|| "?".to_owned()),
                ),
                ("problem", check.problem.as_deref().unwrap_or_default()),
            ],
        )
    };
    let responsible_id = s
        .responsible_caisse
        .as_ref()
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let pending = s.pending_transfer;
    // The caisses to choose from are asked only of those who may propose a transfer.
    let propose = match problems.propose {
        _ if !s.viewer_can.propose_transfer => None,
        Some(form) => Some(form),
        None => match caisses(state, visit).await {
            Ok(list) => Some(transfer_form(t, lang, id, &list, &responsible_id)),
            Err(other) => return failure_page(state, visit, other, &path),
        },
    };
    let accept = pending
        .as_ref()
        .filter(|p| p.viewer_can.accept)
        .map(|p| (format!("{path}/transfer/accept"), p.id.clone()));
    let cancel = pending.as_ref().filter(|p| p.viewer_can.cancel).map(|p| {
        (
            p.id.clone(),
            problems.cancel.unwrap_or_else(|| TextForm {
                action: format!("{path}/transfer/cancel"),
                ..TextForm::default()
            }),
        )
    });
    let export_href = s.responsible_caisse.as_ref().map(|c| {
        format!(
            "/exports/responsibility-record?format=csv&caisse={}",
            percent(&c.slug)
        )
    });
    let page = ServicePage {
        page: chrome(state, visit, s.title.clone(), &path),
        status: t
            .get(lang, &format!("service_status_{}", s.status))
            .to_owned(),
        description: s.description,
        responsible: s.responsible_caisse.map(|c| Link {
            href: c.href(),
            label: c.name,
        }),
        facts: vec![
            Fact {
                label: t.get(lang, "proposal_period").to_owned(),
                value: period(&s.starts_on, s.ends_on.as_deref()),
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
                (
                    Link {
                        href: p.organisation.href(),
                        label: p.organisation.name,
                    },
                    t.get(lang, &format!("participant_{}", p.role)).to_owned(),
                )
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
        intact: check.intact,
        verification,
        record: s
            .responsibility_record
            .nodes
            .into_iter()
            .map(|e| EntryLine {
                sequence: e.sequence,
                caisse: Link {
                    href: e.caisse.href(),
                    label: e.caisse.name,
                },
                from: day(&e.effective_from),
                recorded: day(&e.recorded_at),
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
            .collect(),
        export_href,
        transfers: s
            .transfers
            .nodes
            .into_iter()
            .map(|x| TransferLine {
                status: t
                    .get(lang, &format!("transfer_status_{}", x.status))
                    .to_owned(),
                reason: match x.cancellation_reason {
                    Some(why) => format!("{} — {why}", x.reason),
                    None => x.reason,
                },
                date: x
                    .resolved_at
                    .as_deref()
                    .map_or_else(|| day(&x.proposed_at), day),
                from: x.from.name,
                to: x.to.name,
            })
            .collect(),
        pending: pending.as_ref().map(|p| {
            fill(
                t.get(lang, "transfer_pending"),
                &[("from", &p.from.name), ("to", &p.to.name)],
            )
        }),
        csrf: visit.csrf.clone(),
        notice: problems.notice,
        propose,
        accept,
        cancel,
        title: s.title,
    };
    html(status, &page, &visit.set_cookies)
}

const PROPOSE_TRANSFER: &str = "mutation($input: ProposeResponsibilityTransferInput!) {
  proposeResponsibilityTransfer(input: $input) { userErrors { field code message } } }";

pub async fn propose_transfer(
    State(state): State<AppState>,
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
        let input = json!({ "serviceId": id, "toCaisseId": caisse, "reason": reason });
        match mutate(&state, &visit, PROPOSE_TRANSFER, input).await {
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

const ACCEPT_TRANSFER: &str = "mutation($input: AcceptResponsibilityTransferInput!) {
  acceptResponsibilityTransfer(input: $input) { userErrors { field code message } } }";

pub async fn accept_transfer(
    State(state): State<AppState>,
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
    let input = json!({ "transferId": fields.one("transfer") });
    let mut problems = ServiceProblems::default();
    match mutate(&state, &visit, ACCEPT_TRANSFER, input).await {
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

const CANCEL_TRANSFER: &str = "mutation($input: CancelResponsibilityTransferInput!) {
  cancelResponsibilityTransfer(input: $input) { userErrors { field code message } } }";

pub async fn cancel_transfer(
    State(state): State<AppState>,
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
    let input = json!({ "transferId": fields.one("transfer"), "reason": optional_text(&reason) });
    let mut problems = ServiceProblems::default();
    match mutate(&state, &visit, CANCEL_TRANSFER, input).await {
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
