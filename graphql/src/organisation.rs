use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::connection::{ListConnection, list_page};
use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::scalars::{
    Lang, LocalisedString, LocalisedStringInput, OrganisationKind, localised_input,
};
use super::tool::{Tool, ToolFilter, list_tools};
use super::{actor, services};
use commons_domain::organisation as model;
use commons_service::organisations::{self as svc, ProfileChanges, Registration};

const LIST: &str = "organisations";

/// A caisse, a partner organisation, or INASTI.
#[derive(Clone)]
pub struct Organisation(pub model::Organisation);

#[Object]
impl Organisation {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::Organisation, self.0.id)
    }

    /// The short stable name used in tokens (`org` claim) and addresses.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn kind(&self) -> OrganisationKind {
        self.0.kind.into()
    }

    /// The name in `lang`, or in the first language the organisation gave.
    async fn name(&self, lang: Option<Lang>) -> &str {
        self.0
            .names
            .get(lang.map(Into::into))
            .map(|(_, n)| n)
            .unwrap_or(&self.0.slug)
    }

    /// Every translation of the name.
    async fn names(&self) -> Vec<LocalisedString> {
        LocalisedString::all(&self.0.names)
    }

    /// The Belgian enterprise number, written `0123.456.749`.
    async fn enterprise_number(&self) -> String {
        self.0.enterprise_number.to_string()
    }

    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }

    /// For signed-in members of the network only.
    async fn contact_email(&self, ctx: &Context<'_>) -> Option<&str> {
        svc::may_read_details(actor(ctx), &self.0)
            .then_some(self.0.contact_email.as_deref())
            .flatten()
    }

    /// Affiliates *à titre principal* on 31 December, per year, oldest first. Caisses only;
    /// read by the caisse's own people and INASTI (they set its funding), empty for anyone else.
    async fn affiliate_counts(&self, ctx: &Context<'_>) -> Result<Vec<AffiliateCount>> {
        Ok(svc::affiliate_counts(services(ctx), actor(ctx), &self.0)
            .await
            .gql()?
            .into_iter()
            .map(AffiliateCount::from)
            .collect())
    }

    /// Every change to the affiliate counts, newest first (at most `first`, 100 by default):
    /// who set which figures when. Same readers as `affiliateCounts`.
    #[graphql(complexity = "super::connection::LIST_WORK + child_complexity")]
    async fn affiliate_count_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: i32,
    ) -> Result<Vec<AffiliateCount>> {
        let limit = first.clamp(0, 1_000) as u64;
        Ok(
            svc::affiliate_count_history(services(ctx), actor(ctx), &self.0, limit)
                .await
                .gql()?
                .into_iter()
                .map(AffiliateCount::from)
                .collect(),
        )
    }

    /// The services the caisse offered in `year`: its register, then the joint services it was
    /// responsible for while they ran that year. Read by the caisse's people and INASTI's
    /// officers; empty for anyone else.
    #[graphql(complexity = "super::connection::YEAR_WORK + child_complexity")]
    async fn service_offerings(
        &self,
        ctx: &Context<'_>,
        year: i32,
        #[graphql(default = false)] include_withdrawn: bool,
    ) -> Result<Vec<super::yearly_account::YearOffering>> {
        super::yearly_account::organisation_offerings(ctx, &self.0, year, include_withdrawn).await
    }

    /// Whether the caisse offers every mandatory category of the year's legal frame and at
    /// least one optional one, and what lies behind each. Same readers as `serviceOfferings`;
    /// null for anyone else.
    #[graphql(complexity = "super::connection::YEAR_WORK + child_complexity")]
    async fn compliance(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> Result<Option<super::yearly_account::Compliance>> {
        super::yearly_account::organisation_compliance(ctx, &self.0, year).await
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Raised by each change of the profile; `updateOrganisation` names the one it is based on.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The tools the organisation uses, newest adoption first; ended ones too with
    /// `includeEnded`.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn adopted_tools(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default = false)] include_ended: bool,
    ) -> Result<ListConnection<super::peer_learning::Adoption>> {
        let (s, viewer, org) = (services(ctx), actor(ctx), self.0.id);
        super::connection::list_page(
            ctx,
            super::peer_learning::ADOPTIONS,
            first,
            after,
            |page| async move {
                commons_service::adoptions::list(
                    s,
                    viewer,
                    commons_domain::adoption::AdoptionsOf::Organisation(org),
                    include_ended,
                    &page,
                )
                .await
            },
            super::peer_learning::adoption_key,
            super::peer_learning::Adoption,
        )
        .await
    }

    /// The organisation's tools that you may see, newest first.
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
        let mut filter = filter.unwrap_or_default().to_domain()?;
        filter.owners = vec![self.0.id];
        list_tools(ctx, filter, first, after).await
    }
}

/// Principal affiliates of a caisse on 31 December of a year, as INASTI recorded them.
#[derive(Clone)]
pub struct AffiliateCount(model::AffiliateCount);

impl From<model::AffiliateCount> for AffiliateCount {
    fn from(c: model::AffiliateCount) -> Self {
        Self(c)
    }
}

#[Object]
impl AffiliateCount {
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        super::loaders::required_organisation(ctx, self.0.organisation_id).await
    }

    /// The count is taken on 31 December of this year.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Principal affiliates (*à titre principal*).
    async fn count(&self) -> i64 {
        self.0.count
    }

    /// Of whom primo-starters.
    async fn primo_starters(&self) -> i64 {
        self.0.primo_starters
    }

    /// Of whom helping spouses under the maxi-statute.
    async fn helping_spouses(&self) -> i64 {
        self.0.helping_spouses
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }

    async fn recorded_by(&self, ctx: &Context<'_>) -> Result<Option<super::viewer::User>> {
        super::loaders::user(ctx, self.0.recorded_by).await
    }
}

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// The organisations of the network, in slug order.
    #[graphql(
        complexity = "super::connection::cost(first, child_complexity, super::connection::LIST_WORK)"
    )]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        kind: Option<OrganisationKind>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ListConnection<Organisation>> {
        let svc_ctx = services(ctx);
        list_page(
            ctx,
            LIST,
            first,
            after,
            |page| async move { svc::list(svc_ctx, kind.map(Into::into), &page).await },
            |o| o.slug.clone(),
            Organisation,
        )
        .await
    }

    async fn organisation(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Organisation>> {
        Ok(svc::by_slug(services(ctx), &slug)
            .await
            .gql()?
            .map(Organisation))
    }
}

#[derive(InputObject)]
pub struct RegisterOrganisationInput {
    /// Lower-case words joined by hyphens, e.g. `group-s`; cannot change later.
    pub slug: String,
    /// `CAISSE` or `PARTNER`: there is exactly one INASTI.
    pub kind: OrganisationKind,
    /// At least one language.
    pub names: Vec<LocalisedStringInput>,
    /// `0123.456.749` or `0123456749`.
    pub enterprise_number: String,
    pub website: Option<String>,
    pub contact_email: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    pub organisation_id: ID,
    /// The `version` the edit is based on: if the profile changed since, nothing is written and
    /// the answer is `CONFLICT`, so two admins never silently revert each other.
    pub expected_version: i32,
    /// Replaces every translation of the name.
    pub names: Option<Vec<LocalisedStringInput>>,
    /// Platform admins only.
    pub enterprise_number: Option<String>,
    /// An empty string removes it.
    pub website: Option<String>,
    /// An empty string removes it.
    pub contact_email: Option<String>,
}

#[derive(SimpleObject)]
pub struct RegisterOrganisationPayload {
    pub organisation: Option<Organisation>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct UpdateOrganisationPayload {
    pub organisation: Option<Organisation>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct OrganisationMutation;

#[Object]
impl OrganisationMutation {
    /// Registers a caisse or partner organisation. Platform admins only.
    async fn register_organisation(
        &self,
        ctx: &Context<'_>,
        input: RegisterOrganisationInput,
    ) -> Result<RegisterOrganisationPayload> {
        let registration = Registration {
            slug: input.slug,
            kind: input.kind.into(),
            names: localised_input(input.names),
            enterprise_number: input.enterprise_number,
            website: input.website,
            contact_email: input.contact_email,
        };
        let (organisation, user_errors) =
            into_payload(svc::register(services(ctx), actor(ctx), registration).await)?;
        Ok(RegisterOrganisationPayload {
            organisation: organisation.map(Organisation),
            user_errors,
        })
    }

    /// Edits an organisation's profile: its admins, or platform admins.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganisationInput,
    ) -> Result<UpdateOrganisationPayload> {
        let id = id::decode_as(NodeType::Organisation, &input.organisation_id)?;
        let changes = ProfileChanges {
            expected_version: input.expected_version,
            names: input.names.map(localised_input),
            enterprise_number: input.enterprise_number,
            website: input.website,
            contact_email: input.contact_email,
        };
        let (organisation, user_errors) =
            into_payload(svc::update_profile(services(ctx), actor(ctx), id, changes).await)?;
        Ok(UpdateOrganisationPayload {
            organisation: organisation.map(Organisation),
            user_errors,
        })
    }
}
