use std::time::Duration;

use commons_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

/// The database of record, SQLite or PostgreSQL, chosen by the URL.
pub type Database = DatabaseConnection;

/// How long a writer waits for SQLite's write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the pool. A request waits at most `acquire_timeout` for a connection (which covers
/// opening one): past it the database counts as unreachable ([`unreachable`]).
pub async fn connect(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> Result<Database, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(acquire_timeout)
        .acquire_timeout(acquire_timeout)
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

/// Did this fail because the database could not be reached (refused, reset, silent past the
/// pool's timeout, shutting down), rather than because of what was asked of it? Such a
/// failure is the operator's, and a load balancer must see it (503 `UNAVAILABLE`).
pub fn unreachable(e: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    let sqlx = match e {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match sqlx.as_ref() {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed => true,
        // PostgreSQL's connection exceptions (class 08) and its shutting down or starting up
        // (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
        Sqlx::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
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

/// On SQLite, processes on one file take turns under an exclusive lock on a file beside it.
async fn migrate_sqlite(db: &Database) -> Result<(), DbErr> {
    use sea_orm::{FromQueryResult, JsonValue};
    let files = JsonValue::find_by_statement(Statement::from_string(
        DbBackend::Sqlite,
        "PRAGMA database_list",
    ))
    .all(db)
    .await?;
    let main_file = files
        .iter()
        .find(|f| f["name"] == "main")
        .and_then(|f| f["file"].as_str())
        .filter(|f| !f.is_empty())
        .map(|f| std::path::PathBuf::from(format!("{f}-migrate.lock")));
    let Some(lock_path) = main_file else {
        // In memory: nobody else can see it.
        return Migrator::up(db, None).await;
    };
    let io = |e: std::io::Error| DbErr::Custom(format!("the migration lock: {e}"));
    let lock = tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .map_err(|e| DbErr::Custom(format!("the migration lock: {e}")))?
    .map_err(io)?;
    let migrated = Migrator::up(db, None).await;
    // Closing the file releases the lock.
    drop(lock);
    migrated
}

/// The session lock migrations run under on PostgreSQL.
const MIGRATION_LOCK: i64 = 0x0063_6f6d_6d69_6772;

/// Brings the schema up to date. On PostgreSQL, replicas starting together (a rolling update)
/// take turns under a session advisory lock, held on a connection of its own: the first
/// migrates, the others find nothing left to do. Without it they race to create the same
/// tables and all but one fail.
pub async fn migrate(db: &Database) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {}
        DbBackend::Sqlite => return migrate_sqlite(db).await,
        _ => return Migrator::up(db, None).await,
    }
    let sqlx_err = |e: sea_orm::sqlx::Error| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into()));
    use sea_orm::sqlx::Connection as _;
    // Outside the pool, which may have a single connection for the migrations themselves.
    let options = db.get_postgres_connection_pool().connect_options();
    let mut holder = sea_orm::sqlx::PgConnection::connect_with(&options)
        .await
        .map_err(sqlx_err)?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut holder)
        .await
        .map_err(sqlx_err)?;
    let migrated = Migrator::up(db, None).await;
    let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut holder)
        .await;
    if let Err(e) = unlocked {
        tracing::warn!(error = %e, "cannot release the migration lock; closing its connection");
    }
    // Closing the connection releases the lock in any case.
    if let Err(e) = holder.close().await {
        tracing::debug!(error = %e, "the migration lock's connection closed badly");
    }
    migrated
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

/// Whether this database holds Commons' schema: a backup must not copy a database that merely
/// happens to be where one was expected.
pub async fn is_commons_database(db: &Database) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            backend(db),
            match backend(db) {
                DbBackend::Sqlite => {
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'"
                }
                _ => {
                    "SELECT 1 FROM information_schema.tables WHERE table_name = 'seaql_migrations'"
                }
            },
        ))
        .await?;
    Ok(row.is_some())
}

/// Copies an SQLite database into a new file at `target`, as one read transaction sees it (a
/// consistent snapshot, compacted): `VACUUM INTO`.
pub async fn sqlite_snapshot_into(db: &Database, target: &str) -> Result<(), DbErr> {
    let quoted = target.replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await
        .map(|_| ())
}
