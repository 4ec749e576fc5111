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

use super::confirmation::{self, Banner};
use super::forms::{Pick, errors_text, mutate, posted};
use super::i18n::{Translations, fill};
use super::operations::{
    MarkAllRead, NotificationAdded, Notifications, SetMailAddress, SetMailPreferences, from_wire,
    mark_all_read, notification_added, notifications, page_info, set_mail_address,
    set_mail_preferences, wire,
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
pub(super) fn said(
    t: &Translations,
    lang: Lang,
    kind: &str,
    details: &str,
) -> (String, Option<String>) {
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
    banner: Option<Banner>,
    lines: Vec<NotificationLine>,
    next_href: Option<String>,
    mail: MailForm,
}

/// How notifications reach the visitor by mail: the address and where it stands, the language,
/// and a delivery per kind.
pub(super) struct MailForm {
    pub status: String,
    pub address: String,
    pub address_was: String,
    /// Whether mail goes to it now: when not (waiting for its link, or stopped), saving it
    /// again sends a new link.
    pub deliverable: bool,
    pub error: Option<String>,
    pub langs: Vec<Pick>,
    /// (kind, its words, the deliveries with the chosen one)
    pub kinds: Vec<(String, String, Vec<Pick>)>,
}

const DELIVERIES: [&str; 3] = ["IMMEDIATE", "WEEKLY", "NONE"];

/// What a visitor typed into the mail form, when it comes back with an error.
#[derive(Default)]
pub(super) struct MailTyped {
    address: String,
    lang: String,
    chosen: Vec<(String, String)>,
    error: String,
}

fn mail_form(
    t: &Translations,
    lang: Lang,
    mail: notifications::NotificationsViewerMail,
    typed: Option<MailTyped>,
) -> MailForm {
    let address = mail.address.clone().unwrap_or_default();
    let status = match (
        &mail.address,
        mail.deliverable,
        &mail.suppressed_at,
        &mail.confirmed_at,
    ) {
        (None, ..) => t.get(lang, "mail_status_none").to_owned(),
        (Some(a), true, ..) => fill(t.get(lang, "mail_status_on"), &[("address", a)]),
        (Some(a), false, Some(_), _) => fill(t.get(lang, "mail_status_stopped"), &[("address", a)]),
        (Some(a), false, None, _) => fill(t.get(lang, "mail_status_waiting"), &[("address", a)]),
    };
    let mail_lang = typed
        .as_ref()
        .map(|x| x.lang.clone())
        .or_else(|| mail.lang.as_ref().map(|l| l.code().to_uppercase()))
        .unwrap_or_else(|| lang.code().to_uppercase());
    let langs = Lang::ALL
        .iter()
        .map(|l| {
            let code = l.code().to_uppercase();
            Pick {
                label: t.get(lang, &format!("lang_{code}")).to_owned(),
                selected: code == mail_lang,
                value: code,
            }
        })
        .collect();
    let kinds = mail
        .preferences
        .iter()
        .map(|p| {
            let kind = wire(&p.kind);
            let chosen = typed
                .as_ref()
                .and_then(|x| {
                    x.chosen
                        .iter()
                        .find(|(k, _)| *k == kind)
                        .map(|(_, d)| d.clone())
                })
                .unwrap_or_else(|| wire(&p.delivery));
            let picks = DELIVERIES
                .iter()
                .map(|d| Pick {
                    value: (*d).to_owned(),
                    label: t.get(lang, &format!("mail_delivery_{d}")).to_owned(),
                    selected: chosen == *d,
                })
                .collect();
            let words = t.get(lang, &format!("notification_{kind}")).to_owned();
            (kind, words, picks)
        })
        .collect();
    MailForm {
        status,
        address: typed
            .as_ref()
            .map_or(address.clone(), |x| x.address.clone()),
        address_was: address,
        deliverable: mail.deliverable,
        error: typed.map(|x| x.error).filter(|e| !e.is_empty()),
        langs,
        kinds,
    }
}

pub async fn list(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let param = |name: &str| {
        url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .filter(|a| a.len() <= 200)
    };
    let (after, done) = (param("after"), param("done"));
    notifications_page(&state, &visit, after, done, None, StatusCode::OK).await
}

async fn notifications_page(
    state: &WebState,
    visit: &visit::Visit,
    after: Option<String>,
    done: Option<String>,
    typed: Option<MailTyped>,
    status: StatusCode,
) -> Response {
    let path = "/notifications";
    if visit.session.is_none() {
        return see_other("/sign-in", &visit.set_cookies);
    }
    let lang = visit.lang;
    let variables = notifications::Variables {
        lang: Some(lang),
        first: Some(NOTIFICATIONS_PAGE as i64),
        after,
    };
    let data = match run::<Notifications>(state, visit, variables).await {
        Ok(data) => data,
        Err(Failure::Input(_)) => return see_other(path, &visit.set_cookies),
        Err(other) => return failure_page(state, visit, other, path),
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
        page: chrome(state, visit, title, path),
        banner: confirmation::banner(t, lang, done.as_deref()),
        lines,
        next_href,
        mail: mail_form(t, lang, viewer.mail, typed),
    };
    html(status, &page, &visit.set_cookies)
}

/// `POST /notifications/mail`: an address entered (a link confirms it), the language of mail
/// and a delivery per kind; back with a banner, or the form again with what was wrong.
pub async fn save_mail(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = "/notifications";
    let (visit, fields) = match posted(&state, &headers, peer, &body, path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let (t, lang) = (&state.web.translations, visit.lang);
    let mail_lang = from_wire::<Lang>(&fields.one("lang")).unwrap_or(lang);
    let mut typed = MailTyped {
        address: fields.one("address"),
        lang: fields.one("lang"),
        chosen: Vec::new(),
        error: String::new(),
    };
    let mut preferences = Vec::new();
    for (key, value) in fields.pairs() {
        let Some(kind) = key.strip_prefix("kind_") else {
            continue;
        };
        typed.chosen.push((kind.to_owned(), value.clone()));
        if let (Some(kind), Some(delivery)) = (from_wire(kind), from_wire(value)) {
            preferences.push(set_mail_preferences::MailPreferenceInput { kind, delivery });
        }
    }
    let address = typed.address.trim().to_owned();
    let outcome = async {
        // A new address, or the same one not going (waiting for its link, or stopped after a
        // bounce): a new link is sent to it.
        let again = fields.one("deliverable") != "true";
        if !address.is_empty() && (address != fields.one("address_was") || again) {
            let input = set_mail_address::SetMailAddressInput {
                address: address.clone(),
                lang: mail_lang,
            };
            let variables = set_mail_address::Variables { input };
            let errors = mutate::<SetMailAddress>(&state, &visit, variables).await?;
            if !errors.is_empty() {
                return Ok(errors_text(t, lang, &errors));
            }
        }
        let input = set_mail_preferences::SetMailPreferencesInput {
            preferences,
            lang: Some(mail_lang),
        };
        let variables = set_mail_preferences::Variables { input };
        let errors = mutate::<SetMailPreferences>(&state, &visit, variables).await?;
        Ok(errors_text(t, lang, &errors))
    };
    let (error, status) = match outcome.await {
        Ok(error) if error.is_empty() => {
            let done = confirmation::after("/notifications#mail", "mail_saved");
            return see_other(&done, &visit.set_cookies);
        }
        Ok(error) => (error, StatusCode::BAD_REQUEST),
        Err(Failure::Input(message)) => (message, StatusCode::BAD_REQUEST),
        Err(Failure::RateLimited) => (
            t.get(lang, "mail_too_many").to_owned(),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(other) => return failure_page(&state, &visit, other, path),
    };
    typed.error = error;
    notifications_page(&state, &visit, None, None, Some(typed), status).await
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
