//! A creator's figures, each section one aggregate query: no query per tip, fan or template.

use sqlx::Row;
use sqlx::any::AnyRow;
use tipforge_algo::{Address, MicroAlgos};

use super::row::{address, optional_unsigned, parsed, unsigned};
use super::{Result, Store};
use crate::domain::{
    Dashboard, EditionStock, FanTotal, Supply, TemplateKind, TemplateRewards, Timestamp, TipQuery,
    TipTotals,
};

/// How many fans and recent tips a dashboard lists.
const LISTED: u32 = 10;
const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// Reward job states in which the reward's transaction has reached the chain.
const ON_CHAIN_STATES: &str = "'minted', 'delivering', 'done', 'awaiting_optin'";

impl Store {
    /// The creator's tip totals.
    pub async fn tip_totals(&self, creator: &Address) -> Result<TipTotals> {
        let (totals, _) = self.tip_figures(creator, Timestamp(0)).await?;
        Ok(totals)
    }

    /// How many templates of each kind the creator has.
    pub async fn template_counts(&self, creator: &Address) -> Result<Vec<(TemplateKind, u64)>> {
        let rows = sqlx::query(
            "SELECT kind, CAST(COUNT(*) AS BIGINT) AS templates FROM templates \
             WHERE creator = $1 GROUP BY kind ORDER BY kind",
        )
        .bind(creator.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((parsed(row, "kind")?, unsigned(row, "templates")?))).collect()
    }

    /// The creator's dashboard as of `now`.
    pub async fn dashboard(&self, creator: &Address, now: Timestamp) -> Result<Dashboard> {
        let (tips, [tips_last_day, tips_last_week]) = self.tip_figures(creator, now).await?;
        let recent = TipQuery { creator: Some(*creator), fan: None, before: None, limit: LISTED };
        Ok(Dashboard {
            tips,
            tips_last_day,
            tips_last_week,
            top_fans: self.dashboard_top_fans(creator).await?,
            recent_tips: self.list_tips(&recent).await?.tips,
            reward_jobs: self.creator_jobs_by_state(creator).await?,
            templates: self.template_rewards(creator).await?,
        })
    }

    /// Totals, and the tips stored in the day and the week before `now`.
    async fn tip_figures(
        &self,
        creator: &Address,
        now: Timestamp,
    ) -> Result<(TipTotals, [u64; 2])> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS tips, \
             CAST(COALESCE(SUM(amount_micro), 0) AS BIGINT) AS amount, \
             CAST(COUNT(DISTINCT fan) AS BIGINT) AS fans, \
             CAST(COALESCE(SUM(CASE WHEN ingested_at >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             AS last_day, \
             CAST(COALESCE(SUM(CASE WHEN ingested_at >= $3 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             AS last_week \
             FROM tips WHERE creator = $1",
        )
        .bind(creator.to_string())
        .bind(now.0.saturating_sub(DAY_MILLIS))
        .bind(now.0.saturating_sub(7 * DAY_MILLIS))
        .fetch_one(&self.pool)
        .await?;
        let totals = TipTotals {
            count: unsigned(&row, "tips")?,
            amount: MicroAlgos(unsigned(&row, "amount")?),
            unique_fans: unsigned(&row, "fans")?,
        };
        Ok((totals, [unsigned(&row, "last_day")?, unsigned(&row, "last_week")?]))
    }

    async fn dashboard_top_fans(&self, creator: &Address) -> Result<Vec<FanTotal>> {
        let rows = sqlx::query(
            "SELECT fan, CAST(COUNT(*) AS BIGINT) AS tips, \
             CAST(SUM(amount_micro) AS BIGINT) AS amount FROM tips WHERE creator = $1 \
             GROUP BY fan ORDER BY amount DESC, fan LIMIT $2",
        )
        .bind(creator.to_string())
        .bind(i64::from(LISTED))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(FanTotal {
                    fan: address(row, "fan")?,
                    tips: unsigned(row, "tips")?,
                    amount: MicroAlgos(unsigned(row, "amount")?),
                })
            })
            .collect()
    }

    async fn creator_jobs_by_state(&self, creator: &Address) -> Result<Vec<(String, u64)>> {
        let rows = sqlx::query(
            "SELECT j.state, CAST(COUNT(*) AS BIGINT) AS jobs FROM reward_jobs j \
             JOIN tips t ON t.txid = j.tip_txid WHERE t.creator = $1 \
             GROUP BY j.state ORDER BY j.state",
        )
        .bind(creator.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get("state")?, unsigned(row, "jobs")?))).collect()
    }

    async fn template_rewards(&self, creator: &Address) -> Result<Vec<TemplateRewards>> {
        let sql = format!(
            "SELECT tp.id, tp.name, tp.kind, tp.edition_size, \
             CAST(COALESCE(n.nfts, 0) AS BIGINT) AS nfts, \
             CAST(COALESCE(j.rewards, 0) AS BIGINT) AS rewards, \
             CAST(COALESCE(i.soulbound, 0) AS BIGINT) AS soulbound_issued, \
             CAST(COALESCE(i.golden, 0) AS BIGINT) AS golden_issued \
             FROM templates tp \
             LEFT JOIN (SELECT template_id, COUNT(*) AS nfts FROM nfts WHERE creator = $1 \
                        GROUP BY template_id) n ON n.template_id = tp.id \
             LEFT JOIN (SELECT template_id, COUNT(*) AS rewards FROM reward_jobs \
                        WHERE state IN ({ON_CHAIN_STATES}) AND template_id IN \
                        (SELECT id FROM templates WHERE creator = $1) \
                        GROUP BY template_id) j ON j.template_id = tp.id \
             LEFT JOIN (SELECT template_id, \
                        SUM(CASE WHEN variant = 'soulbound' THEN 1 ELSE 0 END) AS soulbound, \
                        SUM(CASE WHEN variant = 'golden' THEN 1 ELSE 0 END) AS golden \
                        FROM reward_jobs WHERE template_id IN \
                        (SELECT id FROM templates WHERE creator = $1 AND edition_size IS NOT NULL) \
                        GROUP BY template_id) i ON i.template_id = tp.id \
             WHERE tp.creator = $1 ORDER BY tp.id"
        );
        let rows = sqlx::query(&sql).bind(creator.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(template_rewards_from_row).collect()
    }
}

fn template_rewards_from_row(row: &AnyRow) -> Result<TemplateRewards> {
    let size = optional_unsigned(row, "edition_size")?;
    let supply = size.map_or(Supply::Unique, |size| Supply::Edition { size });
    let (soulbound, golden) = (unsigned(row, "soulbound_issued")?, unsigned(row, "golden_issued")?);
    let edition = size.map(|size| EditionStock { size, soulbound, golden });
    Ok(TemplateRewards {
        template: parsed(row, "id")?,
        name: row.try_get("name")?,
        kind: parsed(row, "kind")?,
        supply,
        nfts: unsigned(row, "nfts")?,
        rewards: unsigned(row, "rewards")?,
        edition,
    })
}
