//! Signed transactions as they travel: the exact `txn` value (fields this crate does not model
//! included), its id, and the authorization that comes with it.

use crate::address::Address;
use crate::error::{CodecError, Result};
use crate::hash::HashPrefix;
use crate::keys::{self, SecretKey, Signature};
use crate::logicsig::LogicSig;
use crate::msgpack::{self, Key, Map, Value};
use crate::multisig::{MultisigAccount, MultisigSig};
use crate::transaction::Transaction;
use crate::transaction::fields::{fixed32, fixed64};
use crate::txid::TxId;

/// How a signed transaction proves its authorizer's consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorization {
    /// Nothing (only valid for inner transactions and simulation).
    Unsigned,
    /// An Ed25519 signature (`sig`).
    Single(Signature),
    /// A multisig (`msig`).
    Multisig(MultisigSig),
    /// A logic signature (`lsig`).
    LogicSig(LogicSig),
}

/// A signed transaction. Built by signing a [`Transaction`] or decoded from bytes; either way
/// the `txn` value is kept exactly, so the id is right even for fields this crate does not
/// model (the typed view is [`SignedTransaction::transaction`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    value: Value,
    txn_bytes: Vec<u8>,
    id: TxId,
    authorization: Authorization,
    auth_address: Option<Address>,
}

/// Fixed-size fields of a transaction that canonical encoding omits when all zero, which the
/// schema-free check cannot see.
const FIXED_TXN_FIELDS: [&str; 11] =
    ["snd", "rcv", "close", "gh", "grp", "lx", "rekey", "asnd", "arcv", "aclose", "fadd"];
const FIXED_ASSET_FIELDS: [&str; 5] = ["am", "m", "r", "f", "c"];

impl SignedTransaction {
    /// Wraps `transaction` with `authorization`; `auth_address` is the signer when the sender
    /// was rekeyed (`sgnr`).
    pub fn new(
        transaction: &Transaction,
        authorization: Authorization,
        auth_address: Option<Address>,
    ) -> Self {
        let txn = transaction.to_value();
        let txn_bytes = msgpack::encode(&txn);
        Self::assemble(txn, txn_bytes, authorization, auth_address)
    }

    /// Builds from the `txn` value and its canonical bytes, computed once by the caller.
    fn assemble(
        txn: Value,
        txn_bytes: Vec<u8>,
        authorization: Authorization,
        auth_address: Option<Address>,
    ) -> Self {
        let mut entries = vec![("txn", txn)];
        match &authorization {
            Authorization::Unsigned => {}
            Authorization::Single(signature) => {
                entries.push(("sig", Value::from(&signature.0[..])))
            }
            Authorization::Multisig(multisig) => entries.push(("msig", multisig.to_value())),
            Authorization::LogicSig(lsig) => entries.push(("lsig", lsig.to_value())),
        }
        let auth_address = auth_address.filter(|address| !address.is_zero());
        if let Some(address) = auth_address {
            entries.push(("sgnr", Value::from(&address.0[..])));
        }
        let id = TxId::of_canonical(&txn_bytes);
        Self { value: Value::map(entries), txn_bytes, id, authorization, auth_address }
    }

    /// Decodes one signed transaction, rejecting any encoding that is not canonical: algod
    /// computes ids and checks signatures over its own canonical re-encoding, so anything else
    /// would be a transaction other than the one it appears to be.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let value = msgpack::check_canonical(bytes)?;
        let txn = value.get("txn").ok_or(CodecError::MissingField { field: "txn" })?;
        check_fixed_fields(txn)?;
        Self::from_value(value)
    }

    /// Builds from an already decoded value, accepting non-canonical forms; the id is still
    /// computed from the canonical re-encoding, as algod does.
    pub fn from_value(value: Value) -> Result<Self> {
        let txn = value.get("txn").ok_or(CodecError::MissingField { field: "txn" })?;
        txn.as_map("txn")?;
        let txn_bytes = msgpack::encode(txn);
        let id = TxId::of_canonical(&txn_bytes);
        let authorization = read_authorization(&value)?;
        let auth_address =
            value.get("sgnr").map(|v| fixed32(v, "sgnr").map(Address)).transpose()?;
        Ok(Self { value, txn_bytes, id, authorization, auth_address })
    }

    /// The transaction id.
    pub fn id(&self) -> TxId {
        self.id
    }

    /// The whole signed transaction as a value (unknown outer fields included).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The `txn` value as received.
    pub fn txn_value(&self) -> &Value {
        self.value.get("txn").expect("presence of txn is checked on construction")
    }

    /// The canonical bytes of `txn`, which its id and signatures cover.
    pub fn txn_bytes(&self) -> &[u8] {
        &self.txn_bytes
    }

    /// The typed transaction; fails for types or fields this crate does not model.
    pub fn transaction(&self) -> Result<Transaction> {
        Transaction::from_value(self.txn_value())
    }

    /// The sender (`snd`).
    pub fn sender(&self) -> Result<Address> {
        let sender =
            self.txn_value().get("snd").ok_or(CodecError::MissingField { field: "snd" })?;
        fixed32(sender, "txn.snd").map(Address)
    }

    /// The account whose authority is needed: the signer set by a rekey, else the sender.
    pub fn authorizer(&self) -> Result<Address> {
        self.auth_address.map_or_else(|| self.sender(), Ok)
    }

    /// How the transaction is authorized.
    pub fn authorization(&self) -> &Authorization {
        &self.authorization
    }

    /// The canonical bytes of the whole signed transaction, as sent to algod.
    pub fn encode(&self) -> Vec<u8> {
        msgpack::encode(&self.value)
    }

    /// Checks that the authorization proves the authorizer's consent: the signature, the
    /// multisig threshold and address, or the logic signature's delegation or program address.
    /// A logic signature's program is not run.
    pub fn verify(&self) -> Result<()> {
        let authorizer = self.authorizer()?;
        let unauthorized = |reason| CodecError::Unauthorized { txid: self.id, reason };
        match &self.authorization {
            Authorization::Unsigned => Err(unauthorized("no signature")),
            Authorization::Single(signature) => {
                keys::verify(&authorizer, HashPrefix::Transaction, &self.txn_bytes, signature)
                    .map_err(|_| unauthorized("signature does not verify"))
            }
            Authorization::Multisig(multisig) => {
                if multisig.account()?.address() != authorizer {
                    return Err(unauthorized("multisig account is not the authorizer"));
                }
                multisig.verify(HashPrefix::Transaction, &self.txn_bytes)
            }
            Authorization::LogicSig(lsig) => lsig.verify(&authorizer),
        }
    }
}

/// Checks the authorizations of many signed transactions at once: single signatures in one
/// batch ([`keys::verify_batch`]), the others one by one. `true` means each of them would pass
/// [`SignedTransaction::verify`]; `false` that at least one would not.
pub fn verify_all<'a>(txns: impl IntoIterator<Item = &'a SignedTransaction>) -> bool {
    let txns: Vec<&SignedTransaction> = txns.into_iter().collect();
    let mut authorizers = Vec::with_capacity(txns.len());
    for signed in &txns {
        match (&signed.authorization, signed.authorizer()) {
            (Authorization::Single(_), Ok(authorizer)) => authorizers.push(authorizer),
            (Authorization::Single(_), Err(_)) => return false,
            (_, _) => {
                if signed.verify().is_err() {
                    return false;
                }
            }
        }
    }
    let singles = txns.iter().filter_map(|signed| match &signed.authorization {
        Authorization::Single(signature) => Some((signed, signature)),
        _ => None,
    });
    let items: Vec<keys::SignedMessage<'_>> = singles
        .zip(&authorizers)
        .map(|((signed, signature), signer)| keys::SignedMessage {
            signer,
            prefix: HashPrefix::Transaction,
            message: &signed.txn_bytes,
            signature,
        })
        .collect();
    items.is_empty() || keys::verify_batch(&items)
}

impl Transaction {
    /// Signs with `key`. When `key` is not the sender's (a rekeyed account) its address is
    /// recorded as the authorizer.
    pub fn sign(&self, key: &SecretKey) -> SignedTransaction {
        let txn = self.to_value();
        let bytes = msgpack::encode(&txn);
        let signature = key.sign(HashPrefix::Transaction, &bytes);
        let auth_address = Some(key.address()).filter(|address| *address != self.header.sender);
        SignedTransaction::assemble(txn, bytes, Authorization::Single(signature), auth_address)
    }

    /// Signs with `signers`, keys of the multisig `account`.
    pub fn sign_multisig(
        &self,
        account: &MultisigAccount,
        signers: &[&SecretKey],
    ) -> Result<SignedTransaction> {
        let multisig = account.sign(signers, HashPrefix::Transaction, &self.encode())?;
        let auth_address = Some(account.address()).filter(|a| *a != self.header.sender);
        Ok(SignedTransaction::new(self, Authorization::Multisig(multisig), auth_address))
    }

    /// Authorizes with a logic signature. For a contract account whose address is not the
    /// sender, or a delegation by a rekeyed-to account, pass that account as `auth_address`.
    pub fn sign_logic(&self, lsig: LogicSig, auth_address: Option<Address>) -> SignedTransaction {
        let auth_address = auth_address.filter(|address| *address != self.header.sender);
        SignedTransaction::new(self, Authorization::LogicSig(lsig), auth_address)
    }
}

fn read_authorization(value: &Value) -> Result<Authorization> {
    let mut found = Vec::new();
    if let Some(signature) = value.get("sig") {
        found.push(Authorization::Single(Signature(fixed64(signature, "sig")?)));
    }
    if let Some(multisig) = value.get("msig") {
        found.push(Authorization::Multisig(MultisigSig::from_value(multisig, "msig")?));
    }
    if let Some(lsig) = value.get("lsig") {
        found.push(Authorization::LogicSig(LogicSig::from_value(lsig)?));
    }
    match found.len() {
        0 => Ok(Authorization::Unsigned),
        1 => Ok(found.remove(0)),
        _ => Err(CodecError::InvalidField {
            field: "sig".into(),
            reason: "more than one of sig, msig, lsig",
        }),
    }
}

/// Rejects all-zero fixed-size fields, which canonical encoding would have omitted.
fn check_fixed_fields(txn: &Value) -> Result<()> {
    let check = |map: &Map, keys: &[&str], path: &str| {
        keys.iter().try_for_each(|key| match map.get(&Key::from(*key)) {
            Some(value) => fixed32(value, &format!("{path}{key}")).map(drop),
            None => Ok(()),
        })
    };
    check(txn.as_map("txn")?, &FIXED_TXN_FIELDS, "txn.")?;
    match txn.get("apar") {
        Some(params) => check(params.as_map("txn.apar")?, &FIXED_ASSET_FIELDS, "txn.apar."),
        None => Ok(()),
    }
}
