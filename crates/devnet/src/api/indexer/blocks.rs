//! Blocks in indexer's model.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value as Json_, json};
use tipforge_algo::Round;

use super::super::AppState;
use super::super::encode::b64;
use super::super::error::{ApiError, ApiResult};
use super::super::txn_json::{self, Confirmed};

pub(super) async fn block(
    State(state): State<AppState>,
    Path(round): Path<u64>,
) -> ApiResult<Json<Json_>> {
    let chain = state.node.chain();
    let block = chain.block(Round(round)).ok_or_else(|| {
        ApiError::not_found(format!("error while looking up block for round '{round}'"))
    })?;
    let header = &block.header;
    let txns: Vec<Json_> = block
        .txns
        .iter()
        .enumerate()
        .map(|(intra, t)| {
            let at = Confirmed { round, timestamp: header.timestamp, intra };
            txn_json::indexer(
                &t.applied.txn,
                Some(&t.applied.signed),
                Some(t.id()),
                &t.applied.apply,
                at,
            )
        })
        .collect();
    Ok(Json(json!({
        "round": round,
        "timestamp": header.timestamp,
        "genesis-id": header.genesis_id,
        "genesis-hash": b64(&header.genesis_hash),
        "previous-block-hash": b64(&header.prev),
        "seed": b64(&header.seed),
        "transactions-root": b64(&header.txn_root),
        "transactions-root-sha256": b64(&[0; 32]),
        "txn-counter": header.txn_counter,
        "rewards": {"fee-sink": header.fee_sink.to_string(), "rewards-pool": header.rewards_pool.to_string(),
                    "rewards-calculation-round": 0, "rewards-level": 0, "rewards-rate": 0, "rewards-residue": 0},
        "upgrade-state": {"current-protocol": crate::node::PROTOCOL},
        "transactions": txns,
    })))
}
