//! The bounds one request meets and each caller's budgets: read from the service's
//! configuration (`[limits]`, `[rate_limit]`), enforced by the schema and the request gate, and
//! listed by the `limits` query.

use serde::Deserialize;

/// Limits that keep one request from taking the service down. Every one has a test.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Nesting of data fields.
    pub query_depth: usize,
    /// Nesting below `__schema` and `__type`, counted apart (the standard introspection
    /// query needs 15).
    pub introspection_depth: usize,
    /// Each field costs 1; a connection costs its page size times its children.
    pub query_complexity: usize,
    pub body_bytes: usize,
    pub upload_bytes: usize,
    /// Files in one multipart request.
    pub upload_files: usize,
    /// Places in the operations one uploaded file may fill (each holds a file descriptor).
    pub upload_paths_per_file: usize,
    /// Files attached to one revision of a tool.
    pub attachments_per_tool: usize,
    /// Largest `first` of any connection.
    pub page_size: usize,
    /// Operations in one batched request; 0 turns batching off.
    pub batch_size: usize,
    pub request_timeout_ms: u64,
    /// `/readyz` answers within this long, unavailable if the database or the index has not
    /// answered by then (a silent database would otherwise hold the probe).
    pub ready_probe_timeout_ms: u64,
    /// A request's head (request line and headers) must arrive within this long.
    pub header_read_timeout_ms: u64,
    /// A request's body must arrive within this long of its head.
    pub body_read_timeout_ms: u64,
    /// A search's text, in characters and in words, and a quoted phrase, in words.
    pub search_query_chars: usize,
    pub search_query_words: usize,
    pub search_phrase_words: usize,
    /// Organisations a search's owner filter may name.
    pub search_filter_owners: usize,
    /// What `suggestTools` completes, in characters.
    pub search_prefix_chars: usize,
    /// Searches that run on the index at once; 0: one per core.
    pub search_concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            query_depth: 12,
            introspection_depth: 20,
            query_complexity: 10_000,
            body_bytes: 1024 * 1024,
            upload_bytes: 25 * 1024 * 1024,
            upload_files: 20,
            upload_paths_per_file: 20,
            attachments_per_tool: 20,
            page_size: 100,
            batch_size: 10,
            request_timeout_ms: 10_000,
            ready_probe_timeout_ms: 1_000,
            header_read_timeout_ms: 10_000,
            body_read_timeout_ms: 120_000,
            search_query_chars: 512,
            search_query_words: 32,
            search_phrase_words: 12,
            search_filter_owners: 100,
            search_prefix_chars: 100,
            search_concurrency: 0,
        }
    }
}

/// Each caller's budgets: query cost (each operation's complexity) and mutations (each root
/// field of a mutation, each uploaded file) per minute. A caller is the token's user, or the
/// IP address of an anonymous caller.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct RateLimitConfig {
    pub enabled: bool,
    pub query_cost_per_minute: u64,
    pub mutations_per_minute: u64,
    /// Callers remembered at once; those whose budget is whole again are forgotten first.
    pub max_callers: usize,
    /// What one request to a file route (`/files/{id}`, `/exports/…`, `/reports/…`) takes
    /// from the caller's query budget.
    pub file_route_cost: u64,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            query_cost_per_minute: 60_000,
            mutations_per_minute: 120,
            max_callers: 100_000,
            file_route_cost: 100,
        }
    }
}
