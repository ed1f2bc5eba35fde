//! Real signed transactions against the server's devnet: deploying a TipProxy from the
//! platform account and tipping through it.

use std::sync::Arc;
use std::time::Duration;

use data_encoding::BASE64;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, Payment, StateSchema};
use tipforge_algo::{
    Address, AppId, AssetId, MicroAlgos, SecretKey, SignedTransaction, Transaction, TxnBody,
};
use tipforge_chain::{Algod, ApiToken, ChainMetrics, RetryPolicy};
use tipforge_devnet::FundedAccount;
use tipforge_server::domain::{Clock, Contract};
use tipforge_server::store::Store;

const CONTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/tip_proxy");
const TIP_SELECTOR: [u8; 4] = [0x9e, 0x8c, 0xcd, 0x33];
const CREATE_SELECTOR: [u8; 4] = [0xce, 0x61, 0x02, 0x51];
const MIN_TIP: u64 = 100_000;

/// A client of the server's algod and the devnet's funded accounts.
pub(crate) struct Chain {
    algod: Algod,
    accounts: Vec<FundedAccount>,
}

fn program(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{CONTRACT}/{name}.b64")).unwrap();
    BASE64.decode(text.trim().as_bytes()).unwrap()
}

impl Chain {
    pub(crate) fn new(url: &str, token: Option<&str>, accounts: Vec<FundedAccount>) -> Self {
        let metrics = Arc::new(ChainMetrics::default());
        let token = token.map(ApiToken::new);
        let algod =
            Algod::new(url, token, Duration::from_secs(5), RetryPolicy::NONE, metrics).unwrap();
        Self { algod, accounts }
    }

    pub(crate) fn accounts(&self) -> Vec<FundedAccount> {
        self.accounts.clone()
    }

    async fn txn(&self, from: &SecretKey, body: impl Into<TxnBody>) -> Transaction {
        let params = self.algod.suggested_params().await.unwrap();
        Transaction::builder(from.address(), &params, body).build().unwrap()
    }

    pub(crate) async fn submit(&self, group: &[SignedTransaction]) {
        let bytes: Vec<u8> = group.iter().flat_map(SignedTransaction::encode).collect();
        self.algod.submit(bytes).await.unwrap();
    }

    /// Units of `asset` that `holder` holds; `None` when not opted in.
    pub(crate) async fn holding(&self, holder: Address, asset: AssetId) -> Option<u64> {
        let holding = self.algod.account_asset(&holder, asset).await.unwrap();
        holding.map(|holding| holding.amount)
    }

    /// Deploys `creator`'s TipProxy from the platform account, funds its minimum balance and
    /// records it in `store`, as registration does.
    pub(crate) async fn deploy(
        &self,
        platform: &SecretKey,
        creator: Address,
        store: &Store,
    ) -> AppId {
        let admin = platform.address();
        let create = AppCall::create(
            program("approval"),
            program("clear"),
            StateSchema::new(4, 2),
            StateSchema::new(0, 0),
        )
        .arg(CREATE_SELECTOR.to_vec())
        .arg(creator.0.to_vec())
        .arg(admin.0.to_vec())
        .arg(MIN_TIP.to_be_bytes().to_vec());
        let signed = self.txn(platform, create).await.sign(platform);
        self.submit(std::slice::from_ref(&signed)).await;
        let app = self.algod.pending(&signed.id()).await.unwrap().application_index.unwrap();
        let fund = self.txn(platform, Payment::new(Address::for_app(app), MicroAlgos(100_000)));
        self.submit(&[fund.await.sign(platform)]).await;
        let now = Clock::default().now();
        store.upsert_fan(&creator, now).await.unwrap();
        let contract = Contract {
            app_id: app,
            creator,
            app_address: Address::for_app(app),
            version: 1,
            deployed_at: now,
            retired_at: None,
        };
        store.insert_contract(&contract).await.unwrap();
        app
    }

    /// A signed tip group: the payment to the app, then the `tip` call with an ABI string memo.
    pub(crate) async fn tip(
        &self,
        fan: &SecretKey,
        app: AppId,
        creator: Address,
        amount: u64,
        memo: &str,
    ) {
        let pay = self.txn(fan, Payment::new(Address::for_app(app), MicroAlgos(amount)));
        let memo = [&(memo.len() as u16).to_be_bytes()[..], memo.as_bytes()].concat();
        let call = AppCall::new(app).arg(TIP_SELECTOR.to_vec()).arg(memo).account(creator);
        let mut call = self.txn(fan, call).await;
        call.header.fee = MicroAlgos(2_000);
        let mut group = vec![pay.await, call];
        assign_group(&mut group).unwrap();
        let signed: Vec<_> = group.iter().map(|txn| txn.sign(fan)).collect();
        self.submit(&signed).await;
    }
}
