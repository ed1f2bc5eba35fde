//! Exactly-once rewards under crashes: `tipforge devnet` and `tipforge serve` run as child
//! processes, fans tip creators straight on the chain while the server is killed with SIGKILL
//! at random moments and restarted on the same data, and at the end every stored tip has its
//! one sticker job, every job one asset, and the platform created no asset twice. The second
//! run does all that on a node that fails a fifth of all requests.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sqlx::{Connection, Row, SqliteConnection};
use tempfile::TempDir;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, Payment};
use tipforge_algo::{Address, AppId, MicroAlgos, SecretKey, Transaction};
use tipforge_chain::{Algod, ApiToken, ChainError, ChainMetrics, RetryPolicy};

const TIP_SELECTOR: [u8; 4] = [0x9e, 0x8c, 0xcd, 0x33];
const CREATORS: usize = 10;
const FANS: usize = 50;
const TIP: u64 = 100_000;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// A small seeded generator, so that a failing run's kill schedule can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// A child process killed when dropped, so that a failing test leaves nothing running.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `tipforge devnet` on free ports, with its funded accounts.
struct Devnet {
    _process: Process,
    algod_url: String,
    indexer_url: String,
    token: String,
    accounts: Vec<SecretKey>,
}

impl Devnet {
    fn start(accounts: usize, fail_per_mille: u32) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tipforge"))
            .args(["devnet", "--algod-port", "0", "--indexer-port", "0", "--mode", "interval"])
            .args(["--block-interval-ms", "200", "--seed", "exactly-once"])
            .args(["--accounts", &accounts.to_string()])
            .args(["--fail-per-mille", &fail_per_mille.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let process = Process(child);
        let mut lines = BufReader::new(stdout).lines();
        let (mut algod_url, mut indexer_url, mut token, mut keys) =
            (String::new(), String::new(), String::new(), vec![]);
        for line in lines.by_ref() {
            let line = line.unwrap();
            if line == "ready" {
                break;
            }
            let (key, value) = line.split_once(": ").unwrap();
            match key {
                "algod" => algod_url = value.to_owned(),
                "indexer" => indexer_url = value.to_owned(),
                "token" => token = value.to_owned(),
                "account" => {
                    let mut parts = value.splitn(3, ' ');
                    let (_, _, words) =
                        (parts.next(), parts.next(), parts.next().unwrap().to_owned());
                    keys.push(SecretKey::from_mnemonic(&words).unwrap());
                }
                _ => {}
            }
        }
        // Keeps reading so that the devnet never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { _process: process, algod_url, indexer_url, token, accounts: keys }
    }
}

impl Devnet {
    /// Sets the share of requests answered 503 at run time.
    async fn fail_per_mille(&self, per_mille: u32) {
        let client = reqwest::Client::new();
        let url = format!("{}/v2/devnet/faults", self.algod_url);
        let body = json!({ "unavailable-per-mille": per_mille });
        for _ in 0..100 {
            let request = client.post(&url).header("X-Algo-API-Token", &self.token).json(&body);
            if request.send().await.is_ok_and(|response| response.status().is_success()) {
                return;
            }
        }
        panic!("the devnet refused to change its faults");
    }
}

/// `tipforge serve` on a fixed port and data directory, killed and restarted at will.
struct Server {
    process: Option<Process>,
    port: u16,
    data_dir: PathBuf,
    env: Vec<(String, String)>,
    client: reqwest::Client,
}

impl Server {
    fn new(devnet: &Devnet, platform: &SecretKey, data_dir: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let env = [
            ("TIPFORGE_BIND", format!("127.0.0.1:{port}")),
            ("TIPFORGE_DATA_DIR", data_dir.display().to_string()),
            ("TIPFORGE_CHAIN__ALGOD_URL", devnet.algod_url.clone()),
            ("TIPFORGE_CHAIN__ALGOD_TOKEN", devnet.token.clone()),
            ("TIPFORGE_CHAIN__INDEXER_URL", devnet.indexer_url.clone()),
            ("TIPFORGE_CHAIN__INDEXER_TOKEN", devnet.token.clone()),
            ("TIPFORGE_CHAIN__PLATFORM_MNEMONIC", platform.mnemonic().expose_secret().to_owned()),
            ("TIPFORGE_AUTH__JWT_SECRET", "exactly-once-test-secret-of-enough-length-0123".into()),
            ("TIPFORGE_RATE_LIMITS__AUTH_REQUESTS", "10000".into()),
            ("TIPFORGE_RATE_LIMITS__REGISTRATION_REQUESTS", "1000".into()),
            ("RUST_LOG", "warn".into()),
        ];
        Self {
            process: None,
            port,
            data_dir: data_dir.to_owned(),
            env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            client: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Starts the server and waits until it answers.
    async fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.join("serve.log"))
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_tipforge"))
            .arg("serve")
            .current_dir(&self.data_dir)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.process = Some(Process(child));
        for _ in 0..600 {
            if self.client.get(self.url("/listener/status")).send().await.is_ok() {
                return;
            }
            // A node failing every request it can may make start-up give up; an operator's
            // supervisor would start it again, and so does this.
            let exited = self.process.as_mut().is_some_and(|p| p.0.try_wait().unwrap().is_some());
            if exited {
                return Box::pin(self.start()).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("tipforge serve did not answer; see {}", self.data_dir.join("serve.log").display());
    }

    /// SIGKILL: no shutdown hook runs, whatever was in flight is lost.
    fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.0.kill().unwrap();
            process.0.wait().unwrap();
        }
    }

    /// POSTs `body`, again while the server answers 503 because the node did (its own
    /// retries exhausted on a flaky node); registration and sign-in are safe to repeat.
    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Value {
        for _ in 0..50 {
            let mut request = self.client.post(self.url(path)).json(body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            if status == StatusCode::SERVICE_UNAVAILABLE {
                continue;
            }
            assert!(status.is_success(), "POST {path}: {status} {body}");
            return body;
        }
        panic!("POST {path}: the server stayed unavailable");
    }

    async fn sign_in(&self, key: &SecretKey) -> String {
        let wallet = key.address().to_string();
        let body = self.post("/auth/challenge", None, &json!({ "wallet": wallet })).await;
        let nonce = body["data"]["nonce"].as_str().unwrap().to_owned();
        let signature = STANDARD.encode(key.sign_bytes(nonce.as_bytes()).0);
        let body = json!({ "wallet": wallet, "nonce": nonce, "signature": signature });
        let body = self.post("/auth/verify", None, &body).await;
        body["data"]["accessToken"].as_str().unwrap().to_owned()
    }

    /// Signs `creator` in, registers it and uploads a sticker every tip qualifies for;
    /// returns its TipProxy.
    async fn set_up_creator(&self, creator: &SecretKey, index: usize) -> AppId {
        let token = self.sign_in(creator).await;
        let body = json!({ "minTip": TIP, "username": format!("storm{index}") });
        let body = self.post("/creators/register", Some(&token), &body).await;
        let app = body["data"]["contract"]["appId"].as_u64().unwrap_or_else(|| panic!("{body}"));
        let mut image = PNG.to_vec();
        image.push(index as u8);
        for _ in 0..50 {
            let form = Form::new()
                .text("kind", "sticker")
                .text("name", format!("Storm sticker {index}"))
                .text("description", "Thanks for the tip")
                .text("threshold", TIP.to_string())
                .part("image", Part::bytes(image.clone()).file_name("sticker.png"));
            let response = self
                .client
                .post(self.url("/creators/me/templates"))
                .bearer_auth(&token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            let status = response.status();
            if status == StatusCode::SERVICE_UNAVAILABLE {
                continue;
            }
            assert_eq!(status, StatusCode::OK, "{}", response.text().await.unwrap());
            return AppId(app);
        }
        panic!("the template upload stayed unavailable");
    }
}

/// Retries what a flaky node answers with 503 or never answers; a rejection is final.
fn transient(error: &ChainError) -> bool {
    match error {
        ChainError::Status { status, .. } => status.is_server_error(),
        ChainError::Timeout { .. } | ChainError::Transport { .. } => true,
        _ => false,
    }
}

/// Sends `tips_per_fan` tips from every fan, round-robin over the creators, concurrently;
/// returns how many the node accepted.
async fn storm(
    algod: Arc<Algod>,
    fans: Vec<SecretKey>,
    creators: Arc<Vec<(Address, AppId)>>,
    tips_per_fan: usize,
) -> usize {
    let accepted = Arc::new(AtomicUsize::new(0));
    let mut senders = vec![];
    for (f, fan) in fans.into_iter().enumerate() {
        let (algod, creators, accepted) = (algod.clone(), creators.clone(), accepted.clone());
        senders.push(tokio::spawn(async move {
            let mut params = None;
            for n in 0..tips_per_fan {
                if n % 20 == 0 {
                    params = None;
                }
                let current = loop {
                    if let Some(params) = &params {
                        break Clone::clone(params);
                    }
                    match algod.suggested_params().await {
                        Ok(fresh) => params = Some(fresh),
                        Err(error) if transient(&error) => {}
                        Err(error) => panic!("suggested params: {error}"),
                    }
                };
                let (creator, app) = creators[(f + n) % creators.len()];
                let pay = Payment::new(Address::for_app(app), MicroAlgos(TIP));
                let pay = Transaction::builder(fan.address(), &current, pay).build().unwrap();
                let memo = format!("storm {f}/{n}");
                let memo = [&(memo.len() as u16).to_be_bytes()[..], memo.as_bytes()].concat();
                let call = AppCall::new(app).arg(TIP_SELECTOR.to_vec()).arg(memo).account(creator);
                let mut call = Transaction::builder(fan.address(), &current, call).build().unwrap();
                call.header.fee = MicroAlgos(2_000);
                let mut group = vec![pay, call];
                assign_group(&mut group).unwrap();
                let bytes: Vec<u8> =
                    group.iter().map(|txn| txn.sign(&fan)).flat_map(|s| s.encode()).collect();
                loop {
                    match algod.submit(bytes.clone()).await {
                        Ok(_) => {
                            accepted.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Err(error) if transient(&error) => {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        Err(error) => panic!("tip {f}/{n} refused: {error}"),
                    }
                }
            }
        }));
    }
    for sender in senders {
        sender.await.unwrap();
    }
    accepted.load(Ordering::Relaxed)
}

async fn db(data_dir: &Path) -> SqliteConnection {
    let url = format!("sqlite://{}?mode=rw", data_dir.join("tipforge.db").display());
    SqliteConnection::connect(&url).await.unwrap()
}

async fn count(connection: &mut SqliteConnection, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(connection).await.unwrap().get(0)
}

/// Waits until all `tips` are stored and every reward job has settled.
async fn settled(data_dir: &Path, tips: usize, limit: Duration) {
    let started = Instant::now();
    loop {
        let mut connection = db(data_dir).await;
        let stored = count(&mut connection, "SELECT COUNT(*) FROM tips").await;
        let jobs = count(&mut connection, "SELECT COUNT(*) FROM reward_jobs").await;
        let open = count(
            &mut connection,
            "SELECT COUNT(*) FROM reward_jobs WHERE state NOT IN ('done', 'awaiting_optin')",
        )
        .await;
        if stored as usize >= tips && jobs >= stored && open == 0 {
            return;
        }
        assert!(
            started.elapsed() < limit,
            "not settled: {stored}/{tips} tips, {jobs} jobs, {open} open"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Every asset `creator` has created, through the indexer's paged asset search.
async fn created_assets(devnet: &Devnet, creator: Address) -> Vec<u64> {
    let client = reqwest::Client::new();
    let mut assets = vec![];
    let mut next: Option<String> = None;
    loop {
        let mut url = format!("{}/v2/assets?creator={creator}&limit=1000", devnet.indexer_url);
        if let Some(next) = &next {
            url.push_str(&format!("&next={next}"));
        }
        let response =
            client.get(&url).header("X-Indexer-API-Token", &devnet.token).send().await.unwrap();
        if response.status().is_server_error() {
            continue;
        }
        let page: Value = response.json().await.unwrap();
        let batch = page["assets"].as_array().unwrap();
        assets.extend(batch.iter().map(|asset| asset["index"].as_u64().unwrap()));
        match page["next-token"].as_str() {
            Some(token) if !batch.is_empty() => next = Some(token.to_owned()),
            _ => return assets,
        }
    }
}

/// The whole scenario: set-up, the storm under SIGKILLs, then the exactly-once checks.
async fn exactly_once(seed: u64, tips_per_fan: usize, fail_per_mille: u32) {
    let devnet = Devnet::start(1 + CREATORS + FANS, fail_per_mille);
    let platform = devnet.accounts[0].clone();
    let creator_keys = devnet.accounts[1..=CREATORS].to_vec();
    let fans = devnet.accounts[1 + CREATORS..].to_vec();
    let data = TempDir::new().unwrap();
    let mut server = Server::new(&devnet, &platform, data.path());
    // A registration whose create transaction met a fault waits out that transaction's
    // validity window before deploying again, so the set-up runs on a reliable node and the
    // faults are back for the storm and everything after it.
    devnet.fail_per_mille(0).await;
    server.start().await;
    let mut creators = vec![];
    for (index, key) in creator_keys.iter().enumerate() {
        creators.push((key.address(), server.set_up_creator(key, index).await));
    }
    devnet.fail_per_mille(fail_per_mille).await;

    let metrics = Arc::new(ChainMetrics::default());
    let algod = Algod::new(
        &devnet.algod_url,
        Some(ApiToken::new(&devnet.token)),
        Duration::from_secs(10),
        RetryPolicy::NONE,
        metrics,
    )
    .unwrap();
    let sending =
        tokio::spawn(storm(Arc::new(algod), fans, Arc::new(creators.clone()), tips_per_fan));
    let mut rng = Rng(seed);
    let mut kills = 0;
    while kills < 10 || !sending.is_finished() {
        tokio::time::sleep(Duration::from_millis(300 + rng.below(1_500))).await;
        server.kill();
        kills += 1;
        tokio::time::sleep(Duration::from_millis(rng.below(500))).await;
        server.start().await;
    }
    let accepted = sending.await.unwrap();
    assert_eq!(accepted, FANS * tips_per_fan);
    // Under node faults a job whose requests keep failing waits out its own retry schedule
    // (60 s, then 120 s), so the tail may take that long.
    settled(data.path(), accepted, Duration::from_secs(420)).await;
    server.kill();

    let mut connection = db(data.path()).await;
    let stored = count(&mut connection, "SELECT COUNT(*) FROM tips").await as usize;
    assert_eq!(stored, accepted, "every tip stored once");
    let per_tip = sqlx::query(
        "SELECT t.txid, COUNT(j.tip_txid) FROM tips t \
         LEFT JOIN reward_jobs j ON j.tip_txid = t.txid AND j.kind = 'sticker' GROUP BY t.txid",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    for row in &per_tip {
        let (txid, jobs): (String, i64) = (row.get(0), row.get(1));
        assert_eq!(jobs, 1, "tip {txid} has {jobs} sticker jobs");
    }
    let other = count(&mut connection, "SELECT COUNT(*) FROM reward_jobs WHERE kind <> 'sticker'");
    assert_eq!(other.await, 0, "only stickers are configured");
    let jobs: BTreeMap<String, Option<i64>> =
        sqlx::query("SELECT tip_txid, asset_id FROM reward_jobs")
            .fetch_all(&mut connection)
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
    assert!(jobs.values().all(Option::is_some), "a settled job without its asset");
    let job_assets: BTreeSet<u64> = jobs.values().map(|id| id.unwrap() as u64).collect();
    assert_eq!(job_assets.len(), jobs.len(), "two jobs share an asset");
    let nfts: BTreeMap<String, i64> = sqlx::query("SELECT tip_txid, asset_id FROM nfts")
        .fetch_all(&mut connection)
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let job_pairs: BTreeMap<String, i64> =
        jobs.iter().map(|(txid, id)| (txid.clone(), id.unwrap())).collect();
    assert_eq!(nfts, job_pairs, "the nfts rows are the jobs' assets");

    let created = created_assets(&devnet, platform.address()).await;
    let created_set: BTreeSet<u64> = created.iter().copied().collect();
    assert_eq!(created.len(), created_set.len(), "the indexer listed an asset twice");
    assert_eq!(created_set, job_assets, "the platform minted exactly one asset per job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tip_is_rewarded_exactly_once_across_server_crashes() {
    exactly_once(0x5eed_0001, 40, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tip_is_rewarded_exactly_once_across_crashes_on_a_failing_node() {
    exactly_once(0x5eed_0002, 40, 200).await;
}
