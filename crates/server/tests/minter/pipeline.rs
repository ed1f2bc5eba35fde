//! Rewards minted and delivered against the devnet with real signatures.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tipforge_algo::transaction::{AssetTransfer, Payment};
use tipforge_algo::{MicroAlgos, Round, SecretKey, Transaction};
use tipforge_devnet::MiningMode;
use tipforge_server::domain::{AssetMove, ErrorClass, JobState, Supply, Variant};
use tipforge_server::minter::{MAX_RETRY, MinterConfig, opt_in};

use crate::support::{Db, Net, minter_config, sticker_template};

/// The fan signs the unsigned opt-in the minter hands out, and sends it.
async fn opt_in_with_handed_out_transaction(
    net: &Net,
    fan: &SecretKey,
    asset: tipforge_algo::AssetId,
) {
    let params = net.algod.suggested_params().await.unwrap();
    let unsigned = opt_in(fan.address(), asset, &params).unwrap();
    let txn = Transaction::decode(&STANDARD.decode(&unsigned.transaction).unwrap()).unwrap();
    assert_eq!(txn.id().to_string(), unsigned.txid);
    net.submit(&txn.sign(fan)).await;
}

async fn soulbound_reward_waits_for_the_opt_in_then_is_clawed_into_the_fan(db: Db) {
    let net = Net::start(db).await;
    let fan = net.funded(1_000_000).await;
    let job = net.reward(fan.address(), Variant::Soulbound).await;
    let minter = net.minter();

    let minted = minter.run_once().await.unwrap();
    let parked = minter.run_once().await.unwrap();

    assert_eq!((minted.claimed, minted.minted), (1, 1));
    assert_eq!(parked.awaiting_optin, 1);
    assert_eq!(net.state(&job).await, JobState::AwaitingOptin);
    let asset = net.asset_of(&job).await;
    let info = net.algod.asset(asset).await.unwrap();
    let platform = net.platform.address();
    assert_eq!((info.total, info.decimals, info.default_frozen), (1, 0, true));
    assert_eq!(
        (info.clawback, info.freeze, info.manager),
        (Some(platform), Some(platform), Some(platform))
    );
    assert_eq!(info.url.as_deref(), Some("ipfs://bafkreimetadata#arc3"));
    assert_eq!(info.metadata_hash, Some(vec![7; 32]));
    assert_eq!(info.unit_name.as_deref(), Some("STICKER"));
    let reward = net.store.minted_reward(&job).await.unwrap().unwrap();
    assert_eq!((reward.delivery.as_str(), reward.owner), ("awaiting_optin", fan.address()));

    opt_in_with_handed_out_transaction(&net, &fan, asset).await;
    let now = net.clock.now();
    let released = net.store.release_awaiting_optin(&fan.address(), asset, now).await.unwrap();
    assert_eq!(released, 1);
    let delivered = minter.run_once().await.unwrap();

    assert_eq!(delivered.delivered, 1);
    assert_eq!(net.state(&job).await, JobState::Done);
    let holding = net.algod.account_asset(&fan.address(), asset).await.unwrap().unwrap();
    assert_eq!((holding.amount, holding.is_frozen), (1, true));
    let reward = net.store.minted_reward(&job).await.unwrap().unwrap();
    assert_eq!(reward.delivery, "delivered");
    assert!(reward.delivery_txid.is_some());
    assert!(reward.delivered_round > reward.minted_round);
    assert_eq!(minter.metrics().snapshot().deliveries, 1);
}

#[tokio::test]
async fn soulbound_reward_waits_for_the_opt_in_then_is_clawed_into_the_fan_sqlite() {
    soulbound_reward_waits_for_the_opt_in_then_is_clawed_into_the_fan(Db::Sqlite).await;
}

#[tokio::test]
async fn soulbound_reward_waits_for_the_opt_in_then_is_clawed_into_the_fan_postgres() {
    soulbound_reward_waits_for_the_opt_in_then_is_clawed_into_the_fan(Db::Postgres).await;
}

/// The listener's progress on the devnet's network, stored as an ingest of `round` with
/// `moves` would leave it.
async fn listener_ingests(net: &Net, round: Round, moves: &[AssetMove]) -> u64 {
    let params = net.algod.suggested_params().await.unwrap();
    let network = STANDARD.encode(params.genesis_hash);
    let report = net.store.ingest_batch(&network, round, &[], moves, net.clock.now()).await;
    report.unwrap().deliveries_requeued
}

async fn mint_ahead_of_the_listener_is_parked_and_its_opt_in_releases_it(db: Db) {
    let net = Net::start(db).await;
    let fan = net.funded(1_000_000).await;
    let job = net.reward(fan.address(), Variant::Soulbound).await;
    let last = net.algod.status().await.unwrap().last_round;
    listener_ingests(&net, last, &[]).await;
    let minter = net.minter();

    let minted = minter.run_once().await.unwrap();

    // One batch: no second claim and no look-up of the fan's holding.
    assert_eq!((minted.minted, minted.awaiting_optin), (1, 1));
    assert_eq!(net.state(&job).await, JobState::AwaitingOptin);
    assert_eq!(minter.run_once().await.unwrap().claimed, 0);
    let asset = net.asset_of(&job).await;
    opt_in_with_handed_out_transaction(&net, &fan, asset).await;
    let opted = net.algod.status().await.unwrap().last_round;
    let move_ = AssetMove {
        round: opted,
        asset,
        sender: fan.address(),
        receiver: fan.address(),
        amount: 0,
        revoke_from: None,
        close_to: None,
    };
    assert_eq!(listener_ingests(&net, opted, &[move_]).await, 1);
    let delivered = minter.run_once().await.unwrap();

    assert_eq!(delivered.delivered, 1);
    assert_eq!(net.state(&job).await, JobState::Done);
    let holding = net.algod.account_asset(&fan.address(), asset).await.unwrap().unwrap();
    assert_eq!(holding.amount, 1);
}

#[tokio::test]
async fn mint_ahead_of_the_listener_is_parked_and_its_opt_in_releases_it_sqlite() {
    mint_ahead_of_the_listener_is_parked_and_its_opt_in_releases_it(Db::Sqlite).await;
}

#[tokio::test]
async fn mint_ahead_of_the_listener_is_parked_and_its_opt_in_releases_it_postgres() {
    mint_ahead_of_the_listener_is_parked_and_its_opt_in_releases_it(Db::Postgres).await;
}

/// Once the listener has ingested the mint's round it may already have passed the fan's
/// opt-in by: the job is made due and the node is asked.
async fn mint_the_listener_has_passed_is_checked_on_chain(db: Db) {
    let net = Net::start(db).await;
    let fan = net.funded(1_000_000).await;
    let job = net.reward(fan.address(), Variant::Soulbound).await;
    let last = net.algod.status().await.unwrap().last_round;
    listener_ingests(&net, Round(last.0 + 1_000), &[]).await;
    let minter = net.minter();

    let minted = minter.run_once().await.unwrap();

    assert_eq!((minted.minted, minted.awaiting_optin), (1, 0));
    assert_eq!(net.state(&job).await, JobState::Minted);
    let checked = minter.run_once().await.unwrap();
    assert_eq!((checked.claimed, checked.awaiting_optin), (1, 1));
    assert_eq!(net.state(&job).await, JobState::AwaitingOptin);
}

#[tokio::test]
async fn mint_the_listener_has_passed_is_checked_on_chain_sqlite() {
    mint_the_listener_has_passed_is_checked_on_chain(Db::Sqlite).await;
}

#[tokio::test]
async fn mint_the_listener_has_passed_is_checked_on_chain_postgres() {
    mint_the_listener_has_passed_is_checked_on_chain(Db::Postgres).await;
}

async fn golden_reward_goes_to_an_opted_in_fan_by_plain_transfer(db: Db) {
    let net = Net::start(db).await;
    let fan = net.funded(1_000_000).await;
    let job = net.reward(fan.address(), Variant::Golden).await;
    let minter = net.minter();

    assert_eq!(minter.run_once().await.unwrap().minted, 1);
    let asset = net.asset_of(&job).await;
    opt_in_with_handed_out_transaction(&net, &fan, asset).await;
    let delivered = minter.run_once().await.unwrap();

    assert_eq!(delivered.delivered, 1);
    assert_eq!(net.state(&job).await, JobState::Done);
    let info = net.algod.asset(asset).await.unwrap();
    assert!(!info.default_frozen);
    assert_eq!((info.clawback, info.freeze), (None, None));
    assert_eq!(info.unit_name.as_deref(), Some("GOLDEN"));
    let holding = net.algod.account_asset(&fan.address(), asset).await.unwrap().unwrap();
    assert_eq!((holding.amount, holding.is_frozen), (1, false));
}

#[tokio::test]
async fn golden_reward_goes_to_an_opted_in_fan_by_plain_transfer_sqlite() {
    golden_reward_goes_to_an_opted_in_fan_by_plain_transfer(Db::Sqlite).await;
}

#[tokio::test]
async fn golden_reward_goes_to_an_opted_in_fan_by_plain_transfer_postgres() {
    golden_reward_goes_to_an_opted_in_fan_by_plain_transfer(Db::Postgres).await;
}

async fn two_hundred_rewards_are_minted_in_few_blocks(db: Db) {
    let mode = MiningMode::Interval(Duration::from_millis(250));
    let net = Net::start_with(db, mode, None).await;
    let fan = SecretKey::generate().address();
    let jobs = net.rewards(fan, Variant::Soulbound, 200).await;
    let config = MinterConfig { batch_size: 100, concurrency: 32, ..minter_config() };
    let minter = net.minter_with(config);

    net.drain(&minter, 20).await;

    let mut rounds = std::collections::BTreeSet::new();
    for job in &jobs {
        let reward = net.store.minted_reward(job).await.unwrap().expect("minted");
        rounds.insert(reward.minted_round.unwrap());
        assert_eq!(net.state(job).await, JobState::AwaitingOptin);
    }
    let metrics = minter.metrics().snapshot();
    assert_eq!(metrics.mints, 200);
    assert_eq!(metrics.largest_mint_batch, 100);
    assert!(metrics.most_mints_in_a_block > 1, "{metrics:?}");
    assert!(rounds.len() <= 20, "200 mints took {} blocks", rounds.len());
    assert_eq!(net.created_assets().await.len(), 200);
}

#[tokio::test]
async fn two_hundred_rewards_are_minted_in_few_blocks_sqlite() {
    two_hundred_rewards_are_minted_in_few_blocks(Db::Sqlite).await;
}

#[tokio::test]
async fn two_hundred_rewards_are_minted_in_few_blocks_postgres() {
    two_hundred_rewards_are_minted_in_few_blocks(Db::Postgres).await;
}

#[tokio::test]
async fn an_underfunded_platform_is_an_operator_failure_found_before_sending() {
    let poor = SecretKey::generate();
    let net = Net::start_with(Db::Sqlite, MiningMode::Dev, Some(poor.clone())).await;
    let funder = net.devnet.accounts()[1].key.clone();
    // Enough for two mints' minimum balance, not three.
    net.send(&funder, Payment::new(poor.address(), MicroAlgos(300_000))).await;
    let jobs = net.rewards(SecretKey::generate().address(), Variant::Soulbound, 3).await;
    let minter = net.minter();
    let before = net.clock.now();

    let report = minter.run_once().await.unwrap();

    assert_eq!(report.failed, 3);
    let job = net.store.reward_job(&jobs[0]).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Failed);
    assert_eq!(job.error_class, Some(ErrorClass::Operator));
    assert!(job.next_attempt_at >= before.plus(MAX_RETRY));
    assert!(job.inflight.is_none());
    assert!(minter.metrics().snapshot().underfunded);
    assert!(net.created_assets().await.is_empty());
}

/// Runs batches, moving the clock past short waits, until every job is in `state`.
async fn until_all(
    net: &Net,
    minter: &tipforge_server::minter::Minter,
    jobs: &[tipforge_server::domain::JobKey],
    state: JobState,
) {
    for _ in 0..20 {
        minter.run_once().await.unwrap();
        let mut there = 0;
        for job in jobs {
            there += usize::from(net.state(job).await == state);
        }
        if there == jobs.len() {
            return;
        }
        net.clock.advance(Duration::from_secs(1));
    }
    panic!("the jobs never all became {state}");
}

async fn edition_rewards_share_one_asset_per_variant_and_one_opt_in(db: Db) {
    let net = Net::start(db).await;
    let template = sticker_template(net.creator, Supply::Edition { size: 50 });
    net.store.insert_template(&template).await.unwrap();
    let (fan, other) = (net.funded(1_000_000).await, net.funded(1_000_000).await);
    let mut soulbound = net.rewards_from(&template, fan.address(), Variant::Soulbound, 2).await;
    soulbound.extend(net.rewards_from(&template, other.address(), Variant::Soulbound, 1).await);
    let golden = net.rewards_from(&template, fan.address(), Variant::Golden, 1).await;
    let all: Vec<_> = soulbound.iter().chain(&golden).cloned().collect();
    let minter = net.minter();

    until_all(&net, &minter, &all, JobState::AwaitingOptin).await;

    let edition = net.asset_of(&soulbound[0]).await;
    let golden_edition = net.asset_of(&golden[0]).await;
    for job in &soulbound {
        assert_eq!(net.asset_of(job).await, edition);
    }
    assert_ne!(edition, golden_edition);
    assert_eq!(net.created_assets().await.len(), 2);
    let info = net.algod.asset(edition).await.unwrap();
    assert_eq!((info.total, info.default_frozen), (50, true));

    for (key, asset) in [(&fan, edition), (&fan, golden_edition), (&other, edition)] {
        opt_in_with_handed_out_transaction(&net, key, asset).await;
        net.store.release_awaiting_optin(&key.address(), asset, net.clock.now()).await.unwrap();
    }
    until_all(&net, &minter, &all, JobState::Done).await;

    let holding = |key: &SecretKey, asset| {
        let (algod, address) = (net.algod.clone(), key.address());
        async move { algod.account_asset(&address, asset).await.unwrap().unwrap() }
    };
    assert_eq!(holding(&fan, edition).await.amount, 2);
    assert!(holding(&fan, edition).await.is_frozen);
    assert_eq!(holding(&other, edition).await.amount, 1);
    assert_eq!(holding(&fan, golden_edition).await.amount, 1);
    assert!(!holding(&fan, golden_edition).await.is_frozen);
    assert_eq!(holding(&net.platform, edition).await.amount, 47);
}

#[tokio::test]
async fn edition_rewards_share_one_asset_per_variant_and_one_opt_in_sqlite() {
    edition_rewards_share_one_asset_per_variant_and_one_opt_in(Db::Sqlite).await;
}

#[tokio::test]
async fn edition_rewards_share_one_asset_per_variant_and_one_opt_in_postgres() {
    edition_rewards_share_one_asset_per_variant_and_one_opt_in(Db::Postgres).await;
}

/// A fan who received an edition unit and then closed the holding out is not taken to hold it
/// still: the refused transfer is retried as a fresh question to the node, and the reward waits
/// for a new opt-in.
async fn a_fan_who_closed_out_an_edition_waits_for_a_new_opt_in(db: Db) {
    let net = Net::start(db).await;
    let template = sticker_template(net.creator, Supply::Edition { size: 10 });
    net.store.insert_template(&template).await.unwrap();
    let fan = net.funded(1_000_000).await;
    let first = net.rewards_from(&template, fan.address(), Variant::Golden, 1).await;
    let minter = net.minter();
    until_all(&net, &minter, &first, JobState::AwaitingOptin).await;
    let edition = net.asset_of(&first[0]).await;
    opt_in_with_handed_out_transaction(&net, &fan, edition).await;
    net.store.release_awaiting_optin(&fan.address(), edition, net.clock.now()).await.unwrap();
    until_all(&net, &minter, &first, JobState::Done).await;

    let platform = net.platform.address();
    net.send(&fan, AssetTransfer::new(edition, platform, 1).close_to(platform)).await;
    let second = net.rewards_from(&template, fan.address(), Variant::Golden, 1).await;
    let mut state = net.state(&second[0]).await;
    for _ in 0..10 {
        if state == JobState::AwaitingOptin {
            break;
        }
        minter.run_once().await.unwrap();
        net.clock.advance(MAX_RETRY);
        state = net.state(&second[0]).await;
    }

    assert_eq!(state, JobState::AwaitingOptin);
    assert_eq!(net.asset_of(&second[0]).await, edition);
    assert!(net.algod.account_asset(&fan.address(), edition).await.unwrap().is_none());
    let job = net.store.reward_job(&second[0]).await.unwrap().unwrap();
    assert!(job.inflight.is_none());
}

#[tokio::test]
async fn a_fan_who_closed_out_an_edition_waits_for_a_new_opt_in_sqlite() {
    a_fan_who_closed_out_an_edition_waits_for_a_new_opt_in(Db::Sqlite).await;
}

#[tokio::test]
async fn a_fan_who_closed_out_an_edition_waits_for_a_new_opt_in_postgres() {
    a_fan_who_closed_out_an_edition_waits_for_a_new_opt_in(Db::Postgres).await;
}
