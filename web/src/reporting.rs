//! Reports of problematic content on the pages: a signed-in visitor reports a tool or one of its
//! reviews from the tool's page, a message from a proposal's page; an INASTI moderator resolves
//! the open reports from the moderation page, one item at a time.

use std::net::SocketAddr;

use super::collaborations::proposal_path;
use super::confirmation;
use super::forms::{Fields, Pick, error_text, errors_text, mutate, posted};
use super::i18n::{Translations, fill};
use super::operations::{self as ops, moderation_queue as queue, wire};
use super::pages::{Failure, failure_page, percent, see_other};
use super::tool_page::{Problems, day, tool_page};
use super::visit::Visit;
use crate::WebState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::lang::Lang;

/// The reasons a person may give, in the order the form offers them.
const REASONS: [&str; 6] = [
    "INACCURATE",
    "OUTDATED",
    "HARMFUL",
    "PERSONAL_DATA",
    "COPYRIGHT",
    "OTHER",
];

/// A reason as the API names it (graphql_client's enums are not `Clone`: made anew each time).
fn reason(value: &str) -> Option<ops::report_content::ReportReason> {
    use ops::report_content::ReportReason as R;
    Some(match value {
        "INACCURATE" => R::INACCURATE,
        "OUTDATED" => R::OUTDATED,
        "HARMFUL" => R::HARMFUL,
        "PERSONAL_DATA" => R::PERSONAL_DATA,
        "COPYRIGHT" => R::COPYRIGHT,
        "OTHER" => R::OTHER,
        _ => return None,
    })
}

/// An outcome as the API names it.
fn outcome(value: &str) -> Option<ops::resolve_content_report::ReportOutcome> {
    use ops::resolve_content_report::ReportOutcome as O;
    Some(match value {
        "DISMISS" => O::DISMISS,
        "MARK_OUTDATED" => O::MARK_OUTDATED,
        "WITHDRAW_TOOL" => O::WITHDRAW_TOOL,
        "HIDE_REVIEW" => O::HIDE_REVIEW,
        "HIDE_MESSAGE" => O::HIDE_MESSAGE,
        _ => return None,
    })
}

/// The report form of a tool's page: what is wrong (the tool, or one of its reviews), why, and
/// what the person noticed.
pub(super) struct ReportForm {
    pub action: String,
    pub title: String,
    pub hint: String,
    /// The page of a thread the form was shown on, to come back to.
    pub after: Option<String>,
    pub items: Vec<Pick>,
    pub reasons: Vec<Pick>,
    pub text: String,
    pub error: Option<String>,
    /// Open when it holds an error, or what was typed.
    pub open: bool,
}

/// The items of a tool's report form: the tool, and its readable reviews (`(id, organisation)`).
pub(super) fn tool_items(
    t: &Translations,
    lang: Lang,
    tool_id: &str,
    reviews: &[(String, String)],
) -> Vec<Pick> {
    let mut items = vec![Pick {
        value: tool_id.to_owned(),
        label: t.get(lang, "flag_item_tool").to_owned(),
        selected: true,
    }];
    items.extend(reviews.iter().map(|(id, org)| Pick {
        value: id.clone(),
        label: fill(t.get(lang, "flag_item_review"), &[("org", org)]),
        selected: false,
    }));
    items
}

/// What a report form is about: its title and hint say so.
#[derive(Clone, Copy)]
pub(super) enum Reporting {
    /// A tool or one of its reviews.
    Tool,
    /// A message of a proposal's thread.
    Message,
}

/// A report form posting to `action`, for one of `items` (the first chosen).
pub(super) fn report_form(
    t: &Translations,
    lang: Lang,
    about: Reporting,
    action: String,
    items: Vec<Pick>,
) -> ReportForm {
    let (title, hint) = match about {
        Reporting::Tool => ("flag_title", "flag_hint"),
        Reporting::Message => ("flag_title_message", "flag_hint_message"),
    };
    ReportForm {
        action,
        title: t.get(lang, title).to_owned(),
        hint: t.get(lang, hint).to_owned(),
        after: None,
        items,
        reasons: REASONS
            .iter()
            .map(|r| Pick {
                value: (*r).to_owned(),
                label: t.get(lang, &format!("flag_reason_{r}")).to_owned(),
                selected: false,
            })
            .collect(),
        text: String::new(),
        error: None,
        open: false,
    }
}

/// What became of a posted report form.
pub(super) enum Filing {
    /// Filed: on to the page it came from, with a thank-you.
    Done(Response),
    /// Refused: the form again, as typed, with what was wrong (and a notice beside it).
    Again {
        typed: ReportTyped,
        notice: Option<String>,
        status: StatusCode,
    },
}

/// Files the report a form posted from the page at `path` (`item` as chosen, else
/// `default_item`).
pub(super) async fn file(
    state: &WebState,
    visit: &Visit,
    fields: &Fields,
    default_item: &str,
    path: &str,
) -> Filing {
    let (t, lang) = (&state.web.translations, visit.lang);
    let (item, why, text) = (fields.one("item"), fields.one("reason"), fields.one("text"));
    let mut notice = None;
    let mut error = None;
    let mut status = StatusCode::BAD_REQUEST;
    match reason(&why) {
        None => error = Some(t.get(lang, "error_REQUIRED").to_owned()),
        Some(reason) => {
            let input = ops::report_content::ReportContentInput {
                item_id: if item.is_empty() {
                    default_item.to_owned()
                } else {
                    item.clone()
                },
                reason,
                text: text.clone(),
            };
            let variables = ops::report_content::Variables { input };
            match mutate::<ops::ReportContent>(state, visit, variables).await {
                Ok(errors) if errors.is_empty() => {
                    let done = confirmation::after(path, "reported");
                    return Filing::Done(see_other(&done, &visit.set_cookies));
                }
                Ok(errors) => {
                    for e in &errors {
                        let said = error_text(t, lang, e);
                        if e.concerns("text") {
                            error = Some(said);
                        } else {
                            notice = Some(said);
                        }
                    }
                }
                Err(Failure::Input(message)) => notice = Some(message),
                // A day's reports spent: said beside the form, what was typed kept.
                Err(Failure::RateLimited) => {
                    notice = Some(t.get(lang, "flag_too_many").to_owned());
                    status = StatusCode::TOO_MANY_REQUESTS;
                }
                Err(other) => return Filing::Done(failure_page(state, visit, other, path)),
            }
        }
    }
    Filing::Again {
        typed: ReportTyped {
            item,
            reason: why,
            text,
            error,
        },
        notice,
        status,
    }
}

/// `POST /tools/{id}/report`: the visitor's report of the tool or one of its reviews; back to
/// the tool with a thank-you, or the form again with what was wrong.
pub async fn report(
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
    match file(&state, &visit, &fields, &id, &path).await {
        Filing::Done(response) => response,
        Filing::Again {
            typed,
            notice,
            status,
        } => {
            let problems = Problems {
                report: Some(typed),
                notice,
                ..Problems::default()
            };
            tool_page(&state, &visit, &id, problems, status).await
        }
    }
}

/// What a visitor typed into the report form, kept when it comes back with an error.
#[derive(Default)]
pub(super) struct ReportTyped {
    pub item: String,
    pub reason: String,
    pub text: String,
    pub error: Option<String>,
}

impl ReportForm {
    /// The form as the visitor left it.
    pub(super) fn with(mut self, typed: ReportTyped) -> Self {
        for i in &mut self.items {
            i.selected = i.value == typed.item;
        }
        if !self.items.iter().any(|i| i.selected)
            && let Some(first) = self.items.first_mut()
        {
            first.selected = true;
        }
        for r in &mut self.reasons {
            r.selected = r.value == typed.reason;
        }
        self.text = typed.text;
        self.error = typed.error;
        self.open = true;
        self
    }
}

/// One reported item on the moderation page, its reports, and the form that resolves them.
pub(super) struct ReportGroup {
    pub key: String,
    pub heading: String,
    pub href: Option<String>,
    /// A reported review's words.
    pub quote: Option<String>,
    /// (why, what the person said, who and when)
    pub reports: Vec<(String, String, String)>,
    /// The report the form names: its outcome answers all of the item's.
    pub report: String,
    pub outcomes: Vec<Pick>,
    pub reason: String,
    pub error: Option<String>,
}

/// A moderator's resolution that came back with an error: for which group, what was chosen.
#[derive(Default)]
pub(super) struct ResolveTyped {
    pub first: String,
    pub outcome: String,
    pub reason: String,
    pub error: String,
}

/// The open reports of the moderation page, grouped by item.
pub(super) fn groups(
    t: &Translations,
    lang: Lang,
    queue: queue::ModerationQueueContentReports,
    typed: Option<&ResolveTyped>,
) -> (String, Vec<ReportGroup>) {
    use queue::ReportedKind;
    let count = t.count(lang, "flags_count", queue.open_count);
    let groups = queue
        .groups
        .into_iter()
        .enumerate()
        .map(|(n, g)| {
            let tool_title = g.tool.as_ref().map(|x| x.title.clone()).unwrap_or_default();
            let tool_href = g
                .tool
                .as_ref()
                .map(|x| format!("/tools/{}", percent(&x.id)));
            let (heading, href, quote, outcomes) = match (&g.item_kind, &g.review, &g.message) {
                (ReportedKind::REVIEW, review, _) => (
                    match review {
                        Some(r) => fill(
                            t.get(lang, "flags_review_of"),
                            &[("org", &r.organisation.name), ("tool", &tool_title)],
                        ),
                        None => tool_title,
                    },
                    tool_href,
                    review.as_ref().and_then(|r| r.comment.clone()),
                    vec!["DISMISS", "HIDE_REVIEW"],
                ),
                (ReportedKind::PROPOSAL_MESSAGE, _, message) => {
                    let proposal = g.proposal.as_ref();
                    let title = proposal.map(|p| p.title.clone()).unwrap_or_default();
                    let org = message
                        .as_ref()
                        .map(|m| m.organisation.name.clone())
                        .unwrap_or_default();
                    (
                        fill(
                            t.get(lang, "flags_message_in"),
                            &[("org", &org), ("proposal", &title)],
                        ),
                        proposal.map(|p| format!("{}#thread", proposal_path(&p.id))),
                        message.as_ref().map(|m| m.body.clone()),
                        vec!["DISMISS", "HIDE_MESSAGE"],
                    )
                }
                _ => (
                    tool_title,
                    tool_href,
                    None,
                    vec!["DISMISS", "MARK_OUTDATED", "WITHDRAW_TOOL"],
                ),
            };
            let reports = g
                .reports
                .iter()
                .map(|r| {
                    let by = r
                        .reporter_organisation
                        .as_ref()
                        .map(|o| o.name.clone())
                        .unwrap_or_default();
                    (
                        t.get(lang, &format!("flag_reason_{}", wire(&r.reason)))
                            .to_owned(),
                        r.text.clone(),
                        fill(
                            t.get(lang, "flags_by"),
                            &[("org", &by), ("date", &day(t, lang, &r.created_at))],
                        ),
                    )
                })
                .collect();
            let first = g.reports.first().map(|r| r.id.clone()).unwrap_or_default();
            let typed = typed.filter(|x| x.first == first);
            ReportGroup {
                key: format!("r{n}"),
                heading,
                href,
                quote,
                reports,
                report: first.clone(),
                outcomes: outcomes
                    .into_iter()
                    .map(|o| Pick {
                        value: o.to_owned(),
                        label: t.get(lang, &format!("flag_outcome_{o}")).to_owned(),
                        selected: typed.is_some_and(|x| x.outcome == o),
                    })
                    .collect(),
                reason: typed.map(|x| x.reason.clone()).unwrap_or_default(),
                error: typed.map(|x| x.error.clone()),
            }
        })
        .collect();
    (count, groups)
}

/// `POST /moderation/reports`: a moderator's outcome for one item's reports, dismissed or acted
/// on; either answers all of them at once.
pub async fn resolve(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = "/moderation";
    let (visit, fields) = match posted(&state, &headers, peer, &body, path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let (report, chosen, reason) = (
        fields.one("report"),
        fields.one("outcome"),
        fields.one("reason"),
    );
    let mut typed = ResolveTyped {
        first: report.clone(),
        outcome: chosen.clone(),
        reason: reason.clone(),
        error: String::new(),
    };
    let error = match outcome(&chosen).filter(|_| !report.is_empty()) {
        None => t.get(lang, "error_REQUIRED").to_owned(),
        Some(outcome) => {
            let input = ops::resolve_content_report::ResolveContentReportInput {
                report_id: report,
                outcome,
                reason,
            };
            let variables = ops::resolve_content_report::Variables { input };
            match mutate::<ops::ResolveContentReport>(&state, &visit, variables).await {
                Ok(errors) if errors.is_empty() => {
                    let done = confirmation::after("/moderation#flags-title", "resolved");
                    return see_other(&done, &visit.set_cookies);
                }
                Ok(errors) => errors_text(t, lang, &errors),
                Err(Failure::Input(message)) => message,
                Err(other) => return failure_page(&state, &visit, other, path),
            }
        }
    };
    typed.error = error;
    super::moderation::page(
        &state,
        &visit,
        None,
        None,
        Some(super::moderation::Refused::Report(typed)),
    )
    .await
}
