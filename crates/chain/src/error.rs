//! The chain layer's error type, classified by what a caller should do about it.

use reqwest::StatusCode;

use crate::http::Endpoint;

/// What went wrong talking to algod or the indexer.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// No answer in time.
    #[error("{endpoint}: timed out")]
    Timeout {
        /// The endpoint that did not answer.
        endpoint: Endpoint,
    },
    /// The connection failed or broke.
    #[error("{endpoint}: {source}")]
    Transport {
        /// The endpoint that could not be reached.
        endpoint: Endpoint,
        /// The transport's own error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an error status.
    #[error("{endpoint}: HTTP {status}: {message}")]
    Status {
        /// The endpoint that answered.
        endpoint: Endpoint,
        /// The HTTP status.
        status: StatusCode,
        /// The server's `message`, or its raw body.
        message: String,
    },
    /// The answer could not be understood.
    #[error("{endpoint}: unreadable response: {reason}")]
    Decode {
        /// The endpoint that answered.
        endpoint: Endpoint,
        /// What was wrong with it.
        reason: String,
    },
    /// A configured URL is not usable.
    #[error("invalid node URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as configured.
        url: String,
        /// Why it is unusable.
        reason: String,
    },
}

/// How a caller should treat an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Worth retrying: timeouts, broken connections, 5xx, 429.
    Transient,
    /// The thing asked for does not exist (404).
    NotFound,
    /// The node refused the request on its merits (400): a rejected transaction, a bad query.
    Rejected,
    /// Retrying will not help until someone changes configuration: bad URL, token, or a node
    /// that speaks something else.
    Permanent,
}

impl ChainError {
    /// How to treat this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } => ErrorKind::Transient,
            Self::Status { status, .. } if status.is_server_error() => ErrorKind::Transient,
            Self::Status { status, .. } if *status == StatusCode::TOO_MANY_REQUESTS => {
                ErrorKind::Transient
            }
            Self::Status { status, .. } if *status == StatusCode::NOT_FOUND => ErrorKind::NotFound,
            Self::Status { status, .. } if *status == StatusCode::BAD_REQUEST => {
                ErrorKind::Rejected
            }
            Self::Status { .. } | Self::Decode { .. } | Self::InvalidUrl { .. } => {
                ErrorKind::Permanent
            }
        }
    }

    /// Whether retrying may help.
    pub fn is_transient(&self) -> bool {
        self.kind() == ErrorKind::Transient
    }

    /// The node's own message for a refused request, if it gave one.
    pub fn node_message(&self) -> Option<&str> {
        match self {
            Self::Status { message, .. } => Some(message),
            _ => None,
        }
    }
}

/// Result alias for the chain layer.
pub type Result<T, E = ChainError> = std::result::Result<T, E>;
