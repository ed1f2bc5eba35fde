use tipforge_algo::block::block_transactions;
use tipforge_algo::msgpack;

use crate::helpers::{TestNet, fresh_key};

#[tokio::test]
async fn msgpack_blocks_let_a_listener_recompute_txids() {
    let net = TestNet::spawn().await;
    let (_, json) = net.pay(&net.key(0), fresh_key(50).address(), 300_000).await;
    let round = net.last_round().await;

    let bytes = net.get_bytes(&format!("/v2/blocks/{round}?format=msgpack")).await;
    let response = msgpack::decode(&bytes).expect("msgpack");
    let block = response.get("block").expect("block");
    let txns = block_transactions(block).expect("payset");
    let (_, json_block) = net.get(&format!("/v2/blocks/{round}")).await;
    let (_, previous) = net.get(&format!("/v2/blocks/{}/hash", round - 1)).await;

    assert_eq!(txns.len(), 1);
    assert_eq!(txns[0].signed.id().to_string(), json["txId"].as_str().expect("id"));
    assert!(txns[0].signed.verify().is_ok());
    assert_eq!(block.get("rnd").and_then(|r| r.as_u64("rnd").ok()), Some(round));
    assert_eq!(json_block["block"]["rnd"].as_u64(), Some(round));
    assert_eq!(json_block["block"]["txns"][0]["hgi"], true);
    assert!(json_block["block"]["txns"][0]["txn"].get("gh").is_none());
    assert_eq!(previous["blockHash"].as_str().map(str::len), Some(52));
}
