//! `/collaborations`: the proposals an organisation made or received, each with its thread and
//! the answers of the caisses it is addressed to; the joint services with the caisse
//! responsible for them, their responsibility record checked link by link, and the transfers
//! of responsibility. Every action is one mutation run as the visitor.

mod joint_service;
mod new_proposal;
mod proposal;

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

pub use joint_service::{accept_transfer, cancel_transfer, propose_transfer, service};
pub use new_proposal::{create as create_proposal, form as proposal_form};
pub use proposal::{answer, post_message, proposal, report as report_message, withdraw};

use super::i18n::Translations;
use super::operations::{self as ops, from_fragment, from_wire, page_info, wire};
use super::pages::{
    Chrome, Failure, PageInfoData, chrome, failure_page, html, percent, run, see_other,
};
use super::tool_page::day;
use super::visit::{self, Visit};
use crate::WebState;
use commons_domain::lang::Lang;

/// Proposals and services on one page of the list.
const LIST_PAGE: usize = 20;
/// Longer than any global ID or cursor the API hands out.
const ID_BYTES: usize = 200;

// ---------------------------------------------------------------------------------------
// What the queries answer

/// An organisation as the collaboration pages name and link it (the `OrgRef` fragment).
pub(super) struct OrgRef {
    pub id: String,
    pub slug: String,
    pub name: String,
}

from_fragment!(
    OrgRef { id, slug, name } <= ops::caisses::OrgRef,
    ops::collaboration_list::OrgRef,
    ops::proposal::OrgRef,
    ops::joint_service::OrgRef,
);

impl OrgRef {
    pub(super) fn href(&self) -> String {
        format!("/organisations/{}", percent(&self.slug))
    }

    /// A link to the organisation's page, named.
    pub(super) fn link(self) -> Link {
        Link {
            href: self.href(),
            label: self.name,
        }
    }
}

/// One line of a page's facts: a label and its value.
pub(super) struct Fact {
    pub label: String,
    pub value: String,
}

/// A link to another page.
pub(super) struct Link {
    pub href: String,
    pub label: String,
}

/// A service's period, its days as the page's language writes them.
fn period(t: &Translations, lang: Lang, starts: &str, ends: Option<&str>) -> String {
    let starts = day(t, lang, starts);
    match ends {
        Some(ends) => format!("{starts} – {}", day(t, lang, ends)),
        None => format!("{starts} –"),
    }
}

pub(super) fn categories<C: serde::Serialize>(
    t: &Translations,
    lang: Lang,
    values: &[C],
) -> String {
    values
        .iter()
        .map(|c| t.get(lang, &format!("category_{}", wire(c))).to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Caisses offered on a form: the network has a dozen.
const CAISSES_LISTED: usize = 100;

/// The caisses of the network (at most [`CAISSES_LISTED`]), named in the page's language:
/// those a proposal is addressed to, or a transfer goes to.
async fn caisses(state: &WebState, visit: &Visit) -> Result<Vec<OrgRef>, Failure> {
    let variables = ops::caisses::Variables {
        lang: Some(visit.lang),
        first: Some(CAISSES_LISTED as i64),
    };
    let data = run::<ops::Caisses>(state, visit, variables).await?;
    Ok(data
        .organisations
        .nodes
        .into_iter()
        .map(OrgRef::from)
        .collect())
}

// ---------------------------------------------------------------------------------------
// The list

pub(super) struct ProposalRow {
    pub href: String,
    pub title: String,
    pub proposer: String,
    pub proposer_href: String,
    pub status: String,
    pub answers: String,
    pub date: String,
    /// While answers are awaited.
    pub reply_by: Option<String>,
}

pub(super) struct ServiceRow {
    pub href: String,
    pub title: String,
    pub status: String,
    pub responsible: String,
    pub responsible_href: String,
    pub starts: String,
    pub transfer_pending: bool,
}

/// A tab of the proposals' list: all, received or sent.
pub(super) struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "collaborations.html")]
struct ListPage<'a> {
    page: Chrome<'a>,
    /// "Propose a collaboration", for those the API lets propose one.
    may_propose: bool,
    tabs: Vec<Tab>,
    proposals_total: String,
    proposals: Vec<ProposalRow>,
    proposals_next: Option<String>,
    services_total: String,
    services: Vec<ServiceRow>,
    services_next: Option<String>,
}

fn query_params(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty() && v.len() <= ID_BYTES)
}

/// `path?name=cursor` (and the tab) for the next page of one of the page's lists.
fn next_of(info: PageInfoData, path: &str, name: &str, direction: Option<&str>) -> Option<String> {
    let cursor = info.next_cursor()?;
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(d) = direction {
        query.append_pair("direction", d);
    }
    query.append_pair(name, &cursor);
    Some(format!("{path}?{}", query.finish()))
}

pub async fn list(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = query_params(raw.as_deref());
    let visit = visit::visit(&state, &headers, peer, param(&params, "lang").as_deref()).await;
    let path = "/collaborations";
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    let lang = visit.lang;
    let t = &state.web.translations;
    let direction = param(&params, "direction").filter(|d| d == "RECEIVED" || d == "SENT");
    let variables = ops::collaboration_list::Variables {
        lang: Some(lang),
        first: Some(LIST_PAGE as i64),
        after: param(&params, "after"),
        services_after: param(&params, "services_after"),
        filter: Some(ops::collaboration_list::CollaborationProposalFilter {
            direction: direction.as_deref().and_then(from_wire),
            statuses: Vec::new(),
        }),
    };
    let data = match run::<ops::CollaborationList>(&state, &visit, variables).await {
        Ok(data) => data,
        // A cursor from elsewhere: the first page.
        Err(Failure::Input(_)) => return see_other(path, &visit.set_cookies),
        Err(other) => return failure_page(&state, &visit, other, path),
    };
    let (proposals, services) = (data.collaboration_proposals, data.joint_services);
    let title = t.get(lang, "collab_title").to_owned();
    let page = ListPage {
        page: chrome(&state, &visit, title, path),
        may_propose: visit.can.propose_collaboration,
        tabs: tabs(t, lang, path, direction.as_deref()),
        proposals_total: t.count(lang, "collab_proposals_count", proposals.total_count),
        proposals: proposals
            .nodes
            .into_iter()
            .map(|p| ProposalRow::new(t, lang, p))
            .collect(),
        proposals_next: next_of(
            page_info!(proposals.page_info),
            path,
            "after",
            direction.as_deref(),
        ),
        services_total: t.count(lang, "collab_services_count", services.total_count),
        services: services
            .nodes
            .into_iter()
            .map(|s| ServiceRow::new(t, lang, s))
            .collect(),
        services_next: next_of(page_info!(services.page_info), path, "services_after", None),
    };
    html(StatusCode::OK, &page, &visit.set_cookies)
}

/// The list's tabs: all proposals, those received, those sent.
fn tabs(t: &Translations, lang: Lang, path: &str, direction: Option<&str>) -> Vec<Tab> {
    [
        (None, "collab_all"),
        (Some("RECEIVED"), "collab_received"),
        (Some("SENT"), "collab_sent"),
    ]
    .into_iter()
    .map(|(value, key)| Tab {
        href: value.map_or_else(|| path.to_owned(), |v| format!("{path}?direction={v}")),
        label: t.get(lang, key).to_owned(),
        current: direction == value,
    })
    .collect()
}

impl ProposalRow {
    fn new(
        t: &Translations,
        lang: Lang,
        p: ops::collaboration_list::CollaborationListCollaborationProposalsNodes,
    ) -> Self {
        let answers: Vec<String> = p
            .targets
            .iter()
            .map(|target| {
                let key = format!("response_{}", wire(&target.response));
                format!("{}: {}", target.caisse.name, t.get(lang, &key))
            })
            .collect();
        let proposer = OrgRef::from(p.proposer);
        ProposalRow {
            href: proposal_path(&p.id),
            status: t
                .get(lang, &format!("proposal_status_{}", wire(&p.status)))
                .to_owned(),
            answers: answers.join(" · "),
            proposer_href: proposer.href(),
            proposer: proposer.name,
            date: day(t, lang, &p.created_at),
            reply_by: matches!(p.status, ops::collaboration_list::ProposalStatus::OPEN)
                .then(|| day(t, lang, &p.reply_by)),
            title: p.title,
        }
    }
}

impl ServiceRow {
    fn new(
        t: &Translations,
        lang: Lang,
        s: ops::collaboration_list::CollaborationListJointServicesNodes,
    ) -> Self {
        let responsible = s.responsible_caisse.map(OrgRef::from);
        ServiceRow {
            href: service_path(&s.id),
            status: t
                .get(lang, &format!("service_status_{}", wire(&s.status)))
                .to_owned(),
            responsible_href: responsible.as_ref().map(OrgRef::href).unwrap_or_default(),
            responsible: responsible.map(|c| c.name).unwrap_or_default(),
            starts: day(t, lang, &s.starts_on),
            transfer_pending: s.pending_transfer.is_some(),
            title: s.title,
        }
    }
}

pub(crate) fn proposal_path(id: &str) -> String {
    format!("/collaborations/proposals/{}", percent(id))
}

fn service_path(id: &str) -> String {
    format!("/collaborations/services/{}", percent(id))
}

/// A reason or note: none when nothing was typed.
fn optional_text(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|t| !t.trim().is_empty())
}

// ---------------------------------------------------------------------------------------
// Where a notification's subject is shown

/// `/go/{id}`: the page of whatever a global ID names (a notification's subject, say), or the
/// 404 page when it names nothing the visitor may see.
pub async fn go(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let path = format!("/go/{}", percent(&id));
    if id.len() > ID_BYTES {
        return failure_page(&state, &visit, Failure::NotFound, &path);
    }
    let variables = ops::subject::Variables { id: id.clone() };
    let node = match run::<ops::Subject>(&state, &visit, variables).await {
        Ok(data) => data.node,
        Err(Failure::Input(_)) => None,
        Err(other) => return failure_page(&state, &visit, other, &path),
    };
    use ops::subject::SubjectNode as Node;
    let to = match node {
        Some(Node::Tool(tool)) => Some(format!("/tools/{}", percent(&tool.id))),
        Some(Node::CollaborationProposal(p)) => Some(proposal_path(&p.id)),
        Some(Node::JointService(s)) => Some(service_path(&s.id)),
        Some(Node::ResponsibilityTransfer(x)) => x.joint_service.map(|s| service_path(&s.id)),
        Some(Node::Organisation(o)) => Some(format!("/organisations/{}", percent(&o.slug))),
        _ => None,
    };
    match to {
        Some(to) => see_other(&to, &visit.set_cookies),
        None => failure_page(&state, &visit, Failure::NotFound, &path),
    }
}
