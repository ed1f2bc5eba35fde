//! The minter: durable, batched, exactly-once minting and delivery of rewards.
//!
//! Workers claim due reward jobs in batches, sign their transactions on a bounded blocking
//! pool, store each signed transaction before sending it (the write-ahead), send them
//! concurrently, and confirm them together by reading the blocks that follow. A job found with
//! a transaction in flight is first looked up on chain; it is signed again only once that
//! transaction can no longer be committed. Every transaction of a job carries a lease derived
//! from the job, so two signings of one step can never both take effect.

mod batch;
mod blocks;
mod edition;
mod holders;
mod lookup;
mod memberships;
mod metrics;
mod retry;
mod transactions;

use std::sync::Arc;
use std::time::Duration;

use tipforge_algo::SecretKey;
use tipforge_chain::{Algod, ChainError, Indexer, RetryPolicy};
use tokio::sync::{Notify, OnceCell, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub use memberships::RevocationReport;
pub use metrics::{MinterMetrics, MinterSnapshot, publish_jobs_by_state};
pub use retry::{Decision, FIRST_RETRY, MAX_RETRY, StepError, backoff, decide};
pub use transactions::{UnsignedOptIn, opt_in};

use crate::domain::Clock;
use crate::store::{Store, StoreError};

/// How the minter paces itself.
#[derive(Debug, Clone)]
pub struct MinterConfig {
    /// Jobs one worker claims at a time.
    pub batch_size: u32,
    /// Requests to the node in flight at once per worker (sends, lookups, opt-in checks).
    pub concurrency: usize,
    /// Workers claiming batches side by side.
    pub workers: usize,
    /// Batches one worker may have waiting for their blocks while it sends the next.
    pub batches_in_flight: usize,
    /// Signing tasks on the blocking pool at once, across workers.
    pub signing_threads: usize,
    /// How often an idle worker looks for due jobs without being woken.
    pub poll_interval: Duration,
    /// How long a claim holds a job; an unfinished job is taken over after it.
    pub claim_timeout: Duration,
    /// How long a batch waits for its transactions' blocks before leaving the rest to a
    /// later look-up.
    pub confirm_timeout: Duration,
    /// Rounds a transaction stays valid: a lost one is signed again after this many rounds.
    pub validity_rounds: u64,
    /// How often expired memberships are looked for and revoked.
    pub revoke_interval: Duration,
    /// How the minter's node requests are retried when the node fails transiently. Quick and
    /// short: a job that still fails falls back to its own retry schedule (60 s and more),
    /// and a batch is never held up by one slow request for long.
    pub request_retry: RetryPolicy,
}

impl Default for MinterConfig {
    fn default() -> Self {
        Self {
            batch_size: 256,
            concurrency: 32,
            workers: 4,
            batches_in_flight: 4,
            signing_threads: 2,
            poll_interval: Duration::from_millis(500),
            claim_timeout: Duration::from_secs(60),
            confirm_timeout: Duration::from_secs(30),
            validity_rounds: 100,
            revoke_interval: Duration::from_secs(60),
            request_retry: RetryPolicy::QUICK,
        }
    }
}

/// Why a batch could not be worked on; its jobs stay claimed until their claim lapses.
#[derive(Debug, thiserror::Error)]
pub enum MinterError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The node failed.
    #[error(transparent)]
    Chain(#[from] ChainError),
}

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Jobs claimed.
    pub claimed: usize,
    /// Mints confirmed.
    pub minted: usize,
    /// Deliveries confirmed.
    pub delivered: usize,
    /// Jobs parked until their fan opts in.
    pub awaiting_optin: usize,
    /// Jobs whose step failed (dead ones included).
    pub failed: usize,
    /// Transactions still unconfirmed when the batch stopped waiting.
    pub unsettled: usize,
}

/// The reward minter. Clones share workers' state.
#[derive(Debug, Clone)]
pub struct Minter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    algod: Algod,
    indexer: Option<Indexer>,
    store: Store,
    clock: Clock,
    platform: Arc<SecretKey>,
    config: MinterConfig,
    metrics: Arc<MinterMetrics>,
    wake: Arc<Notify>,
    signing: Arc<Semaphore>,
    blocks: blocks::RecentBlocks,
    holders: holders::KnownHolders,
    /// The genesis hash of the node's network, as the listener keys its progress.
    network: OnceCell<String>,
}

impl Inner {
    /// The network's genesis hash, asked of the node once; `None` while the node cannot say,
    /// and mints are then settled as due rather than parked (see [`Store::settle_mints`]).
    async fn network(&self) -> Option<&str> {
        let network =
            self.network.get_or_try_init(|| crate::network::network_key(&self.algod)).await;
        match network {
            Ok(network) => Some(network),
            Err(err) => {
                tracing::debug!(target: "minter", error = %err, "network unknown");
                None
            }
        }
    }
}

impl Minter {
    /// A minter sending from `platform` through `algod`; `wake` is notified when jobs are
    /// queued (it also polls every `poll_interval`).
    pub fn new(
        algod: Algod,
        indexer: Option<Indexer>,
        store: Store,
        clock: Clock,
        platform: Arc<SecretKey>,
        config: MinterConfig,
        wake: Arc<Notify>,
    ) -> Self {
        let algod = algod.with_retry(config.request_retry);
        let indexer = indexer.map(|indexer| indexer.with_retry(config.request_retry));
        let signing = Arc::new(Semaphore::new(config.signing_threads.max(1)));
        let metrics = Arc::new(MinterMetrics::new());
        let inner = Inner {
            algod,
            indexer,
            store,
            clock,
            platform,
            config,
            metrics,
            wake,
            signing,
            blocks: blocks::RecentBlocks::default(),
            holders: holders::KnownHolders::default(),
            network: OnceCell::new(),
        };
        Self { inner: Arc::new(inner) }
    }

    /// The counters this minter keeps.
    pub fn metrics(&self) -> &Arc<MinterMetrics> {
        &self.inner.metrics
    }

    /// Claims one batch of due jobs and works it: lookups, mints, deliveries, confirmations.
    pub async fn run_once(&self) -> Result<BatchReport, MinterError> {
        batch::run(&self.inner, &CancellationToken::new()).await
    }

    /// Claws back the rewards of memberships whose time is up (renewals keep a membership
    /// alive) and marks them revoked.
    pub async fn revoke_expired_memberships(&self) -> Result<RevocationReport, MinterError> {
        memberships::sweep(&self.inner).await
    }

    /// Runs the workers and the membership sweep until `shutdown`; each finishes the batch in hand before stopping
    /// (only its wait for confirmations is cut short: the write-ahead lets a later run finish
    /// the settling).
    pub async fn run(self, shutdown: CancellationToken) -> std::io::Result<()> {
        let mut workers = JoinSet::new();
        for worker in 0..self.inner.config.workers.max(1) {
            let (inner, shutdown) = (self.inner.clone(), shutdown.clone());
            workers.spawn(async move { work(inner, worker, shutdown).await });
        }
        let (inner, stop) = (self.inner.clone(), shutdown.clone());
        workers.spawn(async move { revoke_memberships(inner, stop).await });
        tracing::info!(target: "minter", workers = workers.len() - 1, "started");
        while let Some(ended) = workers.join_next().await {
            if let Err(err) = ended {
                return Err(std::io::Error::other(format!("a minter worker failed: {err}")));
            }
        }
        tracing::info!(target: "minter", "stopped");
        Ok(())
    }
}

/// One worker: claims and sends batch after batch, leaving each batch's wait for its blocks
/// to a task of its own, so that sending goes on while earlier batches confirm. At most
/// `batches_in_flight` batches wait at once; then the worker waits for one of them.
async fn work(inner: Arc<Inner>, worker: usize, shutdown: CancellationToken) {
    let in_flight = Arc::new(Semaphore::new(inner.config.batches_in_flight.max(1)));
    let mut watching = JoinSet::new();
    while !shutdown.is_cancelled() {
        let permit = tokio::select! {
            () = shutdown.cancelled() => break,
            permit = in_flight.clone().acquire_owned() => permit,
        };
        let Ok(permit) = permit else { break };
        let idle = match batch::send(&inner).await {
            Ok(Some(mut batch)) => {
                let stop = shutdown.clone();
                watching.spawn(async move {
                    let _permit = permit;
                    match batch.watch(&stop).await {
                        Ok(()) => {
                            let report = batch.report();
                            tracing::debug!(target: "minter", worker, ?report, "batch done");
                        }
                        Err(err) => {
                            tracing::warn!(target: "minter", worker, error = %err, "batch failed");
                        }
                    }
                });
                false
            }
            Ok(None) => true,
            Err(err) => {
                tracing::warn!(target: "minter", worker, error = %err, "batch failed");
                true
            }
        };
        while let Some(ended) = watching.try_join_next() {
            if let Err(err) = ended {
                tracing::error!(target: "minter", worker, error = %err, "a batch's watch failed");
            }
        }
        if idle {
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = inner.wake.notified() => {}
                () = tokio::time::sleep(inner.config.poll_interval) => {}
            }
        }
    }
    // Each batch's watch ends at once on shutdown; the write-ahead lets a later run settle
    // what it leaves.
    while watching.join_next().await.is_some() {}
}

async fn revoke_memberships(inner: Arc<Inner>, shutdown: CancellationToken) {
    let mut ticks = tokio::time::interval(inner.config.revoke_interval);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => match memberships::sweep(&inner).await {
                Ok(report) if report.expired > 0 => {
                    tracing::info!(target: "minter", ?report, "memberships swept");
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(target: "minter", error = %err, "membership sweep failed"),
            },
        }
    }
}
