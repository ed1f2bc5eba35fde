//! Sign-in challenges: a random nonce the wallet signs to prove it holds its key.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};
use tipforge_algo::{Address, HashPrefix};

use super::Timestamp;

/// 32 random bytes, written as URL-safe base64 (43 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nonce(String);

impl Nonce {
    /// A fresh nonce from the operating system's random source.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A nonce given as text, by a client or the store; it is only ever looked up.
    pub fn from_text(text: String) -> Self {
        Self(text)
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The bytes a wallet signs: `"MX" ‖ nonce`, the nonce taken as its UTF-8 text. The prefix
    /// keeps a signed challenge from ever being a valid transaction signature.
    pub fn signed_message(&self) -> Vec<u8> {
        [HashPrefix::MessageBytes.as_bytes(), self.0.as_bytes()].concat()
    }
}

impl fmt::Display for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A nonce issued to one wallet, usable once before it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The random value to sign.
    pub nonce: Nonce,
    /// The wallet it was issued to.
    pub wallet: Address,
    /// When it was issued.
    pub created_at: Timestamp,
    /// After this instant it is refused.
    pub expires_at: Timestamp,
    /// When it was used to sign in, if it was.
    pub used_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_43_characters_and_differ() {
        let (first, second) = (Nonce::random(), Nonce::random());

        assert_eq!(first.as_str().len(), 43);
        assert_ne!(first, second);
    }

    #[test]
    fn the_signed_message_is_prefixed_with_mx() {
        let nonce = Nonce::from_text("abc".to_owned());

        assert_eq!(nonce.signed_message(), b"MXabc");
    }
}
