//! Reward job figures for the status page.

use std::collections::BTreeMap;

use sqlx::Row;

use super::row::unsigned;
use super::{Result, Store};

impl Store {
    /// How many reward jobs are in each state; states with no job are absent.
    pub async fn reward_jobs_by_state(&self) -> Result<BTreeMap<String, u64>> {
        // COUNT(*) is BIGINT on PostgreSQL but may come back narrower elsewhere; the cast
        // keeps one decoding for both.
        let rows = sqlx::query(
            "SELECT state, CAST(COUNT(*) AS BIGINT) AS jobs FROM reward_jobs GROUP BY state",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get::<String, _>("state")?, unsigned(row, "jobs")?)))
            .collect()
    }
}
