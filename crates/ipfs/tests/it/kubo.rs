//! The Kubo client against a local server implementing the documented RPC endpoints it uses.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::json;
use tipforge_ipfs::pinning::KuboClient;
use tipforge_ipfs::{CidVersion, ErrorKind, ImportOptions, IpfsError, PinningService, cid_of};

use crate::support::{pseudo_random, serve};

type Params = Query<HashMap<String, String>>;

/// A Kubo node's RPC API in memory. `lie` makes `add` report a CID of other bytes.
#[derive(Default)]
struct FakeKubo {
    files: Mutex<HashMap<String, Bytes>>,
    pins: Mutex<Vec<String>>,
    add_queries: Mutex<Vec<HashMap<String, String>>>,
    lie: bool,
}

async fn spawn(kubo: FakeKubo) -> (Arc<FakeKubo>, KuboClient) {
    let kubo = Arc::new(kubo);
    let router = Router::new()
        .route("/api/v0/add", post(add))
        .route("/api/v0/pin/add", post(pin_add))
        .route("/api/v0/pin/rm", post(pin_rm))
        .route("/api/v0/cat", post(cat))
        .with_state(kubo.clone());
    let base = serve(router).await;
    (kubo, KuboClient::new(base).unwrap())
}

fn kubo_error(message: &str) -> Response {
    let body = json!({ "Message": message, "Code": 0, "Type": "error" });
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

/// Imports like Kubo with the options of the query string (Kubo's defaults otherwise).
async fn add(
    State(kubo): State<Arc<FakeKubo>>,
    Query(query): Params,
    mut form: Multipart,
) -> Response {
    let field = form.next_field().await.unwrap().unwrap();
    let name = field.file_name().unwrap_or_default().to_owned();
    let mut content = field.bytes().await.unwrap();

    let v1 = query.get("cid-version").map(String::as_str) == Some("1");
    let raw_leaves = query.get("raw-leaves").map_or(v1, |v| v == "true");
    let chunk = query.get("chunker").and_then(|c| c.strip_prefix("size-")).map(|n| n.parse());
    let options = ImportOptions {
        version: if v1 { CidVersion::V1 } else { CidVersion::V0 },
        raw_leaves,
        chunk_size: chunk.unwrap_or(Ok(256 * 1024)).unwrap(),
        ..ImportOptions::kubo_v0()
    };
    kubo.add_queries.lock().unwrap().push(query);
    if kubo.lie {
        content = Bytes::from([&content[..], b"!"].concat());
    }
    let cid = cid_of(&content, options).unwrap().to_string();
    let size = content.len().to_string();
    kubo.files.lock().unwrap().insert(cid.clone(), content);
    let line = json!({ "Name": name, "Hash": cid, "Size": size });
    format!("{line}\n").into_response()
}

async fn pin_add(State(kubo): State<Arc<FakeKubo>>, Query(query): Params) -> Response {
    let cid = &query["arg"];
    if !kubo.files.lock().unwrap().contains_key(cid) {
        return kubo_error("merkledag: not found");
    }
    kubo.pins.lock().unwrap().push(cid.clone());
    Json(json!({ "Pins": [cid] })).into_response()
}

async fn pin_rm(State(kubo): State<Arc<FakeKubo>>, Query(query): Params) -> Response {
    let mut pins = kubo.pins.lock().unwrap();
    let Some(at) = pins.iter().position(|p| *p == query["arg"]) else {
        return kubo_error("not pinned or pinned indirectly");
    };
    Json(json!({ "Pins": [pins.remove(at)] })).into_response()
}

async fn cat(State(kubo): State<Arc<FakeKubo>>, Query(query): Params) -> Response {
    match kubo.files.lock().unwrap().get(&query["arg"]) {
        Some(content) => content.clone().into_response(),
        None => kubo_error("block was not found locally (offline)"),
    }
}

#[tokio::test]
async fn pin_adds_with_matching_options_then_pins() {
    let (kubo, client) = spawn(FakeKubo::default()).await;
    let content = Bytes::from(pseudo_random(700_000, 21));
    for version in [CidVersion::V0, CidVersion::V1] {
        let cid = client.pin("sticker.png", content.clone(), version).await.unwrap();
        assert_eq!(cid, cid_of(&content, ImportOptions::for_version(version)).unwrap());
        assert!(kubo.pins.lock().unwrap().contains(&cid.to_string()));
        assert_eq!(client.cat(cid).await.unwrap(), content);
    }
    let queries = kubo.add_queries.lock().unwrap();
    assert_eq!(queries[0]["chunker"], "size-262144");
    assert_eq!(queries[0]["pin"], "false");
    assert_eq!(
        (queries[1]["cid-version"].as_str(), queries[1]["raw-leaves"].as_str()),
        ("1", "true")
    );
}

#[tokio::test]
async fn unpin_removes_the_pin() {
    let (kubo, client) = spawn(FakeKubo::default()).await;
    let cid = client.pin("a.json", Bytes::from_static(b"{}"), CidVersion::V1).await.unwrap();
    PinningService::unpin(&client, cid).await.unwrap();
    assert!(kubo.pins.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_different_cid_is_refused_and_never_pinned() {
    let (kubo, client) = spawn(FakeKubo { lie: true, ..FakeKubo::default() }).await;
    let error = client.pin("a.json", Bytes::from_static(b"{}"), CidVersion::V0).await.unwrap_err();
    assert!(matches!(error, IpfsError::CidMismatch { backend: "kubo", .. }), "{error}");
    assert_eq!(error.kind(), ErrorKind::Permanent);
    assert!(kubo.pins.lock().unwrap().is_empty());
}

#[tokio::test]
async fn node_errors_carry_status_and_message() {
    let (_kubo, client) = spawn(FakeKubo::default()).await;
    let unknown = cid_of(b"unknown", ImportOptions::kubo_v0()).unwrap();
    let error = client.cat(unknown).await.unwrap_err();
    let IpfsError::BackendStatus { status: 500, ref message, .. } = error else {
        panic!("unexpected {error:?}");
    };
    assert!(message.contains("not found locally"));
    assert_eq!(error.kind(), ErrorKind::Transient);
}

#[tokio::test]
async fn an_unreachable_node_is_a_transient_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = KuboClient::new(format!("http://{address}")).unwrap();
    let error = client.pin("x", Bytes::from_static(b"x"), CidVersion::V0).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
}
