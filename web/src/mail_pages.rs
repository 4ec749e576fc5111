//! The links of mail: `/mail/confirm` (an entered address confirmed: a page that asks, then the
//! click) and `/mail/unsubscribe` (a message's kind stopped: the page's button, or the mail
//! client's one-click POST of RFC 8058, which carries no cookie and needs none — the signed
//! token is the authority, and it can only stop mail).

use std::net::SocketAddr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::forms::Fields;
use super::operations::{
    ConfirmMailAddress, UnsubscribeMail, confirm_mail_address, unsubscribe_mail,
};
use super::pages::{Chrome, Failure, chrome, failure_page, html, run};
use super::visit;
use crate::WebState;

pub(super) struct LinkForm {
    pub action: String,
    pub token: String,
    pub button: String,
}

#[derive(Template)]
#[template(path = "mail_link.html")]
struct MailLinkPage<'a> {
    page: Chrome<'a>,
    heading: String,
    text: String,
    form: Option<LinkForm>,
}

/// A token from the address's query (`?token=`), bounded.
fn token_of(raw: Option<&str>) -> String {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .filter(|t| t.len() <= 200)
        .unwrap_or_default()
}

fn page(
    state: &WebState,
    visit: &visit::Visit,
    path: &str,
    (heading, text): (&str, &str),
    form: Option<LinkForm>,
    status: StatusCode,
) -> Response {
    let t = &state.web.translations;
    let lang = visit.lang;
    let heading = t.get(lang, heading).to_owned();
    let page = MailLinkPage {
        page: chrome(state, visit, heading.clone(), path),
        heading,
        text: t.get(lang, text).to_owned(),
        form,
    };
    html(status, &page, &visit.set_cookies)
}

/// `GET /mail/confirm?token=…`: asks before confirming (a link scanner does not confirm).
pub async fn confirm_form(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let token = token_of(raw.as_deref());
    let button = state
        .web
        .translations
        .get(visit.lang, "mail_confirm_button");
    let form = LinkForm {
        action: "/mail/confirm".into(),
        token,
        button: button.to_owned(),
    };
    let words = ("mail_confirm_title", "mail_confirm_ask");
    page(
        &state,
        &visit,
        "/mail/confirm",
        words,
        Some(form),
        StatusCode::OK,
    )
}

/// `POST /mail/confirm`: the address is confirmed, or the link was spent or has expired. No
/// session or CSRF token is asked: the link is often opened in another browser than the one
/// signed in, the token is the authority, and all it does is confirm the address it was sent
/// to.
pub async fn confirm(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = "/mail/confirm";
    let visit = visit::visit(&state, &headers, peer, None).await;
    let fields = Fields::parse(&body);
    let variables = confirm_mail_address::Variables {
        token: fields.one("token").chars().take(64).collect(),
    };
    match run::<ConfirmMailAddress>(&state, &visit, variables).await {
        Ok(data) if data.confirm_mail_address.done => page(
            &state,
            &visit,
            path,
            ("mail_confirmed_title", "mail_confirmed_text"),
            None,
            StatusCode::OK,
        ),
        Ok(_) | Err(Failure::Input(_)) => page(
            &state,
            &visit,
            path,
            ("mail_link_bad_title", "mail_link_bad_text"),
            None,
            StatusCode::BAD_REQUEST,
        ),
        Err(other) => failure_page(&state, &visit, other, path),
    }
}

/// `GET /mail/unsubscribe?token=…`: a button that stops this kind of message.
pub async fn unsubscribe_form(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let token = token_of(raw.as_deref());
    let button = state
        .web
        .translations
        .get(visit.lang, "mail_unsubscribe_button");
    let form = LinkForm {
        action: format!(
            "/mail/unsubscribe?token={}",
            url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
        ),
        token,
        button: button.to_owned(),
    };
    let words = ("mail_unsubscribe_title", "mail_unsubscribe_ask");
    page(
        &state,
        &visit,
        "/mail/unsubscribe",
        words,
        Some(form),
        StatusCode::OK,
    )
}

/// `POST /mail/unsubscribe?token=…`: the one-click unsubscribe (RFC 8058; the body says
/// `List-Unsubscribe=One-Click`) or the page's button; no session or CSRF token: the signed
/// token is the authority, and all it can do is stop mail.
pub async fn unsubscribe(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let path = "/mail/unsubscribe";
    let visit = visit::visit(&state, &headers, peer, None).await;
    let variables = unsubscribe_mail::Variables {
        token: token_of(raw.as_deref()),
    };
    match run::<UnsubscribeMail>(&state, &visit, variables).await {
        Ok(data) if data.unsubscribe_mail.done => page(
            &state,
            &visit,
            path,
            ("mail_unsubscribed_title", "mail_unsubscribed_text"),
            None,
            StatusCode::OK,
        ),
        Ok(_) | Err(Failure::Input(_)) => page(
            &state,
            &visit,
            path,
            ("mail_link_bad_title", "mail_link_bad_text"),
            None,
            StatusCode::BAD_REQUEST,
        ),
        Err(other) => failure_page(&state, &visit, other, path),
    }
}
