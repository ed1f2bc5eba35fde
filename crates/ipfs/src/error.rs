//! The one error type of this crate.

use std::path::PathBuf;

use crate::cid::Cid;

/// A `Result` whose error is [`IpfsError`].
pub type Result<T, E = IpfsError> = std::result::Result<T, E>;

/// Everything that can go wrong while computing, storing, serving or pinning content.
#[derive(Debug, thiserror::Error)]
pub enum IpfsError {
    /// A CID string or binary CID that is malformed.
    #[error("invalid CID: {reason}")]
    InvalidCid {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A well-formed CID that this crate does not handle (another codec or hash function).
    #[error("unsupported CID: {reason}")]
    UnsupportedCid {
        /// What is not supported.
        reason: String,
    },

    /// Import options that cannot produce a CID (for example CIDv0 with raw leaves).
    #[error("invalid import options: {reason}")]
    InvalidOptions {
        /// Which combination is refused.
        reason: &'static str,
    },

    /// A block that the local store does not hold.
    #[error("block {cid} not found")]
    BlockNotFound {
        /// The missing block.
        cid: Cid,
    },

    /// A stored block whose bytes no longer hash to its CID.
    #[error("block {cid} is corrupt: its bytes do not match its hash")]
    CorruptBlock {
        /// The damaged block.
        cid: Cid,
    },

    /// A dag-pb block that cannot be decoded as a UnixFS file node.
    #[error("block {cid} is not a UnixFS file node: {reason}")]
    NotAFile {
        /// The offending block.
        cid: Cid,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// A file-system operation of the local store failed.
    #[error("I/O error at {path}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// Reading the content being added failed.
    #[error("reading the content to add failed")]
    ReadInput(#[source] std::io::Error),

    /// A request to a remote pinning backend failed before an answer arrived.
    #[error("{backend} request failed")]
    Http {
        /// The backend (`kubo`, `pinata`).
        backend: &'static str,
        /// The underlying client error.
        #[source]
        source: reqwest::Error,
    },

    /// A remote pinning backend answered with an error status.
    #[error("{backend} answered HTTP {status}: {message}")]
    BackendStatus {
        /// The backend (`kubo`, `pinata`).
        backend: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The error message the backend gave, shortened.
        message: String,
    },

    /// A remote pinning backend answered with a body this crate cannot understand.
    #[error("{backend} gave an unexpected answer: {reason}")]
    BackendResponse {
        /// The backend (`kubo`, `pinata`).
        backend: &'static str,
        /// What was wrong with the answer.
        reason: String,
    },

    /// A remote pinning backend stored the content under a CID other than the one computed
    /// locally, so ARC-3 hashes and asset URLs would not match.
    #[error("{backend} returned CID {returned}, expected {expected}")]
    CidMismatch {
        /// The backend (`kubo`, `pinata`).
        backend: &'static str,
        /// The CID computed locally.
        expected: Cid,
        /// The CID the backend returned.
        returned: String,
    },

    /// ARC-3 metadata that breaks a limit of the standard or of the ledger.
    #[error("invalid ARC-3 metadata: {reason}")]
    InvalidMetadata {
        /// Which limit was broken.
        reason: String,
    },

    /// A blocking task of the store panicked or was cancelled.
    #[error("store task failed")]
    Task(#[from] tokio::task::JoinError),
}

/// How a caller should react to an [`IpfsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input was wrong; retrying the same input fails again.
    InvalidInput,
    /// The requested content is not there.
    NotFound,
    /// A remote backend may answer differently later (network, timeout, 5xx, 429).
    Transient,
    /// A remote backend refused or misbehaved in a way a retry will not fix.
    Permanent,
    /// A local fault: disk, corruption, a failed task.
    Internal,
}

impl IpfsError {
    /// Classifies the error so callers decide on retries and status codes without reading text.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidCid { .. }
            | Self::UnsupportedCid { .. }
            | Self::InvalidOptions { .. }
            | Self::InvalidMetadata { .. }
            | Self::NotAFile { .. } => ErrorKind::InvalidInput,
            Self::BlockNotFound { .. } => ErrorKind::NotFound,
            Self::Http { .. } => ErrorKind::Transient,
            Self::BackendStatus { status, .. } if *status == 429 || *status >= 500 => {
                ErrorKind::Transient
            }
            Self::BackendStatus { .. }
            | Self::BackendResponse { .. }
            | Self::CidMismatch { .. } => ErrorKind::Permanent,
            Self::CorruptBlock { .. } | Self::Io { .. } | Self::ReadInput(_) | Self::Task(_) => {
                ErrorKind::Internal
            }
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
