//! A run's figures, the table printed for the operator and the JSON written for tools.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::observe::{Completion, POLL};

/// One offered rate's figures.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RateResult {
    pub(super) offered_per_sec: u32,
    pub(super) sent: usize,
    pub(super) accepted: usize,
    pub(super) refused: usize,
    pub(super) first_refusal: Option<String>,
    /// Tips the node accepted per second, from the first sent to the last answered.
    pub(super) accepted_per_sec: f64,
    pub(super) rewarded: usize,
    /// Rewards ÷ time from the first tip sent to the last reward seen.
    pub(super) rewarded_per_sec: f64,
    /// Rewards seen during the second half of the sending ÷ its length: the pipeline's pace
    /// once its start-up latency is behind it, whether it keeps up (the offered rate) or has
    /// fallen behind (then its capacity, working off a backlog).
    pub(super) steady_per_sec: f64,
    pub(super) latency_rounds: Percentiles<u64>,
    pub(super) latency_ms: Percentiles<u64>,
    pub(super) max_listener_lag_rounds: u64,
    /// Mint steps that failed during the run (each is retried after a back-off).
    pub(super) failed_mints: u64,
    /// The most of the platform's mints one block confirmed, since start.
    pub(super) most_mints_in_a_block: u64,
    /// Accepted tips not seen rewarded in time, by where they stand.
    pub(super) unrewarded: BTreeMap<String, usize>,
}

/// The median and 99th percentile (nearest rank), absent without samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Percentiles<T> {
    pub(super) p50: Option<T>,
    pub(super) p99: Option<T>,
    pub(super) max: Option<T>,
}

impl<T: Copy + Ord> Percentiles<T> {
    pub(super) fn of(mut samples: Vec<T>) -> Self {
        samples.sort_unstable();
        let rank = |fraction: f64| {
            let index = ((samples.len() as f64 * fraction).ceil() as usize).max(1) - 1;
            samples.get(index).copied()
        };
        Self { p50: rank(0.50), p99: rank(0.99), max: samples.last().copied() }
    }
}

impl RateResult {
    /// Rewards seen per second during the second half of a sending that began at `started`
    /// and lasted `sending`. Rewards land a block at a time, so the figure is within a block's
    /// worth of the truth only when that half spans many blocks.
    pub(super) fn steady(completions: &[Completion], started: Instant, sending: Duration) -> f64 {
        let half = sending / 2;
        let (from, to) = (started + half, started + sending);
        let seen = completions.iter().filter(|c| c.seen > from && c.seen <= to).count();
        match half.as_secs_f64() {
            secs if secs > 0.0 => seen as f64 / secs,
            _ => 0.0,
        }
    }

    /// Latency percentiles of `completions`.
    pub(super) fn latencies(completions: &[Completion]) -> (Percentiles<u64>, Percentiles<u64>) {
        let rounds = completions.iter().map(|c| c.rounds).collect();
        let ms = completions.iter().map(|c| millis(c.after)).collect();
        (Percentiles::of(rounds), Percentiles::of(ms))
    }

    fn to_json(&self) -> Value {
        let percentiles =
            |p: &Percentiles<u64>| json!({ "p50": p.p50, "p99": p.p99, "max": p.max });
        json!({
            "offeredPerSec": self.offered_per_sec,
            "sent": self.sent,
            "accepted": self.accepted,
            "refused": self.refused,
            "firstRefusal": self.first_refusal,
            "acceptedPerSec": round2(self.accepted_per_sec),
            "rewarded": self.rewarded,
            "rewardedPerSec": round2(self.rewarded_per_sec),
            "steadyRewardedPerSec": round2(self.steady_per_sec),
            "latencyRounds": percentiles(&self.latency_rounds),
            "latencyMs": percentiles(&self.latency_ms),
            "maxListenerLagRounds": self.max_listener_lag_rounds,
            "failedMints": self.failed_mints,
            "mostMintsInABlock": self.most_mints_in_a_block,
            "unrewarded": self.unrewarded,
        })
    }
}

/// The settings a run was measured under.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    pub(super) block_interval_ms: u64,
    pub(super) seconds: u64,
    pub(super) creators: usize,
    pub(super) fans: usize,
    pub(super) supply: &'static str,
    pub(super) database: &'static str,
}

/// The whole report as JSON: the settings and one entry per offered rate.
pub(super) fn to_json(settings: &Settings, results: &[RateResult]) -> Value {
    json!({
        "settings": {
            "blockIntervalMs": settings.block_interval_ms,
            "secondsPerRate": settings.seconds,
            "creators": settings.creators,
            "fans": settings.fans,
            "supply": settings.supply,
            "database": settings.database,
            "profile": profile(),
            "pollMs": millis(POLL),
            "cpus": std::thread::available_parallelism().map_or(1, |n| n.get()),
        },
        "results": results.iter().map(RateResult::to_json).collect::<Vec<_>>(),
    })
}

/// The table: one row per offered rate.
pub(super) fn table(settings: &Settings, results: &[RateResult]) -> String {
    let mut out = format!(
        "tipforge bench: {} rewards, {} ms blocks, {}, {} build, {} creators, {} fans\n",
        settings.supply,
        settings.block_interval_ms,
        settings.database,
        profile(),
        settings.creators,
        settings.fans,
    );
    out.push_str(
        "offered/s  accepted/s  accepted  rewarded  rewarded/s  steady/s  \
         rounds p50/p99  ms p50/p99    max lag\n",
    );
    for r in results {
        let cell = |p: &Percentiles<u64>| match (p.p50, p.p99) {
            (Some(p50), Some(p99)) => format!("{p50}/{p99}"),
            _ => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "{:>9}  {:>10.0}  {:>8}  {:>8}  {:>10.1}  {:>8.1}  {:>14}  {:>11}  {:>9}",
            r.offered_per_sec,
            r.accepted_per_sec,
            r.accepted,
            r.rewarded,
            r.rewarded_per_sec,
            r.steady_per_sec,
            cell(&r.latency_rounds),
            cell(&r.latency_ms),
            r.max_listener_lag_rounds,
        );
    }
    for r in results.iter().filter(|r| !r.unrewarded.is_empty()) {
        let states: Vec<String> =
            r.unrewarded.iter().map(|(state, count)| format!("{count} {state}")).collect();
        let _ = writeln!(
            out,
            "at {}/s, tips not rewarded in time: {}",
            r.offered_per_sec,
            states.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "rewarded/s: all rewards ÷ first tip sent to last reward seen; steady/s: rewards seen \
         in the second half of the sending ÷ its length; \
         rounds: reward confirmation round - tip round; ms: tip sent until the bench saw the \
         reward recorded (polled every {} ms, so up to that much late); lag: rounds the \
         listener's watermark trailed the devnet",
        millis(POLL)
    );
    out
}

fn profile() -> &'static str {
    if cfg!(debug_assertions) { "debug" } else { "release" }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let p = Percentiles::of((1..=100).collect::<Vec<u64>>());
        assert_eq!((p.p50, p.p99, p.max), (Some(50), Some(99), Some(100)));
        let p = Percentiles::of(vec![7_u64]);
        assert_eq!((p.p50, p.p99), (Some(7), Some(7)));
        assert_eq!(Percentiles::<u64>::of(vec![]).p50, None);
    }

    #[test]
    fn steady_counts_only_the_second_half_of_the_sending() {
        let started = Instant::now();
        let at = |ms: u64| Completion {
            rounds: 1,
            after: Duration::from_millis(500),
            seen: started + Duration::from_millis(ms),
        };
        // Sending for 10 s: the start-up burst (first 5 s) and the drain (after 10 s) are
        // left out; 30 rewards in the 5 s between are 6 a second.
        let mut completions: Vec<Completion> = (0..50).map(|i| at(100 * i)).collect();
        completions.extend((0..30).map(|i| at(5_100 + 150 * i)));
        completions.extend((0..40).map(|i| at(10_100 + 10 * i)));
        let steady = RateResult::steady(&completions, started, Duration::from_secs(10));
        assert!((steady - 6.0).abs() < 1e-9, "{steady}");
        assert_eq!(RateResult::steady(&[], started, Duration::ZERO), 0.0);
    }
}
