//! Peer learning: adoptions, reviews, INASTI's collections, following and notifications.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};

use super::connection::{ListConnection, list_page};
use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::loaders::required_organisation;
use super::organisation::Organisation;
use super::scalars::{
    Lang, LocalisedString, LocalisedStringInput, NotificationKind, ServiceCategory,
    localised_input, text_in as text,
};
use super::tool::Tool;
use super::{actor, services};
use commons_domain::adoption as adoption_model;
use commons_domain::collection as collection_model;
use commons_domain::notification::{self as notification_model, FollowTarget, FollowTargetKind};
use commons_domain::review as review_model;
use commons_domain::tool::ServiceCategory as DomainCategory;
use commons_service::{adoptions, collections, follows, notifications, reviews};

pub(super) const ADOPTIONS: &str = "adoptions";
pub(super) const REVIEWS: &str = "reviews";
const COLLECTIONS: &str = "collections";
pub(super) const NOTIFICATIONS: &str = "notifications";

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AdoptionMode {
    AsIs,
    Adapted,
}

impl From<AdoptionMode> for adoption_model::AdoptionMode {
    fn from(m: AdoptionMode) -> Self {
        match m {
            AdoptionMode::AsIs => Self::AsIs,
            AdoptionMode::Adapted => Self::Adapted,
        }
    }
}

impl From<adoption_model::AdoptionMode> for AdoptionMode {
    fn from(m: adoption_model::AdoptionMode) -> Self {
        match m {
            adoption_model::AdoptionMode::AsIs => Self::AsIs,
            adoption_model::AdoptionMode::Adapted => Self::Adapted,
        }
    }
}

/// An organisation's use of another's published tool.
pub struct Adoption(pub adoption_model::Adoption);

#[Object]
impl Adoption {
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.organisation_id).await
    }

    /// The tool adopted, if you may see it.
    async fn tool(&self, ctx: &Context<'_>) -> Result<Option<Tool>> {
        super::tool::visible(ctx, self.0.tool_id).await
    }

    async fn mode(&self) -> AdoptionMode {
        self.0.mode.into()
    }

    /// The adopter's own tool the original became, for an adapted one, if you may see it.
    async fn derived_tool(&self, ctx: &Context<'_>) -> Result<Option<Tool>> {
        match self.0.derived_tool_id {
            Some(id) => super::tool::visible(ctx, id).await,
            None => Ok(None),
        }
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    async fn since(&self) -> DateTime<Utc> {
        self.0.since
    }

    /// When the organisation stopped using it; null while it does.
    async fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.0.ended_at
    }
}

pub fn adoption_key(a: &adoption_model::Adoption) -> String {
    a.id.to_string()
}

/// A review of a tool by another organisation.
pub struct Review(pub review_model::Review);

#[Object]
impl Review {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::Review, self.0.id)
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        required_organisation(ctx, self.0.organisation_id).await
    }

    async fn rating(&self) -> i32 {
        i32::from(self.0.rating)
    }

    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    async fn lang(&self) -> Lang {
        self.0.lang.into()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Whether a moderator hid it; hidden reviews are shown to their organisation and to
    /// moderators only, and leave the average.
    async fn hidden(&self) -> bool {
        self.0.hidden.is_some()
    }

    /// Why it was hidden.
    async fn hidden_reason(&self) -> Option<&str> {
        self.0.hidden.as_ref().map(|h| h.reason.as_str())
    }
}

/// The visible reviews of a tool in figures.
#[derive(SimpleObject)]
pub struct Rating {
    /// Exact to two decimals, rounded half up, e.g. `"4.33"`; null without reviews.
    pub average: Option<String>,
    pub count: i64,
    /// How many reviews gave 1, 2, 3, 4 and 5.
    pub distribution: Vec<i64>,
}

impl From<review_model::Rating> for Rating {
    fn from(r: review_model::Rating) -> Self {
        Self {
            average: r.average,
            count: r.count as i64,
            distribution: r.distribution.iter().map(|n| *n as i64).collect(),
        }
    }
}

/// A themed collection INASTI curates.
pub struct Collection(pub collection_model::Collection);

#[Object]
impl Collection {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::Collection, self.0.id)
    }

    async fn title(&self, lang: Option<Lang>) -> String {
        text(&self.0.title, lang)
    }

    async fn titles(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.title)
    }

    async fn description(&self, lang: Option<Lang>) -> String {
        text(&self.0.description, lang)
    }

    async fn descriptions(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.description)
    }

    /// Its published tools that you may read, in the collection's order.
    async fn tools(&self, ctx: &Context<'_>) -> Result<Vec<Tool>> {
        let ids = collections::visible_tools(services(ctx), actor(ctx), &self.0)
            .await
            .gql()?;
        super::collaboration::linked_tools(ctx, &ids).await
    }

    async fn featured(&self) -> bool {
        self.0.featured
    }

    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Something a person follows.
pub struct Follow(pub notification_model::Follow);

#[Object]
impl Follow {
    async fn kind(&self) -> FollowKind {
        self.0.target.kind.into()
    }

    async fn category(&self) -> Option<ServiceCategory> {
        match self.0.target.kind {
            FollowTargetKind::Category => usize::try_from(self.0.target.id)
                .ok()
                .and_then(|i| DomainCategory::ALL.get(i))
                .map(|c| (*c).into()),
            _ => None,
        }
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.target.kind {
            FollowTargetKind::Organisation => {
                super::loaders::organisation(ctx, self.0.target.id).await
            }
            _ => Ok(None),
        }
    }

    async fn tool(&self, ctx: &Context<'_>) -> Result<Option<Tool>> {
        match self.0.target.kind {
            FollowTargetKind::Tool => super::tool::visible(ctx, self.0.target.id).await,
            _ => Ok(None),
        }
    }

    async fn collection(&self, ctx: &Context<'_>) -> Result<Option<Collection>> {
        match self.0.target.kind {
            FollowTargetKind::Collection => {
                Ok(
                    collections::get(services(ctx), actor(ctx), self.0.target.id)
                        .await
                        .gql()?
                        .map(Collection),
                )
            }
            _ => Ok(None),
        }
    }

    async fn since(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum FollowKind {
    Category,
    Organisation,
    Tool,
    Collection,
}

impl From<FollowTargetKind> for FollowKind {
    fn from(k: FollowTargetKind) -> Self {
        match k {
            FollowTargetKind::Category => Self::Category,
            FollowTargetKind::Organisation => Self::Organisation,
            FollowTargetKind::Tool => Self::Tool,
            FollowTargetKind::Collection => Self::Collection,
        }
    }
}

/// Something a person is told.
pub struct Notification(pub notification_model::Notification);

#[Object]
impl Notification {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::Notification, self.0.id)
    }

    async fn kind(&self) -> NotificationKind {
        self.0.kind.into()
    }

    /// The global ID of what it is about: a tool, a collaboration proposal, a transfer or (for
    /// `REPORT_RESOLVED`) your report.
    async fn subject_id(&self) -> ID {
        let node = match self.0.subject_type.as_str() {
            "tool" => NodeType::Tool,
            "collaboration_proposal" => NodeType::CollaborationProposal,
            "content_report" => NodeType::ContentReport,
            _ => NodeType::ResponsibilityTransfer,
        };
        id::encode(node, self.0.subject_id)
    }

    /// The tool it is about, if any.
    async fn tool(&self, ctx: &Context<'_>) -> Result<Option<Tool>> {
        match self.0.tool_id {
            Some(t) => super::tool::visible(ctx, t).await,
            None => Ok(None),
        }
    }

    /// What happened, as JSON: the decision and its reason, the rating, the caisse that answered …
    async fn details(&self) -> String {
        self.0.details.to_string()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn read_at(&self) -> Option<DateTime<Utc>> {
        self.0.read_at
    }
}

// ---------------------------------------------------------------------------------------------

#[derive(InputObject)]
pub struct AdoptToolInput {
    pub tool_id: ID,
    pub mode: AdoptionMode,
    /// Your own tool the original became, for `ADAPTED`.
    pub derived_tool_id: Option<ID>,
    /// At most 2 000 characters.
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct WithdrawAdoptionInput {
    pub tool_id: ID,
}

#[derive(SimpleObject)]
pub struct AdoptionPayload {
    pub adoption: Option<Adoption>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ReviewToolInput {
    pub tool_id: ID,
    /// 1 to 5.
    pub rating: i32,
    /// At most 5 000 characters.
    pub comment: Option<String>,
    pub lang: Lang,
}

#[derive(InputObject)]
pub struct HideReviewInput {
    pub review_id: ID,
    /// Shown to the review's organisation and kept in the moderation log.
    pub reason: String,
}

#[derive(SimpleObject)]
pub struct ReviewPayload {
    pub review: Option<Review>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct CollectionInput {
    pub titles: Vec<LocalisedStringInput>,
    #[graphql(default)]
    pub descriptions: Vec<LocalisedStringInput>,
    /// Published tools, in order, at most 100.
    #[graphql(default)]
    pub tool_ids: Vec<ID>,
    #[graphql(default)]
    pub featured: bool,
}

#[derive(InputObject)]
pub struct UpdateCollectionInput {
    pub collection_id: ID,
    pub expected_version: i32,
    pub collection: CollectionInput,
}

#[derive(InputObject)]
pub struct ArchiveCollectionInput {
    pub collection_id: ID,
    pub expected_version: i32,
}

#[derive(SimpleObject)]
pub struct CollectionPayload {
    pub collection: Option<Collection>,
    pub user_errors: Vec<UserError>,
}

/// Exactly one of the four.
#[derive(InputObject)]
pub struct FollowTargetInput {
    pub category: Option<ServiceCategory>,
    pub organisation_id: Option<ID>,
    pub tool_id: Option<ID>,
    pub collection_id: Option<ID>,
}

impl FollowTargetInput {
    fn to_domain(&self) -> Result<FollowTarget> {
        let mut targets = Vec::new();
        if let Some(c) = self.category {
            let c: DomainCategory = c.into();
            let i = DomainCategory::ALL
                .iter()
                .position(|x| *x == c)
                .unwrap_or_default();
            targets.push(FollowTarget {
                kind: FollowTargetKind::Category,
                id: i as i64,
            });
        }
        if let Some(o) = &self.organisation_id {
            targets.push(FollowTarget {
                kind: FollowTargetKind::Organisation,
                id: id::decode_as(NodeType::Organisation, o)?,
            });
        }
        if let Some(t) = &self.tool_id {
            targets.push(FollowTarget {
                kind: FollowTargetKind::Tool,
                id: id::decode_as(NodeType::Tool, t)?,
            });
        }
        if let Some(c) = &self.collection_id {
            targets.push(FollowTarget {
                kind: FollowTargetKind::Collection,
                id: id::decode_as(NodeType::Collection, c)?,
            });
        }
        match targets.as_slice() {
            [one] => Ok(*one),
            _ => Err(super::error::graphql_error(
                super::ErrorCode::BadUserInput,
                "name exactly one of category, organisationId, toolId, collectionId",
            )),
        }
    }
}

#[derive(InputObject)]
pub struct FollowInput {
    pub target: FollowTargetInput,
}

#[derive(SimpleObject)]
pub struct FollowPayload {
    pub follow: Option<Follow>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct MarkNotificationsReadInput {
    /// These notifications (at most 100) …
    pub ids: Option<Vec<ID>>,
    /// … or all of yours.
    #[graphql(default)]
    pub all: bool,
}

#[derive(SimpleObject)]
pub struct MarkNotificationsReadPayload {
    /// How many were unread and are now read.
    pub marked: i64,
    pub unread_count: i64,
    pub user_errors: Vec<UserError>,
}

fn collection_draft(input: CollectionInput) -> Result<collections::Draft> {
    Ok(collections::Draft {
        titles: localised_input(input.titles),
        descriptions: localised_input(input.descriptions),
        tool_ids: input
            .tool_ids
            .iter()
            .take(collection_model::MAX_TOOLS + 1)
            .map(|t| id::decode_as(NodeType::Tool, t))
            .collect::<Result<_>>()?,
        featured: input.featured,
    })
}

fn collection_payload(
    r: commons_service::ServiceResult<collection_model::Collection>,
) -> Result<CollectionPayload> {
    let (c, user_errors) = into_payload(r)?;
    Ok(CollectionPayload {
        collection: c.map(Collection),
        user_errors,
    })
}

#[derive(Default)]
pub struct PeerLearningQuery;

#[Object]
impl PeerLearningQuery {
    /// INASTI's live collections, newest first.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn collections(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<Collection>> {
        let s = services(ctx);
        list_page(
            ctx,
            COLLECTIONS,
            first,
            after,
            |page| async move { collections::list(s, false, &page).await },
            |c| c.id.to_string(),
            Collection,
        )
        .await
    }

    /// The collections INASTI features, newest first (at most 20).
    #[graphql(complexity = "super::connection::LIST_WORK + 20 * child_complexity")]
    async fn featured_collections(&self, ctx: &Context<'_>) -> Result<Vec<Collection>> {
        let page = commons_service::PageRequest::new(Some(20), None, 20).gql()?;
        Ok(collections::list(services(ctx), true, &page)
            .await
            .gql()?
            .items
            .into_iter()
            .map(Collection)
            .collect())
    }
}

#[derive(Default)]
pub struct PeerLearningMutation;

#[Object]
impl PeerLearningMutation {
    /// Says your organisation uses another organisation's published tool, as is or adapted into
    /// one of yours; a second call updates it. Staff and admins.
    async fn adopt_tool(
        &self,
        ctx: &Context<'_>,
        input: AdoptToolInput,
    ) -> Result<AdoptionPayload> {
        let terms = adoptions::Terms {
            tool_id: id::decode_as(NodeType::Tool, &input.tool_id)?,
            mode: input.mode.into(),
            derived_tool_id: input
                .derived_tool_id
                .as_ref()
                .map(|d| id::decode_as(NodeType::Tool, d))
                .transpose()?,
            note: input.note,
        };
        let (a, user_errors) =
            into_payload(adoptions::adopt(services(ctx), actor(ctx), terms).await)?;
        Ok(AdoptionPayload {
            adoption: a.map(Adoption),
            user_errors,
        })
    }

    /// Ends your organisation's adoption of the tool; it stays in the tool's history.
    async fn withdraw_adoption(
        &self,
        ctx: &Context<'_>,
        input: WithdrawAdoptionInput,
    ) -> Result<AdoptionPayload> {
        let tool = id::decode_as(NodeType::Tool, &input.tool_id)?;
        let (a, user_errors) =
            into_payload(adoptions::withdraw(services(ctx), actor(ctx), tool).await)?;
        Ok(AdoptionPayload {
            adoption: a.map(Adoption),
            user_errors,
        })
    }

    /// Reviews another organisation's published tool; one review per organisation, which a
    /// second call replaces. A review that replaces one a moderator hid stays hidden, with the
    /// moderator's reason. Staff and admins.
    async fn review_tool(
        &self,
        ctx: &Context<'_>,
        input: ReviewToolInput,
    ) -> Result<ReviewPayload> {
        let tool = id::decode_as(NodeType::Tool, &input.tool_id)?;
        let result = reviews::review(
            services(ctx),
            actor(ctx),
            tool,
            input.rating,
            input.comment.as_deref(),
            input.lang.into(),
        )
        .await;
        let (r, user_errors) = into_payload(result)?;
        Ok(ReviewPayload {
            review: r.map(Review),
            user_errors,
        })
    }

    /// Hides an abusive review with a reason: moderators. The decision is in the moderation log.
    async fn hide_review(
        &self,
        ctx: &Context<'_>,
        input: HideReviewInput,
    ) -> Result<ReviewPayload> {
        let review = id::decode_as(NodeType::Review, &input.review_id)?;
        let (r, user_errors) =
            into_payload(reviews::hide(services(ctx), actor(ctx), review, &input.reason).await)?;
        Ok(ReviewPayload {
            review: r.map(Review),
            user_errors,
        })
    }

    /// Creates a collection of published tools: moderators.
    async fn create_collection(
        &self,
        ctx: &Context<'_>,
        input: CollectionInput,
    ) -> Result<CollectionPayload> {
        let draft = collection_draft(input)?;
        collection_payload(collections::create(services(ctx), actor(ctx), draft).await)
    }

    /// Replaces a collection, based on its `version`: moderators.
    async fn update_collection(
        &self,
        ctx: &Context<'_>,
        input: UpdateCollectionInput,
    ) -> Result<CollectionPayload> {
        let id = id::decode_as(NodeType::Collection, &input.collection_id)?;
        let draft = collection_draft(input.collection)?;
        collection_payload(
            collections::update(services(ctx), actor(ctx), id, input.expected_version, draft).await,
        )
    }

    /// Archives a collection: moderators. It leaves the lists and is kept.
    async fn archive_collection(
        &self,
        ctx: &Context<'_>,
        input: ArchiveCollectionInput,
    ) -> Result<CollectionPayload> {
        let id = id::decode_as(NodeType::Collection, &input.collection_id)?;
        collection_payload(
            collections::archive(services(ctx), actor(ctx), id, input.expected_version).await,
        )
    }

    /// Follows a service category, an organisation, a tool or a collection.
    async fn follow(&self, ctx: &Context<'_>, input: FollowInput) -> Result<FollowPayload> {
        let target = input.target.to_domain()?;
        let (f, user_errors) =
            into_payload(follows::follow(services(ctx), actor(ctx), target).await)?;
        Ok(FollowPayload {
            follow: f.map(Follow),
            user_errors,
        })
    }

    async fn unfollow(&self, ctx: &Context<'_>, input: FollowInput) -> Result<FollowPayload> {
        let target = input.target.to_domain()?;
        let (f, user_errors) =
            into_payload(follows::unfollow(services(ctx), actor(ctx), target).await)?;
        Ok(FollowPayload {
            follow: f.map(Follow),
            user_errors,
        })
    }

    /// Marks your notifications read: `ids`, or `all`.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        input: MarkNotificationsReadInput,
    ) -> Result<MarkNotificationsReadPayload> {
        let ids = match (input.ids, input.all) {
            (Some(ids), false) => Some(
                ids.iter()
                    .take(101)
                    .map(|i| id::decode_as(NodeType::Notification, i))
                    .collect::<Result<Vec<_>>>()?,
            ),
            (None, true) => None,
            _ => {
                return Err(super::error::graphql_error(
                    super::ErrorCode::BadUserInput,
                    "give ids, or all: true",
                ));
            }
        };
        let s = services(ctx);
        let (marked, user_errors) =
            into_payload(notifications::mark_read(s, actor(ctx), ids).await)?;
        let unread = notifications::unread_count(s, actor(ctx)).await.gql()?;
        Ok(MarkNotificationsReadPayload {
            marked: marked.unwrap_or(0) as i64,
            unread_count: unread as i64,
            user_errors,
        })
    }
}

#[derive(Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Each notification addressed to you, as it is written (over `/graphql/ws`, the
    /// graphql-transport-ws protocol, with your token in `connection_init`).
    async fn notification_added(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = Notification> + use<>> {
        let s = services(ctx).clone();
        let Some(viewer) = actor(ctx).cloned() else {
            return Err(super::error::to_graphql(
                &commons_service::ServiceError::Unauthenticated("sign in to subscribe".into()),
            ));
        };
        // A live connection holds a bounded number of subscriptions; each keeps its permit
        // for as long as it runs.
        let permit = match ctx.data_opt::<super::SubscriptionSlots>() {
            Some(slots) => Some(slots.0.clone().try_acquire_owned().map_err(|_| {
                super::error::graphql_error(
                    super::ErrorCode::RateLimited,
                    "this connection holds as many subscriptions as it may",
                )
            })?),
            None => None,
        };
        let receiver = s.notifications.subscribe();
        let stream = tokio_stream_from(receiver).filter_map(move |n| {
            let _held = &permit;
            let (s, viewer) = (s.clone(), viewer.clone());
            async move {
                match notifications::readable(&s, &viewer, &n).await {
                    Ok(true) => Some(Notification(n)),
                    _ => None,
                }
            }
        });
        Ok(stream)
    }
}

/// The broadcast receiver as a stream; a subscriber too slow to keep up skips what it missed
/// (it still finds it in `viewer.notifications`).
fn tokio_stream_from(
    receiver: tokio::sync::broadcast::Receiver<notification_model::Notification>,
) -> impl Stream<Item = notification_model::Notification> {
    futures_util::stream::unfold(receiver, |mut r| async move {
        loop {
            match r.recv().await {
                Ok(n) => return Some((n, r)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}
