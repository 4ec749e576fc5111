//! Submitted activity reports and the steps of their course. Every change is conditional on
//! the status and version it was decided on, so two people acting at once cannot both win.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::codec::parse;
use super::entity::{activity_report as report, activity_report_event as event};
use commons_domain::activity_report::{ActivityReport, ReportEvent, ReportStatus};

fn from_model(m: report::Model) -> Result<ActivityReport, DbErr> {
    Ok(ActivityReport {
        id: m.id,
        caisse_id: m.caisse_id,
        year: m.year,
        status: parse(&m.status)?,
        narrative: m.narrative,
        snapshot: m.snapshot,
        snapshot_sha256: m.snapshot_sha256,
        version: m.version,
        submitted_at: m.submitted_at,
        submitted_by: m.submitted_by,
        updated_at: m.updated_at,
    })
}

pub async fn find(
    db: &impl ConnectionTrait,
    caisse_id: i64,
    year: i32,
) -> Result<Option<ActivityReport>, DbErr> {
    report::Entity::find()
        .filter(report::Column::CaisseId.eq(caisse_id))
        .filter(report::Column::Year.eq(year))
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ActivityReport>, DbErr> {
    report::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// Every report submitted on the year.
pub async fn of_year(db: &impl ConnectionTrait, year: i32) -> Result<Vec<ActivityReport>, DbErr> {
    report::Entity::find()
        .filter(report::Column::Year.eq(year))
        .order_by_asc(report::Column::CaisseId)
        .all(db)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

pub struct Submission<'a> {
    pub caisse_id: i64,
    pub year: i32,
    pub narrative: &'a str,
    pub snapshot: &'a str,
    pub snapshot_sha256: &'a str,
    pub user_id: i64,
}

/// The first submission; a unique (caisse, year) refuses a second one made at the same moment.
pub async fn insert(
    db: &impl ConnectionTrait,
    s: Submission<'_>,
    now: DateTime<Utc>,
) -> Result<ActivityReport, DbErr> {
    let m = report::ActiveModel {
        caisse_id: Set(s.caisse_id),
        year: Set(s.year),
        status: Set(ReportStatus::Submitted.as_str().to_owned()),
        narrative: Set(s.narrative.to_owned()),
        snapshot: Set(s.snapshot.to_owned()),
        snapshot_sha256: Set(s.snapshot_sha256.to_owned()),
        version: Set(1),
        submitted_at: Set(now),
        submitted_by: Set(s.user_id),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    from_model(m)
}

/// A corrected report submitted again, if it is still the returned version it was based on.
pub async fn resubmit(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    s: Submission<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = report::Entity::update_many()
        .col_expr(
            report::Column::Status,
            Expr::value(ReportStatus::Submitted.as_str()),
        )
        .col_expr(report::Column::Narrative, Expr::value(s.narrative))
        .col_expr(report::Column::Snapshot, Expr::value(s.snapshot))
        .col_expr(
            report::Column::SnapshotSha256,
            Expr::value(s.snapshot_sha256),
        )
        .col_expr(report::Column::Version, Expr::value(version + 1))
        .col_expr(report::Column::SubmittedAt, Expr::value(now))
        .col_expr(report::Column::SubmittedBy, Expr::value(s.user_id))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::Version.eq(version))
        .filter(report::Column::Status.eq(ReportStatus::Returned.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Moves a report from `from` to `to` if it is still at `version`.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i64,
    version: i32,
    from: ReportStatus,
    to: ReportStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value(to.as_str()))
        .col_expr(report::Column::Version, Expr::value(version + 1))
        .col_expr(report::Column::UpdatedAt, Expr::value(now))
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::Version.eq(version))
        .filter(report::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn append_event(
    db: &impl ConnectionTrait,
    report_id: i64,
    e: &ReportEvent,
) -> Result<(), DbErr> {
    event::ActiveModel {
        report_id: Set(report_id),
        step: Set(e.step.as_str().to_owned()),
        comment: Set(e.comment.clone()),
        snapshot_sha256: Set(e.snapshot_sha256.clone()),
        actor_id: Set(e.actor_id),
        actor_organisation_id: Set(e.actor_organisation_id),
        at: Set(e.at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The report's course, oldest step first.
pub async fn events(db: &impl ConnectionTrait, report_id: i64) -> Result<Vec<ReportEvent>, DbErr> {
    event::Entity::find()
        .filter(event::Column::ReportId.eq(report_id))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(ReportEvent {
                step: parse(&m.step)?,
                comment: m.comment,
                snapshot_sha256: m.snapshot_sha256,
                actor_id: m.actor_id,
                actor_organisation_id: m.actor_organisation_id,
                at: m.at,
            })
        })
        .collect()
}
