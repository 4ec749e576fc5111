use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::entity::user;
use commons_domain::identity::User;

fn to_domain(m: user::Model) -> User {
    User {
        id: m.id,
        organisation_id: m.organisation_id,
        subject: m.subject,
        name: m.name,
        email: m.email,
        created_at: m.created_at,
    }
}

pub async fn find(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    subject: &str,
) -> Result<Option<User>, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation_id))
        .filter(user::Column::Subject.eq(subject))
        .one(db)
        .await?
        .map(to_domain))
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>, DbErr> {
    Ok(user::Entity::find_by_id(id).one(db).await?.map(to_domain))
}

/// Records the user, or refreshes the name and e-mail their token now carries. Safe when two
/// first requests of the same person race: the unique (organisation, subject) decides.
pub async fn record(
    db: &impl ConnectionTrait,
    organisation_id: i64,
    subject: &str,
    name: Option<&str>,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<User, DbErr> {
    let am = user::ActiveModel {
        organisation_id: Set(organisation_id),
        subject: Set(subject.to_owned()),
        name: Set(name.map(str::to_owned)),
        email: Set(email.map(str::to_owned)),
        created_at: Set(now),
        last_seen_at: Set(now),
        ..Default::default()
    };
    user::Entity::insert(am)
        .on_conflict(
            OnConflict::columns([user::Column::OrganisationId, user::Column::Subject])
                .update_columns([
                    user::Column::Name,
                    user::Column::Email,
                    user::Column::LastSeenAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    find(db, organisation_id, subject)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("user {subject} after recording it")))
}

/// The people of these organisations that Commons knows (they signed in once), by id.
pub async fn of_organisations(
    db: &impl ConnectionTrait,
    organisation_ids: &[i64],
) -> Result<Vec<i64>, DbErr> {
    if organisation_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::OrganisationId.is_in(organisation_ids.to_vec()))
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect())
}

/// Locks the person's row until the transaction ends (`FOR UPDATE` on PostgreSQL; SQLite's
/// write transaction already holds the whole database): what is counted per person in the
/// transaction, such as their reports of the day, cannot grow underneath.
pub async fn lock(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    use sea_orm::QuerySelect;
    user::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?;
    Ok(())
}
