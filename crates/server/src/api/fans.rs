//! A fan's side of the product: their NFTs, the opt-ins they owe, their statistics, and the
//! odds of a golden sticker. All public: a wallet's holdings and tips are public on chain.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use tipforge_algo::transaction::AssetTransfer;
use tipforge_algo::{Address, SuggestedParams, Transaction};
use utoipa::{IntoParams, ToSchema};

use super::extract::{self, QueryParams};
use super::nfts::NftView;
use super::{ApiError, ApiResult, AppState, Envelope};
use crate::domain::{
    Delivery, FanStats, Nft, NftCursor, NftPage, NftQuery, NftTotals, TemplateKind, Variant, Volume,
};

mod odds;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 100;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/fans/{wallet}/nfts", get(nfts))
        .route("/fans/{wallet}/awaiting-optin", get(awaiting_optin))
        .route("/fans/{wallet}/stats", get(stats))
        .route("/golden-odds", get(odds::golden_odds))
}

/// The routes of this group, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(nfts, awaiting_optin, stats, odds::golden_odds),
    components(schemas(
        NftPageMeta,
        TotalsView,
        AwaitingOptinView,
        OptInTxnView,
        FanStatsView,
        CreatorVolume,
        RecentTip,
        odds::GoldenOddsView
    ))
)]
pub(super) struct FansApi;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// Only this kind: `sticker`, `loyalty_badge`, `membership` or `collectible`.
    kind: Option<String>,
    /// Only rewards from this creator's templates.
    creator: Option<String>,
    /// Only `soulbound` or `golden` ones.
    variant: Option<String>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100; default 50.
    limit: Option<i64>,
}

/// Paging and the counts of every NFT the filters match (not just this page).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct NftPageMeta {
    /// Pass as `cursor` for the next page; `null` on the last page.
    next_cursor: Option<String>,
    /// The page size used.
    limit: u32,
    /// Counts over the whole matching collection.
    totals: TotalsView,
}

/// Counts over a whole collection.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct TotalsView {
    /// Every NFT.
    total: u64,
    /// By variant, every variant present.
    by_variant: BTreeMap<&'static str, u64>,
    /// By kind, every kind present.
    by_kind: BTreeMap<&'static str, u64>,
    /// Minted but waiting for the fan's opt-in.
    awaiting_optin: u64,
}

/// A fan's NFTs, newest first.
#[utoipa::path(
    get,
    path = "/fans/{wallet}/nfts",
    tag = "fans",
    params(("wallet" = String, Path, description = "The fan's address"), ListParams),
    responses(
        (status = 200, description = "`data`: the page's NFTs; `meta`: NftPageMeta",
            body = [NftView]),
        (status = 400, description = "A malformed wallet, filter, cursor or limit"),
    )
)]
async fn nfts(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
    QueryParams(params): QueryParams<ListParams>,
) -> ApiResult<Envelope<Vec<NftView>, NftPageMeta>> {
    let query = params.into_query(extract::wallet("wallet", &wallet)?, None)?;
    let page = state.store.fan_nfts(&query).await?;
    let meta = NftPageMeta::of(&page, query.limit);
    Ok(Envelope::with_meta(page.nfts.into_iter().map(NftView::from).collect(), meta))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct AwaitingOptinView {
    /// The NFT.
    nft: NftView,
    /// The transaction that opts the fan in; once it confirms, delivery follows by itself.
    opt_in: OptInTxnView,
}

/// An unsigned asset opt-in: a transfer of zero units from the fan to themself.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct OptInTxnView {
    /// The unsigned transaction: standard base64 of its canonical msgpack, for the wallet to
    /// sign and `POST /transactions`.
    txn: String,
    /// Its id.
    txid: String,
    /// The first round it may confirm in.
    first_valid: u64,
    /// The last round it may confirm in; build a new one after that.
    last_valid: u64,
    /// Its fee in µAlgo.
    fee_micro_algos: u64,
}

/// A fan's NFTs awaiting opt-in, each with the unsigned opt-in transaction that releases it.
#[utoipa::path(
    get,
    path = "/fans/{wallet}/awaiting-optin",
    tag = "fans",
    params(("wallet" = String, Path, description = "The fan's address"), ListParams),
    responses(
        (status = 200, description = "`data`: NFTs with opt-in transactions; `meta`: paging",
            body = [AwaitingOptinView]),
        (status = 400, description = "A malformed wallet, filter, cursor or limit"),
        (status = 503, description = "The Algorand node is unreachable"),
    )
)]
async fn awaiting_optin(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
    QueryParams(params): QueryParams<ListParams>,
) -> ApiResult<Envelope<Vec<AwaitingOptinView>, NftPageMeta>> {
    let fan = extract::wallet("wallet", &wallet)?;
    let query = params.into_query(fan, Some(Delivery::AwaitingOptin))?;
    let page = state.store.fan_nfts(&query).await?;
    let meta = NftPageMeta::of(&page, query.limit);
    let views = match page.nfts.is_empty() {
        true => Vec::new(),
        false => {
            let params = state.params.get().await?;
            page.nfts
                .into_iter()
                .map(|nft| awaiting_view(nft, &params))
                .collect::<ApiResult<_>>()?
        }
    };
    Ok(Envelope::with_meta(views, meta))
}

fn awaiting_view(nft: Nft, params: &SuggestedParams) -> ApiResult<AwaitingOptinView> {
    let opt_in = AssetTransfer::opt_in(nft.asset_id, nft.owner);
    // Only parameters the node suggested can make this fail (a validity window or fee out of
    // the protocol's range): the node is not fit to use.
    let txn = Transaction::builder(nft.owner, params, opt_in).build().map_err(|err| {
        tracing::warn!(target: "api", error = &err as &dyn std::error::Error, "unusable params");
        ApiError::Unhealthy { failing: vec!["algod"] }
    })?;
    let opt_in = OptInTxnView {
        txn: STANDARD.encode(txn.encode()),
        txid: txn.id().to_string(),
        first_valid: txn.header.first_valid.0,
        last_valid: txn.header.last_valid.0,
        fee_micro_algos: txn.header.fee.0,
    };
    Ok(AwaitingOptinView { nft: NftView::from(nft), opt_in })
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct FanStatsView {
    /// The fan.
    wallet: String,
    /// Tips sent.
    total_tips: u64,
    /// µAlgo sent.
    total_micro_algos: u64,
    /// The mean tip in µAlgo, rounded down.
    average_tip_micro_algos: u64,
    /// Creators tipped.
    unique_creators: u64,
    /// NFTs held, all variants.
    total_nfts: u64,
    /// NFTs by variant.
    nfts_by_variant: BTreeMap<&'static str, u64>,
    /// NFTs by kind.
    nfts_by_kind: BTreeMap<&'static str, u64>,
    /// The 10 creators tipped most, by µAlgo.
    top_creators: Vec<CreatorVolume>,
    /// The 10 latest tips, newest first.
    recent_tips: Vec<RecentTip>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct CreatorVolume {
    creator: String,
    tip_count: u64,
    total_micro_algos: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct RecentTip {
    txid: String,
    round: u64,
    creator: String,
    amount_micro_algos: u64,
    memo: String,
}

/// A fan's tipping and collecting, aggregated over everything they did.
#[utoipa::path(
    get,
    path = "/fans/{wallet}/stats",
    tag = "fans",
    params(("wallet" = String, Path, description = "The fan's address")),
    responses(
        (status = 200, description = "The statistics, in `data`", body = FanStatsView),
        (status = 400, description = "A malformed wallet"),
    )
)]
async fn stats(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
) -> ApiResult<Envelope<FanStatsView>> {
    let fan = extract::wallet("wallet", &wallet)?;
    let stats = state.store.fan_stats(&fan).await?;
    Ok(Envelope::new(FanStatsView::of(fan, stats)))
}

impl ListParams {
    fn into_query(self, owner: Address, delivery: Option<Delivery>) -> ApiResult<NftQuery> {
        let before = self
            .cursor
            .map(|token| {
                NftCursor::decode(&token).ok_or_else(|| {
                    ApiError::invalid("cursor", "not a cursor returned by this endpoint")
                })
            })
            .transpose()?;
        Ok(NftQuery {
            owner,
            kind: self
                .kind
                .map(|text| text.parse::<TemplateKind>())
                .transpose()
                .map_err(|reason| ApiError::invalid("kind", reason))?,
            creator: self.creator.map(|text| extract::wallet("creator", &text)).transpose()?,
            variant: self
                .variant
                .map(|text| text.parse::<Variant>())
                .transpose()
                .map_err(|reason| ApiError::invalid("variant", reason))?,
            delivery,
            before,
            limit: limit(self.limit, DEFAULT_LIMIT, MAX_LIMIT)?,
        })
    }
}

/// A `limit` parameter: `default` when absent, else from 1 to `max`. Read as a signed number
/// so that a negative limit is refused by name instead of failing to parse.
pub(super) fn limit(value: Option<i64>, default: u32, max: u32) -> ApiResult<u32> {
    let Some(value) = value else { return Ok(default) };
    u32::try_from(value)
        .ok()
        .filter(|value| (1..=max).contains(value))
        .ok_or_else(|| ApiError::invalid("limit", format!("must be from 1 to {max}")))
}

impl NftPageMeta {
    fn of(page: &NftPage, limit: u32) -> Self {
        Self {
            next_cursor: page.next.map(|cursor| cursor.encode()),
            limit,
            totals: TotalsView::from(&page.totals),
        }
    }
}

const VARIANTS: [Variant; 2] = [Variant::Soulbound, Variant::Golden];
const KINDS: [TemplateKind; 4] = [
    TemplateKind::Sticker,
    TemplateKind::LoyaltyBadge,
    TemplateKind::Membership,
    TemplateKind::Collectible,
];

fn by_variant(counts: &[(Variant, u64)]) -> BTreeMap<&'static str, u64> {
    VARIANTS.iter().map(|variant| (variant.as_str(), count_of(counts, variant))).collect()
}

fn by_kind(counts: &[(TemplateKind, u64)]) -> BTreeMap<&'static str, u64> {
    KINDS.iter().map(|kind| (kind.as_str(), count_of(counts, kind))).collect()
}

fn count_of<K: PartialEq>(counts: &[(K, u64)], key: &K) -> u64 {
    counts.iter().find(|(k, _)| k == key).map_or(0, |(_, count)| *count)
}

impl From<&NftTotals> for TotalsView {
    fn from(totals: &NftTotals) -> Self {
        Self {
            total: totals.total,
            by_variant: by_variant(&totals.by_variant),
            by_kind: by_kind(&totals.by_kind),
            awaiting_optin: totals.awaiting_optin,
        }
    }
}

impl FanStatsView {
    fn of(fan: Address, stats: FanStats) -> Self {
        let Volume { tips, total } = stats.volume;
        Self {
            wallet: fan.to_string(),
            total_tips: tips,
            total_micro_algos: total.0,
            average_tip_micro_algos: stats.volume.average().0,
            unique_creators: stats.unique_creators,
            total_nfts: stats.nfts_by_variant.iter().map(|(_, count)| count).sum(),
            nfts_by_variant: by_variant(&stats.nfts_by_variant),
            nfts_by_kind: by_kind(&stats.nfts_by_kind),
            top_creators: stats
                .top_creators
                .into_iter()
                .map(|(creator, volume)| CreatorVolume {
                    creator: creator.to_string(),
                    tip_count: volume.tips,
                    total_micro_algos: volume.total.0,
                })
                .collect(),
            recent_tips: stats
                .recent_tips
                .into_iter()
                .map(|tip| RecentTip {
                    memo: tip.memo_text(),
                    txid: tip.txid,
                    round: tip.round.0,
                    creator: tip.creator.to_string(),
                    amount_micro_algos: tip.amount.0,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod openapi_tests {
    use utoipa::OpenApi;

    #[test]
    fn every_route_is_documented() {
        let paths = super::FansApi::openapi().paths.paths;

        assert!(paths.contains_key("/fans/{wallet}/nfts"));
        assert!(paths.contains_key("/fans/{wallet}/awaiting-optin"));
        assert!(paths.contains_key("/fans/{wallet}/stats"));
        assert!(paths.contains_key("/golden-odds"));
    }
}
