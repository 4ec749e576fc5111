//! Translations by peers: a tool asks for translations into the languages it lacks; another
//! organisation offers one; the owner accepts it (a new revision sent to moderation) or
//! declines it.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::error::{ServiceResultExt, UserError, into_payload};
use super::id::{self, NodeType};
use super::loaders;
use super::organisation::Organisation;
use super::scalars::Lang;
use super::tool::Tool;
use super::{actor, services};
use commons_domain::translation_offer as model;
use commons_service::translations as svc;

/// Where an offer stands.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TranslationOfferStatus {
    Open,
    /// A revision holds it, sent to moderation.
    Accepted,
    Declined,
}

impl From<model::OfferStatus> for TranslationOfferStatus {
    fn from(s: model::OfferStatus) -> Self {
        match s {
            model::OfferStatus::Open => Self::Open,
            model::OfferStatus::Accepted => Self::Accepted,
            model::OfferStatus::Declined => Self::Declined,
        }
    }
}

/// Another organisation's translation of a tool into a language it lacked.
pub struct TranslationOffer(pub model::TranslationOffer);

#[Object]
impl TranslationOffer {
    async fn id(&self) -> ID {
        id::encode(NodeType::TranslationOffer, self.0.id)
    }

    async fn lang(&self) -> Lang {
        self.0.translation.lang.into()
    }

    async fn title(&self) -> &str {
        &self.0.translation.title
    }

    async fn summary(&self) -> &str {
        &self.0.translation.summary
    }

    /// Markdown.
    async fn body(&self) -> &str {
        &self.0.translation.body
    }

    /// The organisation that translated it: credited on the tool once published.
    async fn translator_organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        loaders::organisation(ctx, self.0.translator_organisation_id).await
    }

    async fn status(&self) -> TranslationOfferStatus {
        self.0.status.into()
    }

    /// The owner's note with its answer: for the two organisations.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The revision that holds it, once accepted.
    async fn revision(&self) -> Option<i32> {
        self.0.revision
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.0.answered_at
    }
}

#[derive(Default)]
pub struct TranslationQuery;

#[Object]
impl TranslationQuery {
    /// Published tools you may see that ask for a translation into `lang`, the longest waiting
    /// first; at most `first` (1 to `limits.page_size`).
    #[graphql(
        complexity = "super::connection::cost(Some(first), child_complexity, super::connection::LIST_WORK)"
    )]
    async fn translations_wanted(
        &self,
        ctx: &Context<'_>,
        lang: Lang,
        #[graphql(default = 20, validator(minimum = 1))] first: i32,
    ) -> Result<Vec<Tool>> {
        let first = usize::try_from(first).unwrap_or(1);
        Ok(
            svc::wanted_into(services(ctx), actor(ctx), lang.into(), first)
                .await
                .gql()?
                .into_iter()
                .map(Tool::new)
                .collect(),
        )
    }
}

#[derive(InputObject)]
pub struct SetTranslationsWantedInput {
    pub tool_id: ID,
    /// Languages the published tool lacks; an empty list asks for none.
    pub langs: Vec<Lang>,
}

#[derive(SimpleObject)]
pub struct TranslationsWantedPayload {
    pub langs: Option<Vec<Lang>>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct OfferTranslationInput {
    pub tool_id: ID,
    /// A language the published tool lacks.
    pub lang: Lang,
    /// The tool's own bounds: `limits.tool`.
    pub title: String,
    pub summary: String,
    /// Markdown.
    #[graphql(default)]
    pub body: String,
}

#[derive(InputObject)]
pub struct AnswerTranslationOfferInput {
    pub offer_id: ID,
    /// Accept (a new revision holding the translation, sent to moderation) or decline.
    pub accept: bool,
    /// Told to the translator's organisation; at most 2 000 characters.
    pub note: Option<String>,
}

#[derive(SimpleObject)]
pub struct TranslationOfferPayload {
    pub offer: Option<TranslationOffer>,
    pub user_errors: Vec<UserError>,
}

fn payload(
    result: commons_service::ServiceResult<model::TranslationOffer>,
) -> Result<TranslationOfferPayload> {
    let (offer, user_errors) = into_payload(result)?;
    Ok(TranslationOfferPayload {
        offer: offer.map(TranslationOffer),
        user_errors,
    })
}

#[derive(Default)]
pub struct TranslationMutation;

#[Object]
impl TranslationMutation {
    /// Asks for translations of your organisation's published tool into the languages it lacks.
    async fn set_translations_wanted(
        &self,
        ctx: &Context<'_>,
        input: SetTranslationsWantedInput,
    ) -> Result<TranslationsWantedPayload> {
        let tool = id::decode_as(NodeType::Tool, &input.tool_id)?;
        let langs: Vec<_> = input.langs.into_iter().map(Into::into).collect();
        let (langs, user_errors) =
            into_payload(svc::set_wanted(services(ctx), actor(ctx), tool, &langs).await)?;
        Ok(TranslationsWantedPayload {
            langs: langs.map(|l| l.into_iter().map(Into::into).collect()),
            user_errors,
        })
    }

    /// Offers a translation of another organisation's published tool into a language it lacks:
    /// one open offer per organisation, tool and language. Its owner is told.
    async fn offer_translation(
        &self,
        ctx: &Context<'_>,
        input: OfferTranslationInput,
    ) -> Result<TranslationOfferPayload> {
        let tool = id::decode_as(NodeType::Tool, &input.tool_id)?;
        let text = (
            input.title.as_str(),
            input.summary.as_str(),
            input.body.as_str(),
        );
        payload(svc::offer(services(ctx), actor(ctx), tool, input.lang.into(), text).await)
    }

    /// Accepts or declines a translation offered for your organisation's tool. Accepted, it is
    /// a new revision sent to moderation at once (not while another is in review).
    async fn answer_translation_offer(
        &self,
        ctx: &Context<'_>,
        input: AnswerTranslationOfferInput,
    ) -> Result<TranslationOfferPayload> {
        let offer = id::decode_as(NodeType::TranslationOffer, &input.offer_id)?;
        payload(
            svc::answer(
                services(ctx),
                actor(ctx),
                offer,
                input.accept,
                input.note.as_deref(),
            )
            .await,
        )
    }
}
