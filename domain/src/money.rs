//! Money in exact decimal: euro amounts are whole cents in an `i64`, written and read as
//! decimal strings (`4000000.00`). No floating point touches an amount anywhere, from the
//! GraphQL scalar through the domain to the database column.

use std::fmt;

/// The largest amount Commons accepts: ten billion euros, far above any yearly envelope.
pub const MAX_CENTS: i64 = 1_000_000_000_000;

/// A non-negative amount of euros, in cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Eur(i64);

impl Eur {
    pub const ZERO: Eur = Eur(0);

    pub fn from_cents(cents: i64) -> Option<Eur> {
        (0..=MAX_CENTS).contains(&cents).then_some(Eur(cents))
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Reads `1234`, `1234.5` or `1234.56`: digits, at most two after a point, no sign, no
    /// exponent, no thousands separator, at most [`MAX_CENTS`].
    pub fn parse(raw: &str) -> Result<Eur, String> {
        let s = raw.trim();
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || (s.contains('.') && fraction.is_empty())
        {
            return Err(
                "write an amount in euros as digits with at most two decimals, e.g. 4000000.00"
                    .into(),
            );
        }
        if fraction.len() > 2 {
            return Err("an amount in euros has at most two decimals (cents)".into());
        }
        if whole.len() > 11 {
            return Err("the amount is too large".into());
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| "the amount is too large".to_owned())?;
        let cents: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
        whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(cents))
            .and_then(Eur::from_cents)
            .ok_or_else(|| "the amount is too large".to_owned())
    }

    pub fn checked_add(self, other: Eur) -> Option<Eur> {
        self.0.checked_add(other.0).and_then(Eur::from_cents)
    }
}

impl fmt::Display for Eur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// A multiplier with four decimals (ten-thousandths), from 0 to 10: the evaluation weight of
/// a caisse's variable part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Weight(u32);

impl Weight {
    pub const ONE: Weight = Weight(10_000);
    const MAX: u32 = 100_000;

    pub fn from_ten_thousandths(n: i64) -> Option<Weight> {
        u32::try_from(n)
            .ok()
            .filter(|n| *n <= Self::MAX)
            .map(Weight)
    }

    pub fn ten_thousandths(self) -> u32 {
        self.0
    }

    /// Reads `1`, `0.8` or `1.2345`: from 0 to 10, at most four decimals.
    pub fn parse(raw: &str) -> Result<Weight, String> {
        let s = raw.trim();
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || fraction.len() > 4
            || whole.len() > 2
        {
            return Err(
                "a weight is a number from 0 to 10 with at most four decimals, e.g. 1.25".into(),
            );
        }
        let whole: u32 = whole.parse().unwrap_or(u32::MAX);
        let fraction: u32 = format!("{fraction:0<4}").parse().unwrap_or(0);
        whole
            .checked_mul(10_000)
            .and_then(|w| w.checked_add(fraction))
            .filter(|w| *w <= Self::MAX)
            .map(Weight)
            .ok_or_else(|| "a weight is at most 10".to_owned())
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fraction = format!("{:04}", self.0 % 10_000);
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() {
            write!(f, "{}", self.0 / 10_000)
        } else {
            write!(f, "{}.{fraction}", self.0 / 10_000)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_and_written_as_exact_decimals() {
        assert_eq!(Eur::parse("4000000.00").map(Eur::cents), Ok(400_000_000));
        assert_eq!(Eur::parse("4000000").map(Eur::cents), Ok(400_000_000));
        assert_eq!(Eur::parse("0.5").map(Eur::cents), Ok(50));
        assert_eq!(
            Eur::parse(" 12.34 ").map(|e| e.to_string()),
            Ok("12.34".into())
        );
        for bad in [
            "",
            "-1",
            "1.234",
            "1e6",
            "1,5",
            ".5",
            "5.",
            "+3",
            "99999999999.00",
            "1 000",
        ] {
            assert!(Eur::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(Eur::parse("10000000000.00").map(Eur::cents), Ok(MAX_CENTS));
        assert_eq!(
            Eur::from_cents(7).map(|e| e.to_string()),
            Some("0.07".into())
        );
    }

    #[test]
    fn weights_have_four_decimals_up_to_ten() {
        assert_eq!(Weight::parse("1").ok(), Some(Weight::ONE));
        assert_eq!(
            Weight::parse("1.25").map(|w| w.ten_thousandths()),
            Ok(12_500)
        );
        assert_eq!(
            Weight::parse("0.0001").map(|w| w.to_string()),
            Ok("0.0001".into())
        );
        assert_eq!(Weight::parse("10").map(|w| w.to_string()), Ok("10".into()));
        for bad in ["10.0001", "11", "-1", "1.23456", "", "x", "1e1"] {
            assert!(Weight::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
