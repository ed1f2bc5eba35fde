//! The dashboard's aggregates on both databases, from tips, templates, reward jobs and NFTs
//! written beside them.

use std::time::Duration;

use sqlx::{AnyConnection, Connection, Executor};
use tipforge_algo::{Address, MicroAlgos, Round};
use tipforge_server::domain::{
    Remaining, RuleParameters, Supply, Template, TemplateId, TemplateKind, Timestamp, Tip,
};
use tipforge_server::store::Store;

use crate::helpers::{TestDb, TestWallet, registered_creator, tip};

const GENESIS: &str = "testnet-v1.0";
const NOW: Timestamp = Timestamp(1_800_000_000_000);

#[tokio::test]
async fn dashboard_aggregates_on_sqlite() {
    dashboard_aggregates(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn dashboard_aggregates_on_postgres() {
    dashboard_aggregates(TestDb::postgres().await).await;
}

fn template(creator: Address, name: &str, kind: TemplateKind, supply: Supply) -> Template {
    Template {
        id: TemplateId::generate(),
        creator,
        kind,
        name: name.to_owned(),
        supply,
        image_cid: "bafyimage".to_owned(),
        image_mime: "image/png".to_owned(),
        metadata_cid: "bafymeta".to_owned(),
        metadata_url: "ipfs://bafymeta#arc3".to_owned(),
        metadata_hash: "aGFzaA==".to_owned(),
        rules: RuleParameters::default(),
        created_at: Timestamp(0),
    }
}

fn tip_of(round: u64, app: u64, creator: Address, fan: Address, amount: u64) -> Tip {
    Tip { amount: MicroAlgos(amount), ..tip(round, 0, app, creator, fan) }
}

async fn ingest(store: &Store, round: u64, tips: &[Tip], at: Timestamp) {
    store.ingest_tips(GENESIS, Round(round), tips, at).await.unwrap();
}

/// Reward jobs and NFTs have no repository functions here (the minter writes them).
async fn write(db: &TestDb, statements: &[String]) {
    let mut connection = AnyConnection::connect(db.url()).await.unwrap();
    for statement in statements {
        connection.execute(statement.as_str()).await.unwrap();
    }
    connection.close().await.unwrap();
}

fn job(tip: &Tip, kind: &str, template: &Template, state: &str) -> String {
    variant_job(tip, kind, template, state, "soulbound")
}

fn variant_job(tip: &Tip, kind: &str, template: &Template, state: &str, variant: &str) -> String {
    format!(
        "INSERT INTO reward_jobs (tip_txid, kind, template_id, variant, state, next_attempt_at, \
         created_at, updated_at) VALUES ('{}', '{kind}', '{}', '{variant}', '{state}', 0, 0, 0)",
        tip.txid, template.id
    )
}

fn nft(tip: &Tip, kind: &str, template: &Template, asset: u64) -> String {
    format!(
        "INSERT INTO nfts (tip_txid, kind, asset_id, template_id, owner, creator, variant, \
         delivery, minted_at) VALUES ('{}', '{kind}', {asset}, '{}', '{}', '{}', 'soulbound', \
         'delivered', 0)",
        tip.txid, template.id, tip.fan, tip.creator
    )
}

async fn dashboard_aggregates(db: TestDb) {
    let store = db.open().await;
    let (creator, other) =
        (registered_creator(&store, 7).await, registered_creator(&store, 8).await);
    let fans: Vec<Address> = (0..3).map(|_| TestWallet::random().as_address()).collect();
    let older =
        [tip_of(1, 7, creator, fans[0], 5_000_000), tip_of(2, 7, creator, fans[1], 1_000_000)];
    let newer = [
        tip_of(3, 7, creator, fans[0], 2_000_000),
        tip_of(4, 7, creator, fans[2], 500_000),
        tip_of(5, 8, other, fans[1], 9_000_000),
    ];
    let three_days = Duration::from_secs(3 * 24 * 3600);
    ingest(&store, 2, &older, Timestamp(NOW.0 - i64::try_from(three_days.as_millis()).unwrap()))
        .await;
    ingest(&store, 5, &newer, Timestamp(NOW.0 - 3_600_000)).await;
    let star = template(creator, "star", TemplateKind::Sticker, Supply::Unique);
    let badge =
        template(creator, "badge", TemplateKind::LoyaltyBadge, Supply::Edition { size: 100 });
    let rare = template(creator, "rare", TemplateKind::Collectible, Supply::Edition { size: 2 });
    let theirs = template(other, "theirs", TemplateKind::Sticker, Supply::Unique);
    for template in [&star, &badge, &theirs, &rare] {
        store.insert_template(template).await.unwrap();
    }
    write(
        &db,
        &[
            job(&older[0], "sticker", &star, "done"),
            job(&older[1], "sticker", &star, "minted"),
            job(&newer[0], "sticker", &star, "queued"),
            job(&newer[1], "loyalty_badge", &badge, "done"),
            job(&newer[2], "sticker", &theirs, "done"),
            variant_job(&older[0], "collectible", &rare, "queued", "golden"),
            variant_job(&older[1], "collectible", &rare, "dead", "golden"),
            variant_job(&newer[0], "collectible", &rare, "awaiting_optin", "soulbound"),
            nft(&older[0], "sticker", &star, 5001),
            nft(&newer[1], "loyalty_badge", &badge, 5002),
            nft(&newer[2], "sticker", &theirs, 5003),
        ],
    )
    .await;

    let dashboard = store.dashboard(&creator, NOW).await.unwrap();

    assert_eq!(dashboard.tips.count, 4);
    assert_eq!(dashboard.tips.amount, MicroAlgos(8_500_000));
    assert_eq!(dashboard.tips.unique_fans, 3);
    assert_eq!((dashboard.tips_last_day, dashboard.tips_last_week), (2, 4));
    let top: Vec<_> =
        dashboard.top_fans.iter().map(|fan| (fan.fan, fan.tips, fan.amount.0)).collect();
    assert_eq!(top, [(fans[0], 2, 7_000_000), (fans[1], 1, 1_000_000), (fans[2], 1, 500_000)]);
    let recent: Vec<u64> = dashboard.recent_tips.iter().map(|tip| tip.round.0).collect();
    assert_eq!(recent, [4, 3, 2, 1]);
    let jobs: Vec<(&str, u64)> =
        dashboard.reward_jobs.iter().map(|(state, n)| (state.as_str(), *n)).collect();
    let by_state = [("awaiting_optin", 1), ("dead", 1), ("done", 2), ("minted", 1), ("queued", 2)];
    assert_eq!(jobs, by_state);
    let costs: Vec<_> = dashboard
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.nfts, t.rewards, t.platform_cost().0))
        .collect();
    // Unique: 0.1 ALGO locked plus two fees for each reward on chain; edition: one fee.
    assert_eq!(costs, [("star", 1, 2, 204_000), ("badge", 1, 1, 1_000), ("rare", 0, 1, 1_000)]);
    // Every job of an edition holds a unit, whatever its state: queued and dead ones too.
    let remaining: Vec<_> =
        dashboard.templates.iter().map(|t| t.edition.map(|stock| stock.remaining())).collect();
    let left = |soulbound, golden| Some(Remaining { soulbound, golden });
    assert_eq!(remaining, [None, left(99, 100), left(1, 0)]);
    let kinds = store.template_counts(&creator).await.unwrap();
    let expected = [
        (TemplateKind::Collectible, 1),
        (TemplateKind::LoyaltyBadge, 1),
        (TemplateKind::Sticker, 1),
    ];
    assert_eq!(kinds, expected);
    let totals = store.tip_totals(&other).await.unwrap();
    assert_eq!((totals.count, totals.amount.0, totals.unique_fans), (1, 9_000_000, 1));
}
