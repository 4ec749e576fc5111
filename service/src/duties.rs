//! Background duties that must run once across the replicas of a deployment: the file sweep,
//! reply-by reminders, review reminders (published tools near their review date), outbox
//! pruning and mail (notifications and digests queued, then sent). Every replica runs the loop below for each duty; only
//! the one holding the duty's lease (a row taken by conditional upsert, renewed at a third of
//! its length) does the work, and a holder that dies stops renewing, so another takes the duty
//! within one lease. A run whose lease is lost midway is stopped. A lease in a table rather
//! than a PostgreSQL advisory lock: it holds on SQLite too, needs no connection kept for it,
//! and says who holds what and when each duty last ran.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::replicas::{Pruning, wall_now};
use crate::{Context, ServiceResult, attachments, mail, notifications, replicas};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duty {
    FileSweep,
    ReplyReminders,
    OutboxPruning,
    ReviewReminders,
    Mail,
}

impl Duty {
    pub const ALL: [Duty; 5] = [
        Duty::FileSweep,
        Duty::ReplyReminders,
        Duty::OutboxPruning,
        Duty::ReviewReminders,
        Duty::Mail,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Duty::FileSweep => "file_sweep",
            Duty::ReplyReminders => "reply_reminders",
            Duty::OutboxPruning => "outbox_pruning",
            Duty::ReviewReminders => "review_reminders",
            Duty::Mail => "mail",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// What this replica did with each duty, for `/metrics`.
#[derive(Debug, Default)]
pub struct DutyBoard {
    held: [AtomicBool; 5],
    runs: [AtomicU64; 5],
    failures: [AtomicU64; 5],
}

impl DutyBoard {
    pub fn held(&self, duty: Duty) -> bool {
        self.held[duty.slot()].load(Ordering::Relaxed)
    }

    /// Runs this replica completed.
    pub fn runs(&self, duty: Duty) -> u64 {
        self.runs[duty.slot()].load(Ordering::Relaxed)
    }

    pub fn failures(&self, duty: Duty) -> u64 {
        self.failures[duty.slot()].load(Ordering::Relaxed)
    }

    fn set_held(&self, duty: Duty, held: bool) {
        self.held[duty.slot()].store(held, Ordering::Relaxed);
    }
}

/// When each duty runs and what it is given.
#[derive(Clone, Debug)]
pub struct DutySettings {
    pub lease: Duration,
    pub sweep: attachments::SweepSettings,
    pub reminders_every: Duration,
    pub pruning: Pruning,
    /// How often mail is queued and sent.
    pub mail_every: Duration,
}

impl DutySettings {
    /// How often `duty` runs; zero: never.
    fn every(&self, duty: Duty) -> Duration {
        match duty {
            Duty::FileSweep => self.sweep.interval,
            Duty::ReplyReminders | Duty::ReviewReminders => self.reminders_every,
            Duty::OutboxPruning => self.pruning.every,
            Duty::Mail => self.mail_every,
        }
    }
}

/// The work of one run; what it did, for the log.
async fn work(ctx: &Context, duty: Duty, settings: &DutySettings) -> ServiceResult<String> {
    Ok(match duty {
        Duty::FileSweep => {
            let swept = attachments::sweep(ctx, settings.sweep.grace).await?;
            format!("{swept:?}")
        }
        Duty::ReplyReminders => {
            let sent = notifications::remind_replies_due(ctx).await?;
            format!("{sent} reminders")
        }
        Duty::ReviewReminders => {
            let sent = notifications::remind_reviews_due(ctx).await?;
            format!("{sent} review reminders")
        }
        Duty::OutboxPruning => {
            let rows = replicas::prune_outbox(ctx, settings.pruning).await?;
            format!("{rows} outbox rows pruned")
        }
        Duty::Mail => mail::run(ctx).await?,
    })
}

/// Takes or renews `duty` for this replica.
async fn take(
    ctx: &Context,
    duty: Duty,
    lease: Duration,
) -> ServiceResult<Option<commons_store::duties::Lease>> {
    let now = wall_now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    Ok(commons_store::duties::take(&ctx.db, duty.name(), &ctx.replica.id, now, until).await?)
}

/// Runs `duty` on this replica whenever it holds the lease and the duty is due, until `stop`;
/// then gives the lease up so that another replica takes it at once.
pub async fn run(ctx: Context, duty: Duty, settings: DutySettings, stop: CancellationToken) {
    let every = settings.every(duty);
    if every.is_zero() {
        return;
    }
    let lease = settings.lease.max(Duration::from_millis(300));
    let renew = lease / 3;
    loop {
        let wait = match take(&ctx, duty, lease).await {
            Ok(Some(held)) => {
                if !ctx.duties.held(duty) {
                    tracing::info!(duty = duty.name(), "this replica holds the duty");
                }
                ctx.duties.set_held(duty, true);
                let now = wall_now();
                match due_in(held.last_run_at, every, now) {
                    Some(wait) => renew.min(wait),
                    None => {
                        run_holding(&ctx, duty, &settings, renew, lease, &stop).await;
                        renew.min(every)
                    }
                }
            }
            Ok(None) => {
                ctx.duties.set_held(duty, false);
                renew
            }
            Err(e) => {
                tracing::warn!(duty = duty.name(), error = %e, "cannot take or renew the duty's lease");
                ctx.duties.set_held(duty, false);
                renew
            }
        };
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(wait) => {}
        }
    }
    if ctx.duties.held(duty) {
        ctx.duties.set_held(duty, false);
        if let Err(e) =
            commons_store::duties::release(&ctx.db, duty.name(), &ctx.replica.id, wall_now()).await
        {
            tracing::warn!(duty = duty.name(), error = %e, "cannot give the duty up");
        }
    }
}

/// How long until a duty last run at `last` is due again; `None`: it is due.
fn due_in(last: Option<DateTime<Utc>>, every: Duration, now: DateTime<Utc>) -> Option<Duration> {
    let last = last?;
    let due = last + chrono::Duration::from_std(every).unwrap_or(chrono::Duration::MAX);
    (due > now).then(|| (due - now).to_std().unwrap_or_default())
}

/// One run of `duty`, renewing the lease meanwhile; stopped when the lease is lost or at shutdown.
async fn run_holding(
    ctx: &Context,
    duty: Duty,
    settings: &DutySettings,
    renew: Duration,
    lease: Duration,
    stop: &CancellationToken,
) {
    let started = wall_now();
    let running = work(ctx, duty, settings);
    tokio::pin!(running);
    let outcome = loop {
        tokio::select! {
            done = &mut running => break Some(done),
            () = stop.cancelled() => break None,
            () = tokio::time::sleep(renew) => match take(ctx, duty, lease).await {
                Ok(Some(_)) => {}
                lost => {
                    tracing::warn!(duty = duty.name(), outcome = ?lost.map(|_| ()), "lost the duty's lease while running it; stopped");
                    ctx.duties.set_held(duty, false);
                    break None;
                }
            },
        }
    };
    let Some(done) = outcome else {
        return;
    };
    let succeeded = done.is_ok();
    match done {
        Ok(what) => {
            ctx.duties.runs[duty.slot()].fetch_add(1, Ordering::Relaxed);
            tracing::debug!(duty = duty.name(), %what, "duty ran");
        }
        Err(e) => {
            ctx.duties.failures[duty.slot()].fetch_add(1, Ordering::Relaxed);
            tracing::warn!(duty = duty.name(), error = %e, "the duty failed; it runs again when next due");
        }
    }
    if let Err(e) =
        commons_store::duties::ran(&ctx.db, duty.name(), &ctx.replica.id, started, succeeded).await
    {
        tracing::warn!(duty = duty.name(), error = %e, "cannot note the duty's run");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_duty_never_run_is_due_and_one_run_lately_waits_its_interval() {
        let now: DateTime<Utc> = "2026-12-01T10:00:00Z".parse().unwrap();
        let every = Duration::from_secs(60);
        assert_eq!(due_in(None, every, now), None);
        let last = now - chrono::Duration::seconds(20);
        assert_eq!(
            due_in(Some(last), every, now),
            Some(Duration::from_secs(40))
        );
        let long_ago = now - chrono::Duration::seconds(61);
        assert_eq!(due_in(Some(long_ago), every, now), None);
    }
}
