use reqwest::StatusCode;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::Payment;
use tipforge_algo::{MicroAlgos, Transaction};

use crate::helpers::{TestNet, fresh_key};

#[tokio::test]
async fn a_failing_member_leaves_the_whole_group_unapplied() {
    let net = TestNet::spawn().await;
    let (funder, a, b) = (net.key(0), fresh_key(10), fresh_key(11));
    let mut txns: Vec<Transaction> = vec![
        net.txn(&funder, Payment::new(a.address(), MicroAlgos(1_000_000))).await,
        net.txn(&funder, Payment::new(b.address(), MicroAlgos(10))).await,
    ];
    assign_group(&mut txns).expect("group");
    let signed: Vec<_> = txns.iter().map(|t| t.sign(&funder)).collect();
    let before = net.last_round().await;

    let (status, json) = net.submit(&signed).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("below min"), "{json}");
    assert_eq!(net.balance(&a.address()).await, 0);
    assert_eq!(net.last_round().await, before);
}

#[tokio::test]
async fn fees_pool_across_a_group_and_one_block_holds_it() {
    let net = TestNet::spawn().await;
    let (funder, a) = (net.key(0), fresh_key(12));
    let mut txns: Vec<Transaction> = vec![
        net.txn(&funder, Payment::new(a.address(), MicroAlgos(1_000_000))).await,
        net.txn(&funder, Payment::new(a.address(), MicroAlgos(5))).await,
    ];
    txns[0].header.fee = MicroAlgos(2_000);
    txns[1].header.fee = MicroAlgos(0);
    assign_group(&mut txns).expect("group");
    let signed: Vec<_> = txns.iter().map(|t| t.sign(&funder)).collect();
    let mut short = txns.clone();
    short[0].header.fee = MicroAlgos(1_000);
    assign_group(&mut short).expect("group");
    let short: Vec<_> = short.iter().map(|t| t.sign(&funder)).collect();

    let (refused, json) = net.submit(&short).await;
    let pending = net.confirm(&signed).await;
    let round = pending["confirmed-round"].as_u64().expect("round");
    let (_, txids) = net.get(&format!("/v2/blocks/{round}/txids")).await;

    assert_eq!(refused, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("less than the minimum"), "{json}");
    assert_eq!(txids["blockTxids"].as_array().map(Vec::len), Some(2));
    assert_eq!(net.balance(&a.address()).await, 1_000_005);
}

#[tokio::test]
async fn a_tampered_group_id_is_refused() {
    let net = TestNet::spawn().await;
    let funder = net.key(0);
    let mut txns: Vec<Transaction> = vec![
        net.txn(&funder, Payment::new(fresh_key(13).address(), MicroAlgos(1_000_000))).await,
        net.txn(&funder, Payment::new(fresh_key(14).address(), MicroAlgos(1_000_000))).await,
    ];
    assign_group(&mut txns).expect("group");

    let (status, json) = net.submit(&[txns[0].sign(&funder)]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("group"), "{json}");
}
