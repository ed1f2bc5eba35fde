//! A block as algod serves it in msgpack, with its transactions' ids restored.

use tipforge_algo::block::{BlockGenesis, BlockTransaction, block_transactions};
use tipforge_algo::msgpack::{self, Value};
use tipforge_algo::{CodecError, Round};

/// One block: its header fields and its transactions with apply data.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Its round.
    pub round: Round,
    /// Its timestamp, in seconds since the Unix epoch.
    pub timestamp: u64,
    /// The network it belongs to.
    pub genesis: BlockGenesis,
    /// Its transactions in block order, genesis fields restored so their ids are the real ones.
    pub transactions: Vec<BlockTransaction>,
}

impl Block {
    /// Reads the body of `GET /v2/blocks/{round}?format=msgpack` (`{"block": …, "cert": …}`).
    pub fn from_msgpack(bytes: &[u8]) -> Result<Self, CodecError> {
        let top = msgpack::decode(bytes)?;
        let header = top.get("block").ok_or(CodecError::MissingField { field: "block" })?;
        Self::from_header(header)
    }

    /// Reads a block header map (with its `txns`).
    pub fn from_header(header: &Value) -> Result<Self, CodecError> {
        let uint = |field: &'static str| header.get(field).map_or(Ok(0), |v| v.as_u64(field));
        Ok(Self {
            round: Round(uint("rnd")?),
            timestamp: uint("ts")?,
            genesis: BlockGenesis::from_header(header)?,
            transactions: block_transactions(header)?,
        })
    }
}
