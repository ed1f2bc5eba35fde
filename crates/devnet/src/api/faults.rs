//! Fault injection: a share of requests answered 503 or held past a client's timeout.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;
use crate::config::FaultConfig;

/// The live fault settings, changeable while the node runs.
#[derive(Debug, Default)]
pub struct Faults {
    config: Mutex<FaultConfig>,
    requests: AtomicU64,
}

impl Faults {
    /// Faults as `config` describes.
    pub fn new(config: FaultConfig) -> Self {
        Self { config: Mutex::new(config), requests: AtomicU64::new(0) }
    }

    /// Replaces the settings.
    pub fn set(&self, config: FaultConfig) {
        *self.config.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = config;
    }

    fn get(&self) -> FaultConfig {
        *self.config.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A deterministic draw in 0..1000 for the next request (SplitMix64 of a counter), so a
    /// share of 250 hits exactly one request in four over a long run.
    fn draw(&self) -> u32 {
        let mut z =
            self.requests.fetch_add(1, Ordering::Relaxed).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % 1000) as u32
    }
}

pub(super) async fn inject(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let config = state.faults.get();
    if config.unavailable_per_mille == 0 && config.delayed_per_mille == 0 {
        return next.run(request).await;
    }
    let draw = state.faults.draw();
    if draw < config.unavailable_per_mille {
        tracing::debug!(target: "devnet::api", path = %request.uri().path(), "injected 503");
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "injected fault").into_response();
    }
    if draw < config.unavailable_per_mille + config.delayed_per_mille {
        tokio::time::sleep(config.delay).await;
    }
    next.run(request).await
}
