//! One table from errors to the codes clients see in `extensions.code` and to HTTP statuses.
//! The cause goes to the log; the client gets the code and a plain message.

use async_graphql::{ErrorExtensions, SimpleObject};
use axum::http::StatusCode;

use commons_domain::validation::FieldError;
use commons_service::ServiceError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    BadUserInput,
    RateLimited,
    Timeout,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::BadUserInput,
        ErrorCode::RateLimited,
        ErrorCode::Timeout,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ];

    /// The code an error carries in `extensions.code`, read back by an in-process client.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// The status of a response that failed as a whole with this code. Errors inside an
    /// executed GraphQL response travel with status 200, as GraphQL over HTTP expects.
    pub fn http_status(self) -> StatusCode {
        match self {
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::BadUserInput => StatusCode::BAD_REQUEST,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn of(e: &ServiceError) -> Self {
        match e {
            e if e.database_unreachable() => ErrorCode::Unavailable,
            ServiceError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            ServiceError::Forbidden => ErrorCode::Forbidden,
            ServiceError::NotFound => ErrorCode::NotFound,
            ServiceError::Conflict(_) => ErrorCode::Conflict,
            ServiceError::Invalid(_) | ServiceError::BadInput(_) => ErrorCode::BadUserInput,
            ServiceError::Unavailable(_) => ErrorCode::Unavailable,
            ServiceError::Timeout(_) => ErrorCode::Timeout,
            ServiceError::RateLimited(_) => ErrorCode::RateLimited,
            ServiceError::Database(_) | ServiceError::Index(_) | ServiceError::Files(_) => {
                ErrorCode::Internal
            }
        }
    }
}

/// The message a client may read: the error's own for what the caller can act on,
/// a plain one for faults, whose cause is logged.
pub fn client_message(e: &ServiceError) -> String {
    match e {
        ServiceError::Database(cause) if e.database_unreachable() => {
            tracing::warn!(error = %cause, "the database cannot be reached");
            "the database cannot be reached just now; try again later".to_owned()
        }
        ServiceError::Database(cause) => {
            tracing::error!(error = %cause, "database error");
            "internal error".to_owned()
        }
        ServiceError::Index(cause) => {
            tracing::error!(error = %cause, "search index error");
            "internal error".to_owned()
        }
        ServiceError::Files(cause) => {
            tracing::error!(error = %cause, "file storage error");
            "internal error".to_owned()
        }
        ServiceError::Invalid(errors) => errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

pub fn graphql_error(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code.as_str()))
}

/// A service error as a GraphQL error: its code in `extensions.code`, the message a client may
/// read. (The service crate's type is foreign here, so this is a function, not
/// `ErrorExtensions`.)
pub fn to_graphql(e: &ServiceError) -> async_graphql::Error {
    graphql_error(ErrorCode::of(e), client_message(e))
}

/// Turns a service result into a resolver result with the error's code. (async-graphql
/// converts any displayable error with `?`, but without a code: always go through here.)
pub trait ServiceResultExt<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> ServiceResultExt<T> for Result<T, ServiceError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_graphql(&e))
    }
}

/// A caller's mistake in one field of a mutation's input.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path to the field in the input, e.g. `["names", "1", "text"]`.
    pub field: Vec<String>,
    pub message: String,
    /// A stable code: `REQUIRED`, `TOO_LONG`, `INVALID_FORMAT`, `INVALID_CHECKSUM`, `TAKEN` …
    pub code: String,
}

impl From<FieldError> for UserError {
    fn from(e: FieldError) -> Self {
        Self {
            field: e.field,
            message: e.message,
            code: e.code.as_str().to_owned(),
        }
    }
}

/// Splits a service result into what a mutation payload carries: the value, or the caller's
/// mistakes as `userErrors`. Anything else is a GraphQL error with its code.
pub fn into_payload<T>(
    result: Result<T, ServiceError>,
) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(ServiceError::Invalid(errors)) => {
            Ok((None, errors.into_iter().map(UserError::from).collect()))
        }
        Err(other) => Err(to_graphql(&other)),
    }
}

/// A request that failed before GraphQL could execute it, in the GraphQL error shape.
pub fn failure(code: ErrorCode, message: impl Into<String>) -> axum::response::Response {
    let body = serde_json::json!({ "errors": [{ "message": message.into(), "extensions": { "code": code.as_str() } }] });
    let mut response =
        axum::response::IntoResponse::into_response((code.http_status(), axum::Json(body)));
    if code == ErrorCode::Unavailable {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(1),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_fault_names_its_cause_in_the_logs_and_never_to_the_client() {
        let fault = ServiceError::Database(commons_service::database::DbErr::Custom(
            "connection refused by 10.0.0.5:5432".into(),
        ));
        // What a background duty logs says why.
        assert!(fault.to_string().contains("connection refused"), "{fault}");
        // What a client reads does not.
        assert_eq!(client_message(&fault), "internal error");
        assert_eq!(ErrorCode::of(&fault), ErrorCode::Internal);
    }
}
