//! Periodic removal of expired rows and idle rate-limiter entries, so nothing grows unbounded.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::domain::Clock;
use crate::rate_limit::IpRateLimiter;
use crate::store::{Store, StoreError, Swept};

/// How often the sweeper runs.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Deletes expired challenges and idempotency keys and forgets idle rate-limited clients.
#[derive(Debug)]
pub(crate) struct Sweeper {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) limiters: Vec<Arc<IpRateLimiter>>,
}

impl Sweeper {
    /// One sweep.
    pub(crate) async fn run_once(&self) -> Result<Swept, StoreError> {
        for limiter in &self.limiters {
            limiter.forget_idle_clients();
        }
        self.store.sweep_expired(self.clock.now()).await
    }

    /// Sweeps every minute until `shutdown`. A failed sweep is logged and retried next time.
    pub(crate) async fn run(self, shutdown: CancellationToken) -> std::io::Result<()> {
        let mut ticks = tokio::time::interval(SWEEP_EVERY);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                _ = ticks.tick() => match self.run_once().await {
                    Ok(swept) => tracing::debug!(target: "sweeper", ?swept, "swept"),
                    Err(err) => {
                        let error = &err as &dyn Error;
                        tracing::warn!(target: "sweeper", error, "sweep failed");
                    }
                },
            }
        }
    }
}
