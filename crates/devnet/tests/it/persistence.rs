use tipforge_devnet::Config;

use crate::helpers::{TestNet, fresh_key};

#[tokio::test]
async fn the_chain_survives_a_restart_and_a_tampered_log_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::test();
    config.data_dir = Some(dir.path().to_owned());
    let fan = fresh_key(60);

    let net = TestNet::with(config.clone()).await;
    net.pay(&net.key(0), fan.address(), 700_000).await;
    net.pay(&net.key(1), fan.address(), 300_000).await;
    let round = net.last_round().await;
    net.handle.shutdown().await;

    assert!(dir.path().join("snapshot.txt").exists());
    // Restart in a later second, so that the genesis timestamp must come from the directory.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let net = TestNet::with(config.clone()).await;
    assert_eq!(net.last_round().await, round);
    assert_eq!(net.balance(&fan.address()).await, 1_000_000);
    let (status, _) = net.pay(&net.key(0), fan.address(), 1).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    net.handle.shutdown().await;

    std::fs::write(dir.path().join("snapshot.txt"), format!("{} {}\n", round + 1, "00".repeat(32)))
        .expect("write");
    assert!(tipforge_devnet::spawn(config.clone()).await.is_err());

    let log = dir.path().join("blocks.log");
    let mut bytes = std::fs::read(&log).expect("log");
    let position = bytes.windows(3).position(|w| w == b"amt").expect("an amount") + 4;
    bytes[position] ^= 1;
    std::fs::write(&log, bytes).expect("write");
    assert!(tipforge_devnet::spawn(config).await.is_err());
}
