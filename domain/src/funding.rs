//! The yearly funding of the caisses' mission: an envelope (4 000 000.00 EUR for 2024, indexed
//! later), split into a fixed part per caisse and a variable part by each caisse's principal
//! affiliates on 31 December of the year before, optionally weighted by its evaluation.
//! Everything is integer arithmetic on cents; the variable parts are rounded to the cent by the
//! largest-remainder method, so that the shares add up to the envelope exactly.

use std::collections::BTreeMap;

use super::legal_frame::FIRST_YEAR;
use super::money::{Eur, Weight};
use super::validation::{FieldError, FieldErrorCode, Validator};

/// At most this many caisses named in one year's evaluation weights.
pub const MAX_WEIGHTS: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingParameters {
    pub year: i32,
    pub envelope: Eur,
    pub fixed_per_caisse: Eur,
    /// Caisses not named weigh 1.
    pub weights: BTreeMap<i64, Weight>,
    /// The year of the published evaluation the weights were carried from, when they were:
    /// the evaluation of year N weights the funding of N + 1.
    pub weights_from: Option<i32>,
}

impl FundingParameters {
    pub fn weight_of(&self, caisse_id: i64) -> Weight {
        self.weights.get(&caisse_id).copied().unwrap_or(Weight::ONE)
    }

    /// Checks parameters as a platform admin enters them, for a mission of `caisses` caisses.
    pub fn validate(
        year: i32,
        envelope: Eur,
        fixed_per_caisse: Eur,
        weights: Vec<(i64, Weight)>,
        caisses: usize,
        this_year: i32,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::new();
        if !(FIRST_YEAR..=this_year + 1).contains(&year) {
            v.push(FieldError::new(
                &["year"],
                FieldErrorCode::OutOfRange,
                format!("funding is set for {FIRST_YEAR} to {}", this_year + 1),
            ));
        }
        if envelope == Eur::ZERO {
            v.push(FieldError::new(
                &["envelopeEur"],
                FieldErrorCode::OutOfRange,
                "the envelope must be more than zero",
            ));
        }
        let fixed_total = i128::from(fixed_per_caisse.cents()) * caisses as i128;
        if fixed_total > i128::from(envelope.cents()) {
            v.push(FieldError::new(
                &["envelopeEur"],
                FieldErrorCode::OutOfRange,
                format!(
                    "the envelope is smaller than the fixed parts: {caisses} caisses × {fixed_per_caisse} EUR"
                ),
            ));
        }
        if weights.len() > MAX_WEIGHTS {
            v.push(FieldError::new(
                &["evaluationWeights"],
                FieldErrorCode::TooLong,
                format!("name at most {MAX_WEIGHTS} caisses"),
            ));
        }
        let mut map = BTreeMap::new();
        for (i, (caisse, weight)) in weights.into_iter().enumerate() {
            if map.insert(caisse, weight).is_some() {
                v.push(FieldError::new(
                    &["evaluationWeights", &i.to_string(), "caisseId"],
                    FieldErrorCode::Duplicate,
                    "this caisse is weighted twice",
                ));
            }
        }
        v.finish()?;
        Ok(Self {
            year,
            envelope,
            fixed_per_caisse,
            weights: map,
            weights_from: None,
        })
    }
}

/// What the allocation knows of one caisse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaisseBasis {
    pub caisse_id: i64,
    /// Principal affiliates on 31 December of the year before; `None` when INASTI recorded none.
    pub affiliates: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    pub caisse_id: i64,
    pub affiliates: Option<i64>,
    pub weight: Weight,
    pub fixed: Eur,
    pub variable: Eur,
    pub total: Eur,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub year: i32,
    pub envelope: Eur,
    pub fixed_per_caisse: Eur,
    /// The envelope less the fixed parts.
    pub variable_pool: Eur,
    /// Caisses without a recorded count: they receive their fixed part only.
    pub missing_counts: Vec<i64>,
    pub shares: Vec<Share>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FundingError {
    #[error("the envelope is smaller than the fixed parts of {0} caisses")]
    EnvelopeTooSmall(usize),
    #[error("no affiliates are recorded on 31 December {0}: the variable part cannot be shared")]
    NoAffiliates(i32),
    #[error("no caisse to fund")]
    NoCaisses,
}

/// Splits the envelope among the caisses, in caisse id order.
pub fn allocate(
    params: &FundingParameters,
    caisses: &[CaisseBasis],
) -> Result<Allocation, FundingError> {
    if caisses.is_empty() {
        return Err(FundingError::NoCaisses);
    }
    let n = caisses.len() as i128;
    let fixed = i128::from(params.fixed_per_caisse.cents());
    let pool = i128::from(params.envelope.cents()) - fixed * n;
    if pool < 0 {
        return Err(FundingError::EnvelopeTooSmall(caisses.len()));
    }
    // Each caisse's claim on the pool is affiliates × weight (in ten-thousandths); the pool is
    // split in proportion, floored to the cent, and the cents left go one each to the largest
    // remainders (ties to the lower caisse id, so the result never depends on row order).
    let claims: Vec<i128> = caisses
        .iter()
        .map(|c| {
            i128::from(c.affiliates.unwrap_or(0))
                * i128::from(params.weight_of(c.caisse_id).ten_thousandths())
        })
        .collect();
    let total_claim: i128 = claims.iter().sum();
    if total_claim == 0 && pool > 0 {
        return Err(FundingError::NoAffiliates(params.year - 1));
    }
    let mut variable: Vec<i128> = Vec::with_capacity(caisses.len());
    let mut remainders: Vec<(i128, i64, usize)> = Vec::with_capacity(caisses.len());
    for (i, (c, claim)) in caisses.iter().zip(&claims).enumerate() {
        let (q, r) = if total_claim == 0 {
            (0, 0)
        } else {
            (pool * claim / total_claim, pool * claim % total_claim)
        };
        variable.push(q);
        remainders.push((r, c.caisse_id, i));
    }
    let left = pool - variable.iter().sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, _, i) in remainders.iter().take(usize::try_from(left).unwrap_or(0)) {
        variable[*i] += 1;
    }
    let cents =
        |v: i128| Eur::from_cents(i64::try_from(v).unwrap_or(i64::MAX)).unwrap_or(Eur::ZERO);
    let mut shares: Vec<Share> = caisses
        .iter()
        .zip(variable)
        .map(|(c, v)| Share {
            caisse_id: c.caisse_id,
            affiliates: c.affiliates,
            weight: params.weight_of(c.caisse_id),
            fixed: params.fixed_per_caisse,
            variable: cents(v),
            total: cents(fixed + v),
        })
        .collect();
    shares.sort_by_key(|s| s.caisse_id);
    Ok(Allocation {
        year: params.year,
        envelope: params.envelope,
        fixed_per_caisse: params.fixed_per_caisse,
        variable_pool: cents(pool),
        missing_counts: caisses
            .iter()
            .filter(|c| c.affiliates.is_none())
            .map(|c| c.caisse_id)
            .collect(),
        shares,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(envelope: i64, fixed: i64, weights: &[(i64, u32)]) -> FundingParameters {
        FundingParameters {
            year: 2025,
            envelope: Eur::from_cents(envelope).unwrap_or_default(),
            fixed_per_caisse: Eur::from_cents(fixed).unwrap_or_default(),
            weights: weights
                .iter()
                .map(|(c, w)| {
                    (
                        *c,
                        Weight::from_ten_thousandths(i64::from(*w)).unwrap_or(Weight::ONE),
                    )
                })
                .collect(),
            weights_from: None,
        }
    }

    fn basis(counts: &[(i64, Option<i64>)]) -> Vec<CaisseBasis> {
        counts
            .iter()
            .map(|(c, a)| CaisseBasis {
                caisse_id: *c,
                affiliates: *a,
            })
            .collect()
    }

    fn sum(a: &Allocation) -> i64 {
        a.shares.iter().map(|s| s.total.cents()).sum()
    }

    #[test]
    fn shares_add_up_to_the_envelope_to_the_cent() {
        // 100.00 EUR over three equal claims: 33.34 + 33.33 + 33.33, the cent to the lowest id.
        let a = allocate(
            &params(10_000, 0, &[]),
            &basis(&[(3, Some(1)), (1, Some(1)), (2, Some(1))]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sum(&a), 10_000);
        assert_eq!(
            a.shares
                .iter()
                .map(|s| s.variable.cents())
                .collect::<Vec<_>>(),
            vec![3_334, 3_333, 3_333]
        );
        // Awkward numbers: 4 000 000.00 with 9 caisses, a fixed part, primes for counts.
        let a = allocate(
            &params(400_000_000, 2_500_000, &[(2, 12_500), (5, 8_000)]),
            &basis(&[
                (1, Some(274_901)),
                (2, Some(249_803)),
                (3, Some(0)),
                (4, None),
                (5, Some(107_311)),
                (6, Some(7)),
            ]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sum(&a), 400_000_000);
        assert_eq!(
            a.shares[2].variable,
            Eur::ZERO,
            "no affiliates, no variable part"
        );
        assert_eq!(a.shares[3].variable, Eur::ZERO);
        assert_eq!(a.shares[3].total.cents(), 2_500_000, "the fixed part still");
        assert_eq!(a.missing_counts, vec![4]);
    }

    #[test]
    fn an_envelope_below_the_fixed_parts_or_without_affiliates_is_refused() {
        assert_eq!(
            allocate(&params(100, 60, &[]), &basis(&[(1, Some(1)), (2, Some(1))])),
            Err(FundingError::EnvelopeTooSmall(2))
        );
        assert_eq!(
            allocate(&params(100, 10, &[]), &basis(&[(1, Some(0)), (2, None)])),
            Err(FundingError::NoAffiliates(2024))
        );
        // Fixed parts that take the whole envelope leave nothing to share, and need no count.
        assert!(allocate(&params(100, 50, &[]), &basis(&[(1, None), (2, None)])).is_ok());
    }
}
