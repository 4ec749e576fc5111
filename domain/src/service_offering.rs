//! The register of the services a caisse offers in a year, and the legal minimum judged on it:
//! every mandatory category of the year's legal frame and at least one optional one. The joint
//! services a caisse was responsible for during the year count too, from their own record,
//! so that nobody types them twice.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::collaboration::JointService;
use super::lang::{Lang, LocalisedText};
use super::legal_frame::{FIRST_YEAR, LegalFrame};
use super::responsibility::Entry;
use super::tool::{DeliveryMode, Scope, ServiceCategory};
use super::validation::{self, FieldError, FieldErrorCode, Validator};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
pub const REGION_MAX_CHARS: usize = 200;
pub const MAX_REGIONS: usize = 20;
pub const MAX_TOOLS: usize = 20;
/// More people than Belgium has self-employed is a typing error.
pub const MAX_PEOPLE_REACHED: i64 = 2_000_000;
/// A caisse's register holds at most this many offerings a year.
pub const MAX_PER_YEAR: u64 = 500;

/// An offering as a caisse writes it.
#[derive(Clone, Debug, Default)]
pub struct OfferingDraft {
    pub year: i32,
    pub titles: Vec<(Lang, String)>,
    pub descriptions: Vec<(Lang, String)>,
    pub categories: Vec<ServiceCategory>,
    pub tool_ids: Vec<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub delivery_modes: Vec<DeliveryMode>,
    pub scopes: Vec<Scope>,
    pub regions: Vec<String>,
    pub people_reached: i64,
}

/// An offering once checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferingContent {
    pub year: i32,
    pub title: LocalisedText,
    pub description: LocalisedText,
    pub categories: BTreeSet<ServiceCategory>,
    pub tool_ids: Vec<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub delivery_modes: BTreeSet<DeliveryMode>,
    pub scopes: BTreeSet<Scope>,
    pub regions: Vec<String>,
    pub people_reached: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceOffering {
    pub id: i64,
    pub caisse_id: i64,
    pub content: OfferingContent,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Raised by each change; an update names the version it was based on.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn first_day(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

fn last_day(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// Checks an offering: a year of the mission that has begun, a period inside it, at least one
/// category, counts that cannot be negative, and every list and text bounded.
pub fn validate(draft: OfferingDraft, this_year: i32) -> Result<OfferingContent, Vec<FieldError>> {
    let mut v = Validator::new();
    let year = draft.year;
    if !(FIRST_YEAR..=this_year).contains(&year) {
        v.push(FieldError::new(
            &["year"],
            FieldErrorCode::OutOfRange,
            format!("an offering is recorded for a year from {FIRST_YEAR} to {this_year}, not a year to come"),
        ));
    }
    let title = validation::localised_text(&mut v, "titles", &draft.titles, TITLE_MAX_CHARS);
    let description = if draft.descriptions.is_empty() {
        Some(LocalisedText::new())
    } else {
        validation::localised_text(
            &mut v,
            "descriptions",
            &draft.descriptions,
            DESCRIPTION_MAX_CHARS,
        )
    };
    if draft.categories.is_empty() {
        v.push(FieldError::new(
            &["categories"],
            FieldErrorCode::Required,
            "name at least one service category",
        ));
    }
    let within = |field: &str, day: Option<NaiveDate>, v: &mut Validator| -> Option<NaiveDate> {
        let Some(day) = day else {
            v.push(FieldError::new(
                &[field],
                FieldErrorCode::Required,
                "say when, as a day of the year",
            ));
            return None;
        };
        if first_day(year) <= Some(day) && Some(day) <= last_day(year) {
            Some(day)
        } else {
            v.push(FieldError::new(
                &[field],
                FieldErrorCode::OutOfRange,
                format!("must be a day of {year}"),
            ));
            None
        }
    };
    let starts_on = within("startsOn", draft.starts_on, &mut v);
    let ends_on = within("endsOn", draft.ends_on, &mut v);
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e < s
    {
        v.push(FieldError::new(
            &["endsOn"],
            FieldErrorCode::OutOfRange,
            "the service cannot end before it starts",
        ));
    }
    if !(0..=MAX_PEOPLE_REACHED).contains(&draft.people_reached) {
        v.push(FieldError::new(
            &["peopleReached"],
            FieldErrorCode::OutOfRange,
            format!("must be between 0 and {MAX_PEOPLE_REACHED}"),
        ));
    }
    if draft.tool_ids.len() > MAX_TOOLS {
        v.push(FieldError::new(
            &["toolIds"],
            FieldErrorCode::TooLong,
            format!("name at most {MAX_TOOLS} tools"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, id) in draft.tool_ids.iter().enumerate() {
        if !seen.insert(id) {
            v.push(FieldError::new(
                &["toolIds", &i.to_string()],
                FieldErrorCode::Duplicate,
                "named twice",
            ));
        }
    }
    if draft.regions.len() > MAX_REGIONS {
        v.push(FieldError::new(
            &["regions"],
            FieldErrorCode::TooLong,
            format!("name at most {MAX_REGIONS} regions"),
        ));
    }
    let regions: Vec<String> = draft
        .regions
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            v.check(validation::required_text(
                &["regions", &i.to_string()],
                r,
                REGION_MAX_CHARS,
            ))
        })
        .collect();
    v.finish()?;
    match (title, description, starts_on, ends_on) {
        (Some(title), Some(description), Some(starts_on), Some(ends_on)) => Ok(OfferingContent {
            year,
            title,
            description,
            categories: draft.categories.into_iter().collect(),
            tool_ids: draft.tool_ids,
            starts_on,
            ends_on,
            delivery_modes: draft.delivery_modes.into_iter().collect(),
            scopes: draft.scopes.into_iter().collect(),
            regions,
            people_reached: draft.people_reached,
        }),
        _ => Err(vec![FieldError::new(
            &[],
            FieldErrorCode::Required,
            "the offering is incomplete",
        )]),
    }
}

/// One service a caisse offers in a year: from its register, or a joint service it was
/// responsible for while the service ran that year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YearOffering {
    Registered(Box<ServiceOffering>),
    Joint(Box<JointService>),
}

impl YearOffering {
    pub fn categories(&self) -> &BTreeSet<ServiceCategory> {
        match self {
            YearOffering::Registered(o) => &o.content.categories,
            YearOffering::Joint(s) => &s.categories,
        }
    }

    pub fn title(&self) -> &LocalisedText {
        match self {
            YearOffering::Registered(o) => &o.content.title,
            YearOffering::Joint(s) => &s.title,
        }
    }

    /// People reached: recorded for the register's offerings, not for joint services.
    pub fn people_reached(&self) -> Option<i64> {
        match self {
            YearOffering::Registered(o) => Some(o.content.people_reached),
            YearOffering::Joint(_) => None,
        }
    }

    pub fn starts_on(&self) -> NaiveDate {
        match self {
            YearOffering::Registered(o) => o.content.starts_on,
            YearOffering::Joint(s) => s.period.starts_on,
        }
    }

    pub fn ends_on(&self) -> Option<NaiveDate> {
        match self {
            YearOffering::Registered(o) => Some(o.content.ends_on),
            YearOffering::Joint(s) => s.period.ends_on,
        }
    }

    /// A key that names it in a report: `offering:12` or `joint-service:7`.
    pub fn key(&self) -> String {
        match self {
            YearOffering::Registered(o) => format!("offering:{}", o.id),
            YearOffering::Joint(s) => format!("joint-service:{}", s.id),
        }
    }
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// Whether `caisse` was responsible for the service at some moment when the service ran in
/// `year`. The record's first entry covers the service from its first day (the caisse that
/// accepted took it as planned); each later entry from its effective moment until the next.
pub fn responsible_during(
    service: &JointService,
    entries: &[Entry],
    caisse: i64,
    year: i32,
) -> bool {
    let (Some(jan1), Some(next_jan1)) = (first_day(year), first_day(year + 1)) else {
        return false;
    };
    let run_from = service.period.starts_on.max(jan1);
    let run_until = service
        .period
        .ends_on
        .and_then(|d| d.succ_opt())
        .map_or(next_jan1, |d| d.min(next_jan1));
    if run_from >= run_until {
        return false;
    }
    let (from, until) = (start_of(run_from), start_of(run_until));
    entries.iter().enumerate().any(|(i, e)| {
        let begins = if i == 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            e.facts.effective_from
        };
        let ends = entries
            .get(i + 1)
            .map_or(DateTime::<Utc>::MAX_UTC, |n| n.facts.effective_from);
        e.facts.caisse_id == caisse && begins < until && ends > from && begins < ends
    })
}

/// Where a caisse stands against the year's legal frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compliance {
    pub year: i32,
    pub compliant: bool,
    pub offered: BTreeSet<ServiceCategory>,
    pub mandatory_missing: Vec<ServiceCategory>,
    pub has_optional: bool,
    /// Each category of the frame, with its flag and the offerings (by index) behind it.
    pub by_category: Vec<(ServiceCategory, bool, Vec<usize>)>,
}

pub fn compliance(frame: &LegalFrame, offerings: &[YearOffering]) -> Compliance {
    let mut behind: BTreeMap<ServiceCategory, Vec<usize>> = BTreeMap::new();
    for (i, o) in offerings.iter().enumerate() {
        for c in o.categories() {
            behind.entry(*c).or_default().push(i);
        }
    }
    let offered: BTreeSet<ServiceCategory> = behind.keys().copied().collect();
    let mandatory_missing: Vec<ServiceCategory> =
        frame.mandatory.difference(&offered).copied().collect();
    let has_optional = offered.iter().any(|c| !frame.mandatory.contains(c));
    Compliance {
        year: frame.year,
        compliant: mandatory_missing.is_empty() && has_optional,
        offered,
        mandatory_missing,
        has_optional,
        by_category: frame
            .categories()
            .into_iter()
            .map(|(c, mandatory)| (c, mandatory, behind.remove(&c).unwrap_or_default()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collaboration::{Period, ServiceStatus};
    use crate::responsibility::EntryFacts;
    use ServiceCategory::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn draft() -> OfferingDraft {
        OfferingDraft {
            year: 2025,
            titles: vec![(Lang::Fr, "Groupes de parole".into())],
            categories: vec![AwarenessPromotion],
            starts_on: Some(day(2025, 3, 1)),
            ends_on: Some(day(2025, 6, 30)),
            people_reached: 40,
            ..Default::default()
        }
    }

    fn codes(r: Result<OfferingContent, Vec<FieldError>>) -> Vec<(String, FieldErrorCode)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field.join("."), e.code))
            .collect()
    }

    #[test]
    fn an_offering_lies_in_a_year_that_has_begun_with_counts_that_are_not_negative() {
        assert!(validate(draft(), 2026).is_ok());
        assert_eq!(
            codes(validate(
                OfferingDraft {
                    year: 2027,
                    ..draft()
                },
                2026
            ))[0],
            ("year".into(), FieldErrorCode::OutOfRange)
        );
        let outside = OfferingDraft {
            ends_on: Some(day(2026, 1, 15)),
            ..draft()
        };
        assert_eq!(
            codes(validate(outside, 2026)),
            vec![("endsOn".into(), FieldErrorCode::OutOfRange)]
        );
        let backwards = OfferingDraft {
            starts_on: Some(day(2025, 7, 1)),
            ..draft()
        };
        assert_eq!(
            codes(validate(backwards, 2026)),
            vec![("endsOn".into(), FieldErrorCode::OutOfRange)]
        );
        let negative = OfferingDraft {
            people_reached: -1,
            ..draft()
        };
        assert_eq!(
            codes(validate(negative, 2026)),
            vec![("peopleReached".into(), FieldErrorCode::OutOfRange)]
        );
        let nothing = OfferingDraft {
            categories: vec![],
            ..draft()
        };
        assert_eq!(
            codes(validate(nothing, 2026)),
            vec![("categories".into(), FieldErrorCode::Required)]
        );
    }

    fn service(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> JointService {
        let t = start_of(day(2024, 1, 1));
        JointService {
            id: 7,
            proposal_id: None,
            title: LocalisedText::new(),
            description: LocalisedText::new(),
            categories: [EarlyDetection].into_iter().collect(),
            tool_ids: vec![],
            period: Period { starts_on, ends_on },
            status: ServiceStatus::Active,
            responsible_caisse_id: 2,
            created_at: t,
            updated_at: t,
            participants: vec![],
        }
    }

    fn entry(caisse: i64, from: NaiveDate) -> Entry {
        Entry {
            id: 0,
            hash: String::new(),
            facts: EntryFacts {
                joint_service_id: 7,
                sequence: 1,
                caisse_id: caisse,
                effective_from: start_of(from),
                recorded_by: 1,
                recorded_by_organisation_id: caisse,
                recorded_at: start_of(from),
                reason: String::new(),
                previous_hash: String::new(),
            },
        }
    }

    #[test]
    fn a_joint_service_counts_for_the_caisse_responsible_while_it_ran_in_the_year() {
        // Ran from November 2025, caisse 1 responsible (accepted in December), then caisse 2
        // from 1 March 2026.
        let s = service(day(2025, 11, 1), Some(day(2026, 6, 30)));
        let record = [entry(1, day(2025, 12, 10)), entry(2, day(2026, 3, 1))];
        assert!(
            responsible_during(&s, &record, 1, 2025),
            "part of the year is enough"
        );
        assert!(responsible_during(&s, &record, 1, 2026), "until March 2026");
        assert!(responsible_during(&s, &record, 2, 2026));
        assert!(
            !responsible_during(&s, &record, 2, 2025),
            "not responsible in 2025"
        );
        assert!(
            !responsible_during(&s, &record, 1, 2027),
            "the service had ended"
        );
        assert!(
            !responsible_during(&s, &record, 1, 2024),
            "the service had not begun"
        );
        let open_ended = service(day(2025, 1, 1), None);
        assert!(responsible_during(&open_ended, &record[..1], 1, 2030));
    }

    #[test]
    fn compliance_needs_every_mandatory_category_and_an_optional_one() {
        let frame = LegalFrame::by_law(2025);
        let offering = |categories: &[ServiceCategory]| {
            let mut content = validate(draft(), 2026).unwrap_or_else(|e| panic!("{e:?}"));
            content.categories = categories.iter().copied().collect();
            let t = start_of(day(2025, 1, 1));
            YearOffering::Registered(Box::new(ServiceOffering {
                id: 1,
                caisse_id: 1,
                content,
                withdrawn_at: None,
                version: 1,
                created_at: t,
                updated_at: t,
            }))
        };
        let c = compliance(
            &frame,
            &[
                offering(&[AwarenessPromotion]),
                offering(&[OrientationSupport]),
            ],
        );
        assert!(!c.compliant && !c.has_optional && c.mandatory_missing.is_empty());
        let c = compliance(&frame, &[offering(&[AwarenessPromotion, EarlyDetection])]);
        assert!(!c.compliant);
        assert_eq!(c.mandatory_missing, vec![OrientationSupport]);
        let joint = YearOffering::Joint(Box::new(service(day(2025, 1, 1), None)));
        let c = compliance(
            &frame,
            &[offering(&[AwarenessPromotion, OrientationSupport]), joint],
        );
        assert!(c.compliant, "the optional category through a joint service");
        assert_eq!(c.by_category[2], (EarlyDetection, false, vec![1]));
    }
}
