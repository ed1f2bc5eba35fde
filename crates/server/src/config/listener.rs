//! How the chain listener paces itself and how long its ingest lease lasts.

use std::time::Duration;

use serde::Deserialize;

use super::ConfigError;
use crate::listener::ListenerConfig;

/// How many poll intervals the ingest lease lasts when not set: one slow cycle or a missed
/// renewal does not hand ingestion to another instance.
const LEASE_POLL_INTERVALS: u32 = 3;

/// The chain listener. File section `[listener]`, env `TIPFORGE_LISTENER__*`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListenerSettings {
    /// The longest wait for a new block when caught up, the pause after a failed cycle and
    /// between looks while another instance ingests, in milliseconds. Default 1000. Env
    /// `TIPFORGE_LISTENER__POLL_INTERVAL_MS`.
    pub poll_interval_ms: u64,
    /// The most rounds one cycle reads and commits together. Default 500. Env
    /// `TIPFORGE_LISTENER__MAX_ROUNDS_PER_CYCLE`.
    pub max_rounds_per_cycle: u64,
    /// How long the single-ingester lease lasts unless renewed, in milliseconds; another
    /// instance takes ingestion over after this long without renewal. Default three poll
    /// intervals. Env `TIPFORGE_LISTENER__LEASE_TTL_MS`.
    pub lease_ttl_ms: Option<u64>,
}

impl Default for ListenerSettings {
    fn default() -> Self {
        let defaults = ListenerConfig::default();
        Self {
            poll_interval_ms: u64::try_from(defaults.poll_interval.as_millis()).unwrap_or(1000),
            max_rounds_per_cycle: defaults.max_rounds_per_cycle,
            lease_ttl_ms: None,
        }
    }
}

impl ListenerSettings {
    /// The listener's configuration.
    pub fn listener_config(&self) -> ListenerConfig {
        let poll_interval = Duration::from_millis(self.poll_interval_ms);
        ListenerConfig {
            poll_interval,
            max_rounds_per_cycle: self.max_rounds_per_cycle,
            lease_ttl: self
                .lease_ttl_ms
                .map_or(poll_interval * LEASE_POLL_INTERVALS, Duration::from_millis),
            ..ListenerConfig::default()
        }
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |setting, reason| Err(ConfigError::Invalid { setting, reason });
        if self.poll_interval_ms == 0 {
            return invalid("listener.poll_interval_ms", "must be positive");
        }
        if self.max_rounds_per_cycle == 0 {
            return invalid("listener.max_rounds_per_cycle", "must be positive");
        }
        if self.lease_ttl_ms.is_some_and(|ttl| ttl <= self.poll_interval_ms) {
            return invalid(
                "listener.lease_ttl_ms",
                "must be longer than poll_interval_ms, or the holder loses it between cycles",
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_lasts_three_poll_intervals_unless_set() {
        let settings = ListenerSettings { poll_interval_ms: 200, ..ListenerSettings::default() };
        assert_eq!(settings.listener_config().lease_ttl, Duration::from_millis(600));
        assert_eq!(settings.listener_config().max_rounds_per_cycle, 500);
        let settings = ListenerSettings { lease_ttl_ms: Some(5000), ..settings };
        assert_eq!(settings.listener_config().lease_ttl, Duration::from_secs(5));
    }

    #[test]
    fn a_lease_no_longer_than_the_poll_interval_is_refused() {
        let settings = ListenerSettings {
            poll_interval_ms: 1000,
            lease_ttl_ms: Some(1000),
            ..ListenerSettings::default()
        };
        assert!(matches!(
            settings.validate(),
            Err(ConfigError::Invalid { setting: "listener.lease_ttl_ms", .. })
        ));
        let settings = ListenerSettings { max_rounds_per_cycle: 0, ..ListenerSettings::default() };
        assert!(settings.validate().is_err());
    }
}
