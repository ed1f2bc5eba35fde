//! Transactions as blocks store them (`SignedTxnInBlock`): genesis fields stripped, apply data
//! attached. Restoring the genesis fields gives back the transaction and its real id.

use crate::error::{CodecError, Result};
use crate::msgpack::{Key, Map, Value};
use crate::signed::SignedTransaction;
use crate::transaction::fields::fixed32;
use crate::txid::TxId;

/// Keys of a `SignedTxnInBlock` that belong to the signed transaction; the rest is apply data.
const SIGNED_KEYS: [&str; 5] = ["txn", "sig", "msig", "lsig", "sgnr"];
const BLOCK_FLAGS: [&str; 2] = ["hgi", "hgh"];

/// A transaction found in a block, with its id restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockTransaction {
    /// The signed transaction, genesis fields restored.
    pub signed: SignedTransaction,
    /// What applying it did (`ca`, `rs`, `dt` with logs and inner transactions, created ids…).
    pub apply_data: Map,
}

/// An inner transaction, with the id algod and the indexer give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerTransaction {
    /// Its id, derived from its parent's id and its position.
    pub id: TxId,
    /// Its `txn` value.
    pub txn: Value,
    /// Its own apply data, which may hold further inner transactions.
    pub apply_data: Map,
}

/// The block's genesis fields, which its transactions leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockGenesis {
    /// `gen` of the block header.
    pub genesis_id: String,
    /// `gh` of the block header.
    pub genesis_hash: [u8; 32],
}

impl BlockGenesis {
    /// Reads `gen` and `gh` from a block header map (the `block` value of an algod block).
    pub fn from_header(header: &Value) -> Result<Self> {
        let genesis_id = header.get("gen").map_or(Ok(""), |value| value.as_str("gen"))?;
        let hash = header.get("gh").ok_or(CodecError::MissingField { field: "gh" })?;
        Ok(Self { genesis_id: genesis_id.to_owned(), genesis_hash: fixed32(hash, "gh")? })
    }
}

/// The transactions (`txns`) of a block header map, in order.
pub fn block_transactions(header: &Value) -> Result<Vec<BlockTransaction>> {
    let genesis = BlockGenesis::from_header(header)?;
    let txns = header.get("txns").map_or(Ok(&[][..]), |value| value.as_array("txns"))?;
    txns.iter().map(|entry| from_block(entry, &genesis)).collect()
}

/// Restores one `SignedTxnInBlock`: `gen` when its `hgi` flag is set, and `gh` always (every
/// protocol since genesis-hash became required stores it stripped).
pub fn from_block(entry: &Value, genesis: &BlockGenesis) -> Result<BlockTransaction> {
    let map = entry.as_map("txns[]")?;
    let mut signed = Map::new();
    let mut apply_data = Map::new();
    for (key, value) in map {
        let name = match key {
            Key::Str(name) => name.as_slice(),
            Key::Uint(_) => b"",
        };
        if SIGNED_KEYS.iter().any(|known| known.as_bytes() == name) {
            signed.insert(key.clone(), value.clone());
        } else if !BLOCK_FLAGS.iter().any(|flag| flag.as_bytes() == name) {
            apply_data.insert(key.clone(), value.clone());
        }
    }
    let has_genesis_id = entry.get("hgi").map_or(Ok(false), |flag| flag.as_bool("hgi"))?;
    let txn = signed.get_mut(&Key::from("txn")).ok_or(CodecError::MissingField { field: "txn" })?;
    let txn = txn.as_map_mut("txn")?;
    if has_genesis_id {
        txn.insert(Key::from("gen"), Value::from(genesis.genesis_id.as_str()));
    }
    txn.insert(Key::from("gh"), Value::from(&genesis.genesis_hash[..]));
    let signed = SignedTransaction::from_value(Value::Map(signed))?;
    Ok(BlockTransaction { signed, apply_data })
}

impl BlockTransaction {
    /// The asset this transaction created (apply data `caid`), for an asset creation.
    pub fn created_asset(&self) -> Option<crate::AssetId> {
        let created = self.apply_data.get(&Key::from("caid"))?.as_u64("caid").ok()?;
        (created != 0).then_some(crate::AssetId(created))
    }

    /// The inner transactions this one issued (`dt.itx`), depth first, each followed by its own
    /// inner transactions.
    pub fn inner_transactions(&self) -> Result<Vec<InnerTransaction>> {
        let mut found = Vec::new();
        collect_inner(self.signed.id(), &self.apply_data, &mut found)?;
        Ok(found)
    }
}

fn collect_inner(parent: TxId, apply_data: &Map, found: &mut Vec<InnerTransaction>) -> Result<()> {
    let Some(delta) = apply_data.get(&Key::from("dt")) else { return Ok(()) };
    let inner = delta.get("itx").map_or(Ok(&[][..]), |value| value.as_array("dt.itx"))?;
    for (index, entry) in inner.iter().enumerate() {
        let txn = entry.get("txn").ok_or(CodecError::MissingField { field: "txn" })?;
        let bytes = crate::msgpack::encode(txn);
        let id = TxId::of_inner(&parent, index as u64, &bytes);
        let own_data: Map = entry
            .as_map("dt.itx[]")?
            .iter()
            .filter(|(key, _)| !SIGNED_KEYS.iter().any(|k| Key::from(*k) == **key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        found.push(InnerTransaction { id, txn: txn.clone(), apply_data: own_data.clone() });
        collect_inner(id, &own_data, found)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::Payment;
    use crate::{Address, MicroAlgos, Round, SecretKey, SuggestedParams, Transaction};

    fn signed() -> SignedTransaction {
        let key = SecretKey::from_seed(&[5; 32]);
        let params = SuggestedParams {
            min_fee: MicroAlgos(1000),
            fee_per_byte: MicroAlgos(0),
            first_valid: Round(10),
            last_valid: Round(20),
            genesis_id: "mainnet-v1.0".into(),
            genesis_hash: [9; 32],
        };
        let body = Payment::new(Address::ZERO, MicroAlgos(1));
        let txn = Transaction::builder(key.address(), &params, body).build().expect("valid");
        txn.sign(&key)
    }

    /// What a block stores: genesis fields stripped, `hgi` set, apply data beside.
    fn stored(signed: &SignedTransaction) -> Value {
        let mut value = signed.value().clone();
        let map = value.as_map_mut("stxn").expect("map");
        let txn = map.get_mut(&Key::from("txn")).expect("txn").as_map_mut("txn").expect("map");
        txn.remove(&Key::from("gen"));
        txn.remove(&Key::from("gh"));
        map.insert(Key::from("hgi"), Value::Bool(true));
        map.insert(Key::from("rs"), Value::Uint(7));
        value
    }

    #[test]
    fn restoring_genesis_fields_gives_back_the_id() {
        let signed = signed();
        let header = Value::map([
            ("gen", Value::from("mainnet-v1.0")),
            ("gh", Value::from(&[9u8; 32][..])),
            ("txns", Value::Array(vec![stored(&signed)])),
        ]);

        let found = block_transactions(&header).expect("decodes");

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].signed.id(), signed.id());
        assert_eq!(found[0].signed.verify(), Ok(()));
        assert_eq!(found[0].apply_data.get(&Key::from("rs")), Some(&Value::Uint(7)));
    }

    #[test]
    fn inner_ids_chain_from_the_parent_id() {
        let signed = signed();
        let inner_txn = Value::map([("type", Value::from("pay")), ("amt", Value::Uint(3))]);
        let inner = Value::map([("txn", inner_txn.clone())]);
        let delta = Value::map([("itx", Value::Array(vec![inner.clone(), inner]))]);
        let mut apply_data = Map::new();
        apply_data.insert(Key::from("dt"), delta);
        let parent = BlockTransaction { signed: signed.clone(), apply_data };

        let found = parent.inner_transactions().expect("decodes");

        let bytes = crate::msgpack::encode(&inner_txn);
        assert_eq!(found[0].id, TxId::of_inner(&signed.id(), 0, &bytes));
        assert_eq!(found[1].id, TxId::of_inner(&signed.id(), 1, &bytes));
        assert_ne!(found[0].id, found[1].id);
    }
}
