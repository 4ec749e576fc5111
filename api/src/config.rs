//! One typed configuration: built-in defaults < `commons.toml` < `COMMONS_*` environment
//! variables (nested keys with a double underscore: `COMMONS_LIMITS__QUERY_DEPTH=8`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use jsonwebtoken::Algorithm;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

// Where attachments are kept is the file store's own setting; the configuration names it.
pub use commons_service::files::StorageConfig;
// The bounds a request meets and the callers' budgets are the GraphQL layer's; the pages'
// settings are the pages'.
pub use commons_graphql::config::{Limits, RateLimitConfig};
pub use commons_web::config::{OidcConfig, WebConfig};

pub const DEFAULT_CONFIG_FILE: &str = "commons.toml";

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Holds the SQLite file, the search index, the object folder and the generated secret.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; by default the SQLite file in the data directory. A
    /// secret: it may hold a password, so no log or error prints it.
    pub database_url: Option<SecretString>,
    /// Connections in the pool. SQLite serialises writers anyway, but readers run in parallel.
    pub database_max_connections: u32,
    /// How long a request waits for a database connection (opening one included) before it
    /// answers 503 `UNAVAILABLE`: a lost database must look like an outage to a proxy, soon.
    pub database_acquire_timeout_ms: u64,
    /// The address printed for people to open (GraphiQL), when it differs from `listen`.
    pub public_url: Option<String>,
    /// Proxies (addresses or networks: `10.0.0.7`, `10.0.0.0/8`) whose `Forwarded` and
    /// `X-Forwarded-For` headers name the client; nobody's by default (see `forwarded.rs`).
    pub trusted_proxies: Vec<String>,
    pub log_format: LogFormat,
    pub auth: AuthConfig,
    pub limits: Limits,
    pub index: IndexConfig,
    pub storage: StorageConfig,
    pub metrics: MetricsConfig,
    pub rate_limit: RateLimitConfig,
    pub extraction: ExtractionConfig,
    pub notifications: NotificationsConfig,
    pub review: ReviewConfig,
    pub reports: ReportsConfig,
    pub evaluation: EvaluationConfig,
    pub mail: MailConfig,
    pub replica: ReplicaConfig,
    pub web: WebConfig,
    /// GraphiQL at `/graphiql`; switch it off in production if nobody should explore there.
    pub graphiql: bool,
    /// `__schema` and `__type`; GraphiQL needs them.
    pub introspection: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 8,
            database_acquire_timeout_ms: 5_000,
            public_url: None,
            trusted_proxies: Vec::new(),
            log_format: LogFormat::Text,
            auth: AuthConfig::default(),
            limits: Limits::default(),
            index: IndexConfig::default(),
            storage: StorageConfig::default(),
            metrics: MetricsConfig::default(),
            rate_limit: RateLimitConfig::default(),
            notifications: NotificationsConfig::default(),
            review: ReviewConfig::default(),
            reports: ReportsConfig::default(),
            evaluation: EvaluationConfig::default(),
            mail: MailConfig::default(),
            replica: ReplicaConfig::default(),
            web: WebConfig::default(),
            extraction: ExtractionConfig::default(),
            graphiql: true,
            introspection: true,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct AuthConfig {
    pub issuer: String,
    pub audience: String,
    /// The HS256 secret of the embedded default. When neither this nor any public key is
    /// configured, a secret is generated into the data directory on first start.
    pub hs256_secret: Option<SecretString>,
    /// Production keys: each pins one algorithm.
    pub public_keys: Vec<PublicKeyConfig>,
    /// A JWKS document on disk; every key in it must name its `alg`.
    pub jwks_file: Option<PathBuf>,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    pub leeway_seconds: u64,
    /// How long a verified token's organisation and person are remembered; 0: never.
    pub identity_cache_seconds: u64,
    /// Tokens' identities remembered at once.
    pub identity_cache_entries: usize,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            issuer: "commons".to_owned(),
            audience: "commons".to_owned(),
            hs256_secret: None,
            public_keys: Vec::new(),
            jwks_file: None,
            leeway_seconds: 5,
            identity_cache_seconds: 30,
            identity_cache_entries: 10_000,
        }
    }
}

impl AuthConfig {
    /// Production mode: tokens are signed elsewhere and verified with public keys only.
    pub fn uses_public_keys(&self) -> bool {
        !self.public_keys.is_empty() || self.jwks_file.is_some()
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct PublicKeyConfig {
    /// Matched against the token header's `kid` when both have one.
    pub kid: Option<String>,
    pub algorithm: Algorithm,
    /// A PEM file: RSA or EC public key, or an Ed25519 public key.
    pub pem_file: PathBuf,
}

/// Notifications: how they reach live subscribers, and the reply-by reminders.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct NotificationsConfig {
    /// How often the outbox is looked at for notifications written by another replica (a
    /// change on this replica is delivered at once).
    pub poll_ms: u64,
    /// How often proposals whose reply-by moment is within three days are looked for; 0 turns
    /// the reminders off.
    pub reminder_interval_ms: u64,
    /// Live connections on `/graphql/ws` at once; one more is refused (HTTP 503).
    pub websocket_connections: usize,
    /// The server pings each live connection this often.
    pub websocket_ping_ms: u64,
    /// A connection that sends nothing (not even a pong or its `connection_init`) for this
    /// long is closed.
    pub websocket_idle_ms: u64,
    /// Subscriptions one connection may hold.
    pub websocket_subscriptions: usize,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        Self {
            poll_ms: 500,
            reminder_interval_ms: 60_000,
            websocket_connections: 1_000,
            websocket_ping_ms: 15_000,
            websocket_idle_ms: 60_000,
            websocket_subscriptions: 10,
        }
    }
}

/// Tools kept current: a published tool is due for review this long after its publication or
/// its owner's last confirmation that it is still valid, and its owner's staff are told this
/// long before (by the reminders, every `notifications.reminder_interval_ms`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ReviewConfig {
    pub after_days: u32,
    pub notice_days: u32,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        Self {
            after_days: 365,
            notice_days: 30,
        }
    }
}

/// Reports of problematic content: how many one person may file in a day (`RATE_LIMITED`
/// beyond), so that a flood from one account costs the moderators nothing.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ReportsConfig {
    pub per_day: u32,
}

impl Default for ReportsConfig {
    fn default() -> Self {
        Self { per_day: 20 }
    }
}

/// The evaluation's quality indicators: the largest value a count may take (a caisse's typing
/// error, not a real figure, beyond it).
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct EvaluationConfig {
    pub max_count: u32,
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        Self {
            max_count: 1_000_000,
        }
    }
}

/// Notifications by e-mail through an SMTP relay; without `host`, messages are written to the
/// log instead of sent.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct MailConfig {
    pub host: Option<String>,
    pub port: u16,
    /// `starttls` (port 587), `tls` (implicit, port 465) or `none` (a relay on the same host).
    pub tls: String,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The sender: `Commons <commons@example.be>`.
    pub from: String,
    /// Signs the links of unsubscribes; shared by the replicas. Without it, the HS256 secret
    /// of the embedded default signs them; with public keys only, it is required once `host`
    /// is set.
    pub link_secret: Option<SecretString>,
    /// How often new notifications are queued and due messages sent.
    pub interval_ms: u64,
    /// Messages to one person in 24 hours at most; the rest wait.
    pub per_person_per_day: u32,
    /// Messages queued or sent by one run at most.
    pub per_run: u32,
    /// Notifications a weekly digest lists at most, with a link to the rest.
    pub digest_items: u32,
    /// Attempts of a message a relay refuses for now before it is given up.
    pub max_attempts: u32,
    /// How long one SMTP exchange may take.
    pub timeout_ms: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            host: None,
            port: 587,
            tls: "starttls".into(),
            username: None,
            password: None,
            from: "Commons <commons@localhost>".into(),
            link_secret: None,
            interval_ms: 30_000,
            per_person_per_day: 20,
            per_run: 200,
            digest_items: 20,
            max_attempts: 8,
            timeout_ms: 10_000,
        }
    }
}

/// Running as one of several replicas on one database: background duties that must run once,
/// and the outbox pruned of what every live replica has read.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ReplicaConfig {
    /// How often this replica says it is alive and how far its search index has read.
    pub heartbeat_ms: u64,
    /// A duty (the file sweep, reply-by reminders, outbox pruning) is held by one replica at a
    /// time under a lease of this length, renewed at a third of it; when its holder dies, the
    /// duty moves to another replica within this long.
    pub duty_lease_ms: u64,
    /// A replica not heard of for this long is taken for gone: it no longer holds the outbox
    /// back (when it comes back past the pruned rows, it rebuilds its index).
    pub silent_after_ms: u64,
    /// Outbox rows are kept at least this long, and until every live replica has read them.
    pub outbox_retention_seconds: u64,
    /// How often the outbox is pruned; 0 keeps it whole.
    pub outbox_prune_interval_ms: u64,
}

impl Default for ReplicaConfig {
    fn default() -> Self {
        Self {
            heartbeat_ms: 5_000,
            duty_lease_ms: 15_000,
            silent_after_ms: 60_000,
            outbox_retention_seconds: 24 * 3600,
            outbox_prune_interval_ms: 600_000,
        }
    }
}

/// The search index: where it lives and how it follows the database.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct IndexConfig {
    /// Where the index generations live; by default `index` in the data directory.
    pub dir: Option<PathBuf>,
    /// Changes from other replicas are noticed at the latest after this long.
    pub poll_interval_ms: u64,
    /// Changes are committed to the index at most this often; 0 commits each batch at once.
    pub commit_interval_ms: u64,
    /// `/readyz` fails while more changes than this wait to be applied to the index, so that a
    /// load balancer sends people to a replica that answers with current data.
    pub ready_max_lag: u64,
}

impl Default for IndexConfig {
    fn default() -> Self {
        Self {
            dir: None,
            poll_interval_ms: 500,
            commit_interval_ms: 0,
            ready_max_lag: 1_000,
        }
    }
}

/// `/metrics` (Prometheus text): on the service's own address by default, on an address of
/// its own (an internal interface, say) when `listen` is set, or nowhere when switched off.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct MetricsConfig {
    pub enabled: bool,
    pub listen: Option<SocketAddr>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: None,
        }
    }
}

/// Reading the text of uploaded PDFs, in a child process with limits.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ExtractionConfig {
    /// The `commons` binary run as `commons extract-pdf`; by default the one serving.
    pub program: Option<PathBuf>,
    /// The reader's address space, in MiB.
    pub pdf_memory_mb: u64,
    /// The reader's CPU time, in seconds (it is waited for one second more).
    pub pdf_seconds: u64,
}

impl Default for ExtractionConfig {
    fn default() -> Self {
        Self {
            program: None,
            pdf_memory_mb: 512,
            pdf_seconds: 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Load(String),
    #[error("invalid configuration: {key} {problem}")]
    Invalid { key: &'static str, problem: String },
}

impl Config {
    /// Reads the configuration: defaults, then the file (if it exists), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let file = file.unwrap_or(Path::new(DEFAULT_CONFIG_FILE));
        Self::from_figment(
            Figment::new()
                .merge(Toml::file(file))
                .merge(Env::prefixed("COMMONS_").split("__")),
        )
    }

    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Load(describe(e)))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        crate::forwarded::TrustedProxies::parse(&self.trusted_proxies).map_err(|problem| {
            ConfigError::Invalid {
                key: "trusted_proxies",
                problem,
            }
        })?;
        let positive = [
            ("limits.query_depth", self.limits.query_depth),
            (
                "limits.introspection_depth",
                self.limits.introspection_depth,
            ),
            ("limits.query_complexity", self.limits.query_complexity),
            ("limits.body_bytes", self.limits.body_bytes),
            ("limits.upload_bytes", self.limits.upload_bytes),
            ("limits.upload_files", self.limits.upload_files),
            (
                "limits.upload_paths_per_file",
                self.limits.upload_paths_per_file,
            ),
            ("limits.page_size", self.limits.page_size),
            ("reports.per_day", self.reports.per_day as usize),
            ("evaluation.max_count", self.evaluation.max_count as usize),
            (
                "notifications.websocket_connections",
                self.notifications.websocket_connections,
            ),
            (
                "notifications.websocket_subscriptions",
                self.notifications.websocket_subscriptions,
            ),
            ("limits.search_query_chars", self.limits.search_query_chars),
            ("limits.search_query_words", self.limits.search_query_words),
            (
                "limits.search_filter_owners",
                self.limits.search_filter_owners,
            ),
            (
                "limits.search_phrase_words",
                self.limits.search_phrase_words,
            ),
            (
                "limits.search_prefix_chars",
                self.limits.search_prefix_chars,
            ),
            (
                "limits.attachments_per_tool",
                self.limits.attachments_per_tool,
            ),
            ("storage.timeout_ms", self.storage.timeout_ms as usize),
            (
                "extraction.pdf_memory_mb",
                self.extraction.pdf_memory_mb as usize,
            ),
            (
                "extraction.pdf_seconds",
                self.extraction.pdf_seconds as usize,
            ),
            (
                "limits.header_read_timeout_ms",
                self.limits.header_read_timeout_ms as usize,
            ),
            (
                "limits.body_read_timeout_ms",
                self.limits.body_read_timeout_ms as usize,
            ),
            (
                "database_max_connections",
                self.database_max_connections as usize,
            ),
            (
                "database_acquire_timeout_ms",
                self.database_acquire_timeout_ms as usize,
            ),
            (
                "limits.ready_probe_timeout_ms",
                self.limits.ready_probe_timeout_ms as usize,
            ),
            ("mail.interval_ms", self.mail.interval_ms as usize),
            (
                "mail.per_person_per_day",
                self.mail.per_person_per_day as usize,
            ),
            ("mail.per_run", self.mail.per_run as usize),
            ("mail.digest_items", self.mail.digest_items as usize),
            ("mail.max_attempts", self.mail.max_attempts as usize),
            ("mail.timeout_ms", self.mail.timeout_ms as usize),
        ];
        for (key, value) in positive {
            if value == 0 {
                return Err(ConfigError::Invalid {
                    key,
                    problem: "must be at least 1".into(),
                });
            }
        }
        if !["starttls", "tls", "none"].contains(&self.mail.tls.as_str()) {
            return Err(ConfigError::Invalid {
                key: "mail.tls",
                problem: "must be starttls, tls or none".into(),
            });
        }
        if self.mail.username.is_some() != self.mail.password.is_some() {
            return Err(ConfigError::Invalid {
                key: "mail.username",
                problem: "and mail.password go together".into(),
            });
        }
        if self.mail.username.is_some() && self.mail.tls == "none" {
            return Err(ConfigError::Invalid {
                key: "mail.tls",
                problem: "none would send the relay's password in clear: use starttls or tls"
                    .into(),
            });
        }
        if self.mail.host.is_some() && self.public_url.is_none() {
            return Err(ConfigError::Invalid {
                key: "public_url",
                problem: "is required once mail.host is set: the links in e-mails start with it"
                    .into(),
            });
        }
        if !commons_service::mail::mailbox_ok(&self.mail.from) {
            return Err(ConfigError::Invalid {
                key: "mail.from",
                problem:
                    "must be an address, or a name and an address: Commons <commons@example.be>"
                        .into(),
            });
        }
        if self.mail.digest_items > 200 || self.mail.per_run > 10_000 {
            return Err(ConfigError::Invalid {
                key: "mail",
                problem: "digest_items is at most 200, per_run at most 10 000".into(),
            });
        }
        if !(1..=3650).contains(&self.review.after_days)
            || self.review.notice_days >= self.review.after_days
        {
            return Err(ConfigError::Invalid {
                key: "review",
                problem: "after_days must be 1 to 3650, and notice_days below it".into(),
            });
        }
        if self.rate_limit.enabled {
            if self.rate_limit.query_cost_per_minute < self.limits.query_complexity as u64 {
                return Err(ConfigError::Invalid {
                    key: "rate_limit.query_cost_per_minute",
                    problem: "must be at least limits.query_complexity, or the costliest query allowed could never run".into(),
                });
            }
            if self.rate_limit.file_route_cost > self.rate_limit.query_cost_per_minute {
                return Err(ConfigError::Invalid {
                    key: "rate_limit.file_route_cost",
                    problem: "must be at most rate_limit.query_cost_per_minute, or no file could ever be fetched".into(),
                });
            }
            if self.rate_limit.mutations_per_minute == 0 || self.rate_limit.max_callers == 0 {
                return Err(ConfigError::Invalid {
                    key: "rate_limit",
                    problem: "mutations_per_minute and max_callers must be at least 1".into(),
                });
            }
        }
        if self.database_acquire_timeout_ms >= self.limits.request_timeout_ms {
            return Err(ConfigError::Invalid {
                key: "database_acquire_timeout_ms",
                problem: "must be below limits.request_timeout_ms, or a lost database would answer TIMEOUT instead of UNAVAILABLE".into(),
            });
        }
        if self.auth.issuer.trim().is_empty() {
            return Err(ConfigError::Invalid {
                key: "auth.issuer",
                problem: "must not be empty".into(),
            });
        }
        if self.auth.audience.trim().is_empty() {
            return Err(ConfigError::Invalid {
                key: "auth.audience",
                problem: "must not be empty".into(),
            });
        }
        if let Some(url) = self.database_url.as_ref().map(ExposeSecret::expose_secret)
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid {
                key: "database_url",
                problem: "must start with sqlite:, postgres:// or postgresql://".into(),
            });
        }
        for key in &self.auth.public_keys {
            if matches!(
                key.algorithm,
                Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
            ) {
                return Err(ConfigError::Invalid {
                    key: "auth.public_keys.algorithm",
                    problem: "must be an asymmetric algorithm (RS*, PS*, ES*, EdDSA)".into(),
                });
            }
        }
        Ok(())
    }

    /// The database URL in force: the configured one, or the SQLite file in the data directory.
    /// Refuses to serve on PostgreSQL, the scale-out database, with a signing secret generated
    /// into this replica's data directory: each replica would make its own, and a token one
    /// signed would be refused by the others. Replicas share `auth.hs256_secret` or verify with
    /// the identity provider's public keys.
    pub fn check_replica_keys(&self) -> Result<(), ConfigError> {
        let url = self.database_url();
        let postgres = url.expose_secret().starts_with("postgres");
        if postgres && !self.auth.uses_public_keys() && self.auth.hs256_secret.is_none() {
            return Err(ConfigError::Invalid {
                key: "auth.hs256_secret",
                problem: "on PostgreSQL every replica must accept the others' tokens: set \
                          auth.hs256_secret (COMMONS_AUTH__HS256_SECRET), the same on every \
                          replica, or verify with auth.jwks_file / auth.public_keys"
                    .into(),
            });
        }
        Ok(())
    }

    pub fn database_url(&self) -> SecretString {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("commons.db").display()
            )
            .into(),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url().expose_secret().starts_with("sqlite:")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.index
            .dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("index"))
    }

    /// The address a person opens in a browser.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }
}

/// Names each bad key as the person wrote it (`COMMONS_LISTEN`, or `listen` in the file).
fn describe(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let source = match &e.metadata {
                Some(m) if e.path.is_empty() => format!(" (in {})", m.name),
                Some(m) if m.name.contains("environment") => {
                    format!(" (set by COMMONS_{})", e.path.join("__").to_uppercase())
                }
                Some(m) => format!(" (in {})", m.name),
                None => String::new(),
            };
            format!("{key}: {}{source}", e.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    // figment's Jail returns its own (large) error type; that is its API, not ours.
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::result_large_err)]
    use figment::Jail;

    use super::*;

    #[test]
    fn defaults_run_on_the_embedded_database() {
        Jail::expect_with(|_| {
            let c = Config::load(None).unwrap();
            assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
            assert_eq!(
                c.database_url().expose_secret(),
                "sqlite://./data/commons.db?mode=rwc"
            );
            Ok(())
        });
    }

    #[test]
    fn a_replica_on_postgresql_needs_a_shared_secret_or_public_keys() {
        Jail::expect_with(|jail| {
            // The embedded default generates its own secret.
            assert!(Config::load(None).unwrap().check_replica_keys().is_ok());
            jail.set_env(
                "COMMONS_DATABASE_URL",
                "postgres://commons@db.internal/commons",
            );
            let refused = Config::load(None)
                .unwrap()
                .check_replica_keys()
                .unwrap_err()
                .to_string();
            assert!(refused.contains("COMMONS_AUTH__HS256_SECRET"), "{refused}");
            jail.set_env("COMMONS_AUTH__HS256_SECRET", "x".repeat(40));
            assert!(Config::load(None).unwrap().check_replica_keys().is_ok());
            Ok(())
        });
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks_and_nobody_by_default() {
        Jail::expect_with(|jail| {
            assert!(Config::load(None).unwrap().trusted_proxies.is_empty());
            jail.set_env(
                "COMMONS_TRUSTED_PROXIES",
                r#"["10.0.0.7", "172.16.0.0/12"]"#,
            );
            let c = Config::load(None).unwrap();
            assert_eq!(c.trusted_proxies, ["10.0.0.7", "172.16.0.0/12"]);
            jail.set_env("COMMONS_TRUSTED_PROXIES", r#"["proxy.internal"]"#);
            let refused = Config::load(None).unwrap_err().to_string();
            assert!(
                refused.contains("trusted_proxies") && refused.contains("proxy.internal"),
                "{refused}"
            );
            Ok(())
        });
    }

    #[test]
    fn the_object_store_is_named_by_url_with_options_from_the_environment() {
        Jail::expect_with(|jail| {
            assert_eq!(Config::load(None).unwrap().storage.url, None);
            jail.set_env("COMMONS_STORAGE__URL", "s3://commons-files/attachments");
            jail.set_env(
                "COMMONS_STORAGE__OPTIONS__AWS_ENDPOINT",
                "https://minio.internal:9000",
            );
            let c = Config::load(None).unwrap();
            assert_eq!(
                c.storage.url.as_deref(),
                Some("s3://commons-files/attachments")
            );
            assert_eq!(
                c.storage
                    .options
                    .get("aws_endpoint")
                    .map(ExposeSecret::expose_secret),
                Some("https://minio.internal:9000")
            );
            // As the README tells people to write them: a boolean and a number are text too.
            jail.set_env("COMMONS_STORAGE__OPTIONS__AWS_ALLOW_HTTP", "true");
            jail.set_env("COMMONS_STORAGE__OPTIONS__AWS_CONNECT_TIMEOUT", "30");
            let c = Config::load(None).unwrap();
            let option = |k: &str| {
                c.storage
                    .options
                    .get(k)
                    .map(|v| v.expose_secret().to_owned())
            };
            assert_eq!(option("aws_allow_http").as_deref(), Some("true"));
            assert_eq!(option("aws_connect_timeout").as_deref(), Some("30"));
            Ok(())
        });
    }

    #[test]
    fn the_environment_overrides_the_file() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "commons.toml",
                "listen = \"127.0.0.1:9000\"\n[limits]\nquery_depth = 7",
            )?;
            jail.set_env("COMMONS_LISTEN", "0.0.0.0:9100");
            let c = Config::load(None).unwrap();
            assert_eq!(c.listen.to_string(), "0.0.0.0:9100");
            assert_eq!(c.limits.query_depth, 7);
            jail.set_env("COMMONS_LIMITS__QUERY_DEPTH", "5");
            assert_eq!(Config::load(None).unwrap().limits.query_depth, 5);
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_names_its_key() {
        Jail::expect_with(|jail| {
            jail.set_env("COMMONS_LISTEN", "not an address");
            let message = Config::load(None).unwrap_err().to_string();
            assert!(message.contains("listen"), "{message}");
            jail.set_env("COMMONS_LISTEN", "127.0.0.1:8080");
            jail.set_env("COMMONS_LIMITS__PAGE_SIZE", "0");
            let message = Config::load(None).unwrap_err().to_string();
            assert!(message.contains("limits.page_size"), "{message}");
            Ok(())
        });
    }

    #[test]
    fn secrets_never_print() {
        Jail::expect_with(|jail| {
            jail.set_env("COMMONS_AUTH__HS256_SECRET", "s3cr3t-value");
            jail.set_env(
                "COMMONS_DATABASE_URL",
                "postgres://commons:db-passw0rd@db.internal/commons",
            );
            jail.set_env(
                "COMMONS_STORAGE__OPTIONS__AWS_SECRET_ACCESS_KEY",
                "k3y-value",
            );
            let c = Config::load(None).unwrap();
            let printed = format!("{c:?}");
            for secret in ["s3cr3t-value", "db-passw0rd", "k3y-value"] {
                assert!(!printed.contains(secret), "{printed}");
            }
            // Read where they are used, and only there.
            assert!(c.database_url().expose_secret().contains("db-passw0rd"));
            Ok(())
        });
    }
}
