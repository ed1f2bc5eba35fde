//! Dev-only endpoints: block timestamp offset (as algod's dev mode has), the dispenser, the
//! funded accounts, and test switches for the producer and fault injection.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tipforge_algo::transaction::Payment;
use tipforge_algo::{MicroAlgos, Round, SuggestedParams, Transaction};

use super::super::AppState;
use super::super::error::{ApiError, ApiResult};
use super::{parse_address, parse_u64};
use crate::config::FaultConfig;

pub(super) async fn get_offset(State(state): State<AppState>) -> Json<Json_> {
    let offset = state.node.chain().timestamp_offset.unwrap_or(0);
    Json(json!({ "offset": offset }))
}

pub(super) async fn set_offset(
    State(state): State<AppState>,
    Path(offset): Path<String>,
) -> ApiResult<Json<Json_>> {
    let offset = parse_u64(&offset, "offset")?;
    state.node.chain().timestamp_offset = (offset > 0).then_some(offset);
    Ok(Json(json!({})))
}

#[derive(Debug, Deserialize)]
pub(super) struct Dispense {
    address: String,
    amount: Option<u64>,
}

/// Funds any address from the first genesis account (10 ALGO unless `amount` is given).
pub(super) async fn dispense(
    State(state): State<AppState>,
    Json(request): Json<Dispense>,
) -> ApiResult<Json<Json_>> {
    let receiver = parse_address(&request.address)?;
    let amount = request.amount.unwrap_or(10_000_000);
    let signed = {
        let chain = state.node.chain();
        let genesis = chain.genesis();
        let funder =
            genesis.accounts.first().ok_or_else(|| ApiError::bad_request("no funded account"))?;
        let first = chain.last_round().next();
        let params = SuggestedParams {
            min_fee: MicroAlgos(chain.min_fee()),
            fee_per_byte: MicroAlgos(0),
            first_valid: first,
            last_valid: Round(first.0 + 1_000),
            genesis_id: genesis.id.clone(),
            genesis_hash: genesis.hash,
        };
        let txn = Transaction::builder(
            funder.address,
            &params,
            Payment::new(receiver, MicroAlgos(amount)),
        )
        .note(format!("dispense {}", chain.pool().txn_count() + chain.last_round().0 as usize))
        .build()
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        txn.sign(&funder.key)
    };
    let txid = state.node.submit(std::slice::from_ref(&signed))?;
    Ok(Json(json!({ "txId": txid.to_string(), "amount": amount })))
}

pub(super) async fn accounts(State(state): State<AppState>) -> Json<Json_> {
    let chain = state.node.chain();
    let accounts: Vec<Json_> = chain
        .genesis()
        .accounts
        .iter()
        .map(|a| json!({ "address": a.address.to_string(), "balance": chain.state().account(&a.address).balance }))
        .collect();
    Json(json!({ "accounts": accounts }))
}

#[derive(Debug, Deserialize)]
pub(super) struct Producer {
    paused: bool,
}

pub(super) async fn producer(
    State(state): State<AppState>,
    Json(request): Json<Producer>,
) -> Json<Json_> {
    state.node.set_paused(request.paused);
    Json(json!({ "paused": request.paused }))
}

#[derive(Debug, Deserialize)]
pub(super) struct FaultRequest {
    #[serde(rename = "unavailable-per-mille", default)]
    unavailable: u32,
    #[serde(rename = "delayed-per-mille", default)]
    delayed: u32,
    #[serde(rename = "delay-ms", default)]
    delay_ms: u64,
}

pub(super) async fn faults(
    State(state): State<AppState>,
    Json(request): Json<FaultRequest>,
) -> Json<Json_> {
    state.faults.set(FaultConfig {
        unavailable_per_mille: request.unavailable.min(1000),
        delayed_per_mille: request.delayed.min(1000),
        delay: Duration::from_millis(request.delay_ms),
    });
    Json(json!({}))
}
