use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::enterprise_number::{EnterpriseNumber, EnterpriseNumberError};
use super::lang::{Lang, LocalisedText};
use super::validation::{self, FieldError, FieldErrorCode, Validator};

/// What an organisation is in the legal frame: only caisses can be responsible for a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrganisationKind {
    Caisse,
    Partner,
    Inasti,
    /// The general management committee for the self-employed (CGG): it reads INASTI's
    /// published evaluations and gives its advice on them, and nothing else.
    Committee,
}

impl OrganisationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Caisse => "CAISSE",
            OrganisationKind::Partner => "PARTNER",
            OrganisationKind::Inasti => "INASTI",
            OrganisationKind::Committee => "COMMITTEE",
        }
    }
}

impl FromStr for OrganisationKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "CAISSE" => Ok(Self::Caisse),
            "PARTNER" => Ok(Self::Partner),
            "INASTI" => Ok(Self::Inasti),
            "COMMITTEE" => Ok(Self::Committee),
            other => Err(format!("unknown organisation kind {other}")),
        }
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The short stable name of an organisation, used in tokens (`org` claim) and addresses:
/// lower-case letters and digits in words joined by single hyphens, 2 to 64 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn parse(field: &[&str], raw: &str) -> Result<Slug, FieldError> {
        let s = raw.trim();
        if s.len() < 2 || s.len() > 64 {
            return Err(FieldError::new(
                field,
                FieldErrorCode::InvalidFormat,
                "must be 2 to 64 characters",
            ));
        }
        let words_ok = s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !words_ok {
            return Err(FieldError::new(
                field,
                FieldErrorCode::InvalidFormat,
                "must be lower-case letters and digits, in words joined by single hyphens",
            ));
        }
        Ok(Slug(s.to_owned()))
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organisation of the network: a caisse, a partner, or INASTI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: i64,
    pub slug: String,
    pub kind: OrganisationKind,
    pub names: LocalisedText,
    pub enterprise_number: EnterpriseNumber,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by each change of the profile; an edit names the version it was based on.
    pub version: i32,
}

/// Affiliates *à titre principal* of a caisse on 31 December of `year`, of which
/// primo-starters and helping spouses under the maxi-statute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffiliateCount {
    pub organisation_id: i64,
    pub year: i32,
    pub count: i64,
    pub primo_starters: i64,
    pub helping_spouses: i64,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

/// At most this many caisses in one `setAffiliateCounts` call or import.
pub const MAX_AFFILIATE_COUNTS_PER_CALL: usize = 200;
/// The largest count a caisse can have.
pub const MAX_AFFILIATES: i64 = 5_000_000;

pub const NAME_MAX_CHARS: usize = 200;

/// The organisation's name in the languages it gives: at least one, each at most once.
pub fn validate_names(
    v: &mut Validator,
    field: &str,
    names: &[(Lang, String)],
) -> Option<LocalisedText> {
    validation::localised_text(v, field, names, NAME_MAX_CHARS)
}

pub fn validate_enterprise_number(field: &str, raw: &str) -> Result<EnterpriseNumber, FieldError> {
    raw.parse::<EnterpriseNumber>().map_err(|e| {
        let code = match e {
            EnterpriseNumberError::Checksum => FieldErrorCode::InvalidChecksum,
            EnterpriseNumberError::Format | EnterpriseNumberError::Prefix => {
                FieldErrorCode::InvalidFormat
            }
        };
        FieldError::new(&[field], code, e.to_string())
    })
}

/// The affiliates *à titre principal* on 31 December of `year`, within bounds a caisse can have;
/// primo-starters and helping spouses are part of them. Errors are under `field`.
pub fn validate_affiliate_count(
    field: &[&str],
    year: i32,
    count: (i64, i64, i64),
    current_year: i32,
) -> Result<(), Vec<FieldError>> {
    let (principal, primo_starters, helping_spouses) = count;
    let at = |name: &str| {
        let mut path: Vec<&str> = field.to_vec();
        path.push(name);
        path.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let error = |name: &str, message: String| FieldError {
        field: at(name),
        code: FieldErrorCode::OutOfRange,
        message,
    };
    let mut v = Validator::new();
    // The count is the one on 31 December: of a year that has ended.
    if !(2000..current_year).contains(&year) {
        v.push(error(
            "year",
            format!(
                "must be a year from 2000 to {}: the count is the one on 31 December of a year that has ended",
                current_year - 1
            ),
        ));
    }
    if !(0..=MAX_AFFILIATES).contains(&principal) {
        v.push(error(
            "principal",
            format!("must be between 0 and {MAX_AFFILIATES}"),
        ));
    }
    for (name, part) in [
        ("primoStarters", primo_starters),
        ("helpingSpouses", helping_spouses),
    ] {
        if part < 0 || part > principal.max(0) {
            v.push(error(
                name,
                "must be between 0 and the principal affiliates, of whom they are part".into(),
            ));
        }
    }
    v.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert!(Slug::parse(&["slug"], "group-s").is_ok());
        assert!(Slug::parse(&["slug"], "ucm").is_ok());
        for bad in [
            "Acerta", "a", "-acerta", "acerta-", "ac--erta", "ac erta", "accénts",
        ] {
            assert!(
                Slug::parse(&["slug"], bad).is_err(),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn names_need_one_language_and_no_language_twice() {
        let mut v = Validator::new();
        assert!(validate_names(&mut v, "names", &[]).is_none());
        let mut v = Validator::new();
        let twice = [
            (Lang::Fr, "UCM".to_owned()),
            (Lang::Fr, "UCM bis".to_owned()),
        ];
        assert!(validate_names(&mut v, "names", &twice).is_none());
        let errors = v.finish().err().unwrap_or_default();
        assert_eq!(errors[0].code, FieldErrorCode::Duplicate);
        assert_eq!(errors[0].field, vec!["names", "1", "lang"]);
    }

    #[test]
    fn affiliate_counts_are_bounded() {
        let check = |year, count| validate_affiliate_count(&[], year, count, 2026);
        assert!(check(2024, (120_000, 9_000, 1_200)).is_ok());
        assert!(check(2027, (1, 0, 0)).is_err());
        assert!(
            check(2026, (1, 0, 0)).is_err(),
            "31 December 2026 has not passed"
        );
        assert!(check(2025, (1, 1, 1)).is_ok());
        assert!(check(2024, (-1, 0, 0)).is_err());
        assert!(
            check(2024, (10, 11, 0)).is_err(),
            "primo-starters are part of the count"
        );
        assert!(check(2024, (10, 0, -1)).is_err());
        let errors = validate_affiliate_count(&["counts", "3"], 2024, (10, 0, 12), 2026)
            .err()
            .unwrap_or_default();
        assert_eq!(errors[0].field, vec!["counts", "3", "helpingSpouses"]);
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in [
            OrganisationKind::Caisse,
            OrganisationKind::Partner,
            OrganisationKind::Inasti,
        ] {
            assert_eq!(kind.as_str().parse::<OrganisationKind>(), Ok(kind));
        }
        assert!("BANK".parse::<OrganisationKind>().is_err());
    }
}
