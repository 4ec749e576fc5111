//! How domain values are written into columns and read back: enum names as text, sets and
//! lists as JSON arrays, localised texts as JSON objects by language code.

use std::collections::BTreeSet;
use std::str::FromStr;

use sea_orm::DbErr;

use commons_domain::lang::{Lang, LocalisedText};

pub fn parse<T: FromStr<Err = String>>(s: &str) -> Result<T, DbErr> {
    s.parse().map_err(DbErr::Type)
}

pub fn names<T: Copy + ToString>(items: impl IntoIterator<Item = T>) -> String {
    serde_json::Value::from(items.into_iter().map(|i| i.to_string()).collect::<Vec<_>>())
        .to_string()
}

pub fn parse_names<T: FromStr<Err = String> + Ord>(json: &str) -> Result<BTreeSet<T>, DbErr> {
    let raw: Vec<String> = serde_json::from_str(json).map_err(|e| DbErr::Type(e.to_string()))?;
    raw.iter().map(|s| parse(s)).collect()
}

pub fn strings(json: &str) -> Result<Vec<String>, DbErr> {
    serde_json::from_str(json).map_err(|e| DbErr::Type(e.to_string()))
}

pub fn lang_from(code: &str) -> Result<Lang, DbErr> {
    Lang::ALL
        .into_iter()
        .find(|l| l.code() == code)
        .ok_or_else(|| DbErr::Type(format!("unknown language {code}")))
}

pub fn ids(items: &[i64]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

pub fn parse_ids(json: &str) -> Result<Vec<i64>, DbErr> {
    serde_json::from_str(json).map_err(|e| DbErr::Type(e.to_string()))
}

pub fn localised(text: &LocalisedText) -> String {
    let map: serde_json::Map<String, serde_json::Value> = text
        .iter()
        .map(|(l, t)| (l.code().to_owned(), serde_json::Value::from(t)))
        .collect();
    serde_json::Value::Object(map).to_string()
}

pub fn parse_localised(json: &str) -> Result<LocalisedText, DbErr> {
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_str(json).map_err(|e| DbErr::Type(e.to_string()))?;
    map.into_iter()
        .map(|(code, text)| Ok((lang_from(&code)?, text)))
        .collect()
}

/// A moderator's hiding of a review or a message, from its three columns.
pub fn hidden(
    at: Option<chrono::DateTime<chrono::Utc>>,
    by: Option<i64>,
    reason: Option<String>,
) -> Option<commons_domain::review::Hidden> {
    match (at, by) {
        (Some(at), Some(by)) => Some(commons_domain::review::Hidden {
            at,
            by,
            reason: reason.unwrap_or_default(),
        }),
        _ => None,
    }
}
