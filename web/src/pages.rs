//! The pages: each asks the GraphQL schema what it shows, with the visitor's identity, and
//! renders it in the visitor's language.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use async_graphql::{BatchRequest, BatchResponse, Variables};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::i18n::{Translations, fill};
use super::visit::{self, CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE, Visit, same_token, set_cookie};
use graphql_client::GraphQLQuery;

use super::operations::{self as ops, from_wire, page_info, wire};
use crate::WebState;
use commons_domain::identity::{Identity, Role};
use commons_domain::lang::Lang;
use commons_domain::organisation::OrganisationKind;
use commons_domain::tool::{ServiceCategory, ToolKind};
use commons_graphql::RequestBudget;
use commons_graphql::error::ErrorCode;
use commons_service as service;

/// No script or style from elsewhere, no inline script, no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
     img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Results on a search page.
const PAGE_SIZE: usize = 10;
/// Organisations listed on the development sign-in page.
const SIGN_IN_ORGANISATIONS: usize = 100;

/// What every page shows around its content: the header, the language links, the footer.
pub(super) struct Chrome<'a> {
    translations: &'a Translations,
    pub lang: Lang,
    pub title: String,
    pub css: String,
    pub js: String,
    pub csrf: String,
    /// "Acerta — staff" when signed in.
    pub signed_in: Option<String>,
    /// The moderation queue in the header, for moderators.
    pub moderator: bool,
    /// The year evaluations in the header, for INASTI's officers and the CGG.
    pub evaluations: bool,
    /// "Share a tool" in the header, for those the API lets create one.
    pub share_tool: bool,
    /// The signed-in visitor's organisation page.
    pub organisation_href: Option<String>,
    /// A "Sign in" link: the development sign-in or an identity provider.
    pub offers_sign_in: bool,
    /// "Notifications (3)" in the header.
    pub notifications: String,
    pub languages: Vec<LanguageLink>,
}

pub(super) struct LanguageLink {
    pub code: &'static str,
    pub name: String,
    pub href: String,
    pub current: bool,
}

impl<'a> Chrome<'a> {
    pub fn t(&self, key: &'a str) -> &'a str {
        self.translations.get(self.lang, key)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}

pub(super) fn chrome<'a>(
    state: &'a WebState,
    visit: &Visit,
    title: String,
    path: &str,
) -> Chrome<'a> {
    let web = &state.web;
    let t = &web.translations;
    let signed_in = visit.session.as_ref().map(|(_, session)| {
        let role = session
            .identity
            .roles
            .iter()
            .map(|r| t.get(visit.lang, &format!("role_{r}")).to_owned())
            .collect::<Vec<_>>()
            .join(", ");
        let org = visit
            .organisation
            .as_deref()
            .unwrap_or(&session.identity.organisation_slug);
        fill(
            t.get(visit.lang, "signed_in_as"),
            &[("org", org), ("role", &role)],
        )
    });
    let back = without_lang(path);
    let languages = Lang::ALL
        .into_iter()
        .map(|lang| LanguageLink {
            code: lang.code(),
            name: t.get(lang, "language_name").to_owned(),
            href: format!(
                "/language/{}?{}",
                lang.code(),
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("back", &back)
                    .finish()
            ),
            current: lang == visit.lang,
        })
        .collect();
    Chrome {
        translations: t,
        lang: visit.lang,
        title,
        css: web.assets.url("css"),
        js: web.assets.url("js"),
        csrf: visit.csrf.clone(),
        signed_in,
        moderator: visit.can.moderate,
        evaluations: visit.can.read_evaluations,
        share_tool: visit.can.share_tool,
        organisation_href: visit
            .session
            .as_ref()
            .map(|(_, s)| format!("/organisations/{}", percent(&s.identity.organisation_slug))),
        offers_sign_in: web.dev_sign_in || web.oidc.is_some(),
        notifications: fill(
            t.get(visit.lang, "nav_notifications"),
            &[("n", &visit.unread.to_string())],
        ),
        languages,
    }
}

/// The address without its `lang` parameter: where a language link sends the visitor back.
fn without_lang(path_and_query: &str) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return path.to_owned();
    }
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &kept {
        out.append_pair(k, v);
    }
    format!("{path}?{}", out.finish())
}

/// A rendered page with the headers every page carries.
pub(super) fn html(status: StatusCode, page: &impl Template, set_cookies: &[String]) -> Response {
    match page.render() {
        Ok(body) => {
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            headers.insert(
                "content-security-policy",
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            );
            headers.insert(
                "x-content-type-options",
                HeaderValue::from_static("nosniff"),
            );
            headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
            // Pages differ by who asks: no shared cache keeps them.
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
            add_cookies(&mut response, set_cookies);
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "a page did not render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

fn add_cookies(response: &mut Response, cookies: &[String]) {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
}

pub(super) fn see_other(to: &str, set_cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(LOCATION, location);
    }
    add_cookies(&mut response, set_cookies);
    response
}

/// Whether a form that changes something may go on: `None` when the visitor is signed in and
/// the form carries the session's token; otherwise the answer to give (a form from elsewhere
/// carries no valid token, and without a session the visitor is sent to sign in).
pub(super) fn checked(state: &WebState, visit: &Visit, csrf: &str, path: &str) -> Option<Response> {
    match &visit.session {
        Some((_, session)) if same_token(&session.csrf_token, csrf) => None,
        Some(_) => Some(message(
            state,
            visit,
            StatusCode::FORBIDDEN,
            "error_title",
            "form_expired",
            path,
        )),
        None => Some(see_other("/sign-in", &visit.set_cookies)),
    }
}

/// For a form worth keeping (a tool, a proposal): `Ok(false)` when its token is right,
/// `Ok(true)` when a signed-in visitor's token has gone stale on one of this site's own pages
/// (the form is shown again with what they typed and a fresh token, nothing done). Anything
/// else is refused as `checked` refuses it: the sign-in page, or the expired-form page. A
/// stale form from elsewhere (a sibling site, which `SameSite=Lax` still sends the cookie
/// from) is never filled in again with what it sent.
pub(super) fn stale_form(
    state: &WebState,
    visit: &Visit,
    headers: &HeaderMap,
    csrf: &str,
    path: &str,
) -> Result<bool, Box<Response>> {
    if let Some((_, session)) = &visit.session
        && same_token(&session.csrf_token, csrf)
    {
        return Ok(false);
    }
    let same_origin = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"same-origin");
    match checked(state, visit, csrf, path) {
        Some(_) if visit.session.is_some() && same_origin => Ok(true),
        Some(refused) => Err(Box::new(refused)),
        None => Ok(false),
    }
}

/// Why a page could not show what it asked for.
#[derive(Clone, Debug)]
pub(super) enum Failure {
    /// Bad input the visitor can fix: shown next to the field it concerns.
    Input(String),
    NotFound,
    /// Not yours to do, or not signed in.
    Forbidden,
    /// Someone else's change came first (`CONFLICT`).
    Conflict,
    RateLimited,
    TimedOut,
    /// The database could not be reached: an outage, 503 for the proxy's sake.
    Unavailable,
    Internal,
}

/// Runs one of the pages' operations ([`super::operations`]) in process as the visitor, as
/// [`execute`] does: its typed answer, or why there is none.
pub(super) async fn run<Q: GraphQLQuery>(
    state: &WebState,
    visit: &Visit,
    variables: Q::Variables,
) -> Result<Q::ResponseData, Failure> {
    execute::<Q>(state, visit, request::<Q>(variables)?).await
}

/// The in-process request of one of the pages' operations.
pub(super) fn request<Q: GraphQLQuery>(
    variables: Q::Variables,
) -> Result<async_graphql::Request, Failure> {
    let body = Q::build_query(variables);
    let variables = serde_json::to_value(&body.variables).map_err(|_| Failure::Internal)?;
    Ok(async_graphql::Request::new(body.query)
        .operation_name(body.operation_name)
        .variables(Variables::from_json(variables)))
}

/// Runs the prepared request of the operation `Q` (one that carries an uploaded file, say) as
/// [`run`] does, under the same limits as `/graphql` (complexity, depth, the caller's query
/// budget, the request timeout).
pub(super) async fn execute<Q: GraphQLQuery>(
    state: &WebState,
    visit: &Visit,
    request: async_graphql::Request,
) -> Result<Q::ResponseData, Failure> {
    let budget = state.limiter.clone().map(|limiter| {
        Arc::new(RequestBudget {
            limiter,
            caller: visit.caller.clone(),
            refused: std::sync::Mutex::new(None),
        })
    });
    let batch = commons_graphql::prepare(
        BatchRequest::Single(request),
        &state.services,
        visit.actor.clone(),
        budget.clone(),
    );
    let timeout = Duration::from_millis(state.limits.request_timeout_ms);
    let response = match tokio::time::timeout(timeout, state.schema.execute_batch(batch)).await {
        Ok(BatchResponse::Single(response)) => response,
        Ok(BatchResponse::Batch(_)) => return Err(Failure::Internal),
        Err(_) => return Err(Failure::TimedOut),
    };
    if budget.is_some_and(|b| b.refused.lock().is_ok_and(|r| r.is_some())) {
        return Err(Failure::RateLimited);
    }
    if let Some(error) = response.errors.first() {
        let code = error
            .extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .and_then(|v| match v {
                async_graphql::Value::String(s) => ErrorCode::from_code(s),
                _ => None,
            });
        return Err(match code {
            Some(ErrorCode::NotFound) => Failure::NotFound,
            Some(ErrorCode::Forbidden | ErrorCode::Unauthenticated) => Failure::Forbidden,
            Some(ErrorCode::Conflict) => Failure::Conflict,
            Some(ErrorCode::RateLimited) => Failure::RateLimited,
            Some(ErrorCode::Timeout) => Failure::TimedOut,
            Some(ErrorCode::Unavailable) => Failure::Unavailable,
            // An error without a code is the schema's own (a variable out of range, say).
            Some(ErrorCode::BadUserInput) | None => Failure::Input(error.message.clone()),
            Some(ErrorCode::Internal) => {
                tracing::warn!(message = %error.message, "a page's operation failed");
                Failure::Internal
            }
        });
    }
    let data = response.data.into_json().map_err(|_| Failure::Internal)?;
    serde_json::from_value(data).map_err(|e| {
        tracing::error!(error = %e, "a page's query answered an unexpected shape");
        Failure::Internal
    })
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    page: Chrome<'a>,
    heading: String,
    text: String,
}

pub(super) fn message(
    state: &WebState,
    visit: &Visit,
    status: StatusCode,
    heading_key: &'static str,
    text_key: &'static str,
    path: &str,
) -> Response {
    let t = &state.web.translations;
    let heading = t.get(visit.lang, heading_key).to_owned();
    let page = MessagePage {
        page: chrome(state, visit, heading.clone(), path),
        heading,
        text: t.get(visit.lang, text_key).to_owned(),
    };
    let mut response = html(status, &page, &visit.set_cookies);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(1));
    }
    response
}

pub(super) fn failure_page(
    state: &WebState,
    visit: &Visit,
    failure: Failure,
    path: &str,
) -> Response {
    match failure {
        Failure::NotFound => message(
            state,
            visit,
            StatusCode::NOT_FOUND,
            "not_found_title",
            "not_found_text",
            path,
        ),
        Failure::Forbidden => message(
            state,
            visit,
            StatusCode::FORBIDDEN,
            "forbidden_title",
            "forbidden_text",
            path,
        ),
        Failure::Conflict => message(
            state,
            visit,
            StatusCode::CONFLICT,
            "conflict_title",
            "conflict_text",
            path,
        ),
        Failure::RateLimited => message(
            state,
            visit,
            StatusCode::TOO_MANY_REQUESTS,
            "error_title",
            "error_text",
            path,
        ),
        Failure::TimedOut => message(
            state,
            visit,
            StatusCode::GATEWAY_TIMEOUT,
            "error_title",
            "error_text",
            path,
        ),
        Failure::Unavailable => message(
            state,
            visit,
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable_title",
            "unavailable_text",
            path,
        ),
        Failure::Input(_) | Failure::Internal => message(
            state,
            visit,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error_title",
            "error_text",
            path,
        ),
    }
}

/// Any address nothing else answers: the 404 page for a browser, the API's error for others.
pub async fn not_found(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let wants_html = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !wants_html {
        return commons_graphql::error::failure(
            commons_graphql::error::ErrorCode::NotFound,
            "not found",
        );
    }
    let visit = visit::visit(&state, &headers, peer, None).await;
    let path = uri.path().to_owned();
    failure_page(&state, &visit, Failure::NotFound, &path)
}

// ---------------------------------------------------------------------------------------
// The search page

/// A connection's `pageInfo`.
pub(super) struct PageInfoData {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

impl PageInfoData {
    /// The cursor of the next page, when there is one.
    pub(super) fn next_cursor(self) -> Option<String> {
        self.end_cursor.filter(|_| self.has_next_page)
    }

    /// The address of the next page of a list shown at `path` (`?after=` its end cursor).
    pub(super) fn next_href(self, path: &str) -> Option<String> {
        let cursor = self.next_cursor()?;
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("after", &cursor)
            .finish();
        Some(format!("{path}?{query}"))
    }
}

type FoundTools = ops::search_tools::SearchToolsSearchTools;

/// What a search page was asked, from its address.
#[derive(Default)]
struct SearchParams {
    q: String,
    sort: String,
    after: Option<String>,
    kinds: Vec<String>,
    categories: Vec<String>,
    languages: Vec<String>,
    lang: Option<String>,
    /// Leave out tools that may be out of date.
    current: bool,
}

impl SearchParams {
    fn parse(raw: Option<&str>) -> Self {
        let mut p = SearchParams::default();
        let known_kinds: Vec<&str> = ToolKind::ALL.iter().map(|k| k.as_str()).collect();
        let known_categories: Vec<&str> = ServiceCategory::ALL.iter().map(|c| c.as_str()).collect();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let value = value.into_owned();
            // Only values the API knows, each once: an address cannot make a filter longer
            // than the lists of kinds, categories and languages.
            match key.as_ref() {
                "q" => p.q = value,
                "sort"
                    if ["RELEVANCE", "CURRENT_FIRST", "NEWEST", "MOST_ADOPTED"]
                        .contains(&value.as_str()) =>
                {
                    p.sort = value
                }
                "after" if !value.is_empty() && value.len() <= 200 => p.after = Some(value),
                "kind" if known_kinds.contains(&value.as_str()) && !p.kinds.contains(&value) => {
                    p.kinds.push(value)
                }
                "category"
                    if known_categories.contains(&value.as_str())
                        && !p.categories.contains(&value) =>
                {
                    p.categories.push(value)
                }
                "language"
                    if Lang::from_code(&value).is_some()
                        && !p.languages.contains(&value.to_uppercase()) =>
                {
                    p.languages.push(value.to_uppercase())
                }
                "lang" => p.lang = Some(value),
                "current" => p.current = value == "1",
                _ => {}
            }
        }
        if p.sort.is_empty() {
            p.sort = "RELEVANCE".into();
        }
        p
    }

    /// This search's address, with another page (`after`) or none.
    fn href(&self, after: Option<&str>) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            out.append_pair("q", &self.q);
        }
        for k in &self.kinds {
            out.append_pair("kind", k);
        }
        for c in &self.categories {
            out.append_pair("category", c);
        }
        for l in &self.languages {
            out.append_pair("language", l);
        }
        if self.current {
            out.append_pair("current", "1");
        }
        if self.sort != "RELEVANCE" {
            out.append_pair("sort", &self.sort);
        }
        if let Some(after) = after {
            out.append_pair("after", after);
        }
        let query = out.finish();
        if query.is_empty() {
            "/".into()
        } else {
            format!("/?{query}")
        }
    }

    fn filtered(&self) -> bool {
        !(self.kinds.is_empty()
            && self.categories.is_empty()
            && self.languages.is_empty()
            && !self.current)
    }
}

pub(super) struct Hit {
    pub href: String,
    /// HTML: the API escapes the text and marks the matched words with `<b>`.
    pub title_html: String,
    pub passage_html: String,
    pub kind: String,
    /// The tool's status when it is not published (a draft, rejected, withdrawn…).
    pub status: Option<String>,
    /// Past its review date: it may be out of date.
    pub outdated: bool,
    pub owner: String,
    pub fallback: Option<String>,
    pub files: Vec<FileMatch>,
}

pub(super) struct FileMatch {
    pub title: String,
    pub href: String,
    pub passage_html: String,
}

pub(super) struct FacetGroup {
    pub legend: String,
    pub name: &'static str,
    pub options: Vec<FacetOption>,
}

pub(super) struct FacetOption {
    pub id: String,
    pub value: String,
    pub label: String,
    pub count: i64,
    pub checked: bool,
}

pub(super) struct SortOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    page: Chrome<'a>,
    q: String,
    sorts: Vec<SortOption>,
    /// The API's answer to bad input, next to the search box.
    error: Option<String>,
    searched: bool,
    total: String,
    unmatched: Option<String>,
    hits: Vec<Hit>,
    facets: Vec<FacetGroup>,
    filtered: bool,
    /// The filter "leave out tools that may be out of date" is on.
    current: bool,
    clear_href: String,
    next_href: Option<String>,
    first_href: Option<String>,
}

pub async fn search(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = SearchParams::parse(raw.as_deref());
    let visit = visit::visit(&state, &headers, peer, params.lang.as_deref()).await;
    let path = params.href(params.after.as_deref());
    let mut page = SearchPage::new(&state, &visit, &params, &path);
    match run::<ops::SearchTools>(&state, &visit, params.variables(visit.lang)).await {
        Ok(data) => {
            page.found(
                &state.web.translations,
                visit.lang,
                &params,
                data.search_tools,
            );
            html(StatusCode::OK, &page, &visit.set_cookies)
        }
        Err(Failure::Input(message)) => {
            page.error = Some(message);
            html(StatusCode::BAD_REQUEST, &page, &visit.set_cookies)
        }
        Err(other) => failure_page(&state, &visit, other, &path),
    }
}

impl SearchParams {
    /// The search as the API takes it, in the page's language.
    fn variables(&self, lang: Lang) -> ops::search_tools::Variables {
        ops::search_tools::Variables {
            q: Some(self.q.clone()),
            f: Some(ops::search_tools::SearchFilter {
                kinds: self.kinds.iter().filter_map(|k| from_wire(k)).collect(),
                categories: self
                    .categories
                    .iter()
                    .filter_map(|c| from_wire(c))
                    .collect(),
                languages: self
                    .languages
                    .iter()
                    .filter_map(|l| Lang::from_code(l))
                    .collect(),
                audiences: Vec::new(),
                owners: Vec::new(),
                exclude_outdated: self.current,
            }),
            lang: Some(lang),
            sort: from_wire(&self.sort),
            after: self.after.clone(),
            first: Some(PAGE_SIZE as i64),
        }
    }
}

impl<'a> SearchPage<'a> {
    /// The page before the API answers: the search box, the sorts, the links that stay.
    fn new(state: &'a WebState, visit: &Visit, params: &SearchParams, path: &str) -> Self {
        let (t, lang) = (&state.web.translations, visit.lang);
        let sorts = [
            ("RELEVANCE", "sort_relevance"),
            ("CURRENT_FIRST", "sort_current_first"),
            ("NEWEST", "sort_newest"),
            ("MOST_ADOPTED", "sort_most_adopted"),
        ]
        .into_iter()
        .map(|(value, key)| SortOption {
            value,
            label: t.get(lang, key).to_owned(),
            selected: params.sort == value,
        })
        .collect();
        let title = if params.q.is_empty() {
            t.get(lang, "search_title").to_owned()
        } else {
            format!("{} — {}", params.q, t.get(lang, "search_title"))
        };
        SearchPage {
            page: chrome(state, visit, title, path),
            q: params.q.clone(),
            sorts,
            error: None,
            searched: false,
            total: String::new(),
            unmatched: None,
            hits: Vec::new(),
            facets: Vec::new(),
            filtered: params.filtered(),
            current: params.current,
            clear_href: SearchParams {
                q: params.q.clone(),
                sort: params.sort.clone(),
                ..Default::default()
            }
            .href(None),
            next_href: None,
            first_href: params.after.as_ref().map(|_| params.href(None)),
        }
    }

    /// What the API found: the count, the words nothing holds, the hits and the facets.
    fn found(&mut self, t: &Translations, lang: Lang, params: &SearchParams, found: FoundTools) {
        self.searched = true;
        self.total = t.count(lang, "results_count", found.total_count);
        if !found.unmatched_words.is_empty() {
            self.unmatched = Some(fill(
                t.get(lang, "unmatched_words"),
                &[("words", &found.unmatched_words.join(", "))],
            ));
        }
        self.hits = found
            .edges
            .into_iter()
            .map(|edge| Hit::new(t, lang, edge.node))
            .collect();
        let facets = found.facets;
        self.facets = vec![
            facet_group(
                t,
                lang,
                ("facet_kinds", "kind", "kind"),
                facets.kinds,
                &params.kinds,
            ),
            facet_group(
                t,
                lang,
                ("facet_categories", "category", "category"),
                facets.categories,
                &params.categories,
            ),
            facet_group(
                t,
                lang,
                ("facet_languages", "language", "lang"),
                facets.languages,
                &params.languages,
            ),
        ];
        self.next_href = page_info!(found.page_info)
            .next_cursor()
            .map(|cursor| params.href(Some(&cursor)));
    }
}

impl Hit {
    fn new(
        t: &Translations,
        lang: Lang,
        hit: ops::search_tools::SearchToolsSearchToolsEdgesNode,
    ) -> Self {
        let shown = hit.highlights.lang;
        Hit {
            href: format!("/tools/{}", percent(&hit.tool.id)),
            title_html: hit.highlights.title,
            passage_html: super::markdown::passage_without_marks(&hit.highlights.text),
            kind: t
                .get(lang, &format!("kind_{}", wire(&hit.tool.kind)))
                .to_owned(),
            outdated: hit.tool.review_overdue,
            // Only its owner and moderators find a tool that is not published: marked so.
            status: (!matches!(hit.tool.status, ops::search_tools::ToolStatus::PUBLISHED)).then(
                || {
                    t.get(lang, &format!("status_{}", wire(&hit.tool.status)))
                        .to_owned()
                },
            ),
            owner: hit.tool.owner.name,
            fallback: (shown != lang).then(|| {
                fill(
                    t.get(lang, "fallback_marker"),
                    &[("lang", t.get(lang, &format!("lang_{}", wire(&shown))))],
                )
            }),
            files: hit
                .matched_attachments
                .into_iter()
                .map(|m| FileMatch {
                    title: m.attachment.title,
                    href: m.attachment.url,
                    passage_html: m.text,
                })
                .collect(),
        }
    }
}

/// One facet's options with their counts, those chosen checked.
fn facet_group(
    t: &Translations,
    lang: Lang,
    (legend, name, prefix): (&str, &'static str, &str),
    counts: Vec<ops::search_tools::Facet>,
    chosen: &[String],
) -> FacetGroup {
    FacetGroup {
        legend: t.get(lang, legend).to_owned(),
        name,
        options: counts
            .into_iter()
            .map(|c| FacetOption {
                id: format!("{name}-{}", c.value.to_lowercase()),
                label: t.get(lang, &format!("{prefix}_{}", c.value)).to_owned(),
                checked: chosen.contains(&c.value),
                value: c.value,
                count: c.count,
            })
            .collect(),
    }
}

pub(super) fn percent(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

// ---------------------------------------------------------------------------------------
// Signing in and out, the language

pub(super) struct SignInChoice {
    pub slug: String,
    pub name: String,
    pub roles: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    page: Chrome<'a>,
    error: Option<String>,
    organisations: Vec<SignInChoice>,
}

async fn sign_in_page(state: &WebState, visit: &Visit, error: Option<String>) -> Response {
    let path = "/sign-in";
    if !state.web.dev_sign_in {
        return message(
            state,
            visit,
            StatusCode::NOT_FOUND,
            "signin_title",
            "signin_unavailable",
            path,
        );
    }
    let lang = visit.lang;
    let variables = ops::sign_in_organisations::Variables {
        lang: Some(lang),
        first: Some(SIGN_IN_ORGANISATIONS as i64),
    };
    let data = match run::<ops::SignInOrganisations>(state, visit, variables).await {
        Ok(data) => data,
        Err(other) => return failure_page(state, visit, other, path),
    };
    let t = &state.web.translations;
    let organisations = data
        .organisations
        .nodes
        .into_iter()
        .map(|o| {
            let kind = wire(&o.kind).parse::<OrganisationKind>().ok();
            let roles = Role::ALL
                .iter()
                .filter(|r| kind.is_some_and(|k| r.fits(k)))
                .map(|r| {
                    let key = format!("role_{}", r.as_str());
                    let role_name = t.get(lang, &key);
                    (
                        r.as_str().to_owned(),
                        fill(t.get(lang, "signin_as"), &[("role", role_name)]),
                    )
                })
                .collect();
            SignInChoice {
                slug: o.slug,
                name: o.name,
                roles,
            }
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    let page = SignInPage {
        page: chrome(state, visit, t.get(lang, "signin_title").to_owned(), path),
        error,
        organisations,
    };
    html(status, &page, &visit.set_cookies)
}

pub async fn sign_in_form(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    if let Some(oidc) = &state.web.oidc {
        // Off to the identity provider, with what its answer must match in a cookie.
        let pending = super::oidc::Pending::new();
        return match oidc.authorization_url(&pending).await {
            Ok(url) => {
                let mut cookies = visit.set_cookies.clone();
                cookies.push(visit::set_scoped_cookie(
                    &state.web,
                    OIDC_COOKIE,
                    &pending.cookie_value(),
                    "/sign-in",
                    OIDC_PENDING_SECONDS,
                ));
                see_other(&url, &cookies)
            }
            Err(e) => {
                tracing::warn!(error = %e, "sign-in through the identity provider failed");
                message(
                    &state,
                    &visit,
                    StatusCode::BAD_GATEWAY,
                    "signin_title",
                    "signin_provider_down",
                    "/sign-in",
                )
            }
        };
    }
    sign_in_page(&state, &visit, None).await
}

/// The sign-in cookie of a sign-in under way at the identity provider.
const OIDC_COOKIE: &str = "commons_oidc";
/// How long a person may take at the identity provider.
const OIDC_PENDING_SECONDS: u64 = 600;

/// Where the identity provider sends the browser back: the code is traded for an ID token,
/// checked against what the sign-in cookie kept, and a session starts.
pub async fn sign_in_callback(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let visit = visit::visit(&state, &headers, peer, None).await;
    let Some(oidc) = &state.web.oidc else {
        return failure_page(&state, &visit, Failure::NotFound, "/sign-in/callback");
    };
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
            .take(16)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| v.len() <= 2048)
    };
    // The sign-in cookie has served, whatever comes next.
    let mut cookies = vec![visit::set_scoped_cookie(
        &state.web,
        OIDC_COOKIE,
        "",
        "/sign-in",
        0,
    )];
    let pending = visit::cookie(&headers, OIDC_COOKIE).and_then(super::oidc::Pending::from_cookie);
    let refused = |why: &str| {
        tracing::info!(why, "a sign-in through the identity provider was refused");
        let mut response = message(
            &state,
            &visit,
            StatusCode::FORBIDDEN,
            "signin_title",
            "signin_refused",
            "/sign-in",
        );
        for cookie in &cookies {
            if let Ok(value) = HeaderValue::from_str(cookie) {
                response.headers_mut().append(SET_COOKIE, value);
            }
        }
        response
    };
    let (Some(pending), Some(returned)) = (pending, get("state")) else {
        return refused("no sign-in under way in this browser, or no state");
    };
    if !same_token(&pending.state, returned) {
        return refused("the state is not this browser's sign-in");
    }
    if let Some(error) = get("error") {
        return refused(error);
    }
    let Some(code) = get("code") else {
        return refused("no code");
    };
    let identity = match oidc.finish(code, &pending).await {
        Ok(identity) => identity,
        Err(e) => return refused(&e.to_string()),
    };
    match service::web_sessions::start(&state.services, identity, state.web.session_lifetime).await
    {
        Ok((secret, _)) => {
            cookies.push(set_cookie(
                &state.web,
                SESSION_COOKIE,
                &secret,
                Some(state.web.session_lifetime.as_secs()),
            ));
            see_other("/", &cookies)
        }
        Err(e) => refused(&commons_graphql::client_message(&e)),
    }
}

/// A field left out reads as empty: a form without its token is an expired form, said in
/// the visitor's language, not the framework's 422.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    organisation: String,
    role: String,
    csrf: String,
}

/// A body that is no form at all (another media type, bytes that do not decode) is taken as
/// an empty form, refused for its missing token like any stale one.
fn form_or_empty<T: Default>(form: Result<Form<T>, FormRejection>) -> T {
    form.map(|Form(f)| f).unwrap_or_default()
}

pub async fn sign_in(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let form = form_or_empty(form);
    let visit = visit::visit(&state, &headers, peer, None).await;
    let t = &state.web.translations;
    if !state.web.dev_sign_in {
        return sign_in_page(&state, &visit, None).await;
    }
    // The sign-in form's token is the cookie set with the form (double submit).
    let expected = visit::cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_token(expected, &form.csrf) {
        let error = t.get(visit.lang, "form_expired").to_owned();
        return sign_in_page(&state, &visit, Some(error)).await;
    }
    if form.organisation.len() > 64 || form.role.len() > 32 {
        return sign_in_page(&state, &visit, None).await;
    }
    let identity = Identity {
        subject: format!(
            "web-demo:{}:{}",
            form.organisation,
            form.role.to_lowercase()
        ),
        organisation_slug: form.organisation.clone(),
        roles: vec![form.role.clone()],
        name: Some(format!(
            "Demo {} ({})",
            form.role.to_lowercase(),
            form.organisation
        )),
        email: None,
        email_verified: false,
    };
    match service::web_sessions::start(&state.services, identity, state.web.session_lifetime).await
    {
        Ok((secret, _)) => {
            let mut cookies = vec![set_cookie(
                &state.web,
                SESSION_COOKIE,
                &secret,
                Some(state.web.session_lifetime.as_secs()),
            )];
            // The sign-in token has served: a new one comes with the next anonymous form.
            cookies.push(set_cookie(&state.web, CSRF_COOKIE, "", Some(0)));
            see_other("/", &cookies)
        }
        Err(e) => {
            tracing::info!(error = %e, "a web sign-in was refused");
            sign_in_page(&state, &visit, Some(commons_graphql::client_message(&e))).await
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn sign_out(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let form = form_or_empty(form);
    let visit = visit::visit(&state, &headers, peer, None).await;
    let Some((secret, session)) = &visit.session else {
        return see_other("/", &visit.set_cookies);
    };
    if !same_token(&session.csrf_token, &form.csrf) {
        return message(
            &state,
            &visit,
            StatusCode::FORBIDDEN,
            "error_title",
            "form_expired",
            "/",
        );
    }
    if let Err(e) = service::web_sessions::end(&state.services, secret).await {
        tracing::warn!(error = %e, "a session did not end");
        return failure_page(&state, &visit, Failure::Internal, "/");
    }
    see_other("/", &[set_cookie(&state.web, SESSION_COOKIE, "", Some(0))])
}

/// Remembers the language chosen (a cookie for a year) and goes back where the visitor was.
pub async fn choose_language(
    State(state): State<WebState>,
    Path(code): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let back = url::form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "back")
        .map(|(_, v)| v.into_owned())
        // Only a path of this site: never `//elsewhere` or `https://…`.
        .filter(|b| {
            b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') && b.len() <= 2048
        })
        .unwrap_or_else(|| "/".into());
    let Some(lang) = Lang::from_code(&code) else {
        return see_other(&back, &[]);
    };
    let cookie = set_cookie(&state.web, LANG_COOKIE, lang.code(), Some(365 * 24 * 3600));
    see_other(&back, &[cookie])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_address_keeps_what_was_asked_and_nothing_else() {
        let p = SearchParams::parse(Some(
            "q=g%C3%A9rer+le+stress&kind=WORKSHOP_FORMAT&kind=WORKSHOP_FORMAT&kind=NOPE&language=nl&sort=NEWEST&x=1",
        ));
        assert_eq!(p.q, "gérer le stress");
        assert_eq!(p.kinds, vec!["WORKSHOP_FORMAT"]);
        assert_eq!(p.languages, vec!["NL"]);
        assert_eq!(p.sort, "NEWEST");
        assert_eq!(
            p.href(Some("abc")),
            "/?q=g%C3%A9rer+le+stress&kind=WORKSHOP_FORMAT&language=NL&sort=NEWEST&after=abc"
        );
        assert_eq!(SearchParams::parse(None).href(None), "/");
    }

    #[test]
    fn language_links_drop_the_language_of_the_address() {
        assert_eq!(without_lang("/?q=stress&lang=nl"), "/?q=stress");
        assert_eq!(without_lang("/tools/VG9vbDox?lang=de"), "/tools/VG9vbDox");
        assert_eq!(without_lang("/sign-in"), "/sign-in");
    }
}
