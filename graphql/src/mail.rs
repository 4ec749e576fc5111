//! Notifications by e-mail: the viewer's address and where it stands, their delivery per kind
//! of notification and the language of their mail; entering an address (a link confirms it),
//! confirming it, and the one-click unsubscribe of a message's link.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::error::{ServiceResultExt, UserError, into_payload};
use super::scalars::{Lang, MailAddressSource, MailDelivery, NotificationKind};
use super::{actor, services};
use commons_service::mail as svc;

#[derive(SimpleObject)]
pub struct MailPreference {
    pub kind: NotificationKind,
    pub delivery: MailDelivery,
}

/// The viewer's mail: seen by the viewer alone (an address is never shown to other members).
pub struct MailSettings(svc::Settings);

#[Object]
impl MailSettings {
    /// Where mail goes; null when none is known.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_ref().map(|a| a.address.as_str())
    }

    async fn source(&self) -> Option<MailAddressSource> {
        self.0.address.as_ref().map(|a| a.source.into())
    }

    /// Null until the link sent to an entered address is followed.
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.address.as_ref().and_then(|a| a.confirmed_at)
    }

    /// A bounce or a permanent refusal: nothing is sent until the address is confirmed again
    /// (entered anew, and its link followed).
    async fn suppressed_at(&self) -> Option<DateTime<Utc>> {
        self.0.address.as_ref().and_then(|a| a.suppressed_at)
    }

    /// Whether mail goes out now: an address confirmed and not suppressed.
    async fn deliverable(&self) -> bool {
        self.0.address.as_ref().is_some_and(|a| a.deliverable())
    }

    /// The language mail is written in.
    async fn lang(&self) -> Option<Lang> {
        self.0.address.as_ref().map(|a| a.lang.into())
    }

    /// Every kind of notification with its delivery (`WEEKLY` unless chosen otherwise).
    async fn preferences(&self) -> Vec<MailPreference> {
        self.0
            .preferences
            .all()
            .into_iter()
            .map(|(kind, delivery)| MailPreference {
                kind: kind.into(),
                delivery: delivery.into(),
            })
            .collect()
    }
}

pub(super) async fn settings(ctx: &Context<'_>) -> Result<MailSettings> {
    Ok(MailSettings(
        svc::settings(services(ctx), actor(ctx)).await.gql()?,
    ))
}

#[derive(InputObject)]
pub struct SetMailAddressInput {
    /// At most 254 characters: name@domain.
    pub address: String,
    /// The language of the confirmation and of later mail.
    pub lang: Lang,
}

#[derive(InputObject)]
pub struct MailPreferenceInput {
    pub kind: NotificationKind,
    pub delivery: MailDelivery,
}

#[derive(InputObject)]
pub struct SetMailPreferencesInput {
    /// The kinds named change; the others keep their delivery.
    #[graphql(default, validator(max_items = 64))]
    pub preferences: Vec<MailPreferenceInput>,
    /// The language of mail, when an address is known.
    pub lang: Option<Lang>,
}

#[derive(SimpleObject)]
pub struct MailSettingsPayload {
    pub mail: Option<MailSettings>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct MailTokenPayload {
    /// Whether the link's token was good (and not spent or expired).
    pub done: bool,
}

#[derive(Default)]
pub struct MailMutation;

#[Object]
impl MailMutation {
    /// Enters an address for your mail: a link to confirm it is sent to it, and nothing else is
    /// until it is followed (within 48 hours). At most three a day (`RATE_LIMITED` beyond).
    async fn set_mail_address(
        &self,
        ctx: &Context<'_>,
        input: SetMailAddressInput,
    ) -> Result<MailSettingsPayload> {
        let result =
            svc::set_address(services(ctx), actor(ctx), &input.address, input.lang.into()).await;
        let (mail, user_errors) = into_payload(result)?;
        Ok(MailSettingsPayload {
            mail: mail.map(MailSettings),
            user_errors,
        })
    }

    /// Chooses how you hear of each kind of notification by mail, and the language of mail.
    async fn set_mail_preferences(
        &self,
        ctx: &Context<'_>,
        input: SetMailPreferencesInput,
    ) -> Result<MailSettingsPayload> {
        let chosen: Vec<_> = input
            .preferences
            .iter()
            .map(|p| (p.kind.into(), p.delivery.into()))
            .collect();
        let result = svc::set_preferences(
            services(ctx),
            actor(ctx),
            &chosen,
            input.lang.map(Into::into),
        )
        .await;
        let (mail, user_errors) = into_payload(result)?;
        Ok(MailSettingsPayload {
            mail: mail.map(MailSettings),
            user_errors,
        })
    }

    /// Follows the link a confirmation message carries (no sign-in needed: the token is it).
    async fn confirm_mail_address(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_length = 64))] token: String,
    ) -> Result<MailTokenPayload> {
        let done = svc::confirm(services(ctx), &token).await.gql()?;
        Ok(MailTokenPayload { done })
    }

    /// A message's one-click unsubscribe: its kind of notification (every kind, for a digest)
    /// is no longer sent by mail.
    async fn unsubscribe_mail(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_length = 200))] token: String,
    ) -> Result<MailTokenPayload> {
        let done = svc::unsubscribe(services(ctx), &token).await.gql()?;
        Ok(MailTokenPayload { done })
    }
}
