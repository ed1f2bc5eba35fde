//! Rewards decided from real tips, and asset transfers seen on chain: opt-ins that release a
//! waiting delivery and golden NFTs changing hands.

use std::sync::Arc;

use sqlx::{AnyConnection, Connection, Executor, Row};
use tipforge_algo::transaction::{AssetConfig, AssetParams, AssetTransfer};
use tipforge_algo::{AssetId, MicroAlgos, SecretKey};
use tipforge_chain::RetryPolicy;
use tipforge_server::domain::{
    RuleParameters, Supply, Template, TemplateId, TemplateKind, Timestamp, TipQuery,
};
use tipforge_server::listener::Cycle;
use tokio::sync::Notify;

use super::Net;

impl Net {
    fn database_url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self._dir.path().join("t.db").display())
    }

    async fn sql(&self, statement: &str) {
        let mut connection = AnyConnection::connect(&self.database_url()).await.unwrap();
        connection.execute(statement).await.unwrap();
        connection.close().await.unwrap();
    }

    async fn rows(&self, query: &str) -> Vec<sqlx::any::AnyRow> {
        let mut connection = AnyConnection::connect(&self.database_url()).await.unwrap();
        let rows = sqlx::query(query).fetch_all(&mut connection).await.unwrap();
        connection.close().await.unwrap();
        rows
    }

    async fn offer(&self, kind: TemplateKind, name: &str, rules: RuleParameters) -> TemplateId {
        let template = Template {
            id: TemplateId::generate(),
            creator: self.creator.address(),
            kind,
            name: name.to_owned(),
            supply: Supply::Unique,
            image_cid: "bafkimage".to_owned(),
            image_mime: "image/png".to_owned(),
            metadata_cid: "bafkmeta".to_owned(),
            metadata_url: "ipfs://bafkmeta#arc3".to_owned(),
            metadata_hash: "aGFzaA==".to_owned(),
            rules,
            created_at: Timestamp(0),
        };
        self.store.insert_template(&template).await.unwrap();
        template.id
    }

    /// A one-of-one asset created by the creator's account, standing in for a minted reward.
    async fn create_asset(&self, name: &str) -> AssetId {
        let params = AssetParams::new(1, 0).unit_name("TF").asset_name(name);
        let signed =
            self.send(&self.creator, AssetConfig::create(params)).await.sign(&self.creator);
        self.submit(std::slice::from_ref(&signed)).await;
        self.algod.pending(&signed.id()).await.unwrap().asset_index.unwrap()
    }

    async fn axfer(&self, from: &SecretKey, transfer: AssetTransfer) {
        let signed = self.send(from, transfer).await.sign(from);
        self.submit(std::slice::from_ref(&signed)).await;
    }

    async fn tip_ids(&self) -> Vec<String> {
        let query = TipQuery { creator: None, fan: None, before: None, limit: 100 };
        let tips = self.store.list_tips(&query).await.unwrap().tips;
        tips.into_iter().rev().map(|tip| tip.txid).collect()
    }

    /// Leaves the tip's sticker job as the minter would after minting `asset` for `owner`.
    async fn mint_stand_in(&self, txid: &str, asset: AssetId, state: &str, variant: &str) {
        let owner = self.rows(&format!("SELECT fan FROM tips WHERE txid = '{txid}'")).await;
        let owner: String = owner[0].try_get("fan").unwrap();
        self.sql(&format!(
            "UPDATE reward_jobs SET state = '{state}', variant = '{variant}', asset_id = {asset} \
             WHERE tip_txid = '{txid}' AND kind = 'sticker'"
        ))
        .await;
        self.sql(&format!(
            "INSERT INTO nfts (tip_txid, kind, asset_id, template_id, owner, creator, variant, \
             delivery, minted_at) SELECT tip_txid, kind, asset_id, template_id, '{owner}', '{}', \
             variant, 'awaiting_optin', 0 FROM reward_jobs \
             WHERE tip_txid = '{txid}' AND kind = 'sticker'",
            self.creator.address()
        ))
        .await;
    }
}

/// A sticker from 1 ALGO that is never golden, and the default membership.
async fn offer_sticker_and_membership(net: &Net) {
    let rules = RuleParameters {
        threshold: Some(MicroAlgos(1_000_000)),
        golden_odds_bps: Some(0),
        every_nth_tip: Some(1_000),
        ..RuleParameters::default()
    };
    net.offer(TemplateKind::Sticker, "star", rules).await;
    net.offer(TemplateKind::Membership, "member", RuleParameters::default()).await;
}

/// Whether `notify` holds a wake-up, without waiting for one.
async fn woken(notify: &Notify) -> bool {
    tokio::select! {
        biased;
        () = notify.notified() => true,
        () = std::future::ready(()) => false,
    }
}

#[tokio::test]
async fn tips_through_the_contract_queue_their_rewards_and_wake_the_minter() {
    let net = Net::start().await;
    offer_sticker_and_membership(&net).await;
    let fan = net.devnet.accounts()[1].key.clone();
    let notify = Arc::new(Notify::new());
    let listener = net.listener(RetryPolicy::NONE).with_rewards_notify(notify.clone());
    listener.run_once().await.unwrap();
    assert!(!woken(&notify).await);

    net.tip(&fan, 1_000_000, "gm").await;
    net.tip(&fan, 500_000, "small").await;
    net.tip(&fan, 5_000_000, " Membership").await;
    let cycle = listener.run_once().await.unwrap();

    assert!(matches!(cycle, Cycle::Ingested { found: 3, new: 3, .. }), "{cycle:?}");
    assert!(woken(&notify).await);
    let ids = net.tip_ids().await;
    let jobs = net.rows("SELECT tip_txid, kind, variant, state FROM reward_jobs").await;
    let mut jobs: Vec<(String, String, String, String)> = jobs
        .iter()
        .map(|row| {
            let text = |column: &str| row.try_get::<String, _>(column).unwrap();
            (text("tip_txid"), text("kind"), text("variant"), text("state"))
        })
        .collect();
    jobs.sort();
    let job = |id: &String, kind: &str| {
        (id.clone(), kind.to_owned(), "soulbound".to_owned(), "queued".to_owned())
    };
    let mut expected = vec![job(&ids[0], "sticker"), job(&ids[2], "membership")];
    expected.sort();
    assert_eq!(jobs, expected);
    let memberships = net.rows("SELECT tip_txid FROM memberships").await;
    assert_eq!(memberships[0].try_get::<String, _>("tip_txid").unwrap(), ids[2]);
    let query = TipQuery { creator: None, fan: None, before: None, limit: 10 };
    let page = net.store.list_tips(&query).await.unwrap();
    assert_eq!(page.outcomes[1].as_ref().unwrap().note, "below every sticker threshold");
    assert!(matches!(listener.run_once().await.unwrap(), Cycle::AtTip { .. }));
    assert!(!woken(&notify).await, "a cycle with no new work wakes nobody");
}

#[tokio::test]
async fn an_opt_in_releases_a_waiting_delivery_and_golden_nfts_follow_their_owner() {
    let net = Net::start().await;
    offer_sticker_and_membership(&net).await;
    let accounts = net.devnet.accounts();
    let [fan, buyer, collector] = [1, 2, 3].map(|n| accounts[n].key.clone());
    let notify = Arc::new(Notify::new());
    let listener = net.listener(RetryPolicy::NONE).with_rewards_notify(notify.clone());
    listener.run_once().await.unwrap();
    net.tip(&fan, 1_000_000, "one").await;
    net.tip(&fan, 2_000_000, "two").await;
    listener.run_once().await.unwrap();
    assert!(woken(&notify).await);
    let ids = net.tip_ids().await;
    let (waiting, golden) = (net.create_asset("waiting").await, net.create_asset("golden").await);
    net.mint_stand_in(&ids[0], waiting, "awaiting_optin", "soulbound").await;
    net.mint_stand_in(&ids[1], golden, "done", "golden").await;
    listener.run_once().await.unwrap();
    assert!(!woken(&notify).await);

    net.axfer(&fan, AssetTransfer::opt_in(waiting, fan.address())).await;
    net.axfer(&fan, AssetTransfer::opt_in(golden, fan.address())).await;
    net.axfer(&net.creator, AssetTransfer::new(golden, fan.address(), 1)).await;
    net.axfer(&buyer, AssetTransfer::opt_in(golden, buyer.address())).await;
    net.axfer(&collector, AssetTransfer::opt_in(golden, collector.address())).await;
    net.axfer(&fan, AssetTransfer::new(golden, buyer.address(), 1)).await;
    let close_out =
        AssetTransfer::new(golden, collector.address(), 0).close_to(collector.address());
    net.axfer(&buyer, close_out).await;
    listener.run_once().await.unwrap();

    assert!(woken(&notify).await);
    let job =
        net.rows(&format!("SELECT state FROM reward_jobs WHERE tip_txid = '{}'", ids[0])).await;
    assert_eq!(job[0].try_get::<String, _>("state").unwrap(), "minted");
    let owner = net.rows(&format!("SELECT owner FROM nfts WHERE asset_id = {golden}")).await;
    assert_eq!(owner[0].try_get::<String, _>("owner").unwrap(), collector.address().to_string());
    let holding = net.algod.account(&collector.address()).await.unwrap();
    assert!(holding.assets.iter().any(|held| held.asset_id == golden && held.amount == 1));
}
