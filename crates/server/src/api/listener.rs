//! `GET /listener/status`: the listener's progress and the reward pipeline's figures.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;

use super::{ApiResult, AppState, Envelope, NoMeta};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/listener/status", get(status))
}

/// The listener group of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(status))]
pub(super) struct ListenerApi;

/// Every figure of the status page. `failedMints`, `retrySuccesses` and `retryFailures` count
/// since this process started; `jobsByState` and `deadJobs` are read from the store.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct StatusView {
    running: bool,
    watermark: u64,
    current_round: u64,
    lag_rounds: u64,
    poll_interval_ms: u64,
    max_rounds_per_cycle: u64,
    lease_ttl_ms: u64,
    /// Whether this instance holds the ingest lease; otherwise `leaseHolder` ingests.
    ingesting: bool,
    instance_id: String,
    lease_holder: Option<String>,
    heartbeat_age_ms: Option<u64>,
    tips_processed_total: u64,
    tips_per_minute: u64,
    algod_query_errors: u64,
    indexer_query_errors: u64,
    failed_mints: u64,
    retry_successes: u64,
    retry_failures: u64,
    jobs_by_state: BTreeMap<String, u64>,
    dead_jobs: u64,
}

/// The chain listener's progress and the reward jobs by state.
#[utoipa::path(
    get, path = "/listener/status", tag = "operations",
    responses((
        status = 200, description = "The listener's figures",
        body = inline(Envelope<StatusView, NoMeta>)
    ))
)]
async fn status(State(state): State<AppState>) -> ApiResult<Envelope<StatusView>> {
    let jobs_by_state = state.store.reward_jobs_by_state().await?;
    crate::minter::publish_jobs_by_state(&jobs_by_state);
    let listener = state.listener.snapshot();
    let minter = state.minter.snapshot();
    let millis =
        |duration: std::time::Duration| u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    Ok(Envelope::new(StatusView {
        running: listener.running,
        watermark: listener.watermark.0,
        current_round: listener.current_round.0,
        lag_rounds: listener.lag_rounds,
        poll_interval_ms: millis(listener.poll_interval),
        max_rounds_per_cycle: listener.max_rounds_per_cycle,
        lease_ttl_ms: millis(listener.lease_ttl),
        ingesting: listener.ingesting,
        instance_id: listener.instance_id,
        lease_holder: listener.lease_holder,
        heartbeat_age_ms: listener.heartbeat_age.map(millis),
        tips_processed_total: listener.tips_processed_total,
        tips_per_minute: listener.tips_per_minute,
        algod_query_errors: state.chain.algod_errors(),
        indexer_query_errors: state.chain.indexer_errors(),
        failed_mints: minter.failed_mints,
        retry_successes: minter.retry_successes,
        retry_failures: minter.retry_failures,
        dead_jobs: jobs_by_state.get("dead").copied().unwrap_or(0),
        jobs_by_state,
    }))
}
