//! An embedded Algorand dev network: a ledger of accounts, assets and apps (programs run by
//! `tipforge-teal`), a transaction pool and block producer, and the algod and indexer REST
//! APIs, shaped like anvil: pool, producer and state apart, the mining mode a config switch.
//!
//! ```no_run
//! # async fn demo() -> Result<(), tipforge_devnet::DevnetError> {
//! let devnet = tipforge_devnet::spawn(tipforge_devnet::Config::test()).await?;
//! println!("algod at {}", devnet.algod_url());
//! devnet.shutdown().await;
//! # Ok(()) }
//! ```

pub mod api;
pub mod config;
pub mod error;
pub mod genesis;
pub mod ledger;
pub mod node;
mod spawn;

pub use config::{Config, FaultConfig, GenesisConfig, LOCALNET_TOKEN, MiningMode};
pub use error::{LedgerError, Result};
pub use genesis::{FundedAccount, Genesis};
pub use spawn::{DevnetError, DevnetHandle, spawn};
