//! `limits`: every bound a client may hit, as this server is configured, so that a client (or
//! a page) can say "at most 200 characters" before it sends, not after it is refused. The
//! figures are read from the configuration and from the domain's own constants, never copied.

use async_graphql::{Context, Object, SimpleObject};

use crate::config::{Limits, RateLimitConfig};
use commons_domain::{
    activity_report, adoption, appeal, attachment, collaboration, collection, content_report,
    evaluation, funding, notification, organisation, review, service_offering, synonyms, tool,
    translation_offer,
};
use commons_service as service;

/// What `limits` answers: built once from the configuration when the schema is built.
#[derive(SimpleObject, Clone, Debug)]
pub struct ServiceLimits {
    /// Bounds on any GraphQL request.
    request: RequestLimits,
    /// Each caller's budgets per minute.
    budgets: BudgetLimits,
    /// Bounds on uploaded files.
    uploads: UploadLimits,
    /// Bounds on a search.
    search: SearchLimits,
    /// Bounds on a tool's content and on decisions about it.
    tool: ToolLimits,
    /// Bounds on collaboration proposals, their messages and joint services.
    collaboration: CollaborationLimits,
    /// Bounds on the yearly account: the register, affiliate counts, reports and funding.
    yearly_account: YearlyAccountLimits,
    /// Bounds on peer learning: adoptions, reviews, collections and follows.
    peer_learning: PeerLearningLimits,
    /// Bounds on reports of problematic content.
    reports: ReportLimits,
    /// Bounds on appeals against moderation decisions.
    appeals: AppealLimits,
    /// Bounds on translations by peers (a translation itself keeps `tool`'s bounds).
    translations: TranslationLimits,
    /// Bounds on the evaluation: indicators, their values, evaluations and the CGG's advice.
    evaluation: EvaluationLimits,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct EvaluationLimits {
    /// Indicators in one year.
    indicators_per_year: i32,
    /// Characters of an indicator's code.
    indicator_code_chars: i32,
    /// Characters of an indicator's name in one language.
    indicator_name_chars: i32,
    /// Values in one `setIndicatorValues`.
    values_per_call: i32,
    /// The largest value of a `COUNT` indicator, as this server is configured.
    max_count: i32,
    /// Characters of an evaluation's text.
    evaluation_text_chars: i32,
    /// Characters of the CGG's advice.
    advice_chars: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct TranslationLimits {
    /// Characters of an owner's note when declining an offer.
    note_chars: i32,
    /// Offers of one tool listed.
    offers_listed: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct AppealLimits {
    /// Characters of an appeal's statement.
    statement_chars: i32,
    /// Characters of a moderator's reason for upholding or overturning it.
    reason_chars: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct ReportLimits {
    /// Characters of what a report says.
    text_chars: i32,
    /// Characters of a moderator's reason for its outcome.
    resolution_chars: i32,
    /// Reports one person may file in a day (`reports.per_day`); `RATE_LIMITED` beyond.
    per_day: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct RequestLimits {
    /// Nesting of data fields in one operation.
    query_depth: i32,
    /// Nesting below `__schema` and `__type`.
    introspection_depth: i32,
    /// Each field costs 1; a connection costs its page size times its children.
    query_complexity: i32,
    /// Bytes of a request's body (without uploaded files).
    body_bytes: i32,
    /// Operations in one batched request; 0 when batching is off.
    batch_size: i32,
    /// The largest `first` of any connection.
    page_size: i32,
    /// Items of a connection when `first` is not given.
    default_page_size: i32,
    /// Milliseconds an operation may run before it is stopped with `TIMEOUT`.
    timeout_ms: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct BudgetLimits {
    /// Whether budgets are enforced at all.
    enabled: bool,
    /// Query cost (each operation's complexity) per caller per minute.
    query_cost_per_minute: i32,
    /// Mutation root fields and uploaded files per caller per minute.
    mutations_per_minute: i32,
    /// What one request to a file route takes from the query budget.
    file_route_cost: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct UploadLimits {
    /// Bytes of one uploaded file.
    file_bytes: i32,
    /// Files in one multipart request.
    files_per_request: i32,
    /// Files attached to one revision of a tool.
    attachments_per_tool: i32,
    /// Characters of an attachment's title.
    title_chars: i32,
    /// Characters of an attachment's file name.
    file_name_chars: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct SearchLimits {
    /// Characters of a search's text.
    query_chars: i32,
    /// Words of a search's text.
    query_words: i32,
    /// Words of a quoted phrase.
    phrase_words: i32,
    /// Organisations an owner filter may name.
    filter_owners: i32,
    /// Characters `suggestTools` completes.
    prefix_chars: i32,
    /// Suggestions `suggestTools` returns at most.
    suggestions: i32,
    /// How deep into the results a page may start (the position `after` names).
    max_offset: i32,
    /// Concepts in the search synonyms' table.
    synonym_concepts: i32,
    /// Terms of one concept.
    synonym_terms: i32,
    /// Characters of one term.
    synonym_term_chars: i32,
    /// Words of one term.
    synonym_term_words: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct ToolLimits {
    /// Characters of a title, in each language.
    title_chars: i32,
    /// Characters of a summary, in each language.
    summary_chars: i32,
    /// Bytes of one language's Markdown description.
    body_bytes: i32,
    /// Tags of a tool.
    tags: i32,
    /// Characters of a tag.
    tag_chars: i32,
    /// Sectors a tool names.
    sectors: i32,
    /// Characters of a sector, of the duration and of the contact.
    short_text_chars: i32,
    /// Characters of the quality statement.
    quality_chars: i32,
    /// Characters of a moderator's reason for a decision or a withdrawal.
    reason_chars: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct CollaborationLimits {
    /// Characters of a proposal's title.
    title_chars: i32,
    /// Characters of a proposal's description.
    description_chars: i32,
    /// Characters of a contribution, a message, an answer or a withdrawal's reason.
    message_chars: i32,
    /// Characters of a proposal's region.
    region_chars: i32,
    /// Caisses one proposal addresses.
    targets: i32,
    /// Tools one proposal links.
    linked_tools: i32,
    /// Days a proposal may give for replies.
    reply_days: i32,
    /// Messages in one proposal's thread.
    messages: i32,
    /// Characters of a joint service's transfer or end reason.
    reason_chars: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct YearlyAccountLimits {
    /// Characters of a service offering's title.
    offering_title_chars: i32,
    /// Characters of a service offering's description.
    offering_description_chars: i32,
    /// Characters of one of an offering's regions.
    offering_region_chars: i32,
    /// Regions of one offering.
    offering_regions: i32,
    /// Tools one offering links.
    offering_tools: i32,
    /// Offerings of one caisse in one year.
    offerings_per_year: i32,
    /// People one offering may report as reached.
    people_reached: i32,
    /// Affiliate counts set in one call.
    affiliate_counts_per_call: i32,
    /// The largest affiliate count.
    affiliates: i32,
    /// Bytes of an affiliate counts' CSV import.
    affiliate_import_bytes: i32,
    /// Characters of an activity report's narrative.
    report_narrative_chars: i32,
    /// Characters of a comment on a returned report.
    report_comment_chars: i32,
    /// Weights in one funding allocation.
    funding_weights: i32,
    /// Characters of an organisation's name.
    organisation_name_chars: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct PeerLearningLimits {
    /// Characters of the note with which an organisation says it uses a tool.
    adoption_note_chars: i32,
    /// Characters of a review's comment.
    review_comment_chars: i32,
    /// Characters of a moderator's reason for hiding a review.
    review_hide_reason_chars: i32,
    /// Characters of a collection's title.
    collection_title_chars: i32,
    /// Characters of a collection's description.
    collection_description_chars: i32,
    /// Tools in one collection.
    collection_tools: i32,
    /// Tools, organisations and themes one person may follow.
    follows: i32,
}

/// A bound as GraphQL's 32-bit `Int`; none comes near, and one that did would read as the
/// largest `Int` rather than wrap.
fn int(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

impl ServiceLimits {
    pub fn new(limits: &Limits, budgets: &RateLimitConfig) -> Self {
        Self {
            request: RequestLimits {
                query_depth: int(limits.query_depth),
                introspection_depth: int(limits.introspection_depth),
                query_complexity: int(limits.query_complexity),
                body_bytes: int(limits.body_bytes),
                batch_size: int(limits.batch_size),
                page_size: int(limits.page_size),
                default_page_size: int(service::PageRequest::default_size(limits.page_size)),
                timeout_ms: int(limits.request_timeout_ms),
            },
            budgets: BudgetLimits {
                enabled: budgets.enabled,
                query_cost_per_minute: int(budgets.query_cost_per_minute),
                mutations_per_minute: int(budgets.mutations_per_minute),
                file_route_cost: int(budgets.file_route_cost),
            },
            uploads: UploadLimits {
                file_bytes: int(limits.upload_bytes),
                files_per_request: int(limits.upload_files),
                attachments_per_tool: int(limits.attachments_per_tool),
                title_chars: int(attachment::TITLE_MAX_CHARS),
                file_name_chars: int(attachment::FILE_NAME_MAX_CHARS),
            },
            search: SearchLimits {
                query_chars: int(limits.search_query_chars),
                query_words: int(limits.search_query_words),
                phrase_words: int(limits.search_phrase_words),
                filter_owners: int(limits.search_filter_owners),
                prefix_chars: int(limits.search_prefix_chars),
                suggestions: int(service::search::MAX_SUGGESTIONS),
                max_offset: int(service::search::MAX_OFFSET),
                synonym_concepts: int(synonyms::MAX_CONCEPTS),
                synonym_terms: int(synonyms::MAX_TERMS),
                synonym_term_chars: int(synonyms::MAX_TERM_CHARS),
                synonym_term_words: int(synonyms::MAX_TERM_WORDS),
            },
            tool: ToolLimits {
                title_chars: int(tool::TITLE_MAX_CHARS),
                summary_chars: int(tool::SUMMARY_MAX_CHARS),
                body_bytes: int(tool::BODY_MAX_BYTES),
                tags: int(tool::TAGS_MAX),
                tag_chars: int(tool::TAG_MAX_CHARS),
                sectors: int(tool::SECTORS_MAX),
                short_text_chars: int(tool::SHORT_TEXT_MAX_CHARS),
                quality_chars: int(tool::QUALITY_MAX_CHARS),
                reason_chars: int(service::tools::REASON_MAX_CHARS),
            },
            collaboration: CollaborationLimits {
                title_chars: int(collaboration::TITLE_MAX_CHARS),
                description_chars: int(collaboration::DESCRIPTION_MAX_CHARS),
                message_chars: int(collaboration::SHORT_TEXT_MAX_CHARS),
                region_chars: int(collaboration::REGION_MAX_CHARS),
                targets: int(collaboration::MAX_TARGETS),
                linked_tools: int(collaboration::MAX_LINKED_TOOLS),
                reply_days: int(collaboration::MAX_REPLY_DAYS),
                messages: int(collaboration::MAX_MESSAGES),
                reason_chars: int(service::joint_services::REASON_MAX_CHARS),
            },
            yearly_account: YearlyAccountLimits {
                offering_title_chars: int(service_offering::TITLE_MAX_CHARS),
                offering_description_chars: int(service_offering::DESCRIPTION_MAX_CHARS),
                offering_region_chars: int(service_offering::REGION_MAX_CHARS),
                offering_regions: int(service_offering::MAX_REGIONS),
                offering_tools: int(service_offering::MAX_TOOLS),
                offerings_per_year: int(service_offering::MAX_PER_YEAR),
                people_reached: int(service_offering::MAX_PEOPLE_REACHED),
                affiliate_counts_per_call: int(organisation::MAX_AFFILIATE_COUNTS_PER_CALL),
                affiliates: int(organisation::MAX_AFFILIATES),
                affiliate_import_bytes: int(service::affiliate_counts::MAX_IMPORT_BYTES),
                report_narrative_chars: int(activity_report::NARRATIVE_MAX_CHARS),
                report_comment_chars: int(activity_report::COMMENT_MAX_CHARS),
                funding_weights: int(funding::MAX_WEIGHTS),
                organisation_name_chars: int(organisation::NAME_MAX_CHARS),
            },
            peer_learning: PeerLearningLimits {
                adoption_note_chars: int(adoption::NOTE_MAX_CHARS),
                review_comment_chars: int(review::COMMENT_MAX_CHARS),
                review_hide_reason_chars: int(review::REASON_MAX_CHARS),
                collection_title_chars: int(collection::TITLE_MAX_CHARS),
                collection_description_chars: int(collection::DESCRIPTION_MAX_CHARS),
                collection_tools: int(collection::MAX_TOOLS),
                follows: int(notification::MAX_FOLLOWS),
            },
            evaluation: EvaluationLimits {
                indicators_per_year: int(evaluation::MAX_INDICATORS),
                indicator_code_chars: int(evaluation::CODE_MAX_CHARS),
                indicator_name_chars: int(evaluation::NAME_MAX_CHARS),
                values_per_call: int(evaluation::MAX_VALUES_PER_CALL),
                // The service's own figure, read when asked (`LimitsQuery::limits`).
                max_count: 0,
                evaluation_text_chars: int(evaluation::EVALUATION_TEXT_MAX_CHARS),
                advice_chars: int(evaluation::ADVICE_MAX_CHARS),
            },
            reports: ReportLimits {
                text_chars: int(content_report::TEXT_MAX_CHARS),
                resolution_chars: int(content_report::RESOLUTION_MAX_CHARS),
                // The service's own figure, read when asked (`LimitsQuery::limits`).
                per_day: 0,
            },
            translations: TranslationLimits {
                note_chars: int(translation_offer::NOTE_MAX_CHARS),
                offers_listed: int(service::translations::MAX_OFFERS_LISTED),
            },
            appeals: AppealLimits {
                statement_chars: int(appeal::STATEMENT_MAX_CHARS),
                reason_chars: int(appeal::REASON_MAX_CHARS),
            },
        }
    }
}

#[derive(Default)]
pub struct LimitsQuery;

#[Object]
impl LimitsQuery {
    /// Every bound a client may hit on this server, as it is configured: lengths, counts, page
    /// sizes, uploads and budgets. Anyone may ask; it costs nothing from a budget but its fields.
    async fn limits(&self, ctx: &Context<'_>) -> async_graphql::Result<ServiceLimits> {
        let mut limits = ctx.data::<ServiceLimits>()?.clone();
        limits.reports.per_day = int(super::services(ctx).reports_per_day);
        limits.evaluation.max_count = int(super::services(ctx).indicator_max_count);
        Ok(limits)
    }
}
