//! The single-ingester lease: several listeners sharing one PostgreSQL database against one
//! chain, of which exactly one ingests at a time, and a stale holder that cannot commit.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{AnyConnection, Connection, Executor};
use tempfile::TempDir;
use tipforge_algo::{AppId, Round};
use tipforge_chain::RetryPolicy;
use tipforge_server::domain::{Clock, Timestamp};
use tipforge_server::listener::{Listener, ListenerConfig, ListenerMetrics};
use tipforge_server::store::Store;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{Net, algod};

const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Waits for a condition with a generous limit; the limit only turns a hang into a failure.
const PATIENCE: Duration = Duration::from_secs(120);

/// A fresh PostgreSQL database, dropped with this value.
struct PgDb {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDb {
    async fn create() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        sqlx::any::install_default_drivers();
        let admin_url =
            std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| POSTGRES_URL.to_owned());
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!(
            "tipforge_lease_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = AnyConnection::connect(&admin_url).await.unwrap();
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
        admin.close().await.unwrap();
        let (server, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{server}/{name}");
        Self { admin_url, name, url }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
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

impl Net {
    /// A devnet with a deployed contract whose store is a fresh PostgreSQL database.
    async fn start_on_postgres() -> (Self, PgDb) {
        let db = PgDb::create().await;
        let devnet = tipforge_devnet::spawn(tipforge_devnet::Config::test()).await.unwrap();
        let algod = algod(&devnet, RetryPolicy::NONE);
        let store = Store::open(&db.url).await.unwrap();
        let creator = devnet.accounts()[0].key.clone();
        let dir = TempDir::new().unwrap();
        let mut net = Self { devnet, algod, _dir: dir, store, creator, app: AppId(0) };
        net.app = net.deploy().await;
        (net, db)
    }

    /// A listener of its own instance, with its own connection pool to the shared database.
    async fn instance(&self, db: &PgDb, lease_ttl: Duration) -> Listener {
        let config = ListenerConfig {
            poll_interval: Duration::from_millis(50),
            lease_ttl,
            ..ListenerConfig::default()
        };
        let store = Store::open(&db.url).await.unwrap();
        let node = algod(&self.devnet, RetryPolicy::NONE);
        Listener::new(node, None, store, Clock::default(), config)
    }

    async fn tip_count(&self) -> usize {
        self.stored_tips().await.len()
    }
}

/// A listener running in the background, as one server instance's would.
struct Running {
    id: String,
    metrics: std::sync::Arc<ListenerMetrics>,
    shutdown: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

fn run(listener: Listener) -> Running {
    let id = listener.instance_id().to_owned();
    let metrics = listener.metrics().clone();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(listener.run(shutdown.clone()));
    Running { id, metrics, shutdown, task }
}

async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !condition().await {
        assert!(tokio::time::Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Checks, while `condition` is not yet met, that never both instances claim to ingest.
async fn never_both_until<F, Fut>(what: &str, instances: [&Running; 2], mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    eventually(what, || {
        let both = instances.iter().all(|running| running.metrics.snapshot().ingesting);
        assert!(!both, "two instances ingest at once");
        condition()
    })
    .await;
}

#[tokio::test]
async fn two_instances_on_one_database_store_each_tip_exactly_once() {
    let (net, db) = Net::start_on_postgres().await;
    let fan = net.devnet.accounts()[1].key.clone();
    // A lease long enough that no renewal is ever missed on a busy machine: one holder all along.
    let first = run(net.instance(&db, Duration::from_secs(30)).await);
    let second = run(net.instance(&db, Duration::from_secs(30)).await);
    let ids = [first.id.clone(), second.id.clone()];
    never_both_until("a holder", [&first, &second], || async {
        let [a, b] = [&first, &second].map(|running| running.metrics.snapshot());
        (a.ingesting || b.ingesting) && a.lease_holder.is_some() && a.lease_holder == b.lease_holder
    })
    .await;

    for n in 0..12 {
        net.tip(&fan, 1_000_000 + n, "both").await;
    }
    never_both_until("all tips", [&first, &second], || async { net.tip_count().await == 12 }).await;

    let mut amounts: Vec<u64> = net.stored_tips().await.iter().map(|tip| tip.amount.0).collect();
    amounts.sort_unstable();
    assert_eq!(amounts, (0..12).map(|n| 1_000_000 + n).collect::<Vec<_>>());
    let [a, b] = [&first, &second].map(|running| running.metrics.snapshot());
    let (holder, standby) = if a.ingesting { (a, b) } else { (b, a) };
    assert!(ids.contains(&holder.instance_id));
    assert_eq!(standby.lease_holder.as_deref(), Some(holder.instance_id.as_str()));
    assert!(!standby.ingesting && standby.running);
    assert_eq!((holder.tips_processed_total, standby.tips_processed_total), (12, 0));
    for running in [first, second] {
        running.shutdown.cancel();
        running.task.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_standby_takes_over_from_a_dead_holder_at_the_watermark() {
    let (net, db) = Net::start_on_postgres().await;
    let fan = net.devnet.accounts()[2].key.clone();
    // Short, so the takeover comes soon, yet many poll intervals, so that a machine busy with
    // other tests does not make the live holder miss a renewal and lose the lease early.
    let ttl = Duration::from_secs(5);
    let first = run(net.instance(&db, ttl).await);
    eventually("the first holds the lease", || async { first.metrics.snapshot().ingesting }).await;
    let second = run(net.instance(&db, ttl).await);
    eventually("the second sees the holder", || async {
        second.metrics.snapshot().lease_holder.as_deref() == Some(first.id.as_str())
    })
    .await;
    for n in 0..3 {
        net.tip(&fan, 1_000_000 + n, "before").await;
    }
    eventually("tips before", || async { net.tip_count().await == 3 }).await;

    // A crash: the task is gone without releasing its lease, which must run out first.
    first.task.abort();
    let _ = first.task.await;
    let watermark = net.store.watermark(&genesis(&net).await).await.unwrap().unwrap();
    for n in 3..6 {
        net.tip(&fan, 1_000_000 + n, "after").await;
    }
    eventually("the takeover", || async { second.metrics.snapshot().ingesting }).await;
    eventually("tips after", || async { net.tip_count().await == 6 }).await;

    let tips = net.stored_tips().await;
    let mut amounts: Vec<u64> = tips.iter().map(|tip| tip.amount.0).collect();
    amounts.sort_unstable();
    assert_eq!(amounts, (0..6).map(|n| 1_000_000 + n).collect::<Vec<_>>());
    // The new holder stored only what came after the old one's watermark.
    assert_eq!(second.metrics.snapshot().tips_processed_total, 3);
    assert!(tips.iter().filter(|tip| tip.memo_text() == "after").all(|tip| tip.round > watermark));
    second.shutdown.cancel();
    second.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_stopped_holder_hands_the_lease_on_at_once() {
    let (net, db) = Net::start_on_postgres().await;
    let fan = net.devnet.accounts()[3].key.clone();
    // Far longer than the test waits: only the release lets the second in.
    let ttl = Duration::from_secs(3600);
    let first = run(net.instance(&db, ttl).await);
    eventually("the first holds the lease", || async { first.metrics.snapshot().ingesting }).await;
    let second = run(net.instance(&db, ttl).await);
    eventually("the second sees the holder", || async {
        second.metrics.snapshot().lease_holder.as_deref() == Some(first.id.as_str())
    })
    .await;

    first.shutdown.cancel();
    first.task.await.unwrap().unwrap();
    net.tip(&fan, 1_000_000, "handed on").await;
    eventually("the tip", || async { net.tip_count().await == 1 }).await;
    assert!(second.metrics.snapshot().ingesting);
    second.shutdown.cancel();
    second.task.await.unwrap().unwrap();
}

async fn genesis(net: &Net) -> String {
    let params = net.algod.suggested_params().await.unwrap();
    data_encoding::BASE64.encode(&params.genesis_hash)
}

async fn stale_holder_cannot_commit(store: &Store) {
    let network = "lease-test-network";
    let ttl = Duration::from_secs(10);
    let t0 = Timestamp(1_000_000);
    let old = store.take_lease(network, "old", Round(10), t0, ttl).await.unwrap();
    assert!(old.held);
    let early = store.take_lease(network, "new", Round(10), t0.plus(ttl / 2), ttl).await.unwrap();
    assert!(!early.held);
    assert_eq!(early.holder.as_deref(), Some("old"));

    // The old holder stalls past its lease; the new one takes over.
    let late = t0.plus(ttl * 2);
    assert!(store.take_lease(network, "new", Round(10), late, ttl).await.unwrap().held);
    let expires = late.plus(ttl);
    let refused =
        store.ingest_leased_batch(network, "old", expires, Round(20), &[], &[], late).await;
    assert_eq!(refused.unwrap(), None);
    assert_eq!(store.watermark(network).await.unwrap(), Some(Round(10)));
    let renewed = store.take_lease(network, "old", Round(10), late, ttl).await.unwrap();
    assert_eq!((renewed.held, renewed.holder.as_deref()), (false, Some("new")));

    let committed =
        store.ingest_leased_batch(network, "new", expires, Round(20), &[], &[], late).await;
    assert!(committed.unwrap().is_some());
    assert_eq!(store.watermark(network).await.unwrap(), Some(Round(20)));
}

#[tokio::test]
async fn a_stale_holders_batch_is_refused_on_postgres() {
    let db = PgDb::create().await;
    stale_holder_cannot_commit(&Store::open(&db.url).await.unwrap()).await;
}

#[tokio::test]
async fn a_stale_holders_batch_is_refused_on_sqlite() {
    let dir = TempDir::new().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("lease.db").display());
    stale_holder_cannot_commit(&Store::open(&url).await.unwrap()).await;
}
