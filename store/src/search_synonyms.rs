//! The concept table of search, one row per edit; the newest row is in force.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder,
};
use serde::{Deserialize, Serialize};

use super::codec::lang_from;
use super::entity::search_synonyms;
use commons_domain::synonyms::{Concept, ConceptTable};

#[derive(Serialize, Deserialize)]
struct StoredConcept {
    name: String,
    terms: Vec<StoredTerm>,
}

#[derive(Serialize, Deserialize)]
struct StoredTerm {
    lang: String,
    text: String,
}

/// The table in force, or `None` while nobody has edited the shipped one.
pub async fn current(db: &impl ConnectionTrait) -> Result<Option<Vec<Concept>>, DbErr> {
    let Some(row) = search_synonyms::Entity::find()
        .order_by_desc(search_synonyms::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let stored: Vec<StoredConcept> = serde_json::from_str(&row.concepts)
        .map_err(|e| DbErr::Custom(format!("search synonyms row {}: {e}", row.id)))?;
    let mut concepts = Vec::with_capacity(stored.len());
    for c in stored {
        let terms = c
            .terms
            .into_iter()
            .map(|t| Ok((lang_from(&t.lang)?, t.text)))
            .collect::<Result<_, DbErr>>()?;
        concepts.push(Concept {
            name: c.name,
            terms,
        });
    }
    Ok(Some(concepts))
}

/// Records a new table in force; returns the row's id.
pub async fn save(
    db: &impl ConnectionTrait,
    table: &ConceptTable,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let stored: Vec<StoredConcept> = table
        .concepts()
        .iter()
        .map(|c| StoredConcept {
            name: c.name.clone(),
            terms: c
                .terms
                .iter()
                .map(|(l, t)| StoredTerm {
                    lang: l.code().to_owned(),
                    text: t.clone(),
                })
                .collect(),
        })
        .collect();
    let json = serde_json::to_string(&stored).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = search_synonyms::ActiveModel {
        concepts: Set(json),
        updated_at: Set(now),
        updated_by: Set(user_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}
