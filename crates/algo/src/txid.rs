//! Transaction ids: the SHA-512/256 of a transaction's canonical bytes, shown as 52 base32
//! characters.

use std::fmt;
use std::str::FromStr;

use data_encoding::BASE32_NOPAD;

use crate::error::{CodecError, Result};
use crate::hash::{HashPrefix, sha512_256_prefixed};

const TXID_TEXT_LEN: usize = 52;

/// A transaction id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxId(pub [u8; 32]);

impl TxId {
    /// The id of a transaction whose canonical msgpack is `txn_bytes`.
    pub fn of_canonical(txn_bytes: &[u8]) -> Self {
        Self(sha512_256_prefixed(HashPrefix::Transaction, &[txn_bytes]))
    }

    /// The id of the inner transaction at `index` (counted across the whole inner group,
    /// from 0) issued by the transaction `parent`, whose canonical msgpack is `txn_bytes`.
    pub fn of_inner(parent: &TxId, index: u64, txn_bytes: &[u8]) -> Self {
        let parts: [&[u8]; 3] = [&parent.0, &index.to_be_bytes(), txn_bytes];
        Self(sha512_256_prefixed(HashPrefix::Transaction, &parts))
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&BASE32_NOPAD.encode(&self.0))
    }
}

impl fmt::Debug for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TxId({self})")
    }
}

impl FromStr for TxId {
    type Err = CodecError;

    /// Parses the 52-character form; the trailing padding bits must be zero so that every id
    /// has one spelling.
    fn from_str(text: &str) -> Result<Self> {
        let malformed = |reason| CodecError::MalformedTxId { input: text.to_owned(), reason };
        if text.len() != TXID_TEXT_LEN {
            return Err(malformed("expected 52 characters"));
        }
        let raw = BASE32_NOPAD.decode(text.as_bytes()).map_err(|_| malformed("not base32"))?;
        let id = Self(raw.try_into().map_err(|_| malformed("wrong length"))?);
        if id.to_string() != text {
            return Err(malformed("non-canonical encoding"));
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips() {
        let id = TxId::of_canonical(b"\x80");
        let text = id.to_string();

        assert_eq!(text.len(), 52);
        assert_eq!(text.parse::<TxId>(), Ok(id));
        assert!("ABC".parse::<TxId>().is_err());
    }

    #[test]
    fn a_set_padding_bit_is_not_canonical() {
        let mut text = TxId([0; 32]).to_string();
        text.replace_range(51.., "B");

        assert!(text.parse::<TxId>().is_err());
    }
}
