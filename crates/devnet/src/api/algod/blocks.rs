//! Blocks: JSON or msgpack, their transaction ids, hash and logs.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use data_encoding::BASE32_NOPAD;
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tipforge_algo::msgpack::{self, Key, Value};
use tipforge_algo::{AppId, Round, TxnBody};

use super::super::AppState;
use super::super::encode::{b64, msgpack_json};
use super::super::error::{ApiError, ApiResult};
use super::parse_u64;
use crate::ledger::{ApplyData, InnerTxn};
use crate::node::SharedBlock;

#[derive(Debug, Deserialize)]
pub(super) struct BlockQuery {
    format: Option<String>,
    #[serde(rename = "header-only")]
    header_only: Option<String>,
}

fn find(state: &AppState, round: &str) -> ApiResult<SharedBlock> {
    let round = Round(parse_u64(round, "round")?);
    let chain = state.node.chain();
    chain
        .block(round)
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("ledger does not have entry {}", round.0)))
}

pub(super) async fn block(
    State(state): State<AppState>,
    Path(round): Path<String>,
    Query(query): Query<BlockQuery>,
) -> ApiResult<Response> {
    let block = find(&state, &round)?;
    let mut value = block.to_value();
    if super::super::encode::is_true(query.header_only.as_deref()) {
        if let Value::Map(map) = &mut value {
            map.remove(&Key::from("txns"));
        }
    }
    match query.format.as_deref() {
        Some("msgpack") => {
            let bytes = msgpack::encode(&Value::map([("block", value)]));
            Ok(([(header::CONTENT_TYPE, "application/msgpack")], bytes).into_response())
        }
        None | Some("json") => Ok(Json(json!({ "block": msgpack_json(&value) })).into_response()),
        Some(other) => Err(ApiError::bad_request(format!("unknown format {other}"))),
    }
}

pub(super) async fn txids(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> ApiResult<Json<Json_>> {
    let block = find(&state, &round)?;
    let ids: Vec<String> = block.txns.iter().map(|t| t.id().to_string()).collect();
    Ok(Json(json!({ "blockTxids": ids })))
}

pub(super) async fn hash(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> ApiResult<Json<Json_>> {
    let block = find(&state, &round)?;
    Ok(Json(json!({ "blockHash": BASE32_NOPAD.encode(&block.header.hash()) })))
}

/// Every app call's logs in the block, inner calls included (pre-order), with the id of the
/// top-level transaction.
pub(super) async fn logs(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> ApiResult<Json<Json_>> {
    let block = find(&state, &round)?;
    let mut logs = Vec::new();
    for txn in &block.txns {
        let txid = txn.id().to_string();
        let app = match &txn.applied.txn.body {
            TxnBody::AppCall(call) => call.app,
            _ => AppId(0),
        };
        collect(&txid, app, &txn.applied.apply, &mut logs);
    }
    Ok(Json(json!({ "logs": logs })))
}

fn collect(txid: &str, app: AppId, apply: &ApplyData, out: &mut Vec<Json_>) {
    let app = apply.created_app.unwrap_or(app);
    if !apply.eval.logs.is_empty() {
        let entries: Vec<Json_> = apply.eval.logs.iter().map(|l| b64(l)).collect();
        out.push(json!({ "txId": txid, "application-index": app.0, "logs": entries }));
    }
    for InnerTxn { txn, apply } in &apply.eval.inner {
        let inner_app = match &txn.body {
            TxnBody::AppCall(call) => call.app,
            _ => AppId(0),
        };
        collect(txid, inner_app, apply, out);
    }
}
