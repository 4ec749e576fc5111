//! A proposal's page: what it asks, the caisses' answers, the thread; and the forms to write
//! in the thread, to answer for a caisse it is addressed to, and to withdraw it.

use std::net::SocketAddr;

use super::{
    Fact, ID_BYTES, Link, OrgRef, categories, optional_text, param, period, proposal_path,
    query_params, service_path,
};
use crate::WebState;
use crate::confirmation::{self, Banner};
use crate::forms::{Pick, TextForm, mutate, place_errors, posted};
use crate::i18n::{Translations, fill};
use crate::operations::{self as ops, page_info, wire};
use crate::pages::{Chrome, Failure, chrome, failure_page, html, percent, run, see_other};
use crate::reporting::{self, Filing, ReportForm, ReportTyped, Reporting, report_form};
use crate::tool_page::{Choice, day};
use crate::visit::{self, Visit};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::lang::Lang;

/// Messages of a thread on one page, oldest first.
const MESSAGES_PAGE: usize = 50;

type ProposalData = ops::proposal::ProposalNodeOnCollaborationProposal;

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
    /// Hidden by a moderator: said in its place (with why, to its organisation).
    pub hidden: Option<String>,
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
    /// A report of a message that came back with an error, as typed.
    report: Option<ReportTyped>,
    /// `?done=`: the change just made, confirmed in a banner.
    done: Option<String>,
    answer: Option<AnswerForm>,
    withdraw: Option<TextForm>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage<'a> {
    page: Chrome<'a>,
    banner: Option<Banner>,
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
    report: Option<ReportForm>,
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
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = query_params(raw.as_deref());
    let visit = visit::visit(&state, &headers, peer, param(&params, "lang").as_deref()).await;
    let after = param(&params, "after");
    let problems = ProposalProblems {
        done: param(&params, "done"),
        ..ProposalProblems::default()
    };
    proposal_page(&state, &visit, &id, after, problems, StatusCode::OK).await
}

async fn proposal_page(
    state: &WebState,
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
    let variables = ops::proposal::Variables {
        id: id.to_owned(),
        lang: Some(visit.lang),
        first: Some(MESSAGES_PAGE as i64),
        after: after.clone(),
    };
    let data = match run::<ops::Proposal>(state, visit, variables).await {
        Ok(data) => data,
        Err(Failure::Input(_)) => return failure_page(state, visit, Failure::NotFound, &path),
        Err(other) => return failure_page(state, visit, other, &path),
    };
    let Some(ops::proposal::ProposalNode::CollaborationProposal(p)) = data.node else {
        return failure_page(state, visit, Failure::NotFound, &path);
    };
    let viewer = data.viewer.map(|v| v.organisation.id);
    let page = ProposalPage::new(state, visit, p, viewer.as_deref(), after, problems, &path);
    html(status, &page, &visit.set_cookies)
}

/// What the proposal's page lists as facts: the proposer's role, what it brings, where, when.
fn facts(t: &Translations, lang: Lang, p: &ProposalData) -> Vec<Fact> {
    let open = matches!(p.status, ops::proposal::ProposalStatus::OPEN);
    let mut facts = vec![
        Fact {
            label: t.get(lang, "proposal_role").to_owned(),
            value: t
                .get(lang, &format!("participant_{}", wire(&p.proposer_role)))
                .to_owned(),
        },
        Fact {
            label: t.get(lang, "proposal_contribution").to_owned(),
            value: p.contribution.clone(),
        },
        Fact {
            label: t.get(lang, "proposal_region").to_owned(),
            value: p.region.clone(),
        },
        Fact {
            label: t.get(lang, "proposal_period").to_owned(),
            value: period(t, lang, &p.starts_on, p.ends_on.as_deref()),
        },
        Fact {
            label: t.get(lang, "tool_categories").to_owned(),
            value: categories(t, lang, &p.categories),
        },
        Fact {
            label: t.get(lang, "proposal_made").to_owned(),
            value: day(t, lang, &p.created_at),
        },
    ];
    if open {
        facts.push(Fact {
            label: t.get(lang, "proposal_reply_by").to_owned(),
            value: day(t, lang, &p.reply_by),
        });
    }
    facts
}

impl TargetLine {
    fn new(
        t: &Translations,
        lang: Lang,
        x: ops::proposal::ProposalNodeOnCollaborationProposalTargets,
    ) -> Self {
        TargetLine {
            caisse: OrgRef::from(x.caisse).link(),
            response: t
                .get(lang, &format!("response_{}", wire(&x.response)))
                .to_owned(),
            message: x.message.unwrap_or_default(),
            date: x
                .responded_at
                .as_deref()
                .map(|at| day(t, lang, at))
                .unwrap_or_default(),
        }
    }
}

impl MessageLine {
    fn new(
        t: &Translations,
        lang: Lang,
        m: ops::proposal::ProposalNodeOnCollaborationProposalMessagesNodes,
    ) -> Self {
        MessageLine {
            by: match m.author.and_then(|a| a.name) {
                Some(name) => format!("{name} ({})", m.organisation.name),
                None => m.organisation.name,
            },
            date: posted_at(t, lang, &m.posted_at),
            hidden: m.hidden.then(|| match m.hidden_reason.as_deref() {
                Some(reason) => fill(t.get(lang, "thread_hidden_reason"), &[("reason", reason)]),
                None => t.get(lang, "thread_hidden").to_owned(),
            }),
            body: m.body,
        }
    }
}

/// When a message was posted: the day in words, then the time to the minute (UTC):
/// `1 mars 2026, 14:05` (two messages of a day told apart).
fn posted_at(t: &Translations, lang: Lang, at: &str) -> String {
    format!(
        "{}, {}",
        day(t, lang, at),
        at.get(11..16).unwrap_or_default()
    )
}

/// The report form of a thread: for the messages on the page that others wrote and that are
/// shown; none when there is no such message.
fn message_report_form(
    t: &Translations,
    lang: Lang,
    proposal_id: &str,
    messages: &[ops::proposal::ProposalNodeOnCollaborationProposalMessagesNodes],
    viewer: Option<&str>,
    typed: Option<ReportTyped>,
    after: Option<String>,
) -> Option<ReportForm> {
    let items: Vec<Pick> = messages
        .iter()
        .filter(|m| !m.hidden && Some(m.organisation.id.as_str()) != viewer)
        .map(|m| Pick {
            value: m.id.clone(),
            label: fill(
                t.get(lang, "flag_item_message"),
                &[
                    ("org", &m.organisation.name),
                    ("date", &posted_at(t, lang, &m.posted_at)),
                ],
            ),
            selected: false,
        })
        .collect();
    if items.is_empty() {
        return None;
    }
    let action = format!("{}/report", proposal_path(proposal_id));
    let mut form = report_form(t, lang, Reporting::Message, action, items);
    form.after = after;
    Some(match typed {
        Some(typed) => form.with(typed),
        None => form,
    })
}

impl<'a> ProposalPage<'a> {
    fn new(
        state: &'a WebState,
        visit: &Visit,
        p: ProposalData,
        viewer: Option<&str>,
        after: Option<String>,
        problems: ProposalProblems,
        path: &str,
    ) -> Self {
        let (t, lang) = (&state.web.translations, visit.lang);
        let facts = facts(t, lang, &p);
        let can = &p.viewer_can;
        let messages = p.messages;
        let report = message_report_form(
            t,
            lang,
            &p.id,
            &messages.nodes,
            viewer,
            problems.report,
            after,
        );
        let proposer = OrgRef::from(p.proposer);
        ProposalPage {
            page: chrome(state, visit, p.title.clone(), path),
            banner: confirmation::banner(t, lang, problems.done.as_deref()),
            status: t
                .get(lang, &format!("proposal_status_{}", wire(&p.status)))
                .to_owned(),
            proposer: Link {
                href: proposer.href(),
                label: proposer.name,
            },
            description: p.description,
            facts,
            withdrawal: p.withdrawal_reason,
            targets: p
                .targets
                .into_iter()
                .map(|x| TargetLine::new(t, lang, x))
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
            messages_heading: t.count(lang, "thread_title", messages.total_count),
            messages: messages
                .nodes
                .into_iter()
                .map(|m| MessageLine::new(t, lang, m))
                .collect(),
            messages_next: page_info!(messages.page_info).next_href(path),
            csrf: visit.csrf.clone(),
            notice: problems.notice,
            post: can.post_message.then(|| {
                problems.post.unwrap_or_else(|| TextForm {
                    action: format!("{path}/messages"),
                    ..TextForm::default()
                })
            }),
            answer: can.respond.then(|| {
                problems
                    .answer
                    .unwrap_or_else(|| answer_form(t, lang, &p.id))
            }),
            withdraw: can.withdraw.then(|| {
                problems.withdraw.unwrap_or_else(|| TextForm {
                    action: format!("{path}/withdraw"),
                    ..TextForm::default()
                })
            }),
            report,
            title: p.title,
        }
    }
}

pub async fn post_message(
    State(state): State<WebState>,
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
        let input = ops::post_proposal_message::PostProposalMessageInput {
            proposal_id: id.clone(),
            body: text,
        };
        let variables = ops::post_proposal_message::Variables { input };
        match mutate::<ops::PostProposalMessage>(&state, &visit, variables).await {
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

/// `POST /collaborations/proposals/{id}/report`: a report of one of the thread's messages; back
/// to the thread with a thank-you, or the form again with what was wrong.
pub async fn report(
    State(state): State<WebState>,
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
    // Back to the page of the thread the form was on.
    let after = Some(fields.one("after")).filter(|a| !a.is_empty() && a.len() <= 200);
    let back = match &after {
        Some(a) => format!("{path}?after={}#thread", percent(a)),
        None => format!("{path}#thread"),
    };
    // No message chosen names none: the API refuses it as an ID of nothing.
    match reporting::file(&state, &visit, &fields, "", &back).await {
        Filing::Done(response) => response,
        Filing::Again {
            typed,
            notice,
            status,
        } => {
            let problems = ProposalProblems {
                report: Some(typed),
                notice,
                ..ProposalProblems::default()
            };
            proposal_page(&state, &visit, &id, after, problems, status).await
        }
    }
}

pub async fn answer(
    State(state): State<WebState>,
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
        let input = ops::respond_to_proposal::RespondToProposalInput {
            proposal_id: id.clone(),
            accept: choice == "accept",
            message: optional_text(&message),
        };
        let variables = ops::respond_to_proposal::Variables { input };
        match mutate::<ops::RespondToProposal>(&state, &visit, variables).await {
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

pub async fn withdraw(
    State(state): State<WebState>,
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
    let input = ops::withdraw_proposal::WithdrawProposalInput {
        proposal_id: id.clone(),
        reason: optional_text(&reason),
    };
    let variables = ops::withdraw_proposal::Variables { input };
    match mutate::<ops::WithdrawProposal>(&state, &visit, variables).await {
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
