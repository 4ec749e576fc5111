//! Finding tools: full-text search and suggestions, answered by the index under the same
//! visibility scope as every other path, then checked against the database once more.

use commons_indexer::{Facets, Scope, SearchFilter, SearchRequest, Sort, Suggestion};

use crate::domain::identity::Actor;
use crate::domain::lang::Lang;
use crate::domain::policy::ToolScope;
use crate::domain::tool::{Audience, ServiceCategory, ToolKind};
use crate::service::indexing::{blocking, to_index_lang};
use crate::service::tools::{self, VisibleTool};
use crate::service::{Context, ServiceError, ServiceResult};
use crate::store;

/// Search results go this deep at most; beyond, refine the query.
pub const MAX_OFFSET: usize = 10_000;
pub const MAX_SUGGESTIONS: usize = 10;

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
    pub attachments: Vec<(crate::domain::attachment::Attachment, String)>,
}

pub struct Found {
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
}

fn from_index_lang(l: commons_indexer::Lang) -> Lang {
    match l {
        commons_indexer::Lang::Fr => Lang::Fr,
        commons_indexer::Lang::Nl => Lang::Nl,
        commons_indexer::Lang::De => Lang::De,
        commons_indexer::Lang::En => Lang::En,
    }
}

pub async fn search(ctx: &Context, actor: Option<&Actor>, q: Query) -> ServiceResult<Found> {
    if q.offset > MAX_OFFSET {
        return Err(ServiceError::BadInput(format!(
            "results go {MAX_OFFSET} deep at most; refine the search"
        )));
    }
    let request = SearchRequest {
        query: q.text,
        filter: SearchFilter {
            kinds: q
                .filter
                .kinds
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
            categories: q
                .filter
                .categories
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            languages: q
                .filter
                .languages
                .iter()
                .map(|l| to_index_lang(*l))
                .collect(),
            audiences: q
                .filter
                .audiences
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            owners: q.filter.owners.iter().map(|o| *o as u64).collect(),
        },
        sort: q.sort,
        lang: q.lang.map(to_index_lang),
        offset: q.offset,
        limit: q.limit,
        scope: index_scope(actor),
        facets: q.facets,
        snippets: q.snippets,
    };
    let index = ctx.index.current();
    let results = blocking(move || index.search(&request)).await?;
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
        store::attachments::of_revisions(&ctx.db, &revision_ids).await?
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
                    lang: from_index_lang(h.lang),
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
    })
}

pub async fn suggest(
    ctx: &Context,
    actor: Option<&Actor>,
    prefix: &str,
    lang: Option<Lang>,
) -> ServiceResult<Vec<Suggestion>> {
    let index = ctx.index.current();
    let scope = index_scope(actor);
    let prefix = prefix.to_owned();
    let lang = lang.map(to_index_lang);
    blocking(move || index.suggest(&prefix, &scope, lang, MAX_SUGGESTIONS)).await
}
