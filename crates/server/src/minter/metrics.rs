//! The minter's counters, read by `/listener/status`, and its Prometheus series.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tipforge_algo::Round;

use crate::domain::Timestamp;

/// Live minter figures, shared by every worker of the process.
#[derive(Debug, Default)]
pub struct MinterMetrics {
    failed_mints: AtomicU64,
    retry_successes: AtomicU64,
    retry_failures: AtomicU64,
    mints: AtomicU64,
    deliveries: AtomicU64,
    largest_mint_batch: AtomicU64,
    most_mints_in_a_block: AtomicU64,
    /// Our mints in each recent block, summed over the batches that found theirs in it.
    mints_by_round: Mutex<BTreeMap<Round, u64>>,
    underfunded: AtomicBool,
}

/// Rounds whose mints are still being summed: batches settle a block within a few rounds.
const TALLIED_ROUNDS: usize = 32;

/// A reading of [`MinterMetrics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinterSnapshot {
    /// Mint steps that failed.
    pub failed_mints: u64,
    /// Steps of previously failed jobs that succeeded.
    pub retry_successes: u64,
    /// Steps of previously failed jobs that failed again.
    pub retry_failures: u64,
    /// Mints confirmed.
    pub mints: u64,
    /// Deliveries confirmed.
    pub deliveries: u64,
    /// The most mints one batch sent.
    pub largest_mint_batch: u64,
    /// The most of our mints one block confirmed.
    pub most_mints_in_a_block: u64,
    /// Whether the platform account was last found unable to pay.
    pub underfunded: bool,
}

impl MinterMetrics {
    /// Counters at zero, with their Prometheus series registered so `/metrics` shows them
    /// before the first reward.
    pub fn new() -> Self {
        for name in [
            "tipforge_minter_failed_mints_total",
            "tipforge_minter_retry_successes_total",
            "tipforge_minter_retry_failures_total",
            "tipforge_minter_mints_total",
            "tipforge_minter_deliveries_total",
        ] {
            metrics::counter!(name).increment(0);
        }
        metrics::gauge!("tipforge_minter_platform_underfunded").set(0.0);
        Self::default()
    }

    /// Reads every figure.
    pub fn snapshot(&self) -> MinterSnapshot {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        MinterSnapshot {
            failed_mints: read(&self.failed_mints),
            retry_successes: read(&self.retry_successes),
            retry_failures: read(&self.retry_failures),
            mints: read(&self.mints),
            deliveries: read(&self.deliveries),
            largest_mint_batch: read(&self.largest_mint_batch),
            most_mints_in_a_block: read(&self.most_mints_in_a_block),
            underfunded: self.underfunded.load(Ordering::Relaxed),
        }
    }

    pub(super) fn mint_batch(&self, size: usize) {
        let size = size as u64;
        self.largest_mint_batch.fetch_max(size, Ordering::Relaxed);
        metrics::histogram!("tipforge_minter_mint_batch_size").record(size as f64);
    }

    /// `count` more of our mints confirmed in `round`; several batches may report one block.
    pub(super) fn mints_in_block(&self, round: Round, count: usize) {
        if count == 0 {
            return;
        }
        let total = {
            let mut rounds = self.mints_by_round.lock().unwrap_or_else(|e| e.into_inner());
            let tally = rounds.entry(round).or_default();
            *tally += count as u64;
            let total = *tally;
            while rounds.len() > TALLIED_ROUNDS {
                rounds.pop_first();
            }
            total
        };
        self.most_mints_in_a_block.fetch_max(total, Ordering::Relaxed);
    }

    pub(super) fn step_failed(&self, minting: bool, retry: bool) {
        if minting {
            self.failed_mints.fetch_add(1, Ordering::Relaxed);
            metrics::counter!("tipforge_minter_failed_mints_total").increment(1);
        }
        if retry {
            self.retry_failures.fetch_add(1, Ordering::Relaxed);
            metrics::counter!("tipforge_minter_retry_failures_total").increment(1);
        }
    }

    pub(super) fn step_succeeded(&self, retry: bool) {
        if retry {
            self.retry_successes.fetch_add(1, Ordering::Relaxed);
            metrics::counter!("tipforge_minter_retry_successes_total").increment(1);
        }
    }

    pub(super) fn minted(&self) {
        self.mints.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("tipforge_minter_mints_total").increment(1);
    }

    /// A delivery confirmed in `round`, for a tip of `tip_round` stored at `tipped_at`.
    pub(super) fn delivered(
        &self,
        tip_round: Round,
        round: Round,
        tipped_at: Timestamp,
        now: Timestamp,
    ) {
        self.deliveries.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("tipforge_minter_deliveries_total").increment(1);
        let rounds = round.0.saturating_sub(tip_round.0);
        metrics::histogram!("tipforge_tip_to_delivery_rounds").record(rounds as f64);
        let seconds = (now.0 - tipped_at.0).max(0) as f64 / 1000.0;
        metrics::histogram!("tipforge_tip_to_delivery_seconds").record(seconds);
    }

    pub(super) fn set_underfunded(&self, underfunded: bool) {
        self.underfunded.store(underfunded, Ordering::Relaxed);
        metrics::gauge!("tipforge_minter_platform_underfunded")
            .set(f64::from(u8::from(underfunded)));
    }
}

/// Publishes the number of jobs in each state as a gauge.
pub fn publish_jobs_by_state(jobs: &BTreeMap<String, u64>) {
    for state in
        ["queued", "minting", "minted", "delivering", "done", "awaiting_optin", "failed", "dead"]
    {
        let count = jobs.get(state).copied().unwrap_or(0);
        metrics::gauge!("tipforge_reward_jobs", "state" => state).set(count as f64);
    }
}
