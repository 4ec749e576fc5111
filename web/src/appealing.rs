//! Appeals on the pages: on a tool's page, the organisation a decision went against contests it
//! with a statement; on the moderation page, another moderator upholds or overturns it.

use std::net::SocketAddr;

use super::confirmation;
use super::forms::{Pick, errors_text, mutate, posted};
use super::i18n::{Translations, fill};
use super::moderation::Refused;
use super::operations::{self as ops, moderation_queue as queue, tool_page as page_ops, wire};
use super::pages::{Failure, failure_page, percent, see_other};
use super::tool_page::{Problems, day, tool_page};
use crate::WebState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use commons_domain::lang::Lang;

/// A decision the visitor's organisation may contest, and the form that does.
pub(super) struct AppealForm {
    pub action: String,
    pub decision: String,
    /// The decision in words, its date and its reason.
    pub said: String,
    pub statement: String,
    pub error: Option<String>,
}

/// An appeal that came back with an error, as typed.
#[derive(Default)]
pub(super) struct AppealTyped {
    pub decision: String,
    pub statement: String,
    pub error: String,
}

/// What a decision says, in words: "Rejected (revision 2), 7 December 2026: the reason".
fn decision_said(
    t: &Translations,
    lang: Lang,
    (action, revision, at): (&str, i64, &str),
    reason: Option<&str>,
) -> String {
    let mut said = format!(
        "{}, {}",
        decided(t, lang, action, revision),
        day(t, lang, at)
    );
    if let Some(reason) = reason {
        said.push_str(t.get(lang, "colon"));
        said.push(' ');
        said.push_str(reason);
    }
    said
}

/// A decision of the moderation log in words: "Rejected (revision 2)".
pub(super) fn decided(t: &Translations, lang: Lang, action: &str, revision: i64) -> String {
    fill(
        t.get(lang, &format!("decided_{action}")),
        &[("n", &revision.to_string())],
    )
}

/// A moderator's decision on an appeal that came back with an error, as typed.
#[derive(Default)]
pub(super) struct DecideTyped {
    pub appeal: String,
    pub outcome: String,
    pub reason: String,
    pub error: String,
}

/// The forms for the decisions of the log the visitor may appeal.
pub(super) fn appeal_forms(
    t: &Translations,
    lang: Lang,
    tool_id: &str,
    decisions: &[page_ops::ToolPageModerationLogNodes],
    typed: Option<AppealTyped>,
) -> Vec<AppealForm> {
    decisions
        .iter()
        // Offered while the API says so; kept, with its error, when an attempt just failed.
        .filter(|d| d.viewer_can_appeal || typed.as_ref().is_some_and(|x| x.decision == d.id))
        .map(|d| {
            let mine = typed.as_ref().filter(|x| x.decision == d.id);
            let said = decision_said(
                t,
                lang,
                (&wire(&d.action), d.revision, &d.decided_at),
                d.reason.as_deref(),
            );
            AppealForm {
                action: format!("/tools/{}/appeal", percent(tool_id)),
                decision: d.id.clone(),
                said,
                statement: mine.map(|x| x.statement.clone()).unwrap_or_default(),
                error: mine.map(|x| x.error.clone()),
            }
        })
        .collect()
}

/// An appeal's standing, for the decision's line in the log (its organisation and moderators).
pub(super) fn appeal_status(
    t: &Translations,
    lang: Lang,
    appeal: Option<&page_ops::ToolPageModerationLogNodesAppeal>,
) -> Option<String> {
    let appeal = appeal?;
    Some(match &appeal.outcome {
        None => t.get(lang, "appeal_status_waiting").to_owned(),
        Some(o) => {
            let said = t
                .get(lang, &format!("appeal_status_{}", wire(o)))
                .to_owned();
            match &appeal.reason {
                Some(r) => format!("{said}{} {r}", t.get(lang, "colon")),
                None => said,
            }
        }
    })
}

/// `POST /tools/{id}/appeal`: the visitor's organisation contests a decision; back to the tool
/// with a confirmation, or the form again with what was wrong.
pub async fn appeal(
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
    let (t, lang) = (&state.web.translations, visit.lang);
    let (decision, statement) = (fields.one("decision"), fields.one("statement"));
    let input = ops::appeal_decision::AppealDecisionInput {
        decision_id: decision.clone(),
        statement: statement.clone(),
    };
    let variables = ops::appeal_decision::Variables { input };
    let mut problems = Problems::default();
    let error = match mutate::<ops::AppealDecision>(&state, &visit, variables).await {
        Ok(errors) if errors.is_empty() => {
            let done = confirmation::after(&path, "appealed");
            return see_other(&done, &visit.set_cookies);
        }
        Ok(errors) => errors_text(t, lang, &errors),
        Err(Failure::Input(message)) => message,
        Err(other) => return failure_page(&state, &visit, other, &path),
    };
    problems.appeal = Some(AppealTyped {
        decision,
        statement,
        error,
    });
    tool_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await
}

/// One appeal waiting on the moderation page, and the form that decides it.
pub(super) struct AppealEntry {
    pub key: String,
    pub id: String,
    pub href: Option<String>,
    pub title: String,
    /// The decision in words, its date and its reason.
    pub decision: String,
    pub statement: String,
    pub by: String,
    pub outcomes: Vec<Pick>,
    pub reason: String,
    pub error: Option<String>,
}

const OUTCOMES: [&str; 2] = ["UPHELD", "OVERTURNED"];

/// The appeals waiting, for the moderation page.
pub(super) fn entries(
    t: &Translations,
    lang: Lang,
    appeals: queue::ModerationQueueAppeals,
    typed: Option<&DecideTyped>,
) -> (String, Vec<AppealEntry>) {
    let count = t.count(lang, "appeals_count", appeals.total_count);
    let list = appeals
        .nodes
        .into_iter()
        .enumerate()
        .map(|(n, a)| {
            let mine = typed.filter(|x| x.appeal == a.id);
            let d = &a.decision;
            let decision = decision_said(
                t,
                lang,
                (&wire(&d.action), d.revision, &d.decided_at),
                d.reason.as_deref(),
            );
            let org = a
                .appellant_organisation
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default();
            AppealEntry {
                key: format!("a{n}"),
                href: a
                    .tool
                    .as_ref()
                    .map(|x| format!("/tools/{}", percent(&x.id))),
                title: a.tool.map(|x| x.title).unwrap_or_default(),
                decision,
                statement: a.statement,
                by: fill(
                    t.get(lang, "flags_by"),
                    &[("org", &org), ("date", &day(t, lang, &a.filed_at))],
                ),
                outcomes: OUTCOMES
                    .iter()
                    .map(|o| Pick {
                        value: (*o).to_owned(),
                        label: t.get(lang, &format!("appeal_outcome_{o}")).to_owned(),
                        selected: mine.is_some_and(|x| x.outcome == *o),
                    })
                    .collect(),
                reason: mine.map(|x| x.reason.clone()).unwrap_or_default(),
                error: mine.map(|x| x.error.clone()),
                id: a.id,
            }
        })
        .collect();
    (count, list)
}

/// `POST /moderation/appeals`: a moderator upholds or overturns an appeal.
pub async fn decide(
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
    let (appeal, chosen, reason) = (
        fields.one("appeal"),
        fields.one("outcome"),
        fields.one("reason"),
    );
    use ops::decide_appeal::AppealOutcome as O;
    let outcome = match chosen.as_str() {
        "UPHELD" => Some(O::UPHELD),
        "OVERTURNED" => Some(O::OVERTURNED),
        _ => None,
    };
    let error = match outcome.filter(|_| !appeal.is_empty()) {
        None => t.get(lang, "error_REQUIRED").to_owned(),
        Some(outcome) => {
            let input = ops::decide_appeal::DecideAppealInput {
                appeal_id: appeal.clone(),
                outcome,
                reason: reason.clone(),
            };
            let variables = ops::decide_appeal::Variables { input };
            match mutate::<ops::DecideAppeal>(&state, &visit, variables).await {
                Ok(errors) if errors.is_empty() => {
                    let done = confirmation::after("/moderation#appeals-title", "appeal_decided");
                    return see_other(&done, &visit.set_cookies);
                }
                Ok(errors) => errors_text(t, lang, &errors),
                Err(Failure::Input(message)) => message,
                Err(other) => return failure_page(&state, &visit, other, path),
            }
        }
    };
    let typed = DecideTyped {
        appeal,
        outcome: chosen,
        reason,
        error,
    };
    super::moderation::page(&state, &visit, None, None, Some(Refused::Appeal(typed))).await
}
