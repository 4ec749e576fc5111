//! Use cases. Each one authorises (domain::policy), validates (domain), runs one transaction
//! that writes the rows, an audit event and an outbox row, and returns plain domain values.

pub mod activity_reports;
pub mod adoptions;
pub mod affiliate_counts;
pub mod appeals;
pub mod attachments;
pub mod audit_log;
pub mod capabilities;
pub mod clock;
pub mod collaborations;
pub mod collections;
pub mod content_reports;
pub mod demo;
pub mod duties;
pub mod evaluations;
pub mod extraction;
pub mod files;
pub mod follows;
pub mod funding;
pub mod identity;
pub mod identity_cache;
pub mod indexing;
pub mod joint_services;
pub mod legal_frame;
pub mod mail;
pub mod notifications;
pub mod organisations;
pub mod replicas;
pub mod reviews;
pub mod search;
pub mod service_offerings;
pub mod tools;
pub mod translations;
pub mod web_sessions;

/// The database as the edge of the service needs it: opened, migrated, probed, copied. Nothing
/// above the services reads or writes rows; they go through the use cases.
pub mod database {
    pub use commons_store::Database;
    pub use commons_store::db::{
        NotReady, check_ready, connect, is_commons_database, migrate, sqlite_snapshot_into,
    };
    /// What a database fault carries (`ServiceError::Database`), for the edge to log.
    pub use sea_orm::DbErr;
}

use chrono::{DateTime, Utc};

use commons_domain::identity::Actor;
use commons_domain::policy::{self, Action, Resource};
use commons_domain::validation::FieldError;
use commons_store::Database;

/// What every use case needs: the database, the search index, the file store and the limits
/// of the service.
#[derive(Clone)]
pub struct Context {
    pub db: Database,
    pub max_page_size: usize,
    pub index: std::sync::Arc<indexing::SearchIndex>,
    pub files: std::sync::Arc<crate::files::Files>,
    pub attachment_limits: attachments::Limits,
    pub search: std::sync::Arc<search::Searching>,
    pub clock: clock::Clock,
    /// Where this replica's subscribers hear of new notifications.
    pub notifications: std::sync::Arc<notifications::NotificationHub>,
    /// Verified identities, remembered briefly (see [`identity_cache`]).
    pub identities: std::sync::Arc<identity_cache::IdentityCache>,
    /// This process among the replicas on the database.
    pub replica: std::sync::Arc<replicas::Replica>,
    /// The background duties this replica holds and has run.
    pub duties: std::sync::Arc<duties::DutyBoard>,
    /// When published tools are due for review, and when their owners are told.
    pub review: commons_domain::tool::ReviewPeriod,
    /// Reports of problematic content one person may file in a day.
    pub reports_per_day: u32,
    /// The largest value an indicator counted in whole numbers may take.
    pub indicator_max_count: i64,
    /// Notifications by e-mail: the relay (or the log), the bounds, the words.
    pub mail: mail::Mail,
}

impl Context {
    pub fn new(
        db: Database,
        max_page_size: usize,
        index: std::sync::Arc<indexing::SearchIndex>,
        files: std::sync::Arc<crate::files::Files>,
        attachment_limits: attachments::Limits,
        search: search::Searching,
    ) -> Self {
        Self {
            db,
            max_page_size,
            index,
            files,
            attachment_limits,
            search: std::sync::Arc::new(search),
            clock: clock::Clock::default(),
            notifications: notifications::hub(),
            identities: std::sync::Arc::new(identity_cache::IdentityCache::new(
                std::time::Duration::ZERO,
                0,
            )),
            replica: std::sync::Arc::new(replicas::Replica::new()),
            duties: std::sync::Arc::default(),
            review: commons_domain::tool::ReviewPeriod::default(),
            reports_per_day: 20,
            indicator_max_count: 1_000_000,
            mail: mail::Mail::default(),
        }
    }

    /// Commits a change and wakes the index follower: the change is searchable shortly after.
    pub async fn commit(&self, txn: sea_orm::DatabaseTransaction) -> ServiceResult<()> {
        txn.commit().await?;
        self.index.changes().notify_one();
        self.notifications.wake();
        Ok(())
    }

    /// The time of a change, from the service's clock (see [`clock::Clock`]).
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("you may not do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// The caller's input is wrong in these fields: reported as `userErrors`.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The request itself is malformed (a bad cursor, a page too large).
    #[error("{0}")]
    BadInput(String),
    /// Its message names the cause, for the logs of background duties; a client is only ever
    /// told "internal error" (`graphql::client_message`).
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("search index error: {0}")]
    Index(String),
    /// A service Commons depends on (the file store) did not answer: try again later.
    #[error("{0}")]
    Unavailable(String),
    #[error("file storage error: {0}")]
    Files(String),
    /// The work ran past its time and was stopped.
    #[error("{0}")]
    Timeout(String),
    /// The caller did this too often: a bound of the service, not of the edge.
    #[error("{0}")]
    RateLimited(String),
}

impl ServiceError {
    /// The database could not be reached: an outage, not a fault of this request.
    pub fn database_unreachable(&self) -> bool {
        matches!(self, ServiceError::Database(e) if commons_store::db::unreachable(e))
    }
}

impl From<crate::files::FilesError> for ServiceError {
    fn from(e: crate::files::FilesError) -> Self {
        match e {
            crate::files::FilesError::Unavailable(cause) => {
                tracing::warn!(%cause, "file storage unavailable");
                ServiceError::Unavailable(
                    "file storage is unreachable just now; try again later".into(),
                )
            }
            crate::files::FilesError::NotFound => ServiceError::NotFound,
            crate::files::FilesError::Failed(cause) => ServiceError::Files(cause),
        }
    }
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        ServiceError::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for ServiceError {
    fn from(e: Vec<FieldError>) -> Self {
        ServiceError::Invalid(e)
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// The signed-in caller, or an `UNAUTHENTICATED` error for an anonymous one.
pub fn signed_in(actor: Option<&Actor>) -> ServiceResult<&Actor> {
    actor.ok_or_else(|| ServiceError::Unauthenticated("sign in to do this".into()))
}

/// Asks the policy; an anonymous caller is told to sign in, a signed-in one that they may not.
pub fn authorise(
    actor: Option<&Actor>,
    action: Action,
    resource: Resource,
) -> ServiceResult<&Actor> {
    match actor {
        Some(a) if policy::can(Some(a), action, resource) => Ok(a),
        Some(_) => Err(ServiceError::Forbidden),
        None => signed_in(None),
    }
}

/// A validated request for one page of a list, in the list's own order.
#[derive(Clone, Debug)]
pub struct PageRequest {
    pub first: usize,
    /// The sort key of the last item already seen.
    pub after: Option<String>,
}

impl PageRequest {
    pub const DEFAULT_SIZE: usize = 20;

    /// Items of a page when `first` is not given, under a bound of `max`.
    pub fn default_size(max: usize) -> usize {
        Self::DEFAULT_SIZE.min(max)
    }

    pub fn new(first: Option<i32>, after: Option<String>, max: usize) -> ServiceResult<Self> {
        let first = match first {
            None => Self::default_size(max),
            Some(n) if n < 0 => {
                return Err(ServiceError::BadInput("first must not be negative".into()));
            }
            Some(n) if n as usize > max => {
                return Err(ServiceError::BadInput(format!(
                    "first must be at most {max}"
                )));
            }
            Some(n) => n as usize,
        };
        Ok(Self { first, after })
    }

    /// The `after` key read as the list's own key type (an id, a revision number …).
    pub fn after_as<T: std::str::FromStr>(&self) -> ServiceResult<Option<T>> {
        self.after
            .as_deref()
            .map(|a| {
                a.parse::<T>().map_err(|_| {
                    ServiceError::BadInput("after is not a cursor of this list".into())
                })
            })
            .transpose()
    }
}

#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub total_count: u64,
}

impl<T> Page<T> {
    /// Builds a page from a query that fetched one row more than asked, to learn if more follow.
    pub fn from_overfetch(mut items: Vec<T>, first: usize, total_count: u64) -> Self {
        let has_next_page = items.len() > first;
        items.truncate(first);
        Self {
            items,
            has_next_page,
            total_count,
        }
    }

    /// A page of a short list held whole (a record, a service's transfers), ordered by `key`.
    pub fn of_list(
        items: Vec<T>,
        page: &PageRequest,
        key: impl Fn(&T) -> i64,
    ) -> ServiceResult<Self> {
        let after = page.after_as::<i64>()?;
        let total = items.len() as u64;
        let rest: Vec<T> = items
            .into_iter()
            .filter(|i| after.is_none_or(|a| key(i) > a))
            .take(page.first + 1)
            .collect();
        Ok(Self::from_overfetch(rest, page.first, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_bounded_by_the_maximum() {
        assert_eq!(
            PageRequest::new(None, None, 100).map(|p| p.first).ok(),
            Some(20)
        );
        assert_eq!(
            PageRequest::new(Some(100), None, 100).map(|p| p.first).ok(),
            Some(100)
        );
        assert!(PageRequest::new(Some(101), None, 100).is_err());
        assert!(PageRequest::new(Some(-1), None, 100).is_err());
        assert_eq!(
            PageRequest::new(Some(0), None, 100).map(|p| p.first).ok(),
            Some(0)
        );
    }

    #[test]
    fn an_overfetched_page_knows_more_follow() {
        let page = Page::from_overfetch(vec![1, 2, 3], 2, 10);
        assert_eq!(page.items, vec![1, 2]);
        assert!(page.has_next_page);
        assert!(!Page::from_overfetch(vec![1, 2], 2, 2).has_next_page);
    }
}
