//! Activity reports: a caisse reads its year's figures as Commons holds them, its admins submit
//! them with a narrative (the figures frozen with their SHA-256), INASTI's moderators accept or
//! return the report, and a returned report is corrected and submitted again. Each step is kept.
//! INASTI's officers see every caisse's year at a glance in the overview.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde_json::json;

use crate::{Context, ServiceError, ServiceResult, authorise, service_offerings};
use commons_domain::activity_report::{
    self as model, ActivityReport, NARRATIVE_MAX_CHARS, ReportEvent, ReportFigures, ReportStatus,
    YearFacts,
};
use commons_domain::identity::Actor;
use commons_domain::money::Eur;
use commons_domain::organisation::Organisation;
use commons_domain::policy::{Action, Resource};
use commons_domain::service_offering::Compliance;
use commons_domain::validation;
use commons_store::{audit, begin_write};

const SUBJECT: &str = "activity_report";

/// A caisse's report on a year as the caller sees it: the submitted one with its frozen
/// figures, or a draft with the figures as they stand.
pub struct ReportView {
    pub caisse: Organisation,
    pub year: i32,
    pub report: Option<ActivityReport>,
    pub figures: ReportFigures,
    /// The canonical JSON the digest is over: the stored snapshot, or the draft's.
    pub snapshot: String,
    pub snapshot_sha256: String,
    pub events: Vec<ReportEvent>,
    /// The indicators as they stand while the report is a draft or returned (what a
    /// submission would freeze, and the required values still missing); `None` once it is
    /// submitted or accepted, when the snapshot's are the report's.
    pub draft_indicators: Option<super::evaluations::Reported>,
}

fn year_bounds(year: i32) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    let start = |y| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap_or_default()
            .and_time(NaiveTime::MIN)
            .and_utc()
    };
    (start(year), start(year + 1))
}

/// The figures of the caisse's year as they stand now, with its indicators as they were read
/// for them.
pub async fn live_figures(
    ctx: &Context,
    caisse: &Organisation,
    year: i32,
) -> ServiceResult<(ReportFigures, Compliance, super::evaluations::Reported)> {
    let (compliance, offerings) = service_offerings::compliance(ctx, caisse.id, year).await?;
    let approvals = commons_store::tools::approvals_of_owner(&ctx.db, caisse.id).await?;
    let (from, until) = year_bounds(year);
    let (received, accepted) =
        commons_store::collaborations::received_and_accepted(&ctx.db, caisse.id, from, until)
            .await?;
    let participating = service_offerings::joint_services_of_year(ctx, None, year)
        .await?
        .iter()
        .filter(|(s, _)| {
            s.participants
                .iter()
                .any(|p| p.organisation_id == caisse.id)
        })
        .count() as u64;
    let reported = super::evaluations::reported(ctx, caisse.id, year, &compliance.offered).await?;
    let figures = model::figures(&YearFacts {
        caisse_id: caisse.id,
        caisse_slug: &caisse.slug,
        year,
        offerings: &offerings,
        compliance: &compliance,
        approvals: &approvals,
        proposals_received: received,
        proposals_accepted: accepted,
        joint_services_participating: participating,
        adoptions: commons_store::adoptions::begun_in(&ctx.db, caisse.id, from, until).await?,
        reviews: commons_store::reviews::written_in(&ctx.db, caisse.id, from, until).await?,
        translations: commons_store::translations::accepted_in(&ctx.db, caisse.id, from, until)
            .await?,
        indicators: reported.values.clone(),
    });
    Ok((figures, compliance, reported))
}

pub async fn get(
    ctx: &Context,
    actor: Option<&Actor>,
    caisse_id: i64,
    year: i32,
) -> ServiceResult<ReportView> {
    let caisse = service_offerings::readable_caisse(ctx, actor, caisse_id).await?;
    model::check_year(year, ctx.now().year())?;
    let report = commons_store::activity_reports::find(&ctx.db, caisse.id, year).await?;
    let mut draft_indicators = None;
    let (figures, snapshot, snapshot_sha256, events) = match &report {
        Some(r) => {
            let figures: ReportFigures = serde_json::from_str(&r.snapshot)
                .map_err(|e| ServiceError::Database(sea_orm::DbErr::Type(e.to_string())))?;
            let events = commons_store::activity_reports::events(&ctx.db, r.id).await?;
            (
                figures,
                r.snapshot.clone(),
                r.snapshot_sha256.clone(),
                events,
            )
        }
        None => {
            let (figures, _, reported) = live_figures(ctx, &caisse, year).await?;
            draft_indicators = Some(reported);
            let (json, digest) = model::snapshot(&figures);
            (figures, json, digest, Vec::new())
        }
    };
    // A returned report is being corrected: its values are those it will be submitted with.
    if report
        .as_ref()
        .is_some_and(|r| r.status == ReportStatus::Returned)
    {
        let (compliance, _) = service_offerings::compliance(ctx, caisse.id, year).await?;
        draft_indicators =
            Some(super::evaluations::reported(ctx, caisse.id, year, &compliance.offered).await?);
    }
    Ok(ReportView {
        caisse,
        year,
        report,
        figures,
        snapshot,
        snapshot_sha256,
        events,
        draft_indicators,
    })
}

pub async fn submit(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
    narrative: &str,
) -> ServiceResult<ReportView> {
    let caller = crate::signed_in(actor)?;
    let caisse = commons_store::organisations::find_by_id(&ctx.db, caller.organisation_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let actor = authorise(
        actor,
        Action::SubmitActivityReport,
        Resource::Organisation {
            id: caisse.id,
            kind: caisse.kind,
        },
    )?;
    let now = ctx.now();
    model::check_year(year, now.year())?;
    let narrative = validation::required_text(&["narrative"], narrative, NARRATIVE_MAX_CHARS)?;
    let existing = commons_store::activity_reports::find(&ctx.db, caisse.id, year).await?;
    model::may_submit(existing.as_ref())?;
    let (figures, _, reported) = live_figures(ctx, &caisse, year).await?;
    if !reported.missing.is_empty() {
        return Err(ServiceError::Invalid(
            reported
                .missing
                .iter()
                .map(|(code, category)| {
                    validation::FieldError::new(
                        &["indicators", code, category.as_str()],
                        validation::FieldErrorCode::Required,
                        format!(
                            "indicator {code} is required for {}: report its value first",
                            category.as_str()
                        ),
                    )
                })
                .collect(),
        ));
    }
    let (snapshot, digest) = model::snapshot(&figures);
    let submission = || commons_store::activity_reports::Submission {
        caisse_id: caisse.id,
        year,
        narrative: &narrative,
        snapshot: &snapshot,
        snapshot_sha256: &digest,
        user_id: actor.user_id,
    };
    let txn = begin_write(&ctx.db).await?;
    // The figures were read against the year's indicators: if the set changed meanwhile, they
    // are read again rather than frozen against a set that is no longer the year's.
    if commons_store::evaluations::lock_indicators(&txn, year).await? != reported.set {
        return Err(ServiceError::Conflict(
            "the year's indicators changed meanwhile; reload the report".into(),
        ));
    }
    let report_id = match &existing {
        None => {
            commons_store::activity_reports::insert(&txn, submission(), now)
                .await
                .map_err(|e| {
                    if commons_store::is_unique_violation(&e) {
                        ServiceError::Conflict(
                            "the report was submitted meanwhile; reload it".into(),
                        )
                    } else {
                        ServiceError::Database(e)
                    }
                })?
                .id
        }
        Some(returned) => {
            if !commons_store::activity_reports::resubmit(
                &txn,
                returned.id,
                returned.version,
                submission(),
                now,
            )
            .await?
            {
                return Err(ServiceError::Conflict(
                    "the report changed meanwhile; reload it".into(),
                ));
            }
            returned.id
        }
    };
    commons_store::activity_reports::append_event(
        &txn,
        report_id,
        &ReportEvent {
            step: ReportStatus::Submitted,
            comment: None,
            snapshot_sha256: digest.clone(),
            actor_id: actor.user_id,
            actor_organisation_id: actor.organisation_id,
            at: now,
        },
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "activity_report.submitted",
            subject_type: SUBJECT,
            subject_id: report_id,
            details: json!({ "caisse": caisse.id, "year": year, "sha256": digest }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    get(ctx, Some(actor), caisse.id, year).await
}

pub async fn review(
    ctx: &Context,
    actor: Option<&Actor>,
    report_id: i64,
    accept: bool,
    comment: Option<&str>,
) -> ServiceResult<ReportView> {
    let actor = authorise(actor, Action::ReviewActivityReport, Resource::Platform)?;
    let report = commons_store::activity_reports::find_by_id(&ctx.db, report_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (to, comment) = model::review(&report, accept, comment)?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    if !commons_store::activity_reports::set_status(
        &txn,
        report.id,
        report.version,
        ReportStatus::Submitted,
        to,
        now,
    )
    .await?
    {
        return Err(ServiceError::Conflict(
            "the report changed meanwhile; reload it".into(),
        ));
    }
    commons_store::activity_reports::append_event(
        &txn,
        report.id,
        &ReportEvent {
            step: to,
            comment: comment.clone(),
            snapshot_sha256: report.snapshot_sha256.clone(),
            actor_id: actor.user_id,
            actor_organisation_id: actor.organisation_id,
            at: now,
        },
    )
    .await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: if accept {
                "activity_report.accepted"
            } else {
                "activity_report.returned"
            },
            subject_type: SUBJECT,
            subject_id: report.id,
            details: json!({ "caisse": report.caisse_id, "year": report.year }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    get(ctx, Some(actor), report.caisse_id, report.year).await
}

/// One caisse's year in the overview.
pub struct OverviewRow {
    pub caisse: Organisation,
    pub compliance: Compliance,
    pub people_reached: i64,
    pub report_status: Option<ReportStatus>,
    /// `None` when the year's funding cannot be computed yet.
    pub funding: Option<Eur>,
}

pub async fn overview(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
) -> ServiceResult<Vec<OverviewRow>> {
    authorise(actor, Action::ReadActivityOverview, Resource::Platform)?;
    model::check_year(year, ctx.now().year())?;
    let caisses = super::funding::caisses(ctx).await?;
    let reports: HashMap<i64, ReportStatus> =
        commons_store::activity_reports::of_year(&ctx.db, year)
            .await?
            .into_iter()
            .map(|r| (r.caisse_id, r.status))
            .collect();
    let funding: HashMap<i64, Eur> = match super::funding::compute(ctx, year).await {
        Ok((allocation, _)) => allocation
            .shares
            .iter()
            .map(|s| (s.caisse_id, s.total))
            .collect(),
        Err(ServiceError::Invalid(_)) => HashMap::new(),
        Err(e) => return Err(e),
    };
    let mut rows = Vec::with_capacity(caisses.len());
    for caisse in caisses {
        let (compliance, offerings) = service_offerings::compliance(ctx, caisse.id, year).await?;
        rows.push(OverviewRow {
            people_reached: offerings.iter().filter_map(|o| o.people_reached()).sum(),
            report_status: reports.get(&caisse.id).copied(),
            funding: funding.get(&caisse.id).copied(),
            compliance,
            caisse,
        });
    }
    Ok(rows)
}
