//! The Pinata client against a local server implementing `pinFileToIPFS` and `unpin`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{Value, json};
use tipforge_ipfs::pinning::{PinataClient, PinataJwt};
use tipforge_ipfs::{CidVersion, ErrorKind, ImportOptions, IpfsError, PinningService, cid_of};

use crate::support::serve;

const JWT: &str = "test-jwt";

/// Pinata's pinning API in memory: pins by CID with the metadata each upload carried.
#[derive(Default)]
struct FakePinata {
    pins: Mutex<HashMap<String, (Bytes, Value)>>,
}

async fn spawn(jwt: &str) -> (Arc<FakePinata>, PinataClient) {
    let pinata = Arc::new(FakePinata::default());
    let router = Router::new()
        .route("/pinning/pinFileToIPFS", post(pin_file))
        .route("/pinning/unpin/{cid}", delete(unpin))
        .with_state(pinata.clone());
    let base = serve(router).await;
    (pinata, PinataClient::with_api_url(base, PinataJwt::new(jwt)).unwrap())
}

fn authorised(headers: &HeaderMap) -> bool {
    headers.get(header::AUTHORIZATION).is_some_and(|v| v == format!("Bearer {JWT}").as_str())
}

fn unauthorised() -> Response {
    let body = json!({ "error": { "reason": "INVALID_CREDENTIALS", "details": "Invalid JWT" } });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

async fn pin_file(
    State(pinata): State<Arc<FakePinata>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let (mut content, mut metadata, mut options) = (Bytes::new(), Value::Null, Value::Null);
    while let Some(field) = form.next_field().await.unwrap() {
        match field.name().unwrap() {
            "file" => content = field.bytes().await.unwrap(),
            "pinataMetadata" => {
                metadata = serde_json::from_str(&field.text().await.unwrap()).unwrap()
            }
            "pinataOptions" => {
                options = serde_json::from_str(&field.text().await.unwrap()).unwrap()
            }
            other => panic!("unexpected part {other}"),
        }
    }
    let version = if options["cidVersion"] == 1 { CidVersion::V1 } else { CidVersion::V0 };
    let cid = cid_of(&content, ImportOptions::for_version(version)).unwrap().to_string();
    let size = content.len();
    pinata.pins.lock().unwrap().insert(cid.clone(), (content, metadata));
    Json(json!({ "IpfsHash": cid, "PinSize": size, "Timestamp": "2026-12-03T12:00:00.000Z" }))
        .into_response()
}

async fn unpin(
    State(pinata): State<Arc<FakePinata>>,
    headers: HeaderMap,
    Path(cid): Path<String>,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    match pinata.pins.lock().unwrap().remove(&cid) {
        Some(_) => "OK".into_response(),
        None => (StatusCode::NOT_FOUND, "Current user has not pinned the cid").into_response(),
    }
}

#[tokio::test]
async fn pins_the_exact_bytes_under_the_local_cid() {
    let (pinata, client) = spawn(JWT).await;
    let metadata = Bytes::from_static(b"{\"name\":\"Sticker\",\"z\":1,\"a\":2}");
    for version in [CidVersion::V0, CidVersion::V1] {
        let cid = client.pin("metadata.json", metadata.clone(), version).await.unwrap();
        assert_eq!(cid, cid_of(&metadata, ImportOptions::for_version(version)).unwrap());
        let pins = pinata.pins.lock().unwrap();
        let (stored, pin_metadata) = &pins[&cid.to_string()];
        assert_eq!(stored, &metadata);
        assert_eq!(pin_metadata["name"], "metadata.json");
    }
}

#[tokio::test]
async fn unpin_releases_the_pin() {
    let (pinata, client) = spawn(JWT).await;
    let cid = client.pin("a", Bytes::from_static(b"a"), CidVersion::V1).await.unwrap();
    PinningService::unpin(&client, cid).await.unwrap();
    assert!(pinata.pins.lock().unwrap().is_empty());

    let error = PinningService::unpin(&client, cid).await.unwrap_err();
    assert!(matches!(error, IpfsError::BackendStatus { status: 404, .. }));
}

#[tokio::test]
async fn a_bad_jwt_is_a_permanent_error() {
    let (_pinata, client) = spawn("wrong").await;
    let error = client.pin("a", Bytes::from_static(b"a"), CidVersion::V0).await.unwrap_err();
    assert!(matches!(error, IpfsError::BackendStatus { status: 401, .. }), "{error}");
    assert_eq!(error.kind(), ErrorKind::Permanent);
}

#[test]
fn the_jwt_never_shows_in_debug_output() {
    let jwt = PinataJwt::new("eyJhbGciOiJIUzI1NiJ9.secret");
    let client = PinataClient::new(jwt.clone()).unwrap();
    assert!(!format!("{jwt:?} {client:?}").contains("secret"));
}
