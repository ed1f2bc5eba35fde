#![allow(missing_docs)] // criterion_group! generates undocumented functions.
#![allow(
    clippy::print_stderr,
    reason = "the lag each catch-up starts from is reported beside the timings"
)]
//! Listener ingestion under a tip storm from the embedded devnet: a burst of signed tips
//! (payment + `tip` app call groups) lands first, untimed; then the time for the listener to
//! catch up from its watermark to the node's newest round is measured, giving tips ingested
//! per second. The lag in rounds the listener starts each catch-up with is printed to stderr.
//!
//! `cargo bench -p tipforge-server --bench listener --profile dev`

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use data_encoding::BASE64;
use tempfile::TempDir;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, Payment, StateSchema};
use tipforge_algo::{Address, AppId, MicroAlgos, SecretKey, SignedTransaction, Transaction};
use tipforge_chain::{Algod, ApiToken, ChainMetrics, RetryPolicy};
use tipforge_devnet::DevnetHandle;
use tipforge_server::domain::{Clock, Contract};
use tipforge_server::listener::{Cycle, Listener, ListenerConfig};
use tipforge_server::store::Store;
use tokio::runtime::Runtime;

const CONTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/tip_proxy");
const TIP_SELECTOR: [u8; 4] = [0x9e, 0x8c, 0xcd, 0x33];
const CREATE_SELECTOR: [u8; 4] = [0xce, 0x61, 0x02, 0x51];
const STORM: u64 = 200;

fn program(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{CONTRACT}/{name}.b64")).expect("program");
    BASE64.decode(text.trim().as_bytes()).expect("base64 program")
}

struct Bench {
    _devnet: DevnetHandle,
    _dir: TempDir,
    algod: Algod,
    listener: Listener,
    creator: SecretKey,
    fans: Vec<SecretKey>,
    app: AppId,
}

impl Bench {
    async fn start() -> Self {
        let devnet = tipforge_devnet::spawn(tipforge_devnet::Config::test()).await.expect("devnet");
        let token = devnet.token().map(ApiToken::new);
        let metrics = Arc::new(ChainMetrics::default());
        let algod = Algod::new(
            &devnet.algod_url(),
            token,
            Duration::from_secs(5),
            RetryPolicy::NONE,
            metrics,
        )
        .expect("algod");
        let dir = TempDir::new().expect("dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("b.db").display());
        let store = Store::open(&url).await.expect("store");
        let config =
            ListenerConfig { poll_interval: Duration::from_millis(50), ..Default::default() };
        let listener = Listener::new(algod.clone(), None, store.clone(), Clock::default(), config);
        let creator = devnet.accounts()[0].key.clone();
        let fans = devnet.accounts()[1..].iter().map(|account| account.key.clone()).collect();
        let mut bench =
            Self { _devnet: devnet, _dir: dir, algod, listener, creator, fans, app: AppId(0) };
        bench.app = bench.deploy(&store).await;
        bench.listener.run_once().await.expect("first cycle");
        bench
    }

    async fn txn(&self, from: &SecretKey, body: impl Into<tipforge_algo::TxnBody>) -> Transaction {
        let params = self.algod.suggested_params().await.expect("params");
        Transaction::builder(from.address(), &params, body).build().expect("transaction")
    }

    async fn submit(&self, group: &[SignedTransaction]) {
        let bytes: Vec<u8> = group.iter().flat_map(SignedTransaction::encode).collect();
        self.algod.submit(bytes).await.expect("submit");
    }

    async fn deploy(&self, store: &Store) -> AppId {
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
        let signed = self.txn(&self.creator, create).await.sign(&self.creator);
        self.submit(std::slice::from_ref(&signed)).await;
        let pending = self.algod.pending(&signed.id()).await.expect("pending");
        let app = pending.application_index.expect("app id");
        let fund =
            self.txn(&self.creator, Payment::new(Address::for_app(app), MicroAlgos(100_000)));
        self.submit(&[fund.await.sign(&self.creator)]).await;
        let now = Clock::default().now();
        store.upsert_fan(&me, now).await.expect("fan");
        let contract = Contract {
            app_id: app,
            creator: me,
            app_address: Address::for_app(app),
            version: 1,
            deployed_at: now,
            retired_at: None,
        };
        store.insert_contract(&contract).await.expect("contract");
        app
    }

    async fn tip(&self, fan: &SecretKey, amount: u64) {
        let pay = self.txn(fan, Payment::new(Address::for_app(self.app), MicroAlgos(amount)));
        let memo = [&2u16.to_be_bytes()[..], b"gm"].concat();
        let call = AppCall::new(self.app).arg(TIP_SELECTOR.to_vec()).arg(memo);
        let mut call = self.txn(fan, call.account(self.creator.address())).await;
        call.header.fee = MicroAlgos(2_000);
        let mut group = vec![pay.await, call];
        assign_group(&mut group).expect("group");
        let signed: Vec<_> = group.iter().map(|txn| txn.sign(fan)).collect();
        self.submit(&signed).await;
    }

    /// Sends the storm, then times the catch-up; returns it with the lag it started from.
    async fn storm(&self, round: u64) -> (Duration, u64) {
        for n in 0..STORM {
            let fan = &self.fans[usize::try_from(n).unwrap_or(0) % self.fans.len()];
            self.tip(fan, 1_000_000 + round * STORM + n).await;
        }
        let newest = self.algod.status().await.expect("status").last_round;
        let lag = newest.0.saturating_sub(self.listener.metrics().snapshot().watermark.0);
        let started = Instant::now();
        while !matches!(self.listener.run_once().await.expect("cycle"), Cycle::AtTip { .. }) {}
        let elapsed = started.elapsed();
        let stored = self.listener.metrics().snapshot().tips_processed_total;
        assert_eq!(stored, (round + 1) * STORM, "every tip stored once");
        (elapsed, lag)
    }
}

fn listener(c: &mut Criterion) {
    let runtime = Runtime::new().expect("runtime");
    let bench = runtime.block_on(Bench::start());
    let mut group = c.benchmark_group("listener");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.throughput(Throughput::Elements(STORM));
    let mut storms = 0;
    group.bench_function("catch_up_after_200_tips", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let (elapsed, lag) = runtime.block_on(bench.storm(storms));
                storms += 1;
                total += elapsed;
                eprintln!("catch-up from a lag of {lag} rounds took {elapsed:?}");
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, listener);
criterion_main!(benches);
