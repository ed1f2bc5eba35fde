//! The one place errors become HTTP responses: `{"message": …}` with a status code.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::LedgerError;

/// An error answered to the client.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> Self {
        // algod answers 400 for everything its pool refuses, a full pool included; the full
        // pool's message comes from the capacity check, not from `Remember`.
        if error == LedgerError::PoolFull {
            return Self::bad_request(error.to_string());
        }
        Self::bad_request(format!("TransactionPool.Remember: {error}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "message": self.message }));
        (self.status, body).into_response()
    }
}

/// The handlers' result alias.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
