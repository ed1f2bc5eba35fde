//! Reward jobs as the minter moves them: claiming due jobs, the write-ahead of signed
//! transactions, settling confirmations, failures and the operator's retries.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tipforge_algo::{Address, AssetId, Round, TxId};

use super::row::{address, bigint, optional_unsigned, parsed, timestamp, unsigned};
use super::sql::{Value, run_by_rows};
use super::{Backend, Result, Store, StoreError};
use crate::domain::{
    ClaimedJob, ErrorClass, Inflight, JobCursor, JobKey, JobPage, JobState, RewardJob, TemplateId,
    TemplateKind, Timestamp, Variant,
};

const JOB_COLUMNS: &str = "j.tip_txid, j.kind, j.template_id, j.variant, j.state, j.attempts, \
    j.next_attempt_at, j.last_error, j.error_class, j.inflight_txn_base64, j.inflight_txid, \
    j.inflight_last_valid, j.asset_id, j.created_at, j.updated_at";

/// States a worker picks up once due: in-flight ones only after their claim lapsed. The
/// `reward_jobs_claimable` index is partial on exactly this list, and a claim can use it only
/// while the two agree.
const CLAIMABLE: &str = "('queued', 'minting', 'minted', 'delivering', 'failed')";

/// A reward job to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRewardJob {
    /// The tip that earned it.
    pub key: JobKey,
    /// The template it awards from.
    pub template_id: Option<TemplateId>,
    /// Soulbound or golden.
    pub variant: Variant,
}

/// A mint seen confirmed on chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintSettlement {
    /// The job.
    pub key: JobKey,
    /// The mint transaction, which must still be the job's in-flight one.
    pub txid: TxId,
    /// The asset it created.
    pub asset: AssetId,
    /// The round it was committed in.
    pub round: Round,
    /// The template minted from.
    pub template_id: TemplateId,
    /// Who the reward is for.
    pub owner: Address,
    /// Whose template it is.
    pub creator: Address,
    /// Soulbound or golden.
    pub variant: Variant,
}

/// A delivery seen confirmed on chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The job.
    pub key: JobKey,
    /// The delivery transaction, which must still be the job's in-flight one.
    pub txid: TxId,
    /// The round it was committed in.
    pub round: Round,
}

/// A failed step of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    /// The job.
    pub key: JobKey,
    /// What kind of failure.
    pub class: ErrorClass,
    /// What happened, for the operator.
    pub reason: String,
    /// When to try again (ignored when `dead`).
    pub next_attempt_at: Timestamp,
    /// Give up on the job.
    pub dead: bool,
    /// Keep the in-flight transaction: it may still be committed, so the retry asks first.
    pub keep_inflight: bool,
}

/// A minted reward as the `nfts` table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintedReward {
    /// The asset.
    pub asset_id: AssetId,
    /// Who it is for.
    pub owner: Address,
    /// Soulbound or golden.
    pub variant: Variant,
    /// `delivered` or `awaiting_optin`.
    pub delivery: String,
    /// The delivery transaction, once delivered.
    pub delivery_txid: Option<String>,
    /// The round of the mint.
    pub minted_round: Option<Round>,
    /// The round of the delivery.
    pub delivered_round: Option<Round>,
}

/// What [`Store::retry_dead_job`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryOutcome {
    /// The job is due again.
    Retried,
    /// No such job.
    NotFound,
    /// The job is not dead, so there is nothing to retry.
    NotDead(JobState),
    /// The job delivers a membership that has been revoked: retrying it would hand the fan an
    /// expired membership.
    MembershipRevoked,
}

impl Store {
    /// Queues a reward job; a job already queued for the same tip and kind is left alone.
    /// Returns whether it was new.
    pub async fn queue_reward_job(&self, job: &NewRewardJob, now: Timestamp) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO reward_jobs (tip_txid, kind, template_id, variant, state, \
             next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'queued', $5, $5, $5) \
             ON CONFLICT (tip_txid, kind) DO NOTHING",
        )
        .bind(&job.key.tip_txid)
        .bind(job.key.kind.as_str())
        .bind(job.template_id.map(|id| id.to_string()))
        .bind(job.variant.as_str())
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims up to `limit` due jobs for the worker holding `claim`, pushing their next
    /// attempt to `lease_until` so that no other worker takes them before then. Several
    /// instances may claim at once on PostgreSQL (rows locked by one are skipped by the others);
    /// on SQLite the single conditional UPDATE is atomic.
    pub async fn claim_reward_jobs(
        &self,
        claim: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<ClaimedJob>> {
        // PostgreSQL: rows locked by another claim are skipped, and each taken row is checked
        // again once locked. SQLite: the statement runs alone under the write lock, so the
        // rows it selects are still due when it updates them; the due-order index is named,
        // since SQLite's planner would otherwise read every due job by state and sort them.
        let claim_sql = match self.backend {
            Backend::Postgres => format!(
                "UPDATE reward_jobs SET claim_token = $1, next_attempt_at = $2, updated_at = $3 \
                 WHERE next_attempt_at <= $3 AND state IN {CLAIMABLE} AND (tip_txid, kind) IN ( \
                 SELECT tip_txid, kind FROM reward_jobs WHERE state IN {CLAIMABLE} \
                 AND next_attempt_at <= $3 ORDER BY next_attempt_at LIMIT $4 \
                 FOR UPDATE SKIP LOCKED)"
            ),
            Backend::Sqlite => format!(
                "UPDATE reward_jobs SET claim_token = $1, next_attempt_at = $2, updated_at = $3 \
                 WHERE (tip_txid, kind) IN ( \
                 SELECT tip_txid, kind FROM reward_jobs INDEXED BY reward_jobs_claimable \
                 WHERE state IN {CLAIMABLE} AND next_attempt_at <= $3 \
                 ORDER BY next_attempt_at LIMIT $4)"
            ),
        };
        let turn = self.write_turn().await;
        sqlx::query(&claim_sql)
            .bind(claim)
            .bind(lease_until.0)
            .bind(now.0)
            .bind(i64::from(limit))
            .execute(&self.pool)
            .await?;
        drop(turn);
        let select = format!(
            "SELECT {JOB_COLUMNS}, t.fan, t.creator, t.round AS tip_round, t.ingested_at \
             FROM reward_jobs j JOIN tips t ON t.txid = j.tip_txid \
             WHERE j.claim_token = $1"
        );
        let rows = sqlx::query(&select).bind(claim).fetch_all(&self.pool).await?;
        let mut templates = HashMap::new();
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let job = job_from_row(row)?;
            let template = match job.template_id {
                Some(id) => match templates.get(&id) {
                    Some(template) => Clone::clone(template),
                    None => {
                        let template = self.template(id).await?;
                        templates.insert(id, template.clone());
                        template
                    }
                },
                None => None,
            };
            claimed.push(ClaimedJob {
                job,
                fan: address(row, "fan")?,
                creator: address(row, "creator")?,
                tip_round: Round(unsigned(row, "tip_round")?),
                tip_ingested_at: timestamp(row, "ingested_at")?,
                template,
            });
        }
        Ok(claimed)
    }

    /// Makes every job claimed by a batch in progress due at `now`. Only for a database one
    /// instance uses (SQLite), at start-up: such claims are then a dead process's, and waiting
    /// for them to lapse would hold those rewards back for the whole claim timeout. Safe even
    /// if that process lived on: its writes name its claim and are refused once the job is
    /// claimed again, and a stored transaction is looked up before anything is re-signed.
    /// Failed jobs keep their retry schedule.
    pub async fn release_claims(&self, now: Timestamp) -> Result<u64> {
        let freed = sqlx::query(
            "UPDATE reward_jobs SET claim_token = NULL, next_attempt_at = $1 \
             WHERE claim_token IS NOT NULL AND next_attempt_at > $1 \
             AND state IN ('queued', 'minting', 'minted', 'delivering')",
        )
        .bind(now.0)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(freed)
    }

    /// Stores each job's signed transaction before it is sent (the write-ahead), moving the job
    /// to `state` (minting or delivering), in one transaction. A job whose claim was taken over
    /// by another worker is left alone; the answer says, job by job, which were written, and
    /// only those may be sent.
    pub async fn record_inflight(
        &self,
        claim: &str,
        writes: &[(JobKey, JobState, Inflight)],
        now: Timestamp,
    ) -> Result<Vec<bool>> {
        let rows = writes
            .iter()
            .map(|(key, state, inflight)| {
                let mut row = key_values(key);
                row.extend([
                    Value::Text(state.as_str().to_owned()),
                    Value::Text(STANDARD.encode(&inflight.signed)),
                    Value::Text(inflight.txid.to_string()),
                    Value::Int(bigint("last valid round", inflight.last_valid.0)?),
                ]);
                Ok(row)
            })
            .collect::<Result<Vec<_>>>()?;
        let sql = "WITH w (tip_txid, kind, state, signed_txn, txid, last_valid) AS (VALUES {rows}) \
                   UPDATE reward_jobs SET state = w.state, inflight_txn_base64 = w.signed_txn, \
                   inflight_txid = w.txid, inflight_last_valid = w.last_valid, updated_at = $1 \
                   FROM w WHERE reward_jobs.tip_txid = w.tip_txid AND reward_jobs.kind = w.kind \
                   AND reward_jobs.claim_token = $2 \
                   RETURNING reward_jobs.tip_txid AS tip_txid, reward_jobs.kind AS kind";
        let shared = [Value::Int(now.0), Value::Text(claim.to_owned())];
        let _turn = self.write_turn().await;
        let mut transaction = self.pool.begin().await?;
        let returned = run_by_rows(&mut transaction, sql, &shared, &rows).await?;
        let written = changed_per_key(&returned, writes.iter().map(|(key, _, _)| key))?;
        transaction.commit().await?;
        Ok(written)
    }

    /// Records confirmed mints (those of one block) in one transaction: each job gets its asset
    /// and the reward appears in `nfts` (awaiting delivery). Settling the same mint twice is
    /// harmless; a job whose in-flight transaction is another is not touched. Gives, mint by
    /// mint, the state its job moved to, or `None` when it was not recorded now.
    ///
    /// Given the genesis hash of the network the listener ingests, a mint committed in a round
    /// the listener has not ingested yet is parked awaiting its fan's opt-in straight away
    /// rather than made due: the fan cannot have opted in to the asset before it existed, and
    /// the listener, ingesting that round or a later one, releases the job when it sees the
    /// opt-in. The listener's row stays locked until the commit, so no ingest can slip between
    /// reading its round and parking the job. Any other mint is due at once and the minter asks
    /// the node whether its fan has opted in.
    pub async fn settle_mints(
        &self,
        mints: &[MintSettlement],
        network: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<Option<JobState>>> {
        let _turn = self.write_turn().await;
        let mut transaction = self.pool.begin().await?;
        let ingested = match network {
            Some(network) => hold_watermark(&mut transaction, network).await?,
            None => None,
        };
        // Strictly before: an opt-in can share the asset's own block, after its creation.
        let state_of = |mint: &MintSettlement| match ingested {
            Some(ingested) if ingested < mint.round => JobState::AwaitingOptin,
            _ => JobState::Minted,
        };
        let rows = mints
            .iter()
            .map(|mint| {
                let mut row = key_values(&mint.key);
                row.extend([
                    Value::Text(mint.txid.to_string()),
                    Value::Int(bigint("asset id", mint.asset.0)?),
                    Value::Text(state_of(mint).as_str().to_owned()),
                ]);
                Ok(row)
            })
            .collect::<Result<Vec<_>>>()?;
        let sql = "WITH m (tip_txid, kind, txid, asset_id, state) AS (VALUES {rows}) \
                   UPDATE reward_jobs SET state = m.state, asset_id = m.asset_id, attempts = 0, \
                   next_attempt_at = $1, updated_at = $1, last_error = NULL, error_class = NULL, \
                   inflight_txn_base64 = NULL, inflight_txid = NULL, inflight_last_valid = NULL \
                   FROM m WHERE reward_jobs.tip_txid = m.tip_txid AND reward_jobs.kind = m.kind \
                   AND reward_jobs.inflight_txid = m.txid \
                   RETURNING reward_jobs.tip_txid AS tip_txid, reward_jobs.kind AS kind";
        let returned = run_by_rows(&mut transaction, sql, &[Value::Int(now.0)], &rows).await?;
        let changed = changed_per_key(&returned, mints.iter().map(|mint| &mint.key))?;
        let settled: Vec<Option<JobState>> = mints
            .iter()
            .zip(changed)
            .map(|(mint, changed)| changed.then(|| state_of(mint)))
            .collect();
        let recorded = mints.iter().zip(&settled).filter(|(_, settled)| settled.is_some());
        let rewards: Vec<&MintSettlement> = recorded.map(|(mint, _)| mint).collect();
        insert_minted_rewards(&mut transaction, &rewards, now).await?;
        transaction.commit().await?;
        Ok(settled)
    }

    /// Records confirmed deliveries in one transaction: each job is done and its reward
    /// delivered. Says, delivery by delivery, whether it was recorded now; a job whose in-flight
    /// transaction is another is not touched.
    pub async fn settle_deliveries(
        &self,
        deliveries: &[Delivery],
        now: Timestamp,
    ) -> Result<Vec<bool>> {
        let rows = deliveries
            .iter()
            .map(|delivery| {
                let mut row = key_values(&delivery.key);
                row.extend([
                    Value::Text(delivery.txid.to_string()),
                    Value::Int(bigint("round", delivery.round.0)?),
                ]);
                Ok(row)
            })
            .collect::<Result<Vec<_>>>()?;
        let jobs = "WITH d (tip_txid, kind, txid, committed) AS (VALUES {rows}) \
                    UPDATE reward_jobs SET state = 'done', attempts = 0, updated_at = $1, \
                    last_error = NULL, error_class = NULL, inflight_txn_base64 = NULL, \
                    inflight_txid = NULL, inflight_last_valid = NULL \
                    FROM d WHERE reward_jobs.tip_txid = d.tip_txid AND reward_jobs.kind = d.kind \
                    AND reward_jobs.inflight_txid = d.txid \
                    RETURNING reward_jobs.tip_txid AS tip_txid, reward_jobs.kind AS kind";
        let rewards = "WITH d (tip_txid, kind, txid, committed) AS (VALUES {rows}) \
                       UPDATE nfts SET delivery = 'delivered', delivery_txid = d.txid, \
                       delivered_round = d.committed \
                       FROM d WHERE nfts.tip_txid = d.tip_txid AND nfts.kind = d.kind";
        let _turn = self.write_turn().await;
        let mut transaction = self.pool.begin().await?;
        let returned = run_by_rows(&mut transaction, jobs, &[Value::Int(now.0)], &rows).await?;
        let settled = changed_per_key(&returned, deliveries.iter().map(|delivery| &delivery.key))?;
        let delivered: Vec<Vec<Value>> = rows
            .into_iter()
            .zip(&settled)
            .filter_map(|(row, settled)| settled.then_some(row))
            .collect();
        run_by_rows(&mut transaction, rewards, &[], &delivered).await?;
        transaction.commit().await?;
        Ok(settled)
    }

    /// Parks minted jobs until their fans opt in to their assets, in one transaction. Any stored
    /// transaction is one known never to be committed (a lost delivery), so it is dropped.
    pub async fn await_optin(&self, claim: &str, keys: &[JobKey], now: Timestamp) -> Result<()> {
        let rows: Vec<Vec<Value>> = keys.iter().map(key_values).collect();
        let sql = "WITH k (tip_txid, kind) AS (VALUES {rows}) \
                   UPDATE reward_jobs SET state = 'awaiting_optin', attempts = 0, updated_at = $1, \
                   last_error = NULL, error_class = NULL, inflight_txn_base64 = NULL, \
                   inflight_txid = NULL, inflight_last_valid = NULL \
                   FROM k WHERE reward_jobs.tip_txid = k.tip_txid AND reward_jobs.kind = k.kind \
                   AND reward_jobs.claim_token = $2";
        let shared = [Value::Int(now.0), Value::Text(claim.to_owned())];
        let _turn = self.write_turn().await;
        let mut transaction = self.pool.begin().await?;
        run_by_rows(&mut transaction, sql, &shared, &rows).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Makes every job awaiting `owner`'s opt-in to `asset` due for delivery now: called when
    /// the opt-in is seen on chain. Returns how many jobs were released.
    pub async fn release_awaiting_optin(
        &self,
        owner: &Address,
        asset: AssetId,
        now: Timestamp,
    ) -> Result<u64> {
        let _turn = self.write_turn().await;
        let done = sqlx::query(
            "UPDATE reward_jobs SET state = 'minted', next_attempt_at = $1, updated_at = $1 \
             WHERE state = 'awaiting_optin' AND asset_id = $2 \
             AND tip_txid IN (SELECT txid FROM tips WHERE fan = $3)",
        )
        .bind(now.0)
        .bind(bigint("asset id", asset.0)?)
        .bind(owner.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Records a failed step of a job held under `claim`.
    pub async fn fail_reward_job(
        &self,
        claim: &str,
        failure: &JobFailure,
        now: Timestamp,
    ) -> Result<()> {
        let _turn = self.write_turn().await;
        let state = if failure.dead { JobState::Dead } else { JobState::Failed };
        let clear = if failure.keep_inflight {
            ""
        } else {
            ", inflight_txn_base64 = NULL, inflight_txid = NULL, inflight_last_valid = NULL"
        };
        let sql = format!(
            "UPDATE reward_jobs SET state = $1, attempts = attempts + 1, next_attempt_at = $2, \
             last_error = $3, error_class = $4, updated_at = $5{clear} \
             WHERE tip_txid = $6 AND kind = $7 AND claim_token = $8"
        );
        sqlx::query(&sql)
            .bind(state.as_str())
            .bind(failure.next_attempt_at.0)
            .bind(&failure.reason)
            .bind(failure.class.as_str())
            .bind(now.0)
            .bind(&failure.key.tip_txid)
            .bind(failure.key.kind.as_str())
            .bind(claim)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// One job.
    pub async fn reward_job(&self, key: &JobKey) -> Result<Option<RewardJob>> {
        let sql =
            format!("SELECT {JOB_COLUMNS} FROM reward_jobs j WHERE tip_txid = $1 AND kind = $2");
        let row = sqlx::query(&sql)
            .bind(&key.tip_txid)
            .bind(key.kind.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// One page of the jobs in `state`, ordered by tip and kind, after `after`.
    pub async fn reward_jobs_in(
        &self,
        state: JobState,
        after: Option<&JobCursor>,
        limit: u32,
    ) -> Result<JobPage> {
        let (txid, kind) = match after {
            Some(JobCursor(key)) => (key.tip_txid.as_str(), key.kind.as_str()),
            None => ("", ""),
        };
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM reward_jobs j WHERE state = $1 \
             AND (tip_txid > $2 OR (tip_txid = $2 AND kind > $3)) \
             ORDER BY tip_txid, kind LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(state.as_str())
            .bind(txid)
            .bind(kind)
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut jobs = rows.iter().map(job_from_row).collect::<Result<Vec<_>>>()?;
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next = if jobs.len() > limit {
            jobs.truncate(limit);
            jobs.last().map(|job| JobCursor(job.key.clone()))
        } else {
            None
        };
        Ok(JobPage { jobs, next })
    }

    /// Makes a dead job due now with a clean slate; it resumes from its last step (minting
    /// without an asset, delivering with one). Its last error stays until the next outcome.
    pub async fn retry_dead_job(&self, key: &JobKey, now: Timestamp) -> Result<RetryOutcome> {
        let done = sqlx::query(
            "UPDATE reward_jobs SET state = 'failed', attempts = 0, error_class = NULL, \
             next_attempt_at = $1, updated_at = $1 \
             WHERE tip_txid = $2 AND kind = $3 AND state = 'dead' AND NOT EXISTS ( \
             SELECT 1 FROM memberships m WHERE m.tip_txid = reward_jobs.tip_txid \
             AND reward_jobs.kind = 'membership' AND m.revoked_at IS NOT NULL)",
        )
        .bind(now.0)
        .bind(&key.tip_txid)
        .bind(key.kind.as_str())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(RetryOutcome::Retried);
        }
        Ok(match self.reward_job(key).await? {
            Some(job) if job.state == JobState::Dead => RetryOutcome::MembershipRevoked,
            Some(job) => RetryOutcome::NotDead(job.state),
            None => RetryOutcome::NotFound,
        })
    }

    /// The reward minted for a job, if any.
    pub async fn minted_reward(&self, key: &JobKey) -> Result<Option<MintedReward>> {
        let row = sqlx::query(
            "SELECT asset_id, owner, variant, delivery, delivery_txid, minted_round, \
             delivered_round FROM nfts WHERE tip_txid = $1 AND kind = $2",
        )
        .bind(&key.tip_txid)
        .bind(key.kind.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(MintedReward {
            asset_id: AssetId(unsigned(&row, "asset_id")?),
            owner: address(&row, "owner")?,
            variant: parsed(&row, "variant")?,
            delivery: row.try_get("delivery")?,
            delivery_txid: row.try_get("delivery_txid")?,
            minted_round: optional_unsigned(&row, "minted_round")?.map(Round),
            delivered_round: optional_unsigned(&row, "delivered_round")?.map(Round),
        }))
    }
}

/// The round the listener has ingested on `network`, its row locked until the transaction
/// ends: a write on both databases, so that on SQLite the transaction holds the write lock
/// from here on, and on PostgreSQL an ingest, which advances the row first, waits for it (or
/// it for the ingest). `None` when no listener has ingested on the network.
async fn hold_watermark(
    transaction: &mut Transaction<'static, Any>,
    network: &str,
) -> Result<Option<Round>> {
    let row = sqlx::query(
        "UPDATE listener_state SET watermark_round = watermark_round \
         WHERE genesis_hash = $1 RETURNING watermark_round",
    )
    .bind(network)
    .fetch_optional(&mut **transaction)
    .await?;
    row.map(|row| unsigned(&row, "watermark_round").map(Round)).transpose()
}

/// The rewards of newly settled mints, awaiting delivery, a few hundred rows per statement.
async fn insert_minted_rewards(
    transaction: &mut Transaction<'static, Any>,
    mints: &[&MintSettlement],
    now: Timestamp,
) -> Result<()> {
    let rows = mints
        .iter()
        .map(|mint| {
            let mut row = key_values(&mint.key);
            row.extend([
                Value::Int(bigint("asset id", mint.asset.0)?),
                Value::Text(mint.template_id.to_string()),
                Value::Text(mint.owner.to_string()),
                Value::Text(mint.creator.to_string()),
                Value::Text(mint.variant.as_str().to_owned()),
                Value::Int(now.0),
                Value::Int(bigint("round", mint.round.0)?),
                Value::Text(crate::domain::Delivery::AwaitingOptin.as_str().to_owned()),
            ]);
            Ok(row)
        })
        .collect::<Result<Vec<_>>>()?;
    let sql = "INSERT INTO nfts (tip_txid, kind, asset_id, template_id, owner, creator, variant, \
               minted_at, minted_round, delivery) VALUES {rows} \
               ON CONFLICT (tip_txid, kind) DO NOTHING";
    run_by_rows(transaction, sql, &[], &rows).await?;
    Ok(())
}

/// A job's key as the first two values of a row: tip and kind.
pub(super) fn key_values(key: &JobKey) -> Vec<Value> {
    vec![Value::Text(key.tip_txid.clone()), Value::Text(key.kind.as_str().to_owned())]
}

/// Whether a statement changed each of `keys`, given the job keys (tip and kind) of the rows it
/// returned. A key listed twice counts once, at its first listing.
pub(super) fn changed_per_key<'k>(
    returned: &[AnyRow],
    keys: impl Iterator<Item = &'k JobKey>,
) -> Result<Vec<bool>> {
    let mut changed = returned
        .iter()
        .map(|row| Ok((row.try_get("tip_txid")?, row.try_get("kind")?)))
        .collect::<Result<HashSet<(String, String)>>>()?;
    Ok(keys
        .map(|key| changed.remove(&(key.tip_txid.clone(), key.kind.as_str().to_owned())))
        .collect())
}

fn job_from_row(row: &AnyRow) -> Result<RewardJob> {
    let corrupt = |column, reason: String| StoreError::Corrupt { column, reason };
    let template_id: Option<String> = row.try_get("template_id")?;
    let template_id = template_id
        .map(|id| id.parse::<TemplateId>().map_err(|err| corrupt("template_id", err.to_string())))
        .transpose()?;
    let error_class: Option<String> = row.try_get("error_class")?;
    let error_class = error_class
        .map(|text| text.parse().map_err(|err| corrupt("error_class", err)))
        .transpose()?;
    let attempts = unsigned(row, "attempts")?;
    Ok(RewardJob {
        key: JobKey {
            tip_txid: row.try_get("tip_txid")?,
            kind: parsed::<TemplateKind>(row, "kind")?,
        },
        template_id,
        variant: parsed(row, "variant")?,
        state: parsed(row, "state")?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        next_attempt_at: timestamp(row, "next_attempt_at")?,
        last_error: row.try_get("last_error")?,
        error_class,
        inflight: inflight_from_row(row)?,
        asset_id: optional_unsigned(row, "asset_id")?.map(AssetId),
        created_at: timestamp(row, "created_at")?,
        updated_at: timestamp(row, "updated_at")?,
    })
}

fn inflight_from_row(row: &AnyRow) -> Result<Option<Inflight>> {
    let signed: Option<String> = row.try_get("inflight_txn_base64")?;
    let txid: Option<String> = row.try_get("inflight_txid")?;
    let last_valid = optional_unsigned(row, "inflight_last_valid")?;
    let (Some(signed), Some(txid), Some(last_valid)) = (signed, txid, last_valid) else {
        return Ok(None);
    };
    let corrupt = |column, reason: String| StoreError::Corrupt { column, reason };
    Ok(Some(Inflight {
        signed: STANDARD
            .decode(signed)
            .map_err(|err| corrupt("inflight_txn_base64", err.to_string()))?,
        txid: txid
            .parse()
            .map_err(|err: tipforge_algo::CodecError| corrupt("inflight_txid", err.to_string()))?,
        last_valid: Round(last_valid),
    }))
}

/// Why a membership reward that never reached its fan was given up.
pub const EXPIRED_UNDELIVERED: &str = "membership expired before it was delivered";

/// A membership whose time is up, with the reward that stands for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredMembership {
    /// The tip that bought it.
    pub tip_txid: String,
    /// The member.
    pub fan: Address,
    /// The membership reward's asset, once minted.
    pub asset: Option<AssetId>,
}

impl Store {
    /// Memberships to revoke at `now`: expired, not revoked, with no later period of the same
    /// fan and creator still running (a renewal keeps the membership alive). Their reward may be
    /// delivered (to take back), or minted or queued and never delivered (to give up).
    pub async fn expired_memberships(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<ExpiredMembership>> {
        let rows = sqlx::query(
            "SELECT m.tip_txid, m.fan, n.asset_id FROM memberships m \
             LEFT JOIN nfts n ON n.tip_txid = m.tip_txid AND n.kind = 'membership' \
             WHERE m.revoked_at IS NULL AND m.expires_at <= $1 AND NOT EXISTS ( \
             SELECT 1 FROM memberships later WHERE later.fan = m.fan \
             AND later.creator = m.creator AND later.revoked_at IS NULL \
             AND later.expires_at > $1) ORDER BY m.expires_at LIMIT $2",
        )
        .bind(now.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ExpiredMembership {
                    tip_txid: row.try_get("tip_txid")?,
                    fan: address(row, "fan")?,
                    asset: optional_unsigned(row, "asset_id")?.map(AssetId),
                })
            })
            .collect()
    }

    /// Revokes the expired membership bought by `tip_txid`, whose fan holds none of its
    /// reward (taken back, or never delivered). A reward job not yet delivered is given up
    /// (dead, [`EXPIRED_UNDELIVERED`]) and its NFT, which awaited an opt-in, withdrawn, so no
    /// later opt-in or retry can deliver an expired membership. A job whose transaction is in
    /// flight may still deliver: then nothing changes and false is returned, for a later sweep
    /// to take the reward back.
    pub async fn revoke_membership(
        &self,
        tip_txid: &str,
        asset: Option<AssetId>,
        now: Timestamp,
    ) -> Result<bool> {
        let mut transaction = self.pool.begin().await?;
        // Clearing the claim stops a worker holding the job from recording a transaction.
        sqlx::query(
            "UPDATE reward_jobs SET state = 'dead', error_class = 'permanent', last_error = $1, \
             claim_token = NULL, updated_at = $2 WHERE tip_txid = $3 AND kind = 'membership' \
             AND state NOT IN ('done', 'dead') AND inflight_txid IS NULL",
        )
        .bind(EXPIRED_UNDELIVERED)
        .bind(now.0)
        .bind(tip_txid)
        .execute(&mut *transaction)
        .await?;
        let in_flight = sqlx::query(
            "SELECT state FROM reward_jobs WHERE tip_txid = $1 AND kind = 'membership' \
             AND state NOT IN ('done', 'dead')",
        )
        .bind(tip_txid)
        .fetch_optional(&mut *transaction)
        .await?;
        if in_flight.is_some() {
            transaction.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "DELETE FROM nfts WHERE tip_txid = $1 AND kind = 'membership' \
             AND delivery = 'awaiting_optin'",
        )
        .bind(tip_txid)
        .execute(&mut *transaction)
        .await?;
        sqlx::query(
            "UPDATE memberships SET revoked_at = $1, asset_id = COALESCE($2, asset_id) \
             WHERE tip_txid = $3 AND revoked_at IS NULL",
        )
        .bind(now.0)
        .bind(asset.map(|asset| bigint("asset id", asset.0)).transpose()?)
        .bind(tip_txid)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(true)
    }
}
