//! The devnet's configuration, with a preset for tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// LocalNet's API token, which SDKs and tools default to.
pub const LOCALNET_TOKEN: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// How blocks are produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MiningMode {
    /// go-algorand's dev mode: one block per submitted group, no empty blocks.
    Dev,
    /// A block every interval holding everything pooled (empty blocks too), like a real
    /// network's rounds.
    Interval(Duration),
}

impl MiningMode {
    /// A real network's round time.
    pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(2_800);
}

/// The genesis block: network identity and funded accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenesisConfig {
    /// The genesis id (`gen`).
    pub id: String,
    /// The genesis hash; derived from the other fields when `None`.
    pub hash: Option<[u8; 32]>,
    /// The seed the funded accounts' keys are derived from.
    pub seed: String,
    /// How many funded accounts.
    pub accounts: usize,
    /// µAlgo each funded account starts with.
    pub balance: u64,
}

impl Default for GenesisConfig {
    fn default() -> Self {
        Self {
            id: "tipforge-devnet-v1".into(),
            hash: None,
            seed: "tipforge".into(),
            accounts: 5,
            balance: 1_000_000_000_000_000,
        }
    }
}

/// Fault injection for resilience tests. Shares are in per mille of REST requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultConfig {
    /// Requests answered `503 Service Unavailable`.
    pub unavailable_per_mille: u32,
    /// Requests held for [`FaultConfig::delay`] before being answered.
    pub delayed_per_mille: u32,
    /// How long a delayed request waits (set it past the client's timeout).
    pub delay: Duration,
}

/// Everything [`crate::spawn`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where algod listens (port 0: any free port).
    pub algod_addr: SocketAddr,
    /// Where the indexer listens (port 0: any free port).
    pub indexer_addr: SocketAddr,
    /// Block production.
    pub mode: MiningMode,
    /// Network identity and funded accounts.
    pub genesis: GenesisConfig,
    /// With a directory, blocks are logged there and the chain survives restarts; without,
    /// everything stays in memory.
    pub data_dir: Option<PathBuf>,
    /// The API token clients must send; `None` accepts any request.
    pub token: Option<String>,
    /// The minimum transaction fee.
    pub min_fee: u64,
    /// Fault injection.
    pub faults: FaultConfig,
    /// Transactions the pool holds at most before refusing more (go-algorand's `TxPoolSize`).
    pub pool_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            algod_addr: SocketAddr::from(([127, 0, 0, 1], 4001)),
            indexer_addr: SocketAddr::from(([127, 0, 0, 1], 8980)),
            mode: MiningMode::Dev,
            genesis: GenesisConfig::default(),
            data_dir: None,
            token: Some(LOCALNET_TOKEN.into()),
            min_fee: 1_000,
            faults: FaultConfig::default(),
            pool_size: Config::DEFAULT_POOL_SIZE,
        }
    }
}

impl Config {
    /// go-algorand's default pool size.
    pub const DEFAULT_POOL_SIZE: usize = 75_000;

    /// For tests: both APIs on free loopback ports, dev mode, in memory.
    pub fn test() -> Self {
        Self {
            algod_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            indexer_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Self::default()
        }
    }
}
