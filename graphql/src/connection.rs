//! Relay cursor connections with `totalCount`, built from a service [`Page`].

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{OutputType, SimpleObject};

use super::error::{ErrorCode, graphql_error};
use super::id::{decode_cursor, encode_cursor};
use commons_service::{Page, PageRequest, ServiceError};

#[derive(SimpleObject)]
pub struct ConnectionFields {
    /// How many items the whole list holds, over all pages.
    #[graphql(complexity = "COUNT_WORK")]
    pub total_count: u64,
}

/// What reading a page of a list costs the database, whatever the page's size.
pub const LIST_WORK: usize = 5;
/// What a full-text search costs, whatever the page's size.
pub const SEARCH_WORK: usize = 20;
/// What counting a whole list costs.
pub const COUNT_WORK: usize = 5;
/// What the facet counts of a search cost (one search per facet).
pub const FACETS_WORK: usize = 25;
/// What a caisse's year costs: its register, its joint services and their records.
pub const YEAR_WORK: usize = 10;
/// What every caisse's year at once costs (the overview, the funding allocation).
pub const ALL_CAISSES_WORK: usize = 50;

/// The complexity of a connection: its items' cost for each item asked (at least one, so that
/// `first: 0` does not make the rest free) plus the fixed cost of the work behind it.
pub fn cost(first: Option<i32>, child_complexity: usize, work: usize) -> usize {
    let items = first.map_or(20, |f| f.max(1) as usize);
    items.saturating_mul(child_complexity).saturating_add(work)
}

pub type ListConnection<T> = Connection<String, T, ConnectionFields, EmptyFields>;

/// Reads `first` and `after` into a page request for the list named `list`.
pub fn page_request(
    list: &str,
    first: Option<i32>,
    after: Option<String>,
    max: usize,
) -> async_graphql::Result<PageRequest> {
    let after = after.map(|c| decode_cursor(list, &c)).transpose()?;
    PageRequest::new(first, after, max).map_err(|e| match e {
        ServiceError::BadInput(m) => graphql_error(ErrorCode::BadUserInput, m),
        other => super::error::to_graphql(&other),
    })
}

/// Builds the connection; `key` gives each item's sort key, which its cursor carries.
pub fn connection<D, T: OutputType>(
    list: &str,
    page: Page<D>,
    has_previous_page: bool,
    key: impl Fn(&D) -> String,
    node: impl Fn(D) -> T,
) -> ListConnection<T> {
    let mut c = Connection::with_additional_fields(
        has_previous_page,
        page.has_next_page,
        ConnectionFields {
            total_count: page.total_count,
        },
    );
    c.edges.extend(
        page.items
            .into_iter()
            .map(|item| Edge::new(encode_cursor(list, &key(&item)), node(item))),
    );
    c
}

/// One page of any list, the same way for all: the page request read from `first` and
/// `after`, the service's page, and the edges with their cursors. Each list's resolver says only
/// which service call fetches the page, the key its cursor carries and the node it shows.
pub async fn list_page<D, T, F, Fut>(
    ctx: &async_graphql::Context<'_>,
    list: &str,
    first: Option<i32>,
    after: Option<String>,
    fetch: F,
    key: impl Fn(&D) -> String,
    node: impl Fn(D) -> T,
) -> async_graphql::Result<ListConnection<T>>
where
    T: OutputType,
    F: FnOnce(PageRequest) -> Fut,
    Fut: std::future::Future<Output = commons_service::ServiceResult<Page<D>>>,
{
    use super::error::ServiceResultExt;
    let has_previous = after.is_some();
    let page = page_request(list, first, after, super::services(ctx).max_page_size)?;
    let result = fetch(page).await.gql()?;
    Ok(connection(list, result, has_previous, key, node))
}
