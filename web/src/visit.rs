//! Who is visiting a page, in which language, with which session; and the cookies that carry
//! it. A session is a server-side row (see `service::web_sessions`) behind an `HttpOnly`,
//! `SameSite=Lax` cookie, `Secure` outside loopback.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};

use super::Web;
use super::operations::{self as ops, from_fragment};
use crate::WebState;
use commons_domain::identity::Actor;
use commons_domain::lang::Lang;
use commons_graphql::rate_limit::Caller;
use commons_service::{self as service, ServiceError, web_sessions::Session};

pub(super) const SESSION_COOKIE: &str = "commons_session";
pub(super) const LANG_COOKIE: &str = "commons_lang";
/// The sign-in form's token while nobody is signed in (a double-submit cookie).
pub(super) const CSRF_COOKIE: &str = "commons_csrf";

/// One page request: the language, the caller, the token its forms carry.
pub(super) struct Visit {
    pub lang: Lang,
    /// The cookie's secret and the session it opens.
    pub session: Option<(String, Session)>,
    pub actor: Option<Actor>,
    /// The signed-in visitor's organisation, by its name in the page's language.
    pub organisation: Option<String>,
    /// The signed-in visitor's unread notifications.
    pub unread: i64,
    /// What the visitor may begin, as the API says (nothing for an anonymous visitor).
    pub can: ViewerCan,
    /// Why the header's own query failed, if it did: then `can` says nothing, and a page that
    /// would refuse for it says this instead (busy, timed out, the database lost).
    pub header_failure: Option<super::pages::Failure>,
    /// The token every form of the page carries: the session's, or the sign-in cookie's.
    pub csrf: String,
    /// Cookies the response sets (a new sign-in token, a session that ended).
    pub set_cookies: Vec<String>,
    pub caller: Caller,
}

impl Visit {
    /// Why the visitor may not do what `can` left out: the header's own failure when its query
    /// failed (so a busy or lost server is not mistaken for a refusal), or "not yours to do".
    pub(super) fn refusal(&self) -> super::pages::Failure {
        self.header_failure
            .clone()
            .unwrap_or(super::pages::Failure::Forbidden)
    }
}

/// The value of cookie `name`, if the request sent it.
pub(super) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: always `Path=/`, `HttpOnly`, `SameSite=Lax`; `Secure` when asked.
pub(super) fn set_cookie(web: &Web, name: &str, value: &str, max_age: Option<u64>) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if web.secure_cookies {
        cookie.push_str("; Secure");
    }
    cookie
}

/// A `Set-Cookie` value for `path` only, lasting `max_age` seconds (0: gone).
pub(super) fn set_scoped_cookie(
    web: &Web,
    name: &str,
    value: &str,
    path: &str,
    max_age: u64,
) -> String {
    let mut cookie =
        format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}");
    if web.secure_cookies {
        cookie.push_str("; Secure");
    }
    cookie
}

/// Equal without telling by its timing how much of a guess was right.
pub(super) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The page's language: `?lang=` (a shared address says it), then the one chosen before
/// (cookie), then the browser's, then English.
pub(super) fn language(headers: &HeaderMap, asked: Option<&str>) -> Lang {
    asked
        .and_then(Lang::from_code)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(Lang::from_code))
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(super::i18n::from_accept_language)
        })
        .unwrap_or(Lang::En)
}

/// The session a request's cookie opens and its caller, when both still hold: a session
/// whose organisation or role no longer exists signs nobody in.
async fn open_session(state: &WebState, headers: &HeaderMap) -> Option<(String, Session, Actor)> {
    open(state, headers).await.ok().flatten()
}

/// The session, `Ok(None)` when there is none or it no longer holds, and an error when the
/// database could not say (the cookie is then kept: an outage signs nobody out).
async fn open(
    state: &WebState,
    headers: &HeaderMap,
) -> Result<Option<(String, Session, Actor)>, ServiceError> {
    let Some(secret) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let found = service::web_sessions::find(&state.services, secret).await;
    let session = match found {
        Ok(Some(session)) => session,
        Ok(None) => return Ok(None),
        Err(e) if e.database_unreachable() => return Err(e),
        Err(_) => return Ok(None),
    };
    match service::identity::resolve_actor(&state.services, &session.identity).await {
        Ok(actor) => Ok(Some((secret.to_owned(), session, actor))),
        Err(e) if e.database_unreachable() => Err(e),
        Err(_) => Ok(None),
    }
}

/// The caller a browser's session cookie names, for the downloads its pages link to.
pub async fn session_actor(state: &WebState, headers: &HeaderMap) -> Option<Actor> {
    open_session(state, headers)
        .await
        .map(|(_, _, actor)| actor)
}

/// `viewer.can`: the pages offer an action only when the API would allow it.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ViewerCan {
    pub share_tool: bool,
    pub propose_collaboration: bool,
    pub moderate: bool,
    pub read_evaluations: bool,
    pub publish_evaluations: bool,
    pub give_advice: bool,
}

from_fragment!(
    ViewerCan {
        share_tool,
        propose_collaboration,
        moderate,
        read_evaluations,
        publish_evaluations,
        give_advice
    } <= ops::header::HeaderViewerCan
);

pub(super) async fn visit(
    state: &WebState,
    headers: &HeaderMap,
    peer: SocketAddr,
    asked_lang: Option<&str>,
) -> Visit {
    let web: &Arc<Web> = &state.web;
    let lang = language(headers, asked_lang);
    let mut set_cookies = Vec::new();
    let opened = open(state, headers).await;
    if matches!(opened, Ok(None)) && cookie(headers, SESSION_COOKIE).is_some() {
        set_cookies.push(set_cookie(web, SESSION_COOKIE, "", Some(0)));
    }
    let opened = opened.ok().flatten();
    match opened {
        Some((secret, session, actor)) => {
            let mut visit = Visit {
                lang,
                csrf: session.csrf_token.clone(),
                caller: Caller::of(Some(&actor), peer.ip()),
                session: Some((secret, session)),
                actor: Some(actor),
                organisation: None,
                unread: 0,
                can: ViewerCan::default(),
                header_failure: None,
                set_cookies,
            };
            // The header names the visitor's organisation and counts the unread
            // notifications, asked as every page asks.
            let variables = ops::header::Variables { lang: Some(lang) };
            match super::pages::run::<ops::Header>(state, &visit, variables).await {
                Ok(data) => {
                    if let Some(viewer) = data.viewer {
                        visit.organisation = Some(viewer.organisation.name);
                        visit.unread = viewer.unread_notification_count;
                        visit.can = viewer.can.into();
                    }
                }
                Err(failure) => visit.header_failure = Some(failure),
            }
            visit
        }
        None => {
            let csrf = match cookie(headers, CSRF_COOKIE) {
                Some(token) if token.len() == 43 => token.to_owned(),
                _ => {
                    let token = service::web_sessions::random_token();
                    set_cookies.push(set_cookie(web, CSRF_COOKIE, &token, None));
                    token
                }
            };
            Visit {
                lang,
                session: None,
                actor: None,
                organisation: None,
                unread: 0,
                can: ViewerCan::default(),
                header_failure: None,
                csrf,
                set_cookies,
                caller: Caller::Address(peer.ip()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_read_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; commons_lang=nl; commons_session=xyz"),
        );
        assert_eq!(cookie(&headers, LANG_COOKIE), Some("nl"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn the_address_beats_the_cookie_which_beats_the_browser() {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("de-DE,de;q=0.9"));
        assert_eq!(language(&headers, None), Lang::De);
        headers.insert(COOKIE, HeaderValue::from_static("commons_lang=fr"));
        assert_eq!(language(&headers, None), Lang::Fr);
        assert_eq!(language(&headers, Some("nl")), Lang::Nl);
        assert_eq!(language(&headers, Some("xx")), Lang::Fr);
        assert_eq!(language(&HeaderMap::new(), None), Lang::En);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
    }
}
