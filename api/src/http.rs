//! The axum router: `/graphql` (POST, and GET for queries), `/graphiql`, `/healthz`, `/readyz`.
//! Request-level limits live here: body size, batch size, timeout, mutations over GET.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::{BatchRequest, BatchResponse, Response as GqlResponse, ServerError};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRef, RawQuery, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use futures_util::FutureExt;
use serde_json::json;
use tracing::Instrument;

use crate::auth::Verifier;
use crate::config::Limits;
use commons_domain::identity::Actor;
use commons_graphql::AppSchema;
use commons_graphql::error::{ErrorCode, client_message, failure};
use commons_graphql::rate_limit::{Budget, Caller, RateLimiter, Verdict};
use commons_service::{self as service, ServiceError};
use commons_web::WebState;

#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub services: service::Context,
    pub verifier: Arc<Verifier>,
    pub limits: Limits,
    /// `None` when rate limits are switched off.
    pub limiter: Option<Arc<RateLimiter>>,
    /// Live connections on `/graphql/ws`.
    pub live: commons_graphql::LiveLimits,
    /// `/readyz` fails while the index lags more changes than this.
    pub ready_max_lag: u64,
    /// The web pages' words, assets and session settings.
    pub web: Arc<commons_web::Web>,
    /// Whose forwarding headers name the client.
    pub trusted_proxies: crate::forwarded::TrustedProxies,
}

/// The pages' share of the state: the same schema, services, bounds and budgets.
impl FromRef<AppState> for WebState {
    fn from_ref(state: &AppState) -> Self {
        WebState {
            schema: state.schema.clone(),
            services: state.services.clone(),
            limits: state.limits.clone(),
            limiter: state.limiter.clone(),
            live: state.live.clone(),
            web: state.web.clone(),
        }
    }
}

/// Which optional routes a server offers.
#[derive(Clone, Copy, Debug)]
pub struct Offered {
    pub metrics: bool,
    pub graphiql: bool,
    pub web: bool,
}

/// The service's routes; `/metrics` among them unless it is served elsewhere or not at all.
pub fn router(state: AppState, offered: Offered) -> Router {
    let mut router = Router::new()
        .route(
            "/graphql",
            get(graphql_get)
                .post(graphql_post)
                .layer(middleware::from_fn(graphql_media)),
        )
        .route("/graphql/ws", get(crate::live::graphql_ws))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz));
    if offered.metrics {
        router = router.route("/metrics", get(metrics));
    }
    if offered.graphiql {
        router = router.merge(crate::graphiql::routes());
    }
    if offered.web {
        router = router
            .merge(commons_web::routes(state.limits.body_bytes))
            .fallback(commons_web::not_found);
    }
    router
        .route("/files/{id}", get(download_file))
        .route(
            "/exports/responsibility-record",
            get(export_responsibility_record),
        )
        .route("/reports/{year}/{file}", get(yearly_report))
        .route(
            "/reports/language-coverage.csv",
            get(language_coverage_report),
        )
        .layer(middleware::from_fn(log_requests))
        // Outermost: every handler and the log see the client, not the proxy in front.
        .layer(middleware::from_fn({
            let trusted = state.trusted_proxies.clone();
            move |request, next| crate::forwarded::resolve_client(trusted.clone(), request, next)
        }))
        .with_state(state)
}

fn service_failure(e: &ServiceError) -> Response {
    failure(ErrorCode::of(e), client_message(e))
}

/// The caller: anonymous without an Authorization header; refused with a bad one (a bad
/// token never silently becomes anonymous).
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<Actor>, Response> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let result = async {
        let header = value.to_str().map_err(|_| {
            ServiceError::Unauthenticated("the authorization header is not text".into())
        })?;
        let identity = state.verifier.verify_header(header)?;
        service::identity::resolve_actor(&state.services, &identity).await
    }
    .await;
    match result {
        Ok(actor) => Ok(Some(actor)),
        Err(e) => {
            tracing::info!(error = %e, "request refused");
            let mut response = service_failure(&e);
            if matches!(e, ServiceError::Unauthenticated(_)) {
                response.headers_mut().insert(
                    "www-authenticate",
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            Err(response)
        }
    }
}

async fn graphql_post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let actor = match authenticate(&state, &headers).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let multipart = content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("multipart/"));
    let batch = if multipart {
        match receive_multipart(&state, content_type, body).await {
            Ok(b) => b,
            Err(response) => return response,
        }
    } else {
        let json = content_type.as_deref().is_some_and(|c| {
            c.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
        if !json {
            return failure_with_status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::BadUserInput,
                "send the request as application/json (or multipart/form-data for uploads)",
            );
        }
        let limit = state.limits.body_bytes;
        let Ok(bytes) = to_bytes(body, limit).await else {
            return failure_with_status(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BadUserInput,
                format!("the request body is larger than {limit} bytes"),
            );
        };
        match graphql_request(&bytes) {
            Ok(b) => b,
            Err(problem) => return failure(ErrorCode::BadUserInput, problem),
        }
    };
    if let BatchRequest::Batch(operations) = &batch {
        let max = state.limits.batch_size;
        if max == 0 {
            return failure(ErrorCode::BadUserInput, "batched requests are turned off");
        }
        if operations.len() > max {
            return failure(
                ErrorCode::BadUserInput,
                format!("a batch holds at most {max} operations"),
            );
        }
    }
    execute(&state, batch, actor, peer, Media::accepted(&headers)).await
}

/// A JSON body as the GraphQL over HTTP specification has it: an object (or, batched, a list
/// of objects) with `query` a string, `operationName` a string or null, `variables` and
/// `extensions` objects or null. Anything else is refused with 400, before GraphQL sees it.
fn graphql_request(bytes: &[u8]) -> Result<BatchRequest, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the request body is not JSON: {e}"))?;
    let check = |op: &serde_json::Value| -> Result<(), String> {
        let object = op.as_object().ok_or("a GraphQL request is a JSON object")?;
        match object.get("query") {
            Some(serde_json::Value::String(_)) => {}
            Some(_) => return Err("query must be a string".into()),
            None => return Err("the request has no query".into()),
        }
        for (key, ok) in [
            (
                "operationName",
                object
                    .get("operationName")
                    .is_none_or(|v| v.is_string() || v.is_null()),
            ),
            (
                "variables",
                object
                    .get("variables")
                    .is_none_or(|v| v.is_object() || v.is_null()),
            ),
            (
                "extensions",
                object
                    .get("extensions")
                    .is_none_or(|v| v.is_object() || v.is_null()),
            ),
        ] {
            if !ok {
                return Err(format!("{key} has the wrong type"));
            }
        }
        Ok(())
    };
    match &value {
        serde_json::Value::Array(ops) => ops.iter().try_for_each(check)?,
        op => check(op)?,
    }
    serde_json::from_value(value).map_err(|e| format!("the request is not a GraphQL request: {e}"))
}

async fn graphql_get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let actor = match authenticate(&state, &headers).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let raw = query.as_deref().unwrap_or_default();
    if !url::form_urlencoded::parse(raw.as_bytes()).any(|(k, _)| k == "query") {
        return failure(ErrorCode::BadUserInput, "the request has no query");
    }
    let mut request = match async_graphql::http::parse_query_string(raw) {
        Ok(r) => r,
        Err(e) => {
            return failure(
                ErrorCode::BadUserInput,
                format!("the query string is not a GraphQL request: {e}"),
            );
        }
    };
    if is_mutation(&mut request) {
        return failure_with_status(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::BadUserInput,
            "mutations are not accepted over GET; use POST",
        );
    }
    execute(
        &state,
        BatchRequest::Single(request),
        actor,
        peer,
        Media::accepted(&headers),
    )
    .await
}

/// Reads a multipart request (GraphQL multipart request spec) as it streams in: `operations`
/// and `map` within the JSON body limit, files spooled to temporary files (never held in
/// memory), each within the upload limit, as many as configured.
async fn receive_multipart(
    state: &AppState,
    content_type: Option<String>,
    body: Body,
) -> Result<BatchRequest, Response> {
    let limits = crate::multipart::MultipartLimits {
        json_bytes: state.limits.body_bytes,
        file_bytes: state.limits.upload_bytes,
        files: state.limits.upload_files,
        paths_per_file: state.limits.upload_paths_per_file,
    };
    crate::multipart::receive(content_type.as_deref().unwrap_or_default(), body, limits)
        .await
        .map_err(|refused| match refused {
            crate::multipart::Refused::TooLarge(message) => failure_with_status(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BadUserInput,
                message,
            ),
            crate::multipart::Refused::Bad(message) => failure(ErrorCode::BadUserInput, message),
        })
}

/// The caller of a plain GET (a file, an export, a report): its bearer token, or else the
/// session of a browser signed in to the pages, which link to these addresses.
async fn authenticate_or_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Actor>, Response> {
    match authenticate(state, headers).await? {
        None => Ok(commons_web::session_actor(&WebState::from_ref(state), headers).await),
        actor => Ok(actor),
    }
}

/// The file routes' door: who calls (bearer token or session), and their query budget charged
/// `rate_limit.file_route_cost`, the same budget `/graphql`, the pages and `/graphql/ws` draw
/// on. A caller with too little left is answered 429 `RATE_LIMITED` before any work.
async fn file_door(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<Option<Actor>, Response> {
    let actor = authenticate_or_session(state, headers).await?;
    if let Some(limiter) = &state.limiter {
        let caller = Caller::of(actor.as_ref(), peer.ip());
        let verdict = limiter.charge(
            &caller,
            Budget::Queries,
            limiter.file_route_cost(),
            Instant::now(),
        );
        if !verdict.allowed {
            return Err(rate_limited(
                verdict,
                "your query budget is spent".to_owned(),
            ));
        }
    }
    Ok(actor)
}

/// An attachment, for whoever may see its tool; 404 for anyone else, so that its existence
/// is not revealed.
async fn download_file(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let actor = match file_door(&state, &headers, peer).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let Ok(id) = commons_graphql::attachment_number(&id) else {
        return failure(ErrorCode::NotFound, "not found");
    };
    let attachment =
        match service::attachments::downloadable(&state.services, actor.as_ref(), id).await {
            Ok(a) => a,
            Err(e) => return service_failure(&e),
        };
    match crate::download::respond(&state.services.files, &attachment, &headers).await {
        Ok(response) => response,
        Err(e) => service_failure(&ServiceError::from(e)),
    }
}

/// True when the operation that would run is a mutation. The document is parsed once and kept
/// in the request, which the schema then runs; one that does not parse is left for GraphQL to
/// report.
fn is_mutation(request: &mut async_graphql::Request) -> bool {
    let operation_name = request.operation_name.clone();
    request
        .parsed_query()
        .is_ok_and(|document| commons_graphql::changes_in(document, operation_name.as_deref()) > 0)
}

fn failure_with_status(
    status: StatusCode,
    code: ErrorCode,
    message: impl Into<String>,
) -> Response {
    let mut response = failure(code, message);
    *response.status_mut() = status;
    response
}

async fn execute(
    state: &AppState,
    batch: BatchRequest,
    actor: Option<Actor>,
    peer: SocketAddr,
    media: Media,
) -> Response {
    let Some(limiter) = state.limiter.clone() else {
        return run(state, batch, actor, None, media).await;
    };
    let caller = Caller::of(actor.as_ref(), peer.ip());
    let now = Instant::now();
    // A caller with nothing left is refused before its query is even parsed.
    let left = limiter.charge(&caller, Budget::Queries, 0, now);
    if left.remaining == 0 {
        return rate_limited(
            Verdict {
                allowed: false,
                retry_after: Some(Duration::from_secs(1)),
                ..left
            },
            "your query budget is spent".to_owned(),
        );
    }
    let budget = Arc::new(commons_graphql::RequestBudget {
        limiter: limiter.clone(),
        caller: caller.clone(),
        refused: std::sync::Mutex::new(None),
    });
    let mut response = run(state, batch, actor, Some(budget.clone()), media).await;
    let refused = budget.refused.lock().ok().and_then(|r| *r);
    if let Some(verdict) = refused {
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        set_retry_after(&mut response, verdict);
    }
    let verdict = limiter.charge(&caller, Budget::Queries, 0, Instant::now());
    set_budget_headers(&mut response, verdict);
    response
}

fn rate_limited(verdict: Verdict, message: String) -> Response {
    let mut response = failure(ErrorCode::RateLimited, message);
    set_retry_after(&mut response, verdict);
    set_budget_headers(&mut response, verdict);
    response
}

fn set_retry_after(response: &mut Response, verdict: Verdict) {
    let seconds = verdict.retry_after.map_or(1, |d| d.as_secs().max(1));
    response
        .headers_mut()
        .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds));
}

/// `X-RateLimit-Limit` (query cost per minute), `-Remaining` and `-Reset` (when the budget is
/// whole again, in seconds since the epoch), as GitHub names them.
fn set_budget_headers(response: &mut Response, verdict: Verdict) {
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(verdict.limit));
    headers.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(verdict.remaining),
    );
    headers.insert("x-ratelimit-reset", HeaderValue::from(verdict.reset_at));
}

async fn run(
    state: &AppState,
    batch: BatchRequest,
    actor: Option<Actor>,
    budget: Option<Arc<commons_graphql::RequestBudget>>,
    media: Media,
) -> Response {
    // A response to a mutation is never called an outage: part of it may have been done, and
    // a proxy that resends a 503 must not do it twice.
    // Every request of the batch parsed here once: the schema and the budget run that document.
    let mut batch = batch;
    let mut changes = false;
    for request in batch.iter_mut() {
        changes |= is_mutation(request);
    }
    let batch = commons_graphql::prepare(batch, &state.services, actor, budget);
    let timeout = Duration::from_millis(state.limits.request_timeout_ms);
    let run = AssertUnwindSafe(state.schema.execute_batch(batch)).catch_unwind();
    let over_time = || {
        failure(
            ErrorCode::Timeout,
            format!(
                "the request took longer than {} ms",
                state.limits.request_timeout_ms
            ),
        )
    };
    match tokio::time::timeout(timeout, run).await {
        // A search stopped at the request's own deadline may answer a moment before the
        // timer above fires; either way the request ran out of its time and says so alike.
        Ok(Ok(response)) if has_code(&response, ErrorCode::Timeout) => over_time(),
        Ok(Ok(response)) => {
            // A request that could not reach the database is an outage, not an answer: 503,
            // so that a load balancer takes this replica out, whatever GraphQL made of it.
            let lost_database = !changes && has_code(&response, ErrorCode::Unavailable);
            let mut answered = answer(with_codes(response), media);
            if lost_database {
                *answered.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                answered
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, HeaderValue::from(1));
            }
            answered
        }
        Ok(Err(_panic)) => {
            tracing::error!("a resolver panicked");
            failure(ErrorCode::Internal, "internal error")
        }
        Err(_elapsed) => over_time(),
    }
}

/// The response format a client asked for: the GraphQL over HTTP specification's
/// `application/graphql-response+json`, or the older `application/json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Media {
    GraphqlResponse,
    Json,
}

pub(crate) const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

impl Media {
    fn accepted(headers: &HeaderMap) -> Media {
        let asks = headers
            .get_all(axum::http::header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|m| {
                m.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case(GRAPHQL_RESPONSE))
            });
        if asks {
            Media::GraphqlResponse
        } else {
            Media::Json
        }
    }
}

/// A request error (the document did not parse or validate, a variable did not coerce) ran
/// nothing: no `data` entry, and with `application/graphql-response+json` a 400.
fn answer(response: BatchResponse, media: Media) -> Response {
    let request_error = |r: &GqlResponse| {
        r.data == async_graphql::Value::Null
            && !r.errors.is_empty()
            && r.errors.iter().all(|e| e.path.is_empty())
    };
    let failed = matches!(&response, BatchResponse::Single(r) if request_error(r));
    let mut answered = match &response {
        // Serialised as it is, so that fields keep the order the query asked them in.
        BatchResponse::Single(r) if failed => Json(json!({ "errors": r.errors })).into_response(),
        _ => Json(response).into_response(),
    };
    if failed && media == Media::GraphqlResponse {
        *answered.status_mut() = StatusCode::BAD_REQUEST;
    }
    answered
}

/// Answers in the media type the client accepted, whatever produced the response.
async fn graphql_media(request: Request, next: Next) -> Response {
    let media = Media::accepted(request.headers());
    let mut response = next.run(request).await;
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if media == Media::GraphqlResponse && json {
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/graphql-response+json; charset=utf-8"),
        );
    }
    response
}

/// Does any error of the response carry this code?
fn has_code(response: &BatchResponse, code: ErrorCode) -> bool {
    let carries = |r: &GqlResponse| {
        r.errors.iter().any(|e| {
            e.extensions.as_ref().and_then(|x| x.get("code"))
                == Some(&async_graphql::Value::from(code.as_str()))
        })
    };
    match response {
        BatchResponse::Single(r) => carries(r),
        BatchResponse::Batch(rs) => rs.iter().any(carries),
    }
}

/// Errors that GraphQL itself raised (parse, validation, depth and complexity limits) carry
/// no code: they are all the caller's to fix.
fn with_codes(response: BatchResponse) -> BatchResponse {
    let fix = |mut r: GqlResponse| {
        for e in &mut r.errors {
            add_code(e);
        }
        r
    };
    match response {
        BatchResponse::Single(r) => BatchResponse::Single(fix(r)),
        BatchResponse::Batch(rs) => BatchResponse::Batch(rs.into_iter().map(fix).collect()),
    }
}

fn add_code(e: &mut ServerError) {
    let extensions = e.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", ErrorCode::BadUserInput.as_str());
    }
}

async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// Ready when the database answers with every migration applied and the index can be read.
/// The caller (anyone) learns what is wrong in plain words; the detail goes to the log.
async fn readyz(State(state): State<AppState>) -> Response {
    let probe = Duration::from_millis(state.limits.ready_probe_timeout_ms);
    match tokio::time::timeout(probe, readiness(&state)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                probe_ms = state.limits.ready_probe_timeout_ms,
                "not ready: the database or the index did not answer in time"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "problem": "the database did not answer in time",
                })),
            )
                .into_response()
        }
    }
}

async fn readiness(state: &AppState) -> Response {
    let problem = match commons_service::database::check_ready(&state.services.db).await {
        Err(not_ready) => {
            tracing::warn!(detail = %not_ready.detail, "not ready");
            Some(not_ready.problem)
        }
        Ok(()) => match state.services.index.lag().await {
            Ok(lag) if lag <= state.ready_max_lag => {
                return Json(json!({ "status": "ready", "indexLag": lag })).into_response();
            }
            Ok(lag) => {
                tracing::info!(
                    lag,
                    bound = state.ready_max_lag,
                    "not ready: the search index lags"
                );
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({
                        "status": "unavailable",
                        "problem": format!("the search index is {lag} changes behind"),
                        "indexLag": lag,
                    })),
                )
                    .into_response();
            }
            Err(e) => {
                tracing::warn!(error = %e, "not ready: the index lag cannot be read");
                Some(match e {
                    ServiceError::Index(_) => "the search index cannot be read".to_owned(),
                    _ => "the database cannot be read".to_owned(),
                })
            }
        },
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "unavailable", "problem": problem })),
    )
        .into_response()
}

/// The responsibility record for INASTI's audit: `?format=csv|json` (JSON by default) and
/// `caisse=<slug>` for one caisse's services, every service without it.
async fn export_responsibility_record(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let actor = match file_door(&state, &headers, peer).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let mut format = "json".to_owned();
    let mut caisse: Option<String> = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "format" => format = value.into_owned(),
            "caisse" => caisse = Some(value.into_owned()),
            other => {
                return failure(
                    ErrorCode::BadUserInput,
                    format!("unknown parameter {other}; use format and caisse"),
                );
            }
        }
    }
    if format != "csv" && format != "json" {
        return failure(ErrorCode::BadUserInput, "format is csv or json");
    }
    let services = &state.services;
    let result = async {
        let caisse_id = match caisse.as_deref() {
            Some(slug) => Some(
                service::joint_services::caisse_by_slug(services, slug)
                    .await?
                    .id,
            ),
            None => None,
        };
        service::joint_services::export(services, actor.as_ref(), caisse_id).await
    }
    .await;
    let entries = match result {
        Ok(entries) => entries,
        Err(e) => return service_failure(&e),
    };
    let rows: Vec<crate::export::Row> = entries.into_iter().map(Into::into).collect();
    let now = services.now();
    let name = format!(
        "responsibility-record-{}-{}.{format}",
        caisse.as_deref().unwrap_or("all"),
        now.format("%Y-%m-%d")
    );
    let (content_type, body) = if format == "csv" {
        match crate::export::csv(rows) {
            Ok(bytes) => ("text/csv; charset=utf-8", bytes),
            Err(e) => {
                tracing::error!(error = %e, "csv export failed");
                return failure(ErrorCode::Internal, "internal error");
            }
        }
    } else {
        let doc = crate::export::json(
            rows,
            caisse.as_deref(),
            &commons_domain::responsibility::timestamp(now),
        );
        ("application/json", doc.to_string().into_bytes())
    };
    download(body, content_type, &name)
}

/// `GET /reports/{year}/overview.csv` (INASTI's officers), `/reports/{year}/funding.csv`
/// (signed-in callers), `/reports/{year}/evaluation.csv` (the published year evaluation) and
/// `/reports/{year}/trend.csv` (the three years from `year`; INASTI's officers and the CGG),
/// with the caller's token.
async fn yearly_report(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::extract::Path((year, file)): axum::extract::Path<(String, String)>,
) -> Response {
    let actor = match file_door(&state, &headers, peer).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let Ok(year) = year.parse::<i32>() else {
        return failure(ErrorCode::BadUserInput, "the year is a number such as 2025");
    };
    let services = &state.services;
    let built = match file.as_str() {
        "overview.csv" => service::activity_reports::overview(services, actor.as_ref(), year)
            .await
            .map(|rows| crate::reports::overview_csv(&rows)),
        "funding.csv" => service::funding::allocation(services, actor.as_ref(), year)
            .await
            .map(|(allocation, caisses)| crate::reports::funding_csv(&allocation, &caisses)),
        "evaluation.csv" => service::evaluations::published(services, actor.as_ref(), year)
            .await
            .and_then(|p| p.ok_or(service::ServiceError::NotFound))
            .map(|(_, figures)| crate::reports::evaluation_csv(&figures)),
        // The three years from `year`.
        "trend.csv" => service::evaluations::trend(services, actor.as_ref(), year)
            .await
            .map(|window| crate::reports::trend_csv(&window)),
        _ => {
            return failure(
                ErrorCode::NotFound,
                "the reports of a year are overview.csv, funding.csv, evaluation.csv and trend.csv",
            );
        }
    };
    let stem = file.trim_end_matches(".csv");
    csv_response(built, &format!("{stem}-{year}.csv"))
}

/// `GET /reports/language-coverage.csv` (INASTI's moderators), with the caller's token: per
/// organisation, its published tools and how many are written in each language.
async fn language_coverage_report(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let actor = match file_door(&state, &headers, peer).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let built = service::tools::language_coverage(&state.services, actor.as_ref())
        .await
        .map(|rows| crate::reports::language_coverage_csv(&rows));
    csv_response(built, "language-coverage.csv")
}

/// A CSV report as a download named `filename`, or the error that kept it from being built.
fn csv_response(
    built: Result<Result<Vec<u8>, csv::Error>, service::ServiceError>,
    filename: &str,
) -> Response {
    let bytes = match built {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "csv report failed");
            return failure(ErrorCode::Internal, "internal error");
        }
        Err(e) => return service_failure(&e),
    };
    download(bytes, "text/csv; charset=utf-8", filename)
}

/// A file to download as `filename`, never kept by a cache (exports and reports are read
/// under the caller's rights).
fn download(body: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    response
}

/// `/metrics` alone, for an address of its own.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn(log_requests))
        // Outermost: every handler and the log see the client, not the proxy in front.
        .layer(middleware::from_fn({
            let trusted = state.trusted_proxies.clone();
            move |request, next| crate::forwarded::resolve_client(trusted.clone(), request, next)
        }))
        .with_state(state)
}

/// Prometheus text: the index lag (outbox rows not yet searchable) and the index size.
/// Which background duties this replica holds, and its runs of each.
fn duty_metrics(board: &service::duties::DutyBoard) -> String {
    use service::duties::{Duty, DutyBoard};
    use std::fmt::Write as _;
    type Reading = fn(&DutyBoard, Duty) -> u64;
    let series: [(&str, &str, &str, Reading); 3] = [
        (
            "commons_duty_held",
            "gauge",
            "Whether this replica holds the duty's lease.",
            |board, duty| u64::from(board.held(duty)),
        ),
        (
            "commons_duty_runs_total",
            "counter",
            "Runs of the duty completed on this replica.",
            DutyBoard::runs,
        ),
        (
            "commons_duty_failures_total",
            "counter",
            "Runs of the duty that failed on this replica.",
            DutyBoard::failures,
        ),
    ];
    let mut out = String::new();
    for (name, kind, help, read) in series {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for duty in Duty::ALL {
            let _ = writeln!(
                out,
                "{name}{{duty=\"{}\"}} {}",
                duty.name(),
                read(board, duty)
            );
        }
    }
    out
}

async fn metrics(State(state): State<AppState>) -> Response {
    let (lag, position, pruned_through) = match state.services.index.progress().await {
        Ok(p) => (p.lag as i64, p.position, p.pruned_through),
        Err(_) => (-1, -1, -1),
    };
    let docs = state.services.index.current().num_docs();
    let (searches, stopped) = state.services.search.counts();
    let body = format!(
        "# HELP commons_index_lag_rows Outbox rows not yet applied to the search index.\n\
         # TYPE commons_index_lag_rows gauge\n\
         commons_index_lag_rows {lag}\n\
         # HELP commons_index_position The last outbox row applied to the search index.\n\
         # TYPE commons_index_position gauge\n\
         commons_index_position {position}\n\
         # HELP commons_outbox_pruned_through Outbox rows up to this id have been pruned.\n\
         # TYPE commons_outbox_pruned_through gauge\n\
         commons_outbox_pruned_through {pruned_through}\n\
         # HELP commons_index_documents Documents in the search index.\n\
         # TYPE commons_index_documents gauge\n\
         commons_index_documents {docs}\n\
         # HELP commons_searches_total Searches and suggestions run on the search index.\n\
         # TYPE commons_searches_total counter\n\
         commons_searches_total {searches}\n\
         # HELP commons_searches_stopped_total Searches stopped past their time or when the caller left.\n\
         # TYPE commons_searches_stopped_total counter\n\
         commons_searches_stopped_total {stopped}\n\
         # HELP commons_live_connections Live connections open (/graphql/ws and /notifications/live).\n\
         # TYPE commons_live_connections gauge\n\
         commons_live_connections {live}\n",
        live = state.live.open(),
    );
    let mut body = body;
    body.push_str(&duty_metrics(&state.services.duties));
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        body,
    )
        .into_response()
}

/// One log line per request: request id, method, path, status, latency. The id comes from
/// `x-request-id` when the caller (or a proxy) sent a sane one, and is echoed back.
async fn log_requests(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        request.headers_mut().insert("x-request-id", value);
    }
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let span = tracing::info_span!("request", request_id = %request_id);
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(
        request_id = %request_id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}
