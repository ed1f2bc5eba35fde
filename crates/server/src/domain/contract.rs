//! A creator's TipProxy application.

use tipforge_algo::{Address, AppId};

use super::Timestamp;

/// One deployment of the TipProxy contract for a creator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// The application id.
    pub app_id: AppId,
    /// The creator whose tips it forwards.
    pub creator: Address,
    /// The application's account.
    pub app_address: Address,
    /// The contract version deployed.
    pub version: u64,
    /// When it was deployed.
    pub deployed_at: Timestamp,
    /// When it stopped being the creator's active contract; `None` while active.
    pub retired_at: Option<Timestamp>,
}
