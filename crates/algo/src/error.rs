//! The one error type of this crate.

/// Everything that can go wrong while decoding, encoding, verifying or building Algorand data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// An address string is not 58 base32 characters of key and checksum.
    #[error("malformed address {input:?}: {reason}")]
    MalformedAddress {
        /// The rejected text, as given.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
}

/// Result alias for this crate.
pub type Result<T, E = CodecError> = std::result::Result<T, E>;
