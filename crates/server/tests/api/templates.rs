//! Template uploads end to end: the multipart upload, the pinned image and ARC-3 metadata
//! served by the gateway, what is refused (and that nothing is kept then), deletion, and
//! pinning through a local server speaking Pinata's API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::routing::{delete, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::multipart::{Form, Part};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Connection, Executor};
use tipforge_ipfs::{Cid, CidVersion, ImportOptions, LocalStore, StoreConfig, cid_of};
use tipforge_server::Config;
use tipforge_server::config::{PinningBackend, Secret};
use tipforge_server::domain::Role;

use crate::helpers::{TestApp, TestDb, TestWallet, error_code};

const MIB: usize = 1024 * 1024;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// PNG-signed bytes that span several importer chunks.
fn png(len: usize, seed: u8) -> Vec<u8> {
    let mut bytes = PNG_SIGNATURE.to_vec();
    let mut state = u32::from(seed) | 1;
    bytes.extend((PNG_SIGNATURE.len()..len).map(|_| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state >> 8) as u8
    }));
    bytes
}

fn sticker_form(name: &str, image: Vec<u8>) -> Form {
    Form::new()
        .text("kind", "sticker")
        .text("name", name.to_owned())
        .text("description", "Thanks for the tip")
        .text("threshold", "250000")
        .text("goldenOddsBps", "1500")
        .part("image", Part::bytes(image).file_name("sticker.png"))
}

/// A signed-in wallet promoted to creator, with its token.
async fn creator(app: &TestApp) -> (TestWallet, String) {
    let wallet = TestWallet::random();
    let token = app.sign_in(&wallet).await;
    app.store.set_role(&wallet.as_address(), Role::Creator).await.unwrap();
    (wallet, token)
}

async fn upload(app: &TestApp, token: Option<&str>, form: Form) -> Response {
    let mut request = app.client.post(format!("{}/creators/me/templates", app.base_url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.multipart(form).send().await.expect("POST")
}

async fn data(response: Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["data"].clone()
}

/// The server's local IPFS store, opened beside it to inspect pins.
async fn ipfs_store(app: &TestApp) -> LocalStore {
    LocalStore::open(StoreConfig::test(app.config.data_dir.join("ipfs"))).await.unwrap()
}

async fn pins(app: &TestApp) -> Vec<String> {
    let mut pins: Vec<String> =
        ipfs_store(app).await.pins().await.unwrap().iter().map(Cid::to_string).collect();
    pins.sort();
    pins
}

fn sorted(mut cids: Vec<String>) -> Vec<String> {
    cids.sort();
    cids
}

#[tokio::test]
async fn an_uploaded_sticker_is_pinned_listed_and_served_on_sqlite() {
    let app = TestApp::spawn().await;
    uploads_and_serves(&app).await;
}

#[tokio::test]
async fn an_uploaded_sticker_is_pinned_listed_and_served_on_postgres() {
    let app = TestApp::spawn_with(Config::test(), TestDb::postgres().await).await;
    uploads_and_serves(&app).await;
}

async fn uploads_and_serves(app: &TestApp) {
    let (wallet, token) = creator(app).await;
    let image = png(MIB + 4321, 1);

    let template = data(upload(app, Some(&token), sticker_form("Star", image.clone())).await).await;

    let image_cid = cid_of(&image, ImportOptions::kubo_v1()).unwrap().to_string();
    assert_eq!(template["imageCid"], image_cid);
    assert_eq!(template["imageMime"], "image/png");
    assert_eq!(template["kind"], "sticker");
    assert_eq!(template["supply"], "unique");
    assert_eq!(template["thresholdMicroAlgos"], 250_000);
    assert_eq!(template["goldenOddsBps"], 1500);
    assert_eq!(template["guaranteedGoldenEvery"], 10);
    assert_eq!(template["creator"], wallet.address());

    let served = app.get(&format!("/ipfs/{image_cid}")).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap(), image);

    let metadata_cid = template["metadataCid"].as_str().unwrap();
    let served = app.get(&format!("/ipfs/{metadata_cid}")).await;
    assert_eq!(served.headers()["content-type"], "application/json");
    let metadata_bytes = served.bytes().await.unwrap();
    assert_eq!(
        metadata_cid,
        cid_of(&metadata_bytes, ImportOptions::kubo_v1()).unwrap().to_string()
    );
    assert_eq!(template["metadataUrl"], format!("ipfs://{metadata_cid}#arc3"));
    assert_eq!(template["metadataHash"], STANDARD.encode(Sha256::digest(&metadata_bytes)));

    let metadata: Value = serde_json::from_slice(&metadata_bytes).unwrap();
    assert_eq!(metadata["name"], "Star");
    assert_eq!(metadata["description"], "Thanks for the tip");
    assert_eq!(metadata["image"], format!("ipfs://{image_cid}"));
    assert_eq!(metadata["image_mimetype"], "image/png");
    let integrity = format!("sha256-{}", STANDARD.encode(Sha256::digest(&image)));
    assert_eq!(metadata["image_integrity"], integrity);
    assert_eq!(metadata["properties"]["creator"], wallet.address());
    assert_eq!(metadata["properties"]["kind"], "sticker");
    assert_eq!(metadata["properties"]["supply"], "unique");
    assert_eq!(metadata["properties"]["template"], template["id"]);

    let listed = data(app.get(&format!("/creators/{}/templates", wallet.address())).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0], template);
    let shown = data(app.get(&format!("/templates/{}", template["id"].as_str().unwrap())).await);
    assert_eq!(shown.await, template);
    assert_eq!(pins(app).await, sorted(vec![image_cid, metadata_cid.to_owned()]));
}

#[tokio::test]
async fn an_edition_membership_keeps_its_parameters_and_shows_its_units_left() {
    let app = TestApp::spawn().await;
    let (wallet, token) = creator(&app).await;
    // The image first: the fields after it are still read.
    let form = Form::new()
        .part("image", Part::bytes(b"GIF89a\x01\x00\x01\x00".to_vec()))
        .text("kind", "membership")
        .text("name", "Gold club")
        .text("supply", "edition")
        .text("editionSize", "500")
        .text("price", "7000000")
        .text("validityDays", "90");

    let template = data(upload(&app, Some(&token), form).await).await;

    assert_eq!(template["imageMime"], "image/gif");
    assert_eq!(template["supply"], "edition");
    assert_eq!(template["editionSize"], 500);
    assert_eq!(template["priceMicroAlgos"], 7_000_000);
    assert_eq!(template["validityDays"], 90);
    assert_eq!(template["thresholdMicroAlgos"], Value::Null);
    assert_eq!(template["remaining"], json!({"soulbound": 500, "golden": 500}));
    let id = template["id"].as_str().unwrap();
    reward_job_for(&app, &wallet, id).await;
    let shown = data(app.get(&format!("/templates/{id}")).await).await;
    let listed = data(app.get(&format!("/creators/{}/templates", wallet.address())).await).await;
    assert_eq!(shown["remaining"], json!({"soulbound": 499, "golden": 500}));
    assert_eq!(listed[0], shown);
}

#[tokio::test]
async fn refused_uploads_keep_nothing() {
    let app = TestApp::spawn().await;
    let (wallet, token) = creator(&app).await;
    let kept = data(upload(&app, Some(&token), sticker_form("Star", png(1000, 2))).await).await;
    let pinned_before = pins(&app).await;

    let oversize = upload(&app, Some(&token), sticker_form("Big", png(5 * MIB + 1, 3))).await;
    assert_eq!(oversize.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(oversize).await, "image_too_large");

    let text = Form::new()
        .text("kind", "sticker")
        .text("name", "Text")
        .text("threshold", "250000")
        .part("image", Part::bytes(b"just some text, not an image".to_vec()));
    let not_image = upload(&app, Some(&token), text).await;
    assert_eq!(not_image.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(not_image).await, "unsupported_image_type");

    let no_name = Form::new()
        .text("kind", "sticker")
        .text("threshold", "250000")
        .part("image", Part::bytes(png(100, 4)));
    assert_refused(upload(&app, Some(&token), no_name).await, 400, "invalid_field").await;

    let no_image =
        Form::new().text("kind", "sticker").text("name", "a").text("threshold", "250000");
    assert_refused(upload(&app, Some(&token), no_image).await, 400, "invalid_field").await;

    let wrong_param = sticker_form("Priced", png(100, 5)).text("price", "1000000");
    let response = upload(&app, Some(&token), wrong_param).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["details"]["field"], "price");

    let duplicate = upload(&app, Some(&token), sticker_form("Star", png(100, 6))).await;
    assert_refused(duplicate, 409, "template_name_taken").await;

    let fan = TestWallet::random();
    let fan_token = app.sign_in(&fan).await;
    let as_fan = upload(&app, Some(&fan_token), sticker_form("Fan", png(100, 7))).await;
    assert_refused(as_fan, 403, "forbidden").await;

    let anonymous = upload(&app, None, sticker_form("Nobody", png(100, 8))).await;
    assert_refused(anonymous, 401, "token_missing").await;

    let listed = data(app.get(&format!("/creators/{}/templates", wallet.address())).await).await;
    assert_eq!(listed.as_array().unwrap(), &[kept]);
    assert_eq!(pins(&app).await, pinned_before);
    let store = ipfs_store(&app).await;
    assert!(store.gc().await.unwrap().blocks_removed > 0, "the refused images were unpinned");
    for cid in pinned_before {
        assert_eq!(app.get(&format!("/ipfs/{cid}")).await.status(), StatusCode::OK);
    }
}

async fn assert_refused(response: Response, status: u16, code: &str) {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(error_code(response).await, code);
}

#[tokio::test]
async fn deleting_releases_unused_templates_on_sqlite() {
    let app = TestApp::spawn().await;
    deletes(&app).await;
}

#[tokio::test]
async fn deleting_releases_unused_templates_on_postgres() {
    let app = TestApp::spawn_with(Config::test(), TestDb::postgres().await).await;
    deletes(&app).await;
}

async fn deletes(app: &TestApp) {
    let (wallet, token) = creator(app).await;
    let image = png(2000, 9);
    let unused = data(upload(app, Some(&token), sticker_form("Unused", image.clone())).await).await;
    let rewarded = data(upload(app, Some(&token), sticker_form("Rewarded", image)).await).await;
    reward_job_for(app, &wallet, rewarded["id"].as_str().unwrap()).await;
    let (_, other_token) = creator(app).await;
    let delete = |id: &str, token: &str| {
        let url = format!("{}/creators/me/templates/{id}", app.base_url);
        app.client.delete(url).bearer_auth(token.to_owned()).send()
    };

    let by_other = delete(unused["id"].as_str().unwrap(), &other_token).await.unwrap();
    assert_refused(by_other, 403, "not_template_owner").await;
    let in_use = delete(rewarded["id"].as_str().unwrap(), &token).await.unwrap();
    assert_refused(in_use, 409, "template_in_use").await;
    let deleted = delete(unused["id"].as_str().unwrap(), &token).await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let gone = app.get(&format!("/templates/{}", unused["id"].as_str().unwrap())).await;
    assert_refused(gone, 404, "template_not_found").await;
    let again = delete(unused["id"].as_str().unwrap(), &token).await.unwrap();
    assert_refused(again, 404, "template_not_found").await;
    let listed = data(app.get(&format!("/creators/{}/templates", wallet.address())).await).await;
    assert_eq!(listed.as_array().unwrap(), std::slice::from_ref(&rewarded));
    // The shared image stays pinned for the remaining template; the deleted one's metadata not.
    let expected = vec![
        rewarded["imageCid"].as_str().unwrap().to_owned(),
        rewarded["metadataCid"].as_str().unwrap().to_owned(),
    ];
    assert_eq!(pins(app).await, sorted(expected));
}

/// A tip and a reward job that references `template`, inserted as the listener would.
async fn reward_job_for(app: &TestApp, creator: &TestWallet, template: &str) {
    let url = app.config.database_url.as_ref().map(Secret::expose).unwrap().to_owned();
    let mut db = AnyConnection::connect(&url).await.unwrap();
    let creator = creator.address();
    let fan = TestWallet::random().address();
    let statements = [
        format!(
            "INSERT INTO contracts (app_id, creator, app_address, version, deployed_at) \
             VALUES (4242, '{creator}', 'APP-ADDRESS', 1, 0)"
        ),
        format!(
            "INSERT INTO tips (txid, round, intra_round, app_id, fan, creator, amount_micro, \
             memo_base64, memo_text, ingested_at) \
             VALUES ('TIP-1', 1, 0, 4242, '{fan}', '{creator}', 1000000, '', '', 0)"
        ),
        format!(
            "INSERT INTO reward_jobs (tip_txid, kind, template_id, next_attempt_at, created_at, \
             updated_at) VALUES ('TIP-1', 'sticker', '{template}', 0, 0, 0)"
        ),
    ];
    for statement in statements {
        db.execute(statement.as_str()).await.unwrap();
    }
    db.close().await.unwrap();
}

/// Pinata's pinning API in memory: content by CID.
#[derive(Default)]
struct FakePinata {
    pins: Mutex<HashMap<String, Vec<u8>>>,
}

const PINATA_JWT: &str = "pinata-test-jwt";

async fn spawn_pinata() -> (Arc<FakePinata>, String) {
    let pinata = Arc::new(FakePinata::default());
    let router = Router::new()
        .route("/pinning/pinFileToIPFS", post(pinata_pin))
        .route("/pinning/unpin/{cid}", delete(pinata_unpin))
        .with_state(pinata.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (pinata, format!("http://{address}"))
}

fn pinata_authorised(headers: &HeaderMap) -> bool {
    headers.get("authorization").is_some_and(|v| v == format!("Bearer {PINATA_JWT}").as_str())
}

async fn pinata_pin(
    State(pinata): State<Arc<FakePinata>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> AxumResponse {
    if !pinata_authorised(&headers) {
        let body = json!({ "error": { "reason": "INVALID_CREDENTIALS" } });
        return (AxumStatus::UNAUTHORIZED, Json(body)).into_response();
    }
    let (mut content, mut version) = (Vec::new(), CidVersion::V0);
    while let Some(field) = form.next_field().await.unwrap() {
        match field.name().unwrap() {
            "file" => content = field.bytes().await.unwrap().to_vec(),
            "pinataOptions" => {
                let options: Value = serde_json::from_str(&field.text().await.unwrap()).unwrap();
                if options["cidVersion"] == 1 {
                    version = CidVersion::V1;
                }
            }
            _ => {}
        }
    }
    let cid = cid_of(&content, ImportOptions::for_version(version)).unwrap().to_string();
    pinata.pins.lock().unwrap().insert(cid.clone(), content);
    Json(json!({ "IpfsHash": cid, "PinSize": 1, "Timestamp": "2026-12-03T12:00:00.000Z" }))
        .into_response()
}

async fn pinata_unpin(
    State(pinata): State<Arc<FakePinata>>,
    headers: HeaderMap,
    Path(cid): Path<String>,
) -> AxumResponse {
    if !pinata_authorised(&headers) {
        return AxumStatus::UNAUTHORIZED.into_response();
    }
    match pinata.pins.lock().unwrap().remove(&cid) {
        Some(_) => AxumStatus::OK.into_response(),
        None => AxumStatus::NOT_FOUND.into_response(),
    }
}

fn pinata_config(url: &str, jwt: &str) -> Config {
    let mut config = Config::test();
    config.ipfs.pinning = PinningBackend::Pinata;
    config.ipfs.pinata_url = Some(url.to_owned());
    config.ipfs.pinata_jwt = Some(Secret::new(jwt));
    config
}

#[tokio::test]
async fn content_is_pinned_on_pinata_too() {
    let (pinata, url) = spawn_pinata().await;
    let app = TestApp::spawn_with(pinata_config(&url, PINATA_JWT), TestDb::sqlite().await).await;
    let (_, token) = creator(&app).await;
    let image = png(3000, 10);

    let template =
        data(upload(&app, Some(&token), sticker_form("Star", image.clone())).await).await;
    let duplicate = upload(&app, Some(&token), sticker_form("Star", png(100, 11))).await;

    assert_refused(duplicate, 409, "template_name_taken").await;
    let pins = pinata.pins.lock().unwrap().clone();
    assert_eq!(pins.len(), 2);
    assert_eq!(pins[template["imageCid"].as_str().unwrap()], image);
    let metadata = &pins[template["metadataCid"].as_str().unwrap()];
    assert_eq!(template["metadataHash"], STANDARD.encode(Sha256::digest(metadata)));
}

#[tokio::test]
async fn a_pinning_failure_keeps_nothing() {
    let (pinata, url) = spawn_pinata().await;
    let app =
        TestApp::spawn_with(pinata_config(&url, "a-revoked-jwt"), TestDb::sqlite().await).await;
    let (wallet, token) = creator(&app).await;

    let response = upload(&app, Some(&token), sticker_form("Star", png(3000, 12))).await;

    assert_refused(response, 503, "pinning_unavailable").await;
    assert!(pinata.pins.lock().unwrap().is_empty());
    assert!(pins(&app).await.is_empty());
    let listed = data(app.get(&format!("/creators/{}/templates", wallet.address())).await).await;
    assert!(listed.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_a_form_is_a_json_400() {
    let app = TestApp::spawn().await;
    let (_, token) = creator(&app).await;

    let response = app
        .client
        .post(format!("{}/creators/me/templates", app.base_url))
        .bearer_auth(&token)
        .json(&json!({ "kind": "sticker" }))
        .send()
        .await
        .unwrap();

    assert_refused(response, 400, "invalid_multipart").await;
}
