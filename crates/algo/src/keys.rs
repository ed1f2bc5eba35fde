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

/// One signature to check in a batch: `signer`'s over `prefix ‖ message`.
#[derive(Debug, Clone, Copy)]
pub struct SignedMessage<'a> {
    /// The claimed signer.
    pub signer: &'a Address,
    /// The domain prefix.
    pub prefix: HashPrefix,
    /// The signed bytes after the prefix.
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a Signature,
}

/// Checks many signatures at once, about twice as fast per signature as [`verify`] for large
/// batches. `true` means every one of them passes [`verify`]; `false` means at least one does
/// not (which one is for [`verify`] to find).
///
/// Batch verification alone is laxer than [`verify`] (it accepts non-canonical and small-order
/// `R` and small-order keys), so those are rejected here first; what remains is the same
/// equation, checked for every signature at once with random weights.
pub fn verify_batch(items: &[SignedMessage<'_>]) -> bool {
    let mut keys = Vec::with_capacity(items.len());
    let mut signatures = Vec::with_capacity(items.len());
    let mut messages = Vec::with_capacity(items.len());
    for item in items {
        let Ok(key) = VerifyingKey::from_bytes(&item.signer.0) else { return false };
        if key.is_weak() || !strict_r(&item.signature.0) {
            return false;
        }
        let mut data = Vec::with_capacity(item.prefix.as_bytes().len() + item.message.len());
        data.extend_from_slice(item.prefix.as_bytes());
        data.extend_from_slice(item.message);
        keys.push(key);
        signatures.push(ed25519_dalek::Signature::from_bytes(&item.signature.0));
        messages.push(data);
    }
    let messages: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
}

/// The signature's `R` is a canonical encoding of a point that is not of small order, as
/// strict verification requires.
fn strict_r(signature: &[u8; 64]) -> bool {
    let mut r = [0; 32];
    r.copy_from_slice(&signature[..32]);
    let compressed = curve25519_dalek::edwards::CompressedEdwardsY(r);
    compressed
        .decompress()
        .is_some_and(|point| !point.is_small_order() && point.compress() == compressed)
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

    fn signed_messages(count: u8) -> Vec<(Address, Vec<u8>, Signature)> {
        (0..count)
            .map(|n| {
                let key = SecretKey::from_seed(&[n; 32]);
                let message = vec![n; usize::from(n) + 1];
                let signature = key.sign(HashPrefix::Transaction, &message);
                (key.address(), message, signature)
            })
            .collect()
    }

    fn batch(items: &[(Address, Vec<u8>, Signature)]) -> bool {
        let items: Vec<SignedMessage<'_>> = items
            .iter()
            .map(|(signer, message, signature)| SignedMessage {
                signer,
                prefix: HashPrefix::Transaction,
                message,
                signature,
            })
            .collect();
        verify_batch(&items)
    }

    #[test]
    fn a_batch_passes_only_when_every_signature_does() {
        let mut items = signed_messages(20);
        assert!(batch(&items));

        items[13].1.push(0);
        assert!(!batch(&items));
        assert!(verify(&items[13].0, HashPrefix::Transaction, &items[13].1, &items[13].2).is_err());
    }

    #[test]
    fn a_batch_refuses_a_small_order_r_that_strict_checking_refuses() {
        let mut items = signed_messages(3);
        // R = the identity point (y = 1): small order.
        let mut r = [0u8; 32];
        r[0] = 1;
        items[1].2.0[..32].copy_from_slice(&r);

        assert!(!batch(&items));
        assert!(verify(&items[1].0, HashPrefix::Transaction, &items[1].1, &items[1].2).is_err());
    }

    #[test]
    fn mnemonic_round_trips_and_debug_hides_the_key() {
        let key = SecretKey::from_seed(&[9; 32]);
        let again = SecretKey::from_mnemonic(key.mnemonic().expose_secret()).unwrap();

        assert_eq!(again.address(), key.address());
        assert!(format!("{key:?}").starts_with("SecretKey(for "));
    }
}
