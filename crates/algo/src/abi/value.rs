//! ABI values: what an [`AbiType`](crate::abi::AbiType) describes.

use num_bigint::BigUint;

use crate::address::Address;

/// A value of some ARC-4 type. The type is given separately when encoding or decoding; the
/// same value can be encoded under different types (`Uint` as `uint8` or `uint256`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AbiValue {
    /// A `uintN`, or the raw integer of a `ufixedNxM` (the decimal value × 10^M).
    Uint(BigUint),
    /// A `bool`.
    Bool(bool),
    /// A `byte`.
    Byte(u8),
    /// An `address`.
    Address(Address),
    /// The bytes of a `string`. UTF-8 by convention, but a contract can log any bytes, so
    /// decoding keeps them as they are; see [`AbiValue::as_str`].
    String(Vec<u8>),
    /// The elements of a `T[N]` or `T[]`.
    Array(Vec<AbiValue>),
    /// The members of a tuple.
    Tuple(Vec<AbiValue>),
}

impl AbiValue {
    /// A `string` value.
    pub fn string(text: impl Into<String>) -> Self {
        Self::String(text.into().into_bytes())
    }

    /// A `byte[]` or `byte[N]` value.
    pub fn bytes(bytes: &[u8]) -> Self {
        Self::Array(bytes.iter().copied().map(Self::Byte).collect())
    }

    /// The integer of a `Uint` that fits in 64 bits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Uint(value) => u64::try_from(value).ok(),
            _ => None,
        }
    }

    /// The integer of a `Uint`.
    pub fn as_uint(&self) -> Option<&BigUint> {
        match self {
            Self::Uint(value) => Some(value),
            _ => None,
        }
    }

    /// The flag of a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    /// The address of an `Address`.
    pub fn as_address(&self) -> Option<Address> {
        match self {
            Self::Address(address) => Some(*address),
            _ => None,
        }
    }

    /// The text of a `String` that is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(bytes) => std::str::from_utf8(bytes).ok(),
            _ => None,
        }
    }

    /// The raw bytes of a `String`, or of an `Array` made only of `Byte`s.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        match self {
            Self::String(bytes) => Some(bytes.clone()),
            Self::Array(items) => items
                .iter()
                .map(|item| match item {
                    Self::Byte(byte) => Some(*byte),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// The elements of an `Array` or the members of a `Tuple`.
    pub fn as_slice(&self) -> Option<&[AbiValue]> {
        match self {
            Self::Array(items) | Self::Tuple(items) => Some(items),
            _ => None,
        }
    }
}

impl From<u64> for AbiValue {
    fn from(value: u64) -> Self {
        Self::Uint(value.into())
    }
}

impl From<BigUint> for AbiValue {
    fn from(value: BigUint) -> Self {
        Self::Uint(value)
    }
}

impl From<bool> for AbiValue {
    fn from(flag: bool) -> Self {
        Self::Bool(flag)
    }
}

impl From<Address> for AbiValue {
    fn from(address: Address) -> Self {
        Self::Address(address)
    }
}

impl From<&str> for AbiValue {
    fn from(text: &str) -> Self {
        Self::string(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_read_only_their_own_variant() {
        assert_eq!(AbiValue::from(7u64).as_u64(), Some(7));
        assert_eq!(AbiValue::from(true).as_u64(), None);
        assert_eq!(AbiValue::from("gm").as_str(), Some("gm"));
        assert_eq!(AbiValue::String(vec![0xff]).as_str(), None);
        assert_eq!(AbiValue::bytes(b"ab").to_bytes(), Some(b"ab".to_vec()));
        assert_eq!(AbiValue::Array(vec![AbiValue::from(1u64)]).to_bytes(), None);
    }

    #[test]
    fn wide_integers_do_not_fit_u64() {
        let wide = AbiValue::Uint(BigUint::from(u64::MAX) + 1u8);

        assert_eq!(wide.as_u64(), None);
        assert!(wide.as_uint().is_some());
    }
}
