//! Watching rewards complete: the rows the server writes (the tip's round from `tips`, the
//! reward's confirmation round from `nfts`), read whenever the minter's counters move, and the
//! listener's lag behind the devnet, sampled on every poll.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use tipforge_devnet::node::Node;
use tipforge_server::listener::ListenerMetrics;
use tipforge_server::minter::MinterMetrics;

use super::Supply;
use super::tips::{Pending, lock};

/// How often the bench looks; reward times in ms are late by up to this much.
pub(super) const POLL: Duration = Duration::from_millis(20);

/// Rows are read at least this often while tips are pending, whatever the counters say.
const REREAD: Duration = Duration::from_millis(250);

/// How often every pending tip is looked up by id, for rewards the round window missed.
const SWEEP: Duration = Duration::from_secs(2);

/// Tip ids per look-up query. SQLite resolves each `$n` by scanning the statement's parameter
/// names, so a query's binding cost grows with the square of this.
const IDS_PER_QUERY: usize = 50;

/// The index the bench adds for its observer, and drops at the end.
const BENCH_INDEX: &str = "tipforge_bench_nfts_by_done_round";

/// One tip seen rewarded.
#[derive(Debug, Clone, Copy)]
pub(super) struct Completion {
    /// Reward confirmation round minus tip round.
    pub(super) rounds: u64,
    /// From the tip's send instant until the bench saw the reward recorded.
    pub(super) after: Duration,
    /// When the bench saw the reward recorded.
    pub(super) seen: Instant,
}

/// What a run's observation came to.
#[derive(Debug, Default)]
pub(super) struct Observed {
    pub(super) completions: Vec<Completion>,
    /// When the last reward was seen.
    pub(super) last_done: Option<Instant>,
    /// The most rounds the listener's watermark trailed the devnet's last round.
    pub(super) max_lag_rounds: u64,
}

/// Reads completions from the server's database.
pub(super) struct Observer {
    pub(super) pool: AnyPool,
    pub(super) supply: Supply,
    pub(super) node: Arc<Node>,
    pub(super) listener: Arc<ListenerMetrics>,
    pub(super) minter: Arc<MinterMetrics>,
}

impl Observer {
    /// Watches until every pending tip is rewarded after `sending` is cleared, or until
    /// `drain` has passed since then.
    pub(super) async fn watch(
        &self,
        pending: &Pending,
        sending: &AtomicBool,
        drain: Duration,
    ) -> anyhow::Result<Observed> {
        let mut observed = Observed::default();
        // Rewards of a run confirm after it starts, and any that confirm late still confirm
        // in or after the newest round seen so far, less one for a slower settling worker.
        let mut floor = self.node.chain().last_round().0;
        let (mut counted, mut read_at, mut swept_at) = (u64::MAX, Instant::now(), Instant::now());
        let mut drain_until: Option<Instant> = None;
        loop {
            self.sample_lag(&mut observed);
            let counter = self.settled_counter();
            if counter != counted || read_at.elapsed() >= REREAD {
                (counted, read_at) = (counter, Instant::now());
                let newest = self.read(floor, pending, &mut observed).await?;
                floor = floor.max(newest.saturating_sub(1));
            }
            if swept_at.elapsed() >= SWEEP {
                swept_at = Instant::now();
                self.sweep(pending, &mut observed).await?;
            }
            if !sending.load(Ordering::Acquire) {
                if lock(pending).is_empty() {
                    return Ok(observed);
                }
                let until = *drain_until.get_or_insert_with(|| Instant::now() + drain);
                if Instant::now() >= until {
                    return Ok(observed);
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }

    fn sample_lag(&self, observed: &mut Observed) {
        let last = self.node.chain().last_round().0;
        let lag = last.saturating_sub(self.listener.snapshot().watermark.0);
        observed.max_lag_rounds = observed.max_lag_rounds.max(lag);
    }

    /// Moves whenever the minter records a mint or a delivery.
    fn settled_counter(&self) -> u64 {
        let snapshot = self.minter.snapshot();
        snapshot.mints + snapshot.deliveries
    }

    /// Takes the rewards completed in `floor` or later off `pending`; returns the newest
    /// completion round seen.
    async fn read(
        &self,
        floor: u64,
        pending: &Pending,
        observed: &mut Observed,
    ) -> anyhow::Result<u64> {
        let column = self.done_round();
        let sql = format!(
            "SELECT n.tip_txid, t.round, n.{column} FROM nfts n \
             JOIN tips t ON t.txid = n.tip_txid WHERE n.{column} >= $1"
        );
        let rows = sqlx::query(&sql).bind(floor as i64).fetch_all(&self.pool).await?;
        take_done(&rows, pending, observed)
    }

    /// Looks every pending tip up by id, so that a reward recorded late for an early round
    /// is still seen.
    async fn sweep(&self, pending: &Pending, observed: &mut Observed) -> anyhow::Result<()> {
        let ids: Vec<String> = lock(pending).keys().cloned().collect();
        let column = self.done_round();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT n.tip_txid, t.round, n.{column} FROM nfts n \
                 JOIN tips t ON t.txid = n.tip_txid \
                 WHERE n.{column} IS NOT NULL AND n.tip_txid IN ({})",
                placeholders(chunk.len())
            );
            let query = chunk.iter().fold(sqlx::query(&sql), |query, id| query.bind(id));
            let rows = query.fetch_all(&self.pool).await?;
            take_done(&rows, pending, observed)?;
        }
        Ok(())
    }

    /// Where the tips still pending stand: job states, or "not ingested" without a job.
    pub(super) async fn states_of(
        &self,
        pending: &Pending,
    ) -> anyhow::Result<BTreeMap<String, usize>> {
        let ids: Vec<String> = lock(pending).keys().cloned().collect();
        let mut states = BTreeMap::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT state FROM reward_jobs WHERE tip_txid IN ({})",
                placeholders(chunk.len())
            );
            let query = chunk.iter().fold(sqlx::query(&sql), |query, id| query.bind(id));
            let rows = query.fetch_all(&self.pool).await?;
            for row in &rows {
                *states.entry(row.try_get::<String, _>(0)?).or_default() += 1;
            }
            let missing = chunk.len().saturating_sub(rows.len());
            if missing > 0 {
                *states.entry("not ingested".to_owned()).or_default() += missing;
            }
        }
        Ok(states)
    }

    /// Indexes the rewards by the round they completed in, for the duration of the bench.
    /// The observer asks for the rewards completed since its last look many times a second;
    /// the product never asks for rewards by round, so without this index every look reads
    /// every reward so far, and the bench would take an ever larger share of the machine from
    /// the pipeline it measures. Each reward the pipeline records now also pays for one more
    /// index entry: the figures err low, not high.
    pub(super) async fn index(&self) -> anyhow::Result<()> {
        let column = self.done_round();
        let sql = format!("CREATE INDEX IF NOT EXISTS {BENCH_INDEX} ON nfts ({column})");
        sqlx::query(&sql).execute(&self.pool).await?;
        Ok(())
    }

    /// Drops what [`Observer::index`] made, leaving the database with the product's schema.
    pub(super) async fn drop_index(&self) -> anyhow::Result<()> {
        sqlx::query(&format!("DROP INDEX IF EXISTS {BENCH_INDEX}")).execute(&self.pool).await?;
        Ok(())
    }

    /// The `nfts` column that says in which round a reward was done.
    fn done_round(&self) -> &'static str {
        match self.supply {
            Supply::Unique => "minted_round",
            Supply::Edition => "delivered_round",
        }
    }
}

/// Takes the tips of `rows` (tip id, tip round, reward round) off `pending` as completions;
/// returns the newest reward round among them.
fn take_done(rows: &[AnyRow], pending: &Pending, observed: &mut Observed) -> anyhow::Result<u64> {
    let now = Instant::now();
    let mut newest = 0;
    let mut pending = lock(pending);
    for row in rows {
        let (txid, tip_round, reward_round): (String, i64, i64) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        newest = newest.max(reward_round.max(0) as u64);
        if let Some(sent) = pending.remove(&txid) {
            let rounds = reward_round.saturating_sub(tip_round).max(0) as u64;
            observed.completions.push(Completion { rounds, after: now - sent, seen: now });
            observed.last_done = Some(now);
        }
    }
    Ok(newest)
}

/// `$1, $2, …, $count`.
fn placeholders(count: usize) -> String {
    (1..=count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}
