//! Public leaderboards: the top creators, a creator's top fans and their loyalty table.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Router};
use moka::future::Cache;
use serde::{Deserialize, Serialize};
use tipforge_algo::Address;
use utoipa::{IntoParams, ToSchema};

use super::extract::{self, QueryParams};
use super::fans::limit;
use super::{ApiError, ApiResult, AppState, Envelope};
use crate::domain::{BoardTotals, CreatorStanding, FanStanding, LoyaltyStanding, Role};
use crate::store::StoreError;

const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 100;

/// How long the global board is served from memory. It aggregates every tip ever stored, so it
/// is computed at most once per limit in this time, however many read it; a tip shows on it
/// within this delay.
const CREATOR_BOARD_TTL: Duration = Duration::from_secs(5);

/// The global board by limit, with the totals of the whole board.
type CreatorBoard = Arc<(Vec<CreatorStanding>, BoardTotals)>;

pub(super) fn router() -> Router<AppState> {
    let board: Cache<u32, CreatorBoard> =
        Cache::builder().max_capacity(u64::from(MAX_LIMIT)).time_to_live(CREATOR_BOARD_TTL).build();
    Router::new()
        .route("/leaderboards/creators", get(top_creators).layer(Extension(board)))
        .route("/creators/{wallet}/leaderboard", get(top_fans))
        .route("/creators/{wallet}/loyalty", get(loyalty))
}

/// The routes of this group, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(top_creators, top_fans, loyalty),
    components(schemas(BoardMeta, CreatorRank, FanRank, LoyaltyRank))
)]
pub(super) struct LeaderboardsApi;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct BoardParams {
    /// How many ranks, 1 to 100; default 20.
    limit: Option<i64>,
}

/// The ranks shown and the totals of the whole board.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct BoardMeta {
    /// The number of ranks asked for.
    limit: u32,
    /// Every wallet on the board, shown or not.
    total_entries: u64,
    /// The µAlgo the whole board accounts for.
    total_micro_algos: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct CreatorRank {
    rank: u32,
    creator: String,
    username: Option<String>,
    /// The creator's active TipProxy app.
    app_id: Option<u64>,
    tip_count: u64,
    total_micro_algos: u64,
    unique_fans: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct FanRank {
    rank: u32,
    fan: String,
    username: Option<String>,
    tip_count: u64,
    total_micro_algos: u64,
    /// How many of this creator's rewards the fan holds.
    nft_count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct LoyaltyRank {
    rank: u32,
    fan: String,
    badges: u64,
    qualifying_tips: u64,
    total_micro_algos: u64,
    updated_at: String,
}

/// Creators ranked by the µAlgo they received; recomputed at most every 5 seconds.
#[utoipa::path(
    get,
    path = "/leaderboards/creators",
    tag = "leaderboards",
    params(BoardParams),
    responses(
        (status = 200, description = "`data`: ranks; `meta`: BoardMeta", body = [CreatorRank]),
        (status = 400, description = "A limit outside 1..=100"),
    )
)]
async fn top_creators(
    State(state): State<AppState>,
    Extension(board): Extension<Cache<u32, CreatorBoard>>,
    QueryParams(params): QueryParams<BoardParams>,
) -> ApiResult<Envelope<Vec<CreatorRank>, BoardMeta>> {
    let limit = limit(params.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let store = &state.store;
    let compute = async {
        let standings = store.top_creators(limit).await?;
        let totals = store.creator_board_totals().await?;
        Ok::<_, StoreError>(Arc::new((standings, totals)))
    };
    let board = board.try_get_with(limit, compute).await.map_err(shared_store_error)?;
    let (standings, totals) = board.as_ref();
    let ranks = ranked(standings.iter(), |rank, standing: &CreatorStanding| CreatorRank {
        rank,
        creator: standing.creator.to_string(),
        username: standing.username.clone(),
        app_id: standing.app_id.map(|app| app.0),
        tip_count: standing.volume.tips,
        total_micro_algos: standing.volume.total.0,
        unique_fans: standing.unique_fans,
    });
    Ok(Envelope::with_meta(ranks, BoardMeta::of(limit, *totals)))
}

/// The error of a computation other requests may have waited on too: the first to see it
/// reports it fully, the others as the database being unavailable.
fn shared_store_error(err: Arc<StoreError>) -> ApiError {
    Arc::try_unwrap(err)
        .map_or_else(|_| ApiError::Unhealthy { failing: vec!["database"] }, ApiError::Store)
}

/// A creator's fans ranked by the µAlgo they sent.
#[utoipa::path(
    get,
    path = "/creators/{wallet}/leaderboard",
    tag = "leaderboards",
    params(("wallet" = String, Path, description = "The creator's address"), BoardParams),
    responses(
        (status = 200, description = "`data`: ranks; `meta`: BoardMeta", body = [FanRank]),
        (status = 400, description = "A malformed wallet or a limit outside 1..=100"),
        (status = 404, description = "The wallet is not a registered creator"),
    )
)]
async fn top_fans(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
    QueryParams(params): QueryParams<BoardParams>,
) -> ApiResult<Envelope<Vec<FanRank>, BoardMeta>> {
    let limit = limit(params.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let creator = known_creator(&state, &wallet).await?;
    let standings = state.store.top_fans(&creator, limit).await?;
    let totals = state.store.fan_board_totals(&creator).await?;
    let ranks = ranked(standings, |rank, standing: FanStanding| FanRank {
        rank,
        fan: standing.fan.to_string(),
        username: standing.username,
        tip_count: standing.volume.tips,
        total_micro_algos: standing.volume.total.0,
        nft_count: standing.nfts,
    });
    Ok(Envelope::with_meta(ranks, BoardMeta::of(limit, totals)))
}

/// A creator's loyalty table: badges earned and qualifying tips, per fan.
#[utoipa::path(
    get,
    path = "/creators/{wallet}/loyalty",
    tag = "leaderboards",
    params(("wallet" = String, Path, description = "The creator's address"), BoardParams),
    responses(
        (status = 200, description = "`data`: ranks; `meta`: BoardMeta", body = [LoyaltyRank]),
        (status = 400, description = "A malformed wallet or a limit outside 1..=100"),
        (status = 404, description = "The wallet is not a registered creator"),
    )
)]
async fn loyalty(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
    QueryParams(params): QueryParams<BoardParams>,
) -> ApiResult<Envelope<Vec<LoyaltyRank>, BoardMeta>> {
    let limit = limit(params.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let creator = known_creator(&state, &wallet).await?;
    let standings = state.store.loyalty_table(&creator, limit).await?;
    let totals = state.store.loyalty_totals(&creator).await?;
    let ranks = ranked(standings, |rank, standing: LoyaltyStanding| LoyaltyRank {
        rank,
        fan: standing.fan.to_string(),
        badges: standing.badges,
        qualifying_tips: standing.qualifying_tips,
        total_micro_algos: standing.total.0,
        updated_at: standing.updated_at.to_string(),
    });
    Ok(Envelope::with_meta(ranks, BoardMeta::of(limit, totals)))
}

/// The creator named in the path, or 404 when the wallet never registered as one.
async fn known_creator(state: &AppState, wallet: &str) -> ApiResult<Address> {
    let creator = extract::wallet("wallet", wallet)?;
    match state.store.user(&creator).await? {
        Some(user) if user.role == Role::Creator => Ok(creator),
        _ => Err(ApiError::NotFound { what: "creator" }),
    }
}

/// Numbers standings from 1 in the order the store ranked them.
fn ranked<S, R>(standings: impl IntoIterator<Item = S>, view: impl Fn(u32, S) -> R) -> Vec<R> {
    (1..).zip(standings).map(|(rank, standing)| view(rank, standing)).collect()
}

impl BoardMeta {
    fn of(limit: u32, totals: BoardTotals) -> Self {
        Self { limit, total_entries: totals.entries, total_micro_algos: totals.total.0 }
    }
}

#[cfg(test)]
mod openapi_tests {
    use utoipa::OpenApi;

    #[test]
    fn every_route_is_documented() {
        let paths = super::LeaderboardsApi::openapi().paths.paths;

        assert!(paths.contains_key("/leaderboards/creators"));
        assert!(paths.contains_key("/creators/{wallet}/leaderboard"));
        assert!(paths.contains_key("/creators/{wallet}/loyalty"));
    }
}
