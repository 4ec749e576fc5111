//! Translations by peers: the languages a tool's organisation asks for, and the translations
//! other organisations offer.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query, SubQueryStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::codec::{lang_from, parse};
use super::entity::{tool_revision, translation_offer as offer, translation_request as request};
use commons_domain::lang::Lang;
use commons_domain::tool::Translation;
use commons_domain::translation_offer::{OfferStatus, TranslationOffer};

/// The languages a tool asks translations into.
pub async fn wanted(db: &impl ConnectionTrait, tool_id: i64) -> Result<Vec<Lang>, DbErr> {
    request::Entity::find()
        .filter(request::Column::ToolId.eq(tool_id))
        .order_by_asc(request::Column::Lang)
        .all(db)
        .await?
        .iter()
        .map(|r| lang_from(&r.lang))
        .collect()
}

/// Replaces the languages a tool asks translations into; a language asked for before keeps
/// its place in the queue (when it was first asked).
pub async fn set_wanted(
    db: &impl ConnectionTrait,
    tool_id: i64,
    langs: &[Lang],
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let codes: Vec<&str> = langs.iter().map(|l| l.code()).collect();
    request::Entity::delete_many()
        .filter(request::Column::ToolId.eq(tool_id))
        .filter(request::Column::Lang.is_not_in(codes.iter().copied()))
        .exec(db)
        .await?;
    for lang in langs {
        request::Entity::insert(request::ActiveModel {
            tool_id: Set(tool_id),
            lang: Set(lang.code().to_owned()),
            requested_by: Set(by),
            requested_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([request::Column::ToolId, request::Column::Lang])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Tools asking for a translation into `lang`, the longest waiting first: (tool, since), after
/// the tool `after`, at most `limit`. The caller keeps those the reader may see.
pub async fn wanted_into(
    db: &impl ConnectionTrait,
    lang: Lang,
    limit: u64,
) -> Result<Vec<(i64, DateTime<Utc>)>, DbErr> {
    Ok(request::Entity::find()
        .filter(request::Column::Lang.eq(lang.code()))
        .order_by_asc(request::Column::RequestedAt)
        .order_by_asc(request::Column::ToolId)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.tool_id, r.requested_at))
        .collect())
}

fn from_model(m: offer::Model) -> Result<TranslationOffer, DbErr> {
    Ok(TranslationOffer {
        id: m.id,
        tool_id: m.tool_id,
        translator_organisation_id: m.translator_organisation_id,
        translator_id: m.translator_id,
        translation: Translation {
            lang: lang_from(&m.lang)?,
            title: m.title,
            summary: m.summary,
            body: m.body,
        },
        created_at: m.created_at,
        status: parse(&m.status)?,
        note: m.note,
        answered_by: m.answered_by,
        answered_at: m.answered_at,
        revision: m.revision,
    })
}

fn all(models: Vec<offer::Model>) -> Result<Vec<TranslationOffer>, DbErr> {
    models.into_iter().map(from_model).collect()
}

/// Files an offer; a second open one of the organisation for the tool and language violates the
/// unique index (`is_unique_violation`).
pub async fn insert(
    db: &impl ConnectionTrait,
    tool_id: i64,
    organisation_id: i64,
    user_id: i64,
    t: &Translation,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let result = offer::Entity::insert(offer::ActiveModel {
        tool_id: Set(tool_id),
        lang: Set(t.lang.code().to_owned()),
        translator_organisation_id: Set(organisation_id),
        translator_id: Set(user_id),
        title: Set(t.title.clone()),
        summary: Set(t.summary.clone()),
        body: Set(t.body.clone()),
        created_at: Set(now),
        status: Set(OfferStatus::Open.as_str().to_owned()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(result.last_insert_id)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<TranslationOffer>, DbErr> {
    offer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// A tool's offers: every accepted one (the credits, at most one a language but for races),
/// then the newest others, at most `limit` of them.
pub async fn of_tool(
    db: &impl ConnectionTrait,
    tool_id: i64,
    limit: u64,
) -> Result<Vec<TranslationOffer>, DbErr> {
    let accepted = offer::Entity::find()
        .filter(offer::Column::ToolId.eq(tool_id))
        .filter(offer::Column::Status.eq(OfferStatus::Accepted.as_str()))
        .order_by_desc(offer::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let others = offer::Entity::find()
        .filter(offer::Column::ToolId.eq(tool_id))
        .filter(offer::Column::Status.ne(OfferStatus::Accepted.as_str()))
        .order_by_desc(offer::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut all_offers = all(accepted)?;
    all_offers.extend(all(others)?);
    all_offers.sort_by_key(|o| std::cmp::Reverse(o.id));
    Ok(all_offers)
}

/// Answers an open offer; whether it was still open.
pub async fn answer(
    db: &impl ConnectionTrait,
    id: i64,
    status: OfferStatus,
    note: Option<&str>,
    revision: Option<i32>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = offer::Entity::update_many()
        .col_expr(offer::Column::Status, Expr::value(status.as_str()))
        .col_expr(offer::Column::Note, Expr::value(note.map(str::to_owned)))
        .col_expr(offer::Column::Revision, Expr::value(revision))
        .col_expr(offer::Column::AnsweredBy, Expr::value(by))
        .col_expr(offer::Column::AnsweredAt, Expr::value(now))
        .filter(offer::Column::Id.eq(id))
        .filter(offer::Column::Status.eq(OfferStatus::Open.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Translations an organisation gave (its offers accepted) and received (offers on its tools
/// accepted) that were published in `[from, until)`: counted when the first revision holding
/// them was published — the translation's own, or a later one (the rule of
/// `translation_offer::credited`) — so a translation whose revision moderation rejected counts
/// for nobody until a later revision is published, and one accepted in December but published
/// in January counts in January's year, never in a report frozen before it was published.
pub async fn accepted_in(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    // When the first revision holding the translation was published.
    let first_published = || -> Expr {
        let revision = tool_revision::Entity;
        let col = |c: tool_revision::Column| Expr::col((revision, c));
        Expr::from(SubQueryStatement::SelectStatement(
            Query::select()
                .expr(col(tool_revision::Column::PublishedAt).min())
                .from(revision)
                .and_where(
                    col(tool_revision::Column::ToolId)
                        .equals((offer::Entity, offer::Column::ToolId)),
                )
                .and_where(
                    col(tool_revision::Column::Number)
                        .gte(Expr::col((offer::Entity, offer::Column::Revision))),
                )
                .and_where(col(tool_revision::Column::PublishedAt).is_not_null())
                .to_owned(),
        ))
    };
    let accepted = || {
        offer::Entity::find()
            .filter(offer::Column::Status.eq(OfferStatus::Accepted.as_str()))
            .filter(first_published().gte(from))
            .filter(first_published().lt(until))
    };
    let given = accepted()
        .filter(offer::Column::TranslatorOrganisationId.eq(organisation_id))
        .count(db)
        .await?;
    let received = accepted()
        .filter(offer::Column::ToolId.in_subquery(super::tools::owned_by(organisation_id)))
        .count(db)
        .await?;
    Ok((given, received))
}
