//! The indexer REST client: transaction search, for catching up on rounds algod no longer has.

use std::sync::Arc;
use std::time::Duration;

use tipforge_algo::{Address, AppId, AssetId, Round, TxId};

use crate::error::{ErrorKind, Result};
use crate::http::{ApiToken, Call, ChainMetrics, Endpoint, RestClient, Service};
use crate::models::{IndexerTransaction, TransactionPage};
use crate::retry::RetryPolicy;

const SEARCH: Endpoint = Endpoint::indexer("/v2/transactions");
const TRANSACTION: Endpoint = Endpoint::indexer("/v2/transactions/{txid}");
const HEALTH: Endpoint = Endpoint::indexer("/health");

/// A transaction search; unset filters match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionQuery {
    /// Earliest round, inclusive.
    pub min_round: Option<Round>,
    /// Latest round, inclusive.
    pub max_round: Option<Round>,
    /// Calls to this application.
    pub application_id: Option<AppId>,
    /// Transfers of this asset.
    pub asset_id: Option<AssetId>,
    /// Transactions involving this address (the indexer then lists newest first).
    pub address: Option<Address>,
    /// `pay`, `axfer`, `appl`, …
    pub tx_type: Option<&'static str>,
    /// Page size.
    pub limit: Option<u32>,
    /// The `next-token` of the previous page.
    pub next: Option<String>,
}

/// A client for one indexer.
#[derive(Debug, Clone)]
pub struct Indexer {
    rest: RestClient,
}

impl Indexer {
    /// A client for the indexer at `url`; see [`crate::Algod::new`] for the other arguments.
    pub fn new(
        url: &str,
        token: Option<ApiToken>,
        timeout: Duration,
        retry: RetryPolicy,
        metrics: Arc<ChainMetrics>,
    ) -> Result<Self> {
        Ok(Self { rest: RestClient::new(Service::Indexer, url, token, timeout, retry, metrics)? })
    }

    /// This client with GETs retried under `retry` instead; it shares the connections. A
    /// caller with its own retry schedule (the minter's jobs) wants quick request-level retries
    /// rather than the listener's patient ones.
    #[must_use]
    pub fn with_retry(&self, retry: RetryPolicy) -> Self {
        Self { rest: self.rest.with_retry(retry) }
    }

    /// How this client retries GETs.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.rest.retry()
    }

    /// Whether the indexer answers.
    pub async fn health(&self) -> Result<()> {
        self.rest.get_bytes(Call::get(HEALTH, "/health")).await.map(drop)
    }

    /// A committed transaction by id; `None` when the indexer does not know it.
    pub async fn transaction(&self, txid: &TxId) -> Result<Option<IndexerTransaction>> {
        #[derive(serde::Deserialize)]
        struct Found {
            transaction: IndexerTransaction,
        }
        let call = Call::get(TRANSACTION, format!("/v2/transactions/{txid}"));
        match self.rest.get_json::<Found>(call).await {
            Ok(found) => Ok(Some(found.transaction)),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// One page of a transaction search.
    pub async fn search_transactions(&self, query: &TransactionQuery) -> Result<TransactionPage> {
        let mut call = Call::get(SEARCH, "/v2/transactions");
        if let Some(round) = query.min_round {
            call = call.query("min-round", round);
        }
        if let Some(round) = query.max_round {
            call = call.query("max-round", round);
        }
        if let Some(app) = query.application_id {
            call = call.query("application-id", app);
        }
        if let Some(asset) = query.asset_id {
            call = call.query("asset-id", asset);
        }
        if let Some(address) = query.address {
            call = call.query("address", address);
        }
        if let Some(kind) = query.tx_type {
            call = call.query("tx-type", kind);
        }
        if let Some(limit) = query.limit {
            call = call.query("limit", limit);
        }
        if let Some(next) = &query.next {
            call = call.query("next", next);
        }
        self.rest.get_json(call).await
    }
}
