//! The one place errors become HTTP responses.

use std::error::Error;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use tipforge_chain::{ChainError, ErrorKind as ChainErrorKind};
use tipforge_ipfs::{ErrorKind as IpfsErrorKind, IpfsError};

use crate::auth::AuthError;
use crate::creators::{CreatorsError, CreatorsErrorKind};
use crate::store::StoreError;
use crate::templates::TemplateError;

/// The API's result type.
pub type ApiResult<T> = Result<T, ApiError>;

/// The classes of failure a client can tell apart, each with its status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed or fails validation.
    BadRequest,
    /// Identity is missing or not proven.
    Unauthorized,
    /// The identity may not do this.
    Forbidden,
    /// The thing asked for does not exist.
    NotFound,
    /// The request conflicts with the current state.
    Conflict,
    /// The client must slow down.
    TooManyRequests,
    /// The body is larger than the endpoint accepts.
    PayloadTooLarge,
    /// The content is of a type the endpoint does not accept.
    UnsupportedMediaType,
    /// A dependency is down; retrying later may work.
    Unavailable,
    /// The server failed; the details are in its log, not in the response.
    Internal,
}

impl ErrorKind {
    /// The HTTP status for this kind: the only mapping from errors to statuses.
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict => StatusCode::CONFLICT,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Every way an API request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A field failed validation.
    #[error("{field}: {reason}")]
    InvalidField {
        /// The field, as the client spelled it.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The JSON body could not be read.
    #[error("invalid JSON body: {0}")]
    Body(#[from] JsonRejection),
    /// The query string could not be read.
    #[error("invalid query string: {0}")]
    Query(#[from] QueryRejection),
    /// No route matches the method and path.
    #[error("no route for {method} {path}")]
    RouteNotFound {
        /// The method.
        method: String,
        /// The path.
        path: String,
    },
    /// Too many requests from this client.
    #[error("too many requests; retry in {} s", retry_after_secs(*.retry_after))]
    RateLimited {
        /// How long until a request will be accepted.
        retry_after: Duration,
    },
    /// A health check failed.
    #[error("unhealthy: {}", .failing.join(", "))]
    Unhealthy {
        /// The parts that failed.
        failing: Vec<&'static str>,
    },
    /// The signed-in identity may not do this.
    #[error("forbidden: {reason}")]
    Forbidden {
        /// Why, in terms the client can act on.
        reason: &'static str,
    },
    /// The thing asked for does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. "creator".
        what: &'static str,
    },
    /// The request conflicts with what is already stored or on chain.
    #[error("conflict: {reason}")]
    Conflict {
        /// Why.
        reason: String,
    },
    /// The Algorand node failed or refused a request made on the client's behalf.
    #[error("the Algorand node failed: {0}")]
    Chain(#[from] ChainError),
    /// Signing in or authenticating failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Registering or managing a creator failed.
    #[error(transparent)]
    Creators(#[from] CreatorsError),
    /// A template could not be created, read or deleted.
    #[error(transparent)]
    Template(#[from] TemplateError),
}

impl ApiError {
    /// A validation failure of `field`.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidField { field, reason: reason.into() }
    }

    /// The class of this failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidField { .. } | Self::Body(_) | Self::Query(_) => ErrorKind::BadRequest,
            Self::RouteNotFound { .. } => ErrorKind::NotFound,
            Self::RateLimited { .. } => ErrorKind::TooManyRequests,
            Self::Unhealthy { .. } => ErrorKind::Unavailable,
            Self::Forbidden { .. } => ErrorKind::Forbidden,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Conflict { .. } => ErrorKind::Conflict,
            Self::Chain(err) => chain_kind(err),
            Self::Auth(err) => auth_kind(err),
            Self::Store(err) => store_kind(err),
            Self::Creators(err) => creators_kind(err.kind()),
            Self::Template(err) => template_kind(err),
        }
    }

    /// A stable, machine-readable name for this failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidField { .. } => "invalid_field",
            Self::Body(_) => "invalid_body",
            Self::Query(_) => "invalid_query",
            Self::RouteNotFound { .. } => "route_not_found",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unhealthy { .. } => "unhealthy",
            Self::Forbidden { .. } => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::Chain(err) => match err.kind() {
                ChainErrorKind::Rejected => "chain_rejected",
                ChainErrorKind::NotFound => "chain_not_found",
                ChainErrorKind::Transient | ChainErrorKind::Permanent => "chain_unavailable",
            },
            Self::Auth(err) => auth_code(err),
            Self::Store(err) => store_code(err),
            Self::Creators(err) => err.code(),
            Self::Template(err) => template_code(err),
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::InvalidField { field, .. } => json!({ "field": field }),
            Self::RateLimited { retry_after } => {
                json!({ "retryAfterSeconds": retry_after_secs(*retry_after) })
            }
            Self::Unhealthy { failing } => json!({ "failing": failing }),
            Self::Template(TemplateError::InvalidField { field, .. }) => json!({ "field": field }),
            Self::Template(TemplateError::ImageTooLarge { limit }) => {
                json!({ "limitBytes": limit })
            }
            _ => Value::Null,
        }
    }
}

/// A transaction or query the node refused on its merits is the client's to fix; anything else
/// is the node being unreachable, which retrying later may cure.
fn chain_kind(err: &ChainError) -> ErrorKind {
    match err.kind() {
        ChainErrorKind::Rejected => ErrorKind::BadRequest,
        ChainErrorKind::NotFound => ErrorKind::NotFound,
        ChainErrorKind::Transient | ChainErrorKind::Permanent => ErrorKind::Unavailable,
    }
}

fn creators_kind(kind: CreatorsErrorKind) -> ErrorKind {
    match kind {
        CreatorsErrorKind::Forbidden => ErrorKind::Forbidden,
        CreatorsErrorKind::NotFound => ErrorKind::NotFound,
        CreatorsErrorKind::Conflict => ErrorKind::Conflict,
        CreatorsErrorKind::Rejected => ErrorKind::BadRequest,
        CreatorsErrorKind::Unavailable => ErrorKind::Unavailable,
        CreatorsErrorKind::Internal => ErrorKind::Internal,
    }
}

fn auth_kind(err: &AuthError) -> ErrorKind {
    match err {
        AuthError::Issue(_) => ErrorKind::Internal,
        AuthError::Store(err) => store_kind(err),
        _ => ErrorKind::Unauthorized,
    }
}

fn auth_code(err: &AuthError) -> &'static str {
    match err {
        AuthError::UnknownChallenge => "challenge_unknown",
        AuthError::ChallengeUsed => "challenge_used",
        AuthError::ChallengeExpired => "challenge_expired",
        AuthError::BadSignature => "signature_invalid",
        AuthError::MissingToken => "token_missing",
        AuthError::TokenExpired => "token_expired",
        AuthError::InvalidToken => "token_invalid",
        AuthError::UnknownUser => "user_unknown",
        AuthError::Issue(_) => "internal",
        AuthError::Store(err) => store_code(err),
    }
}

fn store_kind(err: &StoreError) -> ErrorKind {
    match err {
        StoreError::ActiveContractExists { .. }
        | StoreError::AppAlreadyRegistered { .. }
        | StoreError::TemplateNameTaken { .. }
        | StoreError::UsernameTaken { .. }
        | StoreError::TemplateInUse { .. }
        | StoreError::IdempotencyKeyReused { .. } => ErrorKind::Conflict,
        StoreError::TemplateNotFound { .. } | StoreError::UnknownUser { .. } => ErrorKind::NotFound,
        StoreError::ChallengeUnavailable => ErrorKind::Unauthorized,
        StoreError::OutOfRange { .. } => ErrorKind::BadRequest,
        StoreError::Database(sqlx::Error::PoolTimedOut) => ErrorKind::Unavailable,
        StoreError::UnknownApp { .. }
        | StoreError::TipPositionTaken { .. }
        | StoreError::Corrupt { .. }
        | StoreError::UnsupportedUrl { .. }
        | StoreError::Database(_)
        | StoreError::Migrate(_) => ErrorKind::Internal,
    }
}

fn store_code(err: &StoreError) -> &'static str {
    match err {
        StoreError::ActiveContractExists { .. } => "contract_exists",
        StoreError::AppAlreadyRegistered { .. } => "app_registered",
        StoreError::TemplateNameTaken { .. } => "template_name_taken",
        StoreError::UsernameTaken { .. } => "username_taken",
        StoreError::TemplateInUse { .. } => "template_in_use",
        StoreError::IdempotencyKeyReused { .. } => "idempotency_key_reused",
        StoreError::TemplateNotFound { .. } => "template_not_found",
        StoreError::UnknownUser { .. } => "user_unknown",
        StoreError::ChallengeUnavailable => "challenge_used",
        StoreError::OutOfRange { .. } => "out_of_range",
        StoreError::Database(sqlx::Error::PoolTimedOut) => "database_busy",
        _ => "internal",
    }
}

fn template_kind(err: &TemplateError) -> ErrorKind {
    match err {
        TemplateError::InvalidField { .. } => ErrorKind::BadRequest,
        TemplateError::Multipart { too_large: true, .. } | TemplateError::ImageTooLarge { .. } => {
            ErrorKind::PayloadTooLarge
        }
        TemplateError::Multipart { .. } => ErrorKind::BadRequest,
        TemplateError::UnsupportedImage { .. } => ErrorKind::UnsupportedMediaType,
        TemplateError::NotFound { .. } => ErrorKind::NotFound,
        TemplateError::NotOwner { .. } => ErrorKind::Forbidden,
        TemplateError::Ipfs(err) => ipfs_kind(err),
        TemplateError::Store(err) => store_kind(err),
    }
}

fn template_code(err: &TemplateError) -> &'static str {
    match err {
        TemplateError::InvalidField { .. } => "invalid_field",
        TemplateError::Multipart { too_large: true, .. } => "payload_too_large",
        TemplateError::Multipart { .. } => "invalid_multipart",
        TemplateError::ImageTooLarge { .. } => "image_too_large",
        TemplateError::UnsupportedImage { .. } => "unsupported_image_type",
        TemplateError::NotFound { .. } => "template_not_found",
        TemplateError::NotOwner { .. } => "not_template_owner",
        TemplateError::Ipfs(err) => match ipfs_kind(err) {
            ErrorKind::Unavailable => "pinning_unavailable",
            ErrorKind::BadRequest => "invalid_content",
            _ => "internal",
        },
        TemplateError::Store(err) => store_code(err),
    }
}

/// A remote pinning backend that fails, transiently or not, is the operator's to fix and the
/// client's to retry later; a local store fault is internal.
fn ipfs_kind(err: &IpfsError) -> ErrorKind {
    match err.kind() {
        IpfsErrorKind::InvalidInput => ErrorKind::BadRequest,
        IpfsErrorKind::Transient | IpfsErrorKind::Permanent => ErrorKind::Unavailable,
        IpfsErrorKind::NotFound | IpfsErrorKind::Internal => ErrorKind::Internal,
    }
}

fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let kind = self.kind();
        let message = match kind {
            ErrorKind::Internal => {
                tracing::error!(target: "api", error = &self as &dyn Error, "request failed");
                "internal server error".to_owned()
            }
            _ => self.to_string(),
        };
        let body = json!({
            "error": { "code": self.code(), "message": message, "details": self.details() }
        });
        let mut response = (kind.status(), Json(body)).into_response();
        if let Self::RateLimited { retry_after } = self {
            let seconds = HeaderValue::from(retry_after_secs(retry_after).max(1));
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(2_001)), 3);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
    }

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let error = ApiError::Store(StoreError::Corrupt { column: "secret", reason: "x".into() });

        assert_eq!(error.kind(), ErrorKind::Internal);
        assert_eq!(error.code(), "internal");
    }
}
