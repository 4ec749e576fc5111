use std::fmt;

use super::lang::{Lang, LocalisedText};

/// A caller's mistake in one field of its input: returned to the client as a `userErrors`
/// entry, never as a GraphQL error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Path to the field in the mutation's input, e.g. `["names", "1", "text"]`.
    pub field: Vec<String>,
    pub message: String,
    pub code: FieldErrorCode,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldErrorCode {
    Required,
    TooLong,
    TooShort,
    InvalidFormat,
    InvalidChecksum,
    OutOfRange,
    Duplicate,
    Taken,
    NotAllowed,
    /// The input names something (an organisation, a tool) that does not exist for the caller.
    NotFound,
    /// The operation does not fit where the object stands in its workflow.
    InvalidState,
}

impl FieldErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorCode::Required => "REQUIRED",
            FieldErrorCode::TooLong => "TOO_LONG",
            FieldErrorCode::TooShort => "TOO_SHORT",
            FieldErrorCode::InvalidFormat => "INVALID_FORMAT",
            FieldErrorCode::InvalidChecksum => "INVALID_CHECKSUM",
            FieldErrorCode::OutOfRange => "OUT_OF_RANGE",
            FieldErrorCode::Duplicate => "DUPLICATE",
            FieldErrorCode::Taken => "TAKEN",
            FieldErrorCode::NotAllowed => "NOT_ALLOWED",
            FieldErrorCode::NotFound => "NOT_FOUND",
            FieldErrorCode::InvalidState => "INVALID_STATE",
        }
    }
}

impl FieldError {
    pub fn new(field: &[&str], code: FieldErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.iter().map(|s| (*s).to_owned()).collect(),
            message: message.into(),
            code,
        }
    }

    /// The same error, one level deeper in the input (`names` + `text` -> `names.text`).
    pub fn under(mut self, parent: &[&str]) -> Self {
        let mut field: Vec<String> = parent.iter().map(|s| (*s).to_owned()).collect();
        field.append(&mut self.field);
        self.field = field;
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.join("."), self.message)
    }
}

/// Collects every mistake of an input, so that the caller hears of all of them at once.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// Keeps the value when it is valid, records the error otherwise.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// Reads a text given in one or more languages, each language once, each translation a
/// required text of at most `max_chars`. Errors point at `[field, index, "lang" | "text"]`.
pub fn localised_text(
    v: &mut Validator,
    field: &str,
    items: &[(Lang, String)],
    max_chars: usize,
) -> Option<LocalisedText> {
    if items.is_empty() {
        v.push(FieldError::new(
            &[field],
            FieldErrorCode::Required,
            "give it in at least one language",
        ));
        return None;
    }
    let mut text = LocalisedText::new();
    let mut ok = true;
    for (i, (lang, value)) in items.iter().enumerate() {
        let index = i.to_string();
        if text.exact(*lang).is_some() {
            v.push(FieldError::new(
                &[field, &index, "lang"],
                FieldErrorCode::Duplicate,
                format!("the text in {lang} is given twice"),
            ));
            ok = false;
            continue;
        }
        match v.check(required_text(&[field, &index, "text"], value, max_chars)) {
            Some(t) => text.insert(*lang, t),
            None => ok = false,
        }
    }
    ok.then_some(text)
}

/// Trims a required text and checks its length in characters.
pub fn required_text(field: &[&str], value: &str, max_chars: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(
            field,
            FieldErrorCode::Required,
            "must not be empty",
        ));
    }
    if trimmed.chars().count() > max_chars {
        return Err(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// An optional text: blank means "none".
pub fn optional_text(
    field: &[&str],
    value: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => required_text(field, v, max_chars).map(Some),
    }
}

/// A web address: absolute `http` or `https` with a host.
pub fn website(field: &[&str], value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = optional_text(field, value, 500)? else {
        return Ok(None);
    };
    match url::Url::parse(&raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(Some(u.to_string()))
        }
        _ => Err(FieldError::new(
            field,
            FieldErrorCode::InvalidFormat,
            "must be an http or https address",
        )),
    }
}

/// An e-mail address, checked for shape only: a local part, one `@`, a domain with a dot.
pub fn email(field: &[&str], value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = optional_text(field, value, 254)? else {
        return Ok(None);
    };
    let well_formed = match raw.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !raw.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if well_formed {
        Ok(Some(raw))
    } else {
        Err(FieldError::new(
            field,
            FieldErrorCode::InvalidFormat,
            "must be an e-mail address",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required_text(&["t"], "  abc ", 3), Ok("abc".to_owned()));
        assert_eq!(
            required_text(&["t"], "   ", 3).map_err(|e| e.code),
            Err(FieldErrorCode::Required)
        );
        assert_eq!(
            required_text(&["t"], "éèêë", 3).map_err(|e| e.code),
            Err(FieldErrorCode::TooLong)
        );
    }

    #[test]
    fn websites_must_be_http_addresses() {
        assert_eq!(
            website(&["w"], Some("https://www.acerta.be")),
            Ok(Some("https://www.acerta.be/".to_owned()))
        );
        assert!(website(&["w"], Some("javascript:alert(1)")).is_err());
        assert!(website(&["w"], Some("acerta.be")).is_err());
        assert_eq!(website(&["w"], Some(" ")), Ok(None));
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(email(&["e"], Some("info@ucm.be")).is_ok());
        for bad in [
            "info",
            "@ucm.be",
            "info@ucm",
            "in fo@ucm.be",
            "a@b@c.be",
            "a@.be",
        ] {
            assert!(email(&["e"], Some(bad)).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn errors_nest_under_their_parent_field() {
        let e = FieldError::new(&["text"], FieldErrorCode::Required, "x").under(&["names", "0"]);
        assert_eq!(e.field, vec!["names", "0", "text"]);
    }
}
