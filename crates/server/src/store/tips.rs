//! Tips and the listener's watermark, which always move together.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tipforge_algo::{AppId, MicroAlgos, Round};

use super::constraint::{Constraint, Violation};
use super::rewards::{Judged, outcome_text};
use super::row::{address, bigint, unsigned};
use super::sql::{placeholders, rows_per_statement};
use super::{Result, Store, StoreError};
use crate::domain::rules::TipOutcome;
use crate::domain::{Timestamp, Tip, TipCursor, TipPage, TipQuery};

const COLUMNS: &str = "txid, round, intra_round, app_id, fan, creator, amount_micro, \
    memo_base64, memo_text, order_ref, reward_note";

/// Bound parameters per tip row: the columns, `creator_seq`, `reward_outcome` and `ingested_at`.
const PARAMETERS_PER_TIP: usize = 14;

impl Store {
    /// Stores a batch of tips and advances the watermark of network `genesis_hash` to `round`,
    /// in one transaction: either both happen or neither. Tips already stored are skipped, so
    /// replaying a batch after a crash is harmless; the watermark never moves backwards. New
    /// tips are judged by the reward rules as [`Store::ingest_batch`] describes. Returns how
    /// many tips were new.
    pub async fn ingest_tips(
        &self,
        genesis_hash: &str,
        round: Round,
        tips: &[Tip],
        now: Timestamp,
    ) -> Result<u64> {
        let report = self.ingest_batch(genesis_hash, round, tips, &[], now).await?;
        Ok(report.new_tips)
    }

    /// The last round whose tips are all stored, for network `genesis_hash`.
    pub async fn watermark(&self, genesis_hash: &str) -> Result<Option<Round>> {
        let row = sqlx::query("SELECT watermark_round FROM listener_state WHERE genesis_hash = $1")
            .bind(genesis_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| unsigned(&row, "watermark_round").map(Round)).transpose()
    }

    /// One page of tips, newest first, filtered by creator and fan.
    pub async fn list_tips(&self, query: &TipQuery) -> Result<TipPage> {
        let (sql, binds) = list_sql(query)?;
        let mut statement = sqlx::query(&sql);
        for bind in binds {
            statement = match bind {
                Bind::Text(text) => statement.bind(text),
                Bind::Int(int) => statement.bind(int),
            };
        }
        let rows = statement.fetch_all(&self.pool).await?;
        let mut tips = rows.iter().map(tip_from_row).collect::<Result<Vec<_>>>()?;
        let mut outcomes = rows.iter().map(outcome_from_row).collect::<Result<Vec<_>>>()?;
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let next = if tips.len() > limit {
            tips.truncate(limit);
            outcomes.truncate(limit);
            tips.last().map(Tip::position)
        } else {
            None
        };
        Ok(TipPage { tips, outcomes, next })
    }
}

/// Inserts judged tips with their place in the creator's order and what the rules decided.
pub(super) async fn insert_judged_tips(
    transaction: &mut Transaction<'static, Any>,
    judged: &[Judged<'_>],
    now: Timestamp,
) -> Result<u64> {
    let mut inserted = 0;
    for chunk in judged.chunks(rows_per_statement(PARAMETERS_PER_TIP)) {
        inserted += insert_tips(transaction, chunk, now).await?;
    }
    Ok(inserted)
}

async fn insert_tips(
    transaction: &mut Transaction<'static, Any>,
    judged: &[Judged<'_>],
    now: Timestamp,
) -> Result<u64> {
    let sql = format!(
        "INSERT INTO tips ({COLUMNS}, creator_seq, reward_outcome, ingested_at) VALUES {} \
         ON CONFLICT (txid) DO NOTHING",
        placeholders(judged.len(), PARAMETERS_PER_TIP)
    );
    let mut statement = sqlx::query(&sql);
    for Judged { tip, seq, evaluation } in judged {
        statement = statement
            .bind(tip.txid.clone())
            .bind(bigint("round", tip.round.0)?)
            .bind(bigint("intra-round index", tip.intra_round)?)
            .bind(bigint("app id", tip.app_id.0)?)
            .bind(tip.fan.to_string())
            .bind(tip.creator.to_string())
            .bind(bigint("amount", tip.amount.0)?)
            .bind(STANDARD.encode(&tip.memo))
            .bind(tip.memo_text())
            .bind(evaluation.order.clone())
            .bind(Some(evaluation.summary()))
            .bind(bigint("creator sequence", *seq)?)
            .bind(outcome_text(evaluation))
            .bind(now.0);
    }
    let result = statement.execute(&mut **transaction).await;
    let tips: Vec<&Tip> = judged.iter().map(|judged| judged.tip).collect();
    result.map(|done| done.rows_affected()).map_err(|err| insert_error(err, &tips))
}

pub(super) async fn advance_watermark(
    transaction: &mut Transaction<'static, Any>,
    genesis_hash: &str,
    round: Round,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO listener_state (genesis_hash, watermark_round, updated_at) \
         VALUES ($1, $2, $3) ON CONFLICT (genesis_hash) DO UPDATE \
         SET watermark_round = excluded.watermark_round, updated_at = excluded.updated_at \
         WHERE listener_state.watermark_round < excluded.watermark_round",
    )
    .bind(genesis_hash)
    .bind(bigint("round", round.0)?)
    .bind(now.0)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The first tip of the failed chunk that could explain the violation; the database does not
/// say which row it was.
fn insert_error(err: sqlx::Error, tips: &[&Tip]) -> StoreError {
    let Some(first) = tips.first() else { return err.into() };
    match Violation::of(&err) {
        Some(Violation::Of(Constraint::TipsPositionKey)) => {
            StoreError::TipPositionTaken { round: first.round, intra_round: first.intra_round }
        }
        Some(violation) if violation.is_foreign_key(Constraint::TipsAppFkey) => {
            StoreError::UnknownApp { txid: first.txid.clone(), app_id: first.app_id }
        }
        _ => err.into(),
    }
}

enum Bind {
    Text(String),
    Int(i64),
}

/// The listing query with numbered parameters in the order of `binds`.
fn list_sql(query: &TipQuery) -> Result<(String, Vec<Bind>)> {
    let mut conditions = Vec::new();
    let mut binds = Vec::new();
    if let Some(creator) = &query.creator {
        binds.push(Bind::Text(creator.to_string()));
        conditions.push(format!("creator = ${}", binds.len()));
    }
    if let Some(fan) = &query.fan {
        binds.push(Bind::Text(fan.to_string()));
        conditions.push(format!("fan = ${}", binds.len()));
    }
    if let Some(TipCursor { round, intra_round }) = query.before {
        binds.push(Bind::Int(bigint("round", round.0)?));
        binds.push(Bind::Int(bigint("intra-round index", intra_round)?));
        let (r, i) = (binds.len() - 1, binds.len());
        conditions.push(format!("(round < ${r} OR (round = ${r} AND intra_round < ${i}))"));
    }
    let filter = match conditions.is_empty() {
        true => String::new(),
        false => format!("WHERE {}", conditions.join(" AND ")),
    };
    binds.push(Bind::Int(i64::from(query.limit) + 1));
    let sql = format!(
        "SELECT {COLUMNS}, reward_outcome FROM tips {filter} ORDER BY round DESC, intra_round DESC LIMIT ${}",
        binds.len()
    );
    Ok((sql, binds))
}

fn tip_from_row(row: &AnyRow) -> Result<Tip> {
    let memo: String = row.try_get("memo_base64")?;
    let memo = STANDARD
        .decode(memo)
        .map_err(|err| StoreError::Corrupt { column: "memo_base64", reason: err.to_string() })?;
    Ok(Tip {
        txid: row.try_get("txid")?,
        round: Round(unsigned(row, "round")?),
        intra_round: unsigned(row, "intra_round")?,
        app_id: AppId(unsigned(row, "app_id")?),
        fan: address(row, "fan")?,
        creator: address(row, "creator")?,
        amount: MicroAlgos(unsigned(row, "amount_micro")?),
        memo,
    })
}

fn outcome_from_row(row: &AnyRow) -> Result<Option<TipOutcome>> {
    let outcome: Option<String> = row.try_get("reward_outcome")?;
    let Some(outcome) = outcome else { return Ok(None) };
    Ok(Some(TipOutcome {
        rewarded: outcome == "rewarded",
        note: row.try_get::<Option<String>, _>("reward_note")?.unwrap_or_default(),
        order: row.try_get("order_ref")?,
    }))
}
