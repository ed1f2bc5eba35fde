//! `TestApp`, `TestDb` and test wallets.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use rand_core::OsRng;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection, Executor};
use tempfile::TempDir;
use tipforge_algo::{Address, AppId, MicroAlgos, Round};
use tipforge_devnet::FundedAccount;
use tipforge_server::config::Secret;
use tipforge_server::domain::{Clock, Contract, Role, Timestamp, Tip};
use tipforge_server::store::Store;
use tipforge_server::{Config, build};
use tokio_util::sync::CancellationToken;

/// The PostgreSQL server the tests create their databases on; override with
/// `TEST_POSTGRES_URL` (any existing database on the server).
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh, empty database that is removed when dropped.
pub(crate) enum TestDb {
    Sqlite { _dir: TempDir, url: String },
    Postgres { admin_url: String, name: String, url: String },
}

impl TestDb {
    pub(crate) async fn sqlite() -> Self {
        let dir = TempDir::new().expect("a temporary directory");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        Self::Sqlite { _dir: dir, url }
    }

    /// Creates a uniquely named database on the test PostgreSQL server.
    pub(crate) async fn postgres() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        sqlx::any::install_default_drivers();
        let admin_url =
            std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!(
            "tipforge_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = AnyConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|err| panic!("PostgreSQL at {admin_url} is needed: {err}"));
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
        admin.close().await.unwrap();
        let (server, _) = admin_url.rsplit_once('/').expect("a database URL");
        let url = format!("{server}/{name}");
        Self::Postgres { admin_url, name, url }
    }

    pub(crate) fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    pub(crate) async fn open(&self) -> Store {
        Store::open(self.url()).await.expect("the store opens and migrates")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Self::Postgres { admin_url, name, .. } = self else { return };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs outside any runtime's async context, so the cleanup gets its own.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            runtime.expect("a runtime").block_on(async {
                let mut admin = AnyConnection::connect(&admin_url).await.expect("admin connection");
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                admin.execute(drop.as_str()).await.expect("the test database is dropped");
            });
        });
        let _ = cleanup.join();
    }
}

/// A running server on a free port with a fresh database.
pub(crate) struct TestApp {
    pub(crate) base_url: String,
    pub(crate) client: reqwest::Client,
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) config: Config,
    /// The embedded devnet's algod, its API token and its funded accounts.
    pub(crate) algod_url: String,
    pub(crate) algod_token: Option<String>,
    pub(crate) accounts: Vec<FundedAccount>,
    shutdown: CancellationToken,
    _data_dir: TempDir,
    _db: TestDb,
}

impl TestApp {
    /// The test preset on a fresh SQLite database.
    pub(crate) async fn spawn() -> Self {
        Self::spawn_with(Config::test(), TestDb::sqlite().await).await
    }

    pub(crate) async fn spawn_with(mut config: Config, db: TestDb) -> Self {
        let data_dir = TempDir::new().expect("a temporary directory");
        config.data_dir = data_dir.path().to_owned();
        config.database_url = Some(Secret::new(db.url()));
        let app = build(config.clone()).await.expect("the server builds");
        let base_url = format!("http://{}", app.address());
        let (store, clock, shutdown) =
            (app.store().clone(), app.clock().clone(), app.shutdown_token());
        let algod_url = app.algod_url().to_owned();
        let devnet = app.devnet().expect("the test preset runs the embedded devnet");
        let (algod_token, accounts) = (devnet.token().map(str::to_owned), devnet.accounts());
        tokio::spawn(app.run_until(std::future::pending()));
        let client = reqwest::Client::new();
        let app = Self {
            base_url,
            client,
            store,
            clock,
            config,
            algod_url,
            algod_token,
            accounts,
            shutdown,
            _data_dir: data_dir,
            _db: db,
        };
        app.wait_until_healthy().await;
        app
    }

    /// The listener shows life only after its first cycle; tests start once it has.
    async fn wait_until_healthy(&self) {
        for _ in 0..100 {
            if self.get("/health").await.status() == StatusCode::OK {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the server did not become healthy");
    }

    /// The test database's URL, for fixtures written in SQL.
    pub(crate) fn database_url(&self) -> &str {
        self._db.url()
    }

    pub(crate) async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.base_url)).send().await.expect("GET")
    }

    pub(crate) async fn get_with_token(&self, path: &str, token: &str) -> Response {
        let request = self.client.get(format!("{}{path}", self.base_url)).bearer_auth(token);
        request.send().await.expect("GET")
    }

    pub(crate) async fn post_json(&self, path: &str, body: &Value) -> Response {
        let request = self.client.post(format!("{}{path}", self.base_url)).json(body);
        request.send().await.expect("POST")
    }

    /// Asks for a challenge for `wallet` and returns its nonce.
    pub(crate) async fn challenge(&self, wallet: &TestWallet) -> String {
        let response =
            self.post_json("/auth/challenge", &json!({ "wallet": wallet.address() })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["data"]["nonce"].as_str().expect("a nonce").to_owned()
    }

    /// Answers a challenge with `signer`'s signature on behalf of `wallet`.
    pub(crate) async fn verify(
        &self,
        wallet: &TestWallet,
        nonce: &str,
        signer: &TestWallet,
    ) -> Response {
        let signature = signer.sign_nonce(nonce);
        let body = json!({ "wallet": wallet.address(), "nonce": nonce, "signature": signature });
        self.post_json("/auth/verify", &body).await
    }

    /// Signs `wallet` in and returns its access token.
    pub(crate) async fn sign_in(&self, wallet: &TestWallet) -> String {
        let nonce = self.challenge(wallet).await;
        let response = self.verify(wallet, &nonce, wallet).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["data"]["accessToken"].as_str().expect("a token").to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// An Ed25519 key pair standing in for a wallet.
pub(crate) struct TestWallet {
    key: SigningKey,
}

impl TestWallet {
    pub(crate) fn random() -> Self {
        Self { key: SigningKey::generate(&mut OsRng) }
    }

    pub(crate) fn address(&self) -> String {
        self.as_address().to_string()
    }

    pub(crate) fn as_address(&self) -> Address {
        Address(self.key.verifying_key().to_bytes())
    }

    /// What a wallet's `signData` returns for a challenge: a signature over `"MX" ‖ nonce`.
    pub(crate) fn sign_nonce(&self, nonce: &str) -> String {
        let message = [b"MX".as_slice(), nonce.as_bytes()].concat();
        STANDARD.encode(self.key.sign(&message).to_bytes())
    }
}

/// Reads a JSON error envelope, checking its shape, and returns its code.
pub(crate) async fn error_code(response: Response) -> String {
    let body: Value = response.json().await.expect("a JSON body");
    let error = &body["error"];
    assert!(error["message"].is_string(), "no message in {body}");
    assert!(error.get("details").is_some(), "no details in {body}");
    error["code"].as_str().expect("an error code").to_owned()
}

/// A creator with an active contract, as registration will leave them.
pub(crate) async fn registered_creator(store: &Store, app_id: u64) -> Address {
    let creator = TestWallet::random().as_address();
    store.upsert_fan(&creator, Timestamp(0)).await.unwrap();
    store.set_role(&creator, Role::Creator).await.unwrap();
    let contract = Contract {
        app_id: AppId(app_id),
        creator,
        app_address: Address::for_app(AppId(app_id)),
        version: 1,
        deployed_at: Timestamp(0),
        retired_at: None,
    };
    store.insert_contract(&contract).await.unwrap();
    creator
}

/// A tip at `round`/`intra_round` to the creator of `app_id`.
pub(crate) fn tip(
    round: u64,
    intra_round: u64,
    app_id: u64,
    creator: Address,
    fan: Address,
) -> Tip {
    Tip {
        txid: format!("TX-{round}-{intra_round}"),
        round: Round(round),
        intra_round,
        app_id: AppId(app_id),
        fan,
        creator,
        amount: MicroAlgos(1_000_000 + round),
        memo: b"thanks!".to_vec(),
    }
}
