//! SHA-512/256 and the domain-separation prefixes Algorand hashes and signs under.

use sha2::{Digest, Sha512_256};

/// The prefixes that keep one kind of hashed or signed data from being mistaken for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashPrefix {
    /// A transaction: its id and the bytes a sender signs.
    Transaction,
    /// A transaction group's id.
    TxGroup,
    /// Arbitrary bytes signed to prove ownership of a key.
    MessageBytes,
    /// A program, hashed to its logic-signature or contract address.
    Program,
    /// Data signed for `ed25519verify` by the program's own address.
    ProgramData,
    /// An application id, hashed to the application's account address.
    AppId,
    /// A multisig account's version, threshold and keys, hashed to its address.
    MultisigAddress,
    /// A program signed by a multisig account for a delegated logic signature (`lmsig`), with
    /// the multisig address between prefix and program.
    MultisigProgram,
}

impl HashPrefix {
    /// The prefix bytes.
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            Self::Transaction => b"TX",
            Self::TxGroup => b"TG",
            Self::MessageBytes => b"MX",
            Self::Program => b"Program",
            Self::ProgramData => b"ProgData",
            Self::AppId => b"appID",
            Self::MultisigAddress => b"MultisigAddr",
            Self::MultisigProgram => b"MsigProgram",
        }
    }
}

/// SHA-512/256 of `data`.
pub fn sha512_256(data: &[u8]) -> [u8; 32] {
    Sha512_256::digest(data).into()
}

/// SHA-512/256 of `prefix ‖ part₁ ‖ part₂ ‖ …`, without concatenating into a buffer first.
pub fn sha512_256_prefixed(prefix: HashPrefix, parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha512_256::new();
    hasher.update(prefix.as_bytes());
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_hash_equals_hash_of_concatenation() {
        let joined = [b"TX".as_slice(), b"abc", b"def"].concat();
        let parts: [&[u8]; 2] = [b"abc", b"def"];

        assert_eq!(sha512_256_prefixed(HashPrefix::Transaction, &parts), sha512_256(&joined));
    }
}
