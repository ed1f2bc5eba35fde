//! What is checked before a transaction reaches the node: base64, size, canonical msgpack, the
//! signature, the group, and a hash of the payload for idempotency keys.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use data_encoding::HEXLOWER;
use tipforge_algo::group::{MAX_GROUP_SIZE, group_id};
use tipforge_algo::{Round, SignedTransaction, Transaction, TxId, sha512_256};

use crate::api::ApiError;

/// The largest signed transaction accepted, decoded. The protocol's largest (an app creation
/// with every extra program page, arguments and references) stays well under it.
pub(super) const MAX_TXN_BYTES: usize = 32 * 1024;

/// A request's payload, as sent.
#[derive(Debug)]
pub(super) enum Submission {
    /// `POST /transactions`.
    Single(String),
    /// `POST /transactions/group`.
    Group(Vec<String>),
}

/// A payload that passed every check, ready for the node.
#[derive(Debug)]
pub(super) struct Checked {
    /// The signed transactions' canonical bytes, concatenated.
    pub(super) bytes: Vec<u8>,
    /// Their ids, in order.
    pub(super) txids: Vec<TxId>,
    /// The earliest last valid round among them: the group confirms by then or never.
    pub(super) last_valid: Round,
    /// The network they are for.
    pub(super) genesis_hash: [u8; 32],
    /// Identifies the payload, so an idempotency key is bound to it.
    pub(super) hash: String,
}

impl Submission {
    /// Runs every check. CPU-bound (signature verification): call off the async workers.
    pub(super) fn check(self) -> Result<Checked, ApiError> {
        let single = matches!(self, Self::Single(_));
        let (field, texts) = match self {
            Self::Single(text) => ("signedTxn", vec![text]),
            Self::Group(texts) => ("signedTxns", texts),
        };
        if texts.is_empty() || texts.len() > MAX_GROUP_SIZE {
            let reason = format!("a group has 1 to {MAX_GROUP_SIZE} transactions");
            return Err(ApiError::invalid(field, reason));
        }
        let members = texts
            .iter()
            .enumerate()
            .map(|(index, text)| member(text).map_err(|reason| at(field, single, index, reason)))
            .collect::<Result<Vec<_>, _>>()?;
        let typed = members.iter().map(|(_, typed)| typed.clone()).collect::<Vec<_>>();
        check_group(&typed, single).map_err(|reason| ApiError::invalid(field, reason))?;
        let genesis_hash = typed[0].header.genesis_hash;
        if typed.iter().any(|txn| txn.header.genesis_hash != genesis_hash) {
            return Err(ApiError::invalid(field, "the transactions are for different networks"));
        }
        let bytes: Vec<u8> = members.iter().flat_map(|(signed, _)| signed.encode()).collect();
        let hash = payload_hash(single, &bytes);
        Ok(Checked {
            txids: members.iter().map(|(signed, _)| signed.id()).collect(),
            last_valid: typed.iter().map(|txn| txn.header.last_valid).min().unwrap_or_default(),
            genesis_hash,
            bytes,
            hash,
        })
    }
}

/// Decodes and verifies one member.
fn member(text: &str) -> Result<(SignedTransaction, Transaction), String> {
    let bytes = STANDARD.decode(text.trim()).map_err(|_| "not standard base64".to_owned())?;
    if bytes.len() > MAX_TXN_BYTES {
        return Err(format!("over {MAX_TXN_BYTES} bytes"));
    }
    let signed = SignedTransaction::decode(&bytes)
        .map_err(|err| format!("not a canonically encoded signed transaction ({err})"))?;
    signed.verify().map_err(|err| format!("not validly signed ({err})"))?;
    let typed = signed.transaction().map_err(|err| format!("unsupported transaction ({err})"))?;
    Ok((signed, typed))
}

/// A lone transaction must not claim a group; a group's members must all carry the id of
/// exactly this list of transactions, or the node would reject it as incomplete.
fn check_group(transactions: &[Transaction], single: bool) -> Result<(), String> {
    let groups = transactions.iter().map(|txn| txn.header.group).collect::<Vec<_>>();
    if single {
        return match groups[0] {
            None => Ok(()),
            Some(_) => {
                Err("belongs to a group: send the whole group to /transactions/group".to_owned())
            }
        };
    }
    if transactions.len() == 1 && groups[0].is_none() {
        return Ok(());
    }
    let expected = group_id(transactions).map_err(|err| err.to_string())?;
    match groups.iter().position(|group| *group != Some(expected)) {
        None => Ok(()),
        Some(index) => Err(format!(
            "transaction {index} does not carry the group id of these transactions in this order"
        )),
    }
}

fn at(field: &'static str, single: bool, index: usize, reason: String) -> ApiError {
    match single {
        true => ApiError::invalid(field, reason),
        false => ApiError::invalid(field, format!("transaction {index}: {reason}")),
    }
}

/// The route and the canonical bytes: the same transaction sent alone and as a group of one
/// are different requests.
fn payload_hash(single: bool, bytes: &[u8]) -> String {
    let route: &[u8] = if single { b"single\0" } else { b"group\0" };
    let input = [route, bytes].concat();
    HEXLOWER.encode(&sha512_256(&input))
}

#[cfg(test)]
mod tests {
    use tipforge_algo::group::assign_group;
    use tipforge_algo::transaction::Payment;
    use tipforge_algo::{Address, MicroAlgos, SecretKey, SuggestedParams};

    use super::*;

    fn payment(key: &SecretKey, amount: u64) -> Transaction {
        let params = SuggestedParams {
            min_fee: MicroAlgos(1_000),
            fee_per_byte: MicroAlgos(0),
            first_valid: Round(1),
            last_valid: Round(1_001),
            genesis_id: "test".into(),
            genesis_hash: [3; 32],
        };
        let to = Payment::new(Address([9; 32]), MicroAlgos(amount));
        Transaction::builder(key.address(), &params, to).build().unwrap()
    }

    fn encoded(signed: &SignedTransaction) -> String {
        STANDARD.encode(signed.encode())
    }

    #[test]
    fn a_signed_payment_passes_and_is_hashed_by_route() {
        let key = SecretKey::from_seed(&[1; 32]);
        let text = encoded(&payment(&key, 5).sign(&key));

        let single = Submission::Single(text.clone()).check().unwrap();
        let group = Submission::Group(vec![text]).check().unwrap();

        assert_eq!(single.txids, group.txids);
        assert_eq!(single.last_valid, Round(1_001));
        assert_ne!(single.hash, group.hash);
    }

    #[test]
    fn a_signature_by_another_key_is_refused() {
        let (key, other) = (SecretKey::from_seed(&[1; 32]), SecretKey::from_seed(&[2; 32]));
        let mut signed = payment(&key, 5).sign(&other);
        // Drop the rekey marker so the signature is checked against the sender.
        signed = SignedTransaction::from_value(strip_signer(signed.value().clone())).unwrap();

        assert!(Submission::Single(encoded(&signed)).check().is_err());
    }

    fn strip_signer(value: tipforge_algo::msgpack::Value) -> tipforge_algo::msgpack::Value {
        let sig = value.get("sig").unwrap().clone();
        let txn = value.get("txn").unwrap().clone();
        tipforge_algo::msgpack::Value::map([("sig", sig), ("txn", txn)])
    }

    #[test]
    fn group_members_must_carry_their_group_id() {
        let key = SecretKey::from_seed(&[1; 32]);
        let mut group = vec![payment(&key, 1), payment(&key, 2)];
        assign_group(&mut group).unwrap();
        let signed: Vec<_> = group.iter().map(|txn| encoded(&txn.sign(&key))).collect();
        let ungrouped = encoded(&payment(&key, 3).sign(&key));

        assert!(Submission::Group(signed.clone()).check().is_ok());
        assert!(Submission::Group(vec![signed[0].clone(), ungrouped]).check().is_err());
        assert!(Submission::Group(vec![signed[1].clone(), signed[0].clone()]).check().is_err());
        assert!(Submission::Single(signed[0].clone()).check().is_err());
        assert!(Submission::Group(Vec::new()).check().is_err());
    }
}
