//! `GET /health`: 200 while the database and algod answer and the listener shows life, 503
//! naming the failing parts otherwise.

use std::error::Error;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;

use super::docs::ErrorBody;
use super::{ApiError, ApiResult, AppState, Envelope, NoMeta};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// The health group of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(health))]
pub(super) struct HealthApi;

#[derive(Serialize, utoipa::ToSchema)]
struct HealthView {
    status: &'static str,
    database: &'static str,
    algod: &'static str,
    listener: &'static str,
}

/// 200 while the database and algod answer and the listener shows life; 503 naming the
/// failing parts otherwise.
#[utoipa::path(
    get, path = "/health", tag = "operations",
    responses(
        (status = 200, description = "Healthy", body = inline(Envelope<HealthView, NoMeta>)),
        (status = 503, description = "A part is failing", body = ErrorBody),
    )
)]
async fn health(State(state): State<AppState>) -> ApiResult<Envelope<HealthView>> {
    let (database, algod) = tokio::join!(state.store.ping(), state.algod.health());
    let mut failing = Vec::new();
    if let Err(err) = database {
        tracing::warn!(target: "api", error = &err as &dyn Error, "database is down");
        failing.push("database");
    }
    if let Err(err) = algod {
        tracing::warn!(target: "api", error = &err as &dyn Error, "algod is down");
        failing.push("algod");
    }
    if !state.listener.is_alive() {
        tracing::warn!(target: "api", "listener heartbeat is stale");
        failing.push("listener");
    }
    if !failing.is_empty() {
        return Err(ApiError::Unhealthy { failing });
    }
    Ok(Envelope::new(HealthView { status: "ok", database: "ok", algod: "ok", listener: "ok" }))
}
