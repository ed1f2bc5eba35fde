//! A server with its embedded devnet, reachable over HTTP and straight on the chain, with
//! wallets that sign in and sign transactions with real keys.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, Payment, StateSchema};
use tipforge_algo::{
    Address, AppId, MicroAlgos, Round, SecretKey, SignedTransaction, Transaction, TxId, TxnBody,
};
use tipforge_chain::TransactionQuery;
use tipforge_chain::{Algod, ApiToken, ChainError, ChainMetrics, Indexer, RetryPolicy};
use tipforge_devnet::FundedAccount;
use tipforge_server::config::Secret;
use tipforge_server::{Config, build};
use tokio_util::sync::CancellationToken;

use crate::helpers::TestDb;

const TIP_SELECTOR: [u8; 4] = [0x9e, 0x8c, 0xcd, 0x33];
const CREATE_SELECTOR: [u8; 4] = [0xce, 0x61, 0x02, 0x51];

/// A running server whose devnet the test can also use directly.
pub(crate) struct ChainApp {
    base_url: String,
    client: reqwest::Client,
    pub(crate) algod: Algod,
    pub(crate) indexer: Indexer,
    pub(crate) platform: SecretKey,
    pub(crate) accounts: Vec<FundedAccount>,
    pub(crate) db_url: String,
    chain_config: tipforge_server::config::ChainConfig,
    shutdown: CancellationToken,
    _data_dir: TempDir,
    _db: Option<TestDb>,
}

impl ChainApp {
    /// A server with its own embedded devnet and a fresh database.
    pub(crate) async fn spawn(db: TestDb) -> Self {
        Self::spawn_with(Config::test(), db).await
    }

    /// As [`ChainApp::spawn`], with `config` instead of the test preset.
    pub(crate) async fn spawn_with(config: Config, db: TestDb) -> Self {
        let data_dir = TempDir::new().unwrap();
        let url = db.url().to_owned();
        let mut app = Self::start(config, data_dir, &url).await;
        app._db = Some(db);
        app
    }

    /// A second instance sharing `first`'s devnet, platform account and database.
    pub(crate) async fn beside(first: &ChainApp) -> Self {
        let config = Config { chain: first.chain_config.clone(), ..Config::test() };
        Self::start(config, TempDir::new().unwrap(), &first.db_url).await
    }

    async fn start(mut config: Config, data_dir: TempDir, db_url: &str) -> Self {
        config.data_dir = data_dir.path().to_owned();
        config.database_url = Some(Secret::new(db_url));
        let app = build(config.clone()).await.expect("the server builds");
        let platform = match &config.chain.platform_mnemonic {
            Some(words) => SecretKey::from_mnemonic(words.expose()).unwrap(),
            None => platform_key(data_dir.path()),
        };
        let (algod_url, indexer_url) =
            (app.algod_url().to_owned(), app.indexer_url().unwrap().to_owned());
        let (token, accounts) = match app.devnet() {
            Some(devnet) => (devnet.token().map(str::to_owned), devnet.accounts()),
            None => (config.chain.algod_token.as_ref().map(|t| t.expose().to_owned()), vec![]),
        };
        let chain_config = tipforge_server::config::ChainConfig {
            algod_url: Some(algod_url.clone()),
            algod_token: token.clone().map(Secret::new),
            indexer_url: Some(indexer_url.clone()),
            indexer_token: token.clone().map(Secret::new),
            platform_mnemonic: Some(Secret::new(platform.mnemonic().expose_secret())),
            ..config.chain.clone()
        };
        let metrics = Arc::new(ChainMetrics::default());
        let timeout = Duration::from_secs(10);
        let api_token = || token.clone().map(ApiToken::new);
        let algod =
            Algod::new(&algod_url, api_token(), timeout, RetryPolicy::NONE, metrics.clone())
                .unwrap();
        let indexer =
            Indexer::new(&indexer_url, api_token(), timeout, RetryPolicy::NONE, metrics).unwrap();
        let base_url = format!("http://{}", app.address());
        let shutdown = app.shutdown_token();
        tokio::spawn(app.run_until(std::future::pending()));
        let served = Self {
            base_url,
            client: reqwest::Client::new(),
            algod,
            indexer,
            platform,
            accounts,
            db_url: db_url.to_owned(),
            chain_config,
            shutdown,
            _data_dir: data_dir,
            _db: None,
        };
        served.wait_until_following().await;
        served
    }

    async fn wait_until_following(&self) {
        for _ in 0..200 {
            let healthy = self.get("/health", None).await.status() == StatusCode::OK;
            let status: Value = self.get("/listener/status", None).await.json().await.unwrap();
            if healthy && status["data"]["watermark"].as_u64().unwrap_or(0) > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not start following the chain");
    }

    pub(crate) async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(format!("{}{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub(crate) async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.client.post(format!("{}{path}", self.base_url)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// GETs `path` expecting 200 and returns the body.
    pub(crate) async fn json(&self, path: &str, token: Option<&str>) -> Value {
        let response = self.get(path, token).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    /// Signs `key` in with a real signature over the challenge; returns the access token.
    pub(crate) async fn sign_in(&self, key: &SecretKey) -> String {
        let wallet = key.address().to_string();
        let response = self.post("/auth/challenge", None, &json!({ "wallet": wallet })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        let nonce = body["data"]["nonce"].as_str().unwrap();
        let signature = STANDARD.encode(key.sign_bytes(nonce.as_bytes()).0);
        let body = json!({ "wallet": wallet, "nonce": nonce, "signature": signature });
        let response = self.post("/auth/verify", None, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["data"]["accessToken"].as_str().unwrap().to_owned()
    }

    /// Registers with `body`, returning the status and body.
    pub(crate) async fn register(&self, token: &str, body: &Value) -> (StatusCode, Value) {
        let response = self.post("/creators/register", Some(token), body).await;
        (response.status(), response.json().await.unwrap())
    }

    async fn txn(&self, from: &SecretKey, body: impl Into<TxnBody>) -> Transaction {
        let params = self.algod.suggested_params().await.unwrap();
        Transaction::builder(from.address(), &params, body).build().unwrap()
    }

    /// Sends signed transactions as one group and waits for the first to confirm.
    pub(crate) async fn submit(&self, group: &[SignedTransaction]) -> Result<Round, ChainError> {
        let bytes: Vec<u8> = group.iter().flat_map(SignedTransaction::encode).collect();
        let txid = self.algod.submit(bytes).await?;
        Ok(self.confirmed(&txid).await)
    }

    async fn confirmed(&self, txid: &TxId) -> Round {
        for _ in 0..200 {
            if let Some(round) = self.algod.pending(txid).await.unwrap().confirmed_round {
                return round;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("{txid} did not confirm");
    }

    /// A fan's tip through the creator's contract: the payment, then the `tip` call listing
    /// the creator and paying the inner payment's fee.
    pub(crate) async fn tip(
        &self,
        fan: &SecretKey,
        app: AppId,
        creator: Address,
        amount: u64,
        memo: &str,
    ) -> Result<Round, ChainError> {
        let pay = self.txn(fan, Payment::new(Address::for_app(app), MicroAlgos(amount))).await;
        let memo = [&(memo.len() as u16).to_be_bytes()[..], memo.as_bytes()].concat();
        let call = AppCall::new(app).arg(TIP_SELECTOR.to_vec()).arg(memo).account(creator);
        let mut call = self.txn(fan, call).await;
        call.header.fee = MicroAlgos(2_000);
        let mut group = vec![pay, call];
        assign_group(&mut group).unwrap();
        let signed: Vec<_> = group.iter().map(|txn| txn.sign(fan)).collect();
        self.submit(&signed).await
    }

    /// Applications the platform account has created, from the indexer.
    pub(crate) async fn apps_created_by_platform(&self) -> usize {
        let query = TransactionQuery {
            address: Some(self.platform.address()),
            tx_type: Some("appl"),
            ..TransactionQuery::default()
        };
        let page = self.indexer.search_transactions(&query).await.unwrap();
        let creates = page.transactions.iter().filter(|txn| {
            txn.sender == self.platform.address()
                && txn
                    .application_transaction
                    .as_ref()
                    .is_some_and(|call| call.application_id.0 == 0)
        });
        creates.count()
    }

    /// Rows in `table`, read beside the server.
    pub(crate) async fn count_rows(&self, table: &str) -> i64 {
        use sqlx::{AnyConnection, Connection, Row};
        sqlx::any::install_default_drivers();
        let mut connection = AnyConnection::connect(&self.db_url).await.unwrap();
        let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}");
        let row = sqlx::query(&sql).fetch_one(&mut connection).await.unwrap();
        row.try_get("n").unwrap()
    }
}

impl ChainApp {
    /// The state and last error of `creator`'s registration row.
    pub(crate) async fn registration_row(&self, creator: &Address) -> (String, Option<String>) {
        use sqlx::{AnyConnection, Connection, Row};
        sqlx::any::install_default_drivers();
        let mut connection = AnyConnection::connect(&self.db_url).await.unwrap();
        let row = sqlx::query("SELECT state, last_error FROM registrations WHERE creator = $1")
            .bind(creator.to_string())
            .fetch_one(&mut connection)
            .await
            .unwrap();
        (row.try_get("state").unwrap(), row.try_get("last_error").unwrap())
    }

    /// Moves everything the platform account holds to `to`, closing it.
    pub(crate) async fn drain_platform(&self, to: Address) {
        let mut payment = Payment::new(to, MicroAlgos(0));
        payment.close_remainder_to = Some(to);
        let txn = self.txn(&self.platform, payment).await;
        self.submit(&[txn.sign(&self.platform)]).await.unwrap();
    }

    /// Pays `amount` µAlgo from `from` to `to`.
    pub(crate) async fn pay(&self, from: &SecretKey, to: Address, amount: u64) {
        let txn = self.txn(from, Payment::new(to, MicroAlgos(amount))).await;
        self.submit(&[txn.sign(from)]).await.unwrap();
    }
}

impl ChainApp {
    /// Creates `creator`'s TipProxy straight from the platform account, as a registration that
    /// crashed right after sending its create transaction would have; returns that
    /// transaction, its last valid round and the app.
    pub(crate) async fn create_directly(&self, creator: Address) -> (TxId, Round, AppId) {
        let create = AppCall::create(
            program("approval"),
            program("clear"),
            StateSchema::new(4, 2),
            StateSchema::new(0, 0),
        )
        .arg(CREATE_SELECTOR.to_vec())
        .arg(creator.0.to_vec())
        .arg(self.platform.address().0.to_vec())
        .arg(100_000u64.to_be_bytes().to_vec());
        let txn = self.txn(&self.platform, create).await;
        let signed = txn.sign(&self.platform);
        self.submit(std::slice::from_ref(&signed)).await.unwrap();
        let app = self.algod.pending(&signed.id()).await.unwrap().application_index.unwrap();
        (signed.id(), txn.header.last_valid, app)
    }
}

fn program(name: &str) -> Vec<u8> {
    let path = format!("{}/../../contracts/tip_proxy/{name}.b64", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    STANDARD.decode(text.trim()).unwrap()
}

impl Drop for ChainApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn platform_key(data_dir: &Path) -> SecretKey {
    let words = std::fs::read_to_string(data_dir.join("platform.key")).unwrap();
    SecretKey::from_mnemonic(words.trim()).unwrap()
}

/// Signs the unsigned transaction an endpoint handed out (`data.txn`) with `key`.
pub(crate) fn sign_handed_out(body: &Value, key: &SecretKey) -> SignedTransaction {
    let bytes = STANDARD.decode(body["data"]["txn"].as_str().unwrap()).unwrap();
    let txn = Transaction::decode(&bytes).unwrap();
    assert_eq!(txn.id().to_string(), body["data"]["txid"].as_str().unwrap());
    txn.sign(key)
}
