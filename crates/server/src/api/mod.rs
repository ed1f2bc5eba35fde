//! The HTTP API: one router per group of routes, the envelopes, and the error mapping.

mod admin_jobs;
mod auth;
mod creators;
pub mod docs;
mod envelope;
mod error;
mod extract;
mod fans;
mod health;
mod leaderboards;
mod listener;
mod metrics;
mod nfts;
mod suggested;
mod templates;
mod tips;
mod transactions;

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
use tipforge_ipfs::LocalStore;
use tokio::sync::Notify;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::auth::Auth;
use crate::creators::Creators;
use crate::domain::Clock;
use crate::listener::ListenerMetrics;
use crate::minter::MinterMetrics;
use crate::rate_limit::IpRateLimiter;
use crate::store::Store;
use crate::templates::TemplateService;

pub use envelope::{Envelope, NoMeta, PageMeta};
pub use error::{ApiError, ApiResult, ErrorKind};
pub use extract::{Admin, Authenticated, JsonBody, QueryParams};
pub use suggested::SuggestedParamsCache;

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
    /// Creator registration, contract state and figures.
    pub creators: Creators,
    /// Wallets that may use the operator's endpoints; the platform account always may.
    pub admins: Arc<HashSet<Address>>,
    /// The listener's live figures.
    pub listener: Arc<ListenerMetrics>,
    /// Failed chain queries, by service.
    pub chain: Arc<ChainMetrics>,
    /// Renders the process's metrics for `/metrics`.
    pub prometheus: PrometheusHandle,
    /// The local IPFS store the gateway serves.
    pub ipfs: LocalStore,
    /// Reward templates, with their content pinned where the configuration says.
    pub templates: TemplateService,
    /// The node's suggested transaction parameters, cached for a few seconds.
    pub params: SuggestedParamsCache,
    /// The minter's live figures.
    pub minter: Arc<MinterMetrics>,
    /// Wakes the minter when jobs become due (an operator's retry).
    pub minter_wake: Arc<Notify>,
}

/// Every route the API serves, as (method, path template). The OpenAPI document must describe
/// exactly these, besides the documentation itself (`/openapi.json`, `/docs`); a test holds
/// the router, this list and the document together.
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/auth/challenge"),
    ("POST", "/auth/verify"),
    ("GET", "/auth/me"),
    ("GET", "/tips"),
    ("GET", "/health"),
    ("GET", "/listener/status"),
    ("GET", "/metrics"),
    ("GET", "/ipfs/{cid}"),
    ("POST", "/creators/me/templates"),
    ("GET", "/creators/{wallet}/templates"),
    ("GET", "/templates/{id}"),
    ("DELETE", "/creators/me/templates/{id}"),
    ("POST", "/creators/register"),
    ("GET", "/creators/me/dashboard"),
    ("POST", "/creators/me/pause"),
    ("POST", "/creators/me/resume"),
    ("POST", "/creators/me/min-tip"),
    ("GET", "/creators/{wallet}"),
    ("GET", "/creators/{wallet}/contract"),
    ("GET", "/creators/{wallet}/stats"),
    ("POST", "/admin/creators/{wallet}/pause"),
    ("POST", "/admin/creators/{wallet}/resume"),
    ("GET", "/fans/{wallet}/nfts"),
    ("GET", "/fans/{wallet}/awaiting-optin"),
    ("GET", "/fans/{wallet}/stats"),
    ("GET", "/golden-odds"),
    ("GET", "/nfts/{assetId}"),
    ("GET", "/leaderboards/creators"),
    ("GET", "/creators/{wallet}/leaderboard"),
    ("GET", "/creators/{wallet}/loyalty"),
    ("POST", "/transactions"),
    ("POST", "/transactions/group"),
    ("GET", "/transactions/params"),
    ("GET", "/admin/jobs"),
    ("POST", "/admin/jobs/{tipTxid}/{kind}/retry"),
];

/// The limiters applied to groups of routes.
#[derive(Debug, Clone)]
pub struct RateLimiters {
    /// Sign-in.
    pub auth: Arc<IpRateLimiter>,
    /// Creator registration.
    pub registration: Arc<IpRateLimiter>,
    /// Relaying signed transactions to the node.
    pub transactions: Arc<IpRateLimiter>,
}

/// The whole API: every group's routes, a JSON 404 for anything else, a tracing span per
/// request named by its matched route, and CORS for `cors_origins`.
pub fn router(state: AppState, limiters: &RateLimiters, cors_origins: &[String]) -> Router {
    let gateway = tipforge_ipfs::gateway::router(state.ipfs.clone());
    Router::new()
        .merge(auth::router(limiters.auth.clone()))
        .merge(tips::router())
        .merge(creators::router(limiters.registration.clone()))
        .merge(fans::router())
        .merge(nfts::router())
        .merge(leaderboards::router())
        .merge(transactions::router(limiters.transactions.clone()))
        .merge(health::router())
        .merge(listener::router())
        .merge(metrics::router())
        .merge(templates::router())
        .merge(admin_jobs::router())
        .merge(docs::router())
        .with_state(state)
        .merge(gateway)
        .fallback(route_not_found)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(record_status)
                .on_failure(()),
        )
        .layer(cors(cors_origins))
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
