//! The `commons` command: configuration, telemetry, then one of the subcommands.
// The merged query root nests one async block per part of the schema; laying them out
// (in release builds too) takes rustc past its default query depth.
#![recursion_limit = "256"]

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use commons_api::auth::Minter;
use commons_api::config::{Config, LogFormat};
use commons_api::{App, telemetry};
use commons_domain::identity::Role;
use commons_graphql as graphql;
use commons_service::demo;

use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;

/// A server allocates in many threads at once (see the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "commons",
    version,
    about = "Commons: the mental well-being toolbox of the Belgian caisses, their partners and INASTI"
)]
struct Cli {
    /// The configuration file (missing is fine: defaults and COMMONS_* variables apply).
    #[arg(long, global = true, env = "COMMONS_CONFIG", default_value = commons_api::config::DEFAULT_CONFIG_FILE)]
    config: PathBuf,
    /// Log as text lines or as JSON objects.
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the migrations, then serve the API until SIGINT or SIGTERM.
    Serve {
        /// Also load the demo data and print development tokens and the GraphiQL address.
        #[arg(long)]
        demo: bool,
    },
    /// Run the database migrations and exit.
    Migrate,
    /// Print a development token (HS256, the embedded default's secret) on standard output.
    Token {
        /// The organisation's slug, e.g. `acerta`.
        #[arg(long)]
        org: String,
        /// STAFF, ORG_ADMIN, MODERATOR or PLATFORM_ADMIN; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The token's subject (a stable user id).
        #[arg(long)]
        sub: Option<String>,
        /// The person's display name.
        #[arg(long)]
        name: Option<String>,
        /// How long the token is valid, e.g. `8h`, `30m`.
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: Duration,
    },
    /// Load the demo data (idempotent) and exit.
    Demo,
    /// Rebuild the search index from the database into a new generation and swap it in; a
    /// running server picks it up and keeps serving searches meanwhile.
    Reindex,
    /// Back up the embedded default (SQLite database, stored files, generated secret) into a
    /// new folder, while the service runs.
    Backup {
        /// The folder to write; it must not exist yet, or be empty.
        path: PathBuf,
    },
    /// Restore a backup into an empty data folder and rebuild the search index.
    Restore {
        /// The folder `commons backup` wrote.
        path: PathBuf,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Read a PDF on standard input and print its text, within the given limits. The server
    /// runs this for each uploaded PDF; not for people.
    #[command(hide = true)]
    ExtractPdf {
        #[arg(long)]
        max_memory_bytes: u64,
        #[arg(long)]
        max_seconds: u64,
    },
}

fn main() -> std::process::ExitCode {
    match start() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn start() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::ExtractPdf {
        max_memory_bytes,
        max_seconds,
    } = cli.command
    {
        // First, before any configuration, thread or runtime: the limits bound all it does.
        return commons_service::extraction::child(max_memory_bytes, max_seconds);
    }
    if let Command::Schema = cli.command {
        print!("{}", graphql::sdl());
        return Ok(());
    }
    let mut config = Config::load(Some(&cli.config))?;
    if let Some(format) = cli.log_format {
        config.log_format = format;
    }
    telemetry::init(config.log_format);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the runtime")?;
    runtime.block_on(run(cli.command, config))
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo } => {
            config.check_replica_keys()?;
            serve(config, demo).await
        }
        Command::Migrate => {
            std::fs::create_dir_all(&config.data_dir)?;
            let db = commons_service::database::connect(
                config.database_url().expose_secret(),
                1,
                std::time::Duration::from_millis(config.database_acquire_timeout_ms),
            )
            .await?;
            commons_service::database::migrate(&db).await?;
            eprintln!("migrations are current");
            Ok(())
        }
        Command::Token {
            org,
            roles,
            sub,
            name,
            ttl,
        } => {
            for role in &roles {
                role.parse::<Role>().map_err(anyhow::Error::msg)?;
            }
            let minter = Minter::from_config(&config.auth, &config.data_dir)?;
            let subject = sub.unwrap_or_else(|| format!("dev-{org}"));
            println!(
                "{}",
                minter.mint(&subject, &org, &roles, name.as_deref(), ttl)?
            );
            Ok(())
        }
        Command::Demo => {
            let services = commons_api::app::open_services(&config).await?;
            let loaded = demo::load(&services).await?;
            eprintln!(
                "demo data loaded: {} organisations registered, {} already there; {} tools, {} collaboration proposals and {} service offerings added",
                loaded.registered,
                loaded.already_there,
                loaded.tools,
                loaded.collaborations,
                loaded.offerings
            );
            Ok(())
        }
        Command::Reindex => {
            let services = commons_api::app::open_services(&config).await?;
            let index = &services.index;
            let started = std::time::Instant::now();
            let tools = index.rebuild().await?;
            eprintln!(
                "search index rebuilt: {tools} tools in {:.1} s, {} documents",
                started.elapsed().as_secs_f64(),
                index.current().num_docs()
            );
            Ok(())
        }
        Command::Backup { path } => {
            let m = commons_api::backup::backup(&config, &path).await?;
            let files = m.objects.as_ref().map_or_else(
                || "files: in the object store, not copied (use its versioning)".to_owned(),
                |o| format!("{} files, {} bytes", o.files, o.bytes),
            );
            eprintln!(
                "backed up into {}: database {} bytes (sha256 {}), {files}",
                path.display(),
                m.database_bytes,
                m.database_sha256
            );
            Ok(())
        }
        Command::Restore { path } => {
            let m = commons_api::backup::restore(&config, &path).await?;
            eprintln!(
                "restored the backup of {} into {}; the search index is rebuilt",
                m.created_at.to_rfc3339(),
                config.data_dir.display()
            );
            Ok(())
        }
        Command::Schema | Command::ExtractPdf { .. } => Ok(()),
    }
}

async fn serve(config: Config, with_demo: bool) -> anyhow::Result<()> {
    let public_url = config.public_url();
    let demo_minter = if with_demo && !config.auth.uses_public_keys() {
        Some(Minter::from_config(&config.auth, &config.data_dir)?)
    } else {
        None
    };
    let app = App::build(config).await?;
    if with_demo {
        let loaded = demo::load(app.services()).await?;
        eprintln!(
            "demo data: {} organisations registered, {} already there; {} tools, {} collaboration proposals and {} service offerings added",
            loaded.registered,
            loaded.already_there,
            loaded.tools,
            loaded.collaborations,
            loaded.offerings
        );
        if let Some(minter) = demo_minter {
            eprintln!(
                "\ndevelopment tokens (valid 8 hours; send as `Authorization: Bearer <token>`):"
            );
            for (who, token) in commons_api::auth::demo_tokens(&minter)? {
                eprintln!("\n  {who}\n  {token}");
            }
        }
        let addr = app.local_addr()?;
        eprintln!("\nGraphiQL: {public_url}/graphiql   (listening on {addr})\n");
    }
    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    app.run(shutdown).await
}

/// SIGINT or SIGTERM starts a graceful shutdown.
async fn cancel_on_signal(token: CancellationToken) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
    token.cancel();
}
