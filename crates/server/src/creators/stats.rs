//! On-chain contract stats behind a per-app cache: entries live 60 s, concurrent misses for
//! one app share a single node read, and TipForge's own pause, resume and minimum-tip calls
//! evict the entry.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use tipforge_algo::{Address, AppId};

use super::error::Result;
use super::{Creators, chain};
use crate::domain::{Contract, ContractState, Timestamp};

/// How long stats are served from the cache.
const TTL: Duration = Duration::from_secs(60);
/// Apps whose stats are kept at most; the least used are evicted beyond it.
const CAPACITY: u64 = 100_000;

/// A contract's state as read from the node at some instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// The state.
    pub state: ContractState,
    /// When it was read.
    pub fetched_at: Timestamp,
}

pub(super) fn cache() -> Cache<AppId, Arc<StatsSnapshot>> {
    Cache::builder().max_capacity(CAPACITY).time_to_live(TTL).build()
}

impl Creators {
    /// The creator's contract and its stats, from the cache when fresh.
    pub async fn stats(&self, wallet: &Address) -> Result<(Contract, Arc<StatsSnapshot>)> {
        let (_, contract) = self.registered(wallet).await?;
        let app = contract.app_id;
        let read = async {
            let state = chain::read_state(&self.node, app).await?;
            Ok(Arc::new(StatsSnapshot { state, fetched_at: self.now() }))
        };
        let snapshot = self.stats.try_get_with(app, read).await?;
        Ok((contract, snapshot))
    }

    /// Drops the cached stats of `app`, whose state TipForge is about to change.
    pub(super) async fn forget_stats(&self, app: AppId) {
        self.stats.invalidate(&app).await;
    }
}
