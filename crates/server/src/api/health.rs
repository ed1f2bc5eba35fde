//! `GET /health`: 200 while every dependency answers, 503 naming the ones that do not.

use std::error::Error;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;

use super::{ApiError, ApiResult, AppState, Envelope};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

#[derive(Serialize)]
struct HealthView {
    status: &'static str,
    database: &'static str,
}

async fn health(State(state): State<AppState>) -> ApiResult<Envelope<HealthView>> {
    if let Err(err) = state.store.ping().await {
        tracing::warn!(target: "api", error = &err as &dyn Error, "database is down");
        return Err(ApiError::Unhealthy { failing: vec!["database"] });
    }
    Ok(Envelope::new(HealthView { status: "ok", database: "ok" }))
}
