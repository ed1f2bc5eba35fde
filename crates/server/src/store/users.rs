//! Users: created on first sign-in, promoted to creator on registration.

use sqlx::Row;
use sqlx::any::AnyRow;
use tipforge_algo::Address;

use super::row::{address, parsed, timestamp};
use super::{Result, Store, StoreError};
use crate::domain::{Role, Timestamp, User};

const COLUMNS: &str = "wallet, role, username, created_at";

impl Store {
    /// The user for `wallet`, created as a fan if this is its first sign-in. Concurrent first
    /// sign-ins of one wallet both succeed and see the same row.
    pub async fn upsert_fan(&self, wallet: &Address, now: Timestamp) -> Result<User> {
        let sql = format!(
            "INSERT INTO users (wallet, role, created_at) VALUES ($1, 'fan', $2) \
             ON CONFLICT (wallet) DO UPDATE SET wallet = excluded.wallet RETURNING {COLUMNS}"
        );
        let row =
            sqlx::query(&sql).bind(wallet.to_string()).bind(now.0).fetch_one(&self.pool).await?;
        user_from_row(&row)
    }

    /// The user for `wallet`, if it has signed in.
    pub async fn user(&self, wallet: &Address) -> Result<Option<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE wallet = $1");
        let row = sqlx::query(&sql).bind(wallet.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Changes a user's role.
    pub async fn set_role(&self, wallet: &Address, role: Role) -> Result<()> {
        let updated = sqlx::query("UPDATE users SET role = $1 WHERE wallet = $2")
            .bind(role.as_str())
            .bind(wallet.to_string())
            .execute(&self.pool)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::UnknownUser { wallet: *wallet });
        }
        Ok(())
    }
}

fn user_from_row(row: &AnyRow) -> Result<User> {
    Ok(User {
        wallet: address(row, "wallet")?,
        role: parsed(row, "role")?,
        username: row.try_get("username")?,
        created_at: timestamp(row, "created_at")?,
    })
}
