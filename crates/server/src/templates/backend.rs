//! Opening the local IPFS store and the configured remote pinning backend.

use std::path::Path;
use std::sync::Arc;

use tipforge_ipfs::pinning::{KuboClient, PINATA_API_URL, PinataClient, PinataJwt};
use tipforge_ipfs::{LocalStore, PinningService, StoreConfig};

use crate::config::{IpfsConfig, PinningBackend};

/// Opens the local store under the configured directory (default `<data_dir>/ipfs`) and the
/// remote backend, if any.
pub async fn open(
    config: &IpfsConfig,
    data_dir: &Path,
) -> tipforge_ipfs::Result<(LocalStore, Option<Arc<dyn PinningService>>)> {
    let store = LocalStore::open(StoreConfig::new(config.store_dir(data_dir))).await?;
    let remote: Option<Arc<dyn PinningService>> = match config.pinning {
        PinningBackend::Local => None,
        PinningBackend::Kubo => {
            let url = config.kubo_url.as_deref().unwrap_or_default();
            Some(Arc::new(KuboClient::new(url)?))
        }
        PinningBackend::Pinata => {
            let url = config.pinata_url.as_deref().unwrap_or(PINATA_API_URL);
            let jwt = config.pinata_jwt.as_ref().map(|jwt| jwt.expose()).unwrap_or_default();
            Some(Arc::new(PinataClient::with_api_url(url, PinataJwt::new(jwt))?))
        }
    };
    tracing::info!(target: "templates", backend = ?config.pinning, "IPFS store open");
    Ok((store, remote))
}
