//! What the ledger needs to know about the block a group is applied in.

use tipforge_algo::{Address, Round};

/// The block being assembled and the network's constants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockContext {
    /// The round of the block being assembled.
    pub round: Round,
    /// The timestamp of the previous block (what `global LatestTimestamp` reads).
    pub prev_timestamp: u64,
    /// The network's genesis id.
    pub genesis_id: String,
    /// The network's genesis hash.
    pub genesis_hash: [u8; 32],
    /// Where fees go.
    pub fee_sink: Address,
    /// The minimum fee per transaction.
    pub min_fee: u64,
}
