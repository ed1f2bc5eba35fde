//! Account information: balances, holdings and local states.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tipforge_algo::{AppId, AssetId};

use super::super::AppState;
use super::super::encode::{self, asset_params, key_values, schema};
use super::super::error::{ApiError, ApiResult};
use super::{parse_address, parse_u64};

#[derive(Debug, Deserialize)]
pub(super) struct AccountQuery {
    exclude: Option<String>,
}

pub(super) async fn account(
    State(state): State<AppState>,
    Path(address): Path<String>,
    Query(query): Query<AccountQuery>,
) -> ApiResult<Json<Json_>> {
    let address = parse_address(&address)?;
    let chain = state.node.chain();
    let exclude_all = query.exclude.as_deref() == Some("all");
    Ok(Json(encode::account(chain.state(), &address, chain.last_round().0, exclude_all)))
}

pub(super) async fn holdings(
    State(state): State<AppState>,
    Path(address): Path<String>,
) -> ApiResult<Json<Json_>> {
    let address = parse_address(&address)?;
    let chain = state.node.chain();
    let account = chain.state().account(&address);
    let holdings: Vec<Json_> = account
        .holdings
        .iter()
        .map(|(id, h)| {
            let params = chain.state().assets.get(id).map(asset_params);
            json!({
                "asset-holding": {"amount": h.amount, "asset-id": id.0, "is-frozen": h.frozen},
                "asset-params": params,
            })
        })
        .collect();
    Ok(Json(json!({ "round": chain.last_round().0, "asset-holdings": holdings })))
}

pub(super) async fn holding(
    State(state): State<AppState>,
    Path((address, asset)): Path<(String, String)>,
) -> ApiResult<Json<Json_>> {
    let address = parse_address(&address)?;
    let asset = AssetId(parse_u64(&asset, "asset id")?);
    let chain = state.node.chain();
    let account = chain.state().account(&address);
    let holding = account.holdings.get(&asset);
    let created =
        account.created_assets.contains(&asset).then(|| chain.state().assets.get(&asset)).flatten();
    if holding.is_none() && created.is_none() {
        return Err(ApiError::not_found("account asset info not found"));
    }
    let mut json = json!({ "round": chain.last_round().0 });
    if let Some(h) = holding {
        json["asset-holding"] =
            json!({"amount": h.amount, "asset-id": asset.0, "is-frozen": h.frozen});
    }
    if let Some(params) = created {
        json["created-asset"] = asset_params(params);
    }
    Ok(Json(json))
}

pub(super) async fn app_local(
    State(state): State<AppState>,
    Path((address, app)): Path<(String, String)>,
) -> ApiResult<Json<Json_>> {
    let address = parse_address(&address)?;
    let app = AppId(parse_u64(&app, "application id")?);
    let chain = state.node.chain();
    let account = chain.state().account(&address);
    let local = account.locals.get(&app);
    let created =
        account.created_apps.contains(&app).then(|| chain.state().apps.get(&app)).flatten();
    if local.is_none() && created.is_none() {
        return Err(ApiError::not_found("account application info not found"));
    }
    let mut json = json!({ "round": chain.last_round().0 });
    if let Some(local) = local {
        json["app-local-state"] = json!({
            "id": app.0, "schema": schema(local.schema), "key-value": key_values(&local.values),
        });
    }
    if let Some(app) = created {
        json["created-app"] = encode::app_params(app);
    }
    Ok(Json(json))
}
