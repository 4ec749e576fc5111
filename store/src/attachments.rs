//! Attachments, the revisions that carry them, and the stored objects behind them.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::codec::lang_from;
use super::entity::{attachment, revision_attachment as link, stored_object as object};
use commons_domain::attachment::{Attachment, AttachmentText};
use commons_domain::lang::Lang;

fn attachment_from(m: attachment::Model) -> Result<Attachment, DbErr> {
    Ok(Attachment {
        id: m.id,
        tool_id: m.tool_id,
        sha256: m.sha256,
        file_name: m.file_name,
        media_type: m.media_type,
        size_bytes: m.size_bytes,
        title: m.title,
        lang: lang_from(&m.lang)?,
        uploaded_by: m.uploaded_by,
        uploaded_at: m.uploaded_at,
    })
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Attachment>, DbErr> {
    attachment::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(attachment_from)
        .transpose()
}

/// The links of these revisions to their attachments, in the order the files were added.
async fn links_of(
    db: &impl ConnectionTrait,
    revision_ids: &[i64],
) -> Result<Vec<link::Model>, DbErr> {
    link::Entity::find()
        .filter(link::Column::RevisionId.is_in(revision_ids.to_vec()))
        .order_by_asc(link::Column::Position)
        .all(db)
        .await
}

/// The attachments of each of these revisions, in the order they were added.
pub async fn of_revisions(
    db: &impl ConnectionTrait,
    revision_ids: &[i64],
) -> Result<HashMap<i64, Vec<Attachment>>, DbErr> {
    let links = links_of(db, revision_ids).await?;
    let ids: BTreeSet<i64> = links.iter().map(|l| l.attachment_id).collect();
    let mut by_id: HashMap<i64, Attachment> = HashMap::new();
    if !ids.is_empty() {
        for m in attachment::Entity::find()
            .filter(attachment::Column::Id.is_in(ids))
            .all(db)
            .await?
        {
            let a = attachment_from(m)?;
            by_id.insert(a.id, a);
        }
    }
    let mut out: HashMap<i64, Vec<Attachment>> = HashMap::new();
    for l in links {
        if let Some(a) = by_id.get(&l.attachment_id) {
            out.entry(l.revision_id).or_default().push(a.clone());
        }
    }
    Ok(out)
}

/// The text search reads in the attachments of each of these revisions.
pub async fn texts_of_revisions(
    db: &impl ConnectionTrait,
    revision_ids: &[i64],
) -> Result<HashMap<i64, Vec<AttachmentText>>, DbErr> {
    let links = links_of(db, revision_ids).await?;
    let ids: BTreeSet<i64> = links.iter().map(|l| l.attachment_id).collect();
    let mut texts: HashMap<i64, (Lang, String)> = HashMap::new();
    if !ids.is_empty() {
        for m in attachment::Entity::find()
            .filter(attachment::Column::Id.is_in(ids))
            .filter(attachment::Column::ExtractedText.is_not_null())
            .all(db)
            .await?
        {
            if let Some(text) = m.extracted_text {
                texts.insert(m.id, (lang_from(&m.lang)?, text));
            }
        }
    }
    let mut out: HashMap<i64, Vec<AttachmentText>> = HashMap::new();
    for l in links {
        if let Some((lang, text)) = texts.get(&l.attachment_id) {
            out.entry(l.revision_id).or_default().push(AttachmentText {
                attachment_id: l.attachment_id,
                lang: *lang,
                text: text.clone(),
            });
        }
    }
    Ok(out)
}

pub async fn count_on_revision(db: &impl ConnectionTrait, revision_id: i64) -> Result<u64, DbErr> {
    link::Entity::find()
        .filter(link::Column::RevisionId.eq(revision_id))
        .count(db)
        .await
}

/// Whether the object is recorded and in use (not waiting for the sweep).
pub async fn object_in_use(db: &impl ConnectionTrait, sha256: &str) -> Result<bool, DbErr> {
    Ok(object::Entity::find_by_id(sha256.to_owned())
        .one(db)
        .await?
        .is_some_and(|o| o.orphaned_at.is_none()))
}

/// Records the object, or takes it back from the sweep if it was waiting there.
pub async fn upsert_object(
    db: &impl ConnectionTrait,
    sha256: &str,
    size_bytes: i64,
    media_type: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    object::Entity::insert(object::ActiveModel {
        sha256: Set(sha256.to_owned()),
        size_bytes: Set(size_bytes),
        media_type: Set(media_type.to_owned()),
        created_at: Set(now),
        orphaned_at: Set(None),
    })
    .on_conflict(
        OnConflict::column(object::Column::Sha256)
            .update_column(object::Column::OrphanedAt)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A new attachment, before it is linked to a revision.
pub struct NewAttachment<'a> {
    pub tool_id: i64,
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub size_bytes: i64,
    pub title: &'a str,
    pub lang: Lang,
    pub uploaded_by: i64,
    pub extracted_text: Option<String>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewAttachment<'_>,
    now: DateTime<Utc>,
) -> Result<Attachment, DbErr> {
    let m = attachment::ActiveModel {
        tool_id: Set(new.tool_id),
        sha256: Set(new.sha256.to_owned()),
        file_name: Set(new.file_name.to_owned()),
        media_type: Set(new.media_type.to_owned()),
        size_bytes: Set(new.size_bytes),
        title: Set(new.title.to_owned()),
        lang: Set(new.lang.code().to_owned()),
        uploaded_by: Set(new.uploaded_by),
        uploaded_at: Set(now),
        extracted_text: Set(new.extracted_text),
        ..Default::default()
    }
    .insert(db)
    .await?;
    attachment_from(m)
}

pub async fn link(
    db: &impl ConnectionTrait,
    revision_id: i64,
    attachment_id: i64,
) -> Result<(), DbErr> {
    let last = link::Entity::find()
        .filter(link::Column::RevisionId.eq(revision_id))
        .order_by_desc(link::Column::Position)
        .one(db)
        .await?
        .map_or(0, |l| l.position);
    link::ActiveModel {
        revision_id: Set(revision_id),
        attachment_id: Set(attachment_id),
        position: Set(last + 1),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn unlink(
    db: &impl ConnectionTrait,
    revision_id: i64,
    attachment_id: i64,
) -> Result<bool, DbErr> {
    let result = link::Entity::delete_many()
        .filter(link::Column::RevisionId.eq(revision_id))
        .filter(link::Column::AttachmentId.eq(attachment_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Removes an attachment no revision carries any more, and marks its object for the sweep
/// when no attachment uses it.
pub async fn drop_if_unlinked(
    db: &impl ConnectionTrait,
    attachment: &Attachment,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let links = link::Entity::find()
        .filter(link::Column::AttachmentId.eq(attachment.id))
        .count(db)
        .await?;
    if links > 0 {
        return Ok(());
    }
    attachment::Entity::delete_by_id(attachment.id)
        .exec(db)
        .await?;
    let users = attachment::Entity::find()
        .filter(attachment::Column::Sha256.eq(attachment.sha256.clone()))
        .count(db)
        .await?;
    if users == 0 {
        object::Entity::update_many()
            .col_expr(object::Column::OrphanedAt, Expr::value(now))
            .filter(object::Column::Sha256.eq(attachment.sha256.clone()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// A new revision carries the files of the revision it was based on.
pub async fn copy_links(
    db: &impl ConnectionTrait,
    from_revision_id: i64,
    to_revision_id: i64,
) -> Result<(), DbErr> {
    let links = link::Entity::find()
        .filter(link::Column::RevisionId.eq(from_revision_id))
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(());
    }
    link::Entity::insert_many(links.into_iter().map(|l| link::ActiveModel {
        revision_id: Set(to_revision_id),
        attachment_id: Set(l.attachment_id),
        position: Set(l.position),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The revisions (by id) that carry the attachment.
pub async fn revisions_carrying(
    db: &impl ConnectionTrait,
    attachment_id: i64,
) -> Result<Vec<i64>, DbErr> {
    Ok(link::Entity::find()
        .filter(link::Column::AttachmentId.eq(attachment_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.revision_id)
        .collect())
}

/// Objects no attachment uses, unused since before `cutoff`.
pub async fn sweepable(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let used = Query::select()
        .column(attachment::Column::Sha256)
        .from(attachment::Entity)
        .to_owned();
    Ok(object::Entity::find()
        .filter(object::Column::Sha256.not_in_subquery(used))
        .filter(
            sea_orm::Condition::any()
                .add(object::Column::OrphanedAt.lt(cutoff))
                .add(
                    sea_orm::Condition::all()
                        .add(object::Column::OrphanedAt.is_null())
                        .add(object::Column::CreatedAt.lt(cutoff)),
                ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.sha256)
        .collect())
}

/// Forgets an object, only if still unused: an upload that took it back meanwhile wins. (An
/// upload of the same content racing the sweep of an object unused for the whole grace period
/// could still lose its object; the grace period makes that a matter of milliseconds a day.)
pub async fn forget_object(db: &impl ConnectionTrait, sha256: &str) -> Result<bool, DbErr> {
    let used = Query::select()
        .column(attachment::Column::Sha256)
        .from(attachment::Entity)
        .and_where(attachment::Column::Sha256.eq(sha256))
        .to_owned();
    let result = object::Entity::delete_many()
        .filter(object::Column::Sha256.eq(sha256))
        .filter(object::Column::Sha256.not_in_subquery(used))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Which of these objects the database knows.
pub async fn known_objects(
    db: &impl ConnectionTrait,
    shas: &[String],
) -> Result<BTreeSet<String>, DbErr> {
    let mut known = BTreeSet::new();
    for chunk in shas.chunks(500) {
        for o in object::Entity::find()
            .filter(object::Column::Sha256.is_in(chunk.to_vec()))
            .select_only()
            .column(object::Column::Sha256)
            .into_tuple::<String>()
            .all(db)
            .await?
        {
            known.insert(o);
        }
    }
    Ok(known)
}
