//! A caisse's activity report on a year: the figures Commons holds (its register, the joint
//! services it was responsible for, its tools, its collaborations, compliance), a narrative, and
//! INASTI's review. Submitting freezes the figures as canonical JSON (RFC 8785, the JSON
//! Canonicalization Scheme) with their SHA-256, so a later change to the register never alters
//! what was submitted, and anyone holding the figures can recompute the digest with any JCS
//! implementation.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::lang::Lang;
use super::legal_frame::FIRST_YEAR;
use super::service_offering::{Compliance, YearOffering};
use super::validation::{self, FieldError, FieldErrorCode};

/// The format of the snapshot, named inside it so that a later format can be told apart.
/// v2 is RFC 8785 (JCS): keys sorted, no spaces, JCS's escapes and numbers. v1 snapshots,
/// serialised in the struct's field order, are kept as they were stored: their digest is over
/// those bytes, and checking one needs only the bytes, never a re-serialisation.
pub const FORMAT: &str = "commons/activity-report/v2";
pub const NARRATIVE_MAX_CHARS: usize = 20_000;
pub const COMMENT_MAX_CHARS: usize = 5_000;

named_enum!(
    /// Where a submitted report stands. A report never submitted has no row: it is a draft
    /// computed from the live figures.
    ReportStatus {
        Submitted = "SUBMITTED",
        Accepted = "ACCEPTED",
        Returned = "RETURNED",
    }
);

/// One offering as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportOffering {
    /// `offering:12` or `joint-service:7`.
    pub key: String,
    pub title: String,
    pub categories: Vec<String>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub people_reached: Option<i64>,
}

/// A quality indicator's value as the caisse reported it, for one category it offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportIndicator {
    pub code: String,
    pub criterion: String,
    pub unit: String,
    pub category: String,
    pub value: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryCount {
    pub category: String,
    pub mandatory: bool,
    pub offerings: u64,
}

/// The figures of a report. The snapshot's key order is JCS's, not this field order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportFigures {
    pub format: String,
    pub caisse_id: i64,
    pub caisse_slug: String,
    pub year: i32,
    pub compliant: bool,
    pub categories_offered: Vec<String>,
    pub mandatory_missing: Vec<String>,
    pub has_optional: bool,
    pub per_category: Vec<CategoryCount>,
    pub offerings: Vec<ReportOffering>,
    /// The sum of people reached over the register's offerings.
    pub people_reached: i64,
    /// Tools of the caisse first published in the year, then those whose update was published.
    pub tools_published: Vec<i64>,
    pub tools_updated: Vec<i64>,
    /// Proposals addressed to the caisse in the year, and those it accepted in the year.
    pub proposals_received: u64,
    pub proposals_accepted: u64,
    pub joint_services_responsible: u64,
    pub joint_services_participating: u64,
    /// Other organisations' tools the caisse began to use in the year, and its own tools others
    /// began to use.
    pub adoptions_given: u64,
    pub adoptions_received: u64,
    /// Visible reviews it wrote of others' tools in the year, and others wrote of its own.
    pub reviews_given: u64,
    pub reviews_received: u64,
    /// Its translations of others' tools their owners accepted in the year, and others' of its
    /// own tools it accepted. Left out of the snapshot while both are zero, so that reports
    /// frozen before translations by peers keep their bytes and their hash.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub translations_given: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub translations_received: u64,
    /// The year's quality indicators as reported. Left out while there are none, so that
    /// reports frozen before indicators keep their bytes and their hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<ReportIndicator>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What Commons holds of a caisse's year, gathered by the service.
pub struct YearFacts<'a> {
    pub caisse_id: i64,
    pub caisse_slug: &'a str,
    pub year: i32,
    pub offerings: &'a [YearOffering],
    pub compliance: &'a Compliance,
    /// Every approval of one of the caisse's tools: (tool, when), any year.
    pub approvals: &'a [(i64, DateTime<Utc>)],
    pub proposals_received: u64,
    pub proposals_accepted: u64,
    pub joint_services_participating: u64,
    /// (given, received), as [`ReportFigures`] counts them.
    pub adoptions: (u64, u64),
    pub reviews: (u64, u64),
    pub translations: (u64, u64),
    /// The reported values of the year's indicators (see [`super::evaluation::report_indicators`]).
    pub indicators: Vec<ReportIndicator>,
}

pub fn figures(facts: &YearFacts<'_>) -> ReportFigures {
    let c = facts.compliance;
    let names = |cats: &mut dyn Iterator<Item = &super::tool::ServiceCategory>| {
        cats.map(|c| c.as_str().to_owned()).collect::<Vec<_>>()
    };
    let mut first_approval: std::collections::BTreeMap<i64, DateTime<Utc>> = Default::default();
    for (tool, at) in facts.approvals {
        let e = first_approval.entry(*tool).or_insert(*at);
        *e = (*e).min(*at);
    }
    let mut published: Vec<i64> = first_approval
        .iter()
        .filter(|(_, at)| at.year() == facts.year)
        .map(|(t, _)| *t)
        .collect();
    published.sort_unstable();
    let mut updated: Vec<i64> = facts
        .approvals
        .iter()
        .filter(|(tool, at)| at.year() == facts.year && first_approval.get(tool) != Some(at))
        .map(|(t, _)| *t)
        .filter(|t| !published.contains(t))
        .collect();
    updated.sort_unstable();
    updated.dedup();
    ReportFigures {
        format: FORMAT.to_owned(),
        caisse_id: facts.caisse_id,
        caisse_slug: facts.caisse_slug.to_owned(),
        year: facts.year,
        compliant: c.compliant,
        categories_offered: names(&mut c.offered.iter()),
        mandatory_missing: names(&mut c.mandatory_missing.iter()),
        has_optional: c.has_optional,
        per_category: c
            .by_category
            .iter()
            .map(|(cat, mandatory, behind)| CategoryCount {
                category: cat.as_str().to_owned(),
                mandatory: *mandatory,
                offerings: behind.len() as u64,
            })
            .collect(),
        offerings: facts
            .offerings
            .iter()
            .map(|o| ReportOffering {
                key: o.key(),
                title: o
                    .title()
                    .get(Some(Lang::Fr))
                    .map(|(_, t)| t.to_owned())
                    .unwrap_or_default(),
                categories: names(&mut o.categories().iter()),
                starts_on: o.starts_on().to_string(),
                ends_on: o.ends_on().map(|d| d.to_string()),
                people_reached: o.people_reached(),
            })
            .collect(),
        people_reached: facts
            .offerings
            .iter()
            .filter_map(YearOffering::people_reached)
            .sum(),
        tools_published: published,
        tools_updated: updated,
        proposals_received: facts.proposals_received,
        proposals_accepted: facts.proposals_accepted,
        joint_services_responsible: facts
            .offerings
            .iter()
            .filter(|o| matches!(o, YearOffering::Joint(_)))
            .count() as u64,
        joint_services_participating: facts.joint_services_participating,
        adoptions_given: facts.adoptions.0,
        adoptions_received: facts.adoptions.1,
        reviews_given: facts.reviews.0,
        reviews_received: facts.reviews.1,
        translations_given: facts.translations.0,
        translations_received: facts.translations.1,
        indicators: facts.indicators.clone(),
    }
}

/// The snapshot as stored, in RFC 8785 canonical form, and its SHA-256 in hex: the digest is
/// over exactly these bytes, which any JCS implementation gives again from the figures.
pub fn snapshot(figures: &impl Serialize) -> (String, String) {
    let mut json = Vec::new();
    let mut canonical =
        serde_json::Serializer::with_formatter(&mut json, canon_json::CanonicalFormatter::new());
    // Serialising a struct of strings, integers, booleans and lists cannot fail.
    let _ = figures.serialize(&mut canonical);
    let json = String::from_utf8(json).unwrap_or_default();
    let digest = Sha256::digest(json.as_bytes());
    let hex = digest.iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    });
    (json, hex)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityReport {
    pub id: i64,
    pub caisse_id: i64,
    pub year: i32,
    pub status: ReportStatus,
    pub narrative: String,
    pub snapshot: String,
    pub snapshot_sha256: String,
    pub version: i32,
    pub submitted_at: DateTime<Utc>,
    pub submitted_by: i64,
    pub updated_at: DateTime<Utc>,
}

/// One step of a report's course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportEvent {
    pub step: ReportStatus,
    pub comment: Option<String>,
    pub snapshot_sha256: String,
    pub actor_id: i64,
    pub actor_organisation_id: i64,
    pub at: DateTime<Utc>,
}

/// The year of a report: one of the mission that has begun.
pub fn check_year(year: i32, this_year: i32) -> Result<(), FieldError> {
    if (FIRST_YEAR..=this_year).contains(&year) {
        Ok(())
    } else {
        Err(FieldError::new(
            &["year"],
            FieldErrorCode::OutOfRange,
            format!("a report is on a year from {FIRST_YEAR} to {this_year}, not a year to come"),
        ))
    }
}

/// May the report be submitted now? Never submitted, or returned for correction.
pub fn may_submit(existing: Option<&ActivityReport>) -> Result<(), FieldError> {
    match existing.map(|r| r.status) {
        None | Some(ReportStatus::Returned) => Ok(()),
        Some(status) => Err(FieldError::new(
            &["year"],
            FieldErrorCode::InvalidState,
            format!(
                "the report is already {}; it can be submitted again only once INASTI returns it",
                status.as_str().to_lowercase()
            ),
        )),
    }
}

/// INASTI accepts a submitted report, or returns it with a comment saying what to correct.
pub fn review(
    report: &ActivityReport,
    accept: bool,
    comment: Option<&str>,
) -> Result<(ReportStatus, Option<String>), FieldError> {
    if report.status != ReportStatus::Submitted {
        return Err(FieldError::new(
            &["reportId"],
            FieldErrorCode::InvalidState,
            format!(
                "the report is {}, not waiting for a review",
                report.status.as_str().to_lowercase()
            ),
        ));
    }
    let comment = validation::optional_text(&["comment"], comment, COMMENT_MAX_CHARS)?;
    if !accept && comment.is_none() {
        return Err(FieldError::new(
            &["comment"],
            FieldErrorCode::Required,
            "say what the caisse should correct",
        ));
    }
    Ok((
        if accept {
            ReportStatus::Accepted
        } else {
            ReportStatus::Returned
        },
        comment,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legal_frame::LegalFrame;
    use crate::service_offering::compliance;

    fn at(y: i32, m: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .map(|t| t.and_utc())
            .unwrap_or_default()
    }

    #[test]
    fn tools_first_published_in_the_year_are_told_from_updates() {
        let c = compliance(&LegalFrame::by_law(2025), &[]);
        let approvals = [
            (1, at(2024, 5)),
            (1, at(2025, 2)),
            (2, at(2025, 3)),
            (2, at(2025, 9)),
            (3, at(2026, 1)),
        ];
        let f = figures(&YearFacts {
            caisse_id: 9,
            caisse_slug: "acerta",
            year: 2025,
            offerings: &[],
            compliance: &c,
            approvals: &approvals,
            proposals_received: 2,
            proposals_accepted: 1,
            joint_services_participating: 0,
            adoptions: (1, 2),
            reviews: (0, 3),
            translations: (0, 0),
            indicators: Vec::new(),
        });
        assert_eq!(f.tools_published, vec![2]);
        assert_eq!(f.tools_updated, vec![1]);
        assert!(!f.compliant);
        assert_eq!(
            f.mandatory_missing,
            vec!["AWARENESS_PROMOTION", "ORIENTATION_SUPPORT"]
        );
        let (json, digest) = snapshot(&f);
        // JCS: keys in order, so `adoptionsGiven` opens and `year` closes.
        assert!(
            json.starts_with("{\"adoptionsGiven\":1,\"adoptionsReceived\":2,"),
            "{json}"
        );
        assert!(json.contains("\"format\":\"commons/activity-report/v2\""));
        assert!(
            json.ends_with("\"toolsUpdated\":[1],\"year\":2025}"),
            "{json}"
        );
        assert_eq!(digest.len(), 64);
        assert_eq!(
            snapshot(&f).1,
            digest,
            "the same figures give the same digest"
        );
    }
}
