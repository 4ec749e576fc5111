//! Notifications by e-mail: each person chooses, per kind of notification, to hear of it at
//! once, in a weekly digest (the default) or not at all, in their language, at an address that
//! is confirmed — the identity provider's verified `email` claim, or one the person entered and
//! confirmed by a link sent to it. A bounce or a permanent refusal suppresses the address until
//! it is confirmed again.

use chrono::{DateTime, Utc};

use super::lang::Lang;
use super::notification::NotificationKind;
use super::validation::{FieldError, FieldErrorCode};

/// The longest address SMTP carries (RFC 5321: a 64-byte local part, 254 bytes in all).
pub const ADDRESS_MAX_BYTES: usize = 254;
const LOCAL_MAX_BYTES: usize = 64;

named_enum!(
    /// How a person hears of one kind of notification by e-mail.
    Delivery {
        /// A message for each, soon after it happens.
        Immediate = "IMMEDIATE",
        /// Gathered in one message a week.
        Weekly = "WEEKLY",
        /// Not by e-mail (still on the site).
        None = "NONE",
    }
);

/// How a kind reaches a person who chose nothing for it.
pub const DEFAULT_DELIVERY: Delivery = Delivery::Weekly;

named_enum!(
    /// Where an address comes from.
    AddressSource {
        /// The identity provider's verified `email` claim.
        Claim = "CLAIM",
        /// Entered by the person, confirmed by a link sent to it.
        Entered = "ENTERED",
    }
);

named_enum!(
    /// What a queued message is.
    Purpose {
        /// One notification, at once.
        Notification = "NOTIFICATION",
        /// A week's notifications.
        Digest = "DIGEST",
        /// The link that confirms an address; sent before anything else is.
        Confirmation = "CONFIRMATION",
    }
);

/// A person's address and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailAddress {
    pub user_id: i64,
    pub address: String,
    pub source: AddressSource,
    pub lang: Lang,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// A bounce or a permanent refusal: nothing is sent until the address is confirmed again.
    pub suppressed_at: Option<DateTime<Utc>>,
    pub suppressed_reason: Option<String>,
    /// The last weekly digest queued for the person.
    pub digest_sent_at: Option<DateTime<Utc>>,
}

impl MailAddress {
    /// Whether mail other than a confirmation may go to it.
    pub fn deliverable(&self) -> bool {
        self.confirmed_at.is_some() && self.suppressed_at.is_none()
    }
}

/// The person's choices: a delivery per kind, the weekly digest where none is chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preferences {
    pub chosen: Vec<(NotificationKind, Delivery)>,
}

impl Preferences {
    pub fn delivery(&self, kind: NotificationKind) -> Delivery {
        self.chosen
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, d)| *d)
            .unwrap_or(DEFAULT_DELIVERY)
    }

    /// Every kind with its delivery, in the order of [`NotificationKind::ALL`].
    pub fn all(&self) -> Vec<(NotificationKind, Delivery)> {
        NotificationKind::ALL
            .iter()
            .map(|k| (*k, self.delivery(*k)))
            .collect()
    }
}

/// An address as a person types it: trimmed, one `@`, a local part and a domain of letters,
/// digits and the usual signs, within SMTP's lengths. Deliberately plain: what a caisse
/// employee types, not every form RFC 5322 allows (quoted local parts, address literals).
pub fn validate_address(value: &str) -> Result<String, FieldError> {
    let address = value.trim();
    let invalid = |why: &str| FieldError::new(&["address"], FieldErrorCode::InvalidFormat, why);
    if address.is_empty() {
        return Err(FieldError::new(
            &["address"],
            FieldErrorCode::Required,
            "must not be empty",
        ));
    }
    if address.len() > ADDRESS_MAX_BYTES {
        return Err(FieldError::new(
            &["address"],
            FieldErrorCode::TooLong,
            format!("must be at most {ADDRESS_MAX_BYTES} bytes"),
        ));
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err(invalid("an address reads name@domain"));
    };
    let local_ok = !local.is_empty()
        && local.len() <= LOCAL_MAX_BYTES
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !local_ok || !domain_ok {
        return Err(invalid(
            "an address reads name@domain, in letters, digits and . - _ +",
        ));
    }
    // Domains are case-insensitive: kept as typed but for the domain, lower-cased.
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// How long to wait before the `attempt`-th retry of a message a server refused for now:
/// a minute, doubling, at most six hours.
pub fn backoff(attempt: u32) -> chrono::Duration {
    let minutes = 1_i64 << attempt.min(9);
    chrono::Duration::minutes(minutes.min(360))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_what_a_person_types_within_smtps_bounds() {
        assert_eq!(
            validate_address("  Marie.Dupont+commons@Acerta.BE "),
            Ok("Marie.Dupont+commons@acerta.be".into())
        );
        for bad in [
            "marie",
            "marie@",
            "@acerta.be",
            "marie@acerta",
            "marie dupont@acerta.be",
            "marie@acerta..be",
            ".marie@acerta.be",
            "marie@-acerta.be",
            "marie@acerta.be\r\nBcc: x@y.z",
            "marie@@acerta.be",
        ] {
            assert!(validate_address(bad).is_err(), "{bad}");
        }
        let long = format!("{}@acerta.be", "m".repeat(65));
        assert!(validate_address(&long).is_err());
        let longer = format!("m@{}.be", "a".repeat(260));
        assert_eq!(
            validate_address(&longer).map_err(|e| e.code),
            Err(FieldErrorCode::TooLong)
        );
        assert_eq!(
            validate_address(" ").map_err(|e| e.code),
            Err(FieldErrorCode::Required)
        );
    }

    #[test]
    fn the_weekly_digest_is_the_default_and_a_choice_holds_for_its_kind() {
        let p = Preferences {
            chosen: vec![(NotificationKind::ToolDecision, Delivery::Immediate)],
        };
        assert_eq!(
            p.delivery(NotificationKind::ToolDecision),
            Delivery::Immediate
        );
        assert_eq!(p.delivery(NotificationKind::ToolAdopted), Delivery::Weekly);
        assert_eq!(p.all().len(), NotificationKind::ALL.len());
    }

    #[test]
    fn retries_wait_longer_each_time_within_six_hours() {
        assert_eq!(backoff(0), chrono::Duration::minutes(1));
        assert_eq!(backoff(3), chrono::Duration::minutes(8));
        assert_eq!(backoff(30), chrono::Duration::minutes(360));
    }
}
