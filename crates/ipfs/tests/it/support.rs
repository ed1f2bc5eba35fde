//! Helpers shared by the integration tests.

use axum::Router;
use tempfile::TempDir;
use tipforge_ipfs::{LocalStore, StoreConfig};

/// Deterministic bytes that do not compress or repeat across chunks (xorshift64).
pub(crate) fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A fresh store in a temporary directory, removed when the returned guard drops.
pub(crate) async fn temp_store() -> (TempDir, LocalStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalStore::open(StoreConfig::test(dir.path())).await.unwrap();
    (dir, store)
}

/// Serves `router` on 127.0.0.1 at a free port; returns its base URL. The server lives as long
/// as the test's runtime.
pub(crate) async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}
