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
    /// An ARC-4 type string, or a type tree built by hand, that is not a valid ABI type.
    #[error("invalid ABI type {input:?}: {reason}")]
    AbiTypeInvalid {
        /// The type as written.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// An ARC-4 method or ARC-28 event signature that does not parse.
    #[error("invalid signature {input:?}: {reason}")]
    AbiSignatureInvalid {
        /// The signature as written.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A value that cannot be encoded as the ABI type it was given with.
    #[error("cannot encode a value as {abi_type}: {reason}")]
    AbiValueMismatch {
        /// The type (or method signature) being encoded.
        abi_type: String,
        /// What does not fit.
        reason: &'static str,
    },
    /// ABI bytes that end inside a value.
    #[error("truncated {abi_type}: needs {needed} bytes at byte {offset}, {available} left")]
    AbiTruncated {
        /// The type being decoded there.
        abi_type: String,
        /// Where the missing bytes start.
        offset: usize,
        /// How many bytes were needed.
        needed: usize,
        /// How many bytes remained.
        available: usize,
    },
    /// Bytes left over after a complete ABI value.
    #[error("{extra} trailing bytes after a {consumed}-byte {abi_type}")]
    AbiTrailingBytes {
        /// The type decoded.
        abi_type: String,
        /// The length of the value.
        consumed: usize,
        /// How many bytes follow it.
        extra: usize,
    },
    /// A dynamic member's offset that does not point right after the previous member.
    #[error("bad offset in {abi_type} at byte {at}: {found}, expected {expected}")]
    AbiBadOffset {
        /// The tuple or array holding the offset.
        abi_type: String,
        /// Where the offset is.
        at: usize,
        /// The offset found.
        found: usize,
        /// The only offset canonical encoding allows there.
        expected: usize,
    },
    /// ABI bytes that no encoder produces (a bool byte other than 0x00/0x80, set padding bits).
    #[error("non-canonical {abi_type} at byte {at}: {reason}")]
    AbiNonCanonical {
        /// The type being decoded there.
        abi_type: String,
        /// The offending byte.
        at: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An app call's logs lack the ARC-4 return value its method declares.
    #[error("no return value for {method}: {reason}")]
    AbiReturnMissing {
        /// The method signature.
        method: String,
        /// What the logs look like instead.
        reason: &'static str,
    },
    /// A log line decoded as an ARC-28 event does not start with its selector.
    #[error("log does not start with the selector of {event}: {found:02x?}")]
    EventSelectorMismatch {
        /// The event signature.
        event: String,
        /// The first (up to four) bytes of the log.
        found: Vec<u8>,
    },
    /// A log line with a known event selector whose arguments do not decode.
    #[error("log {log_index} is not a valid {event}: {cause}")]
    EventMalformed {
        /// The event signature.
        event: String,
        /// The position of the log in the call's logs.
        log_index: usize,
        /// Why its arguments do not decode.
        #[source]
        cause: Box<CodecError>,
    },
    /// ARC-3 metadata that is not a JSON object with a well-formed `extra_metadata`.
    #[error("invalid ARC-3 metadata: {reason}")]
    Arc3MetadataInvalid {
        /// What is wrong with it.
        reason: String,
    },
    /// An asset parameter longer than the protocol allows.
    #[error("asset {field} {value:?} is longer than {max} bytes")]
    AssetFieldTooLong {
        /// Which parameter: `url`, `asset name`, `unit name`.
        field: &'static str,
        /// The rejected value.
        value: String,
        /// The limit in bytes.
        max: usize,
    },
}

/// Result alias for this crate.
pub type Result<T, E = CodecError> = std::result::Result<T, E>;
