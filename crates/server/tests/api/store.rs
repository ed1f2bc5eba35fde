//! The repository layer against both databases: every test runs on SQLite and PostgreSQL.

use std::sync::Arc;

use sqlx::{AnyConnection, Connection};
use tipforge_algo::{Address, AppId, AssetId, MicroAlgos, Round, TxId};
use tipforge_server::domain::{
    Challenge, Contract, Inflight, JobKey, JobState, Nonce, Role, RuleParameters, Supply, Template,
    TemplateId, TemplateKind, Timestamp,
};
use tipforge_server::store::{
    Delivery, EditionReward, Idempotency, IdempotencyKey, MintSettlement, Store, StoreError,
};

use crate::helpers::{TestDb, TestWallet, registered_creator, tip};

on_both_databases!(
    migrations_apply_once_and_reopen_cleanly,
    a_users_first_sign_in_creates_a_fan_and_later_ones_keep_the_role,
    a_challenge_is_consumed_exactly_once,
    concurrent_consumers_of_one_challenge_get_one_success,
    expired_challenges_are_swept,
    a_replayed_tip_batch_inserts_nothing_twice_and_the_watermark_advances_with_it,
    a_failed_tip_batch_stores_no_tips_and_keeps_the_watermark,
    a_creator_has_at_most_one_active_contract,
    contracts_map_their_constraints_to_outcomes,
    templates_can_be_created_read_updated_and_deleted,
    a_template_with_rewards_cannot_be_deleted,
    an_idempotency_key_is_claimed_once_and_replays_its_response,
    concurrent_requests_with_one_idempotency_key_act_once,
    a_batch_of_minter_writes_touches_only_the_jobs_it_still_holds,
    a_batch_of_edition_rewards_adopts_only_the_jobs_it_still_holds,
);

const GENESIS: &str = "testnet-v1.0";

async fn migrations_apply_once_and_reopen_cleanly(db: TestDb) {
    let store = db.open().await;
    store.ping().await.unwrap();

    let reopened = db.open().await;

    reopened.ping().await.unwrap();
}

async fn a_users_first_sign_in_creates_a_fan_and_later_ones_keep_the_role(db: TestDb) {
    let store = db.open().await;
    let wallet = TestWallet::random().as_address();

    let first = store.upsert_fan(&wallet, Timestamp(1_000)).await.unwrap();
    store.set_role(&wallet, Role::Creator).await.unwrap();
    let again = store.upsert_fan(&wallet, Timestamp(2_000)).await.unwrap();

    assert_eq!(first.role, Role::Fan);
    assert_eq!(again.role, Role::Creator);
    assert_eq!(again.created_at, Timestamp(1_000));
    assert_eq!(store.user(&wallet).await.unwrap(), Some(again));
    assert!(store.user(&TestWallet::random().as_address()).await.unwrap().is_none());
}

fn challenge_for(wallet: Address, expires_at: i64) -> Challenge {
    Challenge {
        nonce: Nonce::random(),
        wallet,
        created_at: Timestamp(0),
        expires_at: Timestamp(expires_at),
        used_at: None,
    }
}

async fn a_challenge_is_consumed_exactly_once(db: TestDb) {
    let store = db.open().await;
    let (wallet, other) = (TestWallet::random().as_address(), TestWallet::random().as_address());
    let challenge = challenge_for(wallet, 10_000);
    store.insert_challenge(&challenge).await.unwrap();

    let by_other = store.consume_challenge(&challenge.nonce, &other, Timestamp(1)).await;
    let first = store.consume_challenge(&challenge.nonce, &wallet, Timestamp(1)).await;
    let second = store.consume_challenge(&challenge.nonce, &wallet, Timestamp(2)).await;

    assert!(matches!(by_other, Err(StoreError::ChallengeUnavailable)));
    assert!(first.is_ok());
    assert!(matches!(second, Err(StoreError::ChallengeUnavailable)));
    let stored = store.challenge(&challenge.nonce).await.unwrap().unwrap();
    assert_eq!(stored.used_at, Some(Timestamp(1)));
    let expired = challenge_for(wallet, 10_000);
    store.insert_challenge(&expired).await.unwrap();
    let late = store.consume_challenge(&expired.nonce, &wallet, Timestamp(10_000)).await;
    assert!(matches!(late, Err(StoreError::ChallengeUnavailable)));
}

async fn concurrent_consumers_of_one_challenge_get_one_success(db: TestDb) {
    let store = Arc::new(db.open().await);
    let wallet = TestWallet::random().as_address();
    let challenge = challenge_for(wallet, 10_000);
    store.insert_challenge(&challenge).await.unwrap();

    let attempts = (0..8).map(|_| {
        let (store, nonce) = (store.clone(), challenge.nonce.clone());
        tokio::spawn(async move { store.consume_challenge(&nonce, &wallet, Timestamp(1)).await })
    });
    let mut successes = 0;
    for attempt in attempts.collect::<Vec<_>>() {
        successes += usize::from(attempt.await.unwrap().is_ok());
    }

    assert_eq!(successes, 1);
}

async fn expired_challenges_are_swept(db: TestDb) {
    let store = db.open().await;
    let wallet = TestWallet::random().as_address();
    let (old, fresh) = (challenge_for(wallet, 1_000), challenge_for(wallet, 5_000));
    store.insert_challenge(&old).await.unwrap();
    store.insert_challenge(&fresh).await.unwrap();

    let swept = store.sweep_expired(Timestamp(2_000)).await.unwrap();

    assert_eq!(swept.challenges, 1);
    assert!(store.challenge(&old.nonce).await.unwrap().is_none());
    assert!(store.challenge(&fresh.nonce).await.unwrap().is_some());
}

async fn a_replayed_tip_batch_inserts_nothing_twice_and_the_watermark_advances_with_it(db: TestDb) {
    let store = db.open().await;
    let creator = registered_creator(&store, 7).await;
    let fan = TestWallet::random().as_address();
    let batch =
        [tip(10, 0, 7, creator, fan), tip(10, 1, 7, creator, fan), tip(11, 0, 7, creator, fan)];

    let first = store.ingest_tips(GENESIS, Round(11), &batch, Timestamp(0)).await.unwrap();
    let replay = store.ingest_tips(GENESIS, Round(11), &batch, Timestamp(0)).await.unwrap();
    let overlapping = [batch[2].clone(), tip(12, 4, 7, creator, fan)];
    let next = store.ingest_tips(GENESIS, Round(12), &overlapping, Timestamp(0)).await.unwrap();
    let stale = store.ingest_tips(GENESIS, Round(5), &[], Timestamp(0)).await.unwrap();

    assert_eq!((first, replay, next, stale), (3, 0, 1, 0));
    assert_eq!(store.watermark(GENESIS).await.unwrap(), Some(Round(12)));
    assert_eq!(store.watermark("another-network").await.unwrap(), None);
    let query =
        tipforge_server::domain::TipQuery { creator: None, fan: None, before: None, limit: 10 };
    let stored = store.list_tips(&query).await.unwrap();
    assert_eq!(stored.tips.len(), 4);
    assert_eq!(stored.tips[0], tip(12, 4, 7, creator, fan));
    assert_eq!(stored.next, None);
}

async fn a_failed_tip_batch_stores_no_tips_and_keeps_the_watermark(db: TestDb) {
    let store = db.open().await;
    let creator = registered_creator(&store, 7).await;
    let fan = TestWallet::random().as_address();
    store.ingest_tips(GENESIS, Round(9), &[], Timestamp(0)).await.unwrap();
    let batch = [tip(10, 0, 7, creator, fan), tip(10, 1, 99, creator, fan)];

    let result = store.ingest_tips(GENESIS, Round(10), &batch, Timestamp(0)).await;

    assert!(matches!(result, Err(StoreError::UnknownApp { .. })), "{result:?}");
    assert_eq!(store.watermark(GENESIS).await.unwrap(), Some(Round(9)));
    let query =
        tipforge_server::domain::TipQuery { creator: None, fan: None, before: None, limit: 10 };
    assert!(store.list_tips(&query).await.unwrap().tips.is_empty());
}

fn contract(app_id: u64, creator: Address) -> Contract {
    Contract {
        app_id: AppId(app_id),
        creator,
        app_address: Address::for_app(AppId(app_id)),
        version: 1,
        deployed_at: Timestamp(0),
        retired_at: None,
    }
}

async fn a_creator_has_at_most_one_active_contract(db: TestDb) {
    let store = Arc::new(db.open().await);
    let creator = TestWallet::random().as_address();
    store.upsert_fan(&creator, Timestamp(0)).await.unwrap();

    let racers = (1..=4).map(|app_id| {
        let store = store.clone();
        tokio::spawn(async move { store.insert_contract(&contract(app_id, creator)).await })
    });
    let mut outcomes = Vec::new();
    for racer in racers.collect::<Vec<_>>() {
        outcomes.push(racer.await.unwrap());
    }

    assert_eq!(outcomes.iter().filter(|outcome| outcome.is_ok()).count(), 1);
    for refused in outcomes.iter().filter_map(|outcome| outcome.as_ref().err()) {
        assert!(matches!(refused, StoreError::ActiveContractExists { .. }), "{refused:?}");
    }
    let active = store.active_contract(&creator).await.unwrap().unwrap();
    assert!(store.retire_contract(active.app_id, Timestamp(5)).await.unwrap());
    store.insert_contract(&contract(50, creator)).await.unwrap();
    assert_eq!(store.active_contract(&creator).await.unwrap().unwrap().app_id, AppId(50));
    assert_eq!(store.active_contracts().await.unwrap().len(), 1);
}

async fn contracts_map_their_constraints_to_outcomes(db: TestDb) {
    let store = db.open().await;
    let (first, second) = (TestWallet::random().as_address(), TestWallet::random().as_address());
    store.upsert_fan(&first, Timestamp(0)).await.unwrap();
    store.upsert_fan(&second, Timestamp(0)).await.unwrap();
    store.insert_contract(&contract(1, first)).await.unwrap();

    let same_app = store.insert_contract(&contract(1, second)).await;
    let stranger = store.insert_contract(&contract(2, TestWallet::random().as_address())).await;

    assert!(matches!(same_app, Err(StoreError::AppAlreadyRegistered { app_id: AppId(1) })));
    assert!(matches!(stranger, Err(StoreError::UnknownUser { .. })), "{stranger:?}");
}

fn template(creator: Address, name: &str) -> Template {
    Template {
        id: TemplateId::generate(),
        creator,
        kind: TemplateKind::Sticker,
        name: name.to_owned(),
        supply: Supply::Edition { size: 100 },
        image_cid: "bafkimage".to_owned(),
        image_mime: "image/png".to_owned(),
        metadata_cid: "bafkmeta".to_owned(),
        metadata_url: "ipfs://bafkmeta#arc3".to_owned(),
        metadata_hash: "aGFzaA==".to_owned(),
        rules: RuleParameters {
            threshold: Some(MicroAlgos(1_000_000)),
            golden_odds_bps: Some(1_000),
            ..RuleParameters::default()
        },
        created_at: Timestamp(42),
    }
}

async fn templates_can_be_created_read_updated_and_deleted(db: TestDb) {
    let store = db.open().await;
    let creator = registered_creator(&store, 3).await;
    let sticker = template(creator, "gold star");
    store.insert_template(&sticker).await.unwrap();

    let duplicate = store.insert_template(&template(creator, "gold star")).await;
    let orphan = store.insert_template(&template(TestWallet::random().as_address(), "x")).await;
    let rules = RuleParameters { threshold: Some(MicroAlgos(5)), ..RuleParameters::default() };
    store.update_template_rules(sticker.id, &creator, &rules).await.unwrap();

    assert!(matches!(duplicate, Err(StoreError::TemplateNameTaken { .. })), "{duplicate:?}");
    assert!(matches!(orphan, Err(StoreError::UnknownUser { .. })), "{orphan:?}");
    let stored = store.template(sticker.id).await.unwrap().unwrap();
    assert_eq!(stored, Template { rules, ..sticker.clone() });
    assert_eq!(store.templates_of(&creator).await.unwrap(), vec![stored]);
    let stranger = TestWallet::random().as_address();
    let not_theirs = store.delete_template(sticker.id, &stranger).await;
    assert!(matches!(not_theirs, Err(StoreError::TemplateNotFound { .. })));
    store.delete_template(sticker.id, &creator).await.unwrap();
    assert!(store.template(sticker.id).await.unwrap().is_none());
}

async fn a_template_with_rewards_cannot_be_deleted(db: TestDb) {
    let store = db.open().await;
    let creator = registered_creator(&store, 3).await;
    let sticker = template(creator, "gold star");
    store.insert_template(&sticker).await.unwrap();
    let tipped = tip(1, 0, 3, creator, TestWallet::random().as_address());
    store
        .ingest_tips(GENESIS, Round(1), std::slice::from_ref(&tipped), Timestamp(0))
        .await
        .unwrap();
    // The tip reaches the sticker's threshold, so ingest queued a reward job from it.
    let mut connection = AnyConnection::connect(db.url()).await.unwrap();
    let job = format!("SELECT template_id FROM reward_jobs WHERE tip_txid = '{}'", tipped.txid);
    let queued: String = sqlx::query_scalar(&job).fetch_one(&mut connection).await.unwrap();
    assert_eq!(queued, sticker.id.to_string());
    connection.close().await.unwrap();

    let refused = store.delete_template(sticker.id, &creator).await;

    assert!(matches!(refused, Err(StoreError::TemplateInUse { .. })), "{refused:?}");
    assert!(store.template(sticker.id).await.unwrap().is_some());
}

fn idempotency_key(wallet: Address, request_hash: &str) -> IdempotencyKey {
    IdempotencyKey {
        key: "submit-42".to_owned(),
        wallet: Some(wallet),
        request_hash: request_hash.to_owned(),
    }
}

async fn an_idempotency_key_is_claimed_once_and_replays_its_response(db: TestDb) {
    let store = db.open().await;
    let (wallet, other) = (TestWallet::random().as_address(), TestWallet::random().as_address());
    let key = idempotency_key(wallet, "hash-a");
    let (now, expiry) = (Timestamp(0), Timestamp(1_000));

    let first = store.claim_idempotency_key(&key, now, expiry).await.unwrap();
    let during = store.claim_idempotency_key(&key, now, expiry).await.unwrap();
    store.complete_idempotency_key(&key.key, 200, "{\"txid\":\"T\"}").await.unwrap();
    let after = store.claim_idempotency_key(&key, now, expiry).await.unwrap();
    let other_request =
        store.claim_idempotency_key(&idempotency_key(wallet, "b"), now, expiry).await;
    let stranger = idempotency_key(other, "hash-a");
    let other_wallet = store.claim_idempotency_key(&stranger, now, expiry).await;
    let expired = store.claim_idempotency_key(&key, Timestamp(1_000), Timestamp(2_000)).await;

    assert_eq!(first, Idempotency::Claimed);
    assert_eq!(during, Idempotency::InProgress);
    assert_eq!(after, Idempotency::Completed { status: 200, body: "{\"txid\":\"T\"}".to_owned() });
    assert!(matches!(other_request, Err(StoreError::IdempotencyKeyReused { .. })));
    assert!(matches!(other_wallet, Err(StoreError::IdempotencyKeyReused { .. })));
    assert_eq!(expired.unwrap(), Idempotency::Claimed);
}

async fn concurrent_requests_with_one_idempotency_key_act_once(db: TestDb) {
    let store = Arc::new(db.open().await);
    let key = idempotency_key(TestWallet::random().as_address(), "hash");

    let racers = (0..8).map(|_| {
        let (store, key) = (store.clone(), key.clone());
        tokio::spawn(async move {
            store.claim_idempotency_key(&key, Timestamp(0), Timestamp(1_000)).await
        })
    });
    let mut claimed = 0;
    for racer in racers.collect::<Vec<_>>() {
        claimed += usize::from(racer.await.unwrap().unwrap() == Idempotency::Claimed);
    }

    assert_eq!(claimed, 1);
}

/// A stand-in for a signed transaction: distinct bytes and id per job and step.
fn inflight(job: usize, step: u8) -> Inflight {
    let mut id = [0; 32];
    id[..8].copy_from_slice(&(job as u64).to_be_bytes());
    id[31] = step;
    Inflight {
        signed: vec![step; 300 + job],
        txid: TxId(id),
        last_valid: Round(1_000 + job as u64),
    }
}

fn mint(
    store_key: &JobKey,
    txid: TxId,
    job: usize,
    template: TemplateId,
    creator: Address,
    owner: Address,
) -> MintSettlement {
    MintSettlement {
        key: store_key.clone(),
        txid,
        asset: AssetId(5_000 + job as u64),
        round: Round(20),
        template_id: template,
        owner,
        creator,
        variant: tipforge_server::domain::Variant::Soulbound,
    }
}

async fn state_of(store: &Store, key: &JobKey) -> JobState {
    store.reward_job(key).await.unwrap().unwrap().state
}

/// The minter's write-ahead and settlements each cover a whole batch in a few statements; every
/// job in it must still be checked on its own: one whose claim another worker took over, or
/// whose in-flight transaction is not the one confirmed, is left as it was.
async fn a_batch_of_minter_writes_touches_only_the_jobs_it_still_holds(db: TestDb) {
    let store = db.open().await;
    let creator = registered_creator(&store, 5).await;
    let sticker = Template { supply: Supply::Unique, ..template(creator, "star") };
    store.insert_template(&sticker).await.unwrap();
    let fan = TestWallet::random().as_address();
    // More jobs than one statement's worth of rows, so each step spans several statements.
    let tips: Vec<_> = (0..100).map(|n| tip(1, n, 5, creator, fan)).collect();
    store.ingest_tips(GENESIS, Round(1), &tips, Timestamp(0)).await.unwrap();
    let claimed =
        store.claim_reward_jobs("first", Timestamp(1), Timestamp(100), 100).await.unwrap();
    assert_eq!(claimed.len(), 100);
    let taken = store.claim_reward_jobs("second", Timestamp(150), Timestamp(300), 3).await.unwrap();
    let taken: Vec<JobKey> = taken.into_iter().map(|claimed| claimed.job.key).collect();
    let keys: Vec<JobKey> = claimed.into_iter().map(|claimed| claimed.job.key).collect();

    let writes: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(n, key)| (key.clone(), JobState::Minting, inflight(n, 1)))
        .collect();
    let written = store.record_inflight("first", &writes, Timestamp(160)).await.unwrap();

    for (key, written) in keys.iter().zip(&written) {
        assert_eq!(*written, !taken.contains(key), "{key:?}");
    }
    let held: Vec<usize> = (0..keys.len()).filter(|&n| written[n]).collect();
    assert_eq!(held.len(), 97);
    let job = store.reward_job(&keys[held[0]]).await.unwrap().unwrap();
    assert_eq!((job.state, job.inflight), (JobState::Minting, Some(inflight(held[0], 1))));
    for key in &taken {
        let job = store.reward_job(key).await.unwrap().unwrap();
        assert_eq!((job.state, job.inflight), (JobState::Queued, None));
    }

    // Every held mint confirmed, the first listed twice, and one under a transaction that is
    // not the job's.
    let mut mints: Vec<_> = held
        .iter()
        .map(|&n| mint(&keys[n], inflight(n, 1).txid, n, sticker.id, creator, fan))
        .collect();
    mints.push(mints[0].clone());
    let stranger = held[1];
    mints[1].txid = inflight(stranger, 9).txid;
    let settled = store.settle_mints(&mints, None, Timestamp(170)).await.unwrap();

    let recorded: Vec<bool> = settled.iter().map(Option::is_some).collect();
    let mut expected = vec![true; held.len() + 1];
    expected[1] = false;
    expected[held.len()] = false;
    assert_eq!(recorded, expected);
    assert!(settled.iter().flatten().all(|state| *state == JobState::Minted));
    assert_eq!(state_of(&store, &keys[stranger]).await, JobState::Minting);
    let reward = store.minted_reward(&keys[held[0]]).await.unwrap().unwrap();
    assert_eq!(reward.asset_id, AssetId(5_000 + held[0] as u64));
    assert_eq!(
        (reward.delivery.as_str(), reward.minted_round),
        ("awaiting_optin", Some(Round(20)))
    );
    assert!(store.minted_reward(&keys[stranger]).await.unwrap().is_none());

    // Deliveries of the minted jobs, one of them confirmed under another transaction.
    let minted: Vec<usize> = held.iter().copied().filter(|&n| n != stranger).collect();
    let writes: Vec<_> =
        minted.iter().map(|&n| (keys[n].clone(), JobState::Delivering, inflight(n, 2))).collect();
    let written = store.record_inflight("first", &writes, Timestamp(180)).await.unwrap();
    assert!(written.iter().all(|written| *written));
    let mut deliveries: Vec<_> = minted
        .iter()
        .map(|&n| Delivery { key: keys[n].clone(), txid: inflight(n, 2).txid, round: Round(21) })
        .collect();
    deliveries[0].txid = inflight(minted[0], 9).txid;
    let delivered = store.settle_deliveries(&deliveries, Timestamp(190)).await.unwrap();

    assert_eq!(delivered.iter().filter(|delivered| **delivered).count(), minted.len() - 1);
    assert!(!delivered[0]);
    assert_eq!(state_of(&store, &keys[minted[0]]).await, JobState::Delivering);
    let undelivered = store.minted_reward(&keys[minted[0]]).await.unwrap().unwrap();
    assert_eq!(
        (undelivered.delivery.as_str(), undelivered.delivered_round),
        ("awaiting_optin", None)
    );
    let last = minted[minted.len() - 1];
    assert_eq!(state_of(&store, &keys[last]).await, JobState::Done);
    let reward = store.minted_reward(&keys[last]).await.unwrap().unwrap();
    let txid = inflight(last, 2).txid.to_string();
    assert_eq!(reward.delivery, "delivered");
    assert_eq!((reward.delivery_txid, reward.delivered_round), (Some(txid), Some(Round(21))));
}

async fn a_batch_of_edition_rewards_adopts_only_the_jobs_it_still_holds(db: TestDb) {
    let store = db.open().await;
    let creator = registered_creator(&store, 5).await;
    let edition = Template { supply: Supply::Edition { size: 1_000 }, ..template(creator, "star") };
    store.insert_template(&edition).await.unwrap();
    let fan = TestWallet::random().as_address();
    // More jobs than one statement's worth of rows.
    let tips: Vec<_> = (0..100).map(|n| tip(1, n, 5, creator, fan)).collect();
    store.ingest_tips(GENESIS, Round(1), &tips, Timestamp(0)).await.unwrap();
    let claimed =
        store.claim_reward_jobs("first", Timestamp(1), Timestamp(100), 100).await.unwrap();
    let taken = store.claim_reward_jobs("second", Timestamp(150), Timestamp(300), 3).await.unwrap();
    let taken: Vec<JobKey> = taken.into_iter().map(|claimed| claimed.job.key).collect();
    let mut rewards: Vec<EditionReward> = claimed
        .iter()
        .map(|claimed| EditionReward {
            key: claimed.job.key.clone(),
            asset: AssetId(777),
            template_id: edition.id,
            owner: claimed.fan,
            creator: claimed.creator,
            variant: claimed.job.variant,
        })
        .collect();
    rewards.push(rewards[0].clone());

    let adopted = store.adopt_edition_assets("first", &rewards, Timestamp(160)).await.unwrap();

    let listed = rewards.len() - 1;
    for (reward, adopted) in rewards[..listed].iter().zip(&adopted) {
        assert_eq!(*adopted, !taken.contains(&reward.key), "{:?}", reward.key);
    }
    assert!(!adopted[listed], "a reward listed twice is adopted once");
    for reward in &rewards[..listed] {
        let job = store.reward_job(&reward.key).await.unwrap().unwrap();
        let nft = store.minted_reward(&reward.key).await.unwrap();
        if taken.contains(&reward.key) {
            assert_eq!((job.state, job.asset_id), (JobState::Queued, None));
            assert!(nft.is_none());
        } else {
            assert_eq!((job.state, job.asset_id), (JobState::Minted, Some(AssetId(777))));
            assert_eq!(job.next_attempt_at, Timestamp(160));
            let nft = nft.unwrap();
            assert_eq!((nft.asset_id, nft.delivery.as_str()), (AssetId(777), "awaiting_optin"));
        }
    }
    // A job that has its asset is not given one again.
    let again = store.adopt_edition_assets("first", &rewards, Timestamp(170)).await.unwrap();
    assert!(again.iter().all(|adopted| !adopted));
}
