#![allow(missing_docs)] // criterion_group! generates undocumented functions.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed setup ends the benchmark")]
//! Rewards through the minter per second against the embedded devnet in interval mode (a block
//! every 500 ms), on SQLite: unique rewards from queued to minted (one asset each, the fan's
//! opt-in checked), and edition rewards from queued to delivered to opted-in fans (the
//! edition's asset shared). Each iteration queues a fresh batch and times the minter until all
//! of it is through.
//!
//! `CARGO_TARGET_DIR=/work/target-minter cargo bench -p tipforge-server --bench rewards`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tempfile::TempDir;
use tipforge_algo::transaction::AssetTransfer;
use tipforge_algo::{Address, AppId, MicroAlgos, Round, SecretKey, Transaction};
use tipforge_chain::{Algod, ApiToken, ChainMetrics, RetryPolicy};
use tipforge_devnet::{DevnetHandle, MiningMode};
use tipforge_server::domain::{
    Clock, Contract, JobKey, Role, RuleParameters, Supply, Template, TemplateId, TemplateKind,
    Timestamp, Tip, Variant,
};
use tipforge_server::minter::{Minter, MinterConfig};
use tipforge_server::store::{NewRewardJob, Store};
use tokio::runtime::Runtime;
use tokio::sync::Notify;

const JOBS: usize = 256;

struct Env {
    devnet: DevnetHandle,
    algod: Algod,
    store: Store,
    clock: Clock,
    minter: Minter,
    creator: Address,
    fans: Vec<SecretKey>,
    _dir: TempDir,
}

fn template(creator: Address, supply: Supply) -> Template {
    let id = TemplateId::generate();
    Template {
        id,
        creator,
        kind: TemplateKind::Sticker,
        name: format!("Bench {}", &id.to_string()[28..]),
        supply,
        image_cid: "bafkreiimage".into(),
        image_mime: "image/png".into(),
        metadata_cid: "bafkreimetadata".into(),
        metadata_url: "ipfs://bafkreimetadata#arc3".into(),
        metadata_hash: STANDARD.encode([7u8; 32]),
        rules: RuleParameters::default(),
        created_at: Timestamp(0),
    }
}

impl Env {
    async fn start() -> Self {
        let mode = MiningMode::Interval(Duration::from_millis(500));
        let config = tipforge_devnet::Config { mode, ..tipforge_devnet::Config::test() };
        let devnet = tipforge_devnet::spawn(config).await.unwrap();
        let token = devnet.token().map(ApiToken::new);
        let metrics = Arc::new(ChainMetrics::default());
        let retry = RetryPolicy { attempts: 4, first_delay: Duration::from_millis(10) };
        let timeout = Duration::from_secs(10);
        let algod = Algod::new(&devnet.algod_url(), token, timeout, retry, metrics).unwrap();
        let dir = TempDir::new().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
        let store = Store::open(&url).await.unwrap();
        let clock = Clock::default();
        let accounts = devnet.accounts();
        let config = MinterConfig {
            batch_size: JOBS as u32,
            concurrency: 64,
            poll_interval: Duration::from_millis(20),
            ..MinterConfig::default()
        };
        let minter = Minter::new(
            algod.clone(),
            None,
            store.clone(),
            clock.clone(),
            Arc::new(accounts[0].key.clone()),
            config,
            Arc::new(Notify::new()),
        );
        let creator = SecretKey::generate().address();
        let now = clock.now();
        store.upsert_fan(&creator, now).await.unwrap();
        store.set_role(&creator, Role::Creator).await.unwrap();
        let contract = Contract {
            app_id: AppId(1),
            creator,
            app_address: Address::for_app(AppId(1)),
            version: 1,
            deployed_at: now,
            retired_at: None,
        };
        store.insert_contract(&contract).await.unwrap();
        let fans = accounts[1..].iter().map(|account| account.key.clone()).collect();
        Self { devnet, algod, store, clock, minter, creator, fans, _dir: dir }
    }

    /// Queues one tip and reward job per fan in `fans`.
    async fn queue(&self, template: &Template, fans: &[Address]) -> Vec<JobKey> {
        static TIPS: AtomicU64 = AtomicU64::new(1);
        let now = self.clock.now();
        let tips: Vec<Tip> = fans
            .iter()
            .map(|fan| {
                let n = TIPS.fetch_add(1, Ordering::Relaxed);
                Tip {
                    txid: format!("BENCH{n:047}"),
                    round: Round(n),
                    intra_round: 0,
                    app_id: AppId(1),
                    fan: *fan,
                    creator: self.creator,
                    amount: MicroAlgos(1_000_000),
                    memo: Vec::new(),
                }
            })
            .collect();
        self.store.ingest_tips("bench", Round(0), &tips, now).await.unwrap();
        let mut keys = Vec::new();
        for tip in tips {
            let key = JobKey { tip_txid: tip.txid, kind: TemplateKind::Sticker };
            let job = NewRewardJob {
                key: key.clone(),
                template_id: Some(template.id),
                variant: Variant::Soulbound,
            };
            self.store.queue_reward_job(&job, now).await.unwrap();
            keys.push(key);
        }
        keys
    }

    /// Runs batches until `count` jobs are in `state`.
    async fn until(&self, state: &str, count: u64) {
        loop {
            self.minter.run_once().await.unwrap();
            let jobs = self.store.reward_jobs_by_state().await.unwrap();
            if jobs.get(state).copied().unwrap_or(0) >= count {
                return;
            }
            // Editions wait a poll interval for their asset.
            self.clock.advance(Duration::from_millis(50));
        }
    }
}

fn rewards(c: &mut Criterion) {
    let runtime = Runtime::new().unwrap();
    let env = runtime.block_on(Env::start());
    let unique = template(env.creator, Supply::Unique);
    let edition = template(env.creator, Supply::Edition { size: 10_000_000 });
    runtime.block_on(async {
        env.store.insert_template(&unique).await.unwrap();
        env.store.insert_template(&edition).await.unwrap();
        // The edition's asset, minted and opted in to by every fan before timing.
        let fans: Vec<Address> = env.fans.iter().map(SecretKey::address).collect();
        let first = env.queue(&edition, &fans[..1]).await;
        env.until("awaiting_optin", 1).await;
        let asset = env.store.reward_job(&first[0]).await.unwrap().unwrap().asset_id.unwrap();
        for fan in &env.fans {
            let params = env.algod.suggested_params().await.unwrap();
            let body = AssetTransfer::opt_in(asset, fan.address());
            let txn = Transaction::builder(fan.address(), &params, body).build().unwrap();
            env.algod.submit(txn.sign(fan).encode()).await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        env.store.release_awaiting_optin(&fans[0], asset, env.clock.now()).await.unwrap();
        env.until("done", 1).await;
    });

    let mut group = c.benchmark_group("rewards");
    group.sample_size(10).throughput(Throughput::Elements(JOBS as u64));
    let minted = AtomicU64::new(0);
    group.bench_function("unique_queued_to_minted", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let fans: Vec<Address> =
                        (0..JOBS).map(|_| SecretKey::generate().address()).collect();
                    env.queue(&unique, &fans).await;
                    let target = minted.fetch_add(JOBS as u64, Ordering::Relaxed) + JOBS as u64;
                    let started = Instant::now();
                    env.until("awaiting_optin", target).await;
                    total += started.elapsed();
                }
                total
            })
        });
    });
    let delivered = AtomicU64::new(1);
    group.bench_function("edition_queued_to_delivered", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let fans: Vec<Address> =
                        (0..JOBS).map(|n| env.fans[n % env.fans.len()].address()).collect();
                    env.queue(&edition, &fans).await;
                    let target = delivered.fetch_add(JOBS as u64, Ordering::Relaxed) + JOBS as u64;
                    let started = Instant::now();
                    env.until("done", target).await;
                    total += started.elapsed();
                }
                total
            })
        });
    });
    group.finish();
    runtime.block_on(async move { env.devnet.shutdown().await });
}

criterion_group!(benches, rewards);
criterion_main!(benches);
