//! The legal frame of a year: read by anyone (it is the law), changed by platform admins when
//! the King extends the mandatory services, each change audited.

use std::collections::BTreeSet;

use chrono::Datelike;
use serde_json::json;

use crate::{Context, ServiceError, ServiceResult, authorise};
use commons_domain::identity::Actor;
use commons_domain::legal_frame::LegalFrame;
use commons_domain::policy::{Action, Resource};
use commons_domain::tool::ServiceCategory;
use commons_store::{audit, begin_write};

const SUBJECT: &str = "legal_frame";

pub async fn get(ctx: &Context, year: i32) -> ServiceResult<LegalFrame> {
    Ok(commons_store::legal_frames::in_force(&ctx.db, year).await?)
}

pub async fn set(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
    mandatory: BTreeSet<ServiceCategory>,
) -> ServiceResult<LegalFrame> {
    let actor = authorise(actor, Action::SetLegalFrame, Resource::Platform)?;
    let now = ctx.now();
    let frame = LegalFrame::set(year, mandatory, now.year()).map_err(ServiceError::Invalid)?;
    let txn = begin_write(&ctx.db).await?;
    let before = commons_store::legal_frames::in_force(&txn, year).await?;
    commons_store::legal_frames::save(&txn, &frame, actor.user_id, now).await?;
    let names = |f: &LegalFrame| f.mandatory.iter().map(|c| c.as_str()).collect::<Vec<_>>();
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "legal_frame.set",
            subject_type: SUBJECT,
            subject_id: i64::from(year),
            details: json!({ "year": year, "from": names(&before), "to": names(&frame) }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(frame)
}
