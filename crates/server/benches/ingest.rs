#![allow(missing_docs)] // criterion_group! generates undocumented functions.
//! Tips judged and stored per second: batches of 500 new tips from 100 fans to 5 creators (each
//! with a sticker, a membership and a loyalty badge template), each batch in one transaction
//! with its reward jobs, loyalty counters and memberships, on SQLite and on PostgreSQL (when
//! `TEST_POSTGRES_URL` or the default test server answers). The `_edition` runs give every
//! template an edition supply, so each batch also counts the units its editions have issued.
//!
//! `cargo bench -p tipforge-server --bench ingest` (add `--profile dev` to skip an optimized
//! build; the figures in the README were taken so)

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sqlx::{AnyConnection, Connection, Executor};
use tipforge_algo::{Address, AppId, MicroAlgos, Round, sha512_256};
use tipforge_server::domain::{
    Contract, Role, RuleParameters, Supply, Template, TemplateId, TemplateKind, Timestamp, Tip,
};
use tipforge_server::store::Store;
use tokio::runtime::Runtime;

const BATCH: u64 = 500;
const CREATORS: u64 = 5;
const FANS: u64 = 100;
const GENESIS: &str = "bench";

fn address(tag: &str, n: u64) -> Address {
    Address(sha512_256(format!("{tag}{n}").as_bytes()))
}

fn template(
    creator: Address,
    kind: TemplateKind,
    rules: RuleParameters,
    supply: Supply,
) -> Template {
    Template {
        id: TemplateId::generate(),
        creator,
        kind,
        name: kind.as_str().to_owned(),
        supply,
        image_cid: "bafkimage".to_owned(),
        image_mime: "image/png".to_owned(),
        metadata_cid: "bafkmeta".to_owned(),
        metadata_url: "ipfs://bafkmeta#arc3".to_owned(),
        metadata_hash: "aGFzaA==".to_owned(),
        rules,
        created_at: Timestamp(0),
    }
}

async fn prepared(url: &str, supply: Supply) -> Store {
    let store = Store::open(url).await.expect("the store opens");
    for n in 0..CREATORS {
        let creator = address("creator", n);
        store.upsert_fan(&creator, Timestamp(0)).await.expect("user");
        store.set_role(&creator, Role::Creator).await.expect("role");
        let contract = Contract {
            app_id: AppId(n + 1),
            creator,
            app_address: Address::for_app(AppId(n + 1)),
            version: 1,
            deployed_at: Timestamp(0),
            retired_at: None,
        };
        store.insert_contract(&contract).await.expect("contract");
        let sticker = RuleParameters { threshold: Some(MicroAlgos(1)), ..Default::default() };
        for (kind, rules) in [
            (TemplateKind::Sticker, sticker),
            (TemplateKind::Membership, RuleParameters::default()),
            (TemplateKind::LoyaltyBadge, RuleParameters::default()),
        ] {
            let template = template(creator, kind, rules, supply);
            store.insert_template(&template).await.expect("template");
        }
    }
    store
}

/// The next batch: new txids and rounds every time, every tenth a membership.
fn batch(counter: &AtomicU64) -> (Round, Vec<Tip>) {
    let first = counter.fetch_add(BATCH, Ordering::Relaxed);
    let tips = (first..first + BATCH)
        .map(|n| Tip {
            txid: format!("TX{n}"),
            round: Round(n / 10 + 1),
            intra_round: n % 10,
            app_id: AppId(n % CREATORS + 1),
            fan: address("fan", n % FANS),
            creator: address("creator", n % CREATORS),
            amount: MicroAlgos(5_000_000),
            memo: if n % 10 == 0 { b"MEMBERSHIP".to_vec() } else { b"gm".to_vec() },
        })
        .collect();
    (Round((first + BATCH) / 10 + 1), tips)
}

fn ingest_on(criterion: &mut Criterion, runtime: &Runtime, name: &str, url: &str, supply: Supply) {
    let store = runtime.block_on(prepared(url, supply));
    let counter = AtomicU64::new(0);
    let mut group = criterion.benchmark_group("ingest");
    group.throughput(Throughput::Elements(BATCH));
    group.sample_size(20).measurement_time(Duration::from_secs(20));
    group.bench_function(name, |bench| {
        bench.iter(|| {
            let (round, tips) = batch(&counter);
            let now = Timestamp(1_800_000_000_000);
            runtime.block_on(store.ingest_tips(GENESIS, round, &tips, now)).expect("ingested")
        })
    });
    group.finish();
}

/// A fresh database `tipforge_bench_<pid><suffix>` on the test server, with the admin URL.
fn postgres(runtime: &Runtime, suffix: &str) -> Option<(String, String)> {
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let name = format!("tipforge_bench_{}{suffix}", std::process::id());
    runtime.block_on(async {
        let mut connection = AnyConnection::connect(&admin).await.ok()?;
        connection.execute(format!("CREATE DATABASE {name}").as_str()).await.ok()?;
        let (server, _) = admin.rsplit_once('/')?;
        Some((admin.clone(), format!("{server}/{name}")))
    })
}

fn ingest(criterion: &mut Criterion) {
    sqlx::any::install_default_drivers();
    let runtime = Runtime::new().expect("a runtime");
    let dir = tempfile::TempDir::new().expect("a directory");
    // Large enough that no batch sells out: every reward is issued and counted.
    let edition = Supply::Edition { size: 1_000_000_000 };
    for (suffix, supply) in [("", Supply::Unique), ("_edition", edition)] {
        let sqlite = dir.path().join(format!("bench{suffix}.db"));
        let sqlite = format!("sqlite://{}?mode=rwc", sqlite.display());
        ingest_on(criterion, &runtime, &format!("sqlite{suffix}"), &sqlite, supply);
        let Some((admin, url)) = postgres(&runtime, suffix) else { continue };
        ingest_on(criterion, &runtime, &format!("postgres{suffix}"), &url, supply);
        runtime.block_on(async {
            let mut connection = AnyConnection::connect(&admin).await.expect("admin");
            let (_, name) = url.rsplit_once('/').expect("a database URL");
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            connection.execute(drop.as_str()).await.expect("dropped");
        });
    }
}

criterion_group!(benches, ingest);
criterion_main!(benches);
