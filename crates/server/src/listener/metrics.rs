//! The listener's counters and gauges, read by `/listener/status`, `/health` and `/metrics`.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tipforge_algo::Round;

const RATE_WINDOW: Duration = Duration::from_secs(60);

/// Live listener figures, updated by the listener and read by anyone.
#[derive(Debug)]
pub struct ListenerMetrics {
    poll_interval: Duration,
    max_rounds_per_cycle: u64,
    lease_ttl: Duration,
    instance_id: String,
    running: AtomicBool,
    ingesting: AtomicBool,
    lease_holder: Mutex<Option<String>>,
    watermark: AtomicU64,
    current_round: AtomicU64,
    tips_total: AtomicU64,
    last_heartbeat: Mutex<Option<Instant>>,
    /// When recent tips were stored and how many, for an exact count over the last minute.
    recent: Mutex<VecDeque<(Instant, u64)>>,
}

/// A consistent reading of [`ListenerMetrics`].
#[derive(Debug, Clone, PartialEq)]
pub struct ListenerSnapshot {
    /// Whether the listener loop is running.
    pub running: bool,
    /// The last round whose tips are all stored.
    pub watermark: Round,
    /// The node's newest round at the last look.
    pub current_round: Round,
    /// Rounds the listener is behind.
    pub lag_rounds: u64,
    /// How often the listener looks when idle.
    pub poll_interval: Duration,
    /// The most rounds one cycle reads.
    pub max_rounds_per_cycle: u64,
    /// How long the ingest lease lasts unless renewed.
    pub lease_ttl: Duration,
    /// This instance's id, as it appears as lease holder.
    pub instance_id: String,
    /// Whether this instance holds the lease and ingests; another instance does otherwise.
    pub ingesting: bool,
    /// The instance holding the ingest lease at the last look; `None` before the first look
    /// or while nobody holds it.
    pub lease_holder: Option<String>,
    /// Time since the listener last showed life; `None` before its first cycle.
    pub heartbeat_age: Option<Duration>,
    /// Tips stored since start.
    pub tips_processed_total: u64,
    /// Tips stored in the last 60 seconds.
    pub tips_per_minute: u64,
}

impl ListenerMetrics {
    pub(super) fn new(config: &super::ListenerConfig, instance_id: String) -> Self {
        // Registered at zero, so `/metrics` shows the series before the first tip.
        metrics::counter!("tipforge_tips_processed_total").increment(0);
        Self {
            poll_interval: config.poll_interval,
            max_rounds_per_cycle: config.max_rounds_per_cycle,
            lease_ttl: config.lease_ttl,
            instance_id,
            running: AtomicBool::new(false),
            ingesting: AtomicBool::new(false),
            lease_holder: Mutex::new(None),
            watermark: AtomicU64::new(0),
            current_round: AtomicU64::new(0),
            tips_total: AtomicU64::new(0),
            last_heartbeat: Mutex::new(None),
            recent: Mutex::new(VecDeque::new()),
        }
    }

    pub(super) fn set_running(&self, running: bool) {
        self.running.store(running, Ordering::Relaxed);
    }

    pub(super) fn set_lease(&self, ingesting: bool, holder: Option<String>) {
        self.ingesting.store(ingesting, Ordering::Relaxed);
        metrics::gauge!("tipforge_listener_ingesting").set(if ingesting { 1.0 } else { 0.0 });
        *lock(&self.lease_holder) = holder;
    }

    pub(super) fn heartbeat(&self) {
        *lock(&self.last_heartbeat) = Some(Instant::now());
    }

    pub(super) fn set_current_round(&self, round: Round) {
        self.current_round.store(round.0, Ordering::Relaxed);
        metrics::gauge!("tipforge_listener_current_round").set(round.0 as f64);
    }

    pub(super) fn set_watermark(&self, round: Round) {
        self.watermark.store(round.0, Ordering::Relaxed);
        metrics::gauge!("tipforge_listener_watermark_round").set(round.0 as f64);
    }

    pub(super) fn record_cycle(&self, watermark: Round, new_tips: u64) {
        self.set_watermark(watermark);
        self.tips_total.fetch_add(new_tips, Ordering::Relaxed);
        metrics::counter!("tipforge_tips_processed_total").increment(new_tips);
        if new_tips > 0 {
            lock(&self.recent).push_back((Instant::now(), new_tips));
        }
    }

    /// Reads every figure at once.
    pub fn snapshot(&self) -> ListenerSnapshot {
        let now = Instant::now();
        let tips_per_minute = {
            let mut recent = lock(&self.recent);
            while recent.front().is_some_and(|(at, _)| now.duration_since(*at) > RATE_WINDOW) {
                recent.pop_front();
            }
            recent.iter().map(|(_, count)| count).sum()
        };
        let watermark = Round(self.watermark.load(Ordering::Relaxed));
        let current_round = Round(self.current_round.load(Ordering::Relaxed));
        ListenerSnapshot {
            running: self.running.load(Ordering::Relaxed),
            watermark,
            current_round,
            lag_rounds: current_round.0.saturating_sub(watermark.0),
            poll_interval: self.poll_interval,
            max_rounds_per_cycle: self.max_rounds_per_cycle,
            lease_ttl: self.lease_ttl,
            instance_id: self.instance_id.clone(),
            ingesting: self.ingesting.load(Ordering::Relaxed),
            lease_holder: lock(&self.lease_holder).clone(),
            heartbeat_age: lock(&self.last_heartbeat).map(|at| now.duration_since(at)),
            tips_processed_total: self.tips_total.load(Ordering::Relaxed),
            tips_per_minute,
        }
    }

    /// Whether the listener has shown life within twice its poll interval.
    pub fn is_alive(&self) -> bool {
        self.snapshot().heartbeat_age.is_some_and(|age| age <= self.poll_interval * 2)
    }
}

/// The figures stay readable even if a thread panicked while holding the lock.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
