//! `TestNet`: a devnet on port 0 and a client that speaks to it.

use reqwest::StatusCode;
use serde_json::Value as Json;
use tipforge_algo::transaction::Payment;
use tipforge_algo::{
    Address, MicroAlgos, Round, SecretKey, SignedTransaction, SuggestedParams, Transaction, TxnBody,
};
use tipforge_devnet::{Config, DevnetHandle, LOCALNET_TOKEN, spawn};

pub(crate) struct TestNet {
    pub(crate) handle: DevnetHandle,
    pub(crate) client: reqwest::Client,
    pub(crate) algod: String,
    pub(crate) indexer: String,
}

impl TestNet {
    pub(crate) async fn spawn() -> Self {
        Self::with(Config::test()).await
    }

    pub(crate) async fn with(config: Config) -> Self {
        let handle = spawn(config).await.expect("devnet starts");
        let (algod, indexer) = (handle.algod_url(), handle.indexer_url());
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .expect("client");
        Self { handle, client, algod, indexer }
    }

    pub(crate) fn key(&self, index: usize) -> SecretKey {
        self.handle.accounts()[index].key.clone()
    }

    async fn json(response: reqwest::Response) -> (StatusCode, Json) {
        let status = response.status();
        let body = response.bytes().await.expect("body");
        (status, serde_json::from_slice(&body).unwrap_or(Json::Null))
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Json) {
        let response = self
            .client
            .get(format!("{}{path}", self.algod))
            .header("X-Algo-API-Token", LOCALNET_TOKEN)
            .send()
            .await
            .expect("request");
        Self::json(response).await
    }

    pub(crate) async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let response = self
            .client
            .get(format!("{}{path}", self.algod))
            .header("X-Algo-API-Token", LOCALNET_TOKEN)
            .send()
            .await
            .expect("request");
        response.bytes().await.expect("body").to_vec()
    }

    pub(crate) async fn idx(&self, path: &str) -> (StatusCode, Json) {
        let response = self
            .client
            .get(format!("{}{path}", self.indexer))
            .header("X-Indexer-API-Token", LOCALNET_TOKEN)
            .send()
            .await
            .expect("request");
        Self::json(response).await
    }

    pub(crate) async fn submit(&self, group: &[SignedTransaction]) -> (StatusCode, Json) {
        let body: Vec<u8> = group.iter().flat_map(SignedTransaction::encode).collect();
        let response = self
            .client
            .post(format!("{}/v2/transactions", self.algod))
            .header("X-Algo-API-Token", LOCALNET_TOKEN)
            .header("Content-Type", "application/x-binary")
            .body(body)
            .send()
            .await
            .expect("request");
        Self::json(response).await
    }

    pub(crate) async fn params(&self) -> SuggestedParams {
        let (_, json) = self.get("/v2/transactions/params").await;
        let last = json["last-round"].as_u64().expect("last-round");
        let hash = data_encoding::BASE64
            .decode(json["genesis-hash"].as_str().expect("hash").as_bytes())
            .expect("b64");
        SuggestedParams {
            min_fee: MicroAlgos(json["min-fee"].as_u64().expect("min-fee")),
            fee_per_byte: MicroAlgos(0),
            first_valid: Round(last),
            last_valid: Round(last + 1000),
            genesis_id: json["genesis-id"].as_str().expect("id").to_owned(),
            genesis_hash: hash.try_into().expect("32 bytes"),
        }
    }

    pub(crate) async fn txn(&self, from: &SecretKey, body: impl Into<TxnBody>) -> Transaction {
        Transaction::builder(from.address(), &self.params().await, body).build().expect("valid")
    }

    pub(crate) async fn signed(
        &self,
        from: &SecretKey,
        body: impl Into<TxnBody>,
    ) -> SignedTransaction {
        self.txn(from, body).await.sign(from)
    }

    pub(crate) async fn pay(
        &self,
        from: &SecretKey,
        to: Address,
        amount: u64,
    ) -> (StatusCode, Json) {
        let signed = self.signed(from, Payment::new(to, MicroAlgos(amount))).await;
        self.submit(&[signed]).await
    }

    pub(crate) async fn balance(&self, address: &Address) -> u64 {
        let (_, json) = self.get(&format!("/v2/accounts/{address}")).await;
        json["amount"].as_u64().expect("amount")
    }

    pub(crate) async fn last_round(&self) -> u64 {
        self.get("/v2/status").await.1["last-round"].as_u64().expect("round")
    }

    /// Submits and asserts acceptance; returns the pending-transaction response.
    pub(crate) async fn confirm(&self, group: &[SignedTransaction]) -> Json {
        let (status, json) = self.submit(group).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        let (_, pending) = self.get(&format!("/v2/transactions/pending/{}", group[0].id())).await;
        pending
    }
}

pub(crate) fn fresh_key(n: u8) -> SecretKey {
    SecretKey::from_seed(&[n; 32])
}
