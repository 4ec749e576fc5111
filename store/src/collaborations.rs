//! Collaboration proposals, the caisses they are addressed to, and their threads.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::codec::{hidden, ids, localised, names, parse, parse_ids, parse_localised, parse_names};
use super::entity::{collaboration_proposal as proposal, proposal_message, proposal_target};
use commons_domain::collaboration::{
    Direction, Period, Proposal, ProposalContent, ProposalFilter, ProposalMessage, ProposalState,
    ProposalStatus, ProposalTarget, ResponseStatus,
};
use commons_domain::policy::CollaborationScope;

fn proposal_from(m: proposal::Model, targets: Vec<ProposalTarget>) -> Result<Proposal, DbErr> {
    Ok(Proposal {
        id: m.id,
        proposer_id: m.proposer_id,
        created_by: m.created_by,
        created_at: m.created_at,
        content: ProposalContent {
            title: parse_localised(&m.title)?,
            description: parse_localised(&m.description)?,
            categories: parse_names(&m.categories)?,
            contribution: m.contribution,
            proposer_role: parse(&m.proposer_role)?,
            region: m.region,
            period: Period {
                starts_on: m.starts_on,
                ends_on: m.ends_on,
            },
            tool_ids: parse_ids(&m.tool_ids)?,
            reply_by: m.reply_by,
        },
        state: parse(&m.state)?,
        withdrawn_at: m.withdrawn_at,
        withdrawal_reason: m.withdrawal_reason,
        targets,
        joint_service_id: None,
    })
}

fn target_from(m: proposal_target::Model) -> Result<ProposalTarget, DbErr> {
    Ok(ProposalTarget {
        caisse_id: m.caisse_id,
        response: parse(&m.response)?,
        message: m.message,
        responded_at: m.responded_at,
        responded_by: m.responded_by,
    })
}

/// Builds proposals from their rows, with their targets (one query) and joint services.
async fn assemble(
    db: &impl ConnectionTrait,
    models: Vec<proposal::Model>,
) -> Result<Vec<Proposal>, DbErr> {
    let proposal_ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut targets = proposal_target::Entity::find()
        .filter(proposal_target::Column::ProposalId.is_in(proposal_ids.clone()))
        .order_by_asc(proposal_target::Column::CaisseId)
        .all(db)
        .await?;
    let services = super::joint_services::ids_by_proposal(db, &proposal_ids).await?;
    models
        .into_iter()
        .map(|m| {
            let mine: Vec<ProposalTarget> = targets
                .extract_if(.., |t| t.proposal_id == m.id)
                .map(target_from)
                .collect::<Result<_, _>>()?;
            let id = m.id;
            let mut p = proposal_from(m, mine)?;
            p.joint_service_id = services.get(&id).copied();
            Ok(p)
        })
        .collect()
}

pub async fn insert(
    db: &impl ConnectionTrait,
    proposer_id: i64,
    created_by: i64,
    content: &ProposalContent,
    target_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Proposal, DbErr> {
    let m = proposal::ActiveModel {
        proposer_id: Set(proposer_id),
        created_by: Set(created_by),
        created_at: Set(now),
        title: Set(localised(&content.title)),
        description: Set(localised(&content.description)),
        categories: Set(names(content.categories.iter().copied())),
        contribution: Set(content.contribution.clone()),
        proposer_role: Set(content.proposer_role.as_str().to_owned()),
        region: Set(content.region.clone()),
        starts_on: Set(content.period.starts_on),
        ends_on: Set(content.period.ends_on),
        tool_ids: Set(ids(&content.tool_ids)),
        reply_by: Set(content.reply_by),
        state: Set(ProposalState::Open.as_str().to_owned()),
        withdrawn_at: Set(None),
        withdrawal_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let targets = target_ids
        .iter()
        .map(|caisse_id| proposal_target::ActiveModel {
            proposal_id: Set(m.id),
            caisse_id: Set(*caisse_id),
            response: Set(ResponseStatus::Pending.as_str().to_owned()),
            message: Set(None),
            responded_at: Set(None),
            responded_by: Set(None),
        });
    proposal_target::Entity::insert_many(targets)
        .exec_without_returning(db)
        .await?;
    Ok(assemble(db, vec![m]).await?.remove(0))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Proposal>, DbErr> {
    match proposal::Entity::find_by_id(id).one(db).await? {
        Some(m) => Ok(assemble(db, vec![m]).await?.pop()),
        None => Ok(None),
    }
}

/// Locks the proposal's row until the transaction ends (`FOR UPDATE` on PostgreSQL; SQLite's
/// write transaction holds the whole database). Answers are rows of their own, so without it
/// two last targets answering at once would each see the other still pending, and the
/// proposal would stay open with every answer in.
pub async fn lock(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    proposal::Entity::find_by_id(id)
        .select_only()
        .column(proposal::Column::Id)
        .lock_exclusive()
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(())
}

/// Records a target's answer, only if it is still pending: false when someone else answered
/// for the caisse meanwhile.
pub async fn answer(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    caisse_id: i64,
    response: ResponseStatus,
    message: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = proposal_target::Entity::update_many()
        .col_expr(
            proposal_target::Column::Response,
            Expr::value(response.as_str()),
        )
        .col_expr(
            proposal_target::Column::Message,
            Expr::value(message.map(str::to_owned)),
        )
        .col_expr(proposal_target::Column::RespondedAt, Expr::value(now))
        .col_expr(proposal_target::Column::RespondedBy, Expr::value(by))
        .filter(proposal_target::Column::ProposalId.eq(proposal_id))
        .filter(proposal_target::Column::CaisseId.eq(caisse_id))
        .filter(proposal_target::Column::Response.eq(ResponseStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Moves a proposal from one state to another, only if it is still in the first.
pub async fn set_state(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    from: ProposalState,
    to: ProposalState,
    withdrawal: Option<(DateTime<Utc>, &str)>,
) -> Result<bool, DbErr> {
    let mut update = proposal::Entity::update_many()
        .col_expr(proposal::Column::State, Expr::value(to.as_str()))
        .filter(proposal::Column::Id.eq(proposal_id))
        .filter(proposal::Column::State.eq(from.as_str()));
    if let Some((at, reason)) = withdrawal {
        update = update
            .col_expr(proposal::Column::WithdrawnAt, Expr::value(at))
            .col_expr(
                proposal::Column::WithdrawalReason,
                Expr::value(reason.to_owned()),
            );
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

fn status_condition(status: ProposalStatus, now: DateTime<Utc>) -> Condition {
    let state = |s: ProposalState| proposal::Column::State.eq(s.as_str());
    match status {
        ProposalStatus::Open => Condition::all()
            .add(state(ProposalState::Open))
            .add(proposal::Column::ReplyBy.gt(now)),
        ProposalStatus::Expired => Condition::all()
            .add(state(ProposalState::Open))
            .add(proposal::Column::ReplyBy.lte(now)),
        ProposalStatus::Answered => Condition::all().add(state(ProposalState::Answered)),
        ProposalStatus::Withdrawn => Condition::all().add(state(ProposalState::Withdrawn)),
    }
}

fn addressed_to(organisation_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(proposal_target::Column::ProposalId)
        .from(proposal_target::Entity)
        .and_where(proposal_target::Column::CaisseId.eq(organisation_id))
        .to_owned()
}

/// The proposals the scope may see that pass the filter.
fn visible(scope: &CollaborationScope, filter: &ProposalFilter, now: DateTime<Utc>) -> Condition {
    let mut c = Condition::all();
    match scope.organisation_id {
        _ if scope.everything => {}
        Some(org) => {
            c = c.add(
                Condition::any()
                    .add(proposal::Column::ProposerId.eq(org))
                    .add(proposal::Column::Id.in_subquery(addressed_to(org))),
            );
        }
        None => c = c.add(Expr::value(false)),
    }
    match (filter.direction, scope.organisation_id) {
        (Some(Direction::Sent), Some(org)) => c = c.add(proposal::Column::ProposerId.eq(org)),
        (Some(Direction::Received), Some(org)) => {
            c = c.add(proposal::Column::Id.in_subquery(addressed_to(org)));
        }
        (Some(_), None) => c = c.add(Expr::value(false)),
        (None, _) => {}
    }
    if !filter.statuses.is_empty() {
        let mut any = Condition::any();
        for s in &filter.statuses {
            any = any.add(status_condition(*s, now));
        }
        c = c.add(any);
    }
    c
}

/// Newest first, after the id given.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &CollaborationScope,
    filter: &ProposalFilter,
    now: DateTime<Utc>,
    after_id: Option<i64>,
    limit: u64,
) -> Result<Vec<Proposal>, DbErr> {
    let mut query = proposal::Entity::find()
        .filter(visible(scope, filter, now))
        .order_by_desc(proposal::Column::Id);
    if let Some(after) = after_id {
        query = query.filter(proposal::Column::Id.lt(after));
    }
    let models = query.limit(limit).all(db).await?;
    assemble(db, models).await
}

pub async fn count(
    db: &impl ConnectionTrait,
    scope: &CollaborationScope,
    filter: &ProposalFilter,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    proposal::Entity::find()
        .filter(visible(scope, filter, now))
        .count(db)
        .await
}

fn message_from(m: proposal_message::Model) -> ProposalMessage {
    ProposalMessage {
        id: m.id,
        proposal_id: m.proposal_id,
        author_id: m.author_id,
        organisation_id: m.organisation_id,
        body: m.body,
        posted_at: m.posted_at,
        hidden: hidden(m.hidden_at, m.hidden_by, m.hidden_reason),
    }
}

pub async fn find_message(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ProposalMessage>, DbErr> {
    Ok(proposal_message::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(message_from))
}

/// Hides a message on a report; whether it was shown until now.
pub async fn hide_message(
    db: &impl ConnectionTrait,
    id: i64,
    by: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = proposal_message::Entity::update_many()
        .col_expr(proposal_message::Column::HiddenAt, Expr::value(now))
        .col_expr(proposal_message::Column::HiddenBy, Expr::value(by))
        .col_expr(proposal_message::Column::HiddenReason, Expr::value(reason))
        .filter(proposal_message::Column::Id.eq(id))
        .filter(proposal_message::Column::HiddenAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn insert_message(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    author_id: i64,
    organisation_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<ProposalMessage, DbErr> {
    let m = proposal_message::ActiveModel {
        proposal_id: Set(proposal_id),
        author_id: Set(author_id),
        organisation_id: Set(organisation_id),
        body: Set(body.to_owned()),
        posted_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(message_from(m))
}

pub async fn count_messages(db: &impl ConnectionTrait, proposal_id: i64) -> Result<u64, DbErr> {
    proposal_message::Entity::find()
        .filter(proposal_message::Column::ProposalId.eq(proposal_id))
        .count(db)
        .await
}

/// The thread in the order it was written, after the id given.
pub async fn messages(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    after_id: Option<i64>,
    limit: u64,
) -> Result<Vec<ProposalMessage>, DbErr> {
    let mut query = proposal_message::Entity::find()
        .filter(proposal_message::Column::ProposalId.eq(proposal_id))
        .order_by_asc(proposal_message::Column::Id);
    if let Some(after) = after_id {
        query = query.filter(proposal_message::Column::Id.gt(after));
    }
    Ok(query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(message_from)
        .collect())
}

/// Proposals addressed to the caisse during `[from, until)`, and how many of all its
/// acceptances fell in that period.
pub async fn received_and_accepted(
    db: &impl ConnectionTrait,
    caisse_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let created_then = Query::select()
        .column(proposal::Column::Id)
        .from(proposal::Entity)
        .and_where(proposal::Column::CreatedAt.gte(from))
        .and_where(proposal::Column::CreatedAt.lt(until))
        .to_owned();
    let received = proposal_target::Entity::find()
        .filter(proposal_target::Column::CaisseId.eq(caisse_id))
        .filter(proposal_target::Column::ProposalId.in_subquery(created_then))
        .count(db)
        .await?;
    let accepted = proposal_target::Entity::find()
        .filter(proposal_target::Column::CaisseId.eq(caisse_id))
        .filter(proposal_target::Column::Response.eq(ResponseStatus::Accepted.as_str()))
        .filter(proposal_target::Column::RespondedAt.gte(from))
        .filter(proposal_target::Column::RespondedAt.lt(until))
        .count(db)
        .await?;
    Ok((received, accepted))
}

/// Open proposals whose reply-by moment falls in `(from, until]` with a target caisse that has
/// not answered: (proposal, caisse, reply-by).
pub async fn awaiting_reply_before(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(i64, i64, DateTime<Utc>)>, DbErr> {
    let proposals = proposal::Entity::find()
        .filter(proposal::Column::State.eq(ProposalState::Open.as_str()))
        .filter(proposal::Column::ReplyBy.gt(from))
        .filter(proposal::Column::ReplyBy.lte(until))
        .limit(1_000)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for p in proposals {
        for t in proposal_target::Entity::find()
            .filter(proposal_target::Column::ProposalId.eq(p.id))
            .filter(proposal_target::Column::Response.eq(ResponseStatus::Pending.as_str()))
            .all(db)
            .await?
        {
            out.push((p.id, t.caisse_id, p.reply_by));
        }
    }
    Ok(out)
}
