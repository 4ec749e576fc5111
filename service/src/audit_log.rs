//! The audit log: the events every write records (who, for which organisation, what, when),
//! for INASTI's auditors and platform admins.

use crate::{Context, Page, PageRequest, ServiceError, ServiceResult, authorise};
use commons_domain::identity::Actor;
use commons_domain::policy::{Action, Resource};
pub use commons_store::audit::{Event, EventFilter};

/// Kinds of subject one filter may name, and their length: each is a bound parameter of the
/// query, and SQLite refuses more than a few thousand.
pub const MAX_SUBJECT_TYPES: usize = 20;
const MAX_SUBJECT_TYPE_CHARS: usize = 64;

pub async fn events(
    ctx: &Context,
    actor: Option<&Actor>,
    filter: EventFilter,
    page: &PageRequest,
) -> ServiceResult<Page<Event>> {
    authorise(actor, Action::ReadAuditLog, Resource::Platform)?;
    if let (Some(from), Some(until)) = (filter.from, filter.until)
        && from >= until
    {
        return Err(ServiceError::BadInput(
            "the period's start must come before its end".into(),
        ));
    }
    if filter.subject_types.len() > MAX_SUBJECT_TYPES
        || filter
            .subject_types
            .iter()
            .any(|t| t.chars().count() > MAX_SUBJECT_TYPE_CHARS)
    {
        return Err(ServiceError::BadInput(format!(
            "name at most {MAX_SUBJECT_TYPES} kinds of subject, of {MAX_SUBJECT_TYPE_CHARS} characters each"
        )));
    }
    let before = page.after_as::<i64>()?;
    let rows =
        commons_store::audit::events(&ctx.db, &filter, before, page.first as u64 + 1).await?;
    let total = commons_store::audit::count_events(&ctx.db, &filter).await?;
    Ok(Page::from_overfetch(rows, page.first, total))
}
