//! The chain: committed state, pool and blocks, with the operations the producer and the APIs
//! perform under one lock.

use std::collections::HashMap;

use tipforge_algo::{Round, SignedTransaction, TxId};

use super::block::{Block, BlockHeader, BlockTxn, SharedBlock};
use super::pool::{Pool, PooledGroup};
use crate::error::Result;
use crate::genesis::Genesis;
use crate::ledger::{AppliedTxn, BlockContext, Signatures, State, apply_group, apply_group_with};

/// Where a confirmed transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxLocation {
    /// Its round.
    pub round: Round,
    /// Its position in the block's payset.
    pub index: usize,
}

/// A transaction found by id.
#[derive(Debug, Clone, Copy)]
pub enum Found<'a> {
    /// Still in the pool.
    Pooled(&'a AppliedTxn),
    /// In a block.
    Confirmed(&'a Block, &'a BlockTxn),
}

/// The node's state.
#[derive(Debug)]
pub struct Chain {
    genesis: Genesis,
    min_fee: u64,
    committed: State,
    pool: Pool,
    blocks: Vec<SharedBlock>,
    locations: HashMap<TxId, TxLocation>,
    pool_limit: usize,
    /// Seconds added to the previous timestamp for each dev-mode block, when set.
    pub timestamp_offset: Option<u64>,
}

impl Chain {
    /// A chain holding only the genesis block.
    pub fn new(genesis: Genesis, min_fee: u64, genesis_timestamp: u64) -> Self {
        let committed = genesis.state();
        let header = BlockHeader::genesis(&genesis, genesis_timestamp, committed.txn_counter);
        let block = Block { header, txns: Vec::new() };
        Self {
            genesis,
            min_fee,
            committed,
            pool: Pool::default(),
            blocks: vec![SharedBlock::new(block)],
            locations: HashMap::new(),
            pool_limit: crate::config::Config::DEFAULT_POOL_SIZE,
            timestamp_offset: None,
        }
    }

    /// Sets the genesis block's timestamp (a restored chain keeps its original one, so that
    /// every later block's `prev` hash is reproduced). Only meaningful before round 1.
    pub fn set_genesis_timestamp(&mut self, timestamp: u64) {
        if self.blocks.len() == 1 {
            let header = BlockHeader::genesis(&self.genesis, timestamp, self.committed.txn_counter);
            self.blocks[0] = SharedBlock::new(Block { header, txns: Vec::new() });
        }
    }

    /// Sets how many transactions the pool holds at most.
    pub fn set_pool_limit(&mut self, transactions: usize) {
        self.pool_limit = transactions;
    }

    /// The genesis.
    pub fn genesis(&self) -> &Genesis {
        &self.genesis
    }

    /// The minimum fee.
    pub fn min_fee(&self) -> u64 {
        self.min_fee
    }

    /// The latest block.
    pub fn last_block(&self) -> &SharedBlock {
        self.blocks.last().expect("the genesis block is always there")
    }

    /// The latest round.
    pub fn last_round(&self) -> Round {
        self.last_block().header.round
    }

    /// A block by round.
    pub fn block(&self, round: Round) -> Option<&SharedBlock> {
        self.blocks.get(usize::try_from(round.0).ok()?)
    }

    /// Every block, oldest first.
    pub fn blocks(&self) -> &[SharedBlock] {
        &self.blocks
    }

    /// The committed state (as of the latest block).
    pub fn state(&self) -> &State {
        &self.committed
    }

    /// The pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The context of the next block.
    pub fn next_context(&self) -> BlockContext {
        let last = &self.last_block().header;
        BlockContext {
            round: last.round.next(),
            prev_timestamp: last.timestamp,
            genesis_id: self.genesis.id.clone(),
            genesis_hash: self.genesis.hash,
            fee_sink: self.genesis.fee_sink,
            min_fee: self.min_fee,
        }
    }

    /// Checks `group` against the pending state (committed plus pool) and pools it; returns
    /// the id of its first transaction.
    pub fn submit(&mut self, group: &[SignedTransaction], signatures: Signatures) -> Result<TxId> {
        if self.pool.txn_count() + group.len() > self.pool_limit {
            return Err(crate::error::LedgerError::PoolFull);
        }
        let pending = self.pool.last_state().unwrap_or(&self.committed);
        let (state_after, applied) =
            apply_group_with(pending, group, &self.next_context(), signatures)?;
        let first = applied.first().map(|t| t.signed.id());
        self.pool.push(PooledGroup { applied, state_after });
        Ok(first.expect("an accepted group has members"))
    }

    /// Seals up to `groups` pooled groups into the next block at `now` (unix seconds); with
    /// `allow_empty` false, an empty pool produces nothing.
    pub fn seal(&mut self, groups: usize, now: u64, allow_empty: bool) -> Option<SharedBlock> {
        let taken = self.pool.take(groups);
        if taken.is_empty() && !allow_empty {
            return None;
        }
        if let Some(last) = taken.last() {
            self.committed = last.state_after.clone();
        }
        let applied: Vec<AppliedTxn> = taken.into_iter().flat_map(|g| g.applied).collect();
        let block = self.build_block(applied, now);
        self.push_block(block.clone());
        Some(block)
    }

    fn build_block(&mut self, applied: Vec<AppliedTxn>, now: u64) -> SharedBlock {
        let prev = &self.last_block().header;
        let timestamp = match self.timestamp_offset {
            Some(offset) => prev.timestamp.saturating_add(offset),
            None => now.max(prev.timestamp),
        };
        let block = Block::build(prev, timestamp, applied, self.committed.txn_counter);
        SharedBlock::new(block)
    }

    /// Appends a block whose transactions the committed state already reflects.
    pub fn push_block(&mut self, block: SharedBlock) {
        let round = block.header.round;
        for (index, txn) in block.txns.iter().enumerate() {
            self.locations.insert(txn.id(), TxLocation { round, index });
        }
        self.blocks.push(block);
        // Pruning scans every remembered id, so it runs every few rounds, not every block.
        if self.pool.group_count() == 0 && round.0 % 32 == 0 {
            self.committed.prune(round.next());
        }
    }

    /// Replays a stored block: applies its groups to the committed state and checks that the
    /// rebuilt block hashes to `expected` (its header hash). Used when loading a block log.
    pub fn replay(
        &mut self,
        groups: &[Vec<SignedTransaction>],
        timestamp: u64,
        expected: [u8; 32],
    ) -> Result<bool> {
        let ctx = self.next_context();
        let mut state = self.committed.clone();
        let mut applied = Vec::new();
        for group in groups {
            let (after, members) = apply_group(&state, group, &ctx)?;
            state = after;
            applied.extend(members);
        }
        self.committed = state;
        let block =
            Block::build(&self.last_block().header, timestamp, applied, self.committed.txn_counter);
        let matches = block.header.hash() == expected;
        self.push_block(SharedBlock::new(block));
        Ok(matches)
    }

    /// A transaction by id, pooled or confirmed.
    pub fn find(&self, txid: &TxId) -> Option<Found<'_>> {
        if let Some(location) = self.locations.get(txid) {
            let block = self.block(location.round)?;
            return Some(Found::Confirmed(block, block.txns.get(location.index)?));
        }
        self.pool.find(txid).map(Found::Pooled)
    }
}
