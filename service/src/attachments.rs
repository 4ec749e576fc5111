//! Attachments: files added to a tool's working revision, checked by their content, stored once
//! by their hash, read for search, downloaded under the tool's own visibility, and swept from
//! the store once no revision uses them.

use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::tools::{self, VisibleTool};
use crate::{Context, ServiceError, ServiceResult, authorise, signed_in};
use commons_domain::attachment::{
    self as model, Attachment, FileKind, SNIFF_BYTES, Sniffed, bounded_text, decide_type,
    sanitise_file_name,
};
use commons_domain::identity::Actor;
use commons_domain::lang::Lang;
use commons_domain::policy::{Action, RevisionAccess, Shown, ToolScope};
use commons_domain::tool::{Revision, Tool};
use commons_domain::validation::{self, FieldError, FieldErrorCode};
use commons_store::{audit, begin_write};

/// How large a file may be, how many one revision may carry, and how PDFs are read.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_bytes: u64,
    pub per_revision: u64,
    pub pdf: crate::extraction::PdfExtraction,
}

/// When the sweep runs and how long an unused object is kept.
#[derive(Clone, Copy, Debug)]
pub struct SweepSettings {
    pub grace: Duration,
    pub interval: Duration,
}

/// A file as it arrived: its name as the client gave it and its content, spooled to disk.
pub struct Upload {
    pub file_name: String,
    pub content: std::fs::File,
}

/// What reading the whole file once taught: its hash, size, type and searchable text.
struct Inspected {
    sha256: String,
    size: u64,
    sniffed: Sniffed,
    text: Option<String>,
}

fn file_error(code: FieldErrorCode, message: impl Into<String>) -> ServiceError {
    FieldError::new(&["file"], code, message).into()
}

/// Reads the file once: SHA-256 while streaming, the head for its magic bytes, whether it is
/// UTF-8 text throughout; then the text search reads in it.
fn inspect(mut file: std::fs::File, name: &str, max_bytes: u64) -> ServiceResult<Inspected> {
    let io = |e: std::io::Error| ServiceError::Files(e.to_string());
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut size: u64 = 0;
    let mut utf8 = true;
    let mut carry: Vec<u8> = Vec::new();
    let mut buffer = vec![0_u8; 256 * 1024];
    loop {
        let n = file.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        let chunk = &buffer[..n];
        hasher.update(chunk);
        size += n as u64;
        if size > max_bytes {
            return Err(file_error(
                FieldErrorCode::TooLong,
                format!("a file may be at most {max_bytes} bytes"),
            ));
        }
        if head.len() < SNIFF_BYTES {
            let room = SNIFF_BYTES - head.len();
            head.extend_from_slice(&chunk[..room.min(n)]);
        }
        if utf8 {
            // A character may straddle two chunks: carry its first bytes over.
            carry.extend_from_slice(chunk);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                Err(e) if e.error_len().is_none() => {
                    let rest = carry.split_off(e.valid_up_to());
                    carry = rest;
                }
                Err(_) => utf8 = false,
            }
            if chunk.contains(&0) {
                utf8 = false;
            }
        }
    }
    if size == 0 {
        return Err(file_error(FieldErrorCode::Required, "the file is empty"));
    }
    let utf8 = utf8 && carry.is_empty();
    let detected = infer::get(&head).map(|t| t.mime_type());
    let sniffed = decide_type(detected, utf8, name).map_err(|found| {
        file_error(
            FieldErrorCode::NotAllowed,
            format!(
                "the content is {found}; Commons accepts PDF, Office and OpenDocument documents, \
                 text, Markdown, PNG, JPEG, WebP, MP4 and ZIP"
            ),
        )
    })?;
    // Text files are their own text; PDFs are read apart, in a child process.
    let text = if matches!(sniffed.kind, FileKind::PlainText | FileKind::Markdown) {
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut content = Vec::with_capacity(size as usize);
        file.read_to_end(&mut content).map_err(io)?;
        extract_text(sniffed.kind, &content)
    } else {
        None
    };
    Ok(Inspected {
        sha256: hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        size,
        sniffed,
        text,
    })
}

/// The text of a PDF or a text file. A PDF whose text cannot be read is still accepted: it is
/// just not searchable. The PDF parser is guarded, since files come from anyone.
fn extract_text(kind: FileKind, content: &[u8]) -> Option<String> {
    let text = match kind {
        FileKind::PlainText | FileKind::Markdown => String::from_utf8_lossy(content).into_owned(),
        // PDFs are read in a child process with limits (`crate::extraction`), never here.
        _ => return None,
    };
    let bounded = bounded_text(&text);
    (!bounded.is_empty()).then_some(bounded)
}

/// The tool, if the caller may edit it, and its working revision — a draft or one sent back
/// for changes. A published or reviewed revision keeps its files; `updateTool` starts a new
/// one that can take others.
async fn working_revision<'a>(
    ctx: &Context,
    actor: Option<&'a Actor>,
    tool_id: i64,
) -> ServiceResult<(&'a Actor, Tool, Revision)> {
    let caller = signed_in(actor)?;
    // A tool the caller may not see does not exist for them, nor do its files.
    let (tool, _) = tools::load_visible(ctx, Some(caller), tool_id).await?;
    let editor = authorise(actor, Action::EditTool, tools::owned(&tool))?;
    let revision = tools::latest_revision(ctx, &tool).await?;
    if !commons_domain::workflow::takes_files(revision.status) {
        return Err(FieldError::new(
            &["toolId"],
            FieldErrorCode::InvalidState,
            format!(
                "revision {} is {}; its files stay as they are — save a new revision (updateTool) to change them",
                revision.number,
                revision.status.as_str().to_lowercase().replace('_', " ")
            ),
        )
        .into());
    }
    Ok((editor, tool, revision))
}

fn too_many_files(max: u64) -> ServiceError {
    file_error(
        FieldErrorCode::OutOfRange,
        format!("a tool carries at most {max} files; remove one first"),
    )
}

pub async fn add(
    ctx: &Context,
    actor: Option<&Actor>,
    tool_id: i64,
    upload: Upload,
    title: &str,
    lang: Lang,
) -> ServiceResult<(Attachment, VisibleTool)> {
    let (actor, tool, revision) = working_revision(ctx, actor, tool_id).await?;
    let title = validation::required_text(&["title"], title, model::TITLE_MAX_CHARS)?;
    let limits = &ctx.attachment_limits;
    // A first look spares the upload's inspection when the revision is already full; the
    // count that decides is taken again below, under the lock.
    if commons_store::attachments::count_on_revision(&ctx.db, revision.id).await?
        >= limits.per_revision
    {
        return Err(too_many_files(limits.per_revision));
    }
    let file_name = sanitise_file_name(&upload.file_name);
    let spooled = upload
        .content
        .try_clone()
        .map_err(|e| ServiceError::Files(e.to_string()))?;
    let name = file_name.clone();
    let max_bytes = limits.max_bytes;
    let mut inspected = tokio::task::spawn_blocking(move || inspect(spooled, &name, max_bytes))
        .await
        .map_err(|e| ServiceError::Files(e.to_string()))??;
    if inspected.sniffed.kind == FileKind::Pdf {
        let pdf = upload
            .content
            .try_clone()
            .map_err(|e| ServiceError::Files(e.to_string()))?;
        let mut pdf = tokio::fs::File::from_std(pdf);
        tokio::io::AsyncSeekExt::seek(&mut pdf, SeekFrom::Start(0))
            .await
            .map_err(|e| ServiceError::Files(e.to_string()))?;
        inspected.text = crate::extraction::pdf_text(&limits.pdf, pdf.into_std().await).await;
    }
    let file_name = model::stored_file_name(&file_name, &inspected.sniffed)
        .map_err(|e| file_error(FieldErrorCode::NotAllowed, e.to_string()))?;
    // Everything that can refuse the file has been checked: only now does it reach the store.
    let sha = &inspected.sha256;
    if !commons_store::attachments::object_in_use(&ctx.db, sha).await?
        || !ctx.files.contains(sha).await?
    {
        let mut content = tokio::fs::File::from_std(upload.content);
        tokio::io::AsyncSeekExt::seek(&mut content, SeekFrom::Start(0))
            .await
            .map_err(|e| ServiceError::Files(e.to_string()))?;
        ctx.files.put_file(sha, content, inspected.size).await?;
    }
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    let current = commons_store::tools::find_for_update(&txn, tool.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if current.latest_revision != revision.number || current.latest_status != revision.status {
        return Err(ServiceError::Conflict(
            "the tool was changed by someone else meanwhile; reload it".into(),
        ));
    }
    if commons_store::attachments::count_on_revision(&txn, revision.id).await?
        >= limits.per_revision
    {
        return Err(too_many_files(limits.per_revision));
    }
    commons_store::attachments::upsert_object(
        &txn,
        sha,
        inspected.size as i64,
        &inspected.sniffed.media_type,
        now,
    )
    .await?;
    let attachment = commons_store::attachments::insert(
        &txn,
        commons_store::attachments::NewAttachment {
            tool_id: tool.id,
            sha256: sha,
            file_name: &file_name,
            media_type: &inspected.sniffed.media_type,
            size_bytes: inspected.size as i64,
            title: &title,
            lang,
            uploaded_by: actor.user_id,
            extracted_text: inspected.text,
        },
        now,
    )
    .await?;
    commons_store::attachments::link(&txn, revision.id, attachment.id).await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "tool.attachment_added",
            subject_type: "tool",
            subject_id: tool.id,
            details: json!({
                "revision": revision.number,
                "attachment": attachment.id,
                "sha256": sha,
                "mediaType": inspected.sniffed.media_type,
                "size": inspected.size,
            }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok((
        attachment,
        VisibleTool {
            tool,
            revision,
            shown: Shown::Latest,
        },
    ))
}

pub async fn remove(
    ctx: &Context,
    actor: Option<&Actor>,
    attachment_id: i64,
) -> ServiceResult<VisibleTool> {
    let attachment = commons_store::attachments::find(&ctx.db, attachment_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (actor, tool, revision) = working_revision(ctx, actor, attachment.tool_id).await?;
    let now = ctx.now();
    let txn = begin_write(&ctx.db).await?;
    if !commons_store::attachments::unlink(&txn, revision.id, attachment.id).await? {
        return Err(FieldError::new(
            &["attachmentId"],
            FieldErrorCode::NotFound,
            format!("revision {} does not carry this file", revision.number),
        )
        .into());
    }
    commons_store::attachments::drop_if_unlinked(&txn, &attachment, now).await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "tool.attachment_removed",
            subject_type: "tool",
            subject_id: tool.id,
            details: json!({ "revision": revision.number, "attachment": attachment.id }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(VisibleTool {
        tool,
        revision,
        shown: Shown::Latest,
    })
}

/// The files of revisions the caller holds (they were shown to them), by revision id.
pub async fn of_revisions(
    ctx: &Context,
    revision_ids: &[i64],
) -> ServiceResult<std::collections::HashMap<i64, Vec<Attachment>>> {
    Ok(commons_store::attachments::of_revisions(&ctx.db, revision_ids).await?)
}

/// An attachment the caller may download: one carried by a revision of the tool they are
/// shown — any revision for the owner and moderators, the published one for everyone else. The
/// same scope as every other path decides; anything else does not exist for the caller.
pub async fn downloadable(
    ctx: &Context,
    actor: Option<&Actor>,
    attachment_id: i64,
) -> ServiceResult<Attachment> {
    let attachment = commons_store::attachments::find(&ctx.db, attachment_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let tool = commons_store::tools::find(&ctx.db, attachment.tool_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // A file is read with the revisions that carry it, each under its own visibility.
    let access = ToolScope::of(actor)
        .revision_access(&tool)
        .ok_or(ServiceError::NotFound)?;
    let carried_by = commons_store::attachments::revisions_carrying(&ctx.db, attachment.id).await?;
    let visible = match access {
        RevisionAccess::All => !carried_by.is_empty(),
        RevisionAccess::NotKeptToOrganisation => {
            commons_store::tools::any_not_kept_to_organisation(&ctx.db, &carried_by).await?
        }
        RevisionAccess::Published(_) => match tool.published_revision {
            Some(number) => commons_store::tools::revision(&ctx.db, tool.id, number)
                .await?
                .is_some_and(|r| carried_by.contains(&r.id)),
            None => false,
        },
    };
    if visible {
        Ok(attachment)
    } else {
        Err(ServiceError::NotFound)
    }
}

/// What the sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Objects no attachment used any more, removed with their record.
    pub unused: usize,
    /// Objects in the store the database never recorded (an upload that failed after storing).
    pub strays: usize,
}

/// Removes objects unused for longer than `grace`: first those the database records as
/// unused, then those it does not know at all.
pub async fn sweep(ctx: &Context, grace: Duration) -> ServiceResult<Swept> {
    let cutoff = Utc::now()
        - chrono::Duration::from_std(grace).unwrap_or_else(|_| chrono::Duration::days(1));
    let mut swept = Swept::default();
    for sha in commons_store::attachments::sweepable(&ctx.db, cutoff).await? {
        let txn = begin_write(&ctx.db).await?;
        let forgotten = commons_store::attachments::forget_object(&txn, &sha).await?;
        txn.commit().await?;
        if forgotten {
            ctx.files.delete(&sha).await?;
            swept.unused += 1;
        }
    }
    let listed = ctx.files.list().await?;
    let shas: Vec<String> = listed.iter().map(|o| o.sha256.clone()).collect();
    let known = commons_store::attachments::known_objects(&ctx.db, &shas).await?;
    for object in listed {
        if !known.contains(&object.sha256) && object.last_modified < cutoff {
            ctx.files.delete(&object.sha256).await?;
            swept.strays += 1;
        }
    }
    if swept != Swept::default() {
        tracing::info!(unused = swept.unused, strays = swept.strays, "files swept");
    }
    Ok(swept)
}
