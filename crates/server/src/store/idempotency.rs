//! Idempotency keys: the first request with a key claims it by inserting it, so two concurrent
//! requests cannot both act; later requests with the key get the stored response.

use sqlx::Row;
use tipforge_algo::Address;

use super::constraint::{Constraint, Violation};
use super::row::optional_unsigned;
use super::{Result, Store, StoreError};
use crate::domain::Timestamp;

/// A client's idempotency key and what it was first used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The key the client chose.
    pub key: String,
    /// The signed-in wallet that sent it, if any; a key is never shared across wallets.
    pub wallet: Option<Address>,
    /// A hash of the request, so a key reused for a different request is refused.
    pub request_hash: String,
}

/// What to do with a request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency {
    /// The key is new and now claimed: act, then record the response.
    Claimed,
    /// Another request with the key is still being handled.
    InProgress,
    /// The key was used before: answer with the same response.
    Completed {
        /// The HTTP status sent.
        status: u16,
        /// The body sent.
        body: String,
    },
}

impl Store {
    /// Claims `key` until `expires_at`, or reports how it was used before. A key that expired
    /// is claimed afresh. Fails with [`StoreError::IdempotencyKeyReused`] when the key was used
    /// by another wallet or for another request.
    pub async fn claim_idempotency_key(
        &self,
        key: &IdempotencyKey,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<Idempotency> {
        sqlx::query("DELETE FROM idempotency_keys WHERE idempotency_key = $1 AND expires_at <= $2")
            .bind(&key.key)
            .bind(now.0)
            .execute(&self.pool)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (idempotency_key, wallet, request_hash, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&key.key)
        .bind(key.wallet.map(|wallet| wallet.to_string()))
        .bind(&key.request_hash)
        .bind(now.0)
        .bind(expires_at.0)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(Idempotency::Claimed),
            Err(err)
                if Violation::of(&err) == Some(Violation::Of(Constraint::IdempotencyKeysPkey)) =>
            {
                self.earlier_use(key).await
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Records the response to the request that claimed `key`.
    pub async fn complete_idempotency_key(&self, key: &str, status: u16, body: &str) -> Result<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET response_status = $1, response_body = $2 \
             WHERE idempotency_key = $3",
        )
        .bind(i64::from(status))
        .bind(body)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Gives up a claimed key whose request failed before anything was done, so a retry with
    /// the key acts afresh. A key with a recorded response is kept.
    pub async fn release_idempotency_key(&self, key: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE idempotency_key = $1 AND response_status IS NULL",
        )
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn earlier_use(&self, key: &IdempotencyKey) -> Result<Idempotency> {
        let row = sqlx::query(
            "SELECT wallet, request_hash, response_status, response_body \
             FROM idempotency_keys WHERE idempotency_key = $1",
        )
        .bind(&key.key)
        .fetch_one(&self.pool)
        .await?;
        let wallet: Option<String> = row.try_get("wallet")?;
        let request_hash: String = row.try_get("request_hash")?;
        if wallet != key.wallet.map(|wallet| wallet.to_string()) || request_hash != key.request_hash
        {
            return Err(StoreError::IdempotencyKeyReused { key: key.key.clone() });
        }
        let status = optional_unsigned(&row, "response_status")?;
        let body: Option<String> = row.try_get("response_body")?;
        Ok(match (status.and_then(|status| u16::try_from(status).ok()), body) {
            (Some(status), Some(body)) => Idempotency::Completed { status, body },
            _ => Idempotency::InProgress,
        })
    }
}
