//! Leases on the background duties that must run on one replica at a time. A lease is taken
//! (or renewed) by one conditional upsert, so two replicas asking at once cannot both win.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::duty_lease;

/// Who holds a duty, until when, and when it last ran (on any replica).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub holder: String,
    pub expires_at: DateTime<Utc>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub runs: i64,
}

/// Takes `duty` for `holder` until `until` when nobody holds it or its lease has expired, or
/// renews it when `holder` holds it already. The lease as it now stands when `holder` holds it.
pub async fn take(
    db: &impl ConnectionTrait,
    duty: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<Lease>, DbErr> {
    use duty_lease::Column as C;
    let taken = duty_lease::Entity::insert(duty_lease::ActiveModel {
        duty: Set(duty.to_owned()),
        holder: Set(holder.to_owned()),
        expires_at: Set(until),
        last_run_at: Set(None),
        runs: Set(0),
    })
    .on_conflict(
        OnConflict::column(C::Duty)
            .update_columns([C::Holder, C::ExpiresAt])
            .action_and_where(
                Expr::col((duty_lease::Entity, C::Holder))
                    .eq(holder)
                    .or(Expr::col((duty_lease::Entity, C::ExpiresAt)).lt(now)),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    if taken == 0 {
        return Ok(None);
    }
    Ok(find(db, duty).await?.filter(|l| l.holder == holder))
}

pub async fn find(db: &impl ConnectionTrait, duty: &str) -> Result<Option<Lease>, DbErr> {
    Ok(duty_lease::Entity::find_by_id(duty.to_owned())
        .one(db)
        .await?
        .map(|m| Lease {
            holder: m.holder,
            expires_at: m.expires_at,
            last_run_at: m.last_run_at,
            runs: m.runs,
        }))
}

/// Notes a run of `duty` by its holder (a replica that lost the lease meanwhile notes nothing).
pub async fn ran(
    db: &impl ConnectionTrait,
    duty: &str,
    holder: &str,
    at: DateTime<Utc>,
    succeeded: bool,
) -> Result<(), DbErr> {
    use duty_lease::Column as C;
    let runs = if succeeded {
        Expr::col(C::Runs).add(1)
    } else {
        Expr::col(C::Runs)
    };
    duty_lease::Entity::update_many()
        .col_expr(C::LastRunAt, Expr::value(at))
        .col_expr(C::Runs, runs)
        .filter(C::Duty.eq(duty))
        .filter(C::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives `duty` up at `now`, so that another replica may take it at once (at shutdown).
pub async fn release(
    db: &impl ConnectionTrait,
    duty: &str,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use duty_lease::Column as C;
    duty_lease::Entity::update_many()
        .col_expr(C::ExpiresAt, Expr::value(now))
        .filter(C::Duty.eq(duty))
        .filter(C::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}
