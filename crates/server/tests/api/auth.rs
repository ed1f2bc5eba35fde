//! Sign-in with real Ed25519 signatures, and what must be refused.

use std::time::Duration;

use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tipforge_server::domain::Role;

use crate::helpers::{TestApp, TestDb, TestWallet, error_code};

#[tokio::test]
async fn a_signed_challenge_signs_the_wallet_in_as_a_fan() {
    let app = TestApp::spawn().await;
    signs_in(&app).await;
}

#[tokio::test]
async fn signing_in_works_on_postgres_too() {
    let app = TestApp::spawn_with(tipforge_server::Config::test(), TestDb::postgres().await).await;
    signs_in(&app).await;
}

async fn signs_in(app: &TestApp) {
    let wallet = TestWallet::random();

    let nonce = app.challenge(&wallet).await;
    let response = app.verify(&wallet, &nonce, &wallet).await;

    assert_eq!(nonce.len(), 43);
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["tokenType"], "Bearer");
    assert_eq!(body["data"]["expiresIn"], 900);
    assert_eq!(body["data"]["user"]["wallet"], wallet.address());
    assert_eq!(body["data"]["user"]["role"], "fan");
    let token = body["data"]["accessToken"].as_str().unwrap();
    let me: Value = app.get_with_token("/auth/me", token).await.json().await.unwrap();
    assert_eq!(me["data"]["wallet"], wallet.address());
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let app = TestApp::spawn().await;
    let wallet = TestWallet::random();
    let nonce = app.challenge(&wallet).await;
    assert_eq!(app.verify(&wallet, &nonce, &wallet).await.status(), StatusCode::OK);

    let replay = app.verify(&wallet, &nonce, &wallet).await;

    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(replay).await, "challenge_used");
}

#[tokio::test]
async fn an_expired_nonce_is_refused() {
    let app = TestApp::spawn().await;
    let wallet = TestWallet::random();
    let nonce = app.challenge(&wallet).await;

    app.clock.advance(Duration::from_secs(5 * 60 + 1));
    let response = app.verify(&wallet, &nonce, &wallet).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "challenge_expired");
}

#[tokio::test]
async fn a_signature_by_another_key_is_refused_and_spends_nothing() {
    let app = TestApp::spawn().await;
    let (wallet, impostor) = (TestWallet::random(), TestWallet::random());
    let nonce = app.challenge(&wallet).await;

    let forged = app.verify(&wallet, &nonce, &impostor).await;
    let genuine = app.verify(&wallet, &nonce, &wallet).await;

    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(forged).await, "signature_invalid");
    assert_eq!(genuine.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_nonce_issued_to_another_wallet_is_refused() {
    let app = TestApp::spawn().await;
    let (wallet, other) = (TestWallet::random(), TestWallet::random());
    let nonce = app.challenge(&wallet).await;

    let response = app.verify(&other, &nonce, &other).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "challenge_unknown");
}

#[tokio::test]
async fn malformed_addresses_are_bad_requests() {
    let app = TestApp::spawn().await;
    let valid = TestWallet::random().address();
    let mut flipped = valid.clone().into_bytes();
    flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();

    for wallet in ["", "not-an-address", &flipped, &valid.to_lowercase()] {
        let challenge = app.post_json("/auth/challenge", &json!({ "wallet": wallet })).await;
        let body = json!({ "wallet": wallet, "nonce": "n", "signature": "" });
        let verify = app.post_json("/auth/verify", &body).await;

        assert_eq!(challenge.status(), StatusCode::BAD_REQUEST, "{wallet:?}");
        assert_eq!(verify.status(), StatusCode::BAD_REQUEST, "{wallet:?}");
        let body: Value = challenge.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_field");
        assert_eq!(body["error"]["details"]["field"], "wallet");
    }
}

#[tokio::test]
async fn a_malformed_signature_is_a_bad_request() {
    let app = TestApp::spawn().await;
    let wallet = TestWallet::random();
    let nonce = app.challenge(&wallet).await;
    let body = json!({ "wallet": wallet.address(), "nonce": nonce, "signature": "c2hvcnQ=" });

    let response = app.post_json("/auth/verify", &body).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(response).await, "invalid_field");
}

#[tokio::test]
async fn requests_without_a_token_are_refused() {
    let app = TestApp::spawn().await;

    let response = app.get("/auth/me").await;
    let spoofed = app
        .client
        .get(format!("{}/auth/me", app.base_url))
        .header("X-Wallet-Address", TestWallet::random().address())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "token_missing");
    assert_eq!(spoofed.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let wallet = TestWallet::random();
    let genuine = app.sign_in(&wallet).await;
    let now = app.clock.now().unix_seconds();
    let claims =
        json!({ "iss": "tipforge", "sub": wallet.address(), "iat": now, "exp": now + 600 });
    let other_secret = EncodingKey::from_secret(b"not-the-server-secret-at-all-not-at-all");
    let wrong_key = jsonwebtoken::encode(&Header::default(), &claims, &other_secret).unwrap();
    let (head, rest) = genuine.split_once('.').unwrap();
    let (_, signature) = rest.rsplit_once('.').unwrap();
    let unsigned_claims = base64_json(&json!({
        "iss": "tipforge",
        "sub": TestWallet::random().address(),
        "iat": now,
        "exp": now + 600,
    }));
    let swapped_subject = format!("{head}.{unsigned_claims}.{signature}");
    let alg_none = format!("{}.{unsigned_claims}.", base64_json(&json!({ "alg": "none" })));

    for token in [wrong_key, swapped_subject, alg_none, "garbage".to_owned()] {
        let response = app.get_with_token("/auth/me", &token).await;

        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token}");
        assert_eq!(error_code(response).await, "token_invalid");
    }
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let app = TestApp::spawn().await;
    let wallet = TestWallet::random();
    app.sign_in(&wallet).await;
    let now = app.clock.now().unix_seconds();
    let claims =
        json!({ "iss": "someone-else", "sub": wallet.address(), "iat": now, "exp": now + 600 });
    let secret = app.config.auth.jwt_secret.as_ref().unwrap().expose().as_bytes().to_vec();
    let token =
        jsonwebtoken::encode(&Header::default(), &claims, &EncodingKey::from_secret(&secret));

    let response = app.get_with_token("/auth/me", &token.unwrap()).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.sign_in(&TestWallet::random()).await;

    app.clock.advance(Duration::from_secs(15 * 60));
    let response = app.get_with_token("/auth/me", &token).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "token_expired");
}

#[tokio::test]
async fn the_role_comes_from_the_database_not_the_token() {
    let app = TestApp::spawn().await;
    let wallet = TestWallet::random();
    let token = app.sign_in(&wallet).await;

    app.store.set_role(&wallet.as_address(), Role::Creator).await.unwrap();
    let me: Value = app.get_with_token("/auth/me", &token).await.json().await.unwrap();

    assert_eq!(me["data"]["role"], "creator");
}

fn base64_json(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}
