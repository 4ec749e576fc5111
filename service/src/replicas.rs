//! This process as one replica among several on one database: it says it is alive and how far
//! its search index has read the outbox (the heartbeat), hears of other replicas' changes the
//! moment they commit (PostgreSQL `LISTEN`), and prunes the outbox of what every live replica
//! has read.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;

use crate::indexing::blocking;
use crate::{Context, ServiceResult};

/// Who this process is among the replicas: a new id each time it starts.
#[derive(Clone, Debug)]
pub struct Replica {
    pub id: String,
    /// The machine, for people reading the replicas table.
    pub host: String,
}

impl Replica {
    pub fn new() -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().chars().take(200).collect::<String>())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            host: format!("{host} (pid {})", std::process::id()),
        }
    }
}

impl Default for Replica {
    fn default() -> Self {
        Self::new()
    }
}

/// Leases and liveness are reckoned in real time, whatever the service clock says (tests set
/// that one to another day).
pub(crate) fn wall_now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn ago(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Records that this replica is alive, with its index position.
pub async fn heartbeat(ctx: &Context) -> ServiceResult<()> {
    let index = ctx.index.current();
    let position = blocking(move || index.cursor()).await?.unwrap_or(0);
    commons_store::replicas::heartbeat(
        &ctx.db,
        &ctx.replica.id,
        &ctx.replica.host,
        position,
        wall_now(),
    )
    .await?;
    Ok(())
}

/// Beats every `every` until `stop`, then leaves the table so as not to hold pruning back.
pub async fn keep_alive(ctx: Context, every: Duration, stop: CancellationToken) {
    let every = every.max(Duration::from_millis(50));
    loop {
        if let Err(e) = heartbeat(&ctx).await {
            tracing::warn!(error = %e, "cannot record this replica's heartbeat");
        }
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(every) => {}
        }
    }
    if let Err(e) = commons_store::replicas::leave(&ctx.db, &ctx.replica.id).await {
        tracing::warn!(error = %e, "cannot remove this replica from the replicas table");
    }
}

/// How the outbox is pruned.
#[derive(Clone, Copy, Debug)]
pub struct Pruning {
    pub every: Duration,
    /// Rows are kept at least this long.
    pub retention: Duration,
    /// A replica silent for this long no longer holds rows back.
    pub silent_after: Duration,
}

/// Rows deleted at most per transaction, so that pruning a large backlog holds no lock long.
const PRUNE_BATCH: u64 = 10_000;

/// Deletes the outbox rows older than the retention that every live replica's index has read;
/// the number deleted.
pub async fn prune_outbox(ctx: &Context, pruning: Pruning) -> ServiceResult<u64> {
    let seen_since = ago(wall_now(), pruning.silent_after);
    let forgotten = commons_store::replicas::forget_silent(&ctx.db, seen_since).await?;
    if forgotten > 0 {
        tracing::info!(
            replicas = forgotten,
            "replicas not heard of lately no longer hold the outbox back"
        );
    }
    let Some(slowest) = commons_store::replicas::slowest_position(&ctx.db, seen_since).await?
    else {
        return Ok(0);
    };
    // Row times come from the service clock, so the retention is reckoned on it too.
    let Some(old_enough) =
        commons_store::outbox::last_id_before(&ctx.db, ago(ctx.now(), pruning.retention)).await?
    else {
        return Ok(0);
    };
    let through = slowest.min(old_enough);
    if through <= commons_store::outbox::horizon(&ctx.db).await? {
        return Ok(0);
    }
    let mut deleted = 0;
    loop {
        let txn = commons_store::begin_write(&ctx.db).await?;
        let n = commons_store::outbox::prune_batch(&txn, through, PRUNE_BATCH, wall_now()).await?;
        txn.commit().await?;
        deleted += n;
        if n < PRUNE_BATCH {
            break;
        }
    }
    tracing::info!(rows = deleted, through, "outbox pruned");
    Ok(deleted)
}

/// Wakes this replica's index follower and notification delivery whenever any replica commits
/// a change (PostgreSQL only; on SQLite there is one writer process and the poll suffices).
pub async fn listen_for_changes(ctx: Context, database_url: SecretString, stop: CancellationToken) {
    let wake = || {
        ctx.index.changes().notify_one();
        ctx.notifications.wake();
    };
    loop {
        let connected = tokio::select! {
            () = stop.cancelled() => return,
            c = commons_store::outbox::ChangeListener::connect(database_url.expose_secret()) => c,
        };
        match connected {
            Ok(None) => return,
            Ok(Some(mut listener)) => {
                tracing::debug!("listening for changes made by any replica");
                loop {
                    let heard = tokio::select! {
                        () = stop.cancelled() => return,
                        heard = listener.next() => heard,
                    };
                    // After an error the changes in between may have gone unannounced:
                    // look at once, then listen again on a new connection.
                    wake();
                    if let Err(e) = heard {
                        tracing::warn!(error = %e, "lost the change notifications; polling until they are back");
                        break;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for change notifications; polling meanwhile");
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}
