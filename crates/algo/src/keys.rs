//! Ed25519 keys, signatures and verification under Algorand's domain prefixes.

use std::fmt;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

use crate::address::Address;
use crate::error::{CodecError, Result};
use crate::hash::HashPrefix;
use crate::mnemonic::{self, Mnemonic};

/// An Ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: String = self.0[..8].iter().map(|byte| format!("{byte:02x}")).collect();
        write!(f, "Signature({hex}…)")
    }
}

/// An account's secret signing key. `Debug` prints only the address.
#[derive(Clone)]
pub struct SecretKey {
    key: SigningKey,
}

impl SecretKey {
    /// The key derived from a 32-byte Ed25519 seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self { key: SigningKey::from_bytes(seed) }
    }

    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Self {
        Self { key: SigningKey::generate(&mut rand_core::OsRng) }
    }

    /// The key a 25-word mnemonic spells.
    pub fn from_mnemonic(words: &str) -> Result<Self> {
        mnemonic::to_seed(words).map(|seed| Self::from_seed(&seed))
    }

    /// The 25-word mnemonic of this key.
    pub fn mnemonic(&self) -> Mnemonic {
        mnemonic::from_seed(self.key.as_bytes())
    }

    /// The account address, i.e. the public key.
    pub fn address(&self) -> Address {
        Address(self.key.verifying_key().to_bytes())
    }

    /// Signs `prefix ‖ message`.
    pub fn sign(&self, prefix: HashPrefix, message: &[u8]) -> Signature {
        let mut data = Vec::with_capacity(prefix.as_bytes().len() + message.len());
        data.extend_from_slice(prefix.as_bytes());
        data.extend_from_slice(message);
        Signature(self.key.sign(&data).to_bytes())
    }

    /// Signs arbitrary bytes under the "MX" prefix, e.g. a login challenge: such a signature
    /// can never be mistaken for one over a transaction.
    pub fn sign_bytes(&self, data: &[u8]) -> Signature {
        self.sign(HashPrefix::MessageBytes, data)
    }

    /// Signs a program under the "Program" prefix, delegating this account's authority to it
    /// as a logic signature.
    pub fn sign_program(&self, program: &[u8]) -> Signature {
        self.sign(HashPrefix::Program, program)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(for {})", self.address())
    }
}

/// Checks that `signature` is `signer`'s over `prefix ‖ message`. Uses strict verification
/// (canonical `S`, no small-order keys), as go-algorand's libsodium-based check does.
pub fn verify(
    signer: &Address,
    prefix: HashPrefix,
    message: &[u8],
    signature: &Signature,
) -> Result<()> {
    let key = VerifyingKey::from_bytes(&signer.0)
        .map_err(|_| CodecError::InvalidPublicKey { address: *signer })?;
    let mut data = Vec::with_capacity(prefix.as_bytes().len() + message.len());
    data.extend_from_slice(prefix.as_bytes());
    data.extend_from_slice(message);
    let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
    key.verify_strict(&data, &signature).map_err(|_| CodecError::BadSignature { signer: *signer })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_seed_gives_the_reference_address() {
        let key = SecretKey::from_seed(&[0; 32]);

        assert_eq!(
            key.address().to_string(),
            "HNVCPPGOW2SC2YVDVDICU3YNONSTEFLXDXREHJR2YBEKDC2Z3IUZSC6YGI"
        );
    }

    #[test]
    fn signatures_verify_only_under_their_prefix() {
        let key = SecretKey::from_seed(&[3; 32]);
        let signature = key.sign_bytes(b"challenge");

        assert_eq!(
            verify(&key.address(), HashPrefix::MessageBytes, b"challenge", &signature),
            Ok(())
        );
        assert!(verify(&key.address(), HashPrefix::Transaction, b"challenge", &signature).is_err());
    }

    #[test]
    fn mnemonic_round_trips_and_debug_hides_the_key() {
        let key = SecretKey::from_seed(&[9; 32]);
        let again = SecretKey::from_mnemonic(key.mnemonic().expose_secret()).unwrap();

        assert_eq!(again.address(), key.address());
        assert!(format!("{key:?}").starts_with("SecretKey(for "));
    }
}
