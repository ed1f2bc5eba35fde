//! indexer's v2 API, answered from the node's blocks and state.

mod accounts;
mod blocks;
mod lists;
mod search;

use axum::Router;
use axum::routing::get;
use serde_json::{Value as Json_, json};

use super::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/v2/transactions", get(search::transactions))
        .route("/v2/transactions/{txid}", get(search::transaction))
        .route("/v2/accounts", get(lists::accounts))
        .route("/v2/accounts/{address}", get(accounts::account))
        .route("/v2/accounts/{address}/assets", get(lists::holdings))
        .route("/v2/accounts/{address}/created-assets", get(accounts::created_assets))
        .route("/v2/accounts/{address}/created-applications", get(accounts::created_apps))
        .route("/v2/accounts/{address}/transactions", get(search::account_transactions))
        .route("/v2/assets", get(lists::assets))
        .route("/v2/assets/{asset}", get(accounts::asset))
        .route("/v2/assets/{asset}/balances", get(accounts::balances))
        .route("/v2/assets/{asset}/transactions", get(search::asset_transactions))
        .route("/v2/applications/{app}", get(accounts::application))
        .route("/v2/applications/{app}/logs", get(search::app_logs))
        .route("/v2/blocks/{round}", get(blocks::block))
}

async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> axum::Json<Json_> {
    let round = state.node.chain().last_round().0;
    axum::Json(json!({
        "round": round, "version": "3.8.0-tipforge", "db-available": true,
        "is-migrating": false, "message": round.to_string(), "errors": [],
    }))
}
