//! The server's domain types: what the store keeps and the API shows, free of SQL and HTTP.

mod challenge;
mod contract;
mod creator;
mod edition;
pub mod golden;
mod nft;
mod reward_job;
pub mod rules;
mod standing;
mod template;
mod time;
mod tip;
mod transfer;
mod user;

pub use challenge::{Challenge, Nonce};
pub use contract::Contract;
pub use creator::{
    Claim, ClaimToken, ContractState, CreatorProfile, Dashboard, FanTotal, MinTip, Registration,
    RegistrationState, SentCreate, TemplateRewards, TipTotals, Username, reward_cost,
};
pub use edition::{EditionStock, Remaining};
pub use nft::{Delivery, Nft, NftCursor, NftPage, NftQuery, NftTemplate, NftTotals};
pub use reward_job::{
    ClaimedJob, ErrorClass, Inflight, JobCursor, JobKey, JobPage, JobState, RewardJob, Variant,
};
pub use standing::{BoardTotals, CreatorStanding, FanStanding, FanStats, LoyaltyStanding, Volume};
pub use template::{RuleParameters, Supply, Template, TemplateId, TemplateKind};
pub use time::{Clock, Timestamp};
pub use tip::{Tip, TipCursor, TipPage, TipQuery};
pub use transfer::AssetMove;
pub use user::{Role, User};
