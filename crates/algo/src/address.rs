//! Account addresses: a 32-byte public key, written as base32 of key and checksum.

use std::fmt;
use std::str::FromStr;

use data_encoding::BASE32_NOPAD;

use crate::error::{CodecError, Result};
use crate::hash::{HashPrefix, sha512_256, sha512_256_prefixed};
use crate::ids::AppId;

const CHECKSUM_LEN: usize = 4;
const ADDRESS_TEXT_LEN: usize = 58;

/// An Algorand account address: an Ed25519 public key, or the hash behind an application or
/// program account.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 32]);

impl Address {
    /// The all-zero address, which Algorand reads as "no address".
    pub const ZERO: Self = Self([0; 32]);

    /// The account that holds an application's funds and assets.
    pub fn for_app(app: AppId) -> Self {
        Self(sha512_256_prefixed(HashPrefix::AppId, &[&app.0.to_be_bytes()]))
    }

    /// The address of a logic-signature or contract account for `program` bytecode.
    pub fn for_program(program: &[u8]) -> Self {
        Self(sha512_256_prefixed(HashPrefix::Program, &[program]))
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Whether this is the zero address.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 32]
    }

    fn checksum(key: &[u8; 32]) -> [u8; CHECKSUM_LEN] {
        let digest = sha512_256(key);
        let mut checksum = [0; CHECKSUM_LEN];
        checksum.copy_from_slice(&digest[32 - CHECKSUM_LEN..]);
        checksum
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = [0u8; 32 + CHECKSUM_LEN];
        raw[..32].copy_from_slice(&self.0);
        raw[32..].copy_from_slice(&Self::checksum(&self.0));
        f.write_str(&BASE32_NOPAD.encode(&raw))
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

impl FromStr for Address {
    type Err = CodecError;

    /// Parses the 58-character form, rejecting a bad checksum and any non-canonical spelling
    /// (the trailing padding bits must be zero, so that each address has exactly one text form).
    fn from_str(text: &str) -> Result<Self> {
        let malformed = |reason| CodecError::MalformedAddress { input: text.to_owned(), reason };
        if text.len() != ADDRESS_TEXT_LEN {
            return Err(malformed("expected 58 characters"));
        }
        let raw = BASE32_NOPAD.decode(text.as_bytes()).map_err(|_| malformed("not base32"))?;
        let (key, checksum) = raw.split_at(32);
        let key: [u8; 32] = key.try_into().map_err(|_| malformed("wrong length"))?;
        if checksum != Self::checksum(&key) {
            return Err(malformed("checksum mismatch"));
        }
        let address = Self(key);
        if address.to_string() != text {
            return Err(malformed("non-canonical encoding"));
        }
        Ok(address)
    }
}

impl From<[u8; 32]> for Address {
    fn from(key: [u8; 32]) -> Self {
        Self(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_address_has_the_known_text_form() {
        let text = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY5HFKQ";

        assert_eq!(Address::ZERO.to_string(), text);
        assert_eq!(text.parse::<Address>(), Ok(Address::ZERO));
    }

    #[test]
    fn application_addresses_match_the_sdk() {
        assert_eq!(
            Address::for_app(AppId(1)).to_string(),
            "WCS6TVPJRBSARHLN2326LRU5BYVJZUKI2VJ53CAWKYYHDE455ZGKANWMGM"
        );
        assert_eq!(
            Address::for_app(AppId(1001)).to_string(),
            "OKSDOCOXVGMBXQ5TP5YA4VWTZWZJLJP3OMIILPHMHGHURUFE2Q3JP62QNU"
        );
    }

    #[test]
    fn a_flipped_character_fails_the_checksum() {
        let text = Address::for_app(AppId(7)).to_string();
        let mut bytes = text.into_bytes();
        bytes[3] = if bytes[3] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(bytes).unwrap();

        assert!(flipped.parse::<Address>().is_err());
    }

    #[test]
    fn wrong_lengths_are_rejected() {
        assert!("ABC".parse::<Address>().is_err());
        assert!("".parse::<Address>().is_err());
    }
}
