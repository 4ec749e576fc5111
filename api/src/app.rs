use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::Verifier;
use crate::config::Config;
use crate::graphql;
use crate::http::{self, AppState};
use crate::service;
use crate::store;

/// A built service: database migrated, keys loaded, socket bound. `run` serves until the
/// cancellation token fires, then lets in-flight requests finish.
pub struct App {
    listener: TcpListener,
    router: axum::Router,
    services: service::Context,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
        let db = store::db::connect(&config.database_url(), config.database_max_connections)
            .await
            .context("cannot connect to the database")?;
        store::db::migrate(&db)
            .await
            .context("cannot migrate the database")?;
        let verifier = Verifier::from_config(&config.auth, &config.data_dir)
            .context("cannot load the token verification keys")?;
        let services = service::Context::new(db, config.limits.page_size);
        let schema = graphql::build_schema(services.clone(), &config.limits);
        let router = http::router(AppState {
            schema,
            services: services.clone(),
            verifier: Arc::new(verifier),
            limits: config.limits.clone(),
        });
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        Ok(Self {
            listener,
            router,
            services,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn services(&self) -> &service::Context {
        &self.services
    }

    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let addr = self.local_addr()?;
        tracing::info!(%addr, "serving");
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
            .context("the server failed")?;
        tracing::info!("stopped");
        self.services
            .db
            .close()
            .await
            .context("cannot close the database")?;
        Ok(())
    }
}
