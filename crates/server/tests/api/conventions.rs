//! Envelopes, unknown routes, bad bodies and health.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, error_code};

#[tokio::test]
async fn health_reports_the_database() {
    let app = TestApp::spawn().await;

    let response = app.get("/health").await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["status"], "ok");
    assert_eq!(body["data"]["database"], "ok");
    assert!(body["meta"].is_object());
}

#[tokio::test]
async fn health_names_a_database_that_is_down() {
    let app = TestApp::spawn().await;

    app.store.close().await;
    let response = app.get("/health").await;

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unhealthy");
    assert_eq!(body["error"]["details"]["failing"][0], "database");
}

#[tokio::test]
async fn unknown_routes_get_a_json_404() {
    let app = TestApp::spawn().await;

    let response = app.get("/no/such/route").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(response).await, "route_not_found");
}

#[tokio::test]
async fn a_malformed_body_is_a_json_400() {
    let app = TestApp::spawn().await;

    let response = app
        .client
        .post(format!("{}/auth/challenge", app.base_url))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(response).await, "invalid_body");
}

#[tokio::test]
async fn unknown_fields_are_refused() {
    let app = TestApp::spawn().await;
    let body = serde_json::json!({ "wallet": "x", "role": "creator" });

    let response = app.post_json("/auth/challenge", &body).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
