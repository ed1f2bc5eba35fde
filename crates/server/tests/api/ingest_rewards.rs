//! Reward decisions at ingest, against both databases: counters, jobs, memberships, loyalty,
//! opt-ins and golden NFT owners, all written in the batch's transaction.

use sqlx::{AnyConnection, Connection, Executor, Row};
use tipforge_algo::{Address, AssetId, MicroAlgos, Round};
use tipforge_server::domain::{
    AssetMove, Remaining, RuleParameters, Supply, Template, TemplateId, TemplateKind, Timestamp,
    Tip, TipQuery,
};
use tipforge_server::store::{IngestReport, Store};

use crate::helpers::{TestDb, TestWallet, registered_creator, tip};

on_both_databases!(
    several_tips_of_one_fan_in_one_batch_get_exact_counters,
    a_replayed_batch_creates_no_duplicate_jobs_and_changes_no_counter,
    memberships_renew_from_the_current_expiry_and_keep_their_history,
    tips_that_earn_nothing_say_why,
    an_opt_in_requeues_the_fans_waiting_delivery,
    golden_nfts_follow_their_transfers,
    an_edition_rewards_no_more_tips_than_it_has_units,
);

const GENESIS: &str = "testnet-v1.0";
const ALGO: u64 = 1_000_000;
const DAY_MS: i64 = 86_400_000;
const APP: u64 = 7;

fn template(creator: Address, kind: TemplateKind, name: &str, rules: RuleParameters) -> Template {
    Template {
        id: TemplateId::generate(),
        creator,
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
    }
}

/// A sticker from 1 ALGO that the draw never makes golden, guaranteed golden every 3rd tip.
fn sticker(creator: Address) -> Template {
    let rules = RuleParameters {
        threshold: Some(MicroAlgos(ALGO)),
        golden_odds_bps: Some(0),
        every_nth_tip: Some(3),
        ..RuleParameters::default()
    };
    template(creator, TemplateKind::Sticker, "star", rules)
}

fn badge(creator: Address, every: u64) -> Template {
    let rules = RuleParameters { every_nth_tip: Some(every), ..RuleParameters::default() };
    template(creator, TemplateKind::LoyaltyBadge, "regular", rules)
}

fn membership(creator: Address) -> Template {
    template(creator, TemplateKind::Membership, "member", RuleParameters::default())
}

fn tip_of(round: u64, intra: u64, creator: Address, fan: Address, amount: u64, memo: &str) -> Tip {
    Tip {
        amount: MicroAlgos(amount),
        memo: memo.as_bytes().to_vec(),
        ..tip(round, intra, APP, creator, fan)
    }
}

async fn creator_with(store: &Store, templates: impl Fn(Address) -> Vec<Template>) -> Address {
    let creator = registered_creator(store, APP).await;
    for template in templates(creator) {
        store.insert_template(&template).await.unwrap();
    }
    creator
}

async fn connect(db: &TestDb) -> AnyConnection {
    AnyConnection::connect(db.url()).await.unwrap()
}

/// Every reward job as (tip, kind, variant, state), sorted.
async fn jobs(db: &TestDb) -> Vec<(String, String, String, String)> {
    let mut connection = connect(db).await;
    let rows = sqlx::query(
        "SELECT tip_txid, kind, variant, state FROM reward_jobs ORDER BY tip_txid, kind",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    rows.iter()
        .map(|row| {
            let text = |column: &str| row.try_get::<String, _>(column).unwrap();
            (text("tip_txid"), text("kind"), text("variant"), text("state"))
        })
        .collect()
}

async fn sequences(db: &TestDb) -> Vec<(String, i64)> {
    let mut connection = connect(db).await;
    let rows = sqlx::query("SELECT txid, creator_seq FROM tips ORDER BY round, intra_round")
        .fetch_all(&mut connection)
        .await
        .unwrap();
    rows.iter()
        .map(|row| (row.try_get("txid").unwrap(), row.try_get("creator_seq").unwrap()))
        .collect()
}

async fn loyalty(db: &TestDb, fan: Address) -> (i64, i64, i64) {
    let mut connection = connect(db).await;
    let row =
        sqlx::query("SELECT qualifying_tips, total_micro, badges FROM loyalty WHERE fan = $1")
            .bind(fan.to_string())
            .fetch_one(&mut connection)
            .await
            .unwrap();
    let number = |column: &str| row.try_get::<i64, _>(column).unwrap();
    (number("qualifying_tips"), number("total_micro"), number("badges"))
}

fn job(txid: &str, kind: &str, variant: &str) -> (String, String, String, String) {
    (txid.to_owned(), kind.to_owned(), variant.to_owned(), "queued".to_owned())
}

async fn several_tips_of_one_fan_in_one_batch_get_exact_counters(db: TestDb) {
    let store = db.open().await;
    let creator = creator_with(&store, |c| vec![sticker(c), badge(c, 2)]).await;
    let (fan, other) = (TestWallet::random().as_address(), TestWallet::random().as_address());
    let batch = [
        tip_of(10, 0, creator, fan, ALGO, "one"),
        tip_of(10, 1, creator, fan, 400_000, "too small for loyalty"),
        tip_of(10, 2, creator, other, ALGO, "other fan"),
        tip_of(11, 0, creator, fan, 2 * ALGO, "two"),
        tip_of(11, 1, creator, fan, ALGO / 2, "three, under the sticker"),
    ];

    let report = store.ingest_batch(GENESIS, Round(11), &batch, &[], Timestamp(5)).await.unwrap();
    let later = [tip_of(12, 0, creator, fan, ALGO, "four")];
    store.ingest_batch(GENESIS, Round(12), &later, &[], Timestamp(6)).await.unwrap();

    assert_eq!(report.new_tips, 5);
    assert!(report.has_minter_work());
    let seqs: Vec<i64> = sequences(&db).await.into_iter().map(|(_, seq)| seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    let expected = vec![
        job("TX-10-0", "sticker", "soulbound"),
        job("TX-10-2", "sticker", "golden"),
        job("TX-11-0", "loyalty_badge", "soulbound"),
        job("TX-11-0", "sticker", "soulbound"),
        job("TX-12-0", "loyalty_badge", "soulbound"),
        job("TX-12-0", "sticker", "golden"),
    ];
    assert_eq!(jobs(&db).await, expected);
    assert_eq!(loyalty(&db, fan).await, (4, 4_900_000, 2));
    assert_eq!(loyalty(&db, other).await, (1, 1_000_000, 0));
}

async fn a_replayed_batch_creates_no_duplicate_jobs_and_changes_no_counter(db: TestDb) {
    let store = db.open().await;
    let creator = creator_with(&store, |c| vec![sticker(c), badge(c, 2)]).await;
    let fan = TestWallet::random().as_address();
    let batch: Vec<Tip> = (0..4).map(|n| tip_of(20, n, creator, fan, ALGO, "again")).collect();

    let first = store.ingest_batch(GENESIS, Round(20), &batch, &[], Timestamp(1)).await.unwrap();
    let (jobs_once, loyalty_once) = (jobs(&db).await, loyalty(&db, fan).await);
    let replay = store.ingest_batch(GENESIS, Round(20), &batch, &[], Timestamp(2)).await.unwrap();
    let reversed: Vec<Tip> = batch.iter().rev().cloned().collect();
    let shuffled = store.ingest_batch(GENESIS, Round(21), &reversed, &[], Timestamp(3)).await;

    assert_eq!((first.new_tips, first.jobs_created), (4, 6));
    assert_eq!(replay, IngestReport::default());
    assert_eq!(shuffled.unwrap(), IngestReport::default());
    assert_eq!(jobs(&db).await, jobs_once);
    assert_eq!(loyalty(&db, fan).await, loyalty_once);
    assert_eq!(loyalty_once, (4, 4_000_000, 2));
    assert_eq!(store.watermark(GENESIS).await.unwrap(), Some(Round(21)));
}

async fn memberships(db: &TestDb, fan: Address) -> Vec<(i64, i64)> {
    let mut connection = connect(db).await;
    let rows = sqlx::query(
        "SELECT starts_at, expires_at FROM memberships WHERE fan = $1 ORDER BY starts_at",
    )
    .bind(fan.to_string())
    .fetch_all(&mut connection)
    .await
    .unwrap();
    rows.iter()
        .map(|row| (row.try_get("starts_at").unwrap(), row.try_get("expires_at").unwrap()))
        .collect()
}

async fn memberships_renew_from_the_current_expiry_and_keep_their_history(db: TestDb) {
    let store = db.open().await;
    let creator = creator_with(&store, |c| vec![membership(c)]).await;
    let fan = TestWallet::random().as_address();
    let start = Timestamp(1_000);
    let two = [
        tip_of(30, 0, creator, fan, 5 * ALGO, "MEMBERSHIP"),
        tip_of(30, 1, creator, fan, 5 * ALGO, " membership "),
    ];
    store.ingest_batch(GENESIS, Round(30), &two, &[], start).await.unwrap();
    let third = [tip_of(31, 0, creator, fan, 5 * ALGO, "Membership")];
    store.ingest_batch(GENESIS, Round(31), &third, &[], Timestamp(start.0 + DAY_MS)).await.unwrap();

    let lapsed = Timestamp(start.0 + 200 * DAY_MS);
    let fourth = [tip_of(32, 0, creator, fan, 5 * ALGO, "MEMBERSHIP")];
    store.ingest_batch(GENESIS, Round(32), &fourth, &[], lapsed).await.unwrap();

    let month = 30 * DAY_MS;
    assert_eq!(
        memberships(&db, fan).await,
        [
            (start.0, start.0 + month),
            (start.0 + month, start.0 + 2 * month),
            (start.0 + 2 * month, start.0 + 3 * month),
            (lapsed.0, lapsed.0 + month),
        ]
    );
    let kinds: Vec<String> = jobs(&db).await.into_iter().map(|(_, kind, ..)| kind).collect();
    assert_eq!(kinds, ["membership"; 4]);
}

async fn tips_that_earn_nothing_say_why(db: TestDb) {
    let store = db.open().await;
    let creator = creator_with(&store, |c| vec![sticker(c)]).await;
    let bare = registered_creator(&store, APP + 1).await;
    let fan = TestWallet::random().as_address();
    let batch = [
        tip_of(40, 0, creator, fan, ALGO - 1, "gm"),
        tip_of(40, 1, creator, fan, 9 * ALGO, "MEMBERSHIP"),
        tip_of(40, 2, creator, fan, ALGO, "order:A-17"),
        Tip { app_id: tipforge_algo::AppId(APP + 1), ..tip_of(40, 3, bare, fan, ALGO, "hi") },
    ];

    store.ingest_batch(GENESIS, Round(40), &batch, &[], Timestamp(0)).await.unwrap();

    let query = TipQuery { creator: None, fan: Some(fan), before: None, limit: 10 };
    let page = store.list_tips(&query).await.unwrap();
    let outcomes: Vec<_> = page.outcomes.into_iter().map(Option::unwrap).collect();
    assert_eq!(outcomes[3].note, "below every sticker threshold");
    assert_eq!(outcomes[2].note, "no membership template");
    assert!(outcomes[1].rewarded, "{:?}", outcomes[1]);
    assert_eq!(outcomes[1].order.as_deref(), Some("A-17"));
    assert!(outcomes[1].note.contains("sticker 'star'"), "{}", outcomes[1].note);
    assert_eq!(outcomes[0].note, "creator has no templates");
    assert!(!outcomes[0].rewarded);
}

/// A minted reward as the minter leaves it: the job with its asset, and the NFT row.
async fn minted(
    db: &TestDb,
    tip: &Tip,
    template: TemplateId,
    asset: u64,
    state: &str,
    variant: &str,
) {
    let mut connection = connect(db).await;
    let job = format!(
        "INSERT INTO reward_jobs (tip_txid, kind, template_id, variant, state, asset_id, \
         next_attempt_at, created_at, updated_at) \
         VALUES ('{}', 'sticker', '{template}', '{variant}', '{state}', {asset}, 0, 0, 0) \
         ON CONFLICT (tip_txid, kind) DO UPDATE SET state = excluded.state, \
         asset_id = excluded.asset_id, variant = excluded.variant",
        tip.txid
    );
    connection.execute(job.as_str()).await.unwrap();
    let nft = format!(
        "INSERT INTO nfts (tip_txid, kind, asset_id, template_id, owner, creator, variant, \
         delivery, minted_at) VALUES ('{}', 'sticker', {asset}, '{template}', '{}', '{}', \
         '{variant}', 'awaiting_optin', 0)",
        tip.txid, tip.fan, tip.creator
    );
    connection.execute(nft.as_str()).await.unwrap();
    connection.close().await.unwrap();
}

fn transfer(asset: u64, sender: Address, receiver: Address, amount: u64) -> AssetMove {
    AssetMove {
        round: Round(1),
        asset: AssetId(asset),
        sender,
        receiver,
        amount,
        revoke_from: None,
        close_to: None,
    }
}

async fn job_state(db: &TestDb, txid: &str) -> (String, i64) {
    let mut connection = connect(db).await;
    let row = sqlx::query("SELECT state, next_attempt_at FROM reward_jobs WHERE tip_txid = $1")
        .bind(txid)
        .fetch_one(&mut connection)
        .await
        .unwrap();
    (row.try_get("state").unwrap(), row.try_get("next_attempt_at").unwrap())
}

async fn an_opt_in_requeues_the_fans_waiting_delivery(db: TestDb) {
    let store = db.open().await;
    let star = sticker(Address::ZERO);
    let creator = creator_with(&store, |c| vec![Template { creator: c, ..star.clone() }]).await;
    let (fan, stranger) = (TestWallet::random().as_address(), TestWallet::random().as_address());
    let (waiting, busy) =
        (tip_of(50, 0, creator, fan, ALGO, "a"), tip_of(50, 1, creator, fan, ALGO, "b"));
    store
        .ingest_batch(GENESIS, Round(50), &[waiting.clone(), busy.clone()], &[], Timestamp(0))
        .await
        .unwrap();
    minted(&db, &waiting, star.id, 900, "awaiting_optin", "soulbound").await;
    minted(&db, &busy, star.id, 901, "delivering", "soulbound").await;

    let moves = [
        transfer(900, stranger, stranger, 0),
        transfer(901, fan, fan, 0),
        transfer(900, fan, fan, 0),
    ];
    let now = Timestamp(77_000);
    let report = store.ingest_batch(GENESIS, Round(51), &[], &moves, now).await.unwrap();
    let replay = store.ingest_batch(GENESIS, Round(51), &[], &moves, now).await.unwrap();

    assert_eq!(report.deliveries_requeued, 1);
    assert!(report.has_minter_work());
    assert_eq!(replay.deliveries_requeued, 0);
    assert_eq!(job_state(&db, &waiting.txid).await, ("minted".to_owned(), now.0));
    assert_eq!(job_state(&db, &busy.txid).await.0, "delivering");
}

async fn owner_of(db: &TestDb, asset: u64) -> String {
    let mut connection = connect(db).await;
    let row = sqlx::query("SELECT owner FROM nfts WHERE asset_id = $1")
        .bind(i64::try_from(asset).unwrap())
        .fetch_one(&mut connection)
        .await
        .unwrap();
    row.try_get("owner").unwrap()
}

async fn golden_nfts_follow_their_transfers(db: TestDb) {
    let store = db.open().await;
    let star = sticker(Address::ZERO);
    let creator = creator_with(&store, |c| vec![Template { creator: c, ..star.clone() }]).await;
    let [fan, buyer, collector, platform] =
        std::array::from_fn(|_| TestWallet::random().as_address());
    let (golden, plain) =
        (tip_of(60, 0, creator, fan, ALGO, "a"), tip_of(60, 1, creator, fan, ALGO, "b"));
    store
        .ingest_batch(GENESIS, Round(60), &[golden.clone(), plain.clone()], &[], Timestamp(0))
        .await
        .unwrap();
    minted(&db, &golden, star.id, 700, "done", "golden").await;
    minted(&db, &plain, star.id, 701, "done", "soulbound").await;

    let moves = [
        transfer(700, platform, fan, 1),
        transfer(700, fan, buyer, 1),
        transfer(700, fan, collector, 1),
        AssetMove { close_to: Some(collector), ..transfer(700, buyer, buyer, 0) },
        transfer(701, fan, buyer, 1),
    ];
    let report = store.ingest_batch(GENESIS, Round(61), &[], &moves, Timestamp(1)).await.unwrap();

    assert_eq!(report.owners_changed, 1);
    assert!(!report.has_minter_work());
    assert_eq!(owner_of(&db, 700).await, collector.to_string());
    assert_eq!(owner_of(&db, 701).await, fan.to_string(), "soulbound rewards are not followed");
}

/// The sticker as an edition of two units per variant, golden on every 4th tip.
fn edition_sticker(creator: Address) -> Template {
    let star = sticker(creator);
    let rules = RuleParameters { every_nth_tip: Some(4), ..star.rules };
    Template { supply: Supply::Edition { size: 2 }, rules, ..star }
}

async fn an_edition_rewards_no_more_tips_than_it_has_units(db: TestDb) {
    let store = db.open().await;
    let creator = creator_with(&store, |c| vec![edition_sticker(c)]).await;
    let fans: Vec<Address> = (0..5).map(|_| TestWallet::random().as_address()).collect();
    let first: Vec<Tip> =
        (0..3).map(|n| tip_of(50, n, creator, fans[n as usize], ALGO, "gm")).collect();
    let second =
        [tip_of(51, 0, creator, fans[3], ALGO, "gm"), tip_of(51, 1, creator, fans[4], ALGO, "gm")];

    let report = store.ingest_batch(GENESIS, Round(50), &first, &[], Timestamp(1)).await.unwrap();
    store.ingest_batch(GENESIS, Round(51), &second, &[], Timestamp(2)).await.unwrap();
    let issued = jobs(&db).await;
    let replay = store.ingest_batch(GENESIS, Round(51), &first, &[], Timestamp(3)).await.unwrap();

    assert_eq!((report.new_tips, report.jobs_created), (3, 2));
    let expected = vec![
        job("TX-50-0", "sticker", "soulbound"),
        job("TX-50-1", "sticker", "soulbound"),
        job("TX-51-0", "sticker", "golden"),
    ];
    assert_eq!(issued, expected, "the 4th tip is golden, which has units left");
    assert_eq!(replay, IngestReport::default());
    assert_eq!(jobs(&db).await, expected);
    let query = TipQuery { creator: Some(creator), fan: None, before: None, limit: 10 };
    let page = store.list_tips(&query).await.unwrap();
    let notes: Vec<(bool, String)> =
        page.outcomes.into_iter().map(Option::unwrap).map(|o| (o.rewarded, o.note)).collect();
    let sold_out = (false, "soulbound sticker edition sold out: all 2 issued".to_owned());
    assert_eq!(notes[0], sold_out, "newest first: TX-51-1");
    assert_eq!(notes[2], sold_out, "TX-50-2");
    assert!(notes[1].0 && notes[3].0 && notes[4].0, "{notes:?}");
    let templates = store.templates_of(&creator).await.unwrap();
    let stocks = store.edition_stocks(&templates).await.unwrap();
    let left = stocks[&templates[0].id].remaining();
    assert_eq!(left, Remaining { soulbound: 0, golden: 1 });
}
