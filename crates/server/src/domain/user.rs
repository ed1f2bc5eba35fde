//! Accounts known to TipForge, identified by their wallet.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use tipforge_algo::Address;

use super::Timestamp;

/// What a wallet may do. Read from the database on every request, never from a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Tips creators and collects rewards; every wallet that signs in starts here.
    Fan,
    /// Has registered a TipProxy contract; can also do everything a fan can.
    Creator,
}

impl Role {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fan => "fan",
            Self::Creator => "creator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "fan" => Ok(Self::Fan),
            "creator" => Ok(Self::Creator),
            other => Err(format!("unknown role {other:?}")),
        }
    }
}

/// A wallet that has signed in at least once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The account address, proven by a signed challenge.
    pub wallet: Address,
    /// What the wallet may do.
    pub role: Role,
    /// An optional display name.
    pub username: Option<String>,
    /// When the wallet first signed in.
    pub created_at: Timestamp,
}
