//! The GraphQL API: types, resolvers and error mapping. Thin: a resolver takes the Actor from
//! the context, calls one service function and maps its result. Above the services and below
//! the transports: the HTTP edge (`commons-api`) and the pages (`commons-web`) both execute
//! this schema; neither is known here.
// The merged query root nests one async block per part of the schema; laying them out
// (in release builds too) takes rustc past its default query depth.
#![recursion_limit = "256"]

mod appeal;
mod attachment;
mod audit_log;
mod budget;
mod collaboration;
pub mod config;
mod connection;
mod content_report;
mod depth;
pub mod error;
mod evaluation;
pub(crate) mod id;
mod joint_service;
mod legal_frame;
mod limits;
mod loaders;
mod mail;
mod node;
mod organisation;
pub(crate) mod peer_learning;
pub mod rate_limit;
mod scalars;
mod search;
mod tool;
mod translation;
mod viewer;
mod yearly_account;

use async_graphql::dataloader::DataLoader;
use async_graphql::{BatchRequest, Context, MergedObject, SDLExportOptions, Schema, SchemaBuilder};

use crate::config::{Limits, RateLimitConfig};
use commons_domain::identity::Actor;
use commons_service as service;

pub use budget::RequestBudget;
pub use budget::changes_in;
pub use error::{ErrorCode, client_message};

#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    viewer::ViewerQuery,
    organisation::OrganisationQuery,
    tool::ToolQuery,
    search::SearchQuery,
    collaboration::CollaborationQuery,
    joint_service::JointServiceQuery,
    legal_frame::LegalFrameQuery,
    audit_log::AuditLogQuery,
    yearly_account::YearlyAccountQuery,
    evaluation::EvaluationQuery,
    peer_learning::PeerLearningQuery,
    limits::LimitsQuery,
    content_report::ContentReportQuery,
    appeal::AppealQuery,
    translation::TranslationQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    organisation::OrganisationMutation,
    tool::ToolMutation,
    collaboration::CollaborationMutation,
    joint_service::JointServiceMutation,
    attachment::AttachmentMutation,
    search::SearchMutation,
    legal_frame::LegalFrameMutation,
    yearly_account::YearlyAccountMutation,
    evaluation::EvaluationMutation,
    peer_learning::PeerLearningMutation,
    content_report::ContentReportMutation,
    appeal::AppealMutation,
    translation::TranslationMutation,
    mail::MailMutation,
);

pub type AppSchema = Schema<Query, Mutation, peer_learning::Subscription>;

/// The subscriptions one live connection may still start; each holds a permit while it runs.
/// The transport (`/graphql/ws`) gives each connection its slots; the subscription resolvers
/// take one.
#[derive(Clone)]
pub struct SubscriptionSlots(pub std::sync::Arc<tokio::sync::Semaphore>);

/// What a live connection may do, from `notifications.*`.
#[derive(Clone)]
pub struct LiveLimits {
    pub connections: std::sync::Arc<tokio::sync::Semaphore>,
    /// The connections' bound (`notifications.websocket_connections`), for the metrics.
    pub max_connections: usize,
    pub ping: std::time::Duration,
    pub idle: std::time::Duration,
    pub subscriptions: usize,
}

impl LiveLimits {
    /// Live connections (`/graphql/ws` and `/notifications/live`) open now.
    pub fn open(&self) -> usize {
        self.max_connections
            .saturating_sub(self.connections.available_permits())
    }
}

/// The signed-in caller of one request, or `None` when anonymous.
#[derive(Clone)]
pub struct RequestActor(pub Option<Actor>);

fn builder(
    limits: &Limits,
    introspection: bool,
) -> SchemaBuilder<Query, Mutation, peer_learning::Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        peer_learning::Subscription,
    )
    .extension(depth::DepthLimit {
        data: limits.query_depth,
        introspection: limits.introspection_depth,
        introspection_allowed: introspection,
    })
    .limit_complexity(limits.query_complexity)
    .extension(budget::QueryCost)
    .extension(budget::Deadline(std::time::Duration::from_millis(
        limits.request_timeout_ms,
    )))
}

/// The executable schema; `introspection: false` (production, by choice) answers `__schema`
/// and `__type` with an error, as if they did not exist.
pub fn build_schema(
    services: service::Context,
    (limits, rate_limit): (&Limits, &RateLimitConfig),
    introspection: bool,
) -> AppSchema {
    let builder = builder(limits, introspection)
        .data(services)
        .data(limits::ServiceLimits::new(limits, rate_limit));
    if introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The schema as SDL, fields and enum items sorted so that the file diffs well.
pub fn sdl() -> String {
    builder(&Limits::default(), true).finish().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}

/// Gives each operation of a request its caller and its own batch loaders.
pub fn prepare(
    mut batch: BatchRequest,
    services: &service::Context,
    actor: Option<Actor>,
    budget: Option<std::sync::Arc<RequestBudget>>,
) -> BatchRequest {
    for request in batch.iter_mut() {
        request.data.insert(RequestActor(actor.clone()));
        if let Some(budget) = &budget {
            request.data.insert(budget.clone());
        }
        request.data.insert(DataLoader::new(
            loaders::OrganisationLoader(services.clone()),
            tokio::spawn,
        ));
        request.data.insert(DataLoader::new(
            loaders::AttachmentLoader(services.clone()),
            tokio::spawn,
        ));
        request.data.insert(DataLoader::new(
            loaders::ToolLoader {
                services: services.clone(),
                actor: actor.clone(),
            },
            tokio::spawn,
        ));
    }
    batch
}

/// What every operation of a live connection (`/graphql/ws`) runs with: its caller and its
/// own batch loaders, as `prepare` gives each HTTP request.
pub fn connection_data(services: &service::Context, actor: Option<Actor>) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    data.insert(RequestActor(actor.clone()));
    data.insert(DataLoader::new(
        loaders::OrganisationLoader(services.clone()),
        tokio::spawn,
    ));
    data.insert(DataLoader::new(
        loaders::AttachmentLoader(services.clone()),
        tokio::spawn,
    ));
    data.insert(DataLoader::new(
        loaders::ToolLoader {
            services: services.clone(),
            actor,
        },
        tokio::spawn,
    ));
    data
}

/// The number behind an attachment's global ID, for `/files/{id}`.
pub fn attachment_number(raw: &str) -> async_graphql::Result<i64> {
    id::decode_as(id::NodeType::Attachment, raw)
}

fn services<'a>(ctx: &Context<'a>) -> &'a service::Context {
    // Always present: `build_schema` puts it there, and only `sdl()` builds without it,
    // which never executes a query.
    ctx.data_unchecked::<service::Context>()
}

fn actor<'a>(ctx: &Context<'a>) -> Option<&'a Actor> {
    ctx.data_opt::<RequestActor>().and_then(|a| a.0.as_ref())
}
