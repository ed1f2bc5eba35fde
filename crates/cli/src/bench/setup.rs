//! The pipeline under test, started in this process: the embedded devnet in interval mode, the
//! TipForge server pointed at it, and creators registered through the HTTP API with a sticker
//! template each, exactly as a creator's wallet would do it.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use tempfile::TempDir;
use tipforge_algo::{Address, AppId, MicroAlgos, SecretKey};
use tipforge_chain::{Algod, ApiToken, ChainMetrics, RetryPolicy};
use tipforge_devnet::{DevnetHandle, GenesisConfig, MiningMode};
use tipforge_server::Config;
use tipforge_server::config::Secret;
use tipforge_server::listener::ListenerMetrics;
use tipforge_server::minter::MinterMetrics;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::Supply;

/// Every tip carries this much, the smallest sticker threshold the product allows.
pub(super) const TIP: MicroAlgos = MicroAlgos(100_000);

/// Every Nth tip to a creator earns a golden sticker, so a warm-up of this many tips per
/// creator brings both of an edition's assets (soulbound and golden) into existence.
pub(super) const GOLDEN_EVERY: u64 = 10;

/// The largest edition the product allows: enough units for any run.
const EDITION_SIZE: u64 = 1_000_000_000;

/// A 1×1 PNG; each creator's gets one more byte so that their images differ.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// A registered creator: who is tipped, through which TipProxy.
#[derive(Debug, Clone, Copy)]
pub(super) struct Creator {
    pub(super) address: Address,
    pub(super) app: AppId,
}

/// What `tipforge bench` sets up before measuring.
pub(super) struct Setup<'a> {
    pub(super) block_interval: Duration,
    pub(super) creators: usize,
    pub(super) fans: usize,
    pub(super) supply: Supply,
    pub(super) database: Option<&'a str>,
}

/// The running devnet and server, the creators and the fans.
pub(super) struct Pipeline {
    pub(super) devnet: DevnetHandle,
    pub(super) algod: Arc<Algod>,
    pub(super) database_url: String,
    pub(super) listener: Arc<ListenerMetrics>,
    pub(super) minter: Arc<MinterMetrics>,
    pub(super) creators: Vec<Creator>,
    pub(super) fans: Vec<SecretKey>,
    server: JoinHandle<Result<(), tipforge_server::RunError>>,
    shutdown: CancellationToken,
    _data: TempDir,
}

impl Pipeline {
    /// Starts the devnet and the server, then registers the creators through the API.
    pub(super) async fn start(setup: &Setup<'_>) -> anyhow::Result<Self> {
        let data = tempfile::Builder::new().prefix("tipforge-bench-").tempdir()?;
        let devnet = spawn_devnet(setup).await?;
        let keys: Vec<SecretKey> = devnet.accounts().into_iter().map(|a| a.key).collect();
        let config = server_config(&devnet, &keys[0], data.path(), setup.database)?;
        let database_url = config.database_url().expose().to_owned();
        let app = tipforge_server::build(config).await.context("cannot start the server")?;
        let api = Api::new(app.address());
        let (listener, minter) = (app.listener_metrics().clone(), app.minter_metrics().clone());
        let shutdown = app.shutdown_token();
        let server = tokio::spawn(app.run_until(std::future::pending()));
        let mut creators = Vec::with_capacity(setup.creators);
        for (index, key) in keys[1..=setup.creators].iter().enumerate() {
            creators.push(api.set_up_creator(key, index, setup.supply).await?);
        }
        let algod = client(&devnet)?;
        Ok(Self {
            fans: keys[1 + setup.creators..].to_vec(),
            devnet,
            algod: Arc::new(algod),
            database_url,
            listener,
            minter,
            creators,
            server,
            shutdown,
            _data: data,
        })
    }

    /// Stops the server gracefully, then the devnet it followed.
    pub(super) async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        let stopped = self.server.await.context("the server task panicked")?;
        self.devnet.shutdown().await;
        stopped.context("the server stopped with an error")
    }
}

async fn spawn_devnet(setup: &Setup<'_>) -> anyhow::Result<DevnetHandle> {
    let config = tipforge_devnet::Config {
        mode: MiningMode::Interval(setup.block_interval),
        genesis: GenesisConfig {
            seed: "tipforge-bench".into(),
            accounts: 1 + setup.creators + setup.fans,
            ..GenesisConfig::default()
        },
        ..tipforge_devnet::Config::test()
    };
    tipforge_devnet::spawn(config).await.context("cannot start the devnet")
}

/// The server's configuration as `serve` would load it (`tipforge.toml`, `TIPFORGE_*`), pointed
/// at `devnet` with its first account as the platform, on a free port, with sign-in and
/// registration limits lifted for the creators set up at once.
fn server_config(
    devnet: &DevnetHandle,
    platform: &SecretKey,
    data_dir: &Path,
    database: Option<&str>,
) -> anyhow::Result<Config> {
    let token = devnet.token().map(Secret::new);
    // The server's own settings (minter, listener) come from where `serve` reads them.
    let mut config = Config::load(None).context("cannot load the server's configuration")?;
    config.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    config.data_dir = data_dir.to_owned();
    config.database_url = database.map(Secret::new);
    // Tokens only need to outlive the run: any unguessable text serves as their key.
    let jwt_secret = SecretKey::generate().mnemonic().expose_secret().to_owned();
    config.auth.jwt_secret = Some(Secret::new(jwt_secret));
    config.chain.algod_url = Some(devnet.algod_url());
    config.chain.algod_token = token.clone();
    config.chain.indexer_url = Some(devnet.indexer_url());
    config.chain.indexer_token = token;
    config.chain.platform_mnemonic = Some(Secret::new(platform.mnemonic().expose_secret()));
    config.rate_limits.auth_requests = 10_000;
    config.rate_limits.registration_requests = 10_000;
    Ok(config)
}

/// A node client for the fans' transactions: no retries, so a refused tip counts as refused.
fn client(devnet: &DevnetHandle) -> anyhow::Result<Algod> {
    let token = devnet.token().map(ApiToken::new);
    let metrics = Arc::new(ChainMetrics::default());
    let timeout = Duration::from_secs(30);
    Ok(Algod::new(&devnet.algod_url(), token, timeout, RetryPolicy::NONE, metrics)?)
}

/// The server's HTTP API, as a creator's wallet uses it.
struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    fn new(address: SocketAddr) -> Self {
        Self { base: format!("http://{address}"), client: reqwest::Client::new() }
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> anyhow::Result<Value> {
        let mut request = self.client.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        read(request.send().await?, path).await
    }

    async fn sign_in(&self, key: &SecretKey) -> anyhow::Result<String> {
        let wallet = key.address().to_string();
        let body = self.post("/auth/challenge", None, &json!({ "wallet": wallet })).await?;
        let nonce = text(&body, "nonce")?;
        let signature = STANDARD.encode(key.sign_bytes(nonce.as_bytes()).0);
        let body = json!({ "wallet": wallet, "nonce": nonce, "signature": signature });
        let body = self.post("/auth/verify", None, &body).await?;
        text(&body, "accessToken")
    }

    /// Signs `key` in, registers it (deploying its TipProxy) and uploads a sticker every tip
    /// qualifies for.
    async fn set_up_creator(
        &self,
        key: &SecretKey,
        index: usize,
        supply: Supply,
    ) -> anyhow::Result<Creator> {
        let token = self.sign_in(key).await?;
        let body = json!({ "minTip": TIP.0, "username": format!("bench{index}") });
        let body = self.post("/creators/register", Some(&token), &body).await?;
        let app = body["data"]["contract"]["appId"]
            .as_u64()
            .with_context(|| format!("registration answered without an app id: {body}"))?;
        let mut image = PNG.to_vec();
        image.extend_from_slice(&(index as u64).to_be_bytes());
        let mut form = Form::new()
            .text("kind", "sticker")
            .text("name", format!("Bench sticker {index}"))
            .text("threshold", TIP.0.to_string())
            .text("guaranteedGoldenEvery", GOLDEN_EVERY.to_string())
            .part("image", Part::bytes(image).file_name("sticker.png"));
        if supply == Supply::Edition {
            form = form.text("supply", "edition").text("editionSize", EDITION_SIZE.to_string());
        }
        let path = "/creators/me/templates";
        let request = self.client.post(format!("{}{path}", self.base)).bearer_auth(&token);
        read(request.multipart(form).send().await?, path).await?;
        Ok(Creator { address: key.address(), app: AppId(app) })
    }
}

async fn read(response: reqwest::Response, path: &str) -> anyhow::Result<Value> {
    let status = response.status();
    let body: Value = response.json().await.with_context(|| format!("POST {path}: no JSON"))?;
    if !status.is_success() {
        bail!("POST {path}: {status} {body}");
    }
    Ok(body)
}

fn text(body: &Value, field: &str) -> anyhow::Result<String> {
    body["data"][field]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("the answer has no {field}: {body}"))
}
