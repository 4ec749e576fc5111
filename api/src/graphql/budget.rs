//! Charges each operation's query cost to its caller's budget once validation has measured
//! it (the complexity `limits.query_complexity` bounds): a caller over budget gets
//! `RATE_LIMITED`, and nothing of the operation runs.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ErrorExtensions, ServerError, ValidationResult};

use super::ErrorCode;
use crate::rate_limit::{Budget, Caller, RateLimiter, Verdict};

/// One request's caller and what its charges found; put in each operation's data.
pub struct RequestBudget {
    pub limiter: Arc<RateLimiter>,
    pub caller: Caller,
    /// The verdict of the last charge refused, if any.
    pub refused: Mutex<Option<Verdict>>,
}

pub struct QueryCost;

impl ExtensionFactory for QueryCost {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryCost)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryCost {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let Some(budget) = ctx.data_opt::<Arc<RequestBudget>>() else {
            return Ok(result);
        };
        let cost = result.complexity.max(1) as u64;
        let verdict = budget
            .limiter
            .charge(&budget.caller, Budget::Queries, cost, Instant::now());
        if verdict.allowed {
            return Ok(result);
        }
        if let Ok(mut refused) = budget.refused.lock() {
            *refused = Some(verdict);
        }
        let wait = verdict.retry_after.map_or(1, |d| d.as_secs());
        let error = async_graphql::Error::new(format!(
            "this operation costs {cost} and {} of your {} per minute are left; retry in {wait} s",
            verdict.remaining, verdict.limit
        ))
        .extend_with(|_, e| e.set("code", ErrorCode::RateLimited.as_str()));
        Err(vec![error.into_server_error(async_graphql::Pos::default())])
    }
}
