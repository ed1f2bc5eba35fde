//! The transaction pool: groups accepted against the pending state, waiting for a block.

use std::collections::VecDeque;

use tipforge_algo::TxId;

use crate::ledger::{AppliedTxn, State};

/// One accepted group and the state right after it.
#[derive(Debug, Clone)]
pub struct PooledGroup {
    /// The members as applied.
    pub applied: Vec<AppliedTxn>,
    /// The pending state once this group is applied.
    pub state_after: State,
}

/// Accepted groups in arrival order.
#[derive(Debug, Default)]
pub struct Pool {
    groups: VecDeque<PooledGroup>,
    txns: usize,
}

impl Pool {
    /// Adds an accepted group.
    pub fn push(&mut self, group: PooledGroup) {
        self.txns += group.applied.len();
        self.groups.push_back(group);
    }

    /// Takes up to `groups` groups, oldest first.
    pub fn take(&mut self, groups: usize) -> Vec<PooledGroup> {
        let count = groups.min(self.groups.len());
        let taken: Vec<PooledGroup> = self.groups.drain(..count).collect();
        self.txns -= taken.iter().map(|g| g.applied.len()).sum::<usize>();
        taken
    }

    /// Number of pooled groups.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Number of pooled transactions.
    pub fn txn_count(&self) -> usize {
        self.txns
    }

    /// A pooled transaction by id.
    pub fn find(&self, txid: &TxId) -> Option<&AppliedTxn> {
        self.groups.iter().flat_map(|g| &g.applied).find(|t| t.signed.id() == *txid)
    }

    /// Pooled transactions, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &AppliedTxn> {
        self.groups.iter().flat_map(|g| &g.applied)
    }

    /// The state after the newest pooled group.
    pub fn last_state(&self) -> Option<&State> {
        self.groups.back().map(|g| &g.state_after)
    }
}
