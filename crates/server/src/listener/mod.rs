//! The chain listener: follows the chain block by block from the stored watermark, recognises
//! tips by the `Tipped` event of known TipProxy apps (one pass per block for every creator), and
//! stores each batch of tips together with the new watermark, so a crash at any point replays
//! the batch harmlessly.

mod error;
mod extract;
mod metrics;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, stream};
use tipforge_algo::{Address, AppId, Round};
use tipforge_chain::{Algod, ErrorKind, Indexer, RetryPolicy, TransactionQuery};
use tokio::sync::{Notify, OnceCell};
use tokio_util::sync::CancellationToken;

pub use error::ListenerError;
pub use metrics::{ListenerMetrics, ListenerSnapshot};

use crate::domain::{AssetMove, Clock, Tip};
use crate::store::Store;

/// How the listener paces itself.
#[derive(Debug, Clone)]
pub struct ListenerConfig {
    /// The most rounds one cycle reads before it commits.
    pub max_rounds_per_cycle: u64,
    /// Block requests in flight at once.
    pub fetch_concurrency: usize,
    /// The pause after a failed cycle or while another instance ingests, the longest wait
    /// for a new block when caught up, and the heartbeat interval health checks expect.
    pub poll_interval: Duration,
    /// How long the ingest lease lasts unless renewed; an instance that stops renewing it is
    /// taken over after this long. Several poll intervals, so one slow cycle does not lose it.
    pub lease_ttl: Duration,
    /// How the listener's node requests are retried. Quick: a read that keeps failing ends
    /// the cycle early (rounds read so far are committed) and the next cycle tries again,
    /// rather than every later round waiting behind one request's long back-off.
    pub request_retry: RetryPolicy,
}

impl Default for ListenerConfig {
    fn default() -> Self {
        Self {
            max_rounds_per_cycle: 500,
            fetch_concurrency: 8,
            poll_interval: Duration::from_secs(1),
            lease_ttl: Duration::from_secs(3),
            request_retry: RetryPolicy::QUICK,
        }
    }
}

/// What one cycle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cycle {
    /// Rounds `from..=to` were read and committed.
    Ingested {
        /// The first round read.
        from: Round,
        /// The last round read, now the watermark.
        to: Round,
        /// Tips found in those rounds.
        found: usize,
        /// Tips not stored before (fewer than `found` only when replaying).
        new: u64,
    },
    /// Nothing to read: the watermark is the node's newest round.
    AtTip {
        /// The watermark.
        round: Round,
    },
    /// Another instance holds the ingest lease (or took it over during this cycle, whose
    /// batch was then not stored); this one only watches.
    Standby {
        /// The instance holding the lease, when known.
        holder: Option<String>,
    },
}

/// The chain listener.
#[derive(Debug)]
pub struct Listener {
    algod: Algod,
    indexer: Option<Indexer>,
    store: Store,
    clock: Clock,
    config: ListenerConfig,
    metrics: Arc<ListenerMetrics>,
    /// This instance's id in the lease row, new at every start.
    instance_id: String,
    network: OnceCell<String>,
    rewards_notify: Option<Arc<Notify>>,
}

/// What a range of rounds holds for us.
#[derive(Debug)]
struct Scan {
    tips: Vec<Tip>,
    moves: Vec<AssetMove>,
    /// The last round read: the batch's end, or earlier when the node failed part-way.
    through: Round,
}

impl Listener {
    /// A listener reading from `algod`, catching up through `indexer` when algod no longer has
    /// a round, and storing into `store`.
    pub fn new(
        algod: Algod,
        indexer: Option<Indexer>,
        store: Store,
        clock: Clock,
        config: ListenerConfig,
    ) -> Self {
        let algod = algod.with_retry(config.request_retry);
        let indexer = indexer.map(|indexer| indexer.with_retry(config.request_retry));
        let instance_id = uuid::Uuid::now_v7().to_string();
        let metrics = Arc::new(ListenerMetrics::new(&config, instance_id.clone()));
        let network = OnceCell::new();
        Self {
            algod,
            indexer,
            store,
            clock,
            config,
            metrics,
            instance_id,
            network,
            rewards_notify: None,
        }
    }

    /// This instance's id, as the lease row names its holder.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// Wakes `notify` after each batch that queued reward jobs or deliveries, so the minter
    /// waiting on it starts at once instead of at its next poll.
    pub fn with_rewards_notify(mut self, notify: Arc<Notify>) -> Self {
        self.rewards_notify = Some(notify);
        self
    }

    /// The counters and gauges this listener keeps.
    pub fn metrics(&self) -> &Arc<ListenerMetrics> {
        &self.metrics
    }

    /// Runs cycles until `shutdown`. A cycle in progress is always finished and committed;
    /// only the waits between cycles are cut short.
    pub async fn run(self, shutdown: CancellationToken) -> std::io::Result<()> {
        self.metrics.set_running(true);
        while !shutdown.is_cancelled() {
            match self.run_once().await {
                Ok(Cycle::Ingested { .. }) => {}
                Ok(Cycle::AtTip { round }) => {
                    // A node may hold this request for a minute; waiting at most one poll
                    // interval keeps the heartbeat fresh, and the next cycle simply asks again.
                    let wait = self.algod.wait_for_block_after(round);
                    tokio::select! {
                        () = shutdown.cancelled() => {}
                        waited = tokio::time::timeout(self.config.poll_interval, wait) => {
                            if let Ok(Err(err)) = waited {
                                self.pause_after(&err.into(), &shutdown).await;
                            }
                        }
                    }
                }
                Ok(Cycle::Standby { .. }) => {
                    tokio::select! {
                        () = shutdown.cancelled() => {}
                        () = tokio::time::sleep(self.config.poll_interval) => {}
                    }
                }
                Err(err) => self.pause_after(&err, &shutdown).await,
            }
        }
        self.release().await;
        self.metrics.set_running(false);
        tracing::info!(target: "listener", "stopped");
        Ok(())
    }

    /// Hands the ingest lease on, as [`Listener::run`] does when it stops, so another instance
    /// (or this one's successor after a restart) need not wait for it to run out.
    pub async fn release(&self) {
        let Some(network) = self.network.get() else { return };
        if let Err(err) = self.store.release_lease(network, &self.instance_id).await {
            tracing::warn!(target: "listener", error = %err, "could not release the ingest lease");
        }
        self.metrics.set_lease(false, None);
    }

    async fn pause_after(&self, err: &ListenerError, shutdown: &CancellationToken) {
        tracing::warn!(target: "listener", error = %err, "cycle failed; retrying");
        self.metrics.heartbeat();
        tokio::select! {
            () = shutdown.cancelled() => {}
            () = tokio::time::sleep(self.config.poll_interval) => {}
        }
    }

    /// One cycle: takes or renews the ingest lease, then reads the rounds after the watermark
    /// (at most `max_rounds_per_cycle`), finds their tips, and commits tips and watermark
    /// together, provided the lease is still this instance's at commit.
    pub async fn run_once(&self) -> Result<Cycle, ListenerError> {
        let network = self.network().await?;
        let current = self.algod.status().await?.last_round;
        self.metrics.heartbeat();
        self.metrics.set_current_round(current);
        // A network seen for the first time starts at the node's newest round: no contract of
        // ours can have been tipped before this database existed.
        let lease = self
            .store
            .take_lease(
                network,
                &self.instance_id,
                current,
                self.clock.now(),
                self.config.lease_ttl,
            )
            .await?;
        if !lease.held {
            if let Some(watermark) = self.store.watermark(network).await? {
                self.metrics.set_watermark(watermark);
            }
            return Ok(self.stand_by(lease.holder));
        }
        self.metrics.set_lease(true, Some(self.instance_id.clone()));
        let Some(watermark) = self.store.watermark(network).await? else {
            return Ok(self.stand_by(None));
        };
        self.metrics.set_watermark(watermark);
        if watermark >= current {
            return Ok(Cycle::AtTip { round: watermark });
        }
        let from = watermark.next();
        let to = Round(current.0.min(watermark.0 + self.config.max_rounds_per_cycle.max(1)));
        let apps = self.known_apps().await?;
        let Scan { tips, moves, through: to } = self.scan(from, to, &apps).await?;
        self.metrics.heartbeat();
        let now = self.clock.now();
        let expires = now.plus(self.config.lease_ttl);
        let committed = self
            .store
            .ingest_leased_batch(network, &self.instance_id, expires, to, &tips, &moves, now)
            .await?;
        let Some(report) = committed else {
            tracing::warn!(target: "listener", %from, %to, "ingest lease taken over; batch dropped");
            return Ok(self.stand_by(None));
        };
        self.metrics.heartbeat();
        self.metrics.record_cycle(to, report.new_tips);
        if report.has_minter_work() {
            if let Some(notify) = &self.rewards_notify {
                notify.notify_one();
            }
        }
        let new = report.new_tips;
        tracing::debug!(target: "listener", %from, %to, found = tips.len(), ?report, "rounds ingested");
        Ok(Cycle::Ingested { from, to, found: tips.len(), new })
    }

    /// Another instance ingests: this one keeps its heartbeat (it is healthy) and follows the
    /// shared watermark for its status, but reads nothing.
    fn stand_by(&self, holder: Option<String>) -> Cycle {
        if self.metrics.snapshot().ingesting {
            tracing::info!(target: "listener", ?holder, "another instance ingests; standing by");
        }
        self.metrics.set_lease(false, holder.clone());
        Cycle::Standby { holder }
    }

    async fn network(&self) -> Result<&String, ListenerError> {
        self.network
            .get_or_try_init(|| async {
                Ok::<_, ListenerError>(crate::network::network_key(&self.algod).await?)
            })
            .await
    }

    async fn known_apps(&self) -> Result<HashMap<AppId, Address>, ListenerError> {
        let contracts = self.store.active_contracts().await?;
        Ok(contracts.into_iter().map(|contract| (contract.app_id, contract.creator)).collect())
    }

    /// The tips and asset transfers in rounds `from..=to`, in chain order. When the node
    /// fails after some rounds were read, those rounds are returned alone, so that they are
    /// committed: a flaky node slows ingest down but cannot stall it, however far behind.
    async fn scan(
        &self,
        from: Round,
        to: Round,
        apps: &HashMap<AppId, Address>,
    ) -> Result<Scan, ListenerError> {
        let mut blocks = stream::iter(from.0..=to.0)
            .map(|round| self.algod.block(Round(round)))
            .buffered(self.config.fetch_concurrency.max(1));
        let mut scan = Scan { tips: Vec::new(), moves: Vec::new(), through: from };
        let mut read = 0_u64;
        while let Some(fetched) = blocks.next().await {
            match fetched {
                Ok(block) => {
                    scan.tips.extend(extract::tips_in_block(&block, apps)?);
                    scan.moves.extend(extract::moves_in_block(&block)?);
                    scan.through = block.round;
                    read += 1;
                }
                Err(err) if read > 0 => {
                    tracing::debug!(target: "listener", error = %err, through = %scan.through, "reading blocks stopped early");
                    return Ok(scan);
                }
                Err(err) if err.kind() == ErrorKind::NotFound => {
                    return match &self.indexer {
                        Some(indexer) => self.scan_indexer(indexer, from, to, apps).await,
                        None => Err(ListenerError::RoundsUnavailable { from, to }),
                    };
                }
                Err(err) => return Err(err.into()),
            }
        }
        Ok(scan)
    }

    /// Catch-up for rounds algod has pruned: one search over the whole range for application
    /// calls and one for asset transfers, paged, filtered in memory for our apps (never one
    /// query per creator).
    async fn scan_indexer(
        &self,
        indexer: &Indexer,
        from: Round,
        to: Round,
        apps: &HashMap<AppId, Address>,
    ) -> Result<Scan, ListenerError> {
        tracing::info!(target: "listener", %from, %to, "catching up through the indexer");
        let mut scan = Scan { tips: Vec::new(), moves: Vec::new(), through: to };
        for txn in search(indexer, from, to, "appl").await? {
            scan.tips.extend(extract::tips_in_indexer_transaction(&txn, apps)?);
        }
        for txn in search(indexer, from, to, "axfer").await? {
            scan.moves.extend(extract::moves_in_indexer_transaction(&txn));
        }
        Ok(scan)
    }
}

/// Every transaction of `tx_type` in rounds `from..=to`, following the indexer's pages.
async fn search(
    indexer: &Indexer,
    from: Round,
    to: Round,
    tx_type: &'static str,
) -> Result<Vec<tipforge_chain::IndexerTransaction>, ListenerError> {
    let mut query = TransactionQuery {
        min_round: Some(from),
        max_round: Some(to),
        tx_type: Some(tx_type),
        ..TransactionQuery::default()
    };
    let mut found = Vec::new();
    loop {
        let page = indexer.search_transactions(&query).await?;
        let empty = page.transactions.is_empty();
        found.extend(page.transactions);
        match page.next_token {
            Some(next) if !empty => query.next = Some(next),
            _ => return Ok(found),
        }
    }
}
