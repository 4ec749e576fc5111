//! A year's funding parameters, one row per change; the newest row of a year is in force.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::entity::funding_parameters as row;
use commons_domain::funding::FundingParameters;
use commons_domain::money::{Eur, Weight};

fn corrupt(what: &str) -> DbErr {
    DbErr::Type(format!("funding parameters: {what} out of range"))
}

pub async fn in_force(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Option<FundingParameters>, DbErr> {
    let Some(m) = row::Entity::find()
        .filter(row::Column::Year.eq(year))
        .order_by_desc(row::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let raw: BTreeMap<i64, i64> =
        serde_json::from_str(&m.evaluation_weights).map_err(|e| DbErr::Type(e.to_string()))?;
    let weights = raw
        .into_iter()
        .map(|(caisse, w)| {
            Weight::from_ten_thousandths(w)
                .map(|w| (caisse, w))
                .ok_or_else(|| corrupt("weight"))
        })
        .collect::<Result<_, _>>()?;
    Ok(Some(FundingParameters {
        year: m.year,
        envelope: Eur::from_cents(m.envelope_cents).ok_or_else(|| corrupt("envelope"))?,
        fixed_per_caisse: Eur::from_cents(m.fixed_per_caisse_cents)
            .ok_or_else(|| corrupt("fixed part"))?,
        weights,
        weights_from: m.weights_from_evaluation,
    }))
}

pub async fn save(
    db: &impl ConnectionTrait,
    params: &FundingParameters,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let weights: BTreeMap<String, i64> = params
        .weights
        .iter()
        .map(|(caisse, w)| (caisse.to_string(), i64::from(w.ten_thousandths())))
        .collect();
    row::ActiveModel {
        year: Set(params.year),
        envelope_cents: Set(params.envelope.cents()),
        fixed_per_caisse_cents: Set(params.fixed_per_caisse.cents()),
        evaluation_weights: Set(
            serde_json::to_string(&weights).map_err(|e| DbErr::Type(e.to_string()))?
        ),
        weights_from_evaluation: Set(params.weights_from),
        updated_at: Set(now),
        updated_by: Set(user_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
