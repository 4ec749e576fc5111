//! The budget gate every door of the API passes through: `/graphql` over HTTP, the pages (which
//! send their operations to the same schema) and `/graphql/ws`. Each operation's changes (the
//! root fields of a mutation, each uploaded file) are charged to its caller's mutation budget
//! before it is parsed for running, and its query cost once validation has measured it (the
//! complexity `limits.query_complexity` bounds). A caller over either budget gets
//! `RATE_LIMITED`, and nothing of the operation runs. Depth and complexity limits are the
//! schema's own, so they hold at every door alike, and so does the request deadline
//! ([`Deadline`]): a query or mutation running past `limits.request_timeout_ms` is stopped
//! with `TIMEOUT`, over `/graphql/ws` as over HTTP (a subscription is a stream, not bounded).

use std::any::TypeId;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest, NextValidation,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{
    ErrorExtensions, Request, Response, ServerError, ServerResult, ValidationResult,
};

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
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // An HTTP request or a page carries its budget in the operation's data; a live
        // connection in the connection's.
        let budget = request
            .data
            .get(&TypeId::of::<Arc<RequestBudget>>())
            .and_then(|d| d.downcast_ref::<Arc<RequestBudget>>())
            .or_else(|| ctx.data_opt::<Arc<RequestBudget>>())
            .cloned();
        if let Some(budget) = budget {
            // Parsed once: the schema runs the document kept in the request. One that does not
            // parse changes nothing, and the schema reports why.
            let operation_name = request.operation_name.clone();
            let changes = request.parsed_query().map_or(0, |document| {
                changes_in(document, operation_name.as_deref())
            }) + request.uploads.len() as u64;
            if changes > 0 {
                let verdict = budget.limiter.charge(
                    &budget.caller,
                    Budget::Mutations,
                    changes,
                    Instant::now(),
                );
                if !verdict.allowed {
                    return Err(budget.refuse(
                        verdict,
                        format!(
                            "this operation makes {changes} changes and {} of your {} per minute are left",
                            verdict.remaining, verdict.limit
                        ),
                    ));
                }
            }
        }
        next.run(ctx, request).await
    }

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
        Err(vec![budget.refuse(
            verdict,
            format!(
                "this operation costs {cost} and {} of your {} per minute are left",
                verdict.remaining, verdict.limit
            ),
        )])
    }
}

/// The request deadline, kept by the schema itself: an operation that runs longer is dropped
/// (its transaction, if any, rolled back) and answers `TIMEOUT`.
pub struct Deadline(pub Duration);

impl ExtensionFactory for Deadline {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Deadline(self.0))
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Deadline {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        match tokio::time::timeout(self.0, next.run(ctx, operation_name)).await {
            Ok(response) => response,
            Err(_) => Response::from_errors(vec![
                async_graphql::Error::new(format!(
                    "the request took longer than {} ms",
                    self.0.as_millis()
                ))
                .extend_with(|_, e| e.set("code", ErrorCode::Timeout.as_str()))
                .into_server_error(async_graphql::Pos::default()),
            ]),
        }
    }
}

impl RequestBudget {
    /// Records a refused charge (the HTTP door answers 429 with `Retry-After`, a page says so)
    /// and the error the operation answers with.
    fn refuse(&self, verdict: Verdict, what: String) -> ServerError {
        if let Ok(mut refused) = self.refused.lock() {
            *refused = Some(verdict);
        }
        let wait = verdict.retry_after.map_or(1, |d| d.as_secs().max(1));
        async_graphql::Error::new(format!("{what}; retry in {wait} s"))
            .extend_with(|_, e| e.set("code", ErrorCode::RateLimited.as_str()))
            .into_server_error(async_graphql::Pos::default())
    }
}

/// The root fields of the document's mutation that would run, 0 for a query or a subscription.
pub fn changes_in(document: &ExecutableDocument, operation_name: Option<&str>) -> u64 {
    let fields = |op: &async_graphql::parser::types::OperationDefinition| {
        if op.ty == OperationType::Mutation {
            (op.selection_set.node.items.len() as u64).max(1)
        } else {
            0
        }
    };
    match &document.operations {
        DocumentOperations::Single(op) => fields(&op.node),
        DocumentOperations::Multiple(ops) => ops
            .iter()
            .filter(|(name, _)| operation_name.is_none_or(|n| n == name.as_str()))
            .map(|(_, op)| fields(&op.node))
            .max()
            .unwrap_or(0),
    }
}
