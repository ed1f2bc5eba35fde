use tipforge_algo::MicroAlgos;
use tipforge_algo::transaction::Payment;

use crate::helpers::{TestNet, fresh_key};

#[tokio::test]
async fn searches_filter_page_and_run_newest_first_by_address() {
    let net = TestNet::spawn().await;
    let (funder, fan) = (net.key(0), fresh_key(70));
    let mut ids = Vec::new();
    for n in 0..5u64 {
        let txn = net.txn(&funder, Payment::new(fan.address(), MicroAlgos(200_000 + n))).await;
        let mut txn = txn;
        txn.header.note = format!("tip-{n}").into_bytes();
        let signed = txn.sign(&funder);
        ids.push(signed.id().to_string());
        net.confirm(&[signed]).await;
    }

    let mut seen = Vec::new();
    let mut next = String::new();
    loop {
        let path = format!("/v2/transactions?address={}&limit=2{next}", fan.address());
        let (_, page) = net.idx(&path).await;
        let txns = page["transactions"].as_array().expect("transactions").clone();
        if txns.is_empty() {
            break;
        }
        seen.extend(txns.iter().map(|t| t["id"].as_str().expect("id").to_owned()));
        next = format!("&next={}", page["next-token"].as_str().expect("token"));
    }
    let (_, by_note) = net.idx("/v2/transactions?note-prefix=dGlwLTM%3D&tx-type=pay").await;
    let (_, one) = net.idx(&format!("/v2/transactions/{}", ids[0])).await;
    let (_, oldest_first) = net.idx("/v2/transactions?tx-type=pay&limit=1").await;

    ids.reverse();
    assert_eq!(seen, ids);
    assert_eq!(by_note["transactions"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["transaction"]["payment-transaction"]["amount"].as_u64(), Some(200_000));
    assert_eq!(one["transaction"]["tx-type"], "pay");
    assert_eq!(oldest_first["transactions"][0]["id"].as_str(), ids.last().map(String::as_str));
}
