//! Applications, their boxes, and assets.

use axum::Json;
use axum::extract::{Path, Query, State};
use data_encoding::BASE64;
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tipforge_algo::{Address, AppId, AssetId};

use super::super::AppState;
use super::super::encode::{self, b64};
use super::super::error::{ApiError, ApiResult};
use super::parse_u64;

pub(super) async fn application(
    State(state): State<AppState>,
    Path(app): Path<String>,
) -> ApiResult<Json<Json_>> {
    let id = AppId(parse_u64(&app, "application id")?);
    let chain = state.node.chain();
    let app = chain
        .state()
        .apps
        .get(&id)
        .ok_or_else(|| ApiError::not_found("application does not exist"))?;
    Ok(Json(json!({ "id": id.0, "params": encode::app_params(app) })))
}

pub(super) async fn asset(
    State(state): State<AppState>,
    Path(asset): Path<String>,
) -> ApiResult<Json<Json_>> {
    let id = AssetId(parse_u64(&asset, "asset id")?);
    let chain = state.node.chain();
    let params =
        chain.state().assets.get(&id).ok_or_else(|| ApiError::not_found("asset does not exist"))?;
    Ok(Json(encode::asset(id, params)))
}

#[derive(Debug, Deserialize)]
pub(super) struct BoxQuery {
    name: Option<String>,
}

/// A box name in algod's `encoding:value` form (`b64:`, `str:`, `int:`, `addr:`).
fn parse_box_name(text: &str) -> ApiResult<Vec<u8>> {
    let bad = || ApiError::bad_request(format!("failed to parse box name: {text}"));
    let (encoding, value) = text.split_once(':').ok_or_else(bad)?;
    match encoding {
        "b64" => BASE64.decode(value.as_bytes()).map_err(|_| bad()),
        "str" => Ok(value.as_bytes().to_vec()),
        "int" => value.parse::<u64>().map(|n| n.to_be_bytes().to_vec()).map_err(|_| bad()),
        "addr" => value.parse::<Address>().map(|a| a.0.to_vec()).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

pub(super) async fn app_box(
    State(state): State<AppState>,
    Path(app): Path<String>,
    Query(query): Query<BoxQuery>,
) -> ApiResult<Json<Json_>> {
    let id = AppId(parse_u64(&app, "application id")?);
    let name = parse_box_name(query.name.as_deref().unwrap_or_default())?;
    let chain = state.node.chain();
    let value = chain
        .state()
        .boxes
        .get(&(id, name.clone()))
        .ok_or_else(|| ApiError::not_found("box not found"))?;
    Ok(Json(json!({ "name": b64(&name), "value": b64(value), "round": chain.last_round().0 })))
}

pub(super) async fn boxes(
    State(state): State<AppState>,
    Path(app): Path<String>,
) -> ApiResult<Json<Json_>> {
    let id = AppId(parse_u64(&app, "application id")?);
    let chain = state.node.chain();
    let names: Vec<Json_> =
        chain.state().boxes_of(id).map(|(name, _)| json!({ "name": b64(name) })).collect();
    Ok(Json(json!({ "boxes": names, "round": chain.last_round().0 })))
}
