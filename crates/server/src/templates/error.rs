//! Why creating, reading or deleting a template failed.

use tipforge_ipfs::IpfsError;

use crate::domain::TemplateId;
use crate::store::StoreError;

/// The template service's `Result`.
pub type Result<T, E = TemplateError> = std::result::Result<T, E>;

/// Every way a template operation can fail.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// A form field is missing, repeated, unknown or out of range.
    #[error("{field}: {reason}")]
    InvalidField {
        /// The field, as the client spelled it.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The upload is not a multipart form the server can read.
    #[error("unreadable multipart body: {reason}")]
    Multipart {
        /// What the multipart reader reported.
        reason: String,
        /// Whether the body broke the request size limit.
        too_large: bool,
    },
    /// The image is larger than allowed; nothing was kept.
    #[error("the image is larger than {limit} bytes")]
    ImageTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The image's bytes are not PNG, JPEG, GIF or WebP.
    #[error("the image must be PNG, JPEG, GIF or WebP; its bytes look like {found}")]
    UnsupportedImage {
        /// The media type sniffed from the bytes.
        found: &'static str,
    },
    /// No template has this id.
    #[error("template {id} not found")]
    NotFound {
        /// The id asked for.
        id: TemplateId,
    },
    /// The template belongs to another creator.
    #[error("template {id} belongs to another creator")]
    NotOwner {
        /// The template.
        id: TemplateId,
    },
    /// The IPFS store or pinning backend failed.
    #[error("storing the template's content failed")]
    Ipfs(#[from] IpfsError),
    /// The database refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TemplateError {
    /// A validation failure of `field`.
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidField { field, reason: reason.into() }
    }
}
