//! Finding tools: full-text search and suggestions, answered by the index under the same
//! visibility scope as every other path, then checked against the database once more.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use commons_indexer::{
    Facets, IndexError, QueryLimits, Scope, SearchFilter, SearchRequest, Stop, Suggestion,
    parse_bounded,
};
use tokio::sync::Semaphore;

use crate::indexing::SYNONYMS_SUBJECT;
use crate::tools::{self, VisibleTool};
use crate::{Context, ServiceError, ServiceResult, authorise};
use commons_domain::identity::Actor;
use commons_domain::lang::Lang;
use commons_domain::policy::{Action, Resource, ToolScope};
use commons_domain::synonyms::{self, Concept};
use commons_domain::tool::{Audience, ServiceCategory, ToolKind};
use commons_store::audit::Change;

/// Search results go this deep at most; beyond, refine the query.
pub const MAX_OFFSET: usize = 10_000;
pub const MAX_SUGGESTIONS: usize = 10;

/// How searches are bounded: the size of what may be asked, how many run at once, and how long
/// one may take before its index work is stopped.
pub struct Searching {
    pub limits: QueryLimits,
    pub max_prefix_chars: usize,
    /// Organisations an owner filter may name.
    pub max_filter_owners: usize,
    permits: Arc<Semaphore>,
    timeout: Duration,
    /// Searches (and suggestions) run on the index, and those stopped before they finished.
    started: AtomicU64,
    stopped: AtomicU64,
}

impl Searching {
    pub fn new(
        limits: QueryLimits,
        max_prefix_chars: usize,
        concurrency: usize,
        timeout: Duration,
    ) -> Self {
        Self {
            limits,
            max_prefix_chars,
            max_filter_owners: 100,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            timeout,
            started: AtomicU64::new(0),
            stopped: AtomicU64::new(0),
        }
    }

    pub fn with_max_filter_owners(mut self, n: usize) -> Self {
        self.max_filter_owners = n;
        self
    }

    /// Index searches run so far, and how many of them were stopped.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.started.load(Ordering::Relaxed),
            self.stopped.load(Ordering::Relaxed),
        )
    }

    /// Runs index work on a blocking thread once a permit is free. The work is told to stop
    /// when the time is up or when the caller goes away (a timed-out request drops this
    /// future), so that nothing goes on in the background for nobody.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(Stop) -> Result<T, IndexError> + Send + 'static,
    ) -> ServiceResult<T> {
        let deadline = Instant::now() + self.timeout;
        // The permit goes with the work: it is given back when the work ends, not when the
        // caller stops waiting for it.
        let permit = tokio::time::timeout_at(deadline.into(), self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let cancelled = Arc::new(AtomicBool::new(false));
        let _guard = CancelOnDrop(cancelled.clone());
        let stop = Stop {
            deadline: Some(deadline),
            cancelled: Some(cancelled),
        };
        self.started.fetch_add(1, Ordering::Relaxed);
        let running = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(stop)
        });
        match running.await {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(IndexError::Stopped)) => {
                self.stopped.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    timeout_ms = self.timeout.as_millis() as u64,
                    "a search was stopped before it finished"
                );
                Err(ServiceError::Timeout(format!(
                    "the search took longer than {} ms and was stopped",
                    self.timeout.as_millis()
                )))
            }
            Ok(Err(e)) => Err(ServiceError::Index(e.to_string())),
            Err(e) => Err(ServiceError::Index(format!("index task failed: {e}"))),
        }
    }
}

fn busy() -> ServiceError {
    ServiceError::Timeout("the search service is busy; try again".into())
}

struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The policy's scope, as the index understands it.
pub fn index_scope(actor: Option<&Actor>) -> Scope {
    let scope = ToolScope::of(actor);
    Scope {
        organisation_id: scope.organisation_id.map(|id| id as u64),
        moderator: scope.moderator,
        published_visibilities: scope
            .published_visibilities()
            .iter()
            .map(|v| v.as_str().to_owned())
            .collect(),
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub kinds: Vec<ToolKind>,
    pub categories: Vec<ServiceCategory>,
    pub languages: Vec<Lang>,
    pub audiences: Vec<Audience>,
    pub owners: Vec<i64>,
    /// Leave out tools past their review date (they may be out of date).
    pub exclude_outdated: bool,
}

/// The order of a search's results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best matches first.
    #[default]
    Relevance,
    /// Most recently published or changed first.
    Newest,
    /// Most adopted first.
    MostAdopted,
    /// Best matches first, those past their review date (they may be out of date) after the
    /// rest.
    CurrentFirst,
}

pub struct Query {
    pub text: String,
    pub filter: Filter,
    pub sort: Sort,
    pub lang: Option<Lang>,
    pub offset: usize,
    pub limit: usize,
    /// Count facets (skipped when the caller shows none).
    pub facets: bool,
    /// Build highlighted snippets (skipped when the caller shows none).
    pub snippets: bool,
}

pub struct SearchHit {
    pub tool: VisibleTool,
    pub score: f32,
    pub lang: Lang,
    pub title_html: String,
    pub text_html: String,
    /// The attachments of the shown revision whose text matched, with a passage of each.
    pub attachments: Vec<(commons_domain::attachment::Attachment, String)>,
}

pub struct Found {
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    /// Words of the query that nothing the caller may read holds, as typed.
    pub unmatched_words: Vec<String>,
}

/// The earliest last review of a tool that is not past its review date now, rounded up to the
/// hour: a tool due within the hour is left out already (never one past its date kept), and
/// the filter's cached sets serve every search of the hour.
fn current_since(ctx: &Context) -> i64 {
    let since = (ctx.now() - ctx.review.after).timestamp();
    since + (3600 - since.rem_euclid(3600)) % 3600
}

pub async fn search(ctx: &Context, actor: Option<&Actor>, q: Query) -> ServiceResult<Found> {
    if q.offset > MAX_OFFSET {
        return Err(ServiceError::BadInput(format!(
            "results go {MAX_OFFSET} deep at most; refine the search"
        )));
    }
    // Refused before any index work: the cost of a search grows with what it asks.
    parse_bounded(&q.text, ctx.search.limits).map_err(|e| ServiceError::BadInput(e.to_string()))?;
    // Each filter names a value once, in one order: the index keeps what it works out for a
    // search under a key that holds the filters, so the key stays as small as the filter.
    let mut owners: Vec<u64> = q.filter.owners.iter().map(|o| *o as u64).collect();
    owners.sort_unstable();
    owners.dedup();
    if owners.len() > ctx.search.max_filter_owners {
        return Err(ServiceError::BadInput(format!(
            "a search filters by {} organisations at most",
            ctx.search.max_filter_owners
        )));
    }
    let names = |values: Vec<String>| -> Vec<String> {
        let mut values = values;
        values.sort_unstable();
        values.dedup();
        values
    };
    let request = SearchRequest {
        query: q.text,
        filter: SearchFilter {
            kinds: names(
                q.filter
                    .kinds
                    .iter()
                    .map(|k| k.as_str().to_owned())
                    .collect(),
            ),
            categories: names(
                q.filter
                    .categories
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
            ),
            languages: {
                let mut languages: Vec<_> = q.filter.languages.to_vec();
                languages.sort_by_key(|l| l.code());
                languages.dedup();
                languages
            },
            audiences: names(
                q.filter
                    .audiences
                    .iter()
                    .map(|a| a.as_str().to_owned())
                    .collect(),
            ),
            owners,
            reviewed_since: q.filter.exclude_outdated.then(|| current_since(ctx)),
            reviewed_before: None,
        },
        sort: match q.sort {
            Sort::Relevance => commons_indexer::Sort::Relevance,
            Sort::Newest => commons_indexer::Sort::Newest,
            Sort::MostAdopted => commons_indexer::Sort::MostAdopted,
            Sort::CurrentFirst => commons_indexer::Sort::CurrentFirst(current_since(ctx)),
        },
        lang: q.lang,
        offset: q.offset,
        limit: q.limit,
        scope: index_scope(actor),
        facets: q.facets,
        snippets: q.snippets,
        thesaurus: Some(ctx.index.thesaurus()),
        stop: Stop::default(),
    };
    let index = ctx.index.current();
    let results = ctx
        .search
        .run(move |stop| index.search(&SearchRequest { stop, ..request }))
        .await?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.tool_id as i64).collect();
    // The index may trail the database by a moment: what is no longer visible is left out.
    let mut visible = tools::get_many(ctx, actor, &ids).await?;
    // Matched attachments are named only when they belong to the revision the caller is shown.
    let revision_ids: Vec<i64> = results
        .hits
        .iter()
        .zip(visible.iter())
        .filter(|(h, v)| !h.attachments.is_empty() && v.is_some())
        .filter_map(|(_, v)| v.as_ref().map(|t| t.revision.id))
        .collect();
    let mut carried = if revision_ids.is_empty() {
        std::collections::HashMap::new()
    } else {
        commons_store::attachments::of_revisions(&ctx.db, &revision_ids).await?
    };
    let hits = results
        .hits
        .into_iter()
        .zip(visible.iter_mut())
        .filter_map(|(h, v)| {
            v.take().map(|tool| {
                let files = carried.remove(&tool.revision.id).unwrap_or_default();
                let attachments = h
                    .attachments
                    .into_iter()
                    .filter_map(|m| {
                        files
                            .iter()
                            .find(|f| f.id as u64 == m.attachment_id)
                            .map(|f| (f.clone(), m.text_html))
                    })
                    .collect();
                SearchHit {
                    tool,
                    score: h.score,
                    lang: h.lang,
                    title_html: h.title_html,
                    text_html: h.text_html,
                    attachments,
                }
            })
        })
        .collect();
    Ok(Found {
        total: results.total,
        hits,
        facets: results.facets,
        unmatched_words: results.unmatched,
    })
}

pub async fn suggest(
    ctx: &Context,
    actor: Option<&Actor>,
    prefix: &str,
    lang: Option<Lang>,
) -> ServiceResult<Vec<Suggestion>> {
    let max = ctx.search.max_prefix_chars;
    if prefix.chars().take(max + 1).count() > max {
        return Err(ServiceError::BadInput(format!(
            "a prefix is at most {max} characters long"
        )));
    }
    let index = ctx.index.current();
    let scope = index_scope(actor);
    let prefix = prefix.to_owned();
    ctx.search
        .run(move |stop| {
            stop.check()?;
            index.suggest(&prefix, &scope, lang, MAX_SUGGESTIONS)
        })
        .await
}

/// The concept table in force: INASTI's moderators and platform admins read it.
pub async fn synonyms(ctx: &Context, actor: Option<&Actor>) -> ServiceResult<Vec<Concept>> {
    authorise(actor, Action::ReadSearchSynonyms, Resource::Catalogue)?;
    Ok(current_concepts(ctx))
}

fn current_concepts(ctx: &Context) -> Vec<Concept> {
    ctx.index
        .thesaurus()
        .concepts()
        .iter()
        .map(|c| Concept {
            name: c.name.clone(),
            terms: c.terms.iter().map(|(l, t)| (*l, t.clone())).collect(),
        })
        .collect()
}

/// Replaces the concept table (moderators), audited; searches use it at once, in this process
/// and, through the outbox, in every other one. No reindex: concepts widen queries, not
/// documents.
pub async fn set_synonyms(
    ctx: &Context,
    actor: Option<&Actor>,
    concepts: Vec<Concept>,
) -> ServiceResult<Vec<Concept>> {
    let actor = authorise(actor, Action::EditSearchSynonyms, Resource::Catalogue)?;
    let table = synonyms::validate(concepts).map_err(ServiceError::Invalid)?;
    let now = ctx.now();
    let txn = commons_store::begin_write(&ctx.db).await?;
    let id = commons_store::search_synonyms::save(&txn, &table, actor.user_id, now).await?;
    commons_store::audit::record(
        &txn,
        Change {
            actor: Some(actor),
            action: "search_synonyms.set",
            subject_type: SYNONYMS_SUBJECT,
            subject_id: id,
            details: serde_json::json!({ "concepts": table.concepts().len() }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    ctx.index.reload_thesaurus().await?;
    Ok(current_concepts(ctx))
}
