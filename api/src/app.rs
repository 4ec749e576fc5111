use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::auth::Verifier;
use crate::config::Config;
use crate::http::{self, AppState};
use crate::serve::{ConnectionLimits, serve};
use commons_graphql as graphql;
use commons_service as service;
use commons_service::indexing::{FollowerSettings, SearchIndex};

/// The use cases over a migrated database and an open search index, without a server: for
/// `serve`, and for commands such as `demo` and `reindex`.
pub async fn open_services(config: &Config) -> anyhow::Result<service::Context> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            config.data_dir.display()
        )
    })?;
    let db = commons_service::database::connect(
        config.database_url().expose_secret(),
        config.database_max_connections,
        Duration::from_millis(config.database_acquire_timeout_ms),
    )
    .await
    .context("cannot connect to the database")?;
    commons_service::database::migrate(&db)
        .await
        .context("cannot migrate the database")?;
    let index = SearchIndex::open(config.index_dir(), db.clone(), Arc::new(Notify::new()))
        .await
        .context("cannot open the search index")?;
    let files = commons_service::files::Files::open(&config.storage, &config.data_dir)
        .context("cannot open the file storage")?;
    let mut services = service::Context::new(
        db,
        config.limits.page_size,
        Arc::new(index),
        Arc::new(files),
        service::attachments::Limits {
            max_bytes: config.limits.upload_bytes as u64,
            per_revision: config.limits.attachments_per_tool as u64,
            pdf: commons_service::extraction::PdfExtraction {
                program: config.extraction.program.clone(),
                max_memory_bytes: config.extraction.pdf_memory_mb.saturating_mul(1024 * 1024),
                max_seconds: config.extraction.pdf_seconds,
            },
        },
        searching(&config.limits),
    );
    services.review = commons_domain::tool::ReviewPeriod {
        after: chrono::Duration::days(config.review.after_days.into()),
        notice: chrono::Duration::days(config.review.notice_days.into()),
    };
    services.reports_per_day = config.reports.per_day;
    services.indicator_max_count = i64::from(config.evaluation.max_count);
    services.mail = mail(config)?;
    services.identities = Arc::new(service::identity_cache::IdentityCache::new(
        Duration::from_secs(config.auth.identity_cache_seconds),
        config.auth.identity_cache_entries,
    ));
    Ok(services)
}

fn searching(limits: &crate::config::Limits) -> service::search::Searching {
    let concurrency = match limits.search_concurrency {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    };
    service::search::Searching::new(
        commons_indexer::QueryLimits {
            max_chars: limits.search_query_chars,
            max_words: limits.search_query_words,
            max_phrase_words: limits.search_phrase_words,
        },
        limits.search_prefix_chars,
        concurrency,
        Duration::from_millis(limits.request_timeout_ms),
    )
    .with_max_filter_owners(limits.search_filter_owners)
}

/// A built service: database migrated, keys loaded, socket bound. `run` serves until the
/// cancellation token fires, then lets in-flight requests finish.
pub struct App {
    listener: TcpListener,
    router: axum::Router,
    /// `/metrics` on an address of its own, when configured so.
    metrics: Option<(TcpListener, axum::Router)>,
    connections: ConnectionLimits,
    services: service::Context,
    follower: FollowerSettings,
    duties: service::duties::DutySettings,
    /// How often the outbox is read for notifications another replica wrote.
    notification_poll: Duration,
    heartbeat: Duration,
    /// Where `LISTEN` hears of other replicas' changes (PostgreSQL).
    database_url: secrecy::SecretString,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let services = open_services(&config).await?;
        let verifier = Verifier::from_config(&config.auth, &config.data_dir)
            .context("cannot load the token verification keys")?;
        let schema = graphql::build_schema(
            services.clone(),
            (&config.limits, &config.rate_limit),
            config.introspection,
        );
        let state = AppState {
            schema,
            services: services.clone(),
            verifier: Arc::new(verifier),
            limits: config.limits.clone(),
            limiter: config.rate_limit.enabled.then(|| {
                Arc::new(commons_graphql::rate_limit::RateLimiter::new(
                    commons_graphql::rate_limit::RateLimits {
                        query_cost_per_minute: config.rate_limit.query_cost_per_minute,
                        mutations_per_minute: config.rate_limit.mutations_per_minute,
                        max_callers: config.rate_limit.max_callers,
                        file_route_cost: config.rate_limit.file_route_cost,
                    },
                ))
            }),
            ready_max_lag: config.index.ready_max_lag,
            web: commons_web::Web::new(
                &config.web,
                commons_web::Serving {
                    public_url: &config.public_url(),
                    loopback: config.listen.ip().is_loopback(),
                    signs_own_tokens: !config.auth.uses_public_keys(),
                },
            )?,
            trusted_proxies: crate::forwarded::TrustedProxies::parse(&config.trusted_proxies)
                .map_err(|problem| crate::config::ConfigError::Invalid {
                    key: "trusted_proxies",
                    problem,
                })?,
            live: commons_graphql::LiveLimits {
                connections: Arc::new(tokio::sync::Semaphore::new(
                    config.notifications.websocket_connections,
                )),
                max_connections: config.notifications.websocket_connections,
                ping: Duration::from_millis(config.notifications.websocket_ping_ms.max(100)),
                idle: Duration::from_millis(config.notifications.websocket_idle_ms.max(1_000)),
                subscriptions: config.notifications.websocket_subscriptions,
            },
        };
        let metrics_here = config.metrics.enabled && config.metrics.listen.is_none();
        let router = http::router(
            state.clone(),
            http::Offered {
                metrics: metrics_here,
                graphiql: config.graphiql,
                web: config.web.enabled,
            },
        );
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let metrics = match config.metrics.listen {
            Some(addr) if config.metrics.enabled => Some((
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen for metrics on {addr}"))?,
                http::metrics_router(state),
            )),
            _ => None,
        };
        let connections = ConnectionLimits {
            header_read: Duration::from_millis(config.limits.header_read_timeout_ms),
            body_read: Duration::from_millis(config.limits.body_read_timeout_ms),
        };
        let follower = FollowerSettings {
            poll_interval: Duration::from_millis(config.index.poll_interval_ms),
            commit_interval: Duration::from_millis(config.index.commit_interval_ms),
        };
        let duties = service::duties::DutySettings {
            lease: Duration::from_millis(config.replica.duty_lease_ms),
            sweep: service::attachments::SweepSettings {
                grace: Duration::from_secs(config.storage.gc_grace_seconds),
                interval: Duration::from_secs(config.storage.gc_interval_seconds),
            },
            reminders_every: Duration::from_millis(config.notifications.reminder_interval_ms),
            mail_every: Duration::from_millis(config.mail.interval_ms),
            pruning: service::replicas::Pruning {
                every: Duration::from_millis(config.replica.outbox_prune_interval_ms),
                retention: Duration::from_secs(config.replica.outbox_retention_seconds),
                silent_after: Duration::from_millis(config.replica.silent_after_ms),
            },
        };
        Ok(Self {
            listener,
            router,
            metrics,
            connections,
            services,
            follower,
            duties,
            notification_poll: Duration::from_millis(config.notifications.poll_ms.max(10)),
            heartbeat: Duration::from_millis(config.replica.heartbeat_ms),
            database_url: config.database_url(),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Where `/metrics` is served when it has an address of its own.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    pub fn services(&self) -> &service::Context {
        &self.services
    }

    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let addr = self.local_addr()?;
        let follower_stop = CancellationToken::new();
        let follower = tokio::spawn(
            self.services
                .index
                .clone()
                .follow(self.follower, follower_stop.clone()),
        );
        // Background work: stopped after the last request, the index follower last of all.
        let background = tokio_util::task::TaskTracker::new();
        let background_stop = CancellationToken::new();
        background.spawn(service::notifications::deliver(
            self.services.clone(),
            self.notification_poll,
            background_stop.clone(),
        ));
        background.spawn(service::replicas::keep_alive(
            self.services.clone(),
            self.heartbeat,
            background_stop.clone(),
        ));
        background.spawn(service::replicas::listen_for_changes(
            self.services.clone(),
            self.database_url,
            background_stop.clone(),
        ));
        for duty in service::duties::Duty::ALL {
            background.spawn(service::duties::run(
                self.services.clone(),
                duty,
                self.duties.clone(),
                background_stop.clone(),
            ));
        }
        background.close();
        tracing::info!(%addr, "serving");
        let metrics = self.metrics.map(|(listener, router)| {
            if let Ok(addr) = listener.local_addr() {
                tracing::info!(%addr, "serving metrics");
            }
            tokio::spawn(serve(listener, router, self.connections, shutdown.clone()))
        });
        serve(self.listener, self.router, self.connections, shutdown).await;
        if let Some(metrics) = metrics
            && let Err(e) = metrics.await
        {
            tracing::error!(error = %e, "the metrics listener ended badly");
        }
        // Duties give their leases up, the heartbeat leaves the replicas table; then the
        // follower stops, committing what it staged.
        background_stop.cancel();
        background.wait().await;
        follower_stop.cancel();
        if let Err(e) = follower.await {
            tracing::error!(error = %e, "the search index follower ended badly");
        }
        tracing::info!("stopped");
        self.services
            .db
            .close()
            .await
            .context("cannot close the database")?;
        Ok(())
    }
}

/// Mail as configured: through the relay when one is named, else to the log; its links signed
/// with `mail.link_secret`, or the HS256 secret of the embedded default.
fn mail(config: &Config) -> anyhow::Result<service::mail::Mail> {
    use secrecy::ExposeSecret;
    let m = &config.mail;
    let transport = match &m.host {
        Some(host) => service::mail::Transport::smtp(&service::mail::Relay {
            host: host.clone(),
            port: m.port,
            tls: m.tls.clone(),
            username: m.username.clone(),
            password: m.password.clone(),
            timeout: Duration::from_millis(m.timeout_ms),
        })
        .map_err(|problem| crate::config::ConfigError::Invalid {
            key: "mail",
            problem,
        })?,
        None => service::mail::Transport::Log,
    };
    let secret = match (&m.link_secret, config.auth.uses_public_keys()) {
        (Some(secret), _) => secret.clone(),
        (None, false) => crate::auth::hs256_secret(&config.auth, &config.data_dir)
            .context("cannot read the secret that signs mail links")?,
        (None, true) if m.host.is_some() => {
            return Err(crate::config::ConfigError::Invalid {
                key: "mail.link_secret",
                problem: "is required with public keys once mail.host is set".into(),
            }
            .into());
        }
        // Nothing is sent: links in logged messages need not outlive this process.
        (None, true) => secrecy::SecretString::from(uuid::Uuid::new_v4().to_string()),
    };
    Ok(service::mail::Mail {
        transport,
        from: m.from.clone(),
        public_url: config.public_url(),
        secret: service::mail::link_key(secret.expose_secret().as_bytes()),
        per_person_per_day: m.per_person_per_day,
        per_run: m.per_run,
        digest_items: m.digest_items,
        max_attempts: m.max_attempts,
        words: commons_web::mail_words()?,
    })
}
