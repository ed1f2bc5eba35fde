//! Algorand's 25-word mnemonics: a 32-byte Ed25519 seed as 24 words of the BIP-39 English list
//! (11 bits each, little-endian) followed by a checksum word.

use std::fmt;
use std::sync::LazyLock;

use crate::error::{CodecError, Result};
use crate::hash::sha512_256;

/// The BIP-39 English word list (2048 words, sorted), public domain.
const WORDS_TEXT: &str = include_str!("bip39_english.txt");

const WORD_COUNT: usize = 25;
const SEED_LEN: usize = 32;

/// A 25-word mnemonic. It spells a secret key, so `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Mnemonic(String);

impl Mnemonic {
    /// The words, separated by single spaces. Handle with care: they are the secret key.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mnemonic(<redacted>)")
    }
}

/// The mnemonic for an Ed25519 seed.
pub fn from_seed(seed: &[u8; SEED_LEN]) -> Mnemonic {
    let words = word_list();
    let mut indices = to_u11(seed);
    indices.push(checksum_index(seed));
    let text: Vec<&str> = indices.iter().map(|index| words[usize::from(*index)]).collect();
    Mnemonic(text.join(" "))
}

/// The seed a mnemonic spells. Words are matched case-insensitively and may be separated by
/// any whitespace; errors never repeat the words.
pub fn to_seed(mnemonic: &str) -> Result<[u8; SEED_LEN]> {
    let given: Vec<&str> = mnemonic.split_whitespace().collect();
    if given.len() != WORD_COUNT {
        return Err(malformed(format!("expected {WORD_COUNT} words, got {}", given.len())));
    }
    let indices = given.iter().enumerate().map(|(position, word)| {
        word_index(word)
            .ok_or_else(|| malformed(format!("word {} is not in the list", position + 1)))
    });
    let indices: Vec<u16> = indices.collect::<Result<_>>()?;
    let (checksum, data) = indices.split_last().expect("25 words were counted above");
    let bytes = from_u11(data);
    if bytes[SEED_LEN..].iter().any(|byte| *byte != 0) {
        return Err(malformed("the 24th word has bits set past the seed".to_owned()));
    }
    let seed: [u8; SEED_LEN] = bytes[..SEED_LEN].try_into().expect("24 words hold 33 bytes");
    if checksum_index(&seed) != *checksum {
        return Err(malformed("checksum word does not match".to_owned()));
    }
    Ok(seed)
}

fn malformed(reason: String) -> CodecError {
    CodecError::MalformedMnemonic { reason }
}

static WORD_LIST: LazyLock<Vec<&'static str>> = LazyLock::new(|| WORDS_TEXT.lines().collect());

fn word_list() -> &'static [&'static str] {
    &WORD_LIST
}

fn word_index(word: &str) -> Option<u16> {
    let lower = word.to_ascii_lowercase();
    let index = word_list().binary_search(&lower.as_str()).ok()?;
    u16::try_from(index).ok()
}

fn checksum_index(seed: &[u8; SEED_LEN]) -> u16 {
    let hash = sha512_256(seed);
    (u16::from(hash[0]) | (u16::from(hash[1]) << 8)) & 0x7ff
}

/// Splits bytes into 11-bit numbers, least significant bits first.
fn to_u11(bytes: &[u8]) -> Vec<u16> {
    let mut out = Vec::with_capacity(bytes.len() * 8 / 11 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer |= u32::from(*byte) << bits;
        bits += 8;
        if bits >= 11 {
            out.push((buffer & 0x7ff) as u16);
            buffer >>= 11;
            bits -= 11;
        }
    }
    if bits > 0 {
        out.push((buffer & 0x7ff) as u16);
    }
    out
}

/// Joins 11-bit numbers back into bytes, the inverse of [`to_u11`].
fn from_u11(numbers: &[u16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(numbers.len() * 11 / 8 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for number in numbers {
        buffer |= u32::from(*number) << bits;
        bits += 11;
        while bits >= 8 {
            out.push((buffer & 0xff) as u8);
            buffer >>= 8;
            bits -= 8;
        }
    }
    if bits > 0 {
        out.push((buffer & 0xff) as u8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZERO_SEED_WORDS: &str = "abandon abandon abandon abandon abandon abandon abandon abandon \
        abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon \
        abandon abandon abandon abandon abandon invest";

    #[test]
    fn the_word_list_is_bip39_english() {
        let words = word_list();

        assert_eq!(words.len(), 2048);
        assert!(words.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn zero_seed_matches_the_reference_vector() {
        let expected = ZERO_SEED_WORDS.split_whitespace().collect::<Vec<_>>().join(" ");

        assert_eq!(from_seed(&[0; 32]).expose_secret(), expected);
        assert_eq!(to_seed(ZERO_SEED_WORDS), Ok([0; 32]));
    }

    #[test]
    fn a_wrong_checksum_word_is_rejected_without_echoing_words() {
        let wrong = ZERO_SEED_WORDS.replace("invest", "abandon");
        let error = to_seed(&wrong).unwrap_err().to_string();

        assert!(error.contains("checksum"));
        assert!(!error.contains("abandon"));
        assert!(to_seed("abandon").is_err());
        assert!(to_seed(&ZERO_SEED_WORDS.replace("invest", "qqq")).is_err());
    }

    #[test]
    fn debug_hides_the_words() {
        assert_eq!(format!("{:?}", from_seed(&[7; 32])), "Mnemonic(<redacted>)");
    }
}
