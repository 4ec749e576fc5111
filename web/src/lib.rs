//! The web interface: pages for people who do not write GraphQL, served by the same binary on
//! the same address. Pages are rendered on the server from compiled templates (askama) and
//! work without a script. They are a client of the GraphQL schema, executed in process with
//! the caller's identity — never a second path to the database — so every rule of the API
//! holds on every page.
// The schema's merged query root nests one async block per part; laying them out takes
// rustc past its default query depth when the pages' tests are built.
#![recursion_limit = "256"]

mod activity_report;
mod appealing;
pub mod assets;
mod chart;
mod check_answers;
mod collaborations;
pub mod config;
mod confirmation;
mod editing;
mod evaluating;
mod evaluations_page;
mod forms;
pub mod i18n;
mod mail_pages;
mod mail_words;
mod markdown;
mod moderation;
mod notifications;
pub mod oidc;
mod operations;
mod organisation_page;
mod pages;
mod peer_learning;
mod reporting;
mod tool_page;
mod translating;
mod visit;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::{get, post};

use commons_graphql::config::Limits;
use commons_graphql::rate_limit::RateLimiter;
use commons_graphql::{AppSchema, LiveLimits};
use commons_service as service;

pub use mail_words::mail_words;
pub use visit::session_actor;

/// What the pages are served with: the schema they execute as the visitor, the services (for
/// sessions), the bounds and budgets `/graphql` applies, the live connections' limits, and the
/// pages' own words and settings. The HTTP edge hands it out from its state (`FromRef`).
#[derive(Clone)]
pub struct WebState {
    pub schema: AppSchema,
    pub services: service::Context,
    pub limits: Limits,
    /// `None` when rate limits are switched off.
    pub limiter: Option<Arc<RateLimiter>>,
    pub live: LiveLimits,
    pub web: Arc<Web>,
}

/// What the pages need besides the service: their words, their assets and how sessions go.
#[derive(Debug)]
pub struct Web {
    pub translations: i18n::Translations,
    pub assets: assets::Assets,
    /// `/sign-in` lists the organisations and roles to choose from: only on a server that
    /// signs its own development tokens (no public keys, no identity provider configured).
    pub dev_sign_in: bool,
    /// `/sign-in` sends people to this OpenID Connect provider.
    pub oidc: Option<oidc::Oidc>,
    pub session_lifetime: Duration,
    /// `Secure` on the cookies: outside loopback unless configured otherwise.
    pub secure_cookies: bool,
}

/// Where the pages are served, as the service's configuration says.
pub struct Serving<'a> {
    /// The address people reach the service at (the identity provider sends them back there).
    pub public_url: &'a str,
    /// The service listens on loopback only: cookies need not be `Secure` by default.
    pub loopback: bool,
    /// The service signs its own development tokens (no public keys configured).
    pub signs_own_tokens: bool,
}

impl Web {
    pub fn new(config: &config::WebConfig, serving: Serving<'_>) -> anyhow::Result<Arc<Self>> {
        let oidc = config
            .oidc
            .as_ref()
            .map(|c| oidc::Oidc::new(c, serving.public_url))
            .transpose()?;
        Ok(Arc::new(Self {
            translations: i18n::Translations::load()?,
            assets: assets::Assets::embedded(),
            dev_sign_in: serving.signs_own_tokens && oidc.is_none(),
            oidc,
            session_lifetime: Duration::from_secs(config.session_hours.max(1) * 3600),
            secure_cookies: config.secure_cookies.unwrap_or(!serving.loopback),
        }))
    }
}

/// The pages' routes; the 404 page is the router's fallback (see [`pages::not_found`]). A
/// form's body is held to `limits.body_bytes`; an attached file streams within
/// `limits.upload_bytes` (see [`editing::attach_file`]).
pub fn routes<S>(body_bytes: usize) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    WebState: FromRef<S>,
{
    Router::new()
        .route("/", get(pages::search))
        .route(
            "/tools/new",
            get(editing::new_tool_form).post(editing::create_tool),
        )
        .route("/tools/{id}", get(tool_page::tool))
        .route(
            "/tools/{id}/edit",
            get(editing::edit_tool_form).post(editing::update_tool),
        )
        .route("/tools/{id}/check", get(check_answers::check_answers))
        .route("/tools/{id}/submit", post(editing::submit_tool))
        .route("/tools/{id}/current", post(editing::confirm_current))
        .route("/tools/{id}/decision", post(editing::decide_on_tool))
        .route("/tools/{id}/attachments", post(editing::attach_file))
        .route("/tools/{id}/adoption", post(peer_learning::adoption))
        .route("/tools/{id}/review", post(peer_learning::review))
        .route("/tools/{id}/report", post(reporting::report))
        .route("/tools/{id}/appeal", post(appealing::appeal))
        .route(
            "/tools/{id}/translations/wanted",
            post(translating::set_wanted),
        )
        .route("/tools/{id}/translations/offer", post(translating::offer))
        .route("/tools/{id}/translations/answer", post(translating::answer))
        .route("/translations", get(translating::wanted))
        .route("/moderation", get(moderation::queue))
        .route("/moderation/reports", post(reporting::resolve))
        .route("/moderation/appeals", post(appealing::decide))
        .route("/collaborations", get(collaborations::list))
        .route(
            "/collaborations/new",
            get(collaborations::proposal_form).post(collaborations::create_proposal),
        )
        .route(
            "/collaborations/proposals/{id}",
            get(collaborations::proposal),
        )
        .route(
            "/collaborations/proposals/{id}/messages",
            post(collaborations::post_message),
        )
        .route(
            "/collaborations/proposals/{id}/report",
            post(collaborations::report_message),
        )
        .route(
            "/collaborations/proposals/{id}/answer",
            post(collaborations::answer),
        )
        .route(
            "/collaborations/proposals/{id}/withdraw",
            post(collaborations::withdraw),
        )
        .route(
            "/collaborations/services/{id}",
            get(collaborations::service),
        )
        .route(
            "/collaborations/services/{id}/transfer",
            post(collaborations::propose_transfer),
        )
        .route(
            "/collaborations/services/{id}/transfer/accept",
            post(collaborations::accept_transfer),
        )
        .route(
            "/collaborations/services/{id}/transfer/cancel",
            post(collaborations::cancel_transfer),
        )
        .route(
            "/organisations/{slug}",
            get(organisation_page::organisation),
        )
        .route(
            "/organisations/{slug}/report",
            post(activity_report::submit),
        )
        .route(
            "/organisations/{slug}/report/review",
            post(activity_report::review),
        )
        .route(
            "/organisations/{slug}/indicators",
            post(evaluating::save_indicators),
        )
        .route("/organisations/{slug}/evaluation", post(evaluating::record))
        .route(
            "/organisations/{slug}/evaluation/approve",
            post(evaluating::approve),
        )
        .route("/evaluations", get(evaluations_page::evaluations))
        .route("/evaluations/trend", get(evaluations_page::trend))
        .route(
            "/evaluations/{year}/publish",
            post(evaluations_page::publish),
        )
        .route("/evaluations/{year}/advice", post(evaluations_page::advice))
        .route("/go/{id}", get(collaborations::go))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", post(notifications::mark_all_read))
        .route("/notifications/mail", post(notifications::save_mail))
        .route(
            "/mail/confirm",
            get(mail_pages::confirm_form).post(mail_pages::confirm),
        )
        .route(
            "/mail/unsubscribe",
            get(mail_pages::unsubscribe_form).post(mail_pages::unsubscribe),
        )
        .route("/notifications/count", get(notifications::count))
        .route("/notifications/live", get(notifications::live))
        .route("/sign-in", get(pages::sign_in_form).post(pages::sign_in))
        .route("/sign-in/callback", get(pages::sign_in_callback))
        .route("/sign-out", post(pages::sign_out))
        .route("/language/{code}", get(pages::choose_language))
        .route("/assets/{name}", get(assets::serve))
        .layer(DefaultBodyLimit::max(body_bytes))
}

pub use pages::not_found;
