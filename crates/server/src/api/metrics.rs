//! `GET /metrics`: every metric of the process in Prometheus text format.

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;

const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

/// The metrics group of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(render))]
pub(super) struct MetricsApi;

/// Refreshes the gauges that are only known on demand (lag, heartbeat age), then renders.
/// Prometheus metrics (text exposition format).
#[utoipa::path(
    get, path = "/metrics", tag = "operations",
    responses((
        status = 200, description = "The metrics", body = String, content_type = "text/plain"
    ))
)]
async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let listener = state.listener.snapshot();
    metrics::gauge!("tipforge_listener_running").set(f64::from(u8::from(listener.running)));
    metrics::gauge!("tipforge_listener_lag_rounds").set(listener.lag_rounds as f64);
    if let Some(age) = listener.heartbeat_age {
        metrics::gauge!("tipforge_listener_heartbeat_age_seconds").set(age.as_secs_f64());
    }
    metrics::gauge!("tipforge_listener_tips_per_minute").set(listener.tips_per_minute as f64);
    match state.store.reward_jobs_by_state().await {
        Ok(jobs) => crate::minter::publish_jobs_by_state(&jobs),
        Err(err) => tracing::warn!(target: "api", error = %err, "reward job counts unavailable"),
    }
    state.prometheus.run_upkeep();
    ([(CONTENT_TYPE, PROMETHEUS_TEXT)], state.prometheus.render())
}
