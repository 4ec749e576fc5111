use std::time::Duration;

use commons_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// The database of record, SQLite or PostgreSQL, chosen by the URL.
pub type Database = DatabaseConnection;

/// How long a writer waits for SQLite's write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn connect(url: &str, max_connections: u32) -> Result<Database, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
            // WAL lets readers run beside the one writer; synchronous=FULL makes every
            // acknowledged commit survive a power cut, not only a crash of the process.
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
        });
    sea_orm::Database::connect(options).await
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and upgrades later fails with
/// SQLITE_BUSY without waiting for the busy timeout when another writer got there first.
pub async fn begin_write(db: &Database) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

pub async fn migrate(db: &Database) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Why the service is not ready: in plain words for anyone, and the detail for the log.
pub struct NotReady {
    pub problem: String,
    pub detail: String,
}

/// Ready means: the database answers and every migration this binary knows has run.
pub async fn check_ready(db: &Database) -> Result<(), NotReady> {
    db.execute_unprepared("SELECT 1")
        .await
        .map_err(|e| NotReady {
            problem: "the database cannot be reached".into(),
            detail: e.to_string(),
        })?;
    let pending = Migrator::get_pending_migrations(db)
        .await
        .map_err(|e| NotReady {
            problem: "the database's migrations cannot be read".into(),
            detail: e.to_string(),
        })?;
    if pending.is_empty() {
        Ok(())
    } else {
        let problem = format!("{} database migrations are pending", pending.len());
        Err(NotReady {
            detail: problem.clone(),
            problem,
        })
    }
}

pub fn backend(db: &Database) -> DbBackend {
    db.get_database_backend()
}
