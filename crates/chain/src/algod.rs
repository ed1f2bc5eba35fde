//! The algod REST client.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tipforge_algo::{Address, AppId, AssetId, MicroAlgos, Round, SuggestedParams, TxId};

use crate::block::Block;
use crate::error::{ChainError, ErrorKind, Result};
use crate::http::{ApiToken, Call, ChainMetrics, Endpoint, RestClient, Service};
use crate::models::{
    AccountAsset, AccountInfo, ApplicationInfo, AssetInfo, NodeStatus, PendingTransaction,
};
use crate::retry::RetryPolicy;

const STATUS: Endpoint = Endpoint::algod("/v2/status");
const WAIT_FOR_BLOCK: Endpoint = Endpoint::algod("/v2/status/wait-for-block-after/{round}");
const PARAMS: Endpoint = Endpoint::algod("/v2/transactions/params");
const SUBMIT: Endpoint = Endpoint::algod("/v2/transactions");
const PENDING: Endpoint = Endpoint::algod("/v2/transactions/pending/{txid}");
const ACCOUNT: Endpoint = Endpoint::algod("/v2/accounts/{address}");
const ACCOUNT_ASSET: Endpoint = Endpoint::algod("/v2/accounts/{address}/assets/{id}");
const APPLICATION: Endpoint = Endpoint::algod("/v2/applications/{id}");
const ASSET: Endpoint = Endpoint::algod("/v2/assets/{id}");
const BLOCK: Endpoint = Endpoint::algod("/v2/blocks/{round}");
const HEALTH: Endpoint = Endpoint::algod("/health");

/// A real node waits up to a minute in `wait-for-block-after` before answering anyway.
const WAIT_FOR_BLOCK_TIMEOUT: Duration = Duration::from_secs(70);
/// Transactions are valid for at most this many rounds after their first.
const MAX_VALIDITY: u64 = 1000;

/// A client for one algod node.
#[derive(Debug, Clone)]
pub struct Algod {
    rest: RestClient,
}

impl Algod {
    /// A client for the node at `url`, sending `token` when given. Requests time out after
    /// `timeout`; GETs that fail transiently are retried under `retry`.
    pub fn new(
        url: &str,
        token: Option<ApiToken>,
        timeout: Duration,
        retry: RetryPolicy,
        metrics: Arc<ChainMetrics>,
    ) -> Result<Self> {
        Ok(Self { rest: RestClient::new(Service::Algod, url, token, timeout, retry, metrics)? })
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

    /// The error counters this client feeds.
    pub fn metrics(&self) -> &Arc<ChainMetrics> {
        self.rest.metrics()
    }

    /// Whether the node answers at all.
    pub async fn health(&self) -> Result<()> {
        self.rest.get_bytes(Call::get(HEALTH, "/health")).await.map(drop)
    }

    /// The node's newest round.
    pub async fn status(&self) -> Result<NodeStatus> {
        self.rest.get_json(Call::get(STATUS, "/v2/status")).await
    }

    /// Returns once the node has a round after `round`, or when the node gives up waiting
    /// (about a minute on a real node) with whatever it has.
    pub async fn wait_for_block_after(&self, round: Round) -> Result<NodeStatus> {
        let path = format!("/v2/status/wait-for-block-after/{round}");
        self.rest.get_json(Call::get(WAIT_FOR_BLOCK, path).timeout(WAIT_FOR_BLOCK_TIMEOUT)).await
    }

    /// Parameters for new transactions: fees, genesis, and a validity window starting now.
    pub async fn suggested_params(&self) -> Result<SuggestedParams> {
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Params {
            fee: u64,
            min_fee: u64,
            genesis_hash: String,
            genesis_id: String,
            last_round: u64,
        }
        let params: Params =
            self.rest.get_json(Call::get(PARAMS, "/v2/transactions/params")).await?;
        let genesis_hash = data_encoding::BASE64
            .decode(params.genesis_hash.as_bytes())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| ChainError::Decode {
                endpoint: PARAMS,
                reason: "genesis-hash is not 32 base64 bytes".to_owned(),
            })?;
        Ok(SuggestedParams {
            min_fee: MicroAlgos(params.min_fee),
            fee_per_byte: MicroAlgos(params.fee),
            first_valid: Round(params.last_round),
            last_valid: Round(params.last_round + MAX_VALIDITY),
            genesis_id: params.genesis_id,
            genesis_hash,
        })
    }

    /// Sends one group of signed transactions (their msgpack bytes, concatenated) and returns
    /// the id of the first. Never retried here: resending is the caller's decision.
    pub async fn submit(&self, signed_group: Vec<u8>) -> Result<TxId> {
        #[derive(Deserialize)]
        struct Sent {
            #[serde(rename = "txId")]
            tx_id: String,
        }
        let body = self
            .rest
            .post(SUBMIT, "/v2/transactions", "application/x-binary", signed_group)
            .await?;
        let sent: Sent = serde_json::from_slice(&body)
            .map_err(|err| ChainError::Decode { endpoint: SUBMIT, reason: err.to_string() })?;
        sent.tx_id.parse().map_err(|err: tipforge_algo::CodecError| ChainError::Decode {
            endpoint: SUBMIT,
            reason: err.to_string(),
        })
    }

    /// [`Self::submit`], sending the same bytes again under this client's retry policy while
    /// the node fails transiently. Identical bytes are the same transactions (same ids), so a
    /// repeat can never commit twice; but when an earlier try was taken after all, the repeat
    /// is refused as a duplicate, which the caller must read as "perhaps sent".
    pub async fn submit_retrying(&self, signed_group: Vec<u8>) -> Result<TxId> {
        self.rest.retry().run(|| self.submit(signed_group.clone())).await
    }

    /// What the node knows of a transaction it saw recently; `NotFound` once it has forgotten.
    pub async fn pending(&self, txid: &TxId) -> Result<PendingTransaction> {
        let path = format!("/v2/transactions/pending/{txid}");
        self.rest.get_json(Call::get(PENDING, path).query("format", "json")).await
    }

    /// An account's balance, minimum balance and holdings.
    pub async fn account(&self, address: &Address) -> Result<AccountInfo> {
        let path = format!("/v2/accounts/{address}");
        self.rest.get_json(Call::get(ACCOUNT, path).query("exclude", "created-apps-params")).await
    }

    /// An account's balance and minimum balance alone, without its holdings and created
    /// assets and apps, which can be many for an account that mints.
    pub async fn account_balance(&self, address: &Address) -> Result<AccountInfo> {
        let path = format!("/v2/accounts/{address}");
        self.rest.get_json(Call::get(ACCOUNT, path).query("exclude", "all")).await
    }

    /// The account's holding of `asset`; `None` when it has not opted in.
    pub async fn account_asset(
        &self,
        address: &Address,
        asset: AssetId,
    ) -> Result<Option<AccountAsset>> {
        #[derive(Deserialize)]
        struct Holding {
            #[serde(rename = "asset-holding")]
            holding: Option<AccountAsset>,
        }
        let path = format!("/v2/accounts/{address}/assets/{asset}");
        match self.rest.get_json::<Holding>(Call::get(ACCOUNT_ASSET, path)).await {
            Ok(found) => Ok(found.holding),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// An application's creator and global state.
    pub async fn application(&self, app: AppId) -> Result<ApplicationInfo> {
        self.rest.get_json(Call::get(APPLICATION, format!("/v2/applications/{app}"))).await
    }

    /// An asset's parameters.
    pub async fn asset(&self, asset: AssetId) -> Result<AssetInfo> {
        self.rest.get_json(Call::get(ASSET, format!("/v2/assets/{asset}"))).await
    }

    /// Block `round` in msgpack, so transaction ids can be recomputed from its exact bytes.
    pub async fn block(&self, round: Round) -> Result<Block> {
        let call = Call::get(BLOCK, format!("/v2/blocks/{round}")).query("format", "msgpack");
        let bytes = self.rest.get_bytes(call).await?;
        Block::from_msgpack(&bytes)
            .map_err(|err| ChainError::Decode { endpoint: BLOCK, reason: err.to_string() })
    }
}
