use std::time::Duration;

use reqwest::StatusCode;
use tipforge_devnet::FaultConfig;

use crate::helpers::TestNet;

#[tokio::test]
async fn injected_faults_answer_503_or_hold_requests_past_a_timeout() {
    let net = TestNet::spawn().await;
    net.handle.faults().set(FaultConfig { unavailable_per_mille: 1000, ..FaultConfig::default() });
    let (unavailable, _) = net.get("/v2/status").await;

    net.handle.faults().set(FaultConfig { unavailable_per_mille: 250, ..FaultConfig::default() });
    let mut failures = 0;
    for _ in 0..40 {
        if net.get("/v2/status").await.0 == StatusCode::SERVICE_UNAVAILABLE {
            failures += 1;
        }
    }

    net.handle.faults().set(FaultConfig {
        delayed_per_mille: 1000,
        delay: Duration::from_millis(500),
        ..FaultConfig::default()
    });
    let slow = net
        .client
        .get(format!("{}/v2/status", net.algod))
        .header("X-Algo-API-Token", tipforge_devnet::LOCALNET_TOKEN)
        .timeout(Duration::from_millis(100))
        .send()
        .await;

    net.handle.faults().set(FaultConfig::default());
    let (healthy, _) = net.get("/v2/status").await;

    assert_eq!(unavailable, StatusCode::SERVICE_UNAVAILABLE);
    assert!((3..=20).contains(&failures), "{failures} of 40");
    assert!(slow.expect_err("timed out").is_timeout());
    assert_eq!(healthy, StatusCode::OK);
}
