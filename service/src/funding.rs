//! The funding of a year: platform admins set its parameters (audited, the earlier ones kept);
//! every signed-in organisation reads the allocation, computed on demand from the parameters
//! and the affiliate counts on 31 December of the year before, so it always follows the
//! latest figures INASTI entered.

use std::collections::{BTreeSet, HashMap};

use chrono::Datelike;
use serde_json::json;

use crate::{Context, ServiceError, ServiceResult, authorise};
use commons_domain::funding::{self, Allocation, CaisseBasis, FundingError, FundingParameters};
use commons_domain::identity::Actor;
use commons_domain::money::{Eur, Weight};
use commons_domain::organisation::{Organisation, OrganisationKind};
use commons_domain::policy::{Action, Resource};
use commons_domain::validation::{FieldError, FieldErrorCode, Validator};
use commons_store::{audit, begin_write};

const SUBJECT: &str = "funding_parameters";

/// Every caisse of the mission, in id order.
pub async fn caisses(ctx: &Context) -> ServiceResult<Vec<Organisation>> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = commons_store::organisations::list(
            &ctx.db,
            Some(OrganisationKind::Caisse),
            after.as_deref(),
            500,
        )
        .await?;
        let done = page.len() < 500;
        after = page.last().map(|o| o.slug.clone());
        all.extend(page);
        if done {
            break;
        }
    }
    all.sort_by_key(|o| o.id);
    Ok(all)
}

/// Parameters as entered: amounts and weights still as typed.
pub struct ParametersInput {
    pub year: i32,
    pub envelope: Eur,
    pub fixed_per_caisse: Eur,
    pub weights: Vec<(i64, String)>,
}

pub async fn set_parameters(
    ctx: &Context,
    actor: Option<&Actor>,
    input: ParametersInput,
) -> ServiceResult<FundingParameters> {
    let actor = authorise(actor, Action::SetFundingParameters, Resource::Platform)?;
    let now = ctx.now();
    let mut v = Validator::new();
    let caisses = caisses(ctx).await?;
    let caisse_ids: BTreeSet<i64> = caisses.iter().map(|c| c.id).collect();
    let mut weights = Vec::with_capacity(input.weights.len().min(funding::MAX_WEIGHTS + 1));
    for (i, (caisse, raw)) in input
        .weights
        .iter()
        .enumerate()
        .take(funding::MAX_WEIGHTS + 1)
    {
        let index = i.to_string();
        if !caisse_ids.contains(caisse) {
            v.push(FieldError::new(
                &["evaluationWeights", &index, "caisseId"],
                FieldErrorCode::NotFound,
                "no such caisse",
            ));
        }
        if let Some(w) = v.check(Weight::parse(raw).map_err(|m| {
            FieldError::new(
                &["evaluationWeights", &index, "weight"],
                FieldErrorCode::InvalidFormat,
                m,
            )
        })) {
            weights.push((*caisse, w));
        }
    }
    v.finish()?;
    let mut params = FundingParameters::validate(
        input.year,
        input.envelope,
        input.fixed_per_caisse,
        weights,
        caisses.len(),
        now.year(),
    )
    .map_err(ServiceError::Invalid)?;
    // Once INASTI has published the evaluation of the year before, its approved weights are
    // the year's: they are carried, never typed.
    if let Some((from, carried)) = super::evaluations::carried_weights(ctx, input.year).await? {
        if !input.weights.is_empty() {
            return Err(FieldError::new(
                &["evaluationWeights"],
                FieldErrorCode::InvalidState,
                format!(
                    "the weights of {} are those of the published evaluation of {from}",
                    input.year
                ),
            )
            .into());
        }
        params.weights = carried;
        params.weights_from = Some(from);
    }
    let txn = begin_write(&ctx.db).await?;
    commons_store::funding::save(&txn, &params, actor.user_id, now).await?;
    audit::record(
        &txn,
        audit::Change {
            actor: Some(actor),
            action: "funding.parameters_set",
            subject_type: SUBJECT,
            subject_id: i64::from(params.year),
            details: json!({
                "year": params.year,
                "envelopeEur": params.envelope.to_string(),
                "fixedPerCaisseEur": params.fixed_per_caisse.to_string(),
                "evaluationWeights": params.weights.iter().map(|(c, w)| json!({ "caisse": c, "weight": w.to_string() })).collect::<Vec<_>>(),
                "weightsFromEvaluation": params.weights_from,
            }),
        },
        now,
    )
    .await?;
    ctx.commit(txn).await?;
    Ok(params)
}

pub async fn parameters(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
) -> ServiceResult<Option<FundingParameters>> {
    authorise(actor, Action::ReadFunding, Resource::Platform)?;
    in_force(ctx, year).await
}

/// The year's parameters in force. Once the evaluation of the year before is published, its
/// approved weights are the year's whatever a row says: a row typed while the publication
/// committed cannot override them.
async fn in_force(ctx: &Context, year: i32) -> ServiceResult<Option<FundingParameters>> {
    let Some(mut params) = commons_store::funding::in_force(&ctx.db, year).await? else {
        return Ok(None);
    };
    if let Some((from, carried)) = super::evaluations::carried_weights(ctx, year).await? {
        params.weights = carried;
        params.weights_from = Some(from);
    }
    Ok(Some(params))
}

/// The year's allocation, with the caisses it concerns by id.
pub async fn allocation(
    ctx: &Context,
    actor: Option<&Actor>,
    year: i32,
) -> ServiceResult<(Allocation, HashMap<i64, Organisation>)> {
    authorise(actor, Action::ReadFunding, Resource::Platform)?;
    compute(ctx, year).await
}

/// The allocation without asking who reads it: for the overview, whose own rule applies.
pub(crate) async fn compute(
    ctx: &Context,
    year: i32,
) -> ServiceResult<(Allocation, HashMap<i64, Organisation>)> {
    let Some(params) = in_force(ctx, year).await? else {
        return Err(FieldError::new(
            &["year"],
            FieldErrorCode::NotFound,
            format!("no funding parameters are set for {year}"),
        )
        .into());
    };
    let caisses = caisses(ctx).await?;
    let counts: HashMap<i64, i64> =
        commons_store::organisations::affiliate_counts_of_year(&ctx.db, year - 1)
            .await?
            .into_iter()
            .map(|c| (c.organisation_id, c.count))
            .collect();
    let basis: Vec<CaisseBasis> = caisses
        .iter()
        .map(|c| CaisseBasis {
            caisse_id: c.id,
            affiliates: counts.get(&c.id).copied(),
        })
        .collect();
    let allocation = funding::allocate(&params, &basis).map_err(|e| {
        let field = match e {
            FundingError::EnvelopeTooSmall(_) => "envelopeEur",
            FundingError::NoAffiliates(_) | FundingError::NoCaisses => "year",
        };
        ServiceError::from(FieldError::new(
            &[field],
            FieldErrorCode::InvalidState,
            e.to_string(),
        ))
    })?;
    Ok((allocation, caisses.into_iter().map(|c| (c.id, c)).collect()))
}
