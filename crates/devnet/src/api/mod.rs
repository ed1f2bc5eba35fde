//! The algod and indexer REST APIs over a [`Node`]: JSON with kebab-case fields and base64
//! bytes as the official OpenAPI specs define them, msgpack where algod offers it, errors as
//! `{"message": …}`, LocalNet-style tokens, and fault injection for tests.

mod algod;
mod encode;
mod error;
mod faults;
mod indexer;
mod txn_json;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

pub use faults::Faults;

use crate::node::Node;
use error::ApiError;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub(crate) node: Arc<Node>,
    pub(crate) faults: Arc<Faults>,
    token: Option<Arc<str>>,
}

/// The algod router.
pub fn algod_router(node: Arc<Node>, faults: Arc<Faults>, token: Option<String>) -> Router {
    let state = AppState { node, faults, token: token.map(Into::into) };
    guarded(algod::router(), state)
}

/// The indexer router.
pub fn indexer_router(node: Arc<Node>, faults: Arc<Faults>, token: Option<String>) -> Router {
    let state = AppState { node, faults, token: token.map(Into::into) };
    guarded(indexer::router(), state)
}

fn guarded(router: Router<AppState>, state: AppState) -> Router {
    router
        .layer(middleware::from_fn_with_state(state.clone(), check_token))
        .layer(middleware::from_fn_with_state(state.clone(), faults::inject))
        .with_state(state)
}

const TOKEN_HEADERS: [&str; 2] = ["x-algo-api-token", "x-indexer-api-token"];

fn presented_token(headers: &HeaderMap) -> Option<&str> {
    let direct = TOKEN_HEADERS.iter().find_map(|name| headers.get(*name)?.to_str().ok());
    direct.or_else(|| headers.get("authorization")?.to_str().ok()?.strip_prefix("Bearer "))
}

async fn check_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let open = request.uri().path() == "/health";
    match &state.token {
        Some(token) if !open && presented_token(request.headers()) != Some(token) => {
            ApiError::new(StatusCode::UNAUTHORIZED, "Invalid API Token").into_response()
        }
        _ => next.run(request).await,
    }
}
