//! Relaying wallet-signed transactions to the node: `GET /transactions/params`,
//! `POST /transactions` and `POST /transactions/group`.
//!
//! No sign-in is asked: the transactions are signed by the client's own keys and spend nothing
//! of the platform's, and the node would accept them from anyone. What the server guards is
//! itself and the node: each client IP is rate limited, bodies are bounded, and every
//! transaction is decoded (canonical msgpack only), its signature verified and its group checked
//! before anything is forwarded, so malformed input costs the node nothing. An optional
//! `Idempotency-Key` makes retries safe: the key is bound to the payload, a repeat gets the
//! first answer without resubmitting, and the key used for another payload is refused.

mod validate;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::JsonBody;
use super::{ApiError, ApiResult, AppState, Envelope};
use crate::rate_limit::{self, IpRateLimiter};
use crate::store::{Idempotency, IdempotencyKey};
use validate::{Checked, Submission};

/// The largest request body: a full group of the largest transactions, base64-encoded.
const MAX_BODY_BYTES: usize = 512 * 1024;

/// How long an idempotency key is remembered.
const KEY_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest idempotency key accepted.
const MAX_KEY_LEN: usize = 255;

const IDEMPOTENCY_KEY: &str = "idempotency-key";

pub(super) fn router(limiter: Arc<IpRateLimiter>) -> Router<AppState> {
    Router::new()
        .route("/transactions", post(submit))
        .route("/transactions/group", post(submit_group))
        .route_layer(middleware::from_fn_with_state(limiter, rate_limit::enforce))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .route("/transactions/params", get(params))
}

/// The routes of this group, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(params, submit, submit_group),
    components(schemas(ParamsView, SubmitRequest, SubmitGroupRequest, SubmittedView))
)]
pub(super) struct TransactionsApi;

/// What a new transaction needs from the network.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ParamsView {
    /// The minimum fee of one transaction.
    min_fee_micro_algos: u64,
    /// The fee per byte under congestion (usually 0).
    fee_per_byte_micro_algos: u64,
    /// The first round a transaction built now may confirm in.
    first_valid: u64,
    /// The last round it may confirm in (1000 after the first).
    last_valid: u64,
    /// The network's genesis id.
    genesis_id: String,
    /// The network's genesis hash, standard base64.
    genesis_hash: String,
}

/// One signed transaction.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SubmitRequest {
    /// Standard base64 of the signed transaction's canonical msgpack.
    signed_txn: String,
}

/// An atomic group of signed transactions, in group order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SubmitGroupRequest {
    /// Standard base64 of each signed transaction's canonical msgpack; 1 to 16 of them.
    signed_txns: Vec<String>,
}

/// What the node accepted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct SubmittedView {
    /// The id of the first transaction (the node's answer).
    txid: String,
    /// The id of every transaction, in order.
    txids: Vec<String>,
    /// The last round in which the transactions can confirm.
    last_valid: u64,
}

/// The node's suggested parameters, cached for a few seconds.
#[utoipa::path(
    get,
    path = "/transactions/params",
    tag = "transactions",
    responses(
        (status = 200, description = "The parameters, in `data`", body = ParamsView),
        (status = 503, description = "The Algorand node is unreachable"),
    )
)]
async fn params(State(state): State<AppState>) -> ApiResult<Envelope<ParamsView>> {
    let params = state.params.get().await?;
    Ok(Envelope::new(ParamsView {
        min_fee_micro_algos: params.min_fee.0,
        fee_per_byte_micro_algos: params.fee_per_byte.0,
        first_valid: params.first_valid.0,
        last_valid: params.last_valid.0,
        genesis_id: params.genesis_id,
        genesis_hash: STANDARD.encode(params.genesis_hash),
    }))
}

/// Checks a signed transaction and sends it to the node.
#[utoipa::path(
    post,
    path = "/transactions",
    tag = "transactions",
    request_body = SubmitRequest,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry return the first answer instead of resubmitting")),
    responses(
        (status = 200, description = "Sent; `data` names it", body = SubmittedView),
        (status = 400, description = "Not base64, not canonical msgpack, a bad signature, a \
            grouped transaction, another network, or `chain_rejected` by the node"),
        (status = 409, description = "`idempotency_key_reused` for another payload, or the \
            first request with the key is still in flight"),
        (status = 429, description = "Too many submissions from this IP"),
    )
)]
async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<SubmitRequest>,
) -> ApiResult<Response> {
    let submission = Submission::Single(request.signed_txn);
    relay(&state, &headers, submission).await
}

/// Checks an atomic group and sends it to the node.
#[utoipa::path(
    post,
    path = "/transactions/group",
    tag = "transactions",
    request_body = SubmitGroupRequest,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry return the first answer instead of resubmitting")),
    responses(
        (status = 200, description = "Sent; `data` names it", body = SubmittedView),
        (status = 400, description = "A member that is not base64, not canonical msgpack or \
            badly signed; inconsistent group ids; another network; or `chain_rejected`"),
        (status = 409, description = "`idempotency_key_reused` for another payload, or the \
            first request with the key is still in flight"),
        (status = 429, description = "Too many submissions from this IP"),
    )
)]
async fn submit_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<SubmitGroupRequest>,
) -> ApiResult<Response> {
    relay(&state, &headers, Submission::Group(request.signed_txns)).await
}

/// Validates, then sends once per idempotency key.
async fn relay(
    state: &AppState,
    headers: &HeaderMap,
    submission: Submission,
) -> ApiResult<Response> {
    let key = idempotency_key(headers)?;
    // Signature checks are CPU work: off the async workers.
    let checked = tokio::task::spawn_blocking(move || submission.check())
        .await
        .map_err(|_| ApiError::Unhealthy { failing: vec!["validation"] })??;
    let params = state.params.get().await?;
    if checked.genesis_hash != params.genesis_hash {
        return Err(ApiError::invalid("genesisHash", "the transaction is for another network"));
    }
    let Some(key) = key else {
        return send(state, checked).await.map(|(status, body)| json(status, body));
    };
    let claim = IdempotencyKey { key, wallet: None, request_hash: checked.hash.clone() };
    let now = state.clock.now();
    match state.store.claim_idempotency_key(&claim, now, now.plus(KEY_TTL)).await? {
        Idempotency::Claimed => {}
        Idempotency::InProgress => {
            let reason = "a request with this idempotency key is still in progress".to_owned();
            return Err(ApiError::Conflict { reason });
        }
        Idempotency::Completed { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = json(status, body);
            response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(response);
        }
    }
    match send(state, checked).await {
        Ok((status, body)) => {
            // The node has the transaction: the client learns so even if the answer cannot be
            // kept, in which case a retry with the key waits for the key to expire.
            let kept = state.store.complete_idempotency_key(&claim.key, status.as_u16(), &body);
            if let Err(err) = kept.await {
                let error = &err as &dyn std::error::Error;
                tracing::error!(target: "api", error, "idempotent answer not kept");
            }
            Ok(json(status, body))
        }
        Err(err) => {
            // Nothing was accepted, so a retry with the key may try again.
            state.store.release_idempotency_key(&claim.key).await?;
            Err(err)
        }
    }
}

/// Sends checked transactions; the body is rendered here so a replay can repeat it exactly.
async fn send(state: &AppState, checked: Checked) -> ApiResult<(StatusCode, String)> {
    let txid = state.node.submit(checked.bytes).await?;
    tracing::debug!(target: "api", %txid, members = checked.txids.len(), "transaction relayed");
    let view = SubmittedView {
        txid: txid.to_string(),
        txids: checked.txids.iter().map(ToString::to_string).collect(),
        last_valid: checked.last_valid.0,
    };
    let body = serde_json::to_string(&Envelope::new(view))
        .expect("a view of strings and integers always serializes");
    Ok((StatusCode::OK, body))
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [(CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else { return Ok(None) };
    let invalid = || {
        ApiError::invalid(
            "Idempotency-Key",
            format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
        )
    };
    let key = value.to_str().map_err(|_| invalid())?.trim();
    let visible = key.bytes().all(|byte| byte.is_ascii_graphic());
    if key.is_empty() || key.len() > MAX_KEY_LEN || !visible {
        return Err(invalid());
    }
    Ok(Some(key.to_owned()))
}

#[cfg(test)]
mod openapi_tests {
    use utoipa::OpenApi;

    #[test]
    fn every_route_is_documented() {
        let paths = super::TransactionsApi::openapi().paths.paths;

        assert!(paths.contains_key("/transactions/params"));
        assert!(paths.contains_key("/transactions"));
        assert!(paths.contains_key("/transactions/group"));
    }
}
