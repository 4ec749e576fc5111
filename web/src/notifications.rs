//! `/notifications`: what happened to the visitor's tools and proposals, newest first, with
//! the unread ones marked; all marked read with one form. `/notifications/count` answers the
//! unread count as JSON for the header's script; `/notifications/live` tells that script, as
//! Server-Sent Events, the moment a notification reaches the visitor (the `notificationAdded`
//! subscription of the schema, run in process as the visitor), so the count is live.

use std::convert::Infallible;
use std::net::SocketAddr;

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::json;

use super::i18n::{Translations, fill};
use super::operations::{
    MarkAllRead, NotificationAdded, Notifications, mark_all_read, notification_added,
    notifications, page_info, wire,
};
use super::pages::{
    Chrome, Failure, checked, chrome, failure_page, html, percent, request, run, see_other,
};
use super::tool_page::day;
use super::visit;
use crate::WebState;
use commons_domain::lang::Lang;

/// Notifications on one page.
const NOTIFICATIONS_PAGE: usize = 20;

pub(super) struct NotificationLine {
    pub text: String,
    /// Where it leads; a report's outcome has no page of its own.
    pub href: Option<String>,
    pub title: Option<String>,
    /// A moderator's reason, when the notification is a decision that gives one.
    pub reason: Option<String>,
    pub date: String,
    pub unread: bool,
}

/// What a notification says: for a moderation decision, the decision itself ("approved and
/// published", "changes asked") and its reason, read from the notification's details — and so
/// for a report's outcome and an appeal's; for the other kinds, what happened.
fn said(t: &Translations, lang: Lang, kind: &str, details: &str) -> (String, Option<String>) {
    let general = || {
        t.find(lang, &format!("notification_{kind}"))
            .map_or_else(|| kind.to_owned(), str::to_owned)
    };
    let (prefix, field) = match kind {
        "TOOL_DECISION" => ("notification_decision_", "decision"),
        "REPORT_RESOLVED" => ("notification_report_", "outcome"),
        "APPEAL_DECIDED" => ("notification_appeal_", "outcome"),
        "TRANSLATION_ANSWERED" => ("notification_translation_", "status"),
        _ => return (general(), None),
    };
    let details: serde_json::Value = serde_json::from_str(details).unwrap_or_default();
    let decided = details[field]
        .as_str()
        .and_then(|d| t.find(lang, &format!("{prefix}{d}")))
        .map_or_else(general, str::to_owned);
    // A decision's reason; a report's outcome carries the moderator's as `resolution` (its
    // `reason` is the reporter's own).
    let reason = details[match kind {
        "REPORT_RESOLVED" => "resolution",
        "TRANSLATION_ANSWERED" => "note",
        _ => "reason",
    }]
    .as_str()
    .map(str::trim)
    .filter(|r| !r.is_empty())
    .map(str::to_owned);
    (decided, reason)
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage<'a> {
    page: Chrome<'a>,
    lines: Vec<NotificationLine>,
    next_href: Option<String>,
}

pub async fn list(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let path = "/notifications";
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    let after = url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
        .filter(|a| a.len() <= 200);
    let lang = visit.lang;
    let variables = notifications::Variables {
        lang: Some(lang),
        first: Some(NOTIFICATIONS_PAGE as i64),
        after,
    };
    let data = match run::<Notifications>(&state, &visit, variables).await {
        Ok(data) => data,
        Err(Failure::Input(_)) => return see_other(path, &visit.set_cookies),
        Err(other) => return failure_page(&state, &visit, other, path),
    };
    let t = &state.web.translations;
    let Some(viewer) = data.viewer else {
        return see_other("/sign-in", &visit.set_cookies);
    };
    let connection = viewer.notifications;
    let lines = connection
        .nodes
        .into_iter()
        .map(|n| {
            let (text, reason) = said(t, lang, &wire(&n.kind), &n.details);
            NotificationLine {
                text,
                reason,
                // A proposal or a transfer is shown where `/go/` finds it.
                href: match (&n.tool, wire(&n.kind).as_str()) {
                    (Some(tool), _) => Some(format!("/tools/{}", percent(&tool.id))),
                    (None, "REPORT_RESOLVED") => None,
                    (None, _) => Some(format!("/go/{}", percent(&n.subject_id))),
                },
                title: n.tool.map(|tool| tool.title),
                date: day(t, lang, &n.created_at),
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    let next_href = page_info!(connection.page_info).next_href(path);
    let title = t.get(lang, "notifications_title").to_owned();
    let page = NotificationsPage {
        page: chrome(&state, &visit, title, path),
        lines,
        next_href,
    };
    html(StatusCode::OK, &page, &visit.set_cookies)
}

pub async fn mark_all_read(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let path = "/notifications";
    let csrf = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if let Some(refused) = checked(&state, &visit, &csrf, path) {
        return refused;
    }
    match run::<MarkAllRead>(&state, &visit, mark_all_read::Variables).await {
        Ok(_) => see_other(path, &visit.set_cookies),
        Err(other) => failure_page(&state, &visit, other, path),
    }
}

/// The unread count for the header's script: `{"unread": 3}`, or 401 without a session.
pub async fn count(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let mut response = if visit.session.is_some() {
        Json(json!({
            "unread": visit.unread,
            "label": fill(
                state.web.translations.get(visit.lang, "nav_notifications"),
                &[("n", &visit.unread.to_string())],
            ),
        }))
        .into_response()
    } else {
        (StatusCode::UNAUTHORIZED, Json(json!({ "unread": null }))).into_response()
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// What a live stream holds while it runs: the subscription, its slot among the server's live
/// connections, and the request's cookies to check the session again.
struct LiveStream {
    events: futures_util::stream::BoxStream<'static, async_graphql::Response>,
    check: tokio::time::Interval,
    state: WebState,
    headers: HeaderMap,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

/// `/notifications/live`: an event `notification` each time one reaches the visitor. A live
/// stream takes one of `notifications.websocket_connections` (shared with `/graphql/ws`); every
/// `notifications.websocket_ping_ms` the session is checked again and a comment keeps the
/// connection open, so a stream ends soon after its session does.
pub async fn live(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    if visit.session.is_none() {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    }
    let Ok(slot) = state.live.connections.clone().try_acquire_owned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many live connections").into_response();
    };
    let Ok(subscription) = request::<NotificationAdded>(notification_added::Variables) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    let batch = commons_graphql::prepare(
        async_graphql::BatchRequest::Single(subscription),
        &state.services,
        visit.actor.clone(),
        None,
    );
    let async_graphql::BatchRequest::Single(request) = batch else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    let mut check = tokio::time::interval(state.live.ping);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is now: the session was just checked.
    check.reset();
    let stream = LiveStream {
        events: state.schema.execute_stream(request).boxed(),
        check,
        state: state.clone(),
        headers,
        _slot: slot,
    };
    let events = futures_util::stream::unfold(stream, |mut live| async move {
        tokio::select! {
            next = live.events.next() => match next {
                Some(response) if response.errors.is_empty() => {
                    let event = Event::default().event("notification").data("{}");
                    Some((Ok::<_, Infallible>(event), live))
                }
                // An error (the session's person is gone) or the end of the subscription.
                _ => None,
            },
            _ = live.check.tick() => {
                super::session_actor(&live.state, &live.headers).await?;
                Some((Ok(Event::default().comment("still here")), live))
            }
        }
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}
