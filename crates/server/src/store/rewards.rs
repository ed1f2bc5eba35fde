//! Rewards at ingest: in the transaction that stores a batch of tips, every new tip is judged by
//! the reward rules and its reward jobs, membership and loyalty counters are written; asset
//! opt-ins re-queue deliveries and golden NFTs follow their owners.
//!
//! Counters are read once per batch and carried forward in memory tip by tip, in chain order,
//! so several tips from one fan in one batch see each other exactly as if stored one by one.
//! The units of an edition issued so far are counted from its reward jobs in the same way, so
//! an edition never gets more rewards than it has units, and a replayed batch (whose tips are
//! already stored) cannot change what was issued.

use std::collections::{HashMap, HashSet};

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tipforge_algo::{Address, AssetId, MicroAlgos, Round};

use super::editions::count_issued;
use super::row::{address, bigint, optional_unsigned, parsed, unsigned};
use super::sql::{
    Value, placeholders, rows_per_statement, run_by_rows, select_by_keys, select_by_pairs,
};
use super::tips::{advance_watermark, insert_judged_tips};
use super::{Result, Store, StoreError};
use crate::domain::rules::{self, Counters, Evaluation, RewardTemplate, TipFacts};
use crate::domain::{AssetMove, EditionStock, RuleParameters, Timestamp, Tip};

/// What committing one batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IngestReport {
    /// Tips not stored before (fewer than the batch only when replaying).
    pub new_tips: u64,
    /// Reward jobs queued for the minter.
    pub jobs_created: u64,
    /// Jobs waiting for an opt-in that the batch saw, now queued for delivery.
    pub deliveries_requeued: u64,
    /// Golden NFTs that changed hands.
    pub owners_changed: u64,
}

impl IngestReport {
    /// Whether the minter has new work.
    pub fn has_minter_work(&self) -> bool {
        self.jobs_created > 0 || self.deliveries_requeued > 0
    }
}

/// A new tip with what the rules decided for it.
pub(super) struct Judged<'a> {
    pub(super) tip: &'a Tip,
    /// Its place among all tips to its creator.
    pub(super) seq: u64,
    pub(super) evaluation: Evaluation,
}

type Pair = (Address, Address);

impl Store {
    /// Stores a batch read from the chain, all in one transaction with the watermark of network
    /// `genesis_hash` advanced to `round`: the new tips with their reward decisions and their
    /// (fan, creator) totals, the reward jobs, memberships and loyalty counters those decisions
    /// imply, deliveries re-queued by
    /// the opt-ins in `moves`, and new owners of golden NFTs transferred in `moves` (in order).
    /// Tips already stored are skipped, so a replayed batch changes nothing.
    ///
    /// Memberships bought in the batch start at `now`, the time of ingest, which trails the
    /// tip's block by the listener's lag.
    pub async fn ingest_batch(
        &self,
        genesis_hash: &str,
        round: Round,
        tips: &[Tip],
        moves: &[AssetMove],
        now: Timestamp,
    ) -> Result<IngestReport> {
        let _turn = self.write_turn().await;
        let transaction = self.pool.begin().await?;
        ingest_in(transaction, genesis_hash, round, tips, moves, now).await
    }

    /// [`Store::ingest_batch`] for the holder of the network's lease: the batch is committed
    /// only if `holder` still holds the lease when it commits, and the lease is renewed to
    /// `expires` with it. `None`, with nothing stored, when another instance has taken the
    /// lease over, so a stale instance can never ingest beside the new holder.
    #[allow(
        clippy::too_many_arguments,
        reason = "the lease claim beside ingest_batch's own arguments"
    )]
    pub async fn ingest_leased_batch(
        &self,
        genesis_hash: &str,
        holder: &str,
        expires: Timestamp,
        round: Round,
        tips: &[Tip],
        moves: &[AssetMove],
        now: Timestamp,
    ) -> Result<Option<IngestReport>> {
        let _turn = self.write_turn().await;
        let mut transaction = self.pool.begin().await?;
        if !super::lease::renew_in(&mut transaction, genesis_hash, holder, expires).await? {
            transaction.rollback().await?;
            return Ok(None);
        }
        ingest_in(transaction, genesis_hash, round, tips, moves, now).await.map(Some)
    }
}

async fn ingest_in(
    mut transaction: Transaction<'static, Any>,
    genesis_hash: &str,
    round: Round,
    tips: &[Tip],
    moves: &[AssetMove],
    now: Timestamp,
) -> Result<IngestReport> {
    // First, so that on PostgreSQL the watermark row's lock serialises ingesters of one
    // network and everything read below includes what any other ingester committed.
    advance_watermark(&mut transaction, genesis_hash, round, now).await?;
    let fresh = unseen(&mut transaction, tips).await?;
    let judged = judge(&mut transaction, fresh, now).await?;
    let new_tips = insert_judged_tips(&mut transaction, &judged, now).await?;
    let jobs_created = insert_jobs(&mut transaction, &judged, now).await?;
    insert_memberships(&mut transaction, &judged).await?;
    add_loyalty(&mut transaction, &judged, now).await?;
    add_fan_creator_totals(&mut transaction, &judged).await?;
    let deliveries_requeued = requeue_opted_in(&mut transaction, moves, now).await?;
    let owners_changed = follow_golden_owners(&mut transaction, moves).await?;
    transaction.commit().await?;
    record(&judged);
    let report = IngestReport { new_tips, jobs_created, deliveries_requeued, owners_changed };
    tracing::debug!(target: "store", ?report, batch = tips.len(), %round, "batch ingested");
    Ok(report)
}

/// The batch's tips that are not stored yet, once each, in chain order.
async fn unseen<'a>(
    transaction: &mut Transaction<'static, Any>,
    tips: &'a [Tip],
) -> Result<Vec<&'a Tip>> {
    let keys: Vec<_> = tips.iter().map(|tip| vec![Value::Text(tip.txid.clone())]).collect();
    let sql = "SELECT txid FROM tips WHERE txid IN ({keys})";
    let rows = select_by_keys(transaction, sql, &keys).await?;
    let mut seen =
        rows.iter().map(|row| row.try_get("txid")).collect::<Result<HashSet<String>, _>>()?;
    let mut fresh: Vec<&Tip> = tips.iter().filter(|tip| seen.insert(tip.txid.clone())).collect();
    fresh.sort_by_key(|tip| tip.position());
    Ok(fresh)
}

/// What the rules need to know before the batch, keyed for carrying forward tip by tip.
#[derive(Default)]
struct Before {
    templates: HashMap<Address, Vec<RewardTemplate>>,
    last_seq: HashMap<Address, u64>,
    loyalty: HashMap<Pair, u64>,
    memberships: HashMap<Pair, Timestamp>,
}

async fn judge<'a>(
    transaction: &mut Transaction<'static, Any>,
    fresh: Vec<&'a Tip>,
    now: Timestamp,
) -> Result<Vec<Judged<'a>>> {
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let mut before = Before::load(transaction, &fresh).await?;
    let mut judged = Vec::with_capacity(fresh.len());
    for tip in fresh {
        let pair = (tip.fan, tip.creator);
        let seq = before.last_seq.get(&tip.creator).copied().unwrap_or(0) + 1;
        let counters = Counters {
            creator_seq: seq,
            loyalty_before: before.loyalty.get(&pair).copied().unwrap_or(0),
            membership_expires: before.memberships.get(&pair).copied(),
        };
        let facts = TipFacts {
            fan: tip.fan,
            creator: tip.creator,
            amount: tip.amount,
            memo: &tip.memo,
            txid: &tip.txid,
            at: now,
        };
        let templates = before.templates.get(&tip.creator).map_or(&[][..], Vec::as_slice);
        let evaluation = rules::evaluate(&facts, templates, &counters);
        if let Some(templates) = before.templates.get_mut(&tip.creator) {
            rules::take_units(templates, &evaluation);
        }
        before.last_seq.insert(tip.creator, seq);
        if evaluation.loyalty_qualifies {
            *before.loyalty.entry(pair).or_default() += 1;
        }
        if let Some(period) = evaluation.membership {
            before.memberships.insert(pair, period.expires);
        }
        judged.push(Judged { tip, seq, evaluation });
    }
    Ok(judged)
}

impl Before {
    async fn load(transaction: &mut Transaction<'static, Any>, tips: &[&Tip]) -> Result<Self> {
        let creators: HashSet<Address> = tips.iter().map(|tip| tip.creator).collect();
        let creators: Vec<_> = creators.iter().map(|c| vec![Value::Text(c.to_string())]).collect();
        let wanted: HashSet<Pair> = tips.iter().map(|tip| (tip.fan, tip.creator)).collect();
        let pairs: Vec<_> =
            wanted.iter().map(|(fan, creator)| (fan.to_string(), creator.to_string())).collect();
        let mut before = Self::default();
        for row in select_by_keys(transaction, TEMPLATES_SQL, &creators).await? {
            let (creator, template) = template_from_row(&row)?;
            before.templates.entry(creator).or_default().push(template);
        }
        before.count_issued_units(transaction).await?;
        for row in select_by_keys(transaction, SEQUENCES_SQL, &creators).await? {
            before.last_seq.insert(address(&row, "creator")?, unsigned(&row, "last_seq")?);
        }
        for row in select_by_pairs(transaction, LOYALTY_SQL, &pairs).await? {
            let pair = (address(&row, "fan")?, address(&row, "creator")?);
            if wanted.contains(&pair) {
                before.loyalty.insert(pair, unsigned(&row, "qualifying_tips")?);
            }
        }
        for row in select_by_pairs(transaction, MEMBERSHIPS_SQL, &pairs).await? {
            let pair = (address(&row, "fan")?, address(&row, "creator")?);
            if wanted.contains(&pair) {
                before.memberships.insert(pair, Timestamp(row.try_get("expires")?));
            }
        }
        Ok(before)
    }
}

impl Before {
    /// Fills in how many units of each edition template's variants were already issued.
    async fn count_issued_units(
        &mut self,
        transaction: &mut Transaction<'static, Any>,
    ) -> Result<()> {
        let editions = self
            .templates
            .values_mut()
            .flatten()
            .filter_map(|template| Some((template.id, template.edition.as_mut()?)))
            .collect();
        count_issued(transaction, editions).await
    }
}

const TEMPLATES_SQL: &str = "SELECT id, creator, kind, name, edition_size, threshold_micro, \
    every_nth_tip, price_micro, validity_days, golden_odds_bps FROM templates \
    WHERE creator IN ({keys}) ORDER BY id";

// The casts keep one decoding for both databases, whatever width an aggregate comes back in.
const SEQUENCES_SQL: &str = "SELECT creator, CAST(COALESCE(MAX(creator_seq), 0) AS BIGINT) \
    AS last_seq FROM tips WHERE creator IN ({keys}) GROUP BY creator";

const LOYALTY_SQL: &str = "SELECT fan, creator, qualifying_tips FROM loyalty \
    WHERE fan IN ({firsts}) AND creator IN ({seconds})";

const MEMBERSHIPS_SQL: &str = "SELECT fan, creator, CAST(MAX(expires_at) AS BIGINT) AS expires \
    FROM memberships WHERE revoked_at IS NULL AND fan IN ({firsts}) \
    AND creator IN ({seconds}) GROUP BY fan, creator";

fn template_from_row(row: &AnyRow) -> Result<(Address, RewardTemplate)> {
    let golden_odds_bps =
        optional_unsigned(row, "golden_odds_bps")?.map(u16::try_from).transpose().map_err(
            |err| StoreError::Corrupt { column: "golden_odds_bps", reason: err.to_string() },
        )?;
    let template = RewardTemplate {
        id: parsed(row, "id")?,
        kind: parsed(row, "kind")?,
        name: row.try_get("name")?,
        rules: RuleParameters {
            threshold: optional_unsigned(row, "threshold_micro")?.map(MicroAlgos),
            every_nth_tip: optional_unsigned(row, "every_nth_tip")?,
            price: optional_unsigned(row, "price_micro")?.map(MicroAlgos),
            validity_days: optional_unsigned(row, "validity_days")?,
            golden_odds_bps,
        },
        edition: optional_unsigned(row, "edition_size")?.map(EditionStock::new),
    };
    Ok((address(row, "creator")?, template))
}

async fn insert_jobs(
    transaction: &mut Transaction<'static, Any>,
    judged: &[Judged<'_>],
    now: Timestamp,
) -> Result<u64> {
    let jobs: Vec<_> = judged
        .iter()
        .flat_map(|j| j.evaluation.decisions.iter().map(move |decision| (j.tip, decision)))
        .collect();
    let mut created = 0;
    for chunk in jobs.chunks(rows_per_statement(8)) {
        let sql = format!(
            "INSERT INTO reward_jobs (tip_txid, kind, template_id, variant, state, \
             next_attempt_at, created_at, updated_at) VALUES {} \
             ON CONFLICT (tip_txid, kind) DO NOTHING",
            placeholders(chunk.len(), 8)
        );
        let mut statement = sqlx::query(&sql);
        for (tip, decision) in chunk {
            statement = statement
                .bind(tip.txid.clone())
                .bind(decision.kind.as_str())
                .bind(decision.template.to_string())
                .bind(decision.variant.as_str())
                .bind("queued")
                .bind(now.0)
                .bind(now.0)
                .bind(now.0);
        }
        created += statement.execute(&mut **transaction).await?.rows_affected();
    }
    Ok(created)
}

async fn insert_memberships(
    transaction: &mut Transaction<'static, Any>,
    judged: &[Judged<'_>],
) -> Result<()> {
    let bought: Vec<_> = judged
        .iter()
        .filter_map(|j| j.evaluation.membership.map(|period| (j.tip, period)))
        .collect();
    for chunk in bought.chunks(rows_per_statement(5)) {
        let sql = format!(
            "INSERT INTO memberships (tip_txid, fan, creator, starts_at, expires_at) VALUES {} \
             ON CONFLICT (tip_txid) DO NOTHING",
            placeholders(chunk.len(), 5)
        );
        let mut statement = sqlx::query(&sql);
        for (tip, period) in chunk {
            statement = statement
                .bind(tip.txid.clone())
                .bind(tip.fan.to_string())
                .bind(tip.creator.to_string())
                .bind(period.starts.0)
                .bind(period.expires.0);
        }
        statement.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// What a batch adds to one fan's loyalty towards one creator.
#[derive(Default)]
struct LoyaltyDelta {
    qualifying: u64,
    total: u64,
    badges: u64,
}

/// Adds the batch's tips to each (fan, creator) counter; every tip adds to the total, those of
/// at least 0.5 ALGO to the qualifying count.
async fn add_loyalty(
    transaction: &mut Transaction<'static, Any>,
    judged: &[Judged<'_>],
    now: Timestamp,
) -> Result<()> {
    let mut deltas: HashMap<Pair, LoyaltyDelta> = HashMap::new();
    for j in judged {
        let delta = deltas.entry((j.tip.fan, j.tip.creator)).or_default();
        delta.qualifying += u64::from(j.evaluation.loyalty_qualifies);
        delta.total = delta.total.saturating_add(j.tip.amount.0);
        delta.badges += u64::from(j.evaluation.badge());
    }
    let deltas: Vec<_> = deltas.into_iter().collect();
    for chunk in deltas.chunks(rows_per_statement(6)) {
        let sql = format!(
            "INSERT INTO loyalty (fan, creator, qualifying_tips, total_micro, badges, updated_at) \
             VALUES {} ON CONFLICT (fan, creator) DO UPDATE SET \
             qualifying_tips = loyalty.qualifying_tips + excluded.qualifying_tips, \
             total_micro = loyalty.total_micro + excluded.total_micro, \
             badges = loyalty.badges + excluded.badges, updated_at = excluded.updated_at",
            placeholders(chunk.len(), 6)
        );
        let mut statement = sqlx::query(&sql);
        for ((fan, creator), delta) in chunk {
            statement = statement
                .bind(fan.to_string())
                .bind(creator.to_string())
                .bind(bigint("loyalty count", delta.qualifying)?)
                .bind(bigint("loyalty total", delta.total)?)
                .bind(bigint("badges", delta.badges)?)
                .bind(now.0);
        }
        statement.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// Adds the batch's tips to each (fan, creator) pair's tip count and µAlgo, which the fan
/// statistics and leaderboards read instead of aggregating every tip.
async fn add_fan_creator_totals(
    transaction: &mut Transaction<'static, Any>,
    judged: &[Judged<'_>],
) -> Result<()> {
    let mut deltas: HashMap<Pair, (u64, u64)> = HashMap::new();
    for j in judged {
        let (tips, total) = deltas.entry((j.tip.fan, j.tip.creator)).or_default();
        *tips += 1;
        *total = total.saturating_add(j.tip.amount.0);
    }
    let deltas: Vec<_> = deltas.into_iter().collect();
    for chunk in deltas.chunks(rows_per_statement(4)) {
        let sql = format!(
            "INSERT INTO fan_creator_totals (fan, creator, tips, total_micro) VALUES {} \
             ON CONFLICT (fan, creator) DO UPDATE SET \
             tips = fan_creator_totals.tips + excluded.tips, \
             total_micro = fan_creator_totals.total_micro + excluded.total_micro",
            placeholders(chunk.len(), 4)
        );
        let mut statement = sqlx::query(&sql);
        for ((fan, creator), (tips, total)) in chunk {
            statement = statement
                .bind(fan.to_string())
                .bind(creator.to_string())
                .bind(bigint("tip count", *tips)?)
                .bind(bigint("tip total", *total)?);
        }
        statement.execute(&mut **transaction).await?;
    }
    Ok(())
}

fn asset_keys(assets: impl Iterator<Item = AssetId>) -> Result<Vec<Vec<Value>>> {
    let distinct: HashSet<AssetId> = assets.collect();
    distinct.into_iter().map(|asset| Ok(vec![Value::Int(bigint("asset id", asset.0)?)])).collect()
}

/// Jobs waiting for their fan to opt in to the asset go back to the minter, due now, when the
/// batch holds that fan's opt-in.
async fn requeue_opted_in(
    transaction: &mut Transaction<'static, Any>,
    moves: &[AssetMove],
    now: Timestamp,
) -> Result<u64> {
    let opt_ins: HashSet<(AssetId, Address)> =
        moves.iter().filter(|m| m.is_opt_in()).map(|m| (m.asset, m.sender)).collect();
    if opt_ins.is_empty() {
        return Ok(0);
    }
    let keys = asset_keys(opt_ins.iter().map(|(asset, _)| *asset))?;
    let sql = "SELECT j.tip_txid, j.kind, j.asset_id, t.fan FROM reward_jobs j \
               JOIN tips t ON t.txid = j.tip_txid \
               WHERE j.state = 'awaiting_optin' AND j.asset_id IN ({keys})";
    let mut due = Vec::new();
    for row in select_by_keys(transaction, sql, &keys).await? {
        let (asset, fan) = (AssetId(unsigned(&row, "asset_id")?), address(&row, "fan")?);
        if !opt_ins.contains(&(asset, fan)) {
            continue;
        }
        let (txid, kind): (String, String) = (row.try_get("tip_txid")?, row.try_get("kind")?);
        tracing::debug!(target: "rewards", %txid, %kind, %asset, %fan, "opt-in seen; delivery due");
        due.push(vec![Value::Text(txid), Value::Text(kind)]);
    }
    let sql = "WITH k (tip_txid, kind) AS (VALUES {rows}) \
               UPDATE reward_jobs SET state = 'minted', next_attempt_at = $1, updated_at = $1 \
               FROM k WHERE reward_jobs.tip_txid = k.tip_txid AND reward_jobs.kind = k.kind \
               AND reward_jobs.state = 'awaiting_optin' RETURNING reward_jobs.tip_txid AS tip_txid";
    let requeued = run_by_rows(transaction, sql, &[Value::Int(now.0)], &due).await?;
    Ok(requeued.len() as u64)
}

/// Unique golden NFTs follow their transfers, in chain order, from whoever the store says owns
/// them.
async fn follow_golden_owners(
    transaction: &mut Transaction<'static, Any>,
    moves: &[AssetMove],
) -> Result<u64> {
    let transfers: Vec<&AssetMove> = moves.iter().filter(|m| !m.is_opt_in()).collect();
    if transfers.is_empty() {
        return Ok(0);
    }
    let keys = asset_keys(transfers.iter().map(|m| m.asset))?;
    // Only one-of-one assets: units of an edition are interchangeable, so a transfer of one
    // cannot say which of the fans' rewards it carried.
    let sql = "SELECT asset_id, MIN(owner) AS owner FROM nfts \
               WHERE variant = 'golden' AND asset_id IN ({keys}) \
               GROUP BY asset_id HAVING COUNT(*) = 1";
    let mut owners = HashMap::new();
    for row in select_by_keys(transaction, sql, &keys).await? {
        owners.insert(AssetId(unsigned(&row, "asset_id")?), address(&row, "owner")?);
    }
    let mut changed = HashMap::new();
    for transfer in transfers {
        let Some(owner) = owners.get_mut(&transfer.asset) else { continue };
        if let Some(new_owner) = transfer.new_owner(*owner) {
            tracing::debug!(target: "rewards", asset = %transfer.asset, from = %owner,
                to = %new_owner, round = %transfer.round, "golden NFT changed hands");
            *owner = new_owner;
            changed.insert(transfer.asset, new_owner);
        }
    }
    for (asset, owner) in &changed {
        sqlx::query("UPDATE nfts SET owner = $1 WHERE asset_id = $2")
            .bind(owner.to_string())
            .bind(bigint("asset id", asset.0)?)
            .execute(&mut **transaction)
            .await?;
    }
    Ok(changed.len() as u64)
}

/// Logs and counts each committed decision.
fn record(judged: &[Judged<'_>]) {
    for Judged { tip, seq, evaluation } in judged {
        let txid = &tip.txid;
        for decision in &evaluation.decisions {
            let (kind, variant) = (decision.kind.as_str(), decision.variant.as_str());
            tracing::debug!(target: "rewards", %txid, seq, kind, variant,
                template = %decision.template, reason = %decision.reason, "reward");
            metrics::counter!("tipforge_reward_decisions_total", "kind" => kind, "outcome" => variant)
                .increment(1);
        }
        if let Some(reason) = evaluation.nothing {
            tracing::debug!(target: "rewards", %txid, seq, %reason, "no reward");
            metrics::counter!("tipforge_reward_decisions_total", "kind" => "none",
                "outcome" => reason.label())
            .increment(1);
        }
        if let Some(order) = &evaluation.order {
            tracing::debug!(target: "rewards", %txid, %order, "order reference");
        }
    }
}

/// The stored spelling of a tip's outcome.
pub(super) fn outcome_text(evaluation: &Evaluation) -> &'static str {
    match evaluation.nothing {
        Some(_) => "unrewarded",
        None => "rewarded",
    }
}
