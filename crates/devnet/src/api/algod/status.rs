//! Node status, health, versions and `wait-for-block-after`.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value as Json_, json};

use super::super::AppState;
use super::super::encode::b64;
use super::super::error::ApiResult;
use super::parse_u64;
use crate::node::{PROTOCOL, unix_now};

/// algod's `wait-for-block-after` gives up after a minute and answers with the current status.
const WAIT_TIMEOUT: Duration = Duration::from_secs(60);

pub(super) async fn health() -> Json<Json_> {
    Json(json!({}))
}

pub(super) async fn versions(State(state): State<AppState>) -> Json<Json_> {
    let chain = state.node.chain();
    let genesis = chain.genesis();
    Json(json!({
        "build": {"branch": "tipforge-devnet", "build_number": 0, "channel": "dev",
                  "commit_hash": "", "major": 4, "minor": 0},
        "genesis_hash_b64": b64(&genesis.hash),
        "genesis_id": genesis.id,
        "versions": ["v2"],
    }))
}

pub(super) async fn genesis(State(state): State<AppState>) -> Json<Json_> {
    let chain = state.node.chain();
    let genesis = chain.genesis();
    let alloc: Vec<Json_> = genesis
        .accounts
        .iter()
        .map(|a| json!({"addr": a.address.to_string(), "comment": "funded", "state": {"algo": a.balance}}))
        .collect();
    Json(json!({
        "alloc": alloc,
        "fees": genesis.fee_sink.to_string(),
        "rwd": genesis.rewards_pool.to_string(),
        "id": "v1",
        "network": genesis.id,
        "proto": PROTOCOL,
        "devmode": true,
    }))
}

fn status_json(state: &AppState) -> Json_ {
    let chain = state.node.chain();
    let last = &chain.last_block().header;
    let since = unix_now().saturating_sub(last.timestamp).saturating_mul(1_000_000_000);
    json!({
        "last-round": last.round.0,
        "last-version": PROTOCOL,
        "next-version": PROTOCOL,
        "next-version-round": last.round.0 + 1,
        "next-version-supported": true,
        "time-since-last-round": since,
        "catchup-time": 0,
        "stopped-at-unsupported-round": false,
        "last-catchpoint": "",
    })
}

pub(super) async fn status(State(state): State<AppState>) -> Json<Json_> {
    Json(status_json(&state))
}

pub(super) async fn wait_for_block_after(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> ApiResult<Json<Json_>> {
    let round = parse_u64(&round, "round")?;
    let mut rounds = state.node.subscribe();
    let _ = tokio::time::timeout(WAIT_TIMEOUT, rounds.wait_for(|r| r.0 > round)).await;
    Ok(Json(status_json(&state)))
}
