//! `tipforge devnet`: the embedded Algorand dev network, standing in for AlgoKit's LocalNet.
//!
//! It prints one `key: value` line per fact on stdout (URLs, token, genesis, then each funded
//! account with its mnemonic), so that scripts and tests can parse them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use data_encoding::BASE64;
use tipforge_devnet::{
    Config, DevnetHandle, FaultConfig, GenesisConfig, LOCALNET_TOKEN, MiningMode,
};

/// How blocks are produced.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Mode {
    /// One block per submitted group, none when idle (go-algorand's dev mode).
    Dev,
    /// A block every `--block-interval-ms`, holding everything pooled.
    Interval,
}

/// Options of `tipforge devnet`.
#[derive(Debug, clap::Args)]
pub(crate) struct DevnetArgs {
    /// Address both APIs listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// algod port (0: any free port).
    #[arg(long, default_value_t = 4001)]
    algod_port: u16,
    /// indexer port (0: any free port).
    #[arg(long, default_value_t = 8980)]
    indexer_port: u16,
    /// Block production mode.
    #[arg(long, value_enum, default_value_t = Mode::Dev)]
    mode: Mode,
    /// Milliseconds between blocks in interval mode.
    #[arg(long, default_value_t = 2_800)]
    block_interval_ms: u64,
    /// Keep the chain in this directory across restarts (default: memory only).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Seed the funded accounts' keys derive from.
    #[arg(long, default_value = "tipforge")]
    seed: String,
    /// Number of funded accounts.
    #[arg(long, default_value_t = 5)]
    accounts: usize,
    /// Genesis id.
    #[arg(long, default_value = "tipforge-devnet-v1")]
    genesis_id: String,
    /// Genesis hash, base64 (default: derived from the other genesis options).
    #[arg(long)]
    genesis_hash: Option<String>,
    /// API token (default: LocalNet's `aaaa…`).
    #[arg(long, default_value = LOCALNET_TOKEN)]
    token: String,
    /// Answer this many requests in a thousand with `503 Service Unavailable`, to rehearse a
    /// flaky node.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1000))]
    fail_per_mille: u32,
}

impl DevnetArgs {
    fn config(&self) -> anyhow::Result<Config> {
        let hash = match &self.genesis_hash {
            Some(text) => {
                let bytes =
                    BASE64.decode(text.as_bytes()).context("--genesis-hash is not base64")?;
                let hash: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| anyhow::anyhow!("--genesis-hash is not 32 bytes"))?;
                Some(hash)
            }
            None => None,
        };
        let mode = match self.mode {
            Mode::Dev => MiningMode::Dev,
            Mode::Interval => MiningMode::Interval(Duration::from_millis(self.block_interval_ms)),
        };
        Ok(Config {
            algod_addr: SocketAddr::new(self.host, self.algod_port),
            indexer_addr: SocketAddr::new(self.host, self.indexer_port),
            mode,
            genesis: GenesisConfig {
                id: self.genesis_id.clone(),
                hash,
                seed: self.seed.clone(),
                accounts: self.accounts,
                ..GenesisConfig::default()
            },
            data_dir: self.data_dir.clone(),
            token: Some(self.token.clone()),
            faults: FaultConfig {
                unavailable_per_mille: self.fail_per_mille,
                ..FaultConfig::default()
            },
            ..Config::default()
        })
    }
}

/// Runs the devnet until Ctrl-C (or until one of its tasks stops).
pub(crate) fn run(args: DevnetArgs) -> anyhow::Result<()> {
    let config = args.config()?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let mut devnet = tipforge_devnet::spawn(config).await.context("devnet failed to start")?;
        print_banner(&devnet);
        tokio::select! {
            signal = tokio::signal::ctrl_c() => signal.context("cannot listen for Ctrl-C")?,
            task = devnet.wait() => tracing::error!(target: "devnet", task, "task stopped; shutting down"),
        }
        devnet.shutdown().await;
        Ok(())
    })
}

#[allow(clippy::print_stdout)]
fn print_banner(devnet: &DevnetHandle) {
    let genesis = devnet.node().chain().genesis().clone();
    println!("algod: {}", devnet.algod_url());
    println!("indexer: {}", devnet.indexer_url());
    println!("token: {}", devnet.token().unwrap_or_default());
    println!("genesis-id: {}", genesis.id);
    println!("genesis-hash: {}", BASE64.encode(&genesis.hash));
    for account in &genesis.accounts {
        let words = account.key.mnemonic();
        println!("account: {} {} {}", account.address, account.balance, words.expose_secret());
    }
    println!("ready");
}
