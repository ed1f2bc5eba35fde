//! Minted rewards as fans see them: the NFT, its template, and the cursor that pages through a
//! fan's collection.

use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tipforge_algo::{Address, AssetId};

use super::{TemplateId, TemplateKind, Timestamp, Variant};

/// Whether the asset has reached its owner's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// In the owner's account.
    Delivered,
    /// Minted, waiting for the owner to opt in to the asset.
    AwaitingOptin,
}

impl Delivery {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::AwaitingOptin => "awaiting_optin",
        }
    }
}

impl FromStr for Delivery {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "delivered" => Ok(Self::Delivered),
            "awaiting_optin" => Ok(Self::AwaitingOptin),
            other => Err(format!("unknown delivery state {other:?}")),
        }
    }
}

/// The parts of a reward's template shown beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftTemplate {
    /// The template.
    pub id: TemplateId,
    /// Its name.
    pub name: String,
    /// The image's CID.
    pub image_cid: String,
    /// The ARC-3 metadata URL, `ipfs://<cid>#arc3`.
    pub metadata_url: String,
}

/// A minted reward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nft {
    /// The asset.
    pub asset_id: AssetId,
    /// The tip that earned it.
    pub tip_txid: String,
    /// What it rewards.
    pub kind: TemplateKind,
    /// Soulbound or golden.
    pub variant: Variant,
    /// Whether it is in the owner's account yet.
    pub delivery: Delivery,
    /// The transaction that delivered it, once delivered.
    pub delivery_txid: Option<String>,
    /// The fan it belongs to.
    pub owner: Address,
    /// The creator whose template it comes from.
    pub creator: Address,
    /// Its template.
    pub template: NftTemplate,
    /// When it was minted.
    pub minted_at: Timestamp,
    /// When it lapses (memberships), if ever.
    pub expires_at: Option<Timestamp>,
}

impl Nft {
    /// Where this NFT sits in the newest-first order of a collection.
    pub fn position(&self) -> NftCursor {
        NftCursor { minted_at: self.minted_at, asset_id: self.asset_id }
    }
}

/// A position in the newest-first order of NFTs: minting time, then asset id, which is unique,
/// so every NFT has exactly one place. Clients see it as an opaque token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NftCursor {
    /// The minting time of the last NFT on the previous page.
    pub minted_at: Timestamp,
    /// Its asset id.
    pub asset_id: AssetId,
}

impl NftCursor {
    /// The opaque token handed to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}.{}", self.minted_at.0, self.asset_id.0))
    }

    /// Reads a token made by [`NftCursor::encode`]; `None` for anything else.
    pub fn decode(token: &str) -> Option<Self> {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let (minted_at, asset_id) = text.split_once('.')?;
        Some(Self {
            minted_at: Timestamp(minted_at.parse().ok()?),
            asset_id: AssetId(asset_id.parse().ok()?),
        })
    }
}

/// Which of a fan's NFTs to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftQuery {
    /// The fan.
    pub owner: Address,
    /// Only this kind.
    pub kind: Option<TemplateKind>,
    /// Only rewards from this creator.
    pub creator: Option<Address>,
    /// Only this variant.
    pub variant: Option<Variant>,
    /// Only NFTs in this delivery state.
    pub delivery: Option<Delivery>,
    /// Only NFTs older than this position (the previous page's cursor).
    pub before: Option<NftCursor>,
    /// At most this many.
    pub limit: u32,
}

/// Counts over every NFT a query matches, not just one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NftTotals {
    /// All of them.
    pub total: u64,
    /// By variant.
    pub by_variant: Vec<(Variant, u64)>,
    /// By kind.
    pub by_kind: Vec<(TemplateKind, u64)>,
    /// Those still awaiting the owner's opt-in.
    pub awaiting_optin: u64,
}

/// One page of a fan's NFTs, newest first, with the totals of the whole set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftPage {
    /// The NFTs on this page.
    pub nfts: Vec<Nft>,
    /// Where the next page starts, if there are more.
    pub next: Option<NftCursor>,
    /// Counts over every matching NFT.
    pub totals: NftTotals,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_through_their_token() {
        let cursor = NftCursor { minted_at: Timestamp(1_700_000_000_123), asset_id: AssetId(9) };

        assert_eq!(NftCursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(NftCursor::decode("garbage"), None);
        assert_eq!(NftCursor::decode(&URL_SAFE_NO_PAD.encode("1.-2")), None);
    }

    #[test]
    fn variants_and_delivery_states_parse_their_stored_spelling() {
        for variant in [Variant::Soulbound, Variant::Golden] {
            assert_eq!(variant.as_str().parse(), Ok(variant));
        }
        for delivery in [Delivery::Delivered, Delivery::AwaitingOptin] {
            assert_eq!(delivery.as_str().parse(), Ok(delivery));
        }
        assert!("shiny".parse::<Variant>().is_err());
    }
}
