//! Sign-in challenges: issued once, consumed once, swept after expiry.

use sqlx::any::AnyRow;
use tipforge_algo::Address;

use super::row::{address, optional_timestamp, timestamp};
use super::{Result, Store, StoreError};
use crate::domain::{Challenge, Nonce, Timestamp};

impl Store {
    /// Stores a freshly issued challenge.
    pub async fn insert_challenge(&self, challenge: &Challenge) -> Result<()> {
        sqlx::query(
            "INSERT INTO auth_challenges (nonce, wallet, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(challenge.nonce.as_str())
        .bind(challenge.wallet.to_string())
        .bind(challenge.created_at.0)
        .bind(challenge.expires_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The challenge with this nonce, used or not.
    pub async fn challenge(&self, nonce: &Nonce) -> Result<Option<Challenge>> {
        let row = sqlx::query(
            "SELECT nonce, wallet, created_at, expires_at, used_at \
             FROM auth_challenges WHERE nonce = $1",
        )
        .bind(nonce.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(challenge_from_row).transpose()
    }

    /// Marks the challenge used, in one statement so that of two concurrent attempts exactly one
    /// succeeds. Fails with [`StoreError::ChallengeUnavailable`] when the challenge is unknown,
    /// was issued to another wallet, was already used or has expired at `now`.
    pub async fn consume_challenge(
        &self,
        nonce: &Nonce,
        wallet: &Address,
        now: Timestamp,
    ) -> Result<()> {
        let consumed = sqlx::query(
            "UPDATE auth_challenges SET used_at = $1 \
             WHERE nonce = $2 AND wallet = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now.0)
        .bind(nonce.as_str())
        .bind(wallet.to_string())
        .execute(&self.pool)
        .await?;
        if consumed.rows_affected() == 0 {
            return Err(StoreError::ChallengeUnavailable);
        }
        Ok(())
    }
}

fn challenge_from_row(row: &AnyRow) -> Result<Challenge> {
    let nonce: String = sqlx::Row::try_get(row, "nonce")?;
    Ok(Challenge {
        nonce: Nonce::from_text(nonce),
        wallet: address(row, "wallet")?,
        created_at: timestamp(row, "created_at")?,
        expires_at: timestamp(row, "expires_at")?,
        used_at: optional_timestamp(row, "used_at")?,
    })
}
