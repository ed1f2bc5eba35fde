//! The listener's single-ingester lease: one row per network in `listener_state`, so that of
//! several instances sharing one database exactly one reads the chain at a time.

use std::time::Duration;

use sqlx::Row;
use tipforge_algo::Round;

use super::row::bigint;
use super::{Result, Store};
use crate::domain::Timestamp;

/// Who holds the lease of a network after an attempt to take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseState {
    /// Whether the instance that asked holds it now.
    pub held: bool,
    /// The instance that holds it (the asker when `held`).
    pub holder: Option<String>,
    /// When the holder's lease runs out unless renewed.
    pub expires_at: Option<Timestamp>,
}

impl Store {
    /// Takes or renews the lease of network `genesis_hash` for instance `holder` until
    /// `now + ttl`, in one statement: it is taken when free, expired or already ours, and left
    /// alone otherwise. A network with no row yet gets one with its watermark at `start`, the
    /// round the listener starts from.
    pub async fn take_lease(
        &self,
        genesis_hash: &str,
        holder: &str,
        start: Round,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<LeaseState> {
        let expires = now.plus(ttl);
        // The condition is evaluated against the row as committed last (PostgreSQL re-checks
        // it after waiting for a concurrent writer), so two instances can never both see
        // themselves as holder.
        let taken = sqlx::query(
            "INSERT INTO listener_state \
                 (genesis_hash, watermark_round, updated_at, lease_holder, lease_expires_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (genesis_hash) DO UPDATE \
             SET lease_holder = excluded.lease_holder, \
                 lease_expires_at = excluded.lease_expires_at \
             WHERE listener_state.lease_holder IS NULL \
                OR listener_state.lease_holder = excluded.lease_holder \
                OR listener_state.lease_expires_at IS NULL \
                OR listener_state.lease_expires_at <= $3",
        )
        .bind(genesis_hash)
        .bind(bigint("round", start.0)?)
        .bind(now.0)
        .bind(holder)
        .bind(expires.0)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if taken > 0 {
            return Ok(LeaseState {
                held: true,
                holder: Some(holder.to_owned()),
                expires_at: Some(expires),
            });
        }
        let row = sqlx::query(
            "SELECT lease_holder, lease_expires_at FROM listener_state WHERE genesis_hash = $1",
        )
        .bind(genesis_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(LeaseState { held: false, holder: None, expires_at: None });
        };
        let current: Option<String> = row.try_get("lease_holder")?;
        let expires_at: Option<i64> = row.try_get("lease_expires_at")?;
        let expires_at = expires_at.map(Timestamp);
        Ok(LeaseState { held: current.as_deref() == Some(holder), holder: current, expires_at })
    }

    /// Frees every network's lease, whoever holds it. Only for a database one instance uses
    /// (SQLite), at start-up: any holder then is a process that died without releasing it, and
    /// the listener need not wait for its lease to run out.
    pub async fn release_all_leases(&self) -> Result<u64> {
        let freed = sqlx::query(
            "UPDATE listener_state SET lease_holder = NULL, lease_expires_at = NULL \
             WHERE lease_holder IS NOT NULL",
        )
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(freed)
    }

    /// Gives the lease of network `genesis_hash` up if `holder` has it, so another instance
    /// takes over at once instead of after the lease runs out.
    pub async fn release_lease(&self, genesis_hash: &str, holder: &str) -> Result<()> {
        sqlx::query(
            "UPDATE listener_state SET lease_holder = NULL, lease_expires_at = NULL \
             WHERE genesis_hash = $1 AND lease_holder = $2",
        )
        .bind(genesis_hash)
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Renews the lease of `holder` inside an ingest transaction, which also locks the row on
/// PostgreSQL until the batch commits. False when another instance has taken the lease over:
/// the batch must then not be committed.
pub(super) async fn renew_in(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    genesis_hash: &str,
    holder: &str,
    expires: Timestamp,
) -> Result<bool> {
    let renewed = sqlx::query(
        "UPDATE listener_state SET lease_expires_at = $3 \
         WHERE genesis_hash = $1 AND lease_holder = $2",
    )
    .bind(genesis_hash)
    .bind(holder)
    .bind(expires.0)
    .execute(&mut **transaction)
    .await?
    .rows_affected();
    Ok(renewed > 0)
}
