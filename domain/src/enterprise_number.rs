use std::fmt;
use std::str::FromStr;

/// A Belgian enterprise number (numéro d'entreprise / ondernemingsnummer): ten digits, the
/// first 0 or 1, the last two a modulo-97 check of the first eight. Stored as ten bare digits,
/// shown as `0123.456.749`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnterpriseNumber(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnterpriseNumberError {
    #[error("must be ten digits, written 0123.456.749 or 0123456749")]
    Format,
    #[error("must start with 0 or 1")]
    Prefix,
    #[error("the check digits do not match (modulo 97)")]
    Checksum,
}

impl EnterpriseNumber {
    /// A number read back from storage, where only validated numbers are ever written.
    pub fn from_stored(digits: String) -> Self {
        Self(digits)
    }

    /// The ten digits, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The two check digits that make `first_eight` a valid number.
    pub fn check_digits(first_eight: u64) -> u64 {
        97 - first_eight % 97
    }
}

impl FromStr for EnterpriseNumber {
    type Err = EnterpriseNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let dotted = s.len() == 12
            && s.as_bytes().get(4) == Some(&b'.')
            && s.as_bytes().get(8) == Some(&b'.');
        let digits: String = if dotted {
            s.chars().filter(|c| *c != '.').collect()
        } else {
            s.to_owned()
        };
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EnterpriseNumberError::Format);
        }
        if !digits.starts_with(['0', '1']) {
            return Err(EnterpriseNumberError::Prefix);
        }
        let (body, check) = digits.split_at(8);
        let body: u64 = body.parse().map_err(|_| EnterpriseNumberError::Format)?;
        let check: u64 = check.parse().map_err(|_| EnterpriseNumberError::Format)?;
        if Self::check_digits(body) != check {
            return Err(EnterpriseNumberError::Checksum);
        }
        Ok(Self(digits))
    }
}

impl fmt::Display for EnterpriseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "{}.{}.{}", &d[..4], &d[4..7], &d[7..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_dotted_and_the_bare_form() {
        let dotted: EnterpriseNumber = "0123.456.749".parse().unwrap_or_else(|e| panic!("{e}"));
        let bare: EnterpriseNumber = "0123456749".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dotted, bare);
        assert_eq!(bare.digits(), "0123456749");
        assert_eq!(bare.to_string(), "0123.456.749");
    }

    #[test]
    fn refuses_a_wrong_check() {
        assert_eq!(
            "0123.456.748".parse::<EnterpriseNumber>(),
            Err(EnterpriseNumberError::Checksum)
        );
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            "123456749",
            "01234567490",
            "0123-456-749",
            "0123.45.6749",
            "abcdefghij",
            "",
        ] {
            assert_eq!(
                bad.parse::<EnterpriseNumber>(),
                Err(EnterpriseNumberError::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_numbers_not_starting_with_0_or_1() {
        let body = 21_234_567;
        let n = format!("{body:08}{:02}", EnterpriseNumber::check_digits(body));
        assert_eq!(
            n.parse::<EnterpriseNumber>(),
            Err(EnterpriseNumberError::Prefix)
        );
    }
}
