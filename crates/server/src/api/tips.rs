//! `GET /tips`: tips seen on chain, newest first.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::docs::ErrorBody;
use super::extract::{self, QueryParams};
use super::{ApiError, ApiResult, AppState, Envelope, PageMeta};
use crate::domain::{Tip, TipCursor, TipQuery};

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/tips", get(list))
}

/// The tips group of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub(super) struct TipsApi;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListParams {
    creator: Option<String>,
    fan: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct TipView {
    txid: String,
    round: u64,
    intra_round: u64,
    app_id: u64,
    fan: String,
    creator: String,
    amount_micro_algos: u64,
    memo: String,
    memo_base64: String,
}

/// Tips seen on chain, newest first, optionally for one creator or fan; cursor-paginated.
#[utoipa::path(
    get, path = "/tips", tag = "tips",
    params(ListParams),
    responses(
        (
            status = 200, description = "A page of tips",
            body = inline(Envelope<Vec<TipView>, PageMeta>)
        ),
        (status = 400, description = "Bad filter, cursor or limit", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    QueryParams(params): QueryParams<ListParams>,
) -> ApiResult<Envelope<Vec<TipView>, PageMeta>> {
    let query = params.into_query()?;
    let page = state.store.list_tips(&query).await?;
    let meta =
        PageMeta { next_cursor: page.next.map(|cursor| cursor.encode()), limit: query.limit };
    Ok(Envelope::with_meta(page.tips.into_iter().map(TipView::from).collect(), meta))
}

impl ListParams {
    fn into_query(self) -> Result<TipQuery, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid("limit", format!("must be from 1 to {MAX_LIMIT}")));
        }
        let before = self
            .cursor
            .map(|token| {
                TipCursor::decode(&token).ok_or_else(|| {
                    ApiError::invalid("cursor", "not a cursor returned by this endpoint")
                })
            })
            .transpose()?;
        Ok(TipQuery {
            creator: self.creator.map(|text| extract::wallet("creator", &text)).transpose()?,
            fan: self.fan.map(|text| extract::wallet("fan", &text)).transpose()?,
            before,
            limit,
        })
    }
}

impl From<Tip> for TipView {
    fn from(tip: Tip) -> Self {
        Self {
            memo: tip.memo_text(),
            memo_base64: STANDARD.encode(&tip.memo),
            txid: tip.txid,
            round: tip.round.0,
            intra_round: tip.intra_round,
            app_id: tip.app_id.0,
            fan: tip.fan.to_string(),
            creator: tip.creator.to_string(),
            amount_micro_algos: tip.amount.0,
        }
    }
}
