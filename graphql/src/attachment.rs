//! Attachments: the files behind a tool, uploaded by the GraphQL multipart request spec and
//! downloaded from `/files/{id}`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Upload};
use chrono::{DateTime, Utc};

use super::error::{UserError, into_payload};
use super::id::{self, NodeType};
use super::scalars::Lang;
use super::tool::Tool;
use super::viewer::User;
use super::{actor, services};
use commons_domain::attachment as model;
use commons_service::ServiceError;
use commons_service::attachments as svc;

/// A file attached to a tool: a self-scan's PDF, a facilitator's guide, slides, a package.
#[derive(Clone)]
pub struct Attachment(pub model::Attachment);

#[Object]
impl Attachment {
    pub async fn id(&self) -> ID {
        id::encode(NodeType::Attachment, self.0.id)
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The language of the document.
    async fn lang(&self) -> Lang {
        self.0.lang.into()
    }

    /// The name it was uploaded with, made safe.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// Decided from the content, never from the name.
    async fn media_type(&self) -> &str {
        &self.0.media_type
    }

    async fn size_bytes(&self) -> u64 {
        self.0.size_bytes.max(0) as u64
    }

    /// The SHA-256 of the content, hex: also the download's ETag.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Where to download it (relative to the service), with the same token.
    async fn url(&self) -> String {
        format!("/files/{}", id::encode(NodeType::Attachment, self.0.id).0)
    }

    async fn uploaded_at(&self) -> DateTime<Utc> {
        self.0.uploaded_at
    }

    async fn uploaded_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        super::loaders::user(ctx, Some(self.0.uploaded_by)).await
    }
}

#[derive(InputObject)]
pub struct AddAttachmentInput {
    pub tool_id: ID,
    /// The file, sent as the GraphQL multipart request spec says.
    pub file: Upload,
    pub title: String,
    pub language: Lang,
}

#[derive(InputObject)]
pub struct RemoveAttachmentInput {
    pub attachment_id: ID,
}

#[derive(SimpleObject)]
pub struct AttachmentPayload {
    pub attachment: Option<Attachment>,
    /// The tool as its owner now sees it.
    pub tool: Option<Tool>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct AttachmentMutation;

#[Object]
impl AttachmentMutation {
    /// Attaches a file to the tool's working revision (a draft, or one sent back for changes).
    /// Staff and admins of the owner. The content decides the type; PDF, Office and OpenDocument
    /// documents, text, Markdown, PNG, JPEG, WebP, MP4 and ZIP are accepted.
    async fn add_attachment(
        &self,
        ctx: &Context<'_>,
        input: AddAttachmentInput,
    ) -> Result<AttachmentPayload> {
        let tool_id = id::decode_as(NodeType::Tool, &input.tool_id)?;
        let value = input.file.value(ctx).map_err(|e| {
            super::error::graphql_error(super::ErrorCode::BadUserInput, e.to_string())
        })?;
        let upload = svc::Upload {
            file_name: value.filename,
            content: value.content,
        };
        let result = svc::add(
            services(ctx),
            actor(ctx),
            tool_id,
            upload,
            &input.title,
            input.language.into(),
        )
        .await;
        let (added, user_errors) = into_payload(result)?;
        Ok(match added {
            Some((attachment, tool)) => AttachmentPayload {
                attachment: Some(Attachment(attachment)),
                tool: Some(Tool::new(tool)),
                user_errors,
            },
            None => AttachmentPayload {
                attachment: None,
                tool: None,
                user_errors,
            },
        })
    }

    /// Takes a file off the tool's working revision; earlier revisions keep theirs.
    async fn remove_attachment(
        &self,
        ctx: &Context<'_>,
        input: RemoveAttachmentInput,
    ) -> Result<AttachmentPayload> {
        let id = id::decode_as(NodeType::Attachment, &input.attachment_id)?;
        let (tool, user_errors) = into_payload(svc::remove(services(ctx), actor(ctx), id).await)?;
        Ok(AttachmentPayload {
            attachment: None,
            tool: tool.map(Tool::new),
            user_errors,
        })
    }
}

/// The files of a revision, for `ToolRevision.attachments` and `Tool.attachments`: batched, so
/// that a page of tools asks the database once.
pub async fn of_revision(
    ctx: &Context<'_>,
    revision: &commons_domain::tool::Revision,
) -> Result<Vec<Attachment>> {
    Ok(ctx
        .data_unchecked::<async_graphql::dataloader::DataLoader<super::loaders::AttachmentLoader>>()
        .load_one(revision.id)
        .await
        .map_err(|e| super::error::to_graphql(e.as_ref()))?
        .unwrap_or_default()
        .into_iter()
        .map(Attachment)
        .collect())
}

pub async fn fetch(ctx: &Context<'_>, id: i64) -> Result<Option<Attachment>> {
    match svc::downloadable(services(ctx), actor(ctx), id).await {
        Ok(a) => Ok(Some(Attachment(a))),
        Err(ServiceError::NotFound) => Ok(None),
        Err(e) => Err(super::error::to_graphql(&e)),
    }
}
