use reqwest::StatusCode;

use crate::helpers::{TestNet, fresh_key};

#[tokio::test]
async fn a_payment_confirms_in_the_next_round_and_moves_funds() {
    let net = TestNet::spawn().await;
    let (funder, fan) = (net.key(0), fresh_key(1));
    let before = net.last_round().await;

    let (status, json) = net.pay(&funder, fan.address(), 2_000_000).await;
    let (_, pending) =
        net.get(&format!("/v2/transactions/pending/{}", json["txId"].as_str().expect("id"))).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending["confirmed-round"].as_u64(), Some(before + 1));
    assert_eq!(pending["pool-error"], "");
    assert_eq!(net.balance(&fan.address()).await, 2_000_000);
    assert_eq!(net.last_round().await, before + 1);
}

#[tokio::test]
async fn overspend_and_min_balance_carry_algods_words() {
    let net = TestNet::spawn().await;
    let (funder, fan, other) = (net.key(0), fresh_key(2), fresh_key(3));
    net.pay(&funder, fan.address(), 300_000).await;

    let (overspend, json) = net.pay(&fan, other.address(), 5_000_000).await;
    let (_, below) = net.pay(&fan, other.address(), 50_000).await;
    let (_, drain) = net.pay(&fan, funder.address(), 250_000).await;

    assert_eq!(overspend, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("overspend"), "{json}");
    assert!(below["message"].as_str().expect("message").contains("below min 100000"), "{below}");
    assert!(drain["message"].as_str().expect("message").contains("below min"), "{drain}");
    assert_eq!(net.balance(&fan.address()).await, 300_000);
}

#[tokio::test]
async fn a_close_out_empties_the_account_and_reports_the_closing_amount() {
    let net = TestNet::spawn().await;
    let (funder, fan) = (net.key(0), fresh_key(4));
    net.pay(&funder, fan.address(), 1_000_000).await;
    let body =
        tipforge_algo::transaction::Payment::new(funder.address(), tipforge_algo::MicroAlgos(0))
            .close_remainder_to(funder.address());

    let pending = net.confirm(&[net.signed(&fan, body).await]).await;
    let (_, account) = net.get(&format!("/v2/accounts/{}", fan.address())).await;

    assert_eq!(pending["closing-amount"].as_u64(), Some(999_000));
    assert_eq!(account["amount"].as_u64(), Some(0));
}

#[tokio::test]
async fn duplicates_bad_tokens_and_unknown_txids_are_refused() {
    let net = TestNet::spawn().await;
    let signed = net
        .signed(
            &net.key(0),
            tipforge_algo::transaction::Payment::new(
                fresh_key(5).address(),
                tipforge_algo::MicroAlgos(200_000),
            ),
        )
        .await;
    net.confirm(std::slice::from_ref(&signed)).await;

    let (again, json) = net.submit(&[signed]).await;
    let unauthorized =
        net.client.get(format!("{}/v2/status", net.algod)).send().await.expect("request").status();
    let (missing, _) = net
        .get("/v2/transactions/pending/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;

    assert_eq!(again, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("already in ledger"), "{json}");
    assert_eq!(unauthorized, StatusCode::UNAUTHORIZED);
    assert_eq!(missing, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_rekeyed_account_signs_with_its_new_key() {
    let net = TestNet::spawn().await;
    let (funder, owner, new_key) = (net.key(0), fresh_key(6), fresh_key(7));
    net.pay(&funder, owner.address(), 1_000_000).await;
    let rekey = net
        .txn(
            &owner,
            tipforge_algo::transaction::Payment::new(owner.address(), tipforge_algo::MicroAlgos(0)),
        )
        .await;
    let mut rekey = rekey;
    rekey.header.rekey_to = Some(new_key.address());
    net.confirm(&[rekey.sign(&owner)]).await;

    let pay = net
        .txn(
            &owner,
            tipforge_algo::transaction::Payment::new(
                funder.address(),
                tipforge_algo::MicroAlgos(1),
            ),
        )
        .await;
    let (old, json) = net.submit(&[pay.sign(&owner)]).await;
    let (new, _) = net.submit(&[pay.sign(&new_key)]).await;

    assert_eq!(old, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("should have been authorized by"));
    assert_eq!(new, StatusCode::OK);
}
