//! Reward templates: an image, its ARC-3 metadata and the rule that awards it.

use std::fmt;
use std::str::FromStr;

use tipforge_algo::{Address, MicroAlgos};
use uuid::Uuid;

use super::Timestamp;

/// A template's id: a UUIDv7, so ids sort by creation time and need no database sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TemplateId(pub Uuid);

impl TemplateId {
    /// A fresh id.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

impl fmt::Display for TemplateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for TemplateId {
    type Err = uuid::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(Self)
    }
}

/// What a template awards and which rule triggers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateKind {
    /// Any tip at or above the template's threshold.
    Sticker,
    /// Every Nth qualifying tip from one fan to one creator.
    LoyaltyBadge,
    /// A `MEMBERSHIP` tip at or above the price; valid for a number of days.
    Membership,
    /// A `COLLECT` tip at or above the price; always golden.
    Collectible,
}

impl TemplateKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sticker => "sticker",
            Self::LoyaltyBadge => "loyalty_badge",
            Self::Membership => "membership",
            Self::Collectible => "collectible",
        }
    }
}

impl FromStr for TemplateKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "sticker" => Ok(Self::Sticker),
            "loyalty_badge" => Ok(Self::LoyaltyBadge),
            "membership" => Ok(Self::Membership),
            "collectible" => Ok(Self::Collectible),
            other => Err(format!("unknown template kind {other:?}")),
        }
    }
}

/// How rewards from a template become assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supply {
    /// Each reward mints its own one-of-one asset.
    Unique,
    /// The asset is minted once with `size` units; each reward transfers one.
    Edition {
        /// Units minted.
        size: u64,
    },
}

/// A template's rule parameters; which ones apply depends on its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuleParameters {
    /// Stickers: the smallest tip that earns one.
    pub threshold: Option<MicroAlgos>,
    /// Loyalty badges: awarded on every Nth qualifying tip.
    pub every_nth_tip: Option<u64>,
    /// Memberships and collectibles: the smallest tip that buys one.
    pub price: Option<MicroAlgos>,
    /// Memberships: how long one lasts.
    pub validity_days: Option<u64>,
    /// Stickers: the base chance of a golden one, in basis points (1/10,000).
    pub golden_odds_bps: Option<u16>,
}

/// A creator's reward template with its pinned image and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The id.
    pub id: TemplateId,
    /// The creator who owns it.
    pub creator: Address,
    /// What it awards.
    pub kind: TemplateKind,
    /// Its name, unique per creator.
    pub name: String,
    /// Unique assets or an edition.
    pub supply: Supply,
    /// The image's CID.
    pub image_cid: String,
    /// The image's sniffed media type.
    pub image_mime: String,
    /// The ARC-3 metadata's CID.
    pub metadata_cid: String,
    /// The asset URL, `ipfs://<cid>#arc3`.
    pub metadata_url: String,
    /// The ARC-3 metadata hash, base64.
    pub metadata_hash: String,
    /// When to award it.
    pub rules: RuleParameters,
    /// When it was created.
    pub created_at: Timestamp,
}
