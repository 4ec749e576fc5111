//! The full-text index of Commons' tools, on tantivy. It knows documents and queries, nothing
//! of the database or of GraphQL: the service hands it documents to index and requests to
//! answer, and keeps it in step with the database through the outbox.
//!
//! Each tool is indexed as up to two documents: its **latest** revision, which only its owner
//! and moderators may find, and its **published** revision, for everyone its visibility
//! allows — one document for both when the latest revision is the live published one. A
//! [`Scope`] says which a caller reads, so each tool matches at most once.

mod analysis;
mod document;
mod facet_count;
mod filter;
mod highlight;
mod home;
mod impacts;
mod lexicon;
mod matches;
mod plans;
mod query;
mod ranking;
mod schema;
mod search;
mod statistics;
mod thesaurus;
mod tier;
mod typos;

pub use document::{AttachmentText, LangText, NEVER_DUE, ToolDocument, Variant};
pub use home::{IndexHome, Opened};
pub use query::{ParsedQuery, QueryLimits, QueryTooLong, parse_bounded};
pub use search::{
    AttachmentHit, Facets, Hit, Scope, SearchFilter, SearchRequest, SearchResults, Sort, Stop,
    Suggestion, ToolIndex,
};
pub use thesaurus::{Concept, MAX_TERM_WORDS, Thesaurus, parse as parse_concepts};

/// The four languages of Commons, each with its own analyser: the domain's own type.
pub use commons_domain::lang::Lang;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0}")]
    Invalid(String),
    /// The search ran out of time, or the one who asked went away.
    #[error("search stopped before it finished")]
    Stopped,
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;
