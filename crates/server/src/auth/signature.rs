//! Ed25519 signatures by a wallet's key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, VerifyingKey};
use tipforge_algo::Address;

use super::AuthError;

/// A 64-byte Ed25519 signature, as wallets return it (standard base64).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletSignature([u8; 64]);

impl WalletSignature {
    /// Decodes standard base64; `None` unless it is exactly 64 bytes.
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text).ok()?;
        bytes.try_into().ok().map(Self)
    }

    /// Checks the signature over `message` under the key the address is made of. Strict
    /// verification refuses the malleable and small-order forms plain Ed25519 lets through.
    pub fn verify(&self, wallet: &Address, message: &[u8]) -> Result<(), AuthError> {
        let key =
            VerifyingKey::from_bytes(wallet.as_bytes()).map_err(|_| AuthError::BadSignature)?;
        let signature = Signature::from_bytes(&self.0);
        key.verify_strict(message, &signature).map_err(|_| AuthError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::{Signer, SigningKey};

    use super::*;

    fn wallet_of(key: &SigningKey) -> Address {
        Address(key.verifying_key().to_bytes())
    }

    #[test]
    fn a_wallets_signature_verifies_and_a_strangers_does_not() {
        let (owner, stranger) =
            (SigningKey::from_bytes(&[7; 32]), SigningKey::from_bytes(&[8; 32]));
        let message = b"MXnonce";

        let signed = WalletSignature(owner.sign(message).to_bytes());
        let forged = WalletSignature(stranger.sign(message).to_bytes());

        assert!(signed.verify(&wallet_of(&owner), message).is_ok());
        assert!(forged.verify(&wallet_of(&owner), message).is_err());
        assert!(signed.verify(&wallet_of(&owner), b"MXother").is_err());
    }

    #[test]
    fn only_64_byte_base64_is_a_signature() {
        assert!(WalletSignature::from_base64(&STANDARD.encode([0u8; 64])).is_some());
        assert!(WalletSignature::from_base64(&STANDARD.encode([0u8; 63])).is_none());
        assert!(WalletSignature::from_base64("not base64!").is_none());
    }
}
