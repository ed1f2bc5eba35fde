//! The node: chain state behind one lock, the block producer, persistence, and the
//! notifications that wake `wait-for-block-after`.

mod block;
mod chain;
mod pool;
mod producer;
mod store;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use tipforge_algo::{Round, SignedTransaction, TxId};
use tokio::sync::watch;

pub use block::{Block, BlockHeader, BlockTxn, PROTOCOL, SharedBlock, encode_in_block};
pub use chain::{Chain, Found, TxLocation};
pub use pool::{Pool, PooledGroup};
pub use producer::run_interval_producer;
pub use store::{BlockLog, StoreError, state_digest};

use crate::config::MiningMode;
use crate::error::Result;
use crate::ledger::{Signatures, verify_groups, verify_signatures};

/// Unix seconds now.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The running node shared by the producer and the APIs.
#[derive(Debug)]
pub struct Node {
    chain: Mutex<Chain>,
    mode: MiningMode,
    paused: AtomicBool,
    rounds: watch::Sender<Round>,
    log: Option<Mutex<BlockLog>>,
}

impl Node {
    /// A node over `chain`, writing new blocks to `log` when given.
    pub fn new(chain: Chain, mode: MiningMode, log: Option<BlockLog>) -> Self {
        let (rounds, _) = watch::channel(chain.last_round());
        Self {
            chain: Mutex::new(chain),
            mode,
            paused: AtomicBool::new(false),
            rounds,
            log: log.map(Mutex::new),
        }
    }

    /// The chain, locked. Hold it briefly.
    pub fn chain(&self) -> MutexGuard<'_, Chain> {
        // A panic while holding the lock leaves a consistent chain (every change is a single
        // assignment after validation), so a poisoned lock is still safe to use.
        self.chain.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The block production mode.
    pub fn mode(&self) -> MiningMode {
        self.mode
    }

    /// Notifications of each new round.
    pub fn subscribe(&self) -> watch::Receiver<Round> {
        self.rounds.subscribe()
    }

    /// Accepts a group into the pool; in dev mode (unless paused) it is sealed into its own
    /// block before this returns, as go-algorand's dev mode does.
    ///
    /// Signatures are verified before the chain is locked, so concurrent submissions verify in
    /// parallel.
    pub fn submit(&self, group: &[SignedTransaction]) -> Result<TxId> {
        verify_signatures(group)?;
        self.submit_verified(group)
    }

    /// Submits many groups, verifying their signatures first in batches on every core; one
    /// result per group, in order.
    pub fn submit_batch(&self, groups: &[Vec<SignedTransaction>]) -> Vec<Result<TxId>> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = groups.len().div_ceil(threads).max(1);
        let verified: Vec<Result<()>> = std::thread::scope(|scope| {
            let workers: Vec<_> =
                groups.chunks(chunk).map(|part| scope.spawn(move || verify_groups(part))).collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("signature verification does not panic"))
                .collect()
        });
        groups
            .iter()
            .zip(verified)
            .map(|(group, verified)| verified.and_then(|()| self.submit_verified(group)))
            .collect()
    }

    fn submit_verified(&self, group: &[SignedTransaction]) -> Result<TxId> {
        let mut chain = self.chain();
        let txid = chain.submit(group, Signatures::Verified)?;
        tracing::debug!(target: "devnet::pool", %txid, size = group.len(), "group accepted");
        if self.mode == MiningMode::Dev && !self.is_paused() {
            self.seal(&mut chain, 1, false);
        }
        Ok(txid)
    }

    /// Seals the next block from the pool (interval mode: everything, empty blocks too).
    pub fn produce(&self) {
        if self.is_paused() {
            return;
        }
        let mut chain = self.chain();
        match self.mode {
            MiningMode::Dev => while self.seal(&mut chain, 1, false) {},
            MiningMode::Interval(_) => {
                self.seal(&mut chain, usize::MAX, true);
            }
        }
    }

    fn seal(&self, chain: &mut Chain, groups: usize, allow_empty: bool) -> bool {
        let Some(block) = chain.seal(groups, unix_now(), allow_empty) else { return false };
        if let Some(log) = &self.log {
            let mut log = log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Err(error) = log.append(&block) {
                tracing::error!(target: "devnet::producer", %error, "block not persisted");
            }
        }
        let round = block.header.round;
        tracing::debug!(target: "devnet::producer", round = round.0, txns = block.txns.len(), "block");
        self.rounds.send_replace(round);
        true
    }

    /// Writes the state snapshot beside the block log (when there is one).
    pub fn write_snapshot(&self) {
        let Some(log) = &self.log else { return };
        let chain = self.chain();
        let log = log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Err(error) = log.write_snapshot(&chain) {
            tracing::error!(target: "devnet::store", %error, "snapshot not written");
        }
    }

    /// Pauses or resumes block production (fault injection). On resume in dev mode, every
    /// pooled group gets its block.
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        if !paused && self.mode == MiningMode::Dev {
            self.produce();
        }
    }

    /// Whether production is paused.
    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }
}
