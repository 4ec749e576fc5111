//! A proposal's page: what it asks, the caisses' answers, the thread; and the forms to write
//! in the thread, to answer for a caisse it is addressed to, and to withdraw it.

use std::net::SocketAddr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{
    Connection, Fact, ID_BYTES, IdTitle, Link, OrgRef, categories, lang_var, optional_text, param,
    period, proposal_path, query_params, service_path,
};
use crate::http::AppState;
use crate::web::forms::{TextForm, mutate, place_errors, posted};
use crate::web::i18n::{Translations, fill};
use crate::web::pages::{Chrome, Failure, chrome, failure_page, graphql, html, percent, see_other};
use crate::web::tool_page::{Choice, day};
use crate::web::visit::{self, Visit};
use commons_domain::lang::Lang;

/// Messages of a thread on one page, oldest first.
const MESSAGES_PAGE: usize = 50;

#[derive(Deserialize)]
struct ProposalData {
    node: Option<ProposalNode>,
}

/// What the viewer may do with the proposal, as the API says (`viewerCan`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProposalCan {
    respond: bool,
    withdraw: bool,
    post_message: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProposalNode {
    title: String,
    description: String,
    contribution: String,
    region: String,
    starts_on: String,
    ends_on: Option<String>,
    reply_by: String,
    status: String,
    proposer_role: String,
    categories: Vec<String>,
    created_at: String,
    withdrawal_reason: Option<String>,
    proposer: OrgRef,
    targets: Vec<TargetData>,
    tools: Vec<IdTitle>,
    joint_service: Option<IdTitle>,
    messages: Connection<MessageData>,
    viewer_can: ProposalCan,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TargetData {
    caisse: OrgRef,
    response: String,
    message: Option<String>,
    responded_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageData {
    body: String,
    posted_at: String,
    organisation: OrgRef,
    author: Option<UserName>,
}

#[derive(Deserialize)]
struct UserName {
    name: Option<String>,
}

const PROPOSAL: &str = "query($id: ID!, $lang: Lang, $first: Int, $after: String) {
  node(id: $id) { ... on CollaborationProposal {
    viewerCan { respond withdraw postMessage }
    id title(lang: $lang) description(lang: $lang) contribution region startsOn endsOn replyBy
    status proposerRole categories createdAt withdrawalReason
    proposer { id slug name(lang: $lang) }
    targets { response message respondedAt caisse { id slug name(lang: $lang) } }
    tools { id title(lang: $lang) }
    jointService { id title(lang: $lang) }
    messages(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      nodes { body postedAt organisation { id slug name(lang: $lang) } author { name } } }
  } } }";

pub(super) struct TargetLine {
    pub caisse: Link,
    pub response: String,
    pub message: String,
    pub date: String,
}

pub(super) struct MessageLine {
    pub by: String,
    pub date: String,
    pub body: String,
}

/// A caisse's answer: accept or decline, with a note for the proposer.
pub(super) struct AnswerForm {
    pub action: String,
    pub choices: Vec<Choice>,
    pub message: String,
    pub choice_error: Option<String>,
    pub message_error: Option<String>,
}

/// What a failed action left to show on a proposal's page, next to its fields.
#[derive(Default)]
pub(super) struct ProposalProblems {
    post: Option<TextForm>,
    answer: Option<AnswerForm>,
    withdraw: Option<TextForm>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage<'a> {
    page: Chrome<'a>,
    title: String,
    status: String,
    proposer: Link,
    description: String,
    facts: Vec<Fact>,
    withdrawal: Option<String>,
    targets: Vec<TargetLine>,
    tools: Vec<Link>,
    service: Option<Link>,
    messages_heading: String,
    messages: Vec<MessageLine>,
    messages_next: Option<String>,
    csrf: String,
    notice: Option<String>,
    post: Option<TextForm>,
    answer: Option<AnswerForm>,
    withdraw: Option<TextForm>,
}

fn answer_form(t: &Translations, lang: Lang, id: &str) -> AnswerForm {
    AnswerForm {
        action: format!("{}/answer", proposal_path(id)),
        choices: ["accept", "decline"]
            .into_iter()
            .map(|value| Choice {
                value,
                label: t.get(lang, &format!("answer_{value}")).to_owned(),
                checked: false,
            })
            .collect(),
        message: String::new(),
        choice_error: None,
        message_error: None,
    }
}

pub async fn proposal(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = query_params(raw.as_deref());
    let visit = visit::visit(&state, &headers, peer, param(&params, "lang").as_deref()).await;
    let after = param(&params, "after");
    proposal_page(
        &state,
        &visit,
        &id,
        after,
        ProposalProblems::default(),
        StatusCode::OK,
    )
    .await
}

async fn proposal_page(
    state: &AppState,
    visit: &Visit,
    id: &str,
    after: Option<String>,
    problems: ProposalProblems,
    status: StatusCode,
) -> Response {
    let path = proposal_path(id);
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    if id.len() > ID_BYTES {
        return failure_page(state, visit, Failure::NotFound, &path);
    }
    let lang = visit.lang;
    let t = &state.web.translations;
    let variables =
        json!({ "id": id, "lang": lang_var(lang), "first": MESSAGES_PAGE, "after": after });
    let data: ProposalData = match graphql(state, visit, PROPOSAL, variables).await {
        Ok(data) => data,
        Err(Failure::Input(_)) => return failure_page(state, visit, Failure::NotFound, &path),
        Err(other) => return failure_page(state, visit, other, &path),
    };
    let Some(p) = data.node else {
        return failure_page(state, visit, Failure::NotFound, &path);
    };
    let open = p.status == "OPEN";
    let can = &p.viewer_can;
    let mut facts = vec![
        Fact {
            label: t.get(lang, "proposal_role").to_owned(),
            value: t
                .get(lang, &format!("participant_{}", p.proposer_role))
                .to_owned(),
        },
        Fact {
            label: t.get(lang, "proposal_contribution").to_owned(),
            value: p.contribution,
        },
        Fact {
            label: t.get(lang, "proposal_region").to_owned(),
            value: p.region,
        },
        Fact {
            label: t.get(lang, "proposal_period").to_owned(),
            value: period(&p.starts_on, p.ends_on.as_deref()),
        },
        Fact {
            label: t.get(lang, "tool_categories").to_owned(),
            value: categories(t, lang, &p.categories),
        },
        Fact {
            label: t.get(lang, "proposal_made").to_owned(),
            value: day(&p.created_at),
        },
    ];
    if open {
        facts.push(Fact {
            label: t.get(lang, "proposal_reply_by").to_owned(),
            value: day(&p.reply_by),
        });
    }
    let messages = p.messages;
    let page = ProposalPage {
        page: chrome(state, visit, p.title.clone(), &path),
        status: t
            .get(lang, &format!("proposal_status_{}", p.status))
            .to_owned(),
        proposer: Link {
            href: p.proposer.href(),
            label: p.proposer.name,
        },
        description: p.description,
        facts,
        withdrawal: p.withdrawal_reason,
        targets: p
            .targets
            .into_iter()
            .map(|x| TargetLine {
                caisse: Link {
                    href: x.caisse.href(),
                    label: x.caisse.name,
                },
                response: t.get(lang, &format!("response_{}", x.response)).to_owned(),
                message: x.message.unwrap_or_default(),
                date: x.responded_at.as_deref().map(day).unwrap_or_default(),
            })
            .collect(),
        tools: p
            .tools
            .into_iter()
            .map(|tool| Link {
                href: format!("/tools/{}", percent(&tool.id)),
                label: tool.title,
            })
            .collect(),
        service: p.joint_service.map(|s| Link {
            href: service_path(&s.id),
            label: s.title,
        }),
        messages_heading: fill(
            t.get(lang, "thread_title"),
            &[("n", &messages.total_count.to_string())],
        ),
        messages: messages
            .nodes
            .into_iter()
            .map(|m| MessageLine {
                by: match m.author.and_then(|a| a.name) {
                    Some(name) => format!("{name} ({})", m.organisation.name),
                    None => m.organisation.name,
                },
                date: m
                    .posted_at
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .replace('T', " "),
                body: m.body,
            })
            .collect(),
        messages_next: messages.page_info.next_href(&path),
        csrf: visit.csrf.clone(),
        notice: problems.notice,
        post: can.post_message.then(|| {
            problems.post.unwrap_or_else(|| TextForm {
                action: format!("{path}/messages"),
                ..TextForm::default()
            })
        }),
        answer: can
            .respond
            .then(|| problems.answer.unwrap_or_else(|| answer_form(t, lang, id))),
        withdraw: can.withdraw.then(|| {
            problems.withdraw.unwrap_or_else(|| TextForm {
                action: format!("{path}/withdraw"),
                ..TextForm::default()
            })
        }),
        title: p.title,
    };
    html(status, &page, &visit.set_cookies)
}

const POST_MESSAGE: &str = "mutation($input: PostProposalMessageInput!) {
  postProposalMessage(input: $input) { userErrors { field code message } } }";

pub async fn post_message(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = proposal_path(&id);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let text = fields.one("body");
    let mut form = TextForm {
        action: format!("{path}/messages"),
        text: text.clone(),
        error: None,
    };
    let mut problems = ProposalProblems::default();
    if text.trim().is_empty() {
        form.error = Some(t.get(lang, "error_REQUIRED").to_owned());
    } else {
        let input = json!({ "proposalId": id, "body": text });
        match mutate(&state, &visit, POST_MESSAGE, input).await {
            Ok(errors) if errors.is_empty() => {
                return see_other(&format!("{path}#thread"), &visit.set_cookies);
            }
            Ok(errors) => {
                let (beside, top) = place_errors(t, lang, &errors, "body");
                form.error = beside;
                problems.notice = top;
            }
            Err(Failure::Input(message)) => problems.notice = Some(message),
            Err(other) => return failure_page(&state, &visit, other, &path),
        }
    }
    problems.post = Some(form);
    proposal_page(&state, &visit, &id, None, problems, StatusCode::BAD_REQUEST).await
}

const RESPOND: &str = "mutation($input: RespondToProposalInput!) {
  respondToProposal(input: $input) { userErrors { field code message } } }";

pub async fn answer(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = proposal_path(&id);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let choice = fields.one("answer");
    let message = fields.one("message");
    let mut form = answer_form(t, lang, &id);
    form.message = message.clone();
    for c in &mut form.choices {
        c.checked = c.value == choice;
    }
    let mut problems = ProposalProblems::default();
    if choice != "accept" && choice != "decline" {
        form.choice_error = Some(t.get(lang, "error_REQUIRED").to_owned());
    } else {
        let input = json!({
            "proposalId": id,
            "accept": choice == "accept",
            "message": optional_text(&message),
        });
        match mutate(&state, &visit, RESPOND, input).await {
            Ok(errors) if errors.is_empty() => return see_other(&path, &visit.set_cookies),
            Ok(errors) => {
                let (beside, top) = place_errors(t, lang, &errors, "message");
                form.message_error = beside;
                problems.notice = top;
            }
            Err(Failure::Input(message)) => problems.notice = Some(message),
            Err(Failure::Conflict) => {
                problems.notice = Some(t.get(lang, "conflict_text").to_owned());
            }
            Err(other) => return failure_page(&state, &visit, other, &path),
        }
    }
    problems.answer = Some(form);
    proposal_page(&state, &visit, &id, None, problems, StatusCode::BAD_REQUEST).await
}

const WITHDRAW: &str = "mutation($input: WithdrawProposalInput!) {
  withdrawProposal(input: $input) { userErrors { field code message } } }";

pub async fn withdraw(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = proposal_path(&id);
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let reason = fields.one("reason");
    let mut form = TextForm {
        action: format!("{path}/withdraw"),
        text: reason.clone(),
        error: None,
    };
    let mut problems = ProposalProblems::default();
    let input = json!({ "proposalId": id, "reason": optional_text(&reason) });
    match mutate(&state, &visit, WITHDRAW, input).await {
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
    problems.withdraw = Some(form);
    proposal_page(&state, &visit, &id, None, problems, StatusCode::BAD_REQUEST).await
}
