//! Leaderboards: creators ranked by what they received, a creator's fans by what they sent,
//! and a creator's loyalty table. Each ranking is one query; tips are read from their (fan,
//! creator) totals, one row per pair instead of one per tip.

use sqlx::Row;
use tipforge_algo::{Address, AppId, MicroAlgos};

use super::fans::volume_from_row;
use super::row::{address, optional_unsigned, timestamp, unsigned};
use super::{Result, Store};
use crate::domain::{BoardTotals, CreatorStanding, FanStanding, LoyaltyStanding};

impl Store {
    /// The `limit` creators who received the most µAlgo, with their active app.
    pub async fn top_creators(&self, limit: u32) -> Result<Vec<CreatorStanding>> {
        let rows = sqlx::query(
            "SELECT r.creator, u.username, c.app_id, r.tips, r.total, r.fans FROM ( \
                SELECT creator, CAST(SUM(tips) AS BIGINT) AS tips, \
                CAST(SUM(total_micro) AS BIGINT) AS total, CAST(COUNT(*) AS BIGINT) AS fans \
                FROM fan_creator_totals GROUP BY creator ORDER BY total DESC, creator LIMIT $1) r \
             LEFT JOIN users u ON u.wallet = r.creator \
             LEFT JOIN contracts c ON c.creator = r.creator AND c.retired_at IS NULL \
             ORDER BY r.total DESC, r.creator",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CreatorStanding {
                    creator: address(row, "creator")?,
                    username: row.try_get("username")?,
                    app_id: optional_unsigned(row, "app_id")?.map(AppId),
                    volume: volume_from_row(row)?,
                    unique_fans: unsigned(row, "fans")?,
                })
            })
            .collect()
    }

    /// How many creators were ever tipped, and the µAlgo they received.
    pub async fn creator_board_totals(&self) -> Result<BoardTotals> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(DISTINCT creator) AS BIGINT) AS entries, \
             CAST(COALESCE(SUM(total_micro), 0) AS BIGINT) AS total FROM fan_creator_totals",
        )
        .fetch_one(&self.pool)
        .await?;
        board_totals(&row)
    }

    /// The `limit` fans who sent `creator` the most µAlgo, with how many of the creator's
    /// rewards each holds.
    pub async fn top_fans(&self, creator: &Address, limit: u32) -> Result<Vec<FanStanding>> {
        let rows = sqlx::query(
            "SELECT r.fan, u.username, r.tips, r.total, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM nfts n \
                WHERE n.creator = $1 AND n.owner = r.fan) AS nfts FROM ( \
                SELECT fan, tips, total_micro AS total FROM fan_creator_totals \
                WHERE creator = $1 ORDER BY total_micro DESC, fan LIMIT $2) r \
             LEFT JOIN users u ON u.wallet = r.fan \
             ORDER BY r.total DESC, r.fan",
        )
        .bind(creator.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(FanStanding {
                    fan: address(row, "fan")?,
                    username: row.try_get("username")?,
                    volume: volume_from_row(row)?,
                    nfts: unsigned(row, "nfts")?,
                })
            })
            .collect()
    }

    /// How many fans ever tipped `creator`, and the µAlgo they sent.
    pub async fn fan_board_totals(&self, creator: &Address) -> Result<BoardTotals> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS entries, \
             CAST(COALESCE(SUM(total_micro), 0) AS BIGINT) AS total \
             FROM fan_creator_totals WHERE creator = $1",
        )
        .bind(creator.to_string())
        .fetch_one(&self.pool)
        .await?;
        board_totals(&row)
    }

    /// `creator`'s most loyal fans: most badges, then most qualifying tips, then most µAlgo.
    pub async fn loyalty_table(
        &self,
        creator: &Address,
        limit: u32,
    ) -> Result<Vec<LoyaltyStanding>> {
        let rows = sqlx::query(
            "SELECT fan, qualifying_tips, total_micro, badges, updated_at FROM loyalty \
             WHERE creator = $1 \
             ORDER BY badges DESC, qualifying_tips DESC, total_micro DESC, fan LIMIT $2",
        )
        .bind(creator.to_string())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LoyaltyStanding {
                    fan: address(row, "fan")?,
                    qualifying_tips: unsigned(row, "qualifying_tips")?,
                    total: MicroAlgos(unsigned(row, "total_micro")?),
                    badges: unsigned(row, "badges")?,
                    updated_at: timestamp(row, "updated_at")?,
                })
            })
            .collect()
    }

    /// How many fans are in `creator`'s loyalty table, and their qualifying µAlgo.
    pub async fn loyalty_totals(&self, creator: &Address) -> Result<BoardTotals> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS entries, \
             CAST(COALESCE(SUM(total_micro), 0) AS BIGINT) AS total \
             FROM loyalty WHERE creator = $1",
        )
        .bind(creator.to_string())
        .fetch_one(&self.pool)
        .await?;
        board_totals(&row)
    }
}

fn board_totals(row: &sqlx::any::AnyRow) -> Result<BoardTotals> {
    Ok(BoardTotals {
        entries: unsigned(row, "entries")?,
        total: MicroAlgos(unsigned(row, "total")?),
    })
}
