//! The Algorand network the server works against: the algod and indexer clients, the embedded
//! devnet when none is configured, and the platform account.

mod platform;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tipforge_algo::SecretKey;
use tipforge_chain::{Algod, ApiToken, ChainError, ChainMetrics, Indexer, RetryPolicy};
use tipforge_devnet::{DevnetError, DevnetHandle};

use crate::config::{ChainConfig, Secret};

pub use platform::PlatformError;

/// How long one chain request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a health probe of algod may take; it is never retried.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

/// The key the store files a network's progress under: the standard base64 of its genesis
/// hash, as the node reports it.
pub async fn network_key(algod: &Algod) -> Result<String, ChainError> {
    let params = algod.suggested_params().await?;
    Ok(data_encoding::BASE64.encode(&params.genesis_hash))
}

/// Why the network could not be reached or set up.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// The embedded devnet could not start.
    #[error("cannot start the embedded devnet")]
    Devnet(#[from] DevnetError),
    /// A client could not be created (a malformed URL) or a setup request failed.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The platform account could not be loaded, created or funded.
    #[error(transparent)]
    Platform(#[from] PlatformError),
}

/// The chain clients, the devnet behind them (if embedded) and the platform account.
#[derive(Debug)]
pub struct Network {
    /// The node client.
    pub algod: Algod,
    /// The same node without retries and with a short timeout, for health checks.
    pub algod_probe: Algod,
    /// algod's URL.
    pub algod_url: String,
    /// The indexer's URL, when one is configured.
    pub indexer_url: Option<String>,
    /// The indexer client, when one is configured (always with the embedded devnet).
    pub indexer: Option<Indexer>,
    /// Query error counters shared by both clients.
    pub metrics: Arc<ChainMetrics>,
    /// The embedded devnet, stopped with the server.
    pub devnet: Option<DevnetHandle>,
    /// The account that deploys contracts and mints rewards.
    pub platform: SecretKey,
}

impl Network {
    /// Connects to the configured network, or starts the embedded devnet (persisted under
    /// `<data_dir>/devnet`) when no algod URL is set, then loads or creates the platform account.
    pub async fn connect(config: &ChainConfig, data_dir: &Path) -> Result<Self, NetworkError> {
        let metrics = Arc::new(ChainMetrics::default());
        let (devnet, urls) = match &config.algod_url {
            Some(algod_url) => (None, Urls::configured(config, algod_url)),
            None => {
                let devnet = start_devnet(config, data_dir).await?;
                let urls = Urls::devnet(&devnet);
                (Some(devnet), urls)
            }
        };
        let retry = RetryPolicy::default();
        let token = urls.algod_token;
        let algod =
            Algod::new(&urls.algod, token.clone(), REQUEST_TIMEOUT, retry, metrics.clone())?;
        let algod_probe =
            Algod::new(&urls.algod, token, HEALTH_TIMEOUT, RetryPolicy::NONE, metrics.clone())?;
        let indexer = match &urls.indexer {
            Some(url) => {
                let token = urls.indexer_token;
                Some(Indexer::new(url, token, REQUEST_TIMEOUT, retry, metrics.clone())?)
            }
            None => None,
        };
        let mnemonic = config.platform_mnemonic.as_ref();
        let platform =
            match platform::load_or_create(mnemonic, data_dir, &algod, devnet.as_ref()).await {
                Ok(key) => key,
                Err(err) => {
                    // A devnet left running would hold its ports and data directory.
                    if let Some(devnet) = devnet {
                        devnet.shutdown().await;
                    }
                    return Err(err.into());
                }
            };
        Ok(Self {
            algod,
            algod_probe,
            algod_url: urls.algod,
            indexer_url: urls.indexer,
            indexer,
            metrics,
            devnet,
            platform,
        })
    }
}

struct Urls {
    algod: String,
    algod_token: Option<ApiToken>,
    indexer: Option<String>,
    indexer_token: Option<ApiToken>,
}

impl Urls {
    fn configured(config: &ChainConfig, algod_url: &str) -> Self {
        let token = |secret: &Option<Secret>| secret.as_ref().map(|s| ApiToken::new(s.expose()));
        Self {
            algod: algod_url.to_owned(),
            algod_token: token(&config.algod_token),
            indexer: config.indexer_url.clone(),
            indexer_token: token(&config.indexer_token),
        }
    }

    fn devnet(devnet: &DevnetHandle) -> Self {
        let token = || devnet.token().map(ApiToken::new);
        Self {
            algod: devnet.algod_url(),
            algod_token: token(),
            indexer: Some(devnet.indexer_url()),
            indexer_token: token(),
        }
    }
}

async fn start_devnet(config: &ChainConfig, data_dir: &Path) -> Result<DevnetHandle, DevnetError> {
    let devnet_config = tipforge_devnet::Config {
        algod_addr: config.devnet_algod_bind,
        indexer_addr: config.devnet_indexer_bind,
        data_dir: Some(data_dir.join("devnet")),
        ..tipforge_devnet::Config::default()
    };
    let devnet = tipforge_devnet::spawn(devnet_config).await?;
    tracing::info!(
        target: "server",
        algod = %devnet.algod_url(),
        indexer = %devnet.indexer_url(),
        "embedded devnet started"
    );
    Ok(devnet)
}
