//! Multisig accounts (version 1): the address of a key set with a threshold, and threshold
//! signatures over it.

use crate::address::Address;
use crate::error::{CodecError, Result};
use crate::hash::{HashPrefix, sha512_256_prefixed};
use crate::keys::{self, SecretKey, Signature};
use crate::msgpack::Value;
use crate::transaction::fields::{FieldReader, FieldWriter, fixed64};

/// The protocol's largest multisig key set.
pub const MAX_MULTISIG_KEYS: usize = 255;

/// A multisig account: ordered keys and how many of them must sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultisigAccount {
    version: u8,
    threshold: u8,
    keys: Vec<Address>,
}

impl MultisigAccount {
    /// A version-1 account; the order of `keys` is part of the address.
    pub fn new(threshold: u8, keys: Vec<Address>) -> Result<Self> {
        Self::with_version(1, threshold, keys)
    }

    fn with_version(version: u8, threshold: u8, keys: Vec<Address>) -> Result<Self> {
        let reason = if version != 1 {
            Some("only version 1 exists")
        } else if keys.is_empty() || keys.len() > MAX_MULTISIG_KEYS {
            Some("needs 1 to 255 keys")
        } else if threshold == 0 || usize::from(threshold) > keys.len() {
            Some("threshold must be 1 to the number of keys")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(CodecError::InvalidMultisig { reason }),
            None => Ok(Self { version, threshold, keys }),
        }
    }

    /// The account's address: SHA-512/256("MultisigAddr" ‖ version ‖ threshold ‖ keys…).
    pub fn address(&self) -> Address {
        let keys: Vec<&[u8]> = self.keys.iter().map(|key| &key.0[..]).collect();
        let head = [self.version, self.threshold];
        let parts: Vec<&[u8]> = std::iter::once(&head[..]).chain(keys).collect();
        Address(sha512_256_prefixed(HashPrefix::MultisigAddress, &parts))
    }

    /// The signature threshold.
    pub fn threshold(&self) -> u8 {
        self.threshold
    }

    /// The keys, in address order.
    pub fn keys(&self) -> &[Address] {
        &self.keys
    }

    /// An unsigned multisig signature to collect signatures in.
    pub fn empty_signature(&self) -> MultisigSig {
        let subsigs = self.keys.iter().map(|key| Subsig { key: *key, signature: None }).collect();
        MultisigSig { version: self.version, threshold: self.threshold, subsigs }
    }

    /// Signs `prefix ‖ message` with each of `signers`, which must all be keys of this account.
    pub fn sign(
        &self,
        signers: &[&SecretKey],
        prefix: HashPrefix,
        message: &[u8],
    ) -> Result<MultisigSig> {
        let mut multisig = self.empty_signature();
        for signer in signers {
            multisig.add(signer, prefix, message)?;
        }
        Ok(multisig)
    }
}

/// One key's slot in a multisig signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subsig {
    /// The key (`pk`).
    pub key: Address,
    /// Its signature, if it signed (`s`).
    pub signature: Option<Signature>,
}

/// A multisig signature (`msig`): the account description and the signatures gathered so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultisigSig {
    /// Always 1 (`v`).
    pub version: u8,
    /// Signatures needed (`thr`).
    pub threshold: u8,
    /// One slot per key, in order (`subsig`).
    pub subsigs: Vec<Subsig>,
}

impl MultisigSig {
    /// The account this signature claims to be for.
    pub fn account(&self) -> Result<MultisigAccount> {
        let keys = self.subsigs.iter().map(|subsig| subsig.key).collect();
        MultisigAccount::with_version(self.version, self.threshold, keys)
    }

    /// Adds `signer`'s signature in its slot.
    pub fn add(&mut self, signer: &SecretKey, prefix: HashPrefix, message: &[u8]) -> Result<()> {
        let address = signer.address();
        let slot = self.subsigs.iter_mut().find(|subsig| subsig.key == address);
        let reason = "signer is not a key of this account";
        let slot = slot.ok_or(CodecError::InvalidMultisig { reason })?;
        slot.signature = Some(signer.sign(prefix, message));
        Ok(())
    }

    /// Checks the account is valid, at least `threshold` slots are signed, and every present
    /// signature verifies over `prefix ‖ message`.
    pub fn verify(&self, prefix: HashPrefix, message: &[u8]) -> Result<()> {
        self.account()?;
        let signed: Vec<_> =
            self.subsigs.iter().filter_map(|s| Some((s.key, s.signature?))).collect();
        if signed.len() < usize::from(self.threshold) {
            return Err(CodecError::InvalidMultisig { reason: "fewer signatures than threshold" });
        }
        signed.iter().try_for_each(|(key, signature)| keys::verify(key, prefix, message, signature))
    }

    /// The `msig` msgpack value.
    pub fn to_value(&self) -> Value {
        let subsigs = self.subsigs.iter().map(|subsig| {
            let signature = subsig.signature.as_ref().map(|s| &s.0[..]).unwrap_or_default();
            FieldWriter::default().bytes("pk", &subsig.key.0).bytes("s", signature).finish()
        });
        FieldWriter::default()
            .uint("v", u64::from(self.version))
            .uint("thr", u64::from(self.threshold))
            .value("subsig", Value::Array(subsigs.collect()))
            .finish()
    }

    /// Reads an `msig` value.
    pub fn from_value(value: &Value, path: &str) -> Result<Self> {
        let mut fields = FieldReader::new(value, path)?;
        let small = |number: u64, key: &str| {
            u8::try_from(number).map_err(|_| crate::transaction::fields::invalid(key, "too large"))
        };
        let version = small(fields.uint("v")?, "v")?;
        let threshold = small(fields.uint("thr")?, "thr")?;
        let subsig_path = fields.field("subsig");
        let subsigs = fields.array("subsig")?.iter().map(|entry| read_subsig(entry, &subsig_path));
        let subsigs = subsigs.collect::<Result<_>>()?;
        fields.finish()?;
        Ok(Self { version, threshold, subsigs })
    }
}

fn read_subsig(value: &Value, path: &str) -> Result<Subsig> {
    let mut fields = FieldReader::new(value, path)?;
    let key = fields.required_address("pk")?;
    let field = fields.field("s");
    let signature = fields.get("s").map(|s| fixed64(s, &field).map(Signature)).transpose()?;
    fields.finish()?;
    Ok(Subsig { key, signature })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<SecretKey> {
        (1..=3).map(|seed| SecretKey::from_seed(&[seed; 32])).collect()
    }

    #[test]
    fn two_of_three_verifies_and_one_does_not() {
        let keys = keys();
        let account = MultisigAccount::new(2, keys.iter().map(SecretKey::address).collect());
        let account = account.unwrap();

        let two = account.sign(&[&keys[0], &keys[2]], HashPrefix::MessageBytes, b"m").unwrap();
        let one = account.sign(&[&keys[1]], HashPrefix::MessageBytes, b"m").unwrap();

        assert_eq!(two.verify(HashPrefix::MessageBytes, b"m"), Ok(()));
        assert!(two.verify(HashPrefix::MessageBytes, b"other").is_err());
        assert!(one.verify(HashPrefix::MessageBytes, b"m").is_err());
        assert_eq!(two.account().unwrap().address(), account.address());
    }

    #[test]
    fn invalid_accounts_are_refused() {
        assert!(MultisigAccount::new(0, vec![Address::ZERO]).is_err());
        assert!(MultisigAccount::new(2, vec![Address::ZERO]).is_err());
        assert!(MultisigAccount::new(1, vec![]).is_err());
    }

    #[test]
    fn the_value_round_trips() {
        let keys = keys();
        let account = MultisigAccount::new(1, keys.iter().map(SecretKey::address).collect());
        let signature = account.unwrap().sign(&[&keys[1]], HashPrefix::Program, b"p").unwrap();

        assert_eq!(MultisigSig::from_value(&signature.to_value(), "msig"), Ok(signature));
    }
}
