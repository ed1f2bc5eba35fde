//! Per-IP limits on sign-in, and who counts as the client behind a proxy.

use reqwest::StatusCode;
use serde_json::json;
use tipforge_server::Config;

use crate::helpers::{TestApp, TestDb, TestWallet, error_code};

async fn app_with_auth_limit(requests: u32, trusted_proxies: &[&str]) -> TestApp {
    let mut config = Config::test();
    config.rate_limits.auth_requests = requests;
    config.http.trusted_proxies = trusted_proxies.iter().map(|net| net.parse().unwrap()).collect();
    TestApp::spawn_with(config, TestDb::sqlite().await).await
}

async fn challenge_from(app: &TestApp, forwarded_for: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/auth/challenge", app.base_url))
        .header("X-Forwarded-For", forwarded_for)
        .json(&json!({ "wallet": TestWallet::random().address() }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_in_over_the_limit_gets_429_with_retry_after() {
    let app = app_with_auth_limit(3, &[]).await;
    let wallet = TestWallet::random();
    for _ in 0..3 {
        app.challenge(&wallet).await;
    }

    let refused = app.post_json("/auth/challenge", &json!({ "wallet": wallet.address() })).await;

    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "Retry-After: {retry_after}");
    assert_eq!(error_code(refused).await, "rate_limited");
}

#[tokio::test]
async fn other_routes_are_not_limited_by_the_sign_in_limit() {
    let app = app_with_auth_limit(1, &[]).await;
    app.challenge(&TestWallet::random()).await;

    let health = app.get("/health").await;

    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn forwarded_for_is_ignored_from_an_untrusted_peer() {
    let app = app_with_auth_limit(2, &[]).await;

    let first = challenge_from(&app, "198.51.100.1").await;
    let second = challenge_from(&app, "198.51.100.2").await;
    let third = challenge_from(&app, "198.51.100.3").await;

    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn forwarded_for_names_the_client_behind_a_trusted_proxy() {
    let app = app_with_auth_limit(1, &["127.0.0.1/32"]).await;

    let first = challenge_from(&app, "198.51.100.1").await;
    let other_client = challenge_from(&app, "198.51.100.2").await;
    let first_again = challenge_from(&app, "198.51.100.1").await;

    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(other_client.status(), StatusCode::OK);
    assert_eq!(first_again.status(), StatusCode::TOO_MANY_REQUESTS);
}
