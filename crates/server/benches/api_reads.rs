//! Requests per second and latency percentiles of the public read endpoints (a fan's NFTs and
//! statistics, one NFT, the leaderboards, golden odds, tips), each driven by many concurrent
//! keep-alive clients against the real server on a seeded database.
//!
//! `CARGO_TARGET_DIR=/work/target-fans cargo bench -p tipforge-server --bench api_reads`
//!
//! Environment: `BENCH_DATABASE_URL` (default: SQLite in a temporary directory; a
//! `postgres://…` URL of an empty database also works), `BENCH_CLIENTS` (default 32),
//! `BENCH_SECONDS` per endpoint (default 5).

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]
#![allow(clippy::unwrap_used, reason = "a failed setup step ends the benchmark")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Connection, Executor};
use tempfile::TempDir;
use tipforge_algo::{Address, AppId, MicroAlgos, Round};
use tipforge_server::config::Secret;
use tipforge_server::domain::{
    Contract, Role, RuleParameters, Supply, Template, TemplateId, TemplateKind, Timestamp, Tip,
};
use tipforge_server::store::Store;
use tipforge_server::{Config, build};

const CREATORS: u64 = 50;
const FANS: u64 = 2_000;
const TIPS: u64 = 20_000;
/// The fan whose collection is read: every 10th tip is theirs and earned an NFT.
const HOT_FAN_EVERY: u64 = 10;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn wallet(kind: u8, n: u64) -> Address {
    let mut bytes = [kind; 32];
    bytes[24..].copy_from_slice(&n.to_be_bytes());
    Address(bytes)
}

#[tokio::main]
async fn main() {
    let dir = TempDir::new().unwrap();
    let default_url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or(default_url);
    let (clients, seconds) = (env_or("BENCH_CLIENTS", 32usize), env_or("BENCH_SECONDS", 5u64));
    let mut config = Config::test();
    config.data_dir = dir.path().join("data");
    config.database_url = Some(Secret::new(&url));
    let app = build(config).await.unwrap();
    let base = format!("http://{}", app.address());
    let hot_fan = seed(app.store(), &url).await;
    let shutdown = app.shutdown_token();
    let running = tokio::spawn(app.run_until(std::future::pending()));

    let creator = wallet(1, 0);
    let paths = [
        format!("/fans/{hot_fan}/nfts?limit=20"),
        format!("/fans/{hot_fan}/nfts?limit=20&variant=golden"),
        format!("/fans/{hot_fan}/stats"),
        "/nfts/1000".to_owned(),
        "/leaderboards/creators?limit=20".to_owned(),
        format!("/creators/{creator}/leaderboard?limit=20"),
        format!("/golden-odds?amount=5000000&creator={creator}"),
        "/tips?limit=20".to_owned(),
    ];
    println!(
        "{clients} clients, {seconds} s per endpoint, database {}",
        url.split(':').next().unwrap()
    );
    println!("{:<72} {:>9} {:>9} {:>9}", "endpoint", "req/s", "p50 ms", "p99 ms");
    for path in paths {
        let url = format!("{base}{path}");
        drive(&url, clients, Duration::from_secs(1)).await;
        let (requests, mut latencies) = drive(&url, clients, Duration::from_secs(seconds)).await;
        latencies.sort_unstable();
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
        let rate = requests as f64 / seconds as f64;
        let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
        println!("{path:<72} {rate:>9.0} {:>9.2} {:>9.2}", ms(at(0.5)), ms(at(0.99)));
    }
    shutdown.cancel();
    let _ = running.await;
}

/// `clients` loops requesting `url` until `duration` has passed; every answer must be 200.
async fn drive(url: &str, clients: usize, duration: Duration) -> (u64, Vec<Duration>) {
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build().unwrap();
    let url: Arc<str> = Arc::from(url);
    let end = Instant::now() + duration;
    let workers = (0..clients).map(|_| {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < end {
                let start = Instant::now();
                let response = client.get(&*url).send().await.unwrap();
                assert!(response.status().is_success(), "{url}: {}", response.status());
                response.bytes().await.unwrap();
                latencies.push(start.elapsed());
            }
            latencies
        })
    });
    let mut all = Vec::new();
    for worker in workers.collect::<Vec<_>>() {
        all.extend(worker.await.unwrap());
    }
    (all.len() as u64, all)
}

/// 50 creators with a sticker template each, 2,000 fans, 20,000 tips; the hot fan holds an NFT
/// for each of their 2,000 tips, a third of them golden. Returns the hot fan.
async fn seed(store: &Store, url: &str) -> Address {
    let hot_fan = wallet(3, 0);
    let mut templates = Vec::new();
    for n in 0..CREATORS {
        let creator = wallet(1, n);
        store.upsert_fan(&creator, Timestamp(0)).await.unwrap();
        store.set_role(&creator, Role::Creator).await.unwrap();
        let app_id = AppId(1_000 + n);
        let contract = Contract {
            app_id,
            creator,
            app_address: Address::for_app(app_id),
            version: 1,
            deployed_at: Timestamp(0),
            retired_at: None,
        };
        store.insert_contract(&contract).await.unwrap();
        let template = Template {
            id: TemplateId::generate(),
            creator,
            kind: TemplateKind::Sticker,
            name: format!("sticker-{n}"),
            supply: Supply::Unique,
            image_cid: format!("bafy-{n}"),
            image_mime: "image/png".to_owned(),
            metadata_cid: format!("bafy-meta-{n}"),
            metadata_url: format!("ipfs://bafy-meta-{n}#arc3"),
            metadata_hash: "AAAA".to_owned(),
            rules: RuleParameters {
                threshold: Some(MicroAlgos(1_000_000)),
                golden_odds_bps: Some(1_500),
                ..RuleParameters::default()
            },
            created_at: Timestamp(0),
        };
        store.insert_template(&template).await.unwrap();
        templates.push(template.id);
    }
    let tips: Vec<Tip> = (0..TIPS)
        .map(|n| {
            let creator = n % CREATORS;
            let fan = if n % HOT_FAN_EVERY == 0 { hot_fan } else { wallet(2, n % FANS) };
            Tip {
                txid: format!("TX{n:08}"),
                round: Round(1 + n / 10),
                intra_round: n % 10,
                app_id: AppId(1_000 + creator),
                fan,
                creator: wallet(1, creator),
                amount: MicroAlgos(500_000 + (n % 97) * 100_000),
                memo: b"gm".to_vec(),
            }
        })
        .collect();
    store.ingest_tips("bench", Round(TIPS), &tips, Timestamp(0)).await.unwrap();
    let mut conn = AnyConnection::connect(url).await.unwrap();
    let mut sql = conn.begin().await.unwrap();
    // Ingest queued a sticker job for every tip the templates reward. The bench reads a settled
    // history, so every job is done (the minter stays idle) and the hot fan holds their NFTs.
    sqlx::query("UPDATE reward_jobs SET state = 'done'").execute(&mut *sql).await.unwrap();
    for tip in tips.iter().filter(|tip| tip.fan == hot_fan) {
        let n: u64 = tip.txid[2..].parse().unwrap();
        let template = templates[(n % CREATORS) as usize].to_string();
        let variant = if n % 3 == 0 { "golden" } else { "soulbound" };
        let asset = i64::try_from(1_000 + n / HOT_FAN_EVERY).unwrap();
        sqlx::query(
            "INSERT INTO reward_jobs (tip_txid, kind, template_id, variant, state, \
             next_attempt_at, asset_id, created_at, updated_at) \
             VALUES ($1, 'sticker', $2, $3, 'done', 0, $4, 0, 0) \
             ON CONFLICT (tip_txid, kind) DO UPDATE \
             SET variant = excluded.variant, asset_id = excluded.asset_id",
        )
        .bind(tip.txid.clone())
        .bind(template.clone())
        .bind(variant)
        .bind(asset)
        .execute(&mut *sql)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO nfts (tip_txid, kind, asset_id, template_id, owner, creator, variant, \
             delivery, minted_at) VALUES ($1, 'sticker', $2, $3, $4, $5, $6, 'delivered', $7)",
        )
        .bind(tip.txid.clone())
        .bind(asset)
        .bind(template)
        .bind(hot_fan.to_string())
        .bind(tip.creator.to_string())
        .bind(variant)
        .bind(i64::try_from(n).unwrap() * 1_000)
        .execute(&mut *sql)
        .await
        .unwrap();
    }
    sql.commit().await.unwrap();
    // PostgreSQL's autovacuum analyses freshly loaded tables within a minute or so; analysing at
    // once gives the plans a running server has, instead of those for empty tables.
    if url.starts_with("postgres") {
        conn.execute("ANALYZE").await.unwrap();
    }
    hot_fan
}
