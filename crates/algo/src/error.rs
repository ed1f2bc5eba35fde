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
    /// The msgpack input ended inside a value.
    #[error("msgpack truncated at byte {offset}")]
    MsgpackTruncated {
        /// Where more bytes were needed.
        offset: usize,
    },
    /// Bytes remain after the one value that was expected.
    #[error("msgpack has trailing bytes from byte {offset}")]
    MsgpackTrailingBytes {
        /// Where the first extra byte is.
        offset: usize,
    },
    /// A msgpack type Algorand never uses (float, extension, reserved marker).
    #[error("unsupported msgpack marker {marker:#04x} at byte {offset}")]
    MsgpackUnsupported {
        /// Where the value starts.
        offset: usize,
        /// Its type marker.
        marker: u8,
    },
    /// A map key that is neither text nor an unsigned integer.
    #[error("unsupported msgpack map key at byte {offset}")]
    MsgpackUnsupportedKey {
        /// Where the key starts.
        offset: usize,
    },
    /// A map holds the same key twice.
    #[error("duplicate msgpack map key at byte {offset}")]
    MsgpackDuplicateKey {
        /// Where the second occurrence starts.
        offset: usize,
    },
    /// Arrays and maps nest deeper than the decoder allows.
    #[error("msgpack nested deeper than {limit} at byte {offset}")]
    MsgpackTooDeep {
        /// Where the container that is one too deep starts.
        offset: usize,
        /// The nesting limit.
        limit: usize,
    },
    /// Well-formed msgpack that is not in canonical form, so its hash would differ from the one
    /// algod computes.
    #[error("msgpack is not canonical from byte {offset}")]
    NonCanonical {
        /// The first byte that differs from the canonical encoding.
        offset: usize,
    },
    /// A field holds a value of the wrong msgpack type.
    #[error("field {field}: expected {expected}")]
    WrongType {
        /// The field's key (path).
        field: String,
        /// What it should have been.
        expected: &'static str,
    },
    /// A required field is absent.
    #[error("missing field {field}")]
    MissingField {
        /// The field's key.
        field: &'static str,
    },
    /// A field has the right type but an impossible value (wrong length, a zero value that
    /// canonical encoding would have omitted, a value over a protocol limit).
    #[error("invalid field {field}: {reason}")]
    InvalidField {
        /// The field's key (path).
        field: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A transaction type this crate does not model (its bytes and id remain usable).
    #[error("unsupported transaction type {tx_type:?}")]
    UnsupportedTxType {
        /// The `type` field as found.
        tx_type: String,
    },
    /// A transaction id string is not 52 base32 characters.
    #[error("malformed transaction id {input:?}: {reason}")]
    MalformedTxId {
        /// The rejected text.
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A mnemonic is not 25 known words with a matching checksum word. The words themselves
    /// are never carried, since they are a secret.
    #[error("malformed mnemonic: {reason}")]
    MalformedMnemonic {
        /// Why it was rejected, with the 1-based position of a bad word where there is one.
        reason: String,
    },
    /// A public key is not a valid Ed25519 point.
    #[error("{address} is not a valid Ed25519 public key")]
    InvalidPublicKey {
        /// The address holding the key.
        address: crate::Address,
    },
    /// A signature does not verify under the key it claims.
    #[error("signature by {signer} does not verify")]
    BadSignature {
        /// The claimed signer.
        signer: crate::Address,
    },
    /// A signed transaction's authorization does not prove its authorizer's consent.
    #[error("transaction {txid} is not authorized: {reason}")]
    Unauthorized {
        /// The transaction.
        txid: crate::TxId,
        /// What is missing or wrong.
        reason: &'static str,
    },
    /// A multisig account description that the protocol rejects.
    #[error("invalid multisig account: {reason}")]
    InvalidMultisig {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A group that is empty or larger than the protocol's 16 transactions.
    #[error("a group must hold 1 to 16 transactions, not {len}")]
    GroupSize {
        /// The number of transactions given.
        len: usize,
    },
    /// A fee computation exceeded `u64`.
    #[error("fee overflows u64")]
    FeeOverflow,
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
