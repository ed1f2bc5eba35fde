//! Where content is pinned: the local store (the default), a Kubo node, or Pinata. Every
//! backend stores the exact bytes it is given and answers with the CID computed locally, so
//! ARC-3 hashes and asset URLs do not depend on the backend.

mod kubo;
mod pinata;

use bytes::Bytes;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::cid::{Cid, CidVersion};
use crate::error::{IpfsError, Result};
use crate::importer::{ImportOptions, cid_of};
use crate::store::LocalStore;

pub use kubo::KuboClient;
pub use pinata::{PINATA_API_URL, PinataClient, PinataJwt};

/// A place that keeps content available under its CID.
pub trait PinningService: Send + Sync + std::fmt::Debug {
    /// A short name for logs and errors (`local`, `kubo`, `pinata`).
    fn name(&self) -> &'static str;

    /// Stores and pins `content` as a file called `name`, returning its CID in `version` (with
    /// raw leaves for CIDv1, as `ipfs add --cid-version=1`). Remote backends fail with
    /// [`IpfsError::CidMismatch`] when they store it under another CID.
    fn pin<'a>(
        &'a self,
        name: &'a str,
        content: Bytes,
        version: CidVersion,
    ) -> BoxFuture<'a, Result<Cid>>;

    /// Releases the pin on `cid`; the backend may then drop the content.
    fn unpin(&self, cid: Cid) -> BoxFuture<'_, Result<()>>;
}

impl PinningService for LocalStore {
    fn name(&self) -> &'static str {
        "local"
    }

    fn pin<'a>(
        &'a self,
        _name: &'a str,
        content: Bytes,
        version: CidVersion,
    ) -> BoxFuture<'a, Result<Cid>> {
        self.add_bytes(content, ImportOptions::for_version(version)).boxed()
    }

    fn unpin(&self, cid: Cid) -> BoxFuture<'_, Result<()>> {
        async move { LocalStore::unpin(self, cid).await.map(drop) }.boxed()
    }
}

/// The CID `content` must come back under, computed off the async runtime.
async fn expected_cid(content: Bytes, version: CidVersion) -> Result<Cid> {
    let options = ImportOptions::for_version(version);
    tokio::task::spawn_blocking(move || cid_of(&content, options)).await?
}

/// Checks a CID string returned by `backend` against the locally computed one.
fn verify_cid(backend: &'static str, expected: Cid, returned: &str) -> Result<Cid> {
    match returned.parse::<Cid>() {
        Ok(cid) if cid == expected => Ok(cid),
        _ => Err(IpfsError::CidMismatch { backend, expected, returned: returned.to_owned() }),
    }
}

/// Longest backend error message kept in an error.
const MAX_MESSAGE: usize = 200;

/// Passes a successful response through; turns any other into [`IpfsError::BackendStatus`]
/// with the start of its body as the message.
async fn check_status(
    backend: &'static str,
    response: reqwest::Response,
) -> Result<reqwest::Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    let mut message: String = body.chars().take(MAX_MESSAGE).collect();
    message.truncate(message.trim_end().len());
    Err(IpfsError::BackendStatus { backend, status: status.as_u16(), message })
}

fn http_error(backend: &'static str) -> impl Fn(reqwest::Error) -> IpfsError {
    move |source| IpfsError::Http { backend, source }
}

/// The HTTP client remote backends use by default: bounded connect and request times.
fn default_http_client(backend: &'static str) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .map_err(http_error(backend))
}
