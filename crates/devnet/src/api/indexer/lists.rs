//! indexer's account and asset searches, and the paged holdings of one account. Each list runs
//! in key order (address bytes, asset id) and its `next-token` is the last key returned, as
//! indexer's is.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tipforge_algo::{Address, AppId, AssetId};

use super::super::AppState;
use super::super::encode::{self, asset_params};
use super::super::error::{ApiError, ApiResult};
use crate::ledger::{Account, State as LedgerState};

fn bad(what: &str) -> ApiError {
    ApiError::bad_request(format!("invalid input: {what}"))
}

fn limit(asked: Option<usize>, default: usize, max: usize) -> usize {
    asked.unwrap_or(default).clamp(1, max)
}

/// The parameters of `/v2/accounts`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct AccountSearch {
    limit: Option<usize>,
    next: Option<String>,
    asset_id: Option<u64>,
    application_id: Option<u64>,
    auth_addr: Option<String>,
    currency_greater_than: Option<u64>,
    currency_less_than: Option<u64>,
}

impl AccountSearch {
    /// Whether `account` passes the filters. With an asset, the amounts compared are of that
    /// asset, and only its holders pass.
    fn matches(&self, account: &Account) -> bool {
        let amount = match self.asset_id {
            Some(asset) => match account.holdings.get(&AssetId(asset)) {
                Some(holding) => holding.amount,
                None => return false,
            },
            None => account.balance,
        };
        let app = self.application_id.map(AppId);
        let uses_app = app.is_none_or(|app| {
            account.created_apps.contains(&app) || account.locals.contains_key(&app)
        });
        uses_app
            && self.currency_greater_than.is_none_or(|more| amount > more)
            && self.currency_less_than.is_none_or(|less| amount < less)
    }
}

/// `/v2/accounts`: accounts by address, filtered by holdings, balance, app or signer.
pub(super) async fn accounts(
    State(state): State<AppState>,
    Query(search): Query<AccountSearch>,
) -> ApiResult<Json<Json_>> {
    let after: Option<Address> =
        search.next.as_deref().map(|n| n.parse().map_err(|_| bad("next"))).transpose()?;
    let auth: Option<Address> =
        search.auth_addr.as_deref().map(|a| a.parse().map_err(|_| bad("auth-addr"))).transpose()?;
    let limit = limit(search.limit, 100, 1_000);
    let chain = state.node.chain();
    let round = chain.last_round().0;
    let ledger: &LedgerState = chain.state();
    let mut matching: Vec<&Address> = ledger
        .accounts
        .iter()
        .filter(|(address, account)| {
            after.is_none_or(|after| **address > after)
                && auth.is_none_or(|auth| account.auth == Some(auth))
                && search.matches(account)
        })
        .map(|(address, _)| address)
        .collect();
    matching.sort();
    matching.truncate(limit);
    let accounts: Vec<Json_> = matching
        .iter()
        .map(|address| {
            let mut account = encode::account(ledger, address, round, false);
            account["deleted"] = json!(false);
            account
        })
        .collect();
    let mut json = json!({ "accounts": accounts, "current-round": round });
    if let Some(last) = matching.last() {
        json["next-token"] = json!(last.to_string());
    }
    Ok(Json(json))
}

/// The parameters of `/v2/assets`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct AssetSearch {
    limit: Option<usize>,
    next: Option<String>,
    asset_id: Option<u64>,
    creator: Option<String>,
    name: Option<String>,
    unit: Option<String>,
}

fn contains_ignoring_case(text: &[u8], part: &str) -> bool {
    String::from_utf8_lossy(text).to_lowercase().contains(&part.to_lowercase())
}

/// `/v2/assets`: assets by id, filtered by creator, id, and (case-insensitive) parts of their
/// name and unit name.
pub(super) async fn assets(
    State(state): State<AppState>,
    Query(search): Query<AssetSearch>,
) -> ApiResult<Json<Json_>> {
    let after: Option<u64> =
        search.next.as_deref().map(|n| n.parse().map_err(|_| bad("next"))).transpose()?;
    let creator: Option<Address> =
        search.creator.as_deref().map(|c| c.parse().map_err(|_| bad("creator"))).transpose()?;
    let limit = limit(search.limit, 100, 1_000);
    let chain = state.node.chain();
    let mut matching: Vec<(AssetId, Json_)> = chain
        .state()
        .assets
        .iter()
        .filter(|(id, params)| {
            after.is_none_or(|after| id.0 > after)
                && search.asset_id.is_none_or(|wanted| id.0 == wanted)
                && creator.is_none_or(|creator| params.creator == creator)
                && search.name.as_deref().is_none_or(|n| contains_ignoring_case(&params.name, n))
                && search
                    .unit
                    .as_deref()
                    .is_none_or(|u| contains_ignoring_case(&params.unit_name, u))
        })
        .map(|(id, params)| {
            (*id, json!({"index": id.0, "params": asset_params(params), "deleted": false}))
        })
        .collect();
    matching.sort_by_key(|(id, _)| *id);
    matching.truncate(limit);
    let next = matching.last().map(|(id, _)| id.0.to_string());
    let assets: Vec<Json_> = matching.into_iter().map(|(_, json)| json).collect();
    let mut json = json!({ "assets": assets, "current-round": chain.last_round().0 });
    if let Some(next) = next {
        json["next-token"] = json!(next);
    }
    Ok(Json(json))
}

/// The parameters of `/v2/accounts/{address}/assets`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct HoldingsQuery {
    asset_id: Option<u64>,
    limit: Option<usize>,
    next: Option<String>,
}

/// `/v2/accounts/{address}/assets`: the account's holdings by asset id, paged.
pub(super) async fn holdings(
    State(state): State<AppState>,
    Path(address): Path<String>,
    Query(query): Query<HoldingsQuery>,
) -> ApiResult<Json<Json_>> {
    let address: Address = address
        .parse()
        .map_err(|_| ApiError::bad_request(format!("unable to parse address: {address}")))?;
    let after: Option<u64> =
        query.next.as_deref().map(|n| n.parse().map_err(|_| bad("next"))).transpose()?;
    let limit = limit(query.limit, 1_000, 10_000);
    let chain = state.node.chain();
    let account = chain.state().account(&address);
    // Holdings are kept in asset id order.
    let page: Vec<(AssetId, Json_)> = account
        .holdings
        .iter()
        .filter(|(id, _)| {
            query.asset_id.is_none_or(|a| a == id.0) && after.is_none_or(|after| id.0 > after)
        })
        .take(limit)
        .map(|(id, h)| {
            let json = json!({"amount": h.amount, "asset-id": id.0, "is-frozen": h.frozen, "deleted": false});
            (*id, json)
        })
        .collect();
    let next = page.last().map(|(id, _)| id.0.to_string());
    let assets: Vec<Json_> = page.into_iter().map(|(_, json)| json).collect();
    let mut json = json!({ "assets": assets, "current-round": chain.last_round().0 });
    if let Some(next) = next {
        json["next-token"] = json!(next);
    }
    Ok(Json(json))
}
