//! `GET /nfts/{assetId}`: one minted reward, and the view of an NFT every route shares.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde::Serialize;
use tipforge_algo::AssetId;
use utoipa::ToSchema;

use super::{ApiError, ApiResult, AppState, Envelope};
use crate::domain::Nft;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/nfts/{assetId}", get(show))
}

/// The routes of this group, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(show), components(schemas(NftView, TemplateView)))]
pub(super) struct NftsApi;

/// A minted reward.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct NftView {
    /// The Algorand asset id.
    asset_id: u64,
    /// The tip that earned it.
    tip_txid: String,
    /// `sticker`, `loyalty_badge`, `membership` or `collectible`.
    kind: &'static str,
    /// `soulbound` (frozen in the owner's account) or `golden` (transferable).
    variant: &'static str,
    /// `delivered`, or `awaiting_optin` until the owner opts in to the asset.
    delivery: &'static str,
    /// The transaction that delivered it, once delivered.
    delivery_txid: Option<String>,
    /// The fan it belongs to.
    owner: String,
    /// The creator it comes from.
    creator: String,
    /// Its template.
    template: TemplateView,
    /// When it was minted (RFC 3339, UTC).
    minted_at: String,
    /// When it lapses (memberships), RFC 3339; `null` if never.
    expires_at: Option<String>,
}

/// The template an NFT was minted from.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct TemplateView {
    /// The template id.
    id: String,
    /// Its name.
    name: String,
    /// The image through this server's IPFS gateway: `/ipfs/<cid>`.
    image_url: String,
    /// The ARC-3 metadata URL, `ipfs://<cid>#arc3`.
    metadata_url: String,
}

/// One NFT with its owner, template, tip and delivery.
#[utoipa::path(
    get,
    path = "/nfts/{assetId}",
    tag = "nfts",
    params(("assetId" = u64, Path, description = "The asset id")),
    responses(
        (status = 200, description = "The NFT, in `data`", body = NftView),
        (status = 400, description = "Not an asset id"),
        (status = 404, description = "No NFT was minted as this asset"),
    )
)]
async fn show(
    State(state): State<AppState>,
    Path(asset_id): Path<String>,
) -> ApiResult<Envelope<NftView>> {
    let asset_id = asset_id
        .parse()
        .map(AssetId)
        .map_err(|_| ApiError::invalid("assetId", "must be a positive integer"))?;
    let nft = state.store.nft(asset_id).await?.ok_or(ApiError::NotFound { what: "NFT" })?;
    Ok(Envelope::new(NftView::from(nft)))
}

impl From<Nft> for NftView {
    fn from(nft: Nft) -> Self {
        Self {
            asset_id: nft.asset_id.0,
            tip_txid: nft.tip_txid,
            kind: nft.kind.as_str(),
            variant: nft.variant.as_str(),
            delivery: nft.delivery.as_str(),
            delivery_txid: nft.delivery_txid,
            owner: nft.owner.to_string(),
            creator: nft.creator.to_string(),
            template: TemplateView {
                id: nft.template.id.to_string(),
                name: nft.template.name,
                image_url: format!("/ipfs/{}", nft.template.image_cid),
                metadata_url: nft.template.metadata_url,
            },
            minted_at: nft.minted_at.to_string(),
            expires_at: nft.expires_at.map(|at| at.to_string()),
        }
    }
}

#[cfg(test)]
mod openapi_tests {
    use utoipa::OpenApi;

    #[test]
    fn every_route_is_documented() {
        let paths = super::NftsApi::openapi().paths.paths;

        assert!(paths.contains_key("/nfts/{assetId}"));
    }
}
