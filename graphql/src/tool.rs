use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::connection::ListConnection;
use super::connection::list_page;
use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::loaders::{self, ToolLoader};
use super::organisation::Organisation;
use super::peer_learning as peer;
use super::scalars::{
    Audience, DeliveryFormat, DeliveryMode, Lang, ModerationAction, ReviewDecision, RevisionStatus,
    Scope, ServiceCategory, ToolKind, ToolStatus, Visibility, from_domain, text_in as text,
    to_domain,
};
use super::viewer::User;
use super::{actor, services};
use commons_domain::tool::{
    self as model, QualityDocumentation as Quality, ToolDraft, ToolFilter as Filter,
};
use commons_service::ServiceError;
use commons_service::tools::{self as svc, VisibleTool};

const LIST: &str = "tools";
const QUEUE: &str = "moderationQueue";
const LOG: &str = "moderationLog";
const HISTORY: &str = "revisions";

/// A tool of the catalogue, as the caller may see it.
#[derive(Clone)]
pub struct Tool(pub Box<VisibleTool>);

impl Tool {
    pub fn new(visible: VisibleTool) -> Self {
        Self(Box::new(visible))
    }
}

/// What you may do with a tool.
#[derive(SimpleObject)]
pub struct ToolCapabilities {
    /// Edit it, submit it for review, attach files: its organisation's staff, whatever
    /// state its latest revision is in (`revise`, `submit` and `attach` say what is possible now).
    pub edit: bool,
    /// Say your organisation uses it (`adoptTool`): another organisation's staff, once it is
    /// published.
    pub adopt: bool,
    /// Review it (`reviewTool`): another organisation's staff, once it is published.
    pub review: bool,
    /// Save a new revision now (`updateTool`): not while one is in review.
    pub revise: bool,
    /// Send the latest revision to review now (`submitTool`): a draft shared beyond your
    /// organisation.
    pub submit: bool,
    /// Add or remove files now: the latest revision is a draft or was sent back for changes.
    pub attach: bool,
    /// Decide on the revision in review (`decideOnTool`): a moderator, never on their own
    /// work, nor INASTI's own guides but by another INASTI moderator.
    pub decide: bool,
    /// Confirm that the published content is still valid (`confirmToolCurrent`): its
    /// organisation's staff, while it is published and active.
    pub confirm_current: bool,
    /// Report it, or one of its reviews, as problematic (`reportContent`): anyone signed in,
    /// once it is published and not withdrawn.
    pub report: bool,
    /// Offer a translation into a language it lacks (`offerTranslation`): another
    /// organisation's staff, once it is published.
    pub offer_translation: bool,
}

#[Object]
impl Tool {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::Tool, self.0.tool.id)
    }

    /// What you may do with this tool, as the API would allow it: offer an action only when
    /// it is true.
    async fn viewer_can(&self, ctx: &Context<'_>) -> Result<ToolCapabilities> {
        let tool = &self.0.tool;
        // Only those who read the latest revision (its owner, moderators) may work on it or
        // decide on it; whether the owner is INASTI matters only then.
        let latest = self.0.sees_everything().then_some(&self.0.revision);
        let owner_is_inasti = match latest {
            Some(_) => {
                loaders::required_organisation(ctx, tool.owner_id)
                    .await?
                    .0
                    .kind
                    == commons_domain::organisation::OrganisationKind::Inasti
            }
            None => false,
        };
        let can = commons_service::capabilities::on_tool(
            actor(ctx),
            tool,
            latest,
            owner_is_inasti,
            services(ctx).now(),
        );
        Ok(ToolCapabilities {
            edit: can.edit,
            adopt: can.adopt,
            review: can.review,
            revise: can.revise,
            submit: can.submit,
            attach: can.attach,
            decide: can.decide,
            confirm_current: can.confirm_current,
            report: can.report,
            offer_translation: can.offer_translation,
        })
    }

    /// The caisse or partner organisation that shares the tool.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Organisation> {
        loaders::required_organisation(ctx, self.0.tool.owner_id).await
    }

    async fn status(&self) -> ToolStatus {
        self.0.tool.status.into()
    }

    /// When the published content was last known current: its publication, or its
    /// organisation's confirmation that it is still valid (`confirmToolCurrent`). Null before
    /// the first publication.
    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        let tool = &self.0.tool;
        tool.reviewed_at
            .filter(|_| tool.published_revision.is_some())
    }

    /// When it is due for review: `review.after_days` after `reviewedAt`. Its organisation's
    /// staff are told `review.notice_days` before. Null unless published and active.
    async fn review_due(&self, ctx: &Context<'_>) -> Option<DateTime<Utc>> {
        self.0.tool.review_due(services(ctx).review)
    }

    /// Past its review date: it may be out of date.
    async fn review_overdue(&self, ctx: &Context<'_>) -> bool {
        let services = services(ctx);
        self.0.tool.review_overdue(services.review, services.now())
    }

    /// The revision you are shown: the latest for the owner and moderators, the published
    /// one for everyone else.
    async fn current(&self) -> ToolRevision {
        ToolRevision(self.0.revision.clone())
    }

    /// The title of the current revision, in `lang` or the first language it has.
    async fn title(&self, lang: Option<Lang>) -> String {
        text(&self.0.revision.content.titles(), lang)
    }

    async fn summary(&self, lang: Option<Lang>) -> String {
        text(&self.0.revision.content.summaries(), lang)
    }

    async fn kind(&self) -> ToolKind {
        self.0.revision.content.kind.into()
    }

    async fn categories(&self) -> Vec<ServiceCategory> {
        from_domain(&self.0.revision.content.categories)
    }

    /// The newest revision, published or not: for the owner and moderators; null for others.
    async fn latest(&self, ctx: &Context<'_>) -> Result<Option<ToolRevision>> {
        Ok(svc::latest(services(ctx), &self.0)
            .await
            .gql()?
            .map(ToolRevision))
    }

    /// The revision that is live, if any.
    async fn published(&self, ctx: &Context<'_>) -> Result<Option<ToolRevision>> {
        Ok(svc::published(services(ctx), &self.0)
            .await
            .gql()?
            .map(ToolRevision))
    }

    /// The history, newest first: every revision for the owner; for moderators every one that
    /// was not kept to its organisation; for everyone else the published ones whose own
    /// visibility they may read (a revision published to the network stays the network's).
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn revisions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<ToolRevision>> {
        let svc_ctx = services(ctx);
        list_page(
            ctx,
            HISTORY,
            first,
            after,
            |page| async move { svc::history(svc_ctx, actor(ctx), &self.0, &page).await },
            |r| r.number.to_string(),
            ToolRevision,
        )
        .await
    }

    async fn revision(&self, ctx: &Context<'_>, number: i32) -> Result<Option<ToolRevision>> {
        Ok(svc::revision(services(ctx), actor(ctx), &self.0, number)
            .await
            .gql()?
            .map(ToolRevision))
    }

    /// What changed from revision `from` to revision `to`, field by field.
    async fn compare_revisions(
        &self,
        ctx: &Context<'_>,
        from: i32,
        to: i32,
    ) -> Result<Vec<FieldChange>> {
        Ok(svc::compare(services(ctx), actor(ctx), &self.0, from, to)
            .await
            .gql()?
            .into_iter()
            .map(|c| FieldChange {
                field: c.field,
                before: c.before,
                after: c.after,
            })
            .collect())
    }

    /// The files of the revision you are shown.
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<super::attachment::Attachment>> {
        super::attachment::of_revision(ctx, &self.0.revision).await
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.tool.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.tool.updated_at
    }

    /// The organisations that use it, newest first; ended adoptions too with `includeEnded`.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn adoptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default = false)] include_ended: bool,
    ) -> Result<ListConnection<peer::Adoption>> {
        let (s, viewer, tool) = (services(ctx), actor(ctx), self.0.tool.id);
        list_page(
            ctx,
            peer::ADOPTIONS,
            first,
            after,
            |page| async move {
                commons_service::adoptions::list(
                    s,
                    viewer,
                    commons_domain::adoption::AdoptionsOf::Tool(tool),
                    include_ended,
                    &page,
                )
                .await
            },
            peer::adoption_key,
            peer::Adoption,
        )
        .await
    }

    /// How many organisations use it now.
    #[graphql(complexity = "super::connection::COUNT_WORK")]
    async fn adoption_count(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(
            commons_service::adoptions::count_of_tool(services(ctx), actor(ctx), self.0.tool.id)
                .await
                .gql()? as i64,
        )
    }

    /// The tool this one was adapted from, when its owner recorded the adoption and you may
    /// see the original.
    #[graphql(complexity = "super::connection::LIST_WORK + child_complexity")]
    async fn based_on(&self, ctx: &Context<'_>) -> Result<Option<peer::Adoption>> {
        Ok(
            commons_service::adoptions::based_on(services(ctx), actor(ctx), self.0.tool.id)
                .await
                .gql()?
                .map(peer::Adoption),
        )
    }

    /// Other organisations' reviews, newest first: hidden ones only for their organisation and
    /// moderators.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn reviews(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<peer::Review>> {
        let (s, who, tool) = (services(ctx), actor(ctx), self.0.tool.id);
        list_page(
            ctx,
            peer::REVIEWS,
            first,
            after,
            |page| async move { commons_service::reviews::of_tool(s, who, tool, &page).await },
            |r| r.id.to_string(),
            peer::Review,
        )
        .await
    }

    /// The languages its organisation asks translations into: languages the published tool
    /// lacks (`setTranslationsWanted`).
    async fn translations_wanted(&self, ctx: &Context<'_>) -> Result<Vec<Lang>> {
        Ok(
            commons_service::translations::wanted(services(ctx), &self.0.tool)
                .await
                .gql()?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// Translations offered by other organisations, newest first (at most 50): all of them for
    /// its organisation, a translator's own for that translator, and for anyone those accepted
    /// and published — the credits.
    #[graphql(complexity = "super::connection::LIST_WORK")]
    async fn translation_offers(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::translation::TranslationOffer>> {
        Ok(
            commons_service::translations::of_tool(services(ctx), actor(ctx), &self.0.tool)
                .await
                .gql()?
                .into_iter()
                .map(super::translation::TranslationOffer)
                .collect(),
        )
    }

    /// The organisations that translated it: its offers accepted and published, newest first.
    #[graphql(complexity = "super::connection::LIST_WORK")]
    async fn translation_credits(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::translation::TranslationOffer>> {
        Ok(
            commons_service::translations::credits(services(ctx), &self.0.tool)
                .await
                .gql()?
                .into_iter()
                .map(super::translation::TranslationOffer)
                .collect(),
        )
    }

    /// The visible reviews in figures.
    #[graphql(complexity = "super::connection::LIST_WORK")]
    async fn rating(&self, ctx: &Context<'_>) -> Result<peer::Rating> {
        Ok(
            commons_service::reviews::rating(services(ctx), self.0.tool.id)
                .await
                .gql()?
                .into(),
        )
    }

    /// INASTI's live collections holding it.
    #[graphql(complexity = "super::connection::LIST_WORK + 10 * child_complexity")]
    async fn collections(&self, ctx: &Context<'_>) -> Result<Vec<peer::Collection>> {
        Ok(
            commons_service::collections::holding(services(ctx), self.0.tool.id)
                .await
                .gql()?
                .into_iter()
                .map(peer::Collection)
                .collect(),
        )
    }
}

/// A tool by id, if the caller may see it.
pub async fn visible(ctx: &Context<'_>, id: i64) -> Result<Option<Tool>> {
    Ok(svc::get(services(ctx), actor(ctx), id)
        .await
        .gql()?
        .map(Tool::new))
}

/// One field that differs between two revisions.
#[derive(SimpleObject)]
pub struct FieldChange {
    /// e.g. `licence`, `quality.scientificBasis`, `translations.fr.title`.
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One revision of a tool: its content as it was written, and where it stands.
#[derive(Clone)]
pub struct ToolRevision(pub model::Revision);

#[Object]
impl ToolRevision {
    async fn number(&self) -> i32 {
        self.0.number
    }

    async fn status(&self) -> RevisionStatus {
        self.0.status.into()
    }

    /// Who wrote it; people are visible to signed-in callers only.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        loaders::user(ctx, Some(self.0.author_id)).await
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }

    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    async fn kind(&self) -> ToolKind {
        self.0.content.kind.into()
    }

    /// The files this revision carries, in the order they were added.
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<super::attachment::Attachment>> {
        super::attachment::of_revision(ctx, &self.0).await
    }

    async fn categories(&self) -> Vec<ServiceCategory> {
        from_domain(&self.0.content.categories)
    }

    async fn languages(&self) -> Vec<Lang> {
        from_domain(&self.0.content.languages())
    }

    async fn title(&self, lang: Option<Lang>) -> String {
        text(&self.0.content.titles(), lang)
    }

    async fn summary(&self, lang: Option<Lang>) -> String {
        text(&self.0.content.summaries(), lang)
    }

    /// Markdown.
    async fn body(&self, lang: Option<Lang>) -> String {
        text(&self.0.content.bodies(), lang)
    }

    async fn translations(&self) -> Vec<ToolTranslation> {
        self.0
            .content
            .translations
            .iter()
            .map(|t| ToolTranslation {
                lang: t.lang.into(),
                title: t.title.clone(),
                summary: t.summary.clone(),
                body: t.body.clone(),
            })
            .collect()
    }

    async fn audiences(&self) -> Vec<Audience> {
        from_domain(&self.0.content.audiences)
    }

    /// The sectors a tool addresses, when its audience names `SECTORS`.
    async fn sectors(&self) -> &[String] {
        &self.0.content.sectors
    }

    async fn delivery_modes(&self) -> Vec<DeliveryMode> {
        from_domain(&self.0.content.delivery_modes)
    }

    async fn delivery_formats(&self) -> Vec<DeliveryFormat> {
        from_domain(&self.0.content.delivery_formats)
    }

    async fn scopes(&self) -> Vec<Scope> {
        from_domain(&self.0.content.scopes)
    }

    async fn duration(&self) -> Option<&str> {
        self.0.content.duration.as_deref()
    }

    /// What the self-employed person pays.
    async fn cost(&self) -> Cost {
        Cost {
            free: self.0.content.cost_eur.is_none(),
            amount_eur: self.0.content.cost_eur.clone(),
        }
    }

    async fn quality(&self) -> QualityDocumentation {
        QualityDocumentation::from(&self.0.content.quality)
    }

    /// An SPDX identifier such as `CC-BY-4.0`, or `ON_REQUEST`.
    async fn licence(&self) -> &str {
        self.0.content.licence.as_str()
    }

    async fn contact(&self) -> Option<&str> {
        self.0.content.contact.as_deref()
    }

    async fn tags(&self) -> &[String] {
        &self.0.content.tags
    }

    async fn visibility(&self) -> Visibility {
        self.0.content.visibility.into()
    }
}

#[derive(SimpleObject)]
pub struct ToolTranslation {
    pub lang: Lang,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
}

#[derive(SimpleObject)]
pub struct Cost {
    pub free: bool,
    /// A decimal amount in euro, e.g. `25.00`; null when free.
    pub amount_eur: Option<String>,
}

/// How the tool meets the quality criteria of the law, in the owner's words.
#[derive(SimpleObject, InputObject, Default, Clone)]
#[graphql(input_name = "QualityDocumentationInput")]
pub struct QualityDocumentation {
    pub demand_driven: Option<String>,
    pub professional_and_private_context: Option<String>,
    pub cooperation_partners: Option<String>,
    pub accessibility: Option<String>,
    pub scientific_basis: Option<String>,
    pub references: Option<String>,
    pub evaluation_results: Option<String>,
}

impl From<&Quality> for QualityDocumentation {
    fn from(q: &Quality) -> Self {
        Self {
            demand_driven: q.demand_driven.clone(),
            professional_and_private_context: q.professional_and_private_context.clone(),
            cooperation_partners: q.cooperation_partners.clone(),
            accessibility: q.accessibility.clone(),
            scientific_basis: q.scientific_basis.clone(),
            references: q.references.clone(),
            evaluation_results: q.evaluation_results.clone(),
        }
    }
}

impl From<QualityDocumentation> for Quality {
    fn from(q: QualityDocumentation) -> Self {
        Self {
            demand_driven: q.demand_driven,
            professional_and_private_context: q.professional_and_private_context,
            cooperation_partners: q.cooperation_partners,
            accessibility: q.accessibility,
            scientific_basis: q.scientific_basis,
            references: q.references,
            evaluation_results: q.evaluation_results,
        }
    }
}

#[derive(InputObject)]
pub struct ToolTranslationInput {
    pub lang: Lang,
    /// At most 200 characters.
    pub title: String,
    /// At most 1000 characters.
    pub summary: String,
    /// Markdown, at most 100 KiB.
    #[graphql(default)]
    pub body: String,
}

/// Everything the owner writes about a tool. Each save is a new revision.
#[derive(InputObject)]
pub struct ToolContentInput {
    pub kind: ToolKind,
    /// At least one.
    pub categories: Vec<ServiceCategory>,
    /// At least one language.
    pub translations: Vec<ToolTranslationInput>,
    #[graphql(default)]
    pub audiences: Vec<Audience>,
    #[graphql(default)]
    pub sectors: Vec<String>,
    #[graphql(default)]
    pub delivery_modes: Vec<DeliveryMode>,
    #[graphql(default)]
    pub delivery_formats: Vec<DeliveryFormat>,
    #[graphql(default)]
    pub scopes: Vec<Scope>,
    pub duration: Option<String>,
    /// What the self-employed person pays in euro, e.g. `25` or `12.50`; empty or 0 is free.
    pub cost_eur: Option<String>,
    #[graphql(default)]
    pub quality: QualityDocumentation,
    /// An SPDX identifier such as `CC-BY-4.0`, or `ON_REQUEST`.
    pub licence: String,
    pub contact: Option<String>,
    /// At most 20.
    #[graphql(default)]
    pub tags: Vec<String>,
    /// `NETWORK` unless said otherwise.
    pub visibility: Option<Visibility>,
}

impl From<ToolContentInput> for ToolDraft {
    fn from(c: ToolContentInput) -> Self {
        ToolDraft {
            kind: Some(c.kind.into()),
            categories: to_domain(&c.categories),
            translations: c
                .translations
                .into_iter()
                .map(|t| model::Translation {
                    lang: t.lang.into(),
                    title: t.title,
                    summary: t.summary,
                    body: t.body,
                })
                .collect(),
            audiences: to_domain(&c.audiences),
            sectors: c.sectors,
            delivery_modes: to_domain(&c.delivery_modes),
            delivery_formats: to_domain(&c.delivery_formats),
            scopes: to_domain(&c.scopes),
            duration: c.duration,
            cost_eur: c.cost_eur,
            quality: c.quality.into(),
            licence: c.licence,
            contact: c.contact,
            tags: c.tags,
            visibility: c.visibility.map(Into::into),
        }
    }
}

/// Narrows a list of tools: values of one field are alternatives, fields combine.
#[derive(InputObject, Default)]
pub struct ToolFilter {
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
    #[graphql(default)]
    pub statuses: Vec<ToolStatus>,
}

impl ToolFilter {
    pub fn to_domain(&self) -> Result<Filter> {
        Ok(Filter {
            kinds: to_domain(&self.kinds),
            categories: to_domain(&self.categories),
            languages: to_domain(&self.languages),
            audiences: to_domain(&self.audiences),
            owners: self
                .owners
                .iter()
                .map(|o| id::decode_as(NodeType::Organisation, o))
                .collect::<Result<_>>()?,
            statuses: to_domain(&self.statuses),
        })
    }
}

/// Lists the tools the caller may see; shared by `tools` and `Organisation.tools`.
pub async fn list_tools(
    ctx: &Context<'_>,
    filter: Filter,
    first: Option<i32>,
    after: Option<String>,
) -> Result<ListConnection<Tool>> {
    let svc_ctx = services(ctx);
    list_page(
        ctx,
        LIST,
        first,
        after,
        |page| async move { svc::list(svc_ctx, actor(ctx), &filter, &page).await },
        |v| v.tool.id.to_string(),
        Tool::new,
    )
    .await
}

/// One decision of the moderation log.
pub struct ModerationLogEntry(pub model::ModerationDecision);

#[Object]
impl ModerationLogEntry {
    /// Names the decision for `appealDecision`.
    async fn id(&self) -> ID {
        id::encode(NodeType::ModerationDecision, self.0.id)
    }

    /// Whether you may appeal this decision now (`appealDecision`): it went against your
    /// organisation (its tool rejected, sent back or withdrawn, its review hidden) and was not
    /// appealed yet.
    async fn viewer_can_appeal(&self, ctx: &Context<'_>) -> Result<bool> {
        commons_service::appeals::can_appeal(services(ctx), actor(ctx), &self.0)
            .await
            .gql()
    }

    /// The appeal against this decision, for moderators and the organisation that appealed.
    async fn appeal(&self, ctx: &Context<'_>) -> Result<Option<super::appeal::Appeal>> {
        Ok(
            commons_service::appeals::of_decision(services(ctx), actor(ctx), self.0.id)
                .await
                .gql()?
                .map(super::appeal::Appeal),
        )
    }

    async fn tool(&self, ctx: &Context<'_>) -> Result<Option<Tool>> {
        Ok(ctx
            .data_unchecked::<DataLoader<ToolLoader>>()
            .load_one(self.0.tool_id)
            .await
            .map_err(|e| super::error::to_graphql(e.as_ref()))?
            .map(Tool::new))
    }

    /// The revision decided on.
    async fn revision(&self) -> i32 {
        self.0.revision
    }

    async fn action(&self) -> ModerationAction {
        self.0.decision.into()
    }

    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// The moderator; people are visible to signed-in callers only.
    async fn moderator(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        loaders::user(ctx, Some(self.0.moderator_id)).await
    }

    async fn decided_at(&self) -> DateTime<Utc> {
        self.0.decided_at
    }
}

#[derive(Default)]
pub struct ToolQuery;

#[Object]
impl ToolQuery {
    /// The tools you may see, newest first.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn tools(
        &self,
        ctx: &Context<'_>,
        filter: Option<ToolFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<Tool>> {
        let filter = filter.unwrap_or_default().to_domain()?;
        list_tools(ctx, filter, first, after).await
    }

    /// Tools waiting for a decision, oldest submission first. Moderators only.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn moderation_queue(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<Tool>> {
        let svc_ctx = services(ctx);
        list_page(
            ctx,
            QUEUE,
            first,
            after,
            |page| async move { svc::moderation_queue(svc_ctx, actor(ctx), &page).await },
            |v| svc::queue_cursor(&v.tool),
            Tool::new,
        )
        .await
    }

    /// How current each organisation's published tools are (`reviewDue`): the organisations
    /// with the most tools past their review date first. INASTI's moderators.
    async fn review_overview(&self, ctx: &Context<'_>) -> Result<Vec<OrganisationReview>> {
        let rows = svc::review_overview(services(ctx), actor(ctx))
            .await
            .gql()?;
        Ok(rows.into_iter().map(OrganisationReview).collect())
    }

    /// Per organisation with published tools, how many are written in each language: where a
    /// translation would reach colleagues across the language border. INASTI's moderators.
    async fn language_coverage(&self, ctx: &Context<'_>) -> Result<Vec<OrganisationLanguages>> {
        let rows = svc::language_coverage(services(ctx), actor(ctx))
            .await
            .gql()?;
        Ok(rows.into_iter().map(OrganisationLanguages).collect())
    }

    /// Every moderation decision on the tools you may see, newest first; one tool's with `toolId`.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn moderation_log(
        &self,
        ctx: &Context<'_>,
        tool_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<ModerationLogEntry>> {
        let svc_ctx = services(ctx);
        let tool_id = tool_id
            .map(|t| id::decode_as(NodeType::Tool, &t))
            .transpose()?;
        list_page(
            ctx,
            LOG,
            first,
            after,
            |page| async move { svc::moderation_log(svc_ctx, actor(ctx), tool_id, &page).await },
            |d| d.id.to_string(),
            ModerationLogEntry,
        )
        .await
    }
}

#[derive(InputObject)]
pub struct CreateToolInput {
    pub content: ToolContentInput,
}

#[derive(InputObject)]
pub struct UpdateToolInput {
    pub tool_id: ID,
    /// The revision this edit is based on; an edit based on an older one is refused (`CONFLICT`).
    pub base_revision: i32,
    pub content: ToolContentInput,
}

#[derive(InputObject)]
pub struct SubmitToolInput {
    pub tool_id: ID,
    /// The draft revision to review: the latest.
    pub revision: i32,
}

#[derive(InputObject)]
pub struct DecideOnToolInput {
    pub tool_id: ID,
    /// The revision in review.
    pub revision: i32,
    pub decision: ReviewDecision,
    /// Required to request changes or reject.
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct ArchiveToolInput {
    pub tool_id: ID,
}

#[derive(InputObject)]
pub struct ConfirmToolCurrentInput {
    pub tool_id: ID,
}

#[derive(InputObject)]
pub struct WithdrawToolInput {
    pub tool_id: ID,
    pub reason: String,
}

/// How current one organisation's published, active tools are.
pub struct OrganisationReview(svc::ReviewOverview);

#[Object]
impl OrganisationReview {
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        loaders::required_organisation(ctx, self.0.organisation_id).await
    }

    /// Its published, active tools.
    async fn published(&self) -> i64 {
        self.0.published
    }

    /// Due for review within `review.notice_days`, not yet past.
    async fn due_soon(&self) -> i64 {
        self.0.due_soon
    }

    /// Past their review date: they may be out of date.
    async fn overdue(&self) -> i64 {
        self.0.overdue
    }
}

/// In which languages one organisation's published, active tools are written.
pub struct OrganisationLanguages(svc::LanguageCoverage);

/// How many tools are written in one language.
#[derive(SimpleObject)]
pub struct LanguageTools {
    pub lang: crate::scalars::Lang,
    pub tools: i64,
}

#[Object]
impl OrganisationLanguages {
    async fn organisation(&self) -> Organisation {
        Organisation(self.0.organisation.clone())
    }

    /// Its published, active tools.
    async fn published(&self) -> i64 {
        self.0.published
    }

    /// For each of FR, NL, DE and EN, its tools written in it (a tool may be in several).
    async fn languages(&self) -> Vec<LanguageTools> {
        self.0
            .tools
            .iter()
            .map(|(lang, tools)| LanguageTools {
                lang: (*lang).into(),
                tools: *tools,
            })
            .collect()
    }
}

/// The result of a change to a tool: the tool as it now stands, or what was wrong.
#[derive(SimpleObject)]
pub struct ToolPayload {
    pub tool: Option<Tool>,
    pub user_errors: Vec<UserError>,
}

fn payload(result: Result<VisibleTool, ServiceError>) -> Result<ToolPayload> {
    let (tool, user_errors) = into_payload(result)?;
    Ok(ToolPayload {
        tool: tool.map(Tool::new),
        user_errors,
    })
}

fn tool_id(id: &ID) -> Result<i64> {
    id::decode_as(NodeType::Tool, id)
}

#[derive(Default)]
pub struct ToolMutation;

#[Object]
impl ToolMutation {
    /// Starts a tool as a draft of your organisation. Staff and admins of caisses and partners.
    async fn create_tool(&self, ctx: &Context<'_>, input: CreateToolInput) -> Result<ToolPayload> {
        payload(svc::create(services(ctx), actor(ctx), input.content.into()).await)
    }

    /// Saves a new revision of your organisation's tool.
    async fn update_tool(&self, ctx: &Context<'_>, input: UpdateToolInput) -> Result<ToolPayload> {
        let id = tool_id(&input.tool_id)?;
        payload(
            svc::update(
                services(ctx),
                actor(ctx),
                id,
                input.base_revision,
                input.content.into(),
            )
            .await,
        )
    }

    /// Asks INASTI to review the latest draft.
    async fn submit_tool(&self, ctx: &Context<'_>, input: SubmitToolInput) -> Result<ToolPayload> {
        let id = tool_id(&input.tool_id)?;
        payload(svc::submit(services(ctx), actor(ctx), id, input.revision).await)
    }

    /// Approves, sends back or rejects the revision in review. Moderators, never on their own
    /// organisation's tools nor on revisions they wrote.
    async fn decide_on_tool(
        &self,
        ctx: &Context<'_>,
        input: DecideOnToolInput,
    ) -> Result<ToolPayload> {
        let id = tool_id(&input.tool_id)?;
        let decision = input.decision.into();
        payload(
            svc::decide(
                services(ctx),
                actor(ctx),
                id,
                input.revision,
                decision,
                input.reason.as_deref(),
            )
            .await,
        )
    }

    /// Retires your organisation's published tool; it stays readable, marked archived.
    async fn archive_tool(
        &self,
        ctx: &Context<'_>,
        input: ArchiveToolInput,
    ) -> Result<ToolPayload> {
        let id = tool_id(&input.tool_id)?;
        payload(svc::archive(services(ctx), actor(ctx), id).await)
    }

    /// Confirms that a published tool is still valid: no new revision, its review date a
    /// period on (`reviewDue`). Its organisation's staff.
    async fn confirm_tool_current(
        &self,
        ctx: &Context<'_>,
        input: ConfirmToolCurrentInput,
    ) -> Result<ToolPayload> {
        let id = tool_id(&input.tool_id)?;
        payload(svc::confirm_current(services(ctx), actor(ctx), id).await)
    }

    /// Pulls a published tool from publication, with a reason. Moderators.
    async fn withdraw_tool(
        &self,
        ctx: &Context<'_>,
        input: WithdrawToolInput,
    ) -> Result<ToolPayload> {
        let id = tool_id(&input.tool_id)?;
        payload(svc::withdraw(services(ctx), actor(ctx), id, Some(&input.reason)).await)
    }
}
