//! The node's suggested transaction parameters, cached for a few seconds: every unsigned
//! transaction the API hands out needs them, and they change only once per round.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use tipforge_algo::SuggestedParams;
use tipforge_chain::{Algod, ChainError};

use super::ApiError;

/// How long fetched parameters are reused. Short against the 1000-round validity window, so
/// transactions built from them stay valid for nearly all of it.
const TTL: Duration = Duration::from_secs(3);

/// Suggested parameters with a short TTL; concurrent misses share one request to the node.
#[derive(Debug, Clone)]
pub struct SuggestedParamsCache {
    node: Algod,
    cache: Cache<(), SuggestedParams>,
}

impl SuggestedParamsCache {
    /// A cache in front of `node`.
    pub fn new(node: Algod) -> Self {
        Self { node, cache: Cache::builder().max_capacity(1).time_to_live(TTL).build() }
    }

    /// The current parameters, from the cache or the node.
    pub async fn get(&self) -> Result<SuggestedParams, ApiError> {
        let node = &self.node;
        self.cache.try_get_with((), async { node.suggested_params().await }).await.map_err(
            |shared: Arc<ChainError>| match Arc::try_unwrap(shared) {
                Ok(err) => ApiError::Chain(err),
                // Another request waited on the same failed fetch; it reports the error too.
                Err(shared) => {
                    let error = shared.as_ref() as &dyn Error;
                    tracing::warn!(target: "api", error, "suggested parameters unavailable");
                    ApiError::Unhealthy { failing: vec!["algod"] }
                }
            },
        )
    }
}
