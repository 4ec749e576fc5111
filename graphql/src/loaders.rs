//! Per-request batch loaders, so that a page of 100 tools asks for their owners once.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;

use commons_domain::identity::Actor;
use commons_domain::organisation::Organisation;
use commons_service::tools::VisibleTool;
use commons_service::{self as service, ServiceError};

pub struct OrganisationLoader(pub service::Context);

impl Loader<i64> for OrganisationLoader {
    type Value = Organisation;
    type Error = std::sync::Arc<ServiceError>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Organisation>, Self::Error> {
        let found = service::organisations::by_ids(&self.0, keys).await?;
        Ok(found.into_iter().map(|o| (o.id, o)).collect())
    }
}

/// Loads tools as this request's caller may see them.
pub struct ToolLoader {
    pub services: service::Context,
    pub actor: Option<Actor>,
}

impl Loader<i64> for ToolLoader {
    type Value = VisibleTool;
    type Error = std::sync::Arc<ServiceError>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, VisibleTool>, Self::Error> {
        let found = service::tools::get_many(&self.services, self.actor.as_ref(), keys).await?;
        Ok(found
            .into_iter()
            .flatten()
            .map(|v| (v.tool.id, v))
            .collect())
    }
}

/// The files of revisions the caller was shown, by revision id: a page of tools asks once.
pub struct AttachmentLoader(pub service::Context);

impl Loader<i64> for AttachmentLoader {
    type Value = Vec<commons_domain::attachment::Attachment>;
    type Error = std::sync::Arc<ServiceError>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(service::attachments::of_revisions(&self.0, keys).await?)
    }
}

/// An organisation by id through this request's loader.
pub async fn organisation(
    ctx: &async_graphql::Context<'_>,
    id: i64,
) -> async_graphql::Result<Option<super::organisation::Organisation>> {
    Ok(ctx
        .data_unchecked::<async_graphql::dataloader::DataLoader<OrganisationLoader>>()
        .load_one(id)
        .await
        .map_err(|e| super::error::to_graphql(e.as_ref()))?
        .map(super::organisation::Organisation))
}

/// An organisation a row names: it always exists (foreign keys), so a missing one is NOT_FOUND.
pub async fn required_organisation(
    ctx: &async_graphql::Context<'_>,
    id: i64,
) -> async_graphql::Result<super::organisation::Organisation> {
    organisation(ctx, id)
        .await?
        .ok_or_else(|| super::error::to_graphql(&ServiceError::NotFound))
}

/// A person a row names, if the caller may see people (signed-in callers only).
pub async fn user(
    ctx: &async_graphql::Context<'_>,
    id: Option<i64>,
) -> async_graphql::Result<Option<super::viewer::User>> {
    use super::error::ServiceResultExt;
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(
        service::identity::user(super::services(ctx), super::actor(ctx), id)
            .await
            .gql()?
            .map(super::viewer::User),
    )
}
