//! The server's domain types: what the store keeps and the API shows, free of SQL and HTTP.

mod challenge;
mod contract;
pub mod golden;
mod reward_job;
mod template;
mod time;
mod tip;
mod user;

pub use challenge::{Challenge, Nonce};
pub use contract::Contract;
pub use reward_job::{
    ClaimedJob, ErrorClass, Inflight, JobCursor, JobKey, JobPage, JobState, RewardJob, Variant,
};
pub use template::{RuleParameters, Supply, Template, TemplateId, TemplateKind};
pub use time::{Clock, Timestamp};
pub use tip::{Tip, TipCursor, TipPage, TipQuery};
pub use user::{Role, User};
