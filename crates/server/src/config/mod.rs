//! The server's typed configuration.
//!
//! One precedence: built-in defaults, then `tipforge.toml` (if present), then `TIPFORGE_*`
//! environment variables, where `__` separates nested keys: `TIPFORGE_AUTH__JWT_SECRET` sets
//! `[auth] jwt_secret`. Unknown keys are errors, in the file and in the environment alike, so
//! a misspelt setting cannot be silently ignored.

mod ipfs;
mod listener;
mod secret;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use ipnet::IpNet;
use serde::Deserialize;
use tipforge_algo::Address;

pub use ipfs::{IpfsConfig, PinningBackend};
pub use listener::ListenerSettings;
pub use secret::Secret;

/// The file read when no other is named.
pub const CONFIG_FILE: &str = "tipforge.toml";

/// The prefix of the environment variables that override the file.
pub const ENV_PREFIX: &str = "TIPFORGE_";

/// A JWT secret shorter than this is refused in production.
const MIN_JWT_SECRET_BYTES: usize = 32;

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file or an environment variable is malformed or names an unknown setting.
    #[error("cannot read the configuration")]
    Load(#[from] Box<figment::Error>),
    /// Production mode was asked for together with settings meant only for development.
    #[error("production mode refuses dev-only settings: {}", .0.join("; "))]
    DevOnlyInProduction(Vec<String>),
    /// A setting has a value that cannot work.
    #[error("setting {setting} is invalid: {reason}")]
    Invalid {
        /// The setting, as written in the file.
        setting: &'static str,
        /// Why.
        reason: &'static str,
    },
}

/// Whether the server may use conveniences that are unsafe with real money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Embedded devnet, generated secrets and demo accounts are allowed.
    #[default]
    Dev,
    /// Refuses to start with any dev-only setting.
    Production,
}

/// Everything the server needs to start.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `dev` or `production`; production refuses dev-only settings (see [`Config::validate`]).
    /// Default `dev`. Env `TIPFORGE_MODE`.
    pub mode: Mode,
    /// Where the HTTP API listens; port 0 picks a free port. Default `127.0.0.1:8080`.
    /// Env `TIPFORGE_BIND`.
    pub bind: SocketAddr,
    /// Where local state lives: the SQLite database, devnet ledger and IPFS blocks.
    /// Default `./data`. Env `TIPFORGE_DATA_DIR`.
    pub data_dir: PathBuf,
    /// `sqlite://path?mode=rwc` or `postgres://user:password@host/db`. Default: the SQLite file
    /// `tipforge.db` in `data_dir`. Env `TIPFORGE_DATABASE_URL`.
    pub database_url: Option<Secret>,
    /// Sign-in and tokens. File section `[auth]`, env `TIPFORGE_AUTH__*`.
    pub auth: AuthConfig,
    /// HTTP concerns. File section `[http]`, env `TIPFORGE_HTTP__*`.
    pub http: HttpConfig,
    /// Per-client-IP request limits. File section `[rate_limits]`, env
    /// `TIPFORGE_RATE_LIMITS__*`.
    pub rate_limits: RateLimitConfig,
    /// The Algorand network and the platform account. File section `[chain]`, env
    /// `TIPFORGE_CHAIN__*`.
    pub chain: ChainConfig,
    /// The IPFS store and pinning backend. File section `[ipfs]`, env `TIPFORGE_IPFS__*`.
    pub ipfs: IpfsConfig,
    /// Minting and delivery of rewards. File section `[minter]`, env `TIPFORGE_MINTER__*`.
    pub minter: MinterSettings,
    /// The chain listener's pace and ingest lease. File section `[listener]`, env
    /// `TIPFORGE_LISTENER__*`.
    pub listener: ListenerSettings,
}

/// How the minter works through reward jobs.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MinterSettings {
    /// Jobs a worker claims and signs together. Default 256. Env
    /// `TIPFORGE_MINTER__BATCH_SIZE`.
    pub batch_size: u32,
    /// Node requests (sends, look-ups) in flight at once per worker. Default 32.
    pub concurrency: usize,
    /// Workers claiming batches side by side (per instance). Default 4.
    pub workers: usize,
    /// Batches one worker may have awaiting confirmation while it sends the next. Default 4.
    pub batches_in_flight: usize,
    /// How often an idle worker looks for due jobs, in milliseconds. Default 500.
    pub poll_interval_ms: u64,
    /// How long a claimed job is held before another worker may take it over, in seconds.
    /// Default 60.
    pub claim_timeout_secs: u64,
    /// Rounds a reward transaction stays valid; a lost one is signed again after them.
    /// Default 100.
    pub validity_rounds: u64,
}

impl Default for MinterSettings {
    fn default() -> Self {
        let defaults = crate::minter::MinterConfig::default();
        Self {
            batch_size: defaults.batch_size,
            concurrency: defaults.concurrency,
            workers: defaults.workers,
            batches_in_flight: defaults.batches_in_flight,
            poll_interval_ms: u64::try_from(defaults.poll_interval.as_millis()).unwrap_or(500),
            claim_timeout_secs: defaults.claim_timeout.as_secs(),
            validity_rounds: defaults.validity_rounds,
        }
    }
}

impl MinterSettings {
    /// The minter's configuration.
    pub fn minter_config(&self) -> crate::minter::MinterConfig {
        crate::minter::MinterConfig {
            batch_size: self.batch_size,
            concurrency: self.concurrency,
            workers: self.workers,
            batches_in_flight: self.batches_in_flight,
            poll_interval: Duration::from_millis(self.poll_interval_ms),
            claim_timeout: Duration::from_secs(self.claim_timeout_secs),
            validity_rounds: self.validity_rounds,
            ..crate::minter::MinterConfig::default()
        }
    }
}

/// Sign-in and token settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// The HS256 key for access tokens, at least 32 bytes in production. In dev mode a missing
    /// secret is generated at startup, so tokens do not survive a restart.
    /// Env `TIPFORGE_AUTH__JWT_SECRET`.
    pub jwt_secret: Option<Secret>,
    /// The tokens' `iss` claim, checked on every request. Default `tipforge`.
    pub jwt_issuer: String,
    /// How long an access token is valid, in seconds. Default 900 (15 minutes).
    pub token_ttl_secs: u64,
    /// How long a sign-in challenge may be answered, in seconds. Default 300 (5 minutes).
    pub challenge_ttl_secs: u64,
    /// Wallets allowed to use the operator's endpoints (dead jobs, pausing any creator), besides
    /// the platform account itself. Default none. Env
    /// `TIPFORGE_AUTH__ADMIN_WALLETS='["ADDRESS…"]'`.
    pub admin_wallets: Vec<String>,
}

/// HTTP settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Origins allowed to call the API from a browser; `*` allows any (dev only). Default
    /// none: same-origin only. Env `TIPFORGE_HTTP__CORS_ORIGINS='["https://a.example"]'`.
    pub cors_origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed, as addresses or CIDR blocks.
    /// Default none: the client IP is the TCP peer. Env `TIPFORGE_HTTP__TRUSTED_PROXIES`.
    pub trusted_proxies: Vec<IpNet>,
    /// How long a graceful shutdown may take before it is cut short, in seconds. Default 10.
    pub shutdown_grace_secs: u64,
}

/// Request limits per client IP: at most `*_requests` per `*_per_secs` seconds, refilled evenly,
/// with bursts up to `*_requests`. Flat keys, so that one can be overridden alone.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sign-in (`/auth/challenge`, `/auth/verify`) requests per window. Default 20.
    /// Env `TIPFORGE_RATE_LIMITS__AUTH_REQUESTS`.
    pub auth_requests: u32,
    /// The sign-in window, in seconds. Default 60.
    pub auth_per_secs: u64,
    /// Creator registrations, which spend platform funds, per window. Default 5.
    pub registration_requests: u32,
    /// The registration window, in seconds. Default 3600.
    pub registration_per_secs: u64,
    /// Signed transactions relayed to the node (`POST /transactions`, `/transactions/group`)
    /// per window. Default 60.
    pub transactions_requests: u32,
    /// The relay window, in seconds. Default 60.
    pub transactions_per_secs: u64,
}

/// One limit: `requests` per `per_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window, in seconds.
    pub per_secs: u64,
}

/// Algorand network settings. Only typed here; the chain client and listener read them.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChainConfig {
    /// algod's REST URL. Unset: start the embedded devnet (dev only).
    /// Env `TIPFORGE_CHAIN__ALGOD_URL`.
    pub algod_url: Option<String>,
    /// algod's API token, sent as `X-Algo-API-Token`.
    pub algod_token: Option<Secret>,
    /// The indexer's REST URL, used to catch up on rounds algod no longer holds.
    pub indexer_url: Option<String>,
    /// The indexer's API token.
    pub indexer_token: Option<Secret>,
    /// The platform account's 25-word mnemonic. Unset: an account is generated and kept in
    /// `data_dir` (dev only).
    pub platform_mnemonic: Option<Secret>,
    /// Create and fund demo fan accounts whose keys the server holds (dev only).
    pub demo_accounts: bool,
    /// Where the embedded devnet's algod listens when it runs (no `algod_url`); port 0 picks
    /// a free one. Default `127.0.0.1:4001`, LocalNet's.
    pub devnet_algod_bind: SocketAddr,
    /// Where the embedded devnet's indexer listens. Default `127.0.0.1:8980`, LocalNet's.
    pub devnet_indexer_bind: SocketAddr,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Dev,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            auth: AuthConfig::default(),
            http: HttpConfig::default(),
            rate_limits: RateLimitConfig::default(),
            chain: ChainConfig::default(),
            ipfs: IpfsConfig::default(),
            minter: MinterSettings::default(),
            listener: ListenerSettings::default(),
        }
    }
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            algod_url: None,
            algod_token: None,
            indexer_url: None,
            indexer_token: None,
            platform_mnemonic: None,
            demo_accounts: false,
            devnet_algod_bind: SocketAddr::from(([127, 0, 0, 1], 4001)),
            devnet_indexer_bind: SocketAddr::from(([127, 0, 0, 1], 8980)),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwt_issuer: "tipforge".to_owned(),
            token_ttl_secs: 15 * 60,
            challenge_ttl_secs: 5 * 60,
            admin_wallets: Vec::new(),
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self { cors_origins: Vec::new(), trusted_proxies: Vec::new(), shutdown_grace_secs: 10 }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            auth_requests: 20,
            auth_per_secs: 60,
            registration_requests: 5,
            registration_per_secs: 60 * 60,
            transactions_requests: 60,
            transactions_per_secs: 60,
        }
    }
}

impl Config {
    /// Reads defaults, then `file` (or [`CONFIG_FILE`] in the working directory) if it exists,
    /// then the environment, and validates the result.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let file = file.unwrap_or(Path::new(CONFIG_FILE));
        Self::from_figment(
            Figment::new().merge(Toml::file(file)).merge(Env::prefixed(ENV_PREFIX).split("__")),
        )
    }

    /// Extracts and validates a configuration from any figment, for callers that layer their
    /// own sources (command-line flags, tests).
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let config: Self = figment.extract().map_err(Box::new)?;
        config.validate()?;
        Ok(config)
    }

    /// A quiet preset for tests: free ports on loopback (the API's and the embedded devnet's),
    /// a fixed JWT secret, generous rate limits. Point `data_dir` at a temporary directory
    /// before use.
    pub fn test() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: std::env::temp_dir().join("tipforge-test"),
            auth: AuthConfig {
                jwt_secret: Some(Secret::new("test-secret-that-is-long-enough-for-hs256")),
                ..AuthConfig::default()
            },
            http: HttpConfig { shutdown_grace_secs: 5, ..HttpConfig::default() },
            rate_limits: RateLimitConfig {
                auth_requests: 10_000,
                registration_requests: 10_000,
                transactions_requests: 10_000,
                ..RateLimitConfig::default()
            },
            chain: ChainConfig {
                devnet_algod_bind: SocketAddr::from(([127, 0, 0, 1], 0)),
                devnet_indexer_bind: SocketAddr::from(([127, 0, 0, 1], 0)),
                ..ChainConfig::default()
            },
            ..Self::default()
        }
    }

    /// The database URL in effect: the configured one, or SQLite under `data_dir`.
    pub fn database_url(&self) -> Secret {
        match &self.database_url {
            Some(url) => url.clone(),
            None => {
                let path = self.data_dir.join("tipforge.db");
                Secret::new(format!("sqlite://{}?mode=rwc", path.display()))
            }
        }
    }

    /// Checks settings that cannot work in any mode, then, in production, refuses every
    /// dev-only setting at once so the operator sees the whole list.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_values()?;
        let refused = self.dev_only_settings();
        if self.mode == Mode::Production && !refused.is_empty() {
            return Err(ConfigError::DevOnlyInProduction(refused));
        }
        Ok(())
    }

    fn validate_values(&self) -> Result<(), ConfigError> {
        let invalid = |setting, reason| Err(ConfigError::Invalid { setting, reason });
        if self.auth.token_ttl_secs == 0 {
            return invalid("auth.token_ttl_secs", "must be positive");
        }
        if self.auth.challenge_ttl_secs == 0 {
            return invalid("auth.challenge_ttl_secs", "must be positive");
        }
        for (setting, limit) in [
            ("rate_limits.auth_*", self.rate_limits.auth()),
            ("rate_limits.registration_*", self.rate_limits.registration()),
            ("rate_limits.transactions_*", self.rate_limits.transactions()),
        ] {
            if limit.requests == 0 || limit.per_secs == 0 {
                return invalid(setting, "requests and per_secs must be positive");
            }
        }
        let minter = &self.minter;
        if minter.batch_size == 0
            || minter.concurrency == 0
            || minter.workers == 0
            || minter.batches_in_flight == 0
        {
            return invalid(
                "minter.*",
                "batch_size, concurrency, workers and batches_in_flight must be positive",
            );
        }
        if minter.validity_rounds == 0 || minter.validity_rounds > 1000 {
            return invalid("minter.validity_rounds", "must be 1 to 1000");
        }
        if self.auth.admin_wallets.iter().any(|wallet| wallet.parse::<Address>().is_err()) {
            return invalid("auth.admin_wallets", "each must be an Algorand address");
        }
        let is_origin = |origin: &str| {
            origin == "*" || origin.starts_with("http://") || origin.starts_with("https://")
        };
        if !self.http.cors_origins.iter().all(|origin| is_origin(origin)) {
            return invalid("http.cors_origins", "each must be \"*\" or an http(s) origin");
        }
        self.listener.validate()?;
        self.ipfs.validate()
    }

    /// Settings that are fine for development and wrong with real money.
    fn dev_only_settings(&self) -> Vec<String> {
        let mut refused = Vec::new();
        if self.chain.algod_url.is_none() {
            refused.push("the embedded devnet (set chain.algod_url)".to_owned());
        }
        if self.chain.platform_mnemonic.is_none() {
            refused.push("a generated platform account (set chain.platform_mnemonic)".to_owned());
        }
        if self.chain.demo_accounts {
            refused.push("demo accounts (chain.demo_accounts)".to_owned());
        }
        match &self.auth.jwt_secret {
            None => refused.push("a generated JWT secret (set auth.jwt_secret)".to_owned()),
            Some(secret) if secret.expose().len() < MIN_JWT_SECRET_BYTES => {
                refused.push(format!("a JWT secret under {MIN_JWT_SECRET_BYTES} bytes"));
            }
            Some(_) => {}
        }
        if self.http.cors_origins.iter().any(|origin| origin == "*") {
            refused.push("wildcard CORS (http.cors_origins contains \"*\")".to_owned());
        }
        refused
    }
}

impl AuthConfig {
    /// [`AuthConfig::token_ttl_secs`] as a duration.
    pub fn token_ttl(&self) -> Duration {
        Duration::from_secs(self.token_ttl_secs)
    }

    /// [`AuthConfig::challenge_ttl_secs`] as a duration.
    pub fn challenge_ttl(&self) -> Duration {
        Duration::from_secs(self.challenge_ttl_secs)
    }
}

impl RateLimitConfig {
    /// The sign-in limit.
    pub fn auth(&self) -> RateLimit {
        RateLimit { requests: self.auth_requests, per_secs: self.auth_per_secs }
    }

    /// The registration limit.
    pub fn registration(&self) -> RateLimit {
        RateLimit { requests: self.registration_requests, per_secs: self.registration_per_secs }
    }

    /// The transaction relay limit.
    pub fn transactions(&self) -> RateLimit {
        RateLimit { requests: self.transactions_requests, per_secs: self.transactions_per_secs }
    }
}

impl RateLimit {
    /// The window as a duration.
    pub fn period(&self) -> Duration {
        Duration::from_secs(self.per_secs)
    }
}

#[cfg(test)]
mod tests;
