//! Reviews: one per organisation and published tool of another organisation, a rating from 1
//! to 5 with an optional comment; a moderator may hide an abusive one with a reason, and a
//! hidden review leaves the tool's average.

use chrono::{DateTime, Utc};

use super::lang::Lang;
use super::validation::{self, FieldError, FieldErrorCode};

pub const COMMENT_MAX_CHARS: usize = 5_000;
pub const REASON_MAX_CHARS: usize = 2_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hidden {
    pub at: DateTime<Utc>,
    pub by: i64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub id: i64,
    pub tool_id: i64,
    pub organisation_id: i64,
    pub rating: u8,
    pub comment: Option<String>,
    pub lang: Lang,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: i64,
    pub hidden: Option<Hidden>,
}

/// A rating and comment as written.
pub fn validate(
    rating: i32,
    comment: Option<&str>,
) -> Result<(u8, Option<String>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let stars = u8::try_from(rating).ok().filter(|r| (1..=5).contains(r));
    if stars.is_none() {
        errors.push(FieldError::new(
            &["rating"],
            FieldErrorCode::OutOfRange,
            "a rating is 1 to 5",
        ));
    }
    let comment = match validation::optional_text(&["comment"], comment, COMMENT_MAX_CHARS) {
        Ok(c) => c,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match stars {
        Some(stars) if errors.is_empty() => Ok((stars, comment)),
        _ => Err(errors),
    }
}

/// The average and distribution of the visible reviews. The average is exact to two decimals,
/// rounded half up, written as text (`"4.33"`), so that every client shows the same figure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rating {
    pub count: u64,
    /// How many reviews gave 1, 2, 3, 4 and 5.
    pub distribution: [u64; 5],
    pub average: Option<String>,
}

pub fn rating<'a>(reviews: impl IntoIterator<Item = &'a Review>) -> Rating {
    let mut r = Rating::default();
    let mut sum: u64 = 0;
    for review in reviews.into_iter().filter(|r| r.hidden.is_none()) {
        r.count += 1;
        sum += u64::from(review.rating);
        if let Some(slot) = r
            .distribution
            .get_mut(usize::from(review.rating.saturating_sub(1)))
        {
            *slot += 1;
        }
    }
    if r.count > 0 {
        // Hundredths, rounded half up: (200 × sum + count) / (2 × count).
        let hundredths = (200 * sum + r.count) / (2 * r.count);
        r.average = Some(format!("{}.{:02}", hundredths / 100, hundredths % 100));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(rating: u8, hidden: bool) -> Review {
        let t = DateTime::<Utc>::UNIX_EPOCH;
        Review {
            id: 1,
            tool_id: 1,
            organisation_id: 1,
            rating,
            comment: None,
            lang: Lang::Fr,
            created_at: t,
            updated_at: t,
            updated_by: 1,
            hidden: hidden.then(|| Hidden {
                at: t,
                by: 2,
                reason: "abusive".into(),
            }),
        }
    }

    #[test]
    fn hidden_reviews_leave_the_average() {
        let reviews = [
            review(5, false),
            review(4, false),
            review(4, false),
            review(1, true),
        ];
        let r = rating(&reviews);
        assert_eq!(r.count, 3);
        assert_eq!(r.average.as_deref(), Some("4.33"));
        assert_eq!(r.distribution, [0, 0, 0, 2, 1]);
        assert_eq!(
            rating(&[review(2, false), review(3, false)])
                .average
                .as_deref(),
            Some("2.50")
        );
        assert_eq!(rating(&[review(1, true)]).average, None);
    }

    #[test]
    fn a_rating_is_one_to_five() {
        assert!(validate(0, None).is_err());
        assert!(validate(6, Some("x")).is_err());
        assert_eq!(
            validate(5, Some("  Très utile  ")),
            Ok((5, Some("Très utile".into())))
        );
        assert!(validate(3, Some(&"x".repeat(COMMENT_MAX_CHARS + 1))).is_err());
    }
}
