//! Aggregates over tips, rewards and loyalty: a fan's statistics and the leaderboards.

use tipforge_algo::{Address, AppId, MicroAlgos};

use super::{TemplateKind, Timestamp, Tip, Variant};

/// The tips and µAlgo one wallet sent another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Volume {
    /// How many tips.
    pub tips: u64,
    /// Their sum.
    pub total: MicroAlgos,
}

impl Volume {
    /// The mean tip, rounded down; zero when there are none.
    pub fn average(&self) -> MicroAlgos {
        MicroAlgos(self.total.0.checked_div(self.tips).unwrap_or(0))
    }
}

/// Everything a fan has done, computed by aggregates over all their tips and NFTs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanStats {
    /// All their tips.
    pub volume: Volume,
    /// How many creators they tipped.
    pub unique_creators: u64,
    /// Their NFTs by variant.
    pub nfts_by_variant: Vec<(Variant, u64)>,
    /// Their NFTs by kind.
    pub nfts_by_kind: Vec<(TemplateKind, u64)>,
    /// The creators they tipped most, by µAlgo.
    pub top_creators: Vec<(Address, Volume)>,
    /// Their latest tips, newest first.
    pub recent_tips: Vec<Tip>,
}

/// A creator's place on the global leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatorStanding {
    /// The creator.
    pub creator: Address,
    /// Their display name, if set.
    pub username: Option<String>,
    /// Their active TipProxy app, if any.
    pub app_id: Option<AppId>,
    /// What they received.
    pub volume: Volume,
    /// How many fans tipped them.
    pub unique_fans: u64,
}

/// A fan's place on one creator's leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanStanding {
    /// The fan.
    pub fan: Address,
    /// Their display name, if set.
    pub username: Option<String>,
    /// What they sent this creator.
    pub volume: Volume,
    /// How many of this creator's rewards they hold.
    pub nfts: u64,
}

/// A fan's loyalty to one creator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoyaltyStanding {
    /// The fan.
    pub fan: Address,
    /// Tips that counted towards badges.
    pub qualifying_tips: u64,
    /// Their sum.
    pub total: MicroAlgos,
    /// Badges earned.
    pub badges: u64,
    /// When the row last changed.
    pub updated_at: Timestamp,
}

/// Totals over a whole leaderboard, not just the ranks shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BoardTotals {
    /// How many wallets are ranked.
    pub entries: u64,
    /// The µAlgo they account for.
    pub total: MicroAlgos,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_rounds_down_and_is_zero_without_tips() {
        assert_eq!(Volume { tips: 3, total: MicroAlgos(10) }.average(), MicroAlgos(3));
        assert_eq!(Volume { tips: 0, total: MicroAlgos(0) }.average(), MicroAlgos(0));
    }
}
