//! A devnet, a fresh database (SQLite or PostgreSQL), a creator with a template, and helpers
//! to queue rewards and read what the chain holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sqlx::{AnyConnection, Connection, Executor};
use tempfile::TempDir;
use tipforge_algo::transaction::Payment;
use tipforge_algo::{
    Address, AppId, AssetId, MicroAlgos, Round, SecretKey, SignedTransaction, Transaction, TxnBody,
};
use tipforge_chain::{Algod, ApiToken, ChainMetrics, Indexer, RetryPolicy};
use tipforge_devnet::{DevnetHandle, MiningMode};
use tipforge_server::domain::{
    Clock, Contract, JobKey, JobState, Role, RuleParameters, Supply, Template, TemplateId,
    TemplateKind, Timestamp, Tip, Variant,
};
use tipforge_server::minter::{Minter, MinterConfig};
use tipforge_server::store::{NewRewardJob, Store};
use tokio::sync::Notify;

const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh database, removed when dropped.
pub(crate) enum TestDb {
    Sqlite { _dir: TempDir, url: String },
    Postgres { admin_url: String, name: String, url: String },
}

impl TestDb {
    pub(crate) fn sqlite() -> Self {
        let dir = TempDir::new().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("minter.db").display());
        Self::Sqlite { _dir: dir, url }
    }

    pub(crate) async fn postgres() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        sqlx::any::install_default_drivers();
        let admin_url =
            std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| POSTGRES_URL.to_owned());
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("tipforge_minter_{}_{count}_{nanos}", std::process::id());
        let mut admin = AnyConnection::connect(&admin_url).await.unwrap();
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
        admin.close().await.unwrap();
        let (server, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{server}/{name}");
        Self::Postgres { admin_url, name, url }
    }

    pub(crate) fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Self::Postgres { admin_url, name, .. } = self else { return };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            runtime.unwrap().block_on(async {
                let mut admin = AnyConnection::connect(&admin_url).await.unwrap();
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                admin.execute(drop.as_str()).await.unwrap();
            });
        });
        let _ = cleanup.join();
    }
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Db {
    Sqlite,
    Postgres,
}

pub(crate) struct Net {
    pub(crate) devnet: DevnetHandle,
    pub(crate) algod: Algod,
    pub(crate) indexer: Indexer,
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) platform: Arc<SecretKey>,
    pub(crate) creator: Address,
    pub(crate) template: Template,
    _db: TestDb,
}

fn retry() -> RetryPolicy {
    RetryPolicy { attempts: 4, first_delay: Duration::from_millis(10) }
}

pub(crate) fn minter_config() -> MinterConfig {
    MinterConfig {
        batch_size: 64,
        concurrency: 8,
        workers: 1,
        poll_interval: Duration::from_millis(50),
        confirm_timeout: Duration::from_secs(10),
        request_retry: retry(),
        ..MinterConfig::default()
    }
}

impl Net {
    pub(crate) async fn start(db: Db) -> Self {
        Self::start_with(db, MiningMode::Dev, None).await
    }

    /// A devnet in `mode`; the platform is a genesis account unless `platform` is given.
    pub(crate) async fn start_with(db: Db, mode: MiningMode, platform: Option<SecretKey>) -> Self {
        let config = tipforge_devnet::Config { mode, ..tipforge_devnet::Config::test() };
        let devnet = tipforge_devnet::spawn(config).await.unwrap();
        let token = || devnet.token().map(ApiToken::new);
        let metrics = Arc::new(ChainMetrics::default());
        let timeout = Duration::from_secs(5);
        let algod = Algod::new(&devnet.algod_url(), token(), timeout, retry(), metrics.clone());
        let indexer = Indexer::new(&devnet.indexer_url(), token(), timeout, retry(), metrics);
        let db = match db {
            Db::Sqlite => TestDb::sqlite(),
            Db::Postgres => TestDb::postgres().await,
        };
        let store = Store::open(db.url()).await.unwrap();
        let platform = platform.unwrap_or_else(|| devnet.accounts()[0].key.clone());
        let creator = SecretKey::generate().address();
        let template = sticker_template(creator, Supply::Unique);
        let net = Self {
            algod: algod.unwrap(),
            indexer: indexer.unwrap(),
            devnet,
            store,
            clock: Clock::default(),
            platform: Arc::new(platform),
            creator,
            template,
            _db: db,
        };
        net.register_creator().await;
        net
    }

    async fn register_creator(&self) {
        let now = self.clock.now();
        self.store.upsert_fan(&self.creator, now).await.unwrap();
        self.store.set_role(&self.creator, Role::Creator).await.unwrap();
        let contract = Contract {
            app_id: AppId(7),
            creator: self.creator,
            app_address: Address::for_app(AppId(7)),
            version: 1,
            deployed_at: now,
            retired_at: None,
        };
        self.store.insert_contract(&contract).await.unwrap();
        self.store.insert_template(&self.template).await.unwrap();
    }

    pub(crate) fn minter(&self) -> Minter {
        self.minter_with(minter_config())
    }

    pub(crate) fn minter_with(&self, config: MinterConfig) -> Minter {
        Minter::new(
            self.algod.clone(),
            Some(self.indexer.clone()),
            self.store.clone(),
            self.clock.clone(),
            self.platform.clone(),
            config,
            Arc::new(Notify::new()),
        )
    }

    /// Stores a tip from `fan` and queues a reward job of `variant` for it.
    pub(crate) async fn reward(&self, fan: Address, variant: Variant) -> JobKey {
        self.rewards(fan, variant, 1).await.remove(0)
    }

    /// Stores `count` tips from `fan` and queues a reward job for each.
    pub(crate) async fn rewards(
        &self,
        fan: Address,
        variant: Variant,
        count: usize,
    ) -> Vec<JobKey> {
        self.rewards_from(&self.template, fan, variant, count).await
    }

    pub(crate) async fn rewards_from(
        &self,
        template: &Template,
        fan: Address,
        variant: Variant,
        count: usize,
    ) -> Vec<JobKey> {
        static TIPS: AtomicU64 = AtomicU64::new(1);
        let now = self.clock.now();
        let tips: Vec<Tip> = (0..count)
            .map(|_| {
                let n = TIPS.fetch_add(1, Ordering::Relaxed);
                Tip {
                    txid: format!("TIP{n:049}"),
                    round: Round(n),
                    intra_round: 0,
                    app_id: AppId(7),
                    fan,
                    creator: self.creator,
                    amount: MicroAlgos(1_000_000),
                    memo: b"gm".to_vec(),
                }
            })
            .collect();
        self.store.ingest_tips("test-network", Round(0), &tips, now).await.unwrap();
        // Ingest judged these tips by the creator's templates and may have queued jobs; each
        // test decides its jobs' variants itself, so those are replaced.
        let mut conn = AnyConnection::connect(self.db_url()).await.unwrap();
        for tip in &tips {
            sqlx::query("DELETE FROM reward_jobs WHERE tip_txid = $1")
                .bind(tip.txid.clone())
                .execute(&mut conn)
                .await
                .unwrap();
        }
        conn.close().await.unwrap();
        let mut keys = Vec::new();
        for tip in tips {
            let key = JobKey { tip_txid: tip.txid, kind: template.kind };
            let job = NewRewardJob { key: key.clone(), template_id: Some(template.id), variant };
            assert!(self.store.queue_reward_job(&job, now).await.unwrap());
            keys.push(key);
        }
        keys
    }

    pub(crate) fn db_url(&self) -> &str {
        self._db.url()
    }

    pub(crate) async fn state(&self, key: &JobKey) -> JobState {
        self.store.reward_job(key).await.unwrap().unwrap().state
    }

    pub(crate) async fn asset_of(&self, key: &JobKey) -> AssetId {
        self.store.reward_job(key).await.unwrap().unwrap().asset_id.expect("minted")
    }

    /// Signs and submits one transaction from `key`, waiting for its block.
    pub(crate) async fn send(&self, key: &SecretKey, body: impl Into<TxnBody>) {
        let params = self.algod.suggested_params().await.unwrap();
        let txn = Transaction::builder(key.address(), &params, body).build().unwrap();
        self.submit(&txn.sign(key)).await;
    }

    pub(crate) async fn submit(&self, signed: &SignedTransaction) {
        self.algod.submit(signed.encode()).await.unwrap();
        for _ in 0..100 {
            if self.algod.pending(&signed.id()).await.unwrap().confirmed_round.is_some() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{} was not confirmed", signed.id());
    }

    /// A new account funded from genesis with `amount`.
    pub(crate) async fn funded(&self, amount: u64) -> SecretKey {
        let key = SecretKey::generate();
        let funder = self.devnet.accounts()[1].key.clone();
        self.send(&funder, Payment::new(key.address(), MicroAlgos(amount))).await;
        key
    }

    /// Every asset the platform account created, as the indexer lists them.
    pub(crate) async fn created_assets(&self) -> Vec<Value> {
        let url = format!(
            "{}/v2/accounts/{}/created-assets",
            self.devnet.indexer_url(),
            self.platform.address()
        );
        let request = reqwest::Client::new().get(url);
        let request = match self.devnet.token() {
            Some(token) => request.header("X-Indexer-API-Token", token),
            None => request,
        };
        let body: Value = request.send().await.unwrap().json().await.unwrap();
        body["assets"].as_array().unwrap().clone()
    }

    /// Runs batches until no job is due (at most `limit` batches).
    pub(crate) async fn drain(&self, minter: &Minter, limit: usize) {
        for _ in 0..limit {
            if minter.run_once().await.unwrap().claimed == 0 {
                return;
            }
        }
    }
}

/// A sticker template with valid ARC-3 data.
pub(crate) fn sticker_template(creator: Address, supply: Supply) -> Template {
    let id = TemplateId::generate();
    Template {
        id,
        creator,
        kind: TemplateKind::Sticker,
        name: format!("Gold Star {}", &id.to_string()[28..]),
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
