//! `tipforge serve` as a whole: the server with its embedded devnet, platform account and
//! listener, tipped through a real TipProxy and read back through the API.

#![allow(clippy::unwrap_used)]

mod chain;

use std::path::Path;
use std::time::Duration;

use data_encoding::BASE64;
use reqwest::StatusCode;
use serde_json::Value;
use tempfile::TempDir;
use tipforge_algo::{Address, AssetId, SecretKey, Transaction};
use tipforge_server::config::Secret;
use tipforge_server::domain::{
    JobState, RuleParameters, Supply, Template, TemplateId, TemplateKind, Timestamp,
};
use tipforge_server::store::Store;
use tipforge_server::{Config, RunError, build};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::chain::Chain;

/// A running server on a free port, its devnet inside it.
struct Served {
    base_url: String,
    client: reqwest::Client,
    chain: Chain,
    platform: Address,
    store: Store,
    shutdown: CancellationToken,
    running: JoinHandle<Result<(), RunError>>,
}

impl Served {
    async fn start(data_dir: &Path) -> Self {
        let config = Config { data_dir: data_dir.to_owned(), ..Config::test() };
        let app = build(config).await.unwrap();
        let devnet = app.devnet().expect("the embedded devnet runs without an algod URL");
        let chain = Chain::new(app.algod_url(), devnet.token(), devnet.accounts());
        let served = Self {
            base_url: format!("http://{}", app.address()),
            client: reqwest::Client::new(),
            chain,
            platform: app.platform_address(),
            store: app.store().clone(),
            shutdown: app.shutdown_token(),
            running: tokio::spawn(app.run_until(std::future::pending())),
        };
        served.wait_until_following().await;
        served
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base_url)).send().await.unwrap()
    }

    async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    /// Healthy and past its first cycle, so tips sent from now on are followed.
    async fn wait_until_following(&self) {
        for _ in 0..100 {
            let healthy = self.get("/health").await.status() == StatusCode::OK;
            let status = self.json("/listener/status").await;
            if healthy && status["data"]["watermark"].as_u64().unwrap() > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not start following the chain");
    }

    /// The memos of the stored tips, newest first, once there are `count` of them.
    async fn tips(&self, count: usize) -> Vec<String> {
        for _ in 0..100 {
            let body = self.json("/tips").await;
            let tips = body["data"].as_array().unwrap();
            if tips.len() >= count {
                return tips.iter().map(|tip| tip["memo"].as_str().unwrap().to_owned()).collect();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{count} tips did not appear within 5 s");
    }

    async fn stop(self) {
        self.shutdown.cancel();
        let exit = tokio::time::timeout(Duration::from_secs(10), self.running).await;
        exit.expect("stopped within the grace period").unwrap().unwrap();
    }
}

fn platform_key(data_dir: &Path) -> SecretKey {
    let words = std::fs::read_to_string(data_dir.join("platform.key")).unwrap();
    SecretKey::from_mnemonic(words.trim()).unwrap()
}

#[tokio::test]
async fn a_tip_through_a_deployed_contract_shows_up_in_the_api_status_and_metrics() {
    let dir = TempDir::new().unwrap();
    let served = Served::start(dir.path()).await;
    let platform = platform_key(dir.path());
    assert_eq!(platform.address(), served.platform);
    let accounts = served.chain.accounts();
    let (creator, fan) = (&accounts[1], &accounts[2]);

    let app = served.chain.deploy(&platform, creator.address, &served.store).await;
    served.chain.tip(&fan.key, app, creator.address, 1_000_000, "gm").await;

    assert_eq!(served.tips(1).await, ["gm"]);
    let tips = served.json(&format!("/tips?creator={}", creator.address)).await;
    assert_eq!(tips["data"][0]["fan"], fan.address.to_string());
    assert_eq!(tips["data"][0]["amountMicroAlgos"], 1_000_000);
    let status = served.json("/listener/status").await["data"].clone();
    assert_eq!(status["running"], true);
    assert_eq!(status["tipsProcessedTotal"], 1);
    assert!(status["watermark"].as_u64().unwrap() >= tips["data"][0]["round"].as_u64().unwrap());
    assert!(status["lagRounds"].as_u64().unwrap() <= 1, "{status}");
    assert_eq!(status["pollIntervalMs"], 1000);
    assert_eq!(status["maxRoundsPerCycle"], 500);
    assert_eq!(status["leaseTtlMs"], 3000);
    // The only instance on its database holds the ingest lease.
    assert_eq!(status["ingesting"], true);
    assert_eq!(status["leaseHolder"], status["instanceId"]);
    assert!(status["jobsByState"].is_object());
    let metrics = served.get("/metrics").await.text().await.unwrap();
    // One recorder serves every app in this process, so the count is at least this app's.
    let processed = metrics
        .lines()
        .find_map(|line| line.strip_prefix("tipforge_tips_processed_total "))
        .and_then(|value| value.parse::<f64>().ok());
    assert!(processed.is_some_and(|count| count >= 1.0), "{metrics}");
    assert!(metrics.contains("tipforge_listener_watermark_round"), "{metrics}");
    let health = served.json("/health").await;
    assert_eq!(health["data"]["algod"], "ok");
    assert_eq!(health["data"]["listener"], "ok");
    served.stop().await;
}

/// Polls `path` until `done` holds of its `data`, for up to 20 s.
async fn eventually(served: &Served, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..400 {
        let data = served.json(path).await["data"].clone();
        if done(&data) {
            return data;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let tips = served.json("/tips").await;
    let jobs = served.store.reward_jobs_in(JobState::Failed, None, 10).await.unwrap();
    panic!(
        "GET {path} did not come to the expected answer within 20 s; tips {tips}, jobs {jobs:?}"
    );
}

#[tokio::test]
async fn a_sticker_is_minted_for_a_tip_and_delivered_once_the_fan_signs_the_handed_out_opt_in() {
    let dir = TempDir::new().unwrap();
    let served = Served::start(dir.path()).await;
    let platform = platform_key(dir.path());
    let accounts = served.chain.accounts();
    let (creator, fan) = (&accounts[1], &accounts[2]);
    let app = served.chain.deploy(&platform, creator.address, &served.store).await;
    let template = Template {
        id: TemplateId::generate(),
        creator: creator.address,
        kind: TemplateKind::Sticker,
        name: "star".to_owned(),
        supply: Supply::Unique,
        image_cid: "bafkimage".to_owned(),
        image_mime: "image/png".to_owned(),
        metadata_cid: "bafkmeta".to_owned(),
        metadata_url: "ipfs://bafkmeta#arc3".to_owned(),
        metadata_hash: BASE64.encode(&[7; 32]),
        rules: RuleParameters { golden_odds_bps: Some(0), ..RuleParameters::default() },
        created_at: Timestamp(0),
    };
    served.store.insert_template(&template).await.unwrap();

    served.chain.tip(&fan.key, app, creator.address, 1_000_000, "for a sticker").await;

    let awaiting = format!("/fans/{}/awaiting-optin", fan.address);
    let waiting = eventually(&served, &awaiting, |data| data.as_array().unwrap().len() == 1).await;
    let asset = AssetId(waiting[0]["nft"]["assetId"].as_u64().unwrap());
    assert_eq!(waiting[0]["nft"]["delivery"], "awaiting_optin");
    assert_eq!(served.chain.holding(fan.address, asset).await, None);
    let unsigned = BASE64.decode(waiting[0]["optIn"]["txn"].as_str().unwrap().as_bytes());
    let opt_in = Transaction::decode(&unsigned.unwrap()).unwrap();
    served.chain.submit(&[opt_in.sign(&fan.key)]).await;

    let nfts = format!("/fans/{}/nfts", fan.address);
    let delivered = eventually(&served, &nfts, |data| data[0]["delivery"] == "delivered").await;
    assert_eq!(delivered.as_array().unwrap().len(), 1, "{delivered}");
    assert_eq!(delivered[0]["assetId"], asset.0);
    assert_eq!(served.chain.holding(fan.address, asset).await, Some(1));
    assert!(served.json(&awaiting).await["data"].as_array().unwrap().is_empty());
    served.stop().await;
}

#[tokio::test]
async fn a_restart_on_the_same_data_keeps_the_platform_account_and_repeats_no_tip() {
    let dir = TempDir::new().unwrap();
    let first = Served::start(dir.path()).await;
    let platform = platform_key(dir.path());
    let accounts = first.chain.accounts();
    let (creator, fan) = (&accounts[1], &accounts[2]);
    let app = first.chain.deploy(&platform, creator.address, &first.store).await;
    first.chain.tip(&fan.key, app, creator.address, 1_000_000, "one").await;
    assert_eq!(first.tips(1).await, ["one"]);
    let platform_address = first.platform;
    first.stop().await;

    let second = Served::start(dir.path()).await;
    second.chain.tip(&fan.key, app, creator.address, 2_000_000, "two").await;

    assert_eq!(second.platform, platform_address);
    assert_eq!(second.tips(2).await, ["two", "one"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(second.tips(2).await.len(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("platform.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    second.stop().await;
}

#[tokio::test]
async fn health_names_algod_and_the_listener_when_the_node_is_unreachable() {
    let dir = TempDir::new().unwrap();
    let mut config = Config { data_dir: dir.path().to_owned(), ..Config::test() };
    config.chain.algod_url = Some("http://127.0.0.1:9".to_owned());
    let mnemonic = SecretKey::generate().mnemonic();
    config.chain.platform_mnemonic = Some(Secret::new(mnemonic.expose_secret()));
    let app = build(config).await.unwrap();
    let url = format!("http://{}/health", app.address());
    let shutdown = app.shutdown_token();
    tokio::spawn(app.run_until(std::future::pending()));

    let response = reqwest::get(&url).await.unwrap();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["details"]["failing"], serde_json::json!(["algod", "listener"]));
    shutdown.cancel();
}
