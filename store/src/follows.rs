//! What people follow.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::codec::parse;
use super::entity::follow as row;
use commons_domain::notification::{Follow, FollowTarget};

fn from_model(m: row::Model) -> Result<Follow, DbErr> {
    Ok(Follow {
        id: m.id,
        user_id: m.user_id,
        target: FollowTarget {
            kind: parse(&m.target_type)?,
            id: m.target_id,
        },
        created_at: m.created_at,
    })
}

pub async fn insert(
    db: &impl ConnectionTrait,
    user_id: i64,
    target: FollowTarget,
    now: DateTime<Utc>,
) -> Result<Follow, DbErr> {
    let m = row::ActiveModel {
        user_id: Set(user_id),
        target_type: Set(target.kind.as_str().to_owned()),
        target_id: Set(target.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    from_model(m)
}

pub async fn find(
    db: &impl ConnectionTrait,
    user_id: i64,
    target: FollowTarget,
) -> Result<Option<Follow>, DbErr> {
    row::Entity::find()
        .filter(row::Column::UserId.eq(user_id))
        .filter(row::Column::TargetType.eq(target.kind.as_str()))
        .filter(row::Column::TargetId.eq(target.id))
        .one(db)
        .await?
        .map(from_model)
        .transpose()
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    row::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

pub async fn of_user(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Follow>, DbErr> {
    row::Entity::find()
        .filter(row::Column::UserId.eq(user_id))
        .order_by_asc(row::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

pub async fn count_of_user(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    row::Entity::find()
        .filter(row::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// The people following any of these targets, each once.
pub async fn followers(
    db: &impl ConnectionTrait,
    targets: &[FollowTarget],
) -> Result<Vec<i64>, DbErr> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let mut any = Condition::any();
    for t in targets {
        any = any.add(
            Condition::all()
                .add(row::Column::TargetType.eq(t.kind.as_str()))
                .add(row::Column::TargetId.eq(t.id)),
        );
    }
    let mut users: Vec<i64> = row::Entity::find()
        .filter(any)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    users.sort_unstable();
    users.dedup();
    Ok(users)
}
