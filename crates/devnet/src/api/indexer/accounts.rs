//! Accounts, assets and applications as indexer shows them (current state only).

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value as Json_, json};
use tipforge_algo::{Address, AppId, AssetId};

use super::super::AppState;
use super::super::encode::{self, asset_params};
use super::super::error::{ApiError, ApiResult};

fn parse_address(text: &str) -> ApiResult<Address> {
    text.parse().map_err(|_| ApiError::bad_request(format!("unable to parse address: {text}")))
}

pub(super) async fn account(
    State(state): State<AppState>,
    Path(address): Path<String>,
) -> ApiResult<Json<Json_>> {
    let address = parse_address(&address)?;
    let chain = state.node.chain();
    if !chain.state().accounts.contains_key(&address) {
        return Err(ApiError::not_found(format!("no accounts found for address: {address}")));
    }
    let round = chain.last_round().0;
    let mut account = encode::account(chain.state(), &address, round, false);
    if let Some(assets) = account.get_mut("assets").and_then(Json_::as_array_mut) {
        for holding in assets {
            holding["deleted"] = json!(false);
        }
    }
    account["deleted"] = json!(false);
    account["sig-type"] = json!("sig");
    Ok(Json(json!({ "account": account, "current-round": round })))
}

pub(super) async fn created_assets(
    State(state): State<AppState>,
    Path(address): Path<String>,
) -> ApiResult<Json<Json_>> {
    let address = parse_address(&address)?;
    let chain = state.node.chain();
    let assets: Vec<Json_> = chain
        .state()
        .account(&address)
        .created_assets
        .iter()
        .filter_map(|id| {
            chain
                .state()
                .assets
                .get(id)
                .map(|p| json!({"index": id.0, "params": asset_params(p), "deleted": false}))
        })
        .collect();
    Ok(Json(json!({ "assets": assets, "current-round": chain.last_round().0 })))
}

pub(super) async fn created_apps(
    State(state): State<AppState>,
    Path(address): Path<String>,
) -> ApiResult<Json<Json_>> {
    let address = parse_address(&address)?;
    let chain = state.node.chain();
    let apps: Vec<Json_> = chain
        .state()
        .account(&address)
        .created_apps
        .iter()
        .filter_map(|id| {
            chain
                .state()
                .apps
                .get(id)
                .map(|a| json!({"id": id.0, "params": encode::app_params(a), "deleted": false}))
        })
        .collect();
    Ok(Json(json!({ "applications": apps, "current-round": chain.last_round().0 })))
}

pub(super) async fn asset(
    State(state): State<AppState>,
    Path(asset): Path<u64>,
) -> ApiResult<Json<Json_>> {
    let chain = state.node.chain();
    let params = chain
        .state()
        .assets
        .get(&AssetId(asset))
        .ok_or_else(|| ApiError::not_found(format!("no assets found for asset-id: {asset}")))?;
    let json = json!({"index": asset, "params": asset_params(params), "deleted": false});
    Ok(Json(json!({ "asset": json, "current-round": chain.last_round().0 })))
}

pub(super) async fn balances(
    State(state): State<AppState>,
    Path(asset): Path<u64>,
) -> ApiResult<Json<Json_>> {
    let id = AssetId(asset);
    let chain = state.node.chain();
    let mut balances: Vec<(Address, Json_)> = chain
        .state()
        .accounts
        .iter()
        .filter_map(|(address, account)| {
            let h = account.holdings.get(&id)?;
            Some((*address, json!({"address": address.to_string(), "amount": h.amount, "is-frozen": h.frozen, "deleted": false})))
        })
        .collect();
    balances.sort_by_key(|(address, _)| *address);
    let balances: Vec<Json_> = balances.into_iter().map(|(_, json)| json).collect();
    Ok(Json(json!({ "balances": balances, "current-round": chain.last_round().0 })))
}

pub(super) async fn application(
    State(state): State<AppState>,
    Path(app): Path<u64>,
) -> ApiResult<Json<Json_>> {
    let chain = state.node.chain();
    let found = chain.state().apps.get(&AppId(app)).ok_or_else(|| {
        ApiError::not_found(format!("no application found for application-id: {app}"))
    })?;
    let json = json!({"id": app, "params": encode::app_params(found), "deleted": false});
    Ok(Json(json!({ "application": json, "current-round": chain.last_round().0 })))
}
