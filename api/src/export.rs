//! The responsibility record as files for INASTI's audit: CSV and JSON with the same columns.
//! Times are written exactly as the hash encodes them, and every numeric id the hash covers is
//! there, so that an auditor can recompute each entry's hash and the chain from the file alone.

use serde::Serialize;

use commons_domain::lang::Lang;
use commons_domain::responsibility::{GENESIS, timestamp};
use commons_service::joint_services::ExportedEntry;

/// One row of the export.
#[derive(Serialize)]
pub struct Row {
    pub joint_service_id: i64,
    pub joint_service_title: String,
    pub joint_service_status: &'static str,
    pub sequence: i32,
    pub caisse_id: i64,
    pub caisse_slug: String,
    pub caisse_enterprise_number: String,
    pub caisse_name: String,
    pub effective_from: String,
    pub recorded_by: i64,
    pub recorded_by_organisation_id: i64,
    pub recorded_by_organisation_slug: String,
    pub recorded_at: String,
    pub reason: String,
    pub previous_hash: String,
    pub hash: String,
    /// The chain verifies from its first entry up to and including this one.
    pub verified: bool,
}

impl From<ExportedEntry> for Row {
    fn from(e: ExportedEntry) -> Self {
        let f = e.entry.facts;
        let name = |o: &Option<commons_domain::organisation::Organisation>| {
            o.as_ref()
                .and_then(|o| o.names.get(Some(Lang::Fr)).map(|(_, n)| n.to_owned()))
                .unwrap_or_default()
        };
        Row {
            joint_service_id: e.service.id,
            joint_service_title: e
                .service
                .title
                .get(Some(Lang::Fr))
                .map(|(_, t)| t.to_owned())
                .unwrap_or_default(),
            joint_service_status: e.service.status.as_str(),
            sequence: f.sequence,
            caisse_id: f.caisse_id,
            caisse_slug: e
                .caisse
                .as_ref()
                .map(|o| o.slug.clone())
                .unwrap_or_default(),
            caisse_enterprise_number: e
                .caisse
                .as_ref()
                .map(|o| o.enterprise_number.to_string())
                .unwrap_or_default(),
            caisse_name: name(&e.caisse),
            effective_from: timestamp(f.effective_from),
            recorded_by: f.recorded_by,
            recorded_by_organisation_id: f.recorded_by_organisation_id,
            recorded_by_organisation_slug: e
                .recorded_by_organisation
                .as_ref()
                .map(|o| o.slug.clone())
                .unwrap_or_default(),
            recorded_at: timestamp(f.recorded_at),
            reason: f.reason,
            previous_hash: f.previous_hash,
            hash: e.entry.hash,
            verified: e.verified,
        }
    }
}

/// A text cell that a spreadsheet would take for a formula (OWASP's CSV injection: `=`, `+`,
/// `-`, `@`, a tab or a carriage return first) gets a leading apostrophe, so that a title or a
/// reason typed as `=HYPERLINK(…)` stays text in the file INASTI opens. An auditor removes
/// that apostrophe before recomputing a hash; the JSON export is written as typed.
pub(crate) fn inert(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

impl Row {
    fn for_spreadsheet(self) -> Self {
        Row {
            joint_service_title: inert(self.joint_service_title),
            caisse_name: inert(self.caisse_name),
            reason: inert(self.reason),
            ..self
        }
    }
}

pub fn csv(rows: Vec<Row>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Headers are written with the first row; an empty export still names its columns.
    if rows.is_empty() {
        writer.write_record(COLUMNS)?;
    }
    for row in rows {
        writer.serialize(row.for_spreadsheet())?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

const COLUMNS: [&str; 17] = [
    "joint_service_id",
    "joint_service_title",
    "joint_service_status",
    "sequence",
    "caisse_id",
    "caisse_slug",
    "caisse_enterprise_number",
    "caisse_name",
    "effective_from",
    "recorded_by",
    "recorded_by_organisation_id",
    "recorded_by_organisation_slug",
    "recorded_at",
    "reason",
    "previous_hash",
    "hash",
    "verified",
];

pub fn json(rows: Vec<Row>, caisse: Option<&str>, generated_at: &str) -> serde_json::Value {
    serde_json::json!({
        "generatedAt": generated_at,
        "caisse": caisse,
        "encoding": "commons/responsibility-entry/v1",
        "genesisPreviousHash": GENESIS,
        "entries": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_csv_export_still_names_its_columns() {
        let bytes = csv(Vec::new()).unwrap_or_default();
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert_eq!(text.trim_end(), COLUMNS.join(","));
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() {
        for typed in ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(inert(typed.to_owned()), format!("'{typed}"));
        }
        for typed in ["plain", "a=b", " =x", ""] {
            assert_eq!(inert(typed.to_owned()), typed);
        }
    }
}
