use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    RANGE,
};
use tempfile::TempDir;
use tipforge_ipfs::{Cid, ImportOptions, LocalStore, cid_of, gateway};

use crate::support::{pseudo_random, serve, temp_store};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// A store behind a gateway on a free port.
struct TestGateway {
    _dir: TempDir,
    store: LocalStore,
    base: String,
    http: reqwest::Client,
}

impl TestGateway {
    async fn spawn() -> Self {
        let (dir, store) = temp_store().await;
        let base = serve(gateway::router(store.clone())).await;
        Self { _dir: dir, store, base, http: reqwest::Client::new() }
    }

    async fn add(&self, data: &[u8], options: ImportOptions) -> Cid {
        self.store.add_bytes(Bytes::copy_from_slice(data), options).await.unwrap()
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.base))
    }
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    response.headers().get(name).unwrap().to_str().unwrap()
}

#[tokio::test]
async fn get_serves_the_file_with_immutable_headers() {
    let app = TestGateway::spawn().await;
    let cid = app.add(PNG, ImportOptions::kubo_v1()).await;

    let response = app.get(&format!("/ipfs/{cid}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_TYPE), "image/png");
    assert_eq!(header(&response, ETAG), format!("\"{cid}\""));
    assert_eq!(header(&response, CACHE_CONTROL), "public, max-age=29030400, immutable");
    assert_eq!(header(&response, ACCEPT_RANGES), "bytes");
    assert_eq!(header(&response, CONTENT_LENGTH), PNG.len().to_string());
    assert_eq!(response.bytes().await.unwrap(), PNG);
}

#[tokio::test]
async fn content_types_are_sniffed() {
    let app = TestGateway::spawn().await;
    let cases: [(&[u8], &str); 4] = [
        (b"{\"name\":\"sticker\"}", "application/json"),
        (b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "image/svg+xml"),
        (b"GIF89a\x01\0\x01\0\0\0\0;", "image/gif"),
        (b"thanks for the tip\n", "text/plain; charset=utf-8"),
    ];
    for (data, expected) in cases {
        let cid = app.add(data, ImportOptions::kubo_v0()).await;
        let response = app.get(&format!("/ipfs/{cid}")).send().await.unwrap();
        assert_eq!(header(&response, CONTENT_TYPE), expected);
    }
}

#[tokio::test]
async fn head_sends_headers_without_a_body() {
    let app = TestGateway::spawn().await;
    let cid = app.add(PNG, ImportOptions::kubo_v0()).await;

    let url = format!("{}/ipfs/{cid}", app.base);
    let response = app.http.head(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_TYPE), "image/png");
    assert_eq!(header(&response, CONTENT_LENGTH), PNG.len().to_string());
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn ranges_across_blocks_of_a_large_file() {
    let app = TestGateway::spawn().await;
    let data = pseudo_random(3 * 1024 * 1024 + 5, 7);
    let cid = app.add(&data, ImportOptions::kubo_v0()).await;
    let size = data.len();

    let cases = [
        ("bytes=0-9", 0..10),
        ("bytes=262140-262150", 262_140..262_151),
        ("bytes=1000000-", 1_000_000..size),
        ("bytes=-100", size - 100..size),
    ];
    for (range, expected) in cases {
        let response = app.get(&format!("/ipfs/{cid}")).header(RANGE, range).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        let content_range = format!("bytes {}-{}/{size}", expected.start, expected.end - 1);
        assert_eq!(header(&response, CONTENT_RANGE), content_range);
        assert_eq!(response.bytes().await.unwrap(), &data[expected], "{range}");
    }

    let whole = app.get(&format!("/ipfs/{cid}")).send().await.unwrap();
    assert_eq!(whole.bytes().await.unwrap(), data);
}

#[tokio::test]
async fn a_range_past_the_end_is_416() {
    let app = TestGateway::spawn().await;
    let cid = app.add(b"short", ImportOptions::kubo_v1()).await;
    let response = app.get(&format!("/ipfs/{cid}")).header(RANGE, "bytes=5-").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&response, CONTENT_RANGE), "bytes */5");
}

#[tokio::test]
async fn matching_etag_is_304() {
    let app = TestGateway::spawn().await;
    let cid = app.add(b"cached", ImportOptions::kubo_v1()).await;
    let request = app.get(&format!("/ipfs/{cid}")).header(IF_NONE_MATCH, format!("\"{cid}\""));
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&response, ETAG), format!("\"{cid}\""));
}

#[tokio::test]
async fn unknown_cids_are_404_and_malformed_ones_400() {
    let app = TestGateway::spawn().await;
    let unknown = cid_of(b"not stored", ImportOptions::kubo_v0()).unwrap();
    let response = app.get(&format!("/ipfs/{unknown}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    for bad in ["not-a-cid", "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5", "bafy%20x", "%C8%AF"]
    {
        let response = app.get(&format!("/ipfs/{bad}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn v0_files_are_served_under_their_v1_name() {
    let app = TestGateway::spawn().await;
    let cid = app.add(b"either name", ImportOptions::kubo_v0()).await;
    let response = app.get(&format!("/ipfs/{}", cid.to_v1())).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap(), &b"either name"[..]);
}
