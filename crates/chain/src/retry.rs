//! Exponential backoff for transient chain failures.

use std::future::Future;
use std::time::Duration;

use crate::error::Result;

/// How often and how patiently to retry a transient failure: `attempts` tries in all, waiting
/// `first_delay`, then twice that, and so on, between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included; 1 means no retry.
    pub attempts: u32,
    /// The wait before the second try; each later wait doubles.
    pub first_delay: Duration,
}

impl Default for RetryPolicy {
    /// Four tries, waiting 2 s, 4 s and 8 s between them.
    fn default() -> Self {
        Self { attempts: 4, first_delay: Duration::from_secs(2) }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub const NONE: Self = Self { attempts: 1, first_delay: Duration::ZERO };

    /// Five tries within three seconds (waits of 0.2, 0.4, 0.8 and 1.6 s), for callers that
    /// run their own retry loop around each request — a listener cycle, a reward job — where
    /// a long wait inside one request would only hold everything queued behind it.
    pub const QUICK: Self = Self { attempts: 5, first_delay: Duration::from_millis(200) };

    /// The wait after failed try number `failed` (1-based).
    pub fn delay_after(&self, failed: u32) -> Duration {
        self.first_delay.saturating_mul(1 << failed.saturating_sub(1).min(16))
    }

    /// Runs `op` until it succeeds, fails with a non-transient error, or runs out of tries.
    pub async fn run<T, F, Fut>(&self, mut op: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut failed = 0;
        loop {
            match op().await {
                Err(err) if err.is_transient() && failed + 1 < self.attempts => {
                    failed += 1;
                    let delay = self.delay_after(failed);
                    tracing::warn!(target: "chain", error = %err, ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                }
                outcome => return outcome,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_waits_double_from_two_seconds() {
        let policy = RetryPolicy::default();
        let delays: Vec<_> = (1..4).map(|n| policy.delay_after(n).as_secs()).collect();

        assert_eq!(delays, [2, 4, 8]);
        assert_eq!(policy.attempts, 4);
    }
}
