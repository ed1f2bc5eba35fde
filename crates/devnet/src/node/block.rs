//! Blocks as algod encodes them: a header of codec short keys plus the payset of
//! `SignedTxnInBlock` entries (genesis id and hash stripped, `hgi` flag, apply data inline).

use std::sync::Arc;

use tipforge_algo::msgpack::{self, Key, Map, Value};
use tipforge_algo::{Address, Round, TxId, sha512_256};

use crate::ledger::AppliedTxn;

/// The protocol name blocks carry (LocalNet's dev mode runs `future` too).
pub const PROTOCOL: &str = "future";

/// A block header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockHeader {
    /// The round (`rnd`).
    pub round: Round,
    /// Hash of the previous block's header (`prev`), zero for round 0.
    pub prev: [u8; 32],
    /// `seed`: SHA-512/256("SD" ‖ previous seed ‖ round), deterministic, not a VRF output.
    pub seed: [u8; 32],
    /// Unix seconds (`ts`).
    pub timestamp: u64,
    /// `txn`: SHA-512/256("TL" ‖ for each payset entry, its txid ‖ SHA-512/256(its encoded
    /// `SignedTxnInBlock`)). Deterministic and covering every byte of the payset, but a flat
    /// hash rather than go-algorand's Merkle tree, so it does not match algod's root.
    pub txn_root: [u8; 32],
    /// Transactions applied since genesis, inner ones included (`tc`).
    pub txn_counter: u64,
    /// Genesis id (`gen`).
    pub genesis_id: String,
    /// Genesis hash (`gh`).
    pub genesis_hash: [u8; 32],
    /// Fee sink (`fees`).
    pub fee_sink: Address,
    /// Rewards pool (`rwd`).
    pub rewards_pool: Address,
}

/// One payset entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockTxn {
    /// The transaction as applied.
    pub applied: AppliedTxn,
    /// Its `SignedTxnInBlock` encoding as a value.
    pub encoded: Value,
}

impl BlockTxn {
    /// Its id.
    pub fn id(&self) -> TxId {
        self.applied.signed.id()
    }
}

/// A block: header and payset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The header.
    pub header: BlockHeader,
    /// The transactions in order.
    pub txns: Vec<BlockTxn>,
}

/// A shared, immutable block.
pub type SharedBlock = Arc<Block>;

impl Block {
    /// Builds block `round` on top of `prev` from the applied transactions.
    pub fn build(prev: &BlockHeader, timestamp: u64, applied: Vec<AppliedTxn>, tc: u64) -> Self {
        let round = prev.round.next();
        let txns: Vec<BlockTxn> = applied
            .into_iter()
            .map(|applied| {
                let encoded = encode_in_block(&applied, &prev.genesis_id);
                BlockTxn { applied, encoded }
            })
            .collect();
        let header = BlockHeader {
            round,
            prev: prev.hash(),
            seed: sha512_256(&[b"SD".as_slice(), &prev.seed, &round.0.to_be_bytes()].concat()),
            timestamp,
            txn_root: txn_root(&txns),
            txn_counter: tc,
            ..prev.clone()
        };
        Self { header, txns }
    }

    /// The block as algod's `/v2/blocks/{round}` returns it under `"block"`.
    pub fn to_value(&self) -> Value {
        let mut map = self.header.to_map();
        let payset = self.txns.iter().map(|t| t.encoded.clone()).collect();
        insert(&mut map, "txns", Value::Array(payset));
        Value::Map(map)
    }
}

impl BlockHeader {
    /// The genesis block's header.
    pub fn genesis(genesis: &crate::genesis::Genesis, timestamp: u64, tc: u64) -> Self {
        Self {
            round: Round(0),
            prev: [0; 32],
            seed: genesis.hash,
            timestamp,
            txn_root: txn_root(&[]),
            txn_counter: tc,
            genesis_id: genesis.id.clone(),
            genesis_hash: genesis.hash,
            fee_sink: genesis.fee_sink,
            rewards_pool: genesis.rewards_pool,
        }
    }

    fn to_map(&self) -> Map {
        let mut map = Map::new();
        insert(&mut map, "rnd", Value::Uint(self.round.0));
        insert(&mut map, "prev", Value::from(&self.prev[..]));
        insert(&mut map, "seed", Value::from(&self.seed[..]));
        insert(&mut map, "ts", Value::Uint(self.timestamp));
        insert(&mut map, "txn", Value::from(&self.txn_root[..]));
        insert(&mut map, "tc", Value::Uint(self.txn_counter));
        insert(&mut map, "gen", Value::from(self.genesis_id.as_str()));
        insert(&mut map, "gh", Value::from(&self.genesis_hash[..]));
        insert(&mut map, "fees", Value::from(&self.fee_sink.0[..]));
        insert(&mut map, "rwd", Value::from(&self.rewards_pool.0[..]));
        insert(&mut map, "proto", Value::from(PROTOCOL));
        map
    }

    /// SHA-512/256("BH" ‖ canonical msgpack of the header).
    pub fn hash(&self) -> [u8; 32] {
        let bytes = msgpack::encode(&Value::Map(self.to_map()));
        sha512_256(&[b"BH".as_slice(), &bytes].concat())
    }
}

fn insert(map: &mut Map, key: &str, value: Value) {
    if !value.is_empty() && value != Value::Bytes(vec![0; 32]) {
        map.insert(Key::from(key), value);
    }
}

/// go-algorand's `EncodeSignedTxn`: `gen` removed (flag `hgi`) and `gh` removed (its flag is
/// not set since genesis hashes are required), apply data merged in.
pub fn encode_in_block(applied: &AppliedTxn, genesis_id: &str) -> Value {
    let mut map = match applied.signed.value() {
        Value::Map(map) => map.clone(),
        _ => Map::new(),
    };
    if let Some(Value::Map(txn)) = map.get_mut(&Key::from("txn")) {
        let had_id =
            matches!(txn.remove(&Key::from("gen")), Some(Value::Str(id)) if id == genesis_id);
        txn.remove(&Key::from("gh"));
        if had_id {
            map.insert(Key::from("hgi"), Value::Bool(true));
        }
    }
    applied.apply.write_into(&mut map);
    Value::Map(map)
}

fn txn_root(txns: &[BlockTxn]) -> [u8; 32] {
    let parts: Vec<Vec<u8>> = txns
        .iter()
        .map(|t| [t.id().0, sha512_256(&msgpack::encode(&t.encoded))].concat())
        .collect();
    sha512_256(&[b"TL".as_slice(), &parts.concat()].concat())
}
