//! The HTTP API: one router per group of routes, the envelopes, and the error mapping.

mod admin_jobs;
mod auth;
mod envelope;
mod error;
mod extract;
mod health;
mod listener;
mod metrics;
mod tips;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, Uri};
use axum::response::Response;
use metrics_exporter_prometheus::PrometheusHandle;
use tipforge_algo::{Address, SecretKey};
use tipforge_chain::{Algod, ChainMetrics, Indexer};
use tokio::sync::Notify;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::auth::Auth;
use crate::domain::Clock;
use crate::listener::ListenerMetrics;
use crate::minter::MinterMetrics;
use crate::rate_limit::IpRateLimiter;
use crate::store::Store;

pub use envelope::{Envelope, NoMeta, PageMeta};
pub use error::{ApiError, ApiResult, ErrorKind};
pub use extract::{Admin, Authenticated, JsonBody, QueryParams};

/// What every handler can reach. Cheap to clone: each field is a handle.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Sign-in and token checks.
    pub auth: Arc<Auth>,
    /// The server's clock.
    pub clock: Clock,
    /// The node client, for health checks: no retries, a short timeout.
    pub algod: Algod,
    /// The node client for everything else: retries transient failures.
    pub node: Algod,
    /// The indexer client, when one is configured (always with the embedded devnet).
    pub indexer: Option<Indexer>,
    /// The account that deploys contracts and mints rewards.
    pub platform: Arc<SecretKey>,
    /// Wallets that may use the operator's endpoints; the platform account always may.
    pub admins: Arc<HashSet<Address>>,
    /// The listener's live figures.
    pub listener: Arc<ListenerMetrics>,
    /// Failed chain queries, by service.
    pub chain: Arc<ChainMetrics>,
    /// Renders the process's metrics for `/metrics`.
    pub prometheus: PrometheusHandle,
    /// The minter's live figures.
    pub minter: Arc<MinterMetrics>,
    /// Wakes the minter when jobs become due (an operator's retry).
    pub minter_wake: Arc<Notify>,
}

/// The limiters applied to groups of routes.
#[derive(Debug, Clone)]
pub struct RateLimiters {
    /// Sign-in.
    pub auth: Arc<IpRateLimiter>,
    /// Creator registration.
    pub registration: Arc<IpRateLimiter>,
}

/// The whole API: every group's routes, a JSON 404 for anything else, a tracing span per
/// request named by its matched route, and CORS for `cors_origins`.
pub fn router(state: AppState, limiters: &RateLimiters, cors_origins: &[String]) -> Router {
    Router::new()
        .merge(auth::router(limiters.auth.clone()))
        .merge(tips::router())
        .merge(health::router())
        .merge(listener::router())
        .merge(metrics::router())
        .merge(admin_jobs::router())
        .fallback(route_not_found)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(record_status)
                .on_failure(()),
        )
        .layer(cors(cors_origins))
        .with_state(state)
}

async fn route_not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::RouteNotFound { method: method.to_string(), path: uri.path().to_owned() }
}

fn request_span(request: &Request) -> Span {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(
        target: "api",
        "request",
        method = %request.method(),
        route,
        status = tracing::field::Empty,
    )
}

fn record_status(response: &Response, latency: Duration, span: &Span) {
    span.record("status", response.status().as_u16());
    tracing::debug!(target: "api", ?latency, "response sent");
}

fn cors(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allow_headers([AUTHORIZATION, CONTENT_TYPE])
        .max_age(Duration::from_secs(600))
}
