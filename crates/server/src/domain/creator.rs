//! Creators: registration, the on-chain state of their TipProxy, and their dashboard figures.

use std::fmt;

use tipforge_algo::{Address, AppId, MicroAlgos, Round, TxId};

use super::{Contract, EditionStock, Supply, TemplateId, TemplateKind, Timestamp, User};

/// The smallest tip a creator's contract accepts, in µAlgo, within the range TipForge allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MinTip(MicroAlgos);

impl MinTip {
    /// What a registration without a minimum gets: 0.1 ALGO. Low enough for casual tips, high
    /// enough that a tip is worth more than the fees of the reward it may earn.
    pub const DEFAULT: Self = Self(MicroAlgos(100_000));
    /// The lowest minimum: 0.001 ALGO, one transaction fee. A zero minimum would let
    /// zero-value spam through the contract.
    pub const LOWEST: MicroAlgos = MicroAlgos(1_000);
    /// The highest minimum: 1,000,000 ALGO. Anything above is a typo, not a price.
    pub const HIGHEST: MicroAlgos = MicroAlgos(1_000_000_000_000);

    /// The minimum `amount`, if it lies in the allowed range.
    pub fn new(amount: MicroAlgos) -> Option<Self> {
        (Self::LOWEST..=Self::HIGHEST).contains(&amount).then_some(Self(amount))
    }

    /// The amount.
    pub fn amount(self) -> MicroAlgos {
        self.0
    }
}

/// A display name: 3 to 32 characters of lower-case ASCII letters, digits, `_` and `-`,
/// unique among users. Kept lower-case so that uniqueness cannot be dodged by case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// The shortest name.
    pub const MIN_LEN: usize = 3;
    /// The longest name.
    pub const MAX_LEN: usize = 32;

    /// The name `text` stands for (upper case folded), or why it is not one.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let name = text.trim().to_ascii_lowercase();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&name.len()) {
            return Err("must be 3 to 32 characters");
        }
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
        if !name.chars().all(allowed) {
            return Err("may hold only letters a-z, digits, '_' and '-'");
        }
        Ok(Self(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Identifies the request holding a registration claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken(pub String);

impl ClaimToken {
    /// A fresh token, unique across instances.
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationState {
    /// A request holds the claim and is deploying.
    Deploying,
    /// The contract is deployed, funded and stored.
    Deployed,
    /// The last attempt failed; the next registration takes the row over.
    Failed,
}

impl RegistrationState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deploying => "deploying",
            Self::Deployed => "deployed",
            Self::Failed => "failed",
        }
    }
}

impl std::str::FromStr for RegistrationState {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "deploying" => Ok(Self::Deploying),
            "deployed" => Ok(Self::Deployed),
            "failed" => Ok(Self::Failed),
            other => Err(format!("unknown registration state {other:?}")),
        }
    }
}

/// A create transaction that was signed and recorded before being sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentCreate {
    /// Its id.
    pub txid: TxId,
    /// After this round it can no longer confirm.
    pub last_valid: Round,
}

/// A creator's registration row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The creator.
    pub creator: Address,
    /// Where it stands.
    pub state: RegistrationState,
    /// The request holding (or last holding) the claim.
    pub claimed_by: ClaimToken,
    /// When the claim was taken.
    pub claimed_at: Timestamp,
    /// The minimum tip the contract is created with.
    pub min_tip: MicroAlgos,
    /// The create transaction, once one was sent.
    pub create: Option<SentCreate>,
    /// The application, once created.
    pub app_id: Option<AppId>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// The outcome of trying to claim a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This request holds the claim and must deploy (or finish a deployment).
    Claimed(Registration),
    /// Another request holds it, or it is already deployed.
    Taken(Registration),
}

/// A TipProxy's global state, as the chain holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractState {
    /// The creator tips are forwarded to.
    pub creator: Address,
    /// The platform account, which may pause and resume.
    pub platform: Address,
    /// The smallest tip accepted.
    pub min_tip: MicroAlgos,
    /// Tips forwarded so far.
    pub total_tips: u64,
    /// µAlgo forwarded so far.
    pub total_amount: MicroAlgos,
    /// Whether tips are refused.
    pub paused: bool,
}

/// Tip figures of one creator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TipTotals {
    /// Tips received.
    pub count: u64,
    /// µAlgo received.
    pub amount: MicroAlgos,
    /// Distinct fans who tipped.
    pub unique_fans: u64,
}

/// A creator's public page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatorProfile {
    /// The creator.
    pub user: User,
    /// The active contract.
    pub contract: Contract,
    /// Tips received, from the tips TipForge has seen.
    pub tips: TipTotals,
    /// How many templates of each kind the creator offers.
    pub templates: Vec<(TemplateKind, u64)>,
}

/// One fan's tips to a creator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanTotal {
    /// The fan.
    pub fan: Address,
    /// Tips sent.
    pub tips: u64,
    /// µAlgo sent.
    pub amount: MicroAlgos,
}

/// The rewards minted from one template and what they cost the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRewards {
    /// The template.
    pub template: TemplateId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: TemplateKind,
    /// Its supply model.
    pub supply: Supply,
    /// NFTs recorded from it.
    pub nfts: u64,
    /// Rewards from it that reached the chain (jobs minted, delivering, delivered or awaiting
    /// an opt-in): what the platform has paid for.
    pub rewards: u64,
    /// An edition's units issued so far, by variant; `None` for unique templates.
    pub edition: Option<EditionStock>,
}

impl TemplateRewards {
    /// What the platform has spent on this template's rewards so far.
    pub fn platform_cost(&self) -> MicroAlgos {
        reward_cost::of(self.supply, self.rewards)
    }
}

/// The platform's cost of one reward, by supply model.
pub mod reward_cost {
    use tipforge_algo::MicroAlgos;

    use crate::domain::Supply;

    /// The minimum transaction fee the figures assume.
    pub const FEE: MicroAlgos = MicroAlgos(1_000);
    /// The minimum balance the platform locks for each asset it creates.
    pub const ASSET_MIN_BALANCE: MicroAlgos = MicroAlgos(100_000);

    /// A unique reward mints an asset (0.1 ALGO locked plus its fee) and sends it (a fee); an
    /// edition reward only transfers a unit (a fee).
    pub fn per_reward(supply: Supply) -> MicroAlgos {
        match supply {
            Supply::Unique => MicroAlgos(ASSET_MIN_BALANCE.0 + 2 * FEE.0),
            Supply::Edition { .. } => FEE,
        }
    }

    /// The cost of `rewards` rewards, saturating rather than wrapping.
    pub fn of(supply: Supply, rewards: u64) -> MicroAlgos {
        MicroAlgos(per_reward(supply).0.saturating_mul(rewards))
    }
}

/// A creator's dashboard, from SQL aggregates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// All tips received.
    pub tips: TipTotals,
    /// Tips stored in the last 24 hours.
    pub tips_last_day: u64,
    /// Tips stored in the last 7 days.
    pub tips_last_week: u64,
    /// The ten fans who gave the most.
    pub top_fans: Vec<FanTotal>,
    /// The newest tips.
    pub recent_tips: Vec<super::Tip>,
    /// The creator's reward jobs by state.
    pub reward_jobs: Vec<(String, u64)>,
    /// Every template with its rewards so far.
    pub templates: Vec<TemplateRewards>,
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_tips_outside_the_range_are_refused() {
        assert_eq!(MinTip::new(MicroAlgos(0)), None);
        assert_eq!(MinTip::new(MicroAlgos(999)), None);
        assert!(MinTip::new(MicroAlgos(1_000)).is_some());
        assert!(MinTip::new(MinTip::HIGHEST).is_some());
        assert_eq!(MinTip::new(MicroAlgos(u64::MAX)), None);
    }

    #[test]
    fn usernames_are_folded_to_lower_case_and_checked() {
        assert_eq!(Username::parse(" Alice_01 ").unwrap().as_str(), "alice_01");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("a b c").is_err());
        assert!(Username::parse("émile").is_err());
        assert!(Username::parse(&"x".repeat(33)).is_err());
    }

    #[test]
    fn unique_rewards_lock_a_minimum_balance_and_editions_cost_a_fee() {
        assert_eq!(reward_cost::of(Supply::Unique, 3), MicroAlgos(306_000));
        assert_eq!(reward_cost::of(Supply::Edition { size: 100 }, 3), MicroAlgos(3_000));
    }
}
