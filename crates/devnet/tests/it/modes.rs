use std::time::Duration;

use tipforge_algo::MicroAlgos;
use tipforge_algo::transaction::Payment;
use tipforge_devnet::{Config, MiningMode};

use crate::helpers::{TestNet, fresh_key};

#[tokio::test]
async fn dev_mode_makes_one_block_per_group_and_none_when_idle() {
    let net = TestNet::spawn().await;
    let start = net.last_round().await;
    for n in 0..3u8 {
        net.pay(&net.key(0), fresh_key(30 + n).address(), 200_000).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert_eq!(net.last_round().await, start + 3);
}

#[tokio::test]
async fn interval_mode_pools_everything_into_one_block() {
    let mut config = Config::test();
    config.mode = MiningMode::Interval(Duration::from_millis(1_500));
    let net = TestNet::with(config).await;
    net.handle.node().set_paused(true);
    let funder = net.key(0);
    let params = net.params().await;
    let signed: Vec<_> = (0..50u64)
        .map(|n| {
            let body = Payment::new(fresh_key(40).address(), MicroAlgos(100_000 + n));
            tipforge_algo::Transaction::builder(funder.address(), &params, body)
                .build()
                .expect("valid")
                .sign(&funder)
        })
        .collect();
    for txn in &signed {
        let (status, json) = net.submit(std::slice::from_ref(txn)).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{json}");
    }
    let (_, pending) = net.get(&format!("/v2/transactions/pending/{}", signed[0].id())).await;
    assert!(pending["confirmed-round"].is_null(), "{pending}");
    net.handle.node().set_paused(false);

    let after = net.last_round().await;
    let (_, status) = net.get(&format!("/v2/status/wait-for-block-after/{after}")).await;
    let round = status["last-round"].as_u64().expect("round");
    let (_, confirmed) = net.get(&format!("/v2/transactions/pending/{}", signed[49].id())).await;
    let block_round = confirmed["confirmed-round"].as_u64().expect("confirmed");
    let (_, txids) = net.get(&format!("/v2/blocks/{block_round}/txids")).await;

    assert!(round > after);
    assert_eq!(txids["blockTxids"].as_array().map(Vec::len), Some(50));
}

#[tokio::test]
async fn a_paused_producer_holds_groups_until_resumed() {
    let net = TestNet::spawn().await;
    let start = net.last_round().await;
    net.handle.node().set_paused(true);
    let (_, json) = net.pay(&net.key(0), fresh_key(41).address(), 200_000).await;
    let txid = json["txId"].as_str().expect("id").to_owned();
    let (_, pooled) = net.get("/v2/transactions/pending").await;

    assert_eq!(net.last_round().await, start);
    assert_eq!(pooled["total-transactions"].as_u64(), Some(1));

    net.handle.node().set_paused(false);
    let (_, pending) = net.get(&format!("/v2/transactions/pending/{txid}")).await;
    assert_eq!(pending["confirmed-round"].as_u64(), Some(start + 1));
}

#[tokio::test]
async fn a_full_pool_refuses_groups_with_algods_message_until_a_block_takes_them() {
    let config = Config { pool_size: 3, ..Config::test() };
    let net = TestNet::with(config).await;
    net.handle.node().set_paused(true);
    for n in 0..3u8 {
        let (status, json) = net.pay(&net.key(0), fresh_key(60 + n).address(), 200_000).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{json}");
    }

    let (full, refusal) = net.pay(&net.key(1), fresh_key(63).address(), 200_000).await;
    net.handle.node().set_paused(false);
    let (accepted, json) = net.pay(&net.key(1), fresh_key(63).address(), 200_000).await;

    assert_eq!(full, reqwest::StatusCode::BAD_REQUEST);
    assert_eq!(
        refusal["message"],
        "TransactionPool.checkPendingQueueSize: transaction pool has reached capacity"
    );
    assert_eq!(accepted, reqwest::StatusCode::OK, "{json}");
}
