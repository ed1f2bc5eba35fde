//! The listener against a real (embedded) Algorand dev network: TipProxy deployed and tipped
//! with signed transactions, blocks read through the same REST client a real node gets.

#![allow(clippy::unwrap_used)]

mod lease;
mod rewards;

use std::sync::Arc;
use std::time::Duration;

use data_encoding::BASE64;
use tempfile::TempDir;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, Payment, StateSchema};
use tipforge_algo::{Address, AppId, MicroAlgos, SecretKey, SignedTransaction, Transaction};
use tipforge_chain::{Algod, ApiToken, ChainMetrics, RetryPolicy};
use tipforge_devnet::{DevnetHandle, FaultConfig};
use tipforge_server::domain::{Clock, Contract, TipQuery};
use tipforge_server::listener::{Cycle, Listener, ListenerConfig};
use tipforge_server::store::Store;

const CONTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/tip_proxy");
const TIP_SELECTOR: [u8; 4] = [0x9e, 0x8c, 0xcd, 0x33];
const CREATE_SELECTOR: [u8; 4] = [0xce, 0x61, 0x02, 0x51];

struct Net {
    devnet: DevnetHandle,
    algod: Algod,
    _dir: TempDir,
    store: Store,
    creator: SecretKey,
    app: AppId,
}

fn program(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{CONTRACT}/{name}.b64")).unwrap();
    BASE64.decode(text.trim().as_bytes()).unwrap()
}

fn algod(devnet: &DevnetHandle, retry: RetryPolicy) -> Algod {
    let token = devnet.token().map(ApiToken::new);
    let metrics = Arc::new(ChainMetrics::default());
    Algod::new(&devnet.algod_url(), token, Duration::from_secs(5), retry, metrics).unwrap()
}

impl Net {
    async fn start() -> Self {
        let devnet = tipforge_devnet::spawn(tipforge_devnet::Config::test()).await.unwrap();
        let algod = algod(&devnet, RetryPolicy::NONE);
        let dir = TempDir::new().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let store = Store::open(&url).await.unwrap();
        let creator = devnet.accounts()[0].key.clone();
        let mut net = Self { devnet, algod, _dir: dir, store, creator, app: AppId(0) };
        net.app = net.deploy().await;
        net
    }

    async fn send(&self, from: &SecretKey, body: impl Into<tipforge_algo::TxnBody>) -> Transaction {
        let params = self.algod.suggested_params().await.unwrap();
        Transaction::builder(from.address(), &params, body).build().unwrap()
    }

    async fn submit(&self, group: &[SignedTransaction]) {
        let bytes: Vec<u8> = group.iter().flat_map(SignedTransaction::encode).collect();
        self.algod.submit(bytes).await.unwrap();
    }

    async fn deploy(&self) -> AppId {
        let me = self.creator.address();
        let create = AppCall::create(
            program("approval"),
            program("clear"),
            StateSchema::new(4, 2),
            StateSchema::new(0, 0),
        )
        .arg(CREATE_SELECTOR.to_vec())
        .arg(me.0.to_vec())
        .arg(me.0.to_vec())
        .arg(100_000u64.to_be_bytes().to_vec());
        let signed = self.send(&self.creator, create).await.sign(&self.creator);
        self.submit(std::slice::from_ref(&signed)).await;
        let app = self.algod.pending(&signed.id()).await.unwrap().application_index.unwrap();
        let fund =
            self.send(&self.creator, Payment::new(Address::for_app(app), MicroAlgos(100_000)));
        self.submit(&[fund.await.sign(&self.creator)]).await;
        let now = Clock::default().now();
        self.store.upsert_fan(&me, now).await.unwrap();
        let contract = Contract {
            app_id: app,
            creator: me,
            app_address: Address::for_app(app),
            version: 1,
            deployed_at: now,
            retired_at: None,
        };
        self.store.insert_contract(&contract).await.unwrap();
        app
    }

    async fn tip(&self, fan: &SecretKey, amount: u64, memo: &str) {
        let pay = self.send(fan, Payment::new(Address::for_app(self.app), MicroAlgos(amount)));
        let memo = [&(memo.len() as u16).to_be_bytes()[..], memo.as_bytes()].concat();
        let call = AppCall::new(self.app).arg(TIP_SELECTOR.to_vec()).arg(memo);
        let mut call = self.send(fan, call.account(self.creator.address())).await;
        call.header.fee = MicroAlgos(2_000);
        let mut group = vec![pay.await, call];
        assign_group(&mut group).unwrap();
        let signed: Vec<_> = group.iter().map(|txn| txn.sign(fan)).collect();
        self.submit(&signed).await;
    }

    fn listener(&self, retry: RetryPolicy) -> Listener {
        let config = ListenerConfig {
            poll_interval: Duration::from_millis(50),
            request_retry: retry,
            ..Default::default()
        };
        Listener::new(
            algod(&self.devnet, retry),
            None,
            self.store.clone(),
            Clock::default(),
            config,
        )
    }

    async fn stored_tips(&self) -> Vec<tipforge_server::domain::Tip> {
        let query = TipQuery { creator: None, fan: None, before: None, limit: 100 };
        self.store.list_tips(&query).await.unwrap().tips
    }
}

#[tokio::test]
async fn tips_through_the_contract_are_stored_once_with_their_details() {
    let net = Net::start().await;
    let fan = net.devnet.accounts()[1].key.clone();
    let listener = net.listener(RetryPolicy::NONE);
    assert!(matches!(listener.run_once().await.unwrap(), Cycle::AtTip { .. }));

    net.tip(&fan, 1_000_000, "gm").await;
    net.tip(&fan, 2_500_000, "☕ thanks").await;
    let cycle = listener.run_once().await.unwrap();

    assert!(matches!(cycle, Cycle::Ingested { found: 2, new: 2, .. }), "{cycle:?}");
    let tips = net.stored_tips().await;
    assert_eq!(tips.len(), 2);
    assert_eq!(tips[0].amount, MicroAlgos(2_500_000));
    assert_eq!(tips[0].memo_text(), "☕ thanks");
    assert_eq!((tips[1].fan, tips[1].creator), (fan.address(), net.creator.address()));
    assert!(matches!(listener.run_once().await.unwrap(), Cycle::AtTip { .. }));
    assert_eq!(listener.metrics().snapshot().tips_processed_total, 2);
    assert_eq!(listener.metrics().snapshot().lag_rounds, 0);
}

#[tokio::test]
async fn a_restarted_listener_continues_from_the_watermark_without_repeating() {
    let net = Net::start().await;
    let fan = net.devnet.accounts()[2].key.clone();
    let first = net.listener(RetryPolicy::NONE);
    first.run_once().await.unwrap();
    net.tip(&fan, 1_000_000, "one").await;
    first.run_once().await.unwrap();
    // A clean stop hands the ingest lease on; the restarted instance has a new id.
    first.release().await;
    drop(first);

    net.tip(&fan, 1_000_000, "two").await;
    let second = net.listener(RetryPolicy::NONE);
    let cycle = second.run_once().await.unwrap();

    assert!(matches!(cycle, Cycle::Ingested { found: 1, new: 1, .. }), "{cycle:?}");
    let memos: Vec<_> = net.stored_tips().await.iter().map(|tip| tip.memo_text()).collect();
    assert_eq!(memos, ["two", "one"]);
}

#[tokio::test]
async fn tips_sent_while_the_node_fails_half_its_requests_are_all_stored() {
    let net = Net::start().await;
    let fan = net.devnet.accounts()[3].key.clone();
    let listener = net.listener(RetryPolicy { attempts: 8, first_delay: Duration::from_millis(5) });
    listener.run_once().await.unwrap();
    for n in 0..5 {
        net.tip(&fan, 1_000_000 + n, "storm").await;
    }
    let faults = FaultConfig { unavailable_per_mille: 500, ..FaultConfig::default() };
    net.devnet.faults().set(faults);

    let mut cycles = 0;
    while net.stored_tips().await.len() < 5 && cycles < 50 {
        let _ = listener.run_once().await;
        cycles += 1;
    }

    net.devnet.faults().set(FaultConfig::default());
    let tips = net.stored_tips().await;
    assert_eq!(tips.len(), 5);
    let mut amounts: Vec<u64> = tips.iter().map(|tip| tip.amount.0).collect();
    amounts.sort_unstable();
    assert_eq!(amounts, [1_000_000, 1_000_001, 1_000_002, 1_000_003, 1_000_004]);
}

#[tokio::test]
async fn a_node_failing_part_way_through_a_catch_up_loses_none_of_the_rounds_read() {
    let net = Net::start().await;
    let fan = net.devnet.accounts()[4].key.clone();
    let listener = net.listener(RetryPolicy::NONE);
    listener.run_once().await.unwrap();
    for n in 0..30 {
        net.tip(&fan, 1_000_000 + n, "catch-up").await;
    }
    // No retries and a third of all requests failing: a cycle reading 30-odd rounds almost
    // never gets them all, so progress depends on committing the rounds it did read.
    let faults = FaultConfig { unavailable_per_mille: 300, ..FaultConfig::default() };
    net.devnet.faults().set(faults);

    let mut cycles = 0;
    let mut partial = 0;
    while net.stored_tips().await.len() < 30 && cycles < 200 {
        let before = net.algod.status().await.map(|status| status.last_round);
        if let (Ok(Cycle::Ingested { to, .. }), Ok(current)) = (listener.run_once().await, before) {
            partial += usize::from(to < current);
        }
        cycles += 1;
    }

    net.devnet.faults().set(FaultConfig::default());
    while !matches!(listener.run_once().await.unwrap(), Cycle::AtTip { .. }) {}
    let mut amounts: Vec<u64> = net.stored_tips().await.iter().map(|tip| tip.amount.0).collect();
    amounts.sort_unstable();
    assert_eq!(amounts, (0..30).map(|n| 1_000_000 + n).collect::<Vec<_>>(), "each tip once");
    assert!(partial > 0, "no cycle committed a part of its rounds");
}
