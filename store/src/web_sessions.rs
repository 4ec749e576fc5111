//! Web sessions: one row per signed-in browser, keyed by the SHA-256 of its cookie's secret.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::web_session;
use commons_domain::identity::Identity;

/// A session as stored: who it signs in, and the token its forms must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub identity: Identity,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    key: &str,
    session: &StoredSession,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    web_session::Entity::insert(web_session::ActiveModel {
        id: Set(key.to_owned()),
        subject: Set(session.identity.subject.clone()),
        organisation_slug: Set(session.identity.organisation_slug.clone()),
        roles: Set(session.identity.roles.join(" ")),
        name: Set(session.identity.name.clone()),
        email: Set(session.identity.email.clone()),
        csrf_token: Set(session.csrf_token.clone()),
        created_at: Set(now),
        expires_at: Set(session.expires_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The session under `key`, unless it has expired.
pub async fn find_live(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<StoredSession>, DbErr> {
    use web_session::Column as C;
    Ok(web_session::Entity::find_by_id(key.to_owned())
        .filter(C::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(|m| StoredSession {
            identity: Identity {
                subject: m.subject,
                organisation_slug: m.organisation_slug,
                roles: m.roles.split_whitespace().map(str::to_owned).collect(),
                name: m.name,
                email: m.email,
                // Taken from the claim when the session began (`web_sessions::start`).
                email_verified: false,
            },
            csrf_token: m.csrf_token,
            expires_at: m.expires_at,
        }))
}

pub async fn delete(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    web_session::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the sessions that have expired; how many.
pub async fn delete_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    use web_session::Column as C;
    Ok(web_session::Entity::delete_many()
        .filter(C::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
