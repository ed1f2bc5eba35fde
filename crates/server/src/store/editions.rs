//! Edition templates' assets: minted once per variant (with the same write-ahead as reward
//! jobs), then shared by every reward of the template.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sqlx::{Any, Row, Transaction};
use tipforge_algo::{Address, AssetId, Round, TxId};

use super::minting::{changed_per_key, key_values};
use super::row::{bigint, optional_unsigned, parsed, unsigned};
use super::sql::{Value, run_by_rows, select_by_keys};
use super::{Result, Store, StoreError};
use crate::domain::{
    Delivery, EditionStock, Inflight, JobKey, Supply, Template, TemplateId, Timestamp, Variant,
};

// Every job counts, dead ones too: an operator may still retry them, and each takes a unit.
const ISSUED_SQL: &str = "SELECT template_id, variant, CAST(COUNT(*) AS BIGINT) AS issued \
    FROM reward_jobs WHERE template_id IN ({keys}) GROUP BY template_id, variant";

/// Records in each of `stocks` the rewards issued from its template so far, by variant.
pub(super) async fn count_issued(
    transaction: &mut Transaction<'static, Any>,
    mut stocks: HashMap<TemplateId, &mut EditionStock>,
) -> Result<()> {
    if stocks.is_empty() {
        return Ok(());
    }
    let keys: Vec<_> = stocks.keys().map(|id| vec![Value::Text(id.to_string())]).collect();
    for row in select_by_keys(transaction, ISSUED_SQL, &keys).await? {
        let (id, variant): (TemplateId, Variant) =
            (parsed(&row, "template_id")?, parsed(&row, "variant")?);
        if let Some(stock) = stocks.get_mut(&id) {
            stock.set_issued(variant, unsigned(&row, "issued")?);
        }
    }
    Ok(())
}

/// A reward of an edition, given the edition's asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionReward {
    /// The job.
    pub key: JobKey,
    /// The edition's asset.
    pub asset: AssetId,
    /// The template.
    pub template_id: TemplateId,
    /// Who the reward is for.
    pub owner: Address,
    /// Whose template it is.
    pub creator: Address,
    /// Soulbound or golden.
    pub variant: Variant,
}

/// An edition's asset, or the transaction creating it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionAsset {
    /// The asset, once created.
    pub asset_id: Option<AssetId>,
    /// The creation in flight, if any.
    pub inflight: Option<Inflight>,
}

impl Store {
    /// The units issued so far of each edition among `templates`; unique ones are left out.
    pub async fn edition_stocks(
        &self,
        templates: &[Template],
    ) -> Result<HashMap<TemplateId, EditionStock>> {
        let mut stocks: HashMap<TemplateId, EditionStock> = templates
            .iter()
            .filter_map(|template| match template.supply {
                Supply::Edition { size } => Some((template.id, EditionStock::new(size))),
                Supply::Unique => None,
            })
            .collect();
        let mut transaction = self.pool.begin().await?;
        count_issued(&mut transaction, stocks.iter_mut().map(|(id, s)| (*id, s)).collect()).await?;
        transaction.commit().await?;
        Ok(stocks)
    }

    /// The asset of `template`'s `variant` edition of `total` units; the row is created on
    /// first use.
    pub async fn edition_asset(
        &self,
        template: TemplateId,
        variant: Variant,
        total: u64,
        now: Timestamp,
    ) -> Result<EditionAsset> {
        sqlx::query(
            "INSERT INTO template_assets (template_id, variant, total, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (template_id, variant) DO NOTHING",
        )
        .bind(template.to_string())
        .bind(variant.as_str())
        .bind(bigint("edition size", total)?)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query(
            "SELECT asset_id, inflight_txn_base64, inflight_txid, inflight_last_valid \
             FROM template_assets WHERE template_id = $1 AND variant = $2",
        )
        .bind(template.to_string())
        .bind(variant.as_str())
        .fetch_one(&self.pool)
        .await?;
        let corrupt = |column, reason: String| StoreError::Corrupt { column, reason };
        let signed: Option<String> = row.try_get("inflight_txn_base64")?;
        let txid: Option<String> = row.try_get("inflight_txid")?;
        let last_valid = optional_unsigned(&row, "inflight_last_valid")?;
        let inflight = match (signed, txid, last_valid) {
            (Some(signed), Some(txid), Some(last_valid)) => Some(Inflight {
                signed: STANDARD
                    .decode(signed)
                    .map_err(|err| corrupt("inflight_txn_base64", err.to_string()))?,
                txid: txid.parse().map_err(|err: tipforge_algo::CodecError| {
                    corrupt("inflight_txid", err.to_string())
                })?,
                last_valid: Round(last_valid),
            }),
            _ => None,
        };
        Ok(EditionAsset { asset_id: optional_unsigned(&row, "asset_id")?.map(AssetId), inflight })
    }

    /// Stores the edition's signed creation before it is sent, replacing `previous` (the lost
    /// one, if any). False when another worker got there first: then only theirs is sent.
    pub async fn record_edition_inflight(
        &self,
        template: TemplateId,
        variant: Variant,
        previous: Option<TxId>,
        inflight: &Inflight,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE template_assets SET inflight_txn_base64 = $1, inflight_txid = $2, \
             inflight_last_valid = $3, updated_at = $4 \
             WHERE template_id = $5 AND variant = $6 AND asset_id IS NULL \
             AND COALESCE(inflight_txid, '') = $7",
        )
        .bind(STANDARD.encode(&inflight.signed))
        .bind(inflight.txid.to_string())
        .bind(bigint("last valid round", inflight.last_valid.0)?)
        .bind(now.0)
        .bind(template.to_string())
        .bind(variant.as_str())
        .bind(previous.map(|txid| txid.to_string()).unwrap_or_default())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the edition's confirmed creation.
    pub async fn settle_edition_mint(
        &self,
        template: TemplateId,
        variant: Variant,
        txid: TxId,
        asset: AssetId,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE template_assets SET asset_id = $1, inflight_txn_base64 = NULL, \
             inflight_txid = NULL, inflight_last_valid = NULL, updated_at = $2 \
             WHERE template_id = $3 AND variant = $4 AND inflight_txid = $5",
        )
        .bind(bigint("asset id", asset.0)?)
        .bind(now.0)
        .bind(template.to_string())
        .bind(variant.as_str())
        .bind(txid.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Gives claimed jobs of editions their (already minted) assets, in one transaction: each
    /// job is due for delivery at once and its reward appears in `nfts`. Says, job by job,
    /// whether it was given its asset now; a job whose claim was taken over, or that has an
    /// asset already, is left alone.
    pub async fn adopt_edition_assets(
        &self,
        claim: &str,
        rewards: &[EditionReward],
        now: Timestamp,
    ) -> Result<Vec<bool>> {
        let rows = rewards
            .iter()
            .map(|reward| {
                let mut row = key_values(&reward.key);
                row.push(Value::Int(bigint("asset id", reward.asset.0)?));
                Ok(row)
            })
            .collect::<Result<Vec<_>>>()?;
        let jobs = "WITH a (tip_txid, kind, asset_id) AS (VALUES {rows}) \
                    UPDATE reward_jobs SET state = 'minted', asset_id = a.asset_id, attempts = 0, \
                    next_attempt_at = $1, updated_at = $1, last_error = NULL, error_class = NULL \
                    FROM a WHERE reward_jobs.tip_txid = a.tip_txid AND reward_jobs.kind = a.kind \
                    AND reward_jobs.claim_token = $2 AND reward_jobs.asset_id IS NULL \
                    RETURNING reward_jobs.tip_txid AS tip_txid, reward_jobs.kind AS kind";
        let shared = [Value::Int(now.0), Value::Text(claim.to_owned())];
        let _turn = self.write_turn().await;
        let mut transaction = self.pool.begin().await?;
        let returned = run_by_rows(&mut transaction, jobs, &shared, &rows).await?;
        let adopted = changed_per_key(&returned, rewards.iter().map(|reward| &reward.key))?;
        let rewards_rows = rewards
            .iter()
            .zip(&adopted)
            .filter(|(_, adopted)| **adopted)
            .map(|(reward, _)| {
                let mut row = key_values(&reward.key);
                row.extend([
                    Value::Int(bigint("asset id", reward.asset.0)?),
                    Value::Text(reward.template_id.to_string()),
                    Value::Text(reward.owner.to_string()),
                    Value::Text(reward.creator.to_string()),
                    Value::Text(reward.variant.as_str().to_owned()),
                    Value::Text(Delivery::AwaitingOptin.as_str().to_owned()),
                    Value::Int(now.0),
                ]);
                Ok(row)
            })
            .collect::<Result<Vec<_>>>()?;
        let nfts = "INSERT INTO nfts (tip_txid, kind, asset_id, template_id, owner, creator, \
                    variant, delivery, minted_at) VALUES {rows} \
                    ON CONFLICT (tip_txid, kind) DO NOTHING";
        run_by_rows(&mut transaction, nfts, &[], &rewards_rows).await?;
        transaction.commit().await?;
        Ok(adopted)
    }

    /// Hands a claimed job back, due at `at` (it waits on something another step provides).
    pub async fn defer_reward_job(&self, claim: &str, key: &JobKey, at: Timestamp) -> Result<()> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "UPDATE reward_jobs SET next_attempt_at = $1, claim_token = NULL \
             WHERE tip_txid = $2 AND kind = $3 AND claim_token = $4",
        )
        .bind(at.0)
        .bind(&key.tip_txid)
        .bind(key.kind.as_str())
        .bind(claim)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
