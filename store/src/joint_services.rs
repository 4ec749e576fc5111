//! Joint services, their participants and the transfers of responsibility between caisses.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::codec::{ids, localised, names, parse, parse_ids, parse_localised, parse_names};
use super::entity::{
    joint_service as service, joint_service_participant as participant, responsibility_entry,
    responsibility_transfer as transfer,
};
use commons_domain::collaboration::{
    JointService, Participant, ParticipantRole, Period, ServiceFilter, ServiceStatus, Transfer,
    TransferStatus,
};
use commons_domain::lang::LocalisedText;
use commons_domain::policy::CollaborationScope;
use commons_domain::tool::ServiceCategory;

fn service_from(m: service::Model, participants: Vec<Participant>) -> Result<JointService, DbErr> {
    Ok(JointService {
        id: m.id,
        proposal_id: m.proposal_id,
        title: parse_localised(&m.title)?,
        description: parse_localised(&m.description)?,
        categories: parse_names(&m.categories)?,
        tool_ids: parse_ids(&m.tool_ids)?,
        period: Period {
            starts_on: m.starts_on,
            ends_on: m.ends_on,
        },
        status: parse(&m.status)?,
        responsible_caisse_id: m.responsible_caisse_id,
        created_at: m.created_at,
        updated_at: m.updated_at,
        participants,
    })
}

async fn assemble(
    db: &impl ConnectionTrait,
    models: Vec<service::Model>,
) -> Result<Vec<JointService>, DbErr> {
    let service_ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let mut rows = participant::Entity::find()
        .filter(participant::Column::JointServiceId.is_in(service_ids))
        .order_by_asc(participant::Column::AddedAt)
        .order_by_asc(participant::Column::OrganisationId)
        .all(db)
        .await?;
    models
        .into_iter()
        .map(|m| {
            let participants = rows
                .extract_if(.., |p| p.joint_service_id == m.id)
                .map(|p| {
                    Ok(Participant {
                        organisation_id: p.organisation_id,
                        role: parse(&p.role)?,
                        added_at: p.added_at,
                    })
                })
                .collect::<Result<_, DbErr>>()?;
            service_from(m, participants)
        })
        .collect()
}

/// The data of a new joint service; its responsible caisse is also its record's first entry.
pub struct NewService<'a> {
    pub proposal_id: Option<i64>,
    pub title: &'a LocalisedText,
    pub description: &'a LocalisedText,
    pub categories: &'a BTreeSet<ServiceCategory>,
    pub tool_ids: &'a [i64],
    pub period: Period,
    pub responsible_caisse_id: i64,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewService<'_>,
    now: DateTime<Utc>,
) -> Result<JointService, DbErr> {
    let m = service::ActiveModel {
        proposal_id: Set(new.proposal_id),
        title: Set(localised(new.title)),
        description: Set(localised(new.description)),
        categories: Set(names(new.categories.iter().copied())),
        tool_ids: Set(ids(new.tool_ids)),
        starts_on: Set(new.period.starts_on),
        ends_on: Set(new.period.ends_on),
        status: Set(ServiceStatus::Planned.as_str().to_owned()),
        responsible_caisse_id: Set(new.responsible_caisse_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    service_from(m, Vec::new())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<JointService>, DbErr> {
    match service::Entity::find_by_id(id).one(db).await? {
        Some(m) => Ok(assemble(db, vec![m]).await?.pop()),
        None => Ok(None),
    }
}

/// Several services by id, by id.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, JointService>, DbErr> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let models = service::Entity::find()
            .filter(service::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        for s in assemble(db, models).await? {
            out.insert(s.id, s);
        }
    }
    Ok(out)
}

/// The joint service each of these proposals gave, if any.
pub async fn ids_by_proposal(
    db: &impl ConnectionTrait,
    proposal_ids: &[i64],
) -> Result<HashMap<i64, i64>, DbErr> {
    if proposal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(service::Entity::find()
        .filter(service::Column::ProposalId.is_in(proposal_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| m.proposal_id.map(|p| (p, m.id)))
        .collect())
}

/// Moves the service on, only if nobody changed it since `seen` (its `updated_at`).
pub async fn set_status(
    db: &impl ConnectionTrait,
    s: &JointService,
    status: ServiceStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = service::Entity::update_many()
        .col_expr(service::Column::Status, Expr::value(status.as_str()))
        .col_expr(service::Column::UpdatedAt, Expr::value(now))
        .filter(service::Column::Id.eq(s.id))
        .filter(service::Column::Status.eq(s.status.as_str()))
        // Only while the caisse that was allowed to decide is still the responsible one.
        .filter(service::Column::ResponsibleCaisseId.eq(s.responsible_caisse_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Names the new responsible caisse, only if `from` still is and the service has not ended.
pub async fn set_responsible(
    db: &impl ConnectionTrait,
    service_id: i64,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = service::Entity::update_many()
        .col_expr(service::Column::ResponsibleCaisseId, Expr::value(to))
        .col_expr(service::Column::UpdatedAt, Expr::value(now))
        .filter(service::Column::Id.eq(service_id))
        .filter(service::Column::ResponsibleCaisseId.eq(from))
        .filter(service::Column::Status.ne(ServiceStatus::Ended.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn add_participant(
    db: &impl ConnectionTrait,
    service_id: i64,
    organisation_id: i64,
    role: ParticipantRole,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    participant::ActiveModel {
        joint_service_id: Set(service_id),
        organisation_id: Set(organisation_id),
        role: Set(role.as_str().to_owned()),
        added_at: Set(now),
        added_by: Set(by),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn remove_participant(
    db: &impl ConnectionTrait,
    service_id: i64,
    organisation_id: i64,
) -> Result<bool, DbErr> {
    let result = participant::Entity::delete_many()
        .filter(participant::Column::JointServiceId.eq(service_id))
        .filter(participant::Column::OrganisationId.eq(organisation_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks the service changed, only if it is as the caller read it: two changes to the same
/// service at once cannot both pass.
pub async fn touch(
    db: &impl ConnectionTrait,
    s: &JointService,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = service::Entity::update_many()
        .col_expr(service::Column::UpdatedAt, Expr::value(now))
        .filter(service::Column::Id.eq(s.id))
        .filter(service::Column::UpdatedAt.eq(s.updated_at))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Services whose record ever named this caisse.
fn on_record_of(organisation_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(responsibility_entry::Column::JointServiceId)
        .from(responsibility_entry::Entity)
        .and_where(responsibility_entry::Column::CaisseId.eq(organisation_id))
        .to_owned()
}

fn taking_part(organisation_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(participant::Column::JointServiceId)
        .from(participant::Entity)
        .and_where(participant::Column::OrganisationId.eq(organisation_id))
        .to_owned()
}

/// Whether this caisse was ever responsible for the service.
pub async fn was_responsible(
    db: &impl ConnectionTrait,
    service_id: i64,
    organisation_id: i64,
) -> Result<bool, DbErr> {
    Ok(responsibility_entry::Entity::find()
        .filter(responsibility_entry::Column::JointServiceId.eq(service_id))
        .filter(responsibility_entry::Column::CaisseId.eq(organisation_id))
        .count(db)
        .await?
        > 0)
}

fn receiving(organisation_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(transfer::Column::JointServiceId)
        .from(transfer::Entity)
        .and_where(transfer::Column::ToCaisseId.eq(organisation_id))
        .and_where(transfer::Column::Status.eq(TransferStatus::Pending.as_str()))
        .to_owned()
}

/// Whether a pending transfer would make this caisse responsible for the service.
pub async fn is_receiving(
    db: &impl ConnectionTrait,
    service_id: i64,
    organisation_id: i64,
) -> Result<bool, DbErr> {
    Ok(transfer::Entity::find()
        .filter(transfer::Column::JointServiceId.eq(service_id))
        .filter(transfer::Column::ToCaisseId.eq(organisation_id))
        .filter(transfer::Column::Status.eq(TransferStatus::Pending.as_str()))
        .count(db)
        .await?
        > 0)
}

fn visible(scope: &CollaborationScope, filter: &ServiceFilter) -> Condition {
    let mut c = Condition::all();
    match scope.organisation_id {
        _ if scope.everything => {}
        Some(org) => {
            c = c.add(
                Condition::any()
                    .add(service::Column::ResponsibleCaisseId.eq(org))
                    .add(service::Column::Id.in_subquery(taking_part(org)))
                    .add(service::Column::Id.in_subquery(on_record_of(org)))
                    .add(service::Column::Id.in_subquery(receiving(org))),
            );
        }
        None => c = c.add(Expr::value(false)),
    }
    if !filter.statuses.is_empty() {
        c = c.add(
            service::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str().to_owned())),
        );
    }
    if let Some(caisse) = filter.responsible_caisse_id {
        c = c.add(service::Column::ResponsibleCaisseId.eq(caisse));
    }
    c
}

pub async fn list(
    db: &impl ConnectionTrait,
    scope: &CollaborationScope,
    filter: &ServiceFilter,
    after_id: Option<i64>,
    limit: u64,
) -> Result<Vec<JointService>, DbErr> {
    let mut query = service::Entity::find()
        .filter(visible(scope, filter))
        .order_by_desc(service::Column::Id);
    if let Some(after) = after_id {
        query = query.filter(service::Column::Id.lt(after));
    }
    let models = query.limit(limit).all(db).await?;
    assemble(db, models).await
}

pub async fn count(
    db: &impl ConnectionTrait,
    scope: &CollaborationScope,
    filter: &ServiceFilter,
) -> Result<u64, DbErr> {
    service::Entity::find()
        .filter(visible(scope, filter))
        .count(db)
        .await
}

/// The services that ran at some point of `year` (by their period) and whose record names
/// this caisse, or any caisse; whether the caisse was responsible while they ran is the
/// domain's to say from the record.
pub async fn ran_in_year(
    db: &impl ConnectionTrait,
    caisse_id: Option<i64>,
    year: i32,
) -> Result<Vec<JointService>, DbErr> {
    let (Some(first), Some(last)) = (
        chrono::NaiveDate::from_ymd_opt(year, 1, 1),
        chrono::NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(Vec::new());
    };
    let mut query = service::Entity::find()
        .filter(service::Column::StartsOn.lte(last))
        .filter(
            Condition::any()
                .add(service::Column::EndsOn.is_null())
                .add(service::Column::EndsOn.gte(first)),
        )
        .order_by_asc(service::Column::StartsOn)
        .order_by_asc(service::Column::Id);
    if let Some(caisse) = caisse_id {
        query = query.filter(service::Column::Id.in_subquery(on_record_of(caisse)));
    }
    let models = query.all(db).await?;
    assemble(db, models).await
}

/// Every service whose record ever named this caisse, or every service.
pub async fn ids_on_record(
    db: &impl ConnectionTrait,
    caisse_id: Option<i64>,
) -> Result<Vec<i64>, DbErr> {
    let mut query = service::Entity::find().order_by_asc(service::Column::Id);
    if let Some(caisse) = caisse_id {
        query = query.filter(service::Column::Id.in_subquery(on_record_of(caisse)));
    }
    Ok(query.all(db).await?.into_iter().map(|m| m.id).collect())
}

fn transfer_from(m: transfer::Model) -> Result<Transfer, DbErr> {
    Ok(Transfer {
        id: m.id,
        joint_service_id: m.joint_service_id,
        from_caisse_id: m.from_caisse_id,
        to_caisse_id: m.to_caisse_id,
        reason: m.reason,
        status: parse(&m.status)?,
        proposed_by: m.proposed_by,
        proposed_at: m.proposed_at,
        resolved_by: m.resolved_by,
        resolved_at: m.resolved_at,
        cancellation_reason: m.cancellation_reason,
    })
}

pub async fn insert_transfer(
    db: &impl ConnectionTrait,
    s: &JointService,
    to: i64,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Transfer, DbErr> {
    let m = transfer::ActiveModel {
        joint_service_id: Set(s.id),
        from_caisse_id: Set(s.responsible_caisse_id),
        to_caisse_id: Set(to),
        reason: Set(reason.to_owned()),
        status: Set(TransferStatus::Pending.as_str().to_owned()),
        proposed_by: Set(by),
        proposed_at: Set(now),
        resolved_by: Set(None),
        resolved_at: Set(None),
        cancellation_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    transfer_from(m)
}

pub async fn find_transfer(db: &impl ConnectionTrait, id: i64) -> Result<Option<Transfer>, DbErr> {
    transfer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(transfer_from)
        .transpose()
}

/// The transfers of a service, oldest first.
pub async fn transfers(db: &impl ConnectionTrait, service_id: i64) -> Result<Vec<Transfer>, DbErr> {
    transfer::Entity::find()
        .filter(transfer::Column::JointServiceId.eq(service_id))
        .order_by_asc(transfer::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(transfer_from)
        .collect()
}

pub async fn has_pending_transfer(
    db: &impl ConnectionTrait,
    service_id: i64,
) -> Result<bool, DbErr> {
    Ok(transfer::Entity::find()
        .filter(transfer::Column::JointServiceId.eq(service_id))
        .filter(transfer::Column::Status.eq(TransferStatus::Pending.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Closes a pending transfer; false when it was no longer pending.
pub async fn resolve_transfer(
    db: &impl ConnectionTrait,
    id: i64,
    status: TransferStatus,
    by: i64,
    cancellation_reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = transfer::Entity::update_many()
        .col_expr(transfer::Column::Status, Expr::value(status.as_str()))
        .col_expr(transfer::Column::ResolvedBy, Expr::value(by))
        .col_expr(transfer::Column::ResolvedAt, Expr::value(now))
        .col_expr(
            transfer::Column::CancellationReason,
            Expr::value(cancellation_reason.map(str::to_owned)),
        )
        .filter(transfer::Column::Id.eq(id))
        .filter(transfer::Column::Status.eq(TransferStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
