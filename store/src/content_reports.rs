//! Reports of problematic content: filed, counted per person and day, listed open oldest first,
//! resolved once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::codec::parse;
use super::entity::content_report as row;
use commons_domain::content_report::{
    ContentReport, ReportContext, ReportOutcome, ReportReason, ReportedItem, Resolution,
};

fn from_model(m: row::Model) -> Result<ContentReport, DbErr> {
    let resolution = match (m.outcome, m.resolved_by, m.resolved_at) {
        (Some(outcome), Some(by), Some(at)) => Some(Resolution {
            outcome: parse(&outcome)?,
            reason: m.resolution_reason.unwrap_or_default(),
            by,
            at,
        }),
        _ => None,
    };
    Ok(ContentReport {
        id: m.id,
        item: ReportedItem {
            kind: parse(&m.item_kind)?,
            id: m.item_id,
        },
        context: match (m.tool_id, m.proposal_id) {
            (Some(tool), _) => ReportContext::Tool(tool),
            (None, Some(proposal)) => ReportContext::Proposal(proposal),
            (None, None) => {
                return Err(DbErr::Custom(format!(
                    "content report {} names neither a tool nor a proposal",
                    m.id
                )));
            }
        },
        reporter_id: m.reporter_id,
        reporter_organisation_id: m.reporter_organisation_id,
        reason: parse(&m.reason)?,
        text: m.text,
        created_at: m.created_at,
        resolution,
    })
}

fn all(models: Vec<row::Model>) -> Result<Vec<ContentReport>, DbErr> {
    models.into_iter().map(from_model).collect()
}

/// A report as its person files it.
pub struct Filed<'a> {
    pub item: ReportedItem,
    pub context: ReportContext,
    pub reporter_id: i64,
    pub reporter_organisation_id: i64,
    pub reason: ReportReason,
    pub text: &'a str,
}

/// Files a report; a second open report of the same person on the same item violates the
/// unique index (`is_unique_violation`).
pub async fn insert(
    db: &impl ConnectionTrait,
    f: Filed<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let result = row::Entity::insert(row::ActiveModel {
        item_kind: Set(f.item.kind.as_str().to_owned()),
        item_id: Set(f.item.id),
        tool_id: Set(f.context.tool_id()),
        proposal_id: Set(f.context.proposal_id()),
        reporter_id: Set(f.reporter_id),
        reporter_organisation_id: Set(f.reporter_organisation_id),
        reason: Set(f.reason.as_str().to_owned()),
        text: Set(f.text.to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(result.last_insert_id)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<ContentReport>, DbErr> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// The person's open report on the item, if any.
pub async fn open_by(
    db: &impl ConnectionTrait,
    reporter_id: i64,
    item: ReportedItem,
) -> Result<Option<ContentReport>, DbErr> {
    row::Entity::find()
        .filter(row::Column::ReporterId.eq(reporter_id))
        .filter(row::Column::ItemKind.eq(item.kind.as_str()))
        .filter(row::Column::ItemId.eq(item.id))
        .filter(row::Column::ResolvedAt.is_null())
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

/// How many reports the person filed since `since`.
pub async fn filed_since(
    db: &impl ConnectionTrait,
    reporter_id: i64,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    row::Entity::find()
        .filter(row::Column::ReporterId.eq(reporter_id))
        .filter(row::Column::CreatedAt.gte(since))
        .count(db)
        .await
}

/// Open reports, oldest first, at most `limit`.
pub async fn open(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<ContentReport>, DbErr> {
    all(row::Entity::find()
        .filter(row::Column::ResolvedAt.is_null())
        .order_by_asc(row::Column::CreatedAt)
        .order_by_asc(row::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn count_open(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    row::Entity::find()
        .filter(row::Column::ResolvedAt.is_null())
        .count(db)
        .await
}

/// The open reports of one item, oldest first.
pub async fn open_of_item(
    db: &impl ConnectionTrait,
    item: ReportedItem,
) -> Result<Vec<ContentReport>, DbErr> {
    all(row::Entity::find()
        .filter(row::Column::ItemKind.eq(item.kind.as_str()))
        .filter(row::Column::ItemId.eq(item.id))
        .filter(row::Column::ResolvedAt.is_null())
        .order_by_asc(row::Column::Id)
        .all(db)
        .await?)
}

/// The person's reports, newest first, before the id `before`.
pub async fn of_reporter(
    db: &impl ConnectionTrait,
    reporter_id: i64,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<ContentReport>, DbErr> {
    let q = row::Entity::find().filter(row::Column::ReporterId.eq(reporter_id));
    all(super::newest_first(db, q, row::Column::Id, before, limit).await?)
}

pub async fn count_of_reporter(db: &impl ConnectionTrait, reporter_id: i64) -> Result<u64, DbErr> {
    row::Entity::find()
        .filter(row::Column::ReporterId.eq(reporter_id))
        .count(db)
        .await
}

/// Resolves these reports if they are still open; how many it resolved.
pub async fn resolve(
    db: &impl ConnectionTrait,
    ids: &[i64],
    outcome: ReportOutcome,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = row::Entity::update_many()
        .col_expr(row::Column::Outcome, Expr::value(outcome.as_str()))
        .col_expr(row::Column::ResolutionReason, Expr::value(reason))
        .col_expr(row::Column::ResolvedBy, Expr::value(by))
        .col_expr(row::Column::ResolvedAt, Expr::value(now))
        .filter(row::Column::Id.is_in(ids.iter().copied()))
        .filter(row::Column::ResolvedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use commons_migrations::{Migrator, MigratorTrait};
    use sea_orm::Database;

    /// SQLite cannot make `tool_id` optional in place: the migration that lets proposal messages
    /// be reported rebuilds the table. What was filed before survives it, ids and all.
    #[tokio::test]
    async fn reports_filed_before_messages_could_be_reported_survive_the_rebuild() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        // Made-up people and tools: the rows alone are what this is about.
        db.execute_unprepared("PRAGMA foreign_keys = OFF")
            .await
            .unwrap();
        Migrator::up(&db, Some(33)).await.unwrap();
        db.execute_unprepared(
            "INSERT INTO content_reports (item_kind, item_id, tool_id, reporter_id, \
             reporter_organisation_id, reason, text, created_at) \
             VALUES ('REVIEW', 12, 7, 3, 2, 'HARMFUL', 'Insulting', '2026-12-01T10:00:00+00:00')",
        )
        .await
        .unwrap();
        Migrator::up(&db, None).await.unwrap();

        let kept = find(&db, 1).await.unwrap().expect("the report survives");
        assert_eq!(kept.context, ReportContext::Tool(7));
        assert_eq!(kept.item.id, 12);
        assert_eq!(kept.text, "Insulting");
        let now = Utc::now();
        let filed = Filed {
            item: ReportedItem {
                kind: commons_domain::content_report::ReportedKind::ProposalMessage,
                id: 5,
            },
            context: ReportContext::Proposal(4),
            reporter_id: 3,
            reporter_organisation_id: 2,
            reason: ReportReason::PersonalData,
            text: "A phone number",
        };
        let id = insert(&db, filed, now).await.unwrap();
        assert_eq!(id, 2, "the ids go on where they were");
        let message = find(&db, id).await.unwrap().unwrap();
        assert_eq!(message.context, ReportContext::Proposal(4));
        // The one-open-report rule came back with the table.
        let again = Filed {
            item: message.item,
            context: message.context,
            reporter_id: 3,
            reporter_organisation_id: 2,
            reason: ReportReason::Other,
            text: "Again",
        };
        let refused = insert(&db, again, now).await.unwrap_err();
        assert!(crate::is_unique_violation(&refused), "{refused}");
        // A report names its tool or its proposal: one, never neither.
        let neither = db
            .execute_unprepared(
                "INSERT INTO content_reports (item_kind, item_id, reporter_id, \
                 reporter_organisation_id, reason, text, created_at) \
                 VALUES ('TOOL', 9, 3, 2, 'OTHER', '?', '2026-12-01T10:00:00+00:00')",
            )
            .await;
        assert!(neither.is_err(), "{neither:?}");
    }
}
