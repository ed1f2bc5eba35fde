//! Clients for an Algorand node (algod) and its indexer, shaped for a chain listener and a
//! minter: transient failures are retried with backoff, blocks are fetched as msgpack so
//! transaction ids can be recomputed from their exact bytes, and a confirmation tracker settles
//! many pending transactions from one block read.

mod algod;
mod block;
mod confirm;
mod error;
mod events;
mod http;
mod indexer;
mod models;
mod retry;
mod sync;
mod transfers;

pub use algod::Algod;
pub use block::Block;
pub use confirm::{ConfirmationTracker, Settled};
pub use error::{ChainError, ErrorKind, Result};
pub use events::AppCallLogs;
pub use http::{ApiToken, ChainMetrics, Endpoint};
pub use indexer::{Indexer, TransactionQuery};
pub use models::{
    AccountAsset, AccountInfo, AppGlobalValue, ApplicationInfo, AssetInfo, IndexerTransaction,
    NodeStatus, PendingTransaction, TransactionPage,
};
pub use retry::RetryPolicy;
pub use sync::fetch_blocks;
pub use transfers::BlockAssetTransfer;
