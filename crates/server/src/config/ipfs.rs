//! Where template images and metadata are kept and pinned.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{ConfigError, Secret};

/// The IPFS store and pinning backend. File section `[ipfs]`, env `TIPFORGE_IPFS__*`.
///
/// Content always goes to the local store, which the gateway at `/ipfs/{cid}` serves; a remote
/// backend pins a copy besides, so the content stays reachable from the public IPFS network.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IpfsConfig {
    /// The local block store's directory. Default `<data_dir>/ipfs`.
    /// Env `TIPFORGE_IPFS__STORE_DIR`.
    pub store_dir: Option<PathBuf>,
    /// Where content is pinned besides the local store: `local` (nowhere else), `kubo` or
    /// `pinata`. Default `local`. Env `TIPFORGE_IPFS__PINNING`.
    pub pinning: PinningBackend,
    /// Kubo's RPC API URL, e.g. `http://127.0.0.1:5001`; required with `pinning = "kubo"`.
    /// Env `TIPFORGE_IPFS__KUBO_URL`.
    pub kubo_url: Option<String>,
    /// Pinata's API JWT; required with `pinning = "pinata"`. Env `TIPFORGE_IPFS__PINATA_JWT`.
    pub pinata_jwt: Option<Secret>,
    /// Pinata's API URL. Default `https://api.pinata.cloud`. Env `TIPFORGE_IPFS__PINATA_URL`.
    pub pinata_url: Option<String>,
}

/// The remote pinning backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PinningBackend {
    /// The local store only.
    #[default]
    Local,
    /// A Kubo node's RPC API.
    Kubo,
    /// Pinata's pinning API.
    Pinata,
}

impl IpfsConfig {
    /// The local store's directory in effect.
    pub fn store_dir(&self, data_dir: &Path) -> PathBuf {
        self.store_dir.clone().unwrap_or_else(|| data_dir.join("ipfs"))
    }

    /// Checks that the chosen backend has what it needs.
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let missing = |setting| Err(ConfigError::Invalid { setting, reason: "must be set" });
        match self.pinning {
            PinningBackend::Kubo if self.kubo_url.is_none() => missing("ipfs.kubo_url"),
            PinningBackend::Pinata if self.pinata_jwt.is_none() => missing("ipfs.pinata_jwt"),
            _ => Ok(()),
        }
    }
}
