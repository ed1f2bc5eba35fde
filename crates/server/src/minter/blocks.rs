//! The recent blocks the minter's batches wait on, each read from the node once per process.
//!
//! Every batch in flight watches the same new blocks for its own transactions. Read separately,
//! a block carrying thousands of transactions would be fetched and decoded once per waiting
//! batch; here the first batch to need a round reads it and the others find its transaction
//! ids ready.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tipforge_algo::{AssetId, Round, TxId};
use tipforge_chain::{Algod, ChainError, fetch_blocks};
use tokio::sync::Mutex;

/// Rounds kept: enough for every batch in flight to catch up from its last block, as batches
/// wait a few rounds at most; an older round is simply read again.
const KEPT_ROUNDS: usize = 32;

/// Blocks read concurrently when several rounds are missing.
const READ_AHEAD: usize = 4;

/// The top-level transactions one block committed.
#[derive(Debug)]
pub(super) struct Committed {
    /// The block's round.
    pub round: Round,
    /// Each transaction's id with the asset it created, if any.
    pub transactions: HashMap<TxId, Option<AssetId>>,
}

/// Recent blocks by round, shared by a minter's batches.
#[derive(Debug, Default)]
pub(super) struct RecentBlocks {
    /// Held while reading, so a round missing for several batches is read once.
    rounds: Mutex<BTreeMap<Round, Arc<Committed>>>,
}

impl RecentBlocks {
    /// The blocks of rounds `from..=to`, all committed already, in order.
    pub(super) async fn range(
        &self,
        algod: &Algod,
        from: Round,
        to: Round,
    ) -> Result<Vec<Arc<Committed>>, ChainError> {
        let mut rounds = self.rounds.lock().await;
        let missing = (from.0..=to.0).map(Round).filter(|round| !rounds.contains_key(round));
        let (first, last) =
            missing.fold((None, None), |(first, _), round| (first.or(Some(round)), Some(round)));
        let mut read = BTreeMap::new();
        if let (Some(first), Some(last)) = (first, last) {
            for block in fetch_blocks(algod, first, last, READ_AHEAD).await? {
                let transactions = block
                    .transactions
                    .iter()
                    .map(|txn| (txn.signed.id(), txn.created_asset()))
                    .collect();
                read.insert(block.round, Arc::new(Committed { round: block.round, transactions }));
            }
        }
        let found = (from.0..=to.0)
            .map(Round)
            .filter_map(|round| read.get(&round).or_else(|| rounds.get(&round)).cloned())
            .collect();
        rounds.extend(read);
        while rounds.len() > KEPT_ROUNDS {
            rounds.pop_first();
        }
        Ok(found)
    }
}
