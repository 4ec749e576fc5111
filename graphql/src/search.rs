use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};

use super::error::{ErrorCode, ServiceResultExt, UserError, graphql_error, into_payload};
use super::id::{self, NodeType, decode_cursor, encode_cursor};
use super::scalars::{Audience, Lang, ServiceCategory, ToolKind, to_domain};
use super::tool::Tool;
use super::{actor, services};
use commons_service::PageRequest;
use commons_service::search::{self as svc, Filter, Query};
use commons_service::tools as tools_svc;

const LIST: &str = "searchTools";

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SearchSort {
    /// Best matches first.
    #[default]
    Relevance,
    /// Most recently published or changed first.
    Newest,
    /// Most adopted by other caisses first (ties by the index order).
    MostAdopted,
    /// Best matches first, the tools past their review date (`Tool.reviewOverdue`: they may be
    /// out of date) after all the others; the count and facets are the whole search's.
    CurrentFirst,
}

impl From<SearchSort> for svc::Sort {
    fn from(s: SearchSort) -> Self {
        match s {
            SearchSort::Relevance => svc::Sort::Relevance,
            SearchSort::Newest => svc::Sort::Newest,
            SearchSort::MostAdopted => svc::Sort::MostAdopted,
            SearchSort::CurrentFirst => svc::Sort::CurrentFirst,
        }
    }
}

/// Narrows a search: values of one field are alternatives, fields combine.
#[derive(InputObject, Default)]
pub struct SearchFilter {
    #[graphql(default)]
    pub kinds: Vec<ToolKind>,
    #[graphql(default)]
    pub categories: Vec<ServiceCategory>,
    #[graphql(default)]
    pub languages: Vec<Lang>,
    #[graphql(default)]
    pub audiences: Vec<Audience>,
    /// Organisation IDs.
    #[graphql(default)]
    pub owners: Vec<ID>,
    /// Leave out tools past their review date (`Tool.reviewOverdue`: they may be out of date),
    /// and those due within the hour. Suggestions (`suggestTools`) do not apply it.
    #[graphql(default)]
    pub exclude_outdated: bool,
}

/// The matched words of a hit, in `<b>`; the rest HTML-escaped.
#[derive(SimpleObject)]
pub struct Highlights {
    /// The language the highlights are in: the one asked for when the tool has it.
    pub lang: Lang,
    pub title: String,
    /// A passage of the body or summary around the matched words.
    pub text: String,
}

pub struct SearchHit(svc::SearchHit);

/// An attachment whose text matched a search.
#[derive(SimpleObject)]
pub struct AttachmentMatch {
    pub attachment: super::attachment::Attachment,
    /// A passage around the matched words, in `<b>`; the rest HTML-escaped.
    pub text: String,
}

#[Object]
impl SearchHit {
    async fn tool(&self) -> Tool {
        Tool::new(self.0.tool.clone())
    }

    /// Relevance; 0 when sorted otherwise.
    async fn score(&self) -> f64 {
        f64::from(self.0.score)
    }

    /// The tool's attachments whose text holds the words searched for, with a passage of each.
    async fn matched_attachments(&self) -> Vec<AttachmentMatch> {
        self.0
            .attachments
            .iter()
            .map(|(a, text)| AttachmentMatch {
                attachment: super::attachment::Attachment(a.clone()),
                text: text.clone(),
            })
            .collect()
    }

    async fn highlights(&self) -> Highlights {
        Highlights {
            lang: self.0.lang.into(),
            title: self.0.title_html.clone(),
            text: self.0.text_html.clone(),
        }
    }
}

/// How many results each value would give, the other facets' filters applied.
#[derive(SimpleObject, Clone)]
pub struct FacetCount {
    /// The enum value, language code (`FR`…) or, for owners, the organisation ID.
    pub value: String,
    pub count: u64,
}

#[derive(SimpleObject, Clone, Default)]
pub struct SearchFacets {
    pub kinds: Vec<FacetCount>,
    pub categories: Vec<FacetCount>,
    pub languages: Vec<FacetCount>,
    pub audiences: Vec<FacetCount>,
    pub owners: Vec<FacetCount>,
}

#[derive(SimpleObject)]
pub struct SearchFields {
    #[graphql(complexity = "super::connection::COUNT_WORK")]
    pub total_count: u64,
    #[graphql(complexity = "super::connection::FACETS_WORK")]
    pub facets: SearchFacets,
    /// Words of the query that no tool you may see holds, as typed: "no result for …". Tools
    /// holding the other words are still found, ranked by how many words they hold.
    pub unmatched_words: Vec<String>,
}

/// One idea of the field and its words in the four languages: a search for one of the words
/// also finds the others, ranked below what holds the words as typed.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "SearchConceptInput")]
pub struct SearchConcept {
    pub name: String,
    pub terms: Vec<SearchConceptTerm>,
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "SearchConceptTermInput")]
pub struct SearchConceptTerm {
    pub lang: Lang,
    /// A word or a few (four at most).
    pub text: String,
}

impl From<commons_domain::synonyms::Concept> for SearchConcept {
    fn from(c: commons_domain::synonyms::Concept) -> Self {
        Self {
            name: c.name,
            terms: c
                .terms
                .into_iter()
                .map(|(lang, text)| SearchConceptTerm {
                    lang: lang.into(),
                    text,
                })
                .collect(),
        }
    }
}

impl From<SearchConcept> for commons_domain::synonyms::Concept {
    fn from(c: SearchConcept) -> Self {
        Self {
            name: c.name,
            terms: c
                .terms
                .into_iter()
                .map(|t| (t.lang.into(), t.text))
                .collect(),
        }
    }
}

#[derive(InputObject)]
pub struct SetSearchSynonymsInput {
    /// The whole table: it replaces the one in force.
    pub concepts: Vec<SearchConcept>,
}

#[derive(SimpleObject)]
pub struct SetSearchSynonymsPayload {
    pub concepts: Option<Vec<SearchConcept>>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct SearchMutation;

#[Object]
impl SearchMutation {
    /// Replaces the concept table of search: INASTI moderators. Applies to searches at once,
    /// without a reindex; audited.
    async fn set_search_synonyms(
        &self,
        ctx: &Context<'_>,
        input: SetSearchSynonymsInput,
    ) -> Result<SetSearchSynonymsPayload> {
        let concepts = input.concepts.into_iter().map(Into::into).collect();
        let (concepts, user_errors) =
            into_payload(svc::set_synonyms(services(ctx), actor(ctx), concepts).await)?;
        Ok(SetSearchSynonymsPayload {
            concepts: concepts.map(|c| c.into_iter().map(Into::into).collect()),
            user_errors,
        })
    }
}

#[derive(SimpleObject)]
pub struct ToolSuggestion {
    pub tool: Tool,
    pub title: String,
}

fn counts(values: Vec<(String, u64)>, name: impl Fn(&str) -> String) -> Vec<FacetCount> {
    values
        .into_iter()
        .map(|(v, count)| FacetCount {
            value: name(&v),
            count,
        })
        .collect()
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Full-text search over the tools you may see, in French, Dutch, German and English.
    /// Tools holding every word come first, then those missing one, and so on (`unmatchedWords`
    /// names words nothing holds); function words (`le`, `de`, `the`, `der` …) never exclude a
    /// tool. Accents optional, plurals and conjugations found, compounds found by their parts
    /// and the other way round (`burnout`, `burn-out`, `burn out`), key concepts found in the
    /// other languages (`searchSynonyms`), a word nothing holds matched with one typo from five
    /// letters (two from nine), `"quoted phrases"` required, `-excluded` words. Within a tier:
    /// title over summary over body over attachments, as typed over stemmed over another
    /// language over typos, words close together first, then the newest. An empty query
    /// browses with the filters. At most 512 characters, 32 words, 12 words in a phrase
    /// (`limits.search_*`).
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::SEARCH_WORK)"
    )]
    async fn search_tools(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
        filter: Option<SearchFilter>,
        sort: Option<SearchSort>,
        lang: Option<Lang>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, SearchHit, SearchFields, EmptyFields>> {
        let svc_ctx = services(ctx);
        let max = svc_ctx.max_page_size;
        // The same page-size rule as every list; search cursors are offsets, read below.
        let limit = PageRequest::new(first, None, max)
            .map_err(|e| graphql_error(ErrorCode::BadUserInput, e.to_string()))?
            .first;
        let offset = match after {
            None => 0,
            Some(c) => {
                decode_cursor(LIST, &c)?.parse::<usize>().map_err(|_| {
                    graphql_error(
                        ErrorCode::BadUserInput,
                        "after is not a cursor of this list",
                    )
                })? + 1
            }
        };
        let f = filter.unwrap_or_default();
        let owners = f
            .owners
            .iter()
            .map(|o| id::decode_as(NodeType::Organisation, o))
            .collect::<Result<Vec<_>>>()?;
        let q = Query {
            text: query.unwrap_or_default(),
            filter: Filter {
                kinds: to_domain(&f.kinds),
                categories: to_domain(&f.categories),
                languages: to_domain(&f.languages),
                audiences: to_domain(&f.audiences),
                owners,
                exclude_outdated: f.exclude_outdated,
            },
            sort: sort.unwrap_or_default().into(),
            lang: lang.map(Into::into),
            offset,
            limit,
            facets: ctx.look_ahead().field("facets").exists(),
            snippets: {
                let node = ctx.look_ahead().field("edges").field("node");
                node.field("highlights").exists() || node.field("matchedAttachments").exists()
            },
        };
        let found = svc::search(svc_ctx, actor(ctx), q).await.gql()?;
        let facets = SearchFacets {
            kinds: counts(found.facets.kinds, str::to_owned),
            categories: counts(found.facets.categories, str::to_owned),
            languages: counts(found.facets.languages, str::to_uppercase),
            audiences: counts(found.facets.audiences, str::to_owned),
            owners: counts(found.facets.owners, |v| {
                v.parse::<i64>()
                    .map(|n| id::encode(NodeType::Organisation, n).0)
                    .unwrap_or_default()
            }),
        };
        let has_next = offset + limit < found.total;
        let mut c = Connection::with_additional_fields(
            offset > 0,
            has_next,
            SearchFields {
                total_count: found.total as u64,
                facets,
                unmatched_words: found.unmatched_words,
            },
        );
        c.edges.extend(
            found.hits.into_iter().enumerate().map(|(i, h)| {
                Edge::new(encode_cursor(LIST, &(offset + i).to_string()), SearchHit(h))
            }),
        );
        Ok(c)
    }

    /// The concept table that widens searches across languages: INASTI moderators and platform
    /// admins.
    async fn search_synonyms(&self, ctx: &Context<'_>) -> Result<Vec<SearchConcept>> {
        let concepts = svc::synonyms(services(ctx), actor(ctx)).await.gql()?;
        Ok(concepts.into_iter().map(Into::into).collect())
    }

    /// Titles of the tools you may see that start with what was typed: at most 10; the prefix
    /// at most 100 characters (`limits.search_prefix_chars`).
    #[graphql(complexity = "super::connection::SEARCH_WORK + 10 * child_complexity")]
    async fn suggest_tools(
        &self,
        ctx: &Context<'_>,
        prefix: String,
        lang: Option<Lang>,
    ) -> Result<Vec<ToolSuggestion>> {
        let svc_ctx = services(ctx);
        let found = svc::suggest(svc_ctx, actor(ctx), &prefix, lang.map(Into::into))
            .await
            .gql()?;
        let ids: Vec<i64> = found.iter().map(|s| s.tool_id as i64).collect();
        let visible = tools_svc::get_many(svc_ctx, actor(ctx), &ids).await.gql()?;
        Ok(found
            .into_iter()
            .zip(visible)
            .filter_map(|(s, v)| {
                v.map(|tool| ToolSuggestion {
                    tool: Tool::new(tool),
                    title: s.title,
                })
            })
            .collect())
    }
}
