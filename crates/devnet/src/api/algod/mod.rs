//! algod's v2 API.

mod accounts;
mod apps;
mod blocks;
mod dev;
mod status;
mod teal;
mod transactions;

use axum::Router;
use axum::routing::{get, post};

use super::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(status::health))
        .route("/ready", get(status::health))
        .route("/versions", get(status::versions))
        .route("/genesis", get(status::genesis))
        .route("/v2/status", get(status::status))
        .route("/v2/status/wait-for-block-after/{round}", get(status::wait_for_block_after))
        .route("/v2/transactions/params", get(transactions::params))
        .route("/v2/transactions", post(transactions::submit))
        .route("/v2/transactions/pending", get(transactions::pending_list))
        .route("/v2/transactions/pending/{txid}", get(transactions::pending))
        .route("/v2/transactions/simulate", post(transactions::simulate))
        .route("/v2/accounts/{address}", get(accounts::account))
        .route("/v2/accounts/{address}/assets", get(accounts::holdings))
        .route("/v2/accounts/{address}/assets/{asset}", get(accounts::holding))
        .route("/v2/accounts/{address}/applications/{app}", get(accounts::app_local))
        .route("/v2/applications/{app}", get(apps::application))
        .route("/v2/applications/{app}/box", get(apps::app_box))
        .route("/v2/applications/{app}/boxes", get(apps::boxes))
        .route("/v2/assets/{asset}", get(apps::asset))
        .route("/v2/blocks/{round}", get(blocks::block))
        .route("/v2/blocks/{round}/txids", get(blocks::txids))
        .route("/v2/blocks/{round}/hash", get(blocks::hash))
        .route("/v2/blocks/{round}/logs", get(blocks::logs))
        .route("/v2/teal/compile", post(teal::compile))
        .route("/v2/teal/disassemble", post(teal::disassemble))
        .route("/v2/devmode/blocks/offset", get(dev::get_offset))
        .route("/v2/devmode/blocks/offset/{offset}", post(dev::set_offset))
        .route("/v2/devnet/dispense", post(dev::dispense))
        .route("/v2/devnet/accounts", get(dev::accounts))
        .route("/v2/devnet/producer", post(dev::producer))
        .route("/v2/devnet/faults", post(dev::faults))
}

/// Parses a path or query number the way algod reports a bad one.
pub(super) fn parse_u64(text: &str, what: &str) -> super::error::ApiResult<u64> {
    text.parse()
        .map_err(|_| super::error::ApiError::bad_request(format!("failed to parse {what}: {text}")))
}

/// Parses an address parameter.
pub(super) fn parse_address(text: &str) -> super::error::ApiResult<tipforge_algo::Address> {
    text.parse().map_err(|_| {
        super::error::ApiError::bad_request(format!("failed to parse the address: {text}"))
    })
}
