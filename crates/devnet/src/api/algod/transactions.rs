//! Submitting, simulating and looking up transactions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tipforge_algo::msgpack::{self, Value};
use tipforge_algo::{SignedTransaction, TxId};

use super::super::AppState;
use super::super::encode::{b64, msgpack_json};
use super::super::error::{ApiError, ApiResult};
use super::super::txn_json;
use crate::ledger::{Signatures, apply_group_with};
use crate::node::{Found, PROTOCOL};

pub(super) async fn params(State(state): State<AppState>) -> Json<Json_> {
    let chain = state.node.chain();
    Json(json!({
        "consensus-version": PROTOCOL,
        "fee": 0,
        "min-fee": chain.min_fee(),
        "genesis-hash": b64(&chain.genesis().hash),
        "genesis-id": chain.genesis().id,
        "last-round": chain.last_round().0,
    }))
}

/// Splits concatenated msgpack signed transactions.
pub(crate) fn decode_group(mut body: &[u8]) -> ApiResult<Vec<SignedTransaction>> {
    let mut group = Vec::new();
    while !body.is_empty() {
        let decode_error = |e: tipforge_algo::CodecError| {
            ApiError::bad_request(format!("msgpack decode error: {e}"))
        };
        let (_, used) = msgpack::decode_prefix(body).map_err(decode_error)?;
        group.push(SignedTransaction::decode(&body[..used]).map_err(decode_error)?);
        body = &body[used..];
    }
    if group.is_empty() {
        return Err(ApiError::bad_request("empty transaction group"));
    }
    Ok(group)
}

pub(super) async fn submit(State(state): State<AppState>, body: Bytes) -> ApiResult<Json<Json_>> {
    let group = decode_group(&body)?;
    let node = state.node.clone();
    let submitted =
        tokio::task::spawn_blocking(move || node.submit(&group)).await.map_err(|_| {
            ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        })?;
    let txid = submitted?;
    Ok(Json(json!({ "txId": txid.to_string() })))
}

pub(super) async fn pending(
    State(state): State<AppState>,
    Path(txid): Path<String>,
) -> ApiResult<Json<Json_>> {
    let id: TxId =
        txid.parse().map_err(|_| ApiError::bad_request(format!("failed to parse txid {txid}")))?;
    let chain = state.node.chain();
    let found = chain.find(&id).ok_or_else(|| {
        ApiError::not_found("txn does not exist or was removed from the pool or the ledger")
    })?;
    let json = match found {
        Found::Pooled(t) => txn_json::pending(t.signed.value(), &t.txn, &t.apply, None),
        Found::Confirmed(block, t) => {
            let applied = &t.applied;
            txn_json::pending(
                applied.signed.value(),
                &applied.txn,
                &applied.apply,
                Some(block.header.round.0),
            )
        }
    };
    Ok(Json(json))
}

#[derive(Debug, Deserialize)]
pub(super) struct PendingQuery {
    max: Option<usize>,
}

pub(super) async fn pending_list(
    State(state): State<AppState>,
    Query(query): Query<PendingQuery>,
) -> Json<Json_> {
    let chain = state.node.chain();
    let max = query.max.filter(|m| *m > 0).unwrap_or(usize::MAX);
    let top: Vec<Json_> =
        chain.pool().iter().take(max).map(|t| msgpack_json(t.signed.value())).collect();
    Json(json!({ "top-transactions": top, "total-transactions": chain.pool().txn_count() }))
}

/// `POST /v2/transactions/simulate` with a msgpack `SimulateRequest`: each group is applied to
/// the pending state (then discarded); `allow-empty-signatures` accepts unsigned members.
/// Known limitation: no trace, budget or unnamed-resource reports.
pub(super) async fn simulate(State(state): State<AppState>, body: Bytes) -> ApiResult<Json<Json_>> {
    let request = msgpack::decode(&body)
        .map_err(|e| ApiError::bad_request(format!("msgpack decode error: {e}")))?;
    let allow_empty =
        request.get("allow-empty-signatures").is_some_and(|v| *v == Value::Bool(true));
    let groups =
        request.get("txn-groups").and_then(|g| g.as_array("txn-groups").ok()).unwrap_or(&[]);
    let chain = state.node.chain();
    let ctx = chain.next_context();
    let pending = chain.pool().last_state().unwrap_or(chain.state()).clone();
    let mut results = Vec::new();
    for group in groups {
        let txns = group.get("txns").and_then(|t| t.as_array("txns").ok()).unwrap_or(&[]);
        let signed: Vec<SignedTransaction> = txns
            .iter()
            .map(|t| SignedTransaction::from_value(t.clone()))
            .collect::<Result<_, _>>()
            .map_err(|e| ApiError::bad_request(format!("msgpack decode error: {e}")))?;
        let signatures = if allow_empty { Signatures::AllowEmpty } else { Signatures::Verify };
        results.push(match apply_group_with(&pending, &signed, &ctx, signatures) {
            Ok((_, applied)) => {
                let txn_results: Vec<Json_> = applied
                    .iter()
                    .map(|t| json!({"txn-result": txn_json::pending(t.signed.value(), &t.txn, &t.apply, None)}))
                    .collect();
                json!({ "txn-results": txn_results })
            }
            Err(error) => {
                let failed = error.txid().and_then(|id| signed.iter().position(|s| s.id() == id)).unwrap_or(0);
                let txn_results: Vec<Json_> = signed
                    .iter()
                    .map(|s| json!({"txn-result": {"txn": msgpack_json(s.value()), "pool-error": ""}}))
                    .collect();
                json!({ "txn-results": txn_results, "failure-message": error.to_string(), "failed-at": [failed] })
            }
        });
    }
    Ok(Json(json!({ "version": 2, "last-round": chain.last_round().0, "txn-groups": results })))
}
