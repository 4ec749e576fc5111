//! The legal frame of a year: which service categories every caisse must offer. The draft
//! law names two (awareness and promotion; orientation towards help); the King may extend the
//! list, so the flags are data per year, and a year nobody changed follows the law.

use std::collections::BTreeSet;

use super::tool::ServiceCategory;
use super::validation::{FieldError, FieldErrorCode};

/// The first year of the mission.
pub const FIRST_YEAR: i32 = 2024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegalFrame {
    pub year: i32,
    pub mandatory: BTreeSet<ServiceCategory>,
}

impl LegalFrame {
    /// The frame as the law sets it.
    pub fn by_law(year: i32) -> Self {
        Self {
            year,
            mandatory: ServiceCategory::ALL
                .iter()
                .copied()
                .filter(|c| c.is_mandatory())
                .collect(),
        }
    }

    /// Every category with its flag, in the law's order.
    pub fn categories(&self) -> Vec<(ServiceCategory, bool)> {
        ServiceCategory::ALL
            .iter()
            .map(|c| (*c, self.mandatory.contains(c)))
            .collect()
    }

    /// A year's frame as a platform admin sets it: the law's minimum stays mandatory (the King
    /// extends the list, never shortens it), at least one category stays optional (a caisse must
    /// offer one), and the year is one of the mission, at most next year.
    pub fn set(
        year: i32,
        mandatory: BTreeSet<ServiceCategory>,
        this_year: i32,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(FIRST_YEAR..=this_year + 1).contains(&year) {
            errors.push(FieldError::new(
                &["year"],
                FieldErrorCode::OutOfRange,
                format!("a legal frame is set for {FIRST_YEAR} to {}", this_year + 1),
            ));
        }
        let missing: Vec<&str> = Self::by_law(year)
            .mandatory
            .difference(&mandatory)
            .map(|c| c.as_str())
            .collect();
        if !missing.is_empty() {
            errors.push(FieldError::new(
                &["mandatory"],
                FieldErrorCode::NotAllowed,
                format!(
                    "the law makes {} mandatory; the frame may extend the list, not shorten it",
                    missing.join(" and ")
                ),
            ));
        }
        if mandatory.len() >= ServiceCategory::ALL.len() {
            errors.push(FieldError::new(
                &["mandatory"],
                FieldErrorCode::NotAllowed,
                "at least one category stays optional: a caisse offers one besides the mandatory ones",
            ));
        }
        if errors.is_empty() {
            Ok(Self { year, mandatory })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(categories: &[ServiceCategory]) -> Result<LegalFrame, Vec<FieldError>> {
        LegalFrame::set(2026, categories.iter().copied().collect(), 2026)
    }

    #[test]
    fn the_law_makes_two_categories_mandatory() {
        let frame = LegalFrame::by_law(2024);
        assert_eq!(
            frame.mandatory,
            [
                ServiceCategory::AwarenessPromotion,
                ServiceCategory::OrientationSupport
            ]
            .into_iter()
            .collect()
        );
        assert_eq!(frame.categories().len(), 5);
    }

    #[test]
    fn the_frame_is_extended_never_shortened_and_keeps_an_optional_category() {
        use ServiceCategory::*;
        assert!(set(&[AwarenessPromotion, OrientationSupport, EarlyDetection]).is_ok());
        assert!(set(&[AwarenessPromotion]).is_err());
        assert!(
            set(&[
                AwarenessPromotion,
                OrientationSupport,
                EarlyDetection,
                SecondaryPrevention,
                FrontlineTraining
            ])
            .is_err()
        );
        assert!(LegalFrame::set(2023, LegalFrame::by_law(2023).mandatory, 2026).is_err());
        assert!(LegalFrame::set(2028, LegalFrame::by_law(2028).mandatory, 2026).is_err());
        assert!(LegalFrame::set(2027, LegalFrame::by_law(2027).mandatory, 2026).is_ok());
    }
}
