//! The client's behaviour under a node that fails: what is retried, what is not, and what is
//! counted. The node here is a plain local HTTP server that answers by script.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use tipforge_chain::{Algod, ApiToken, ChainMetrics, ErrorKind, RetryPolicy};

const STATUS_JSON: &str = r#"{"last-round": 42, "time-since-last-round": 5, "catchup-time": 0,
    "last-version": "future"}"#;

/// Serves `/v2/status`, failing with 503 for the first `failures` requests, and counts them.
async fn flaky_node(failures: usize) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new()
        .route(
            "/v2/status",
            get(move |headers: HeaderMap| {
                let counter = counter.clone();
                async move {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    let token = headers.get("X-Algo-API-Token").and_then(|v| v.to_str().ok());
                    if token != Some("secret") {
                        return (StatusCode::UNAUTHORIZED, r#"{"message":"Invalid API Token"}"#);
                    }
                    if n < failures {
                        (StatusCode::SERVICE_UNAVAILABLE, r#"{"message":"busy"}"#)
                    } else {
                        (StatusCode::OK, STATUS_JSON)
                    }
                }
            }),
        )
        .route(
            "/v2/transactions",
            post(|| async {
                (StatusCode::BAD_REQUEST, r#"{"message":"TransactionPool.Remember: overspend"}"#)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hits)
}

fn client(url: &str, attempts: u32) -> Algod {
    let retry = RetryPolicy { attempts, first_delay: Duration::from_millis(1) };
    let token = Some(ApiToken::new("secret"));
    Algod::new(url, token, Duration::from_secs(5), retry, Arc::new(ChainMetrics::default()))
        .unwrap()
}

#[tokio::test]
async fn transient_failures_are_retried_until_the_node_answers() {
    let (url, hits) = flaky_node(3).await;
    let algod = client(&url, 4);

    let status = algod.status().await.unwrap();

    assert_eq!(status.last_round.0, 42);
    assert_eq!(hits.load(Ordering::SeqCst), 4);
    assert_eq!(algod.metrics().algod_errors(), 3);
}

#[tokio::test]
async fn retries_stop_after_the_last_attempt() {
    let (url, hits) = flaky_node(10).await;
    let algod = client(&url, 4);

    let err = algod.status().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Transient);
    assert_eq!(hits.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_rejected_transaction_is_reported_with_the_node_message_and_not_resent() {
    let (url, _) = flaky_node(0).await;
    let algod = client(&url, 4);

    let err = algod.submit(vec![0x80]).await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(err.node_message(), Some("TransactionPool.Remember: overspend"));
}

#[tokio::test]
async fn a_wrong_token_is_permanent_not_retried() {
    let (url, hits) = flaky_node(0).await;
    let retry = RetryPolicy { attempts: 4, first_delay: Duration::from_millis(1) };
    let algod = Algod::new(
        &url,
        Some(ApiToken::new("wrong")),
        Duration::from_secs(5),
        retry,
        Arc::new(ChainMetrics::default()),
    )
    .unwrap();

    let err = algod.status().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Permanent);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unreachable_node_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);

    let err = client(&url, 2).status().await.unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Transient);
}

#[test]
fn tokens_never_show_in_debug_output() {
    assert!(!format!("{:?}", ApiToken::new("hunter2")).contains("hunter2"));
}
