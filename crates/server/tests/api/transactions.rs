//! Relaying signed transactions to the server's embedded devnet: real payments and opt-ins
//! signed with the devnet's funded keys, checked before they are sent, confirmed on algod.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AssetConfig, AssetParams, Payment};
use tipforge_algo::{
    Address, AssetId, MicroAlgos, SecretKey, SignedTransaction, Transaction, TxId,
};
use tipforge_chain::{Algod, ApiToken, ChainMetrics, RetryPolicy};
use tipforge_server::Config;
use tipforge_server::domain::{RuleParameters, TemplateKind};

use crate::helpers::{TestApp, TestDb, error_code, registered_creator};
use crate::rewards::{Minted, mint, sql, template, tip_of, tips};

/// The app, a client of its devnet's algod, and two funded keys (the first genesis account
/// funds the platform, so it is left alone).
struct Relay {
    app: TestApp,
    algod: Algod,
    payer: SecretKey,
    payee: SecretKey,
}

impl Relay {
    async fn start() -> Self {
        Self::with(Config::test()).await
    }

    async fn with(config: Config) -> Self {
        let app = TestApp::spawn_with(config, TestDb::sqlite().await).await;
        let token = app.algod_token.as_deref().map(ApiToken::new);
        let metrics = Arc::new(ChainMetrics::default());
        let timeout = Duration::from_secs(5);
        let algod = Algod::new(&app.algod_url, token, timeout, RetryPolicy::NONE, metrics).unwrap();
        let (payer, payee) = (app.accounts[1].key.clone(), app.accounts[2].key.clone());
        Self { app, algod, payer, payee }
    }

    async fn payment(&self, amount: u64) -> Transaction {
        let params = self.algod.suggested_params().await.unwrap();
        let pay = Payment::new(self.payee.address(), MicroAlgos(amount));
        Transaction::builder(self.payer.address(), &params, pay).build().unwrap()
    }

    async fn post(&self, path: &str, body: &Value, key: Option<&str>) -> Response {
        let mut request = self.app.client.post(format!("{}{path}", self.app.base_url)).json(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.unwrap()
    }

    async fn submit(&self, signed: &SignedTransaction, key: Option<&str>) -> Response {
        let body = json!({ "signedTxn": STANDARD.encode(signed.encode()) });
        self.post("/transactions", &body, key).await
    }

    async fn balance(&self, address: Address) -> u64 {
        self.algod.account(&address).await.unwrap().amount.0
    }

    async fn confirmed(&self, txid: &TxId) -> bool {
        match self.algod.pending(txid).await {
            Ok(pending) => pending.confirmed_round.is_some(),
            Err(_) => false,
        }
    }
}

async fn data(response: Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["data"].clone()
}

#[tokio::test]
async fn params_come_from_the_node() {
    let relay = Relay::start().await;

    let params = data(relay.app.get("/transactions/params").await).await;

    let node = relay.algod.suggested_params().await.unwrap();
    assert_eq!(params["genesisId"], node.genesis_id);
    assert_eq!(params["genesisHash"], STANDARD.encode(node.genesis_hash));
    assert_eq!(params["minFeeMicroAlgos"], 1_000);
    let (first, last) = (params["firstValid"].as_u64().unwrap(), params["lastValid"].as_u64());
    assert_eq!(last, Some(first + 1_000));
}

#[tokio::test]
async fn a_signed_payment_is_relayed_and_confirmed() {
    let relay = Relay::start().await;
    let before = relay.balance(relay.payee.address()).await;
    let signed = relay.payment(123_456).await.sign(&relay.payer);

    let sent = data(relay.submit(&signed, None).await).await;

    assert_eq!(sent["txid"], signed.id().to_string());
    assert_eq!(sent["txids"], json!([signed.id().to_string()]));
    assert!(relay.confirmed(&signed.id()).await);
    assert_eq!(relay.balance(relay.payee.address()).await, before + 123_456);
}

#[tokio::test]
async fn a_group_is_relayed_whole() {
    let relay = Relay::start().await;
    let before = relay.balance(relay.payee.address()).await;
    let mut group = vec![relay.payment(1_000).await, relay.payment(2_000).await];
    group[1].header.note = b"second".to_vec();
    assign_group(&mut group).unwrap();
    let signed: Vec<_> = group.iter().map(|txn| txn.sign(&relay.payer)).collect();
    let encoded: Vec<_> = signed.iter().map(|txn| STANDARD.encode(txn.encode())).collect();

    let sent = relay.post("/transactions/group", &json!({ "signedTxns": encoded }), None).await;

    let sent = data(sent).await;
    let ids: Vec<_> = signed.iter().map(|txn| txn.id().to_string()).collect();
    assert_eq!(sent["txids"], json!(ids));
    assert_eq!(sent["txid"], ids[0]);
    for txn in &signed {
        assert!(relay.confirmed(&txn.id()).await);
    }
    assert_eq!(relay.balance(relay.payee.address()).await, before + 3_000);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer_and_refuses_another_payload() {
    let relay = Relay::start().await;
    let before = relay.balance(relay.payee.address()).await;
    let first = relay.payment(10_000).await.sign(&relay.payer);
    let other = relay.payment(20_000).await.sign(&relay.payer);

    let sent = relay.submit(&first, Some("pay-once")).await;
    let replayed = relay.submit(&first, Some("pay-once")).await;
    let reused = relay.submit(&other, Some("pay-once")).await;

    assert_eq!(sent.status(), StatusCode::OK);
    assert_eq!(replayed.status(), StatusCode::OK);
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");
    let (sent, replayed) = (sent.text().await.unwrap(), replayed.text().await.unwrap());
    assert_eq!(sent, replayed);
    let sent: Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(sent["data"]["txid"], first.id().to_string());
    assert_eq!(reused.status(), StatusCode::CONFLICT);
    assert_eq!(error_code(reused).await, "idempotency_key_reused");
    assert!(!relay.confirmed(&other.id()).await);
    assert_eq!(relay.balance(relay.payee.address()).await, before + 10_000);
    // Without the key the same bytes go to the node again, which refuses a duplicate: the
    // replay above did not resubmit.
    let again = relay.submit(&first, None).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(again).await, "chain_rejected");
}

#[tokio::test]
async fn a_node_rejection_is_chain_rejected_and_frees_the_key() {
    let relay = Relay::start().await;
    let everything = relay.balance(relay.payer.address()).await;
    let overspend = relay.payment(everything * 2).await.sign(&relay.payer);

    for _ in 0..2 {
        let response = relay.submit(&overspend, Some("too-much")).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error_code(response).await, "chain_rejected");
    }
    // Nothing was done under the key, so it is free for the corrected payment.
    let affordable = relay.payment(1_000).await.sign(&relay.payer);
    assert_eq!(relay.submit(&affordable, Some("too-much")).await.status(), StatusCode::OK);
    assert!(relay.confirmed(&affordable.id()).await);
}

/// Unsorted map keys: the same transaction, not in canonical form.
fn reordered(signed: &SignedTransaction) -> Vec<u8> {
    let bytes = signed.encode();
    // {"sig": bin 64, "txn": {...}}: 0x82, then 70 bytes of "sig" entry, then "txn".
    assert_eq!(&bytes[..5], [0x82, 0xa3, b's', b'i', b'g']);
    [&bytes[..1], &bytes[71..], &bytes[1..71]].concat()
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let relay = Relay::start().await;
    let payer_before = relay.balance(relay.payer.address()).await;
    let txn = relay.payment(5_000).await;
    let signed = txn.sign(&relay.payer);
    let mut forged = signed.encode();
    forged[10] ^= 1;
    let wrong_key = txn.sign(&relay.payee);
    // Signed by another key, without the rekey marker that would name it as the signer.
    let value = wrong_key.value();
    let wrong_key_value = tipforge_algo::msgpack::Value::map([
        ("sig", value.get("sig").unwrap().clone()),
        ("txn", value.get("txn").unwrap().clone()),
    ]);
    let wrong_key = SignedTransaction::from_value(wrong_key_value).unwrap();
    let mut other_network = txn.clone();
    other_network.header.genesis_hash = [0; 32];
    let other_network = other_network.sign(&relay.payer);
    let mut grouped = vec![txn.clone(), relay.payment(6_000).await];
    assign_group(&mut grouped).unwrap();
    let grouped: Vec<_> = grouped.iter().map(|txn| txn.sign(&relay.payer)).collect();
    let b64 = |bytes: &[u8]| STANDARD.encode(bytes);

    let singles = [
        json!({ "signedTxn": "not base64!" }),
        json!({ "signedTxn": b64(b"\x81\xa3txn\xc0") }),
        json!({ "signedTxn": b64(&reordered(&signed)) }),
        json!({ "signedTxn": b64(&forged) }),
        json!({ "signedTxn": b64(&wrong_key.encode()) }),
        json!({ "signedTxn": b64(&other_network.encode()) }),
        json!({ "signedTxn": b64(&grouped[0].encode()) }),
        json!({ "signedTxn": "A".repeat(600 * 1024) }),
        json!({ "signedTxns": [b64(&signed.encode())] }),
        json!({}),
    ];
    for body in &singles {
        let response = relay.post("/transactions", body, None).await;

        let status = response.status();
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::PAYLOAD_TOO_LARGE,
            "{status} for {}",
            &body.to_string()[..body.to_string().len().min(120)]
        );
        error_code(response).await;
    }
    let groups = [
        json!({ "signedTxns": [] }),
        json!({ "signedTxns": [b64(&grouped[1].encode()), b64(&grouped[0].encode())] }),
        json!({ "signedTxns": [b64(&grouped[0].encode())] }),
        json!({ "signedTxns": [b64(&grouped[0].encode()), b64(&forged)] }),
        json!({ "signedTxns": vec![b64(&signed.encode()); 17] }),
    ];
    for body in &groups {
        let response = relay.post("/transactions/group", body, None).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        error_code(response).await;
    }

    for txn in [&signed, &grouped[0], &grouped[1], &other_network] {
        assert!(!relay.confirmed(&txn.id()).await);
    }
    assert_eq!(relay.balance(relay.payer.address()).await, payer_before);
}

#[tokio::test]
async fn submissions_are_rate_limited_per_ip() {
    let mut config = Config::test();
    config.rate_limits.transactions_requests = 2;
    let relay = Relay::with(config).await;
    let body = json!({ "signedTxn": "not base64!" });

    let first = relay.post("/transactions", &body, None).await.status();
    let second = relay.post("/transactions", &body, None).await.status();
    let third = relay.post("/transactions/group", &json!({ "signedTxns": [] }), None).await;

    assert_eq!([first, second], [StatusCode::BAD_REQUEST; 2]);
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers().contains_key("retry-after"));
    assert_eq!(relay.app.get("/transactions/params").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_fan_signs_the_offered_opt_in_and_the_devnet_accepts_it() {
    let relay = Relay::start().await;
    let (minter, fan) = (&relay.payer, &relay.payee);
    let params = relay.algod.suggested_params().await.unwrap();
    let create = AssetConfig::create(AssetParams::new(1, 0).unit_name("STICKER"));
    let create = Transaction::builder(minter.address(), &params, create).build().unwrap();
    let create = create.sign(minter);
    relay.algod.submit(create.encode()).await.unwrap();
    let asset: AssetId = relay.algod.pending(&create.id()).await.unwrap().asset_index.unwrap();
    let store = &relay.app.store;
    let creator = registered_creator(store, 10).await;
    let sticker =
        template(store, creator, TemplateKind::Sticker, "s", RuleParameters::default()).await;
    let tip = tip_of(1, 10, creator, fan.address(), 1_000_000);
    tips(store, std::slice::from_ref(&tip)).await;
    let nft = Minted {
        tip: &tip,
        kind: TemplateKind::Sticker,
        template: sticker,
        asset_id: asset.0,
        golden: false,
        awaiting_optin: true,
        minted_at: 1_000,
    };
    mint(&mut sql(&relay.app).await, &nft).await;

    let offered = data(relay.app.get(&format!("/fans/{}/awaiting-optin", fan.address())).await);
    let offered = offered.await[0]["optIn"].clone();
    let unsigned = STANDARD.decode(offered["txn"].as_str().unwrap()).unwrap();
    let signed = Transaction::decode(&unsigned).unwrap().sign(fan);
    let sent = data(relay.submit(&signed, None).await).await;

    assert_eq!(sent["txid"], offered["txid"]);
    assert!(relay.confirmed(&signed.id()).await);
    let holdings = relay.algod.account(&fan.address()).await.unwrap().assets;
    assert!(holdings.iter().any(|holding| holding.asset_id == asset && holding.amount == 0));
}
