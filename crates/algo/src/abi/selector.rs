//! The 4-byte selectors that name ARC-4 methods and ARC-28 events.

use std::fmt;

use crate::hash::sha512_256;

/// The first four bytes of SHA-512/256 of a canonical signature: what an app call's first
/// argument or an event log's first bytes carry.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Selector(pub [u8; 4]);

impl Selector {
    /// The selector of `signature`, which must already be canonical (see
    /// [`Method::signature`](crate::abi::Method::signature)).
    pub fn of_signature(signature: &str) -> Self {
        let digest = sha512_256(signature.as_bytes());
        Self([digest[0], digest[1], digest[2], digest[3]])
    }

    /// The selector bytes.
    pub fn as_bytes(&self) -> &[u8; 4] {
        &self.0
    }

    /// The selector at the start of `bytes`, if there are four bytes.
    pub fn prefix_of(bytes: &[u8]) -> Option<Self> {
        bytes.first_chunk::<4>().copied().map(Self)
    }
}

impl fmt::Display for Selector {
    /// Lower-case hex, as ARC-4 and ARC-28 write selectors.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Selector({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_arc4_and_arc28_examples() {
        assert_eq!(Selector::of_signature("add(uint64,uint64)uint128").to_string(), "8aa3b61f");
        assert_eq!(Selector::of_signature("Swapped(uint64,uint64)").to_string(), "1ccbd925");
    }
}
