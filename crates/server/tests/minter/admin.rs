//! The whole server: its supervised minter kills a job that cannot succeed, and an operator
//! lists and revives it through the admin API.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;
use tipforge_algo::{Address, AppId, MicroAlgos, Round, SecretKey};
use tipforge_server::config::Secret;
use tipforge_server::domain::{
    Contract, JobCursor, JobKey, JobState, Role, Supply, TemplateKind, Tip, Variant,
};
use tipforge_server::store::{NewRewardJob, Store};
use tipforge_server::{Config, build};

use crate::support::{Db, Net, sticker_template};

struct Server {
    base: String,
    client: reqwest::Client,
    store: Store,
    clock: tipforge_server::domain::Clock,
    shutdown: tokio_util::sync::CancellationToken,
    _dir: TempDir,
}

impl Server {
    async fn start(admin: &SecretKey) -> Self {
        let dir = TempDir::new().unwrap();
        let mut config = Config::test();
        config.data_dir = dir.path().to_owned();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        config.database_url = Some(Secret::new(url));
        config.auth.admin_wallets = vec![admin.address().to_string()];
        config.minter.poll_interval_ms = 50;
        let app = build(config).await.unwrap();
        let server = Self {
            base: format!("http://{}", app.address()),
            client: reqwest::Client::new(),
            store: app.store().clone(),
            clock: app.clock().clone(),
            shutdown: app.shutdown_token(),
            _dir: dir,
        };
        tokio::spawn(app.run_until(std::future::pending()));
        server
    }

    async fn sign_in(&self, key: &SecretKey) -> String {
        let wallet = key.address().to_string();
        let challenge: Value = self
            .client
            .post(format!("{}/auth/challenge", self.base))
            .json(&json!({ "wallet": wallet }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let nonce = challenge["data"]["nonce"].as_str().unwrap();
        let signature = STANDARD.encode(key.sign_bytes(nonce.as_bytes()).0);
        let body = json!({ "wallet": wallet, "nonce": nonce, "signature": signature });
        let verified: Value = self
            .client
            .post(format!("{}/auth/verify", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        verified["data"]["accessToken"].as_str().unwrap().to_owned()
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let response = self.client.get(format!("{}{path}", self.base)).bearer_auth(token);
        let response = response.send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }

    async fn post(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let response = self.client.post(format!("{}{path}", self.base)).bearer_auth(token);
        let response = response.send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// A job whose template's metadata hash cannot go on chain.
    async fn doomed_job(&self) -> JobKey {
        let now = self.clock.now();
        let creator = SecretKey::generate().address();
        self.store.upsert_fan(&creator, now).await.unwrap();
        self.store.set_role(&creator, Role::Creator).await.unwrap();
        let contract = Contract {
            app_id: AppId(9),
            creator,
            app_address: Address::for_app(AppId(9)),
            version: 1,
            deployed_at: now,
            retired_at: None,
        };
        self.store.insert_contract(&contract).await.unwrap();
        let mut template = sticker_template(creator, Supply::Unique);
        template.metadata_hash = "not a hash".into();
        self.store.insert_template(&template).await.unwrap();
        let tip = Tip {
            txid: "DOOMED".into(),
            round: Round(1),
            intra_round: 0,
            app_id: AppId(9),
            fan: SecretKey::generate().address(),
            creator,
            amount: MicroAlgos(1_000_000),
            memo: Vec::new(),
        };
        self.store.ingest_tips("net", Round(0), &[tip], now).await.unwrap();
        let key = JobKey { tip_txid: "DOOMED".into(), kind: TemplateKind::Sticker };
        let job = NewRewardJob {
            key: key.clone(),
            template_id: Some(template.id),
            variant: Variant::Golden,
        };
        self.store.queue_reward_job(&job, now).await.unwrap();
        key
    }

    async fn until_state(&self, key: &JobKey, state: JobState) {
        for _ in 0..200 {
            if self.store.reward_job(key).await.unwrap().unwrap().state == state {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("job {key} never became {state}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

#[tokio::test]
async fn a_job_that_cannot_succeed_dies_after_a_confirming_retry_and_an_operator_revives_it() {
    let admin = SecretKey::generate();
    let server = Server::start(&admin).await;
    let job = server.doomed_job().await;

    server.until_state(&job, JobState::Failed).await;
    server.clock.advance(Duration::from_secs(61));
    server.until_state(&job, JobState::Dead).await;

    let operator = server.sign_in(&admin).await;
    let (status, listed) = server.get("/admin/jobs?state=dead&limit=10", &operator).await;
    assert_eq!(status, StatusCode::OK);
    let jobs = listed["data"].as_array().unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["tipTxid"], "DOOMED");
    assert_eq!(jobs[0]["errorClass"], "permanent");
    assert_eq!(jobs[0]["attempts"], 2);
    assert!(jobs[0]["lastError"].as_str().unwrap().contains("metadata hash"), "{listed}");
    assert!(listed["meta"]["nextCursor"].is_null());

    let fan = server.sign_in(&SecretKey::generate()).await;
    assert_eq!(server.get("/admin/jobs", &fan).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        server.post("/admin/jobs/DOOMED/sticker/retry", &fan).await.0,
        StatusCode::FORBIDDEN
    );

    let (status, retried) = server.post("/admin/jobs/DOOMED/sticker/retry", &operator).await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried["data"]["attempts"], 0);
    assert_ne!(retried["data"]["state"], "dead");
    let (again, _) = server.post("/admin/jobs/DOOMED/sticker/retry", &operator).await;
    assert_eq!(again, StatusCode::CONFLICT);
    assert_eq!(
        server.post("/admin/jobs/NOPE/sticker/retry", &operator).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.post("/admin/jobs/DOOMED/hat/retry", &operator).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(server.get("/admin/jobs?state=lost", &operator).await.0, StatusCode::BAD_REQUEST);

    let (_, status) = server.get("/listener/status", &operator).await;
    assert!(status["data"]["failedMints"].as_u64().unwrap() >= 2, "{status}");
    let metrics = server.client.get(format!("{}/metrics", server.base)).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(metrics.contains("tipforge_minter_failed_mints_total"), "{metrics}");
    assert!(metrics.contains("tipforge_reward_jobs{state=\"dead\"}"), "{metrics}");
}

#[tokio::test]
async fn an_empty_listing_is_ok_and_a_forged_cursor_is_refused() {
    let admin = SecretKey::generate();
    let server = Server::start(&admin).await;
    let operator = server.sign_in(&admin).await;

    let (status, empty) = server.get("/admin/jobs", &operator).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(empty["data"], json!([]));
    let (status, _) = server.get("/admin/jobs?cursor=garbage!", &operator).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn job_listings_page_with_a_cursor(db: Db) {
    let net = Net::start(db).await;
    let mut jobs = net.rewards(SecretKey::generate().address(), Variant::Soulbound, 3).await;
    jobs.sort_by(|a, b| a.tip_txid.cmp(&b.tip_txid));

    let first = net.store.reward_jobs_in(JobState::Queued, None, 2).await.unwrap();
    let cursor = JobCursor::decode(&first.next.clone().unwrap().encode()).unwrap();
    let second = net.store.reward_jobs_in(JobState::Queued, Some(&cursor), 2).await.unwrap();

    let keys = |page: &tipforge_server::domain::JobPage| -> Vec<JobKey> {
        page.jobs.iter().map(|job| job.key.clone()).collect()
    };
    assert_eq!(keys(&first), jobs[..2]);
    assert_eq!(keys(&second), jobs[2..]);
    assert!(second.next.is_none());
    let dead = net.store.reward_jobs_in(JobState::Dead, None, 2).await.unwrap();
    assert!(dead.jobs.is_empty());
}

#[tokio::test]
async fn job_listings_page_with_a_cursor_sqlite() {
    job_listings_page_with_a_cursor(Db::Sqlite).await;
}

#[tokio::test]
async fn job_listings_page_with_a_cursor_postgres() {
    job_listings_page_with_a_cursor(Db::Postgres).await;
}
