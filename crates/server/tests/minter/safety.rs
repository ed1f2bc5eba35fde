//! Exactly once across crashes and faults: the chain ends with one asset per job.

use std::collections::BTreeSet;
use std::time::Duration;

use tipforge_algo::SecretKey;
use tipforge_chain::RetryPolicy;
use tipforge_devnet::FaultConfig;
use tipforge_server::domain::{ErrorClass, JobKey, JobState, Variant};
use tipforge_server::minter::MinterConfig;
use tipforge_server::store::JobFailure;

use crate::support::{Db, Net, minter_config};

/// Waits until every job's mint is stored and waiting in the node's pool.
async fn until_sent_and_pooled(net: &Net, jobs: &[JobKey]) {
    for _ in 0..250 {
        let mut pooled = 0;
        for key in jobs {
            let job = net.store.reward_job(key).await.unwrap().unwrap();
            let Some(inflight) = job.inflight else { break };
            match net.algod.pending(&inflight.txid).await {
                Ok(pending) if pending.confirmed_round.is_none() => pooled += 1,
                _ => break,
            }
        }
        if pooled == jobs.len() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the mints were not all sent");
}

/// One asset per job on chain, and each job holds a different one.
async fn assert_one_asset_per_job(net: &Net, jobs: &[JobKey]) {
    let mut assets = BTreeSet::new();
    for key in jobs {
        assert_eq!(net.state(key).await, JobState::AwaitingOptin, "{key}");
        assets.insert(net.asset_of(key).await);
    }
    assert_eq!(assets.len(), jobs.len());
    let created = net.created_assets().await;
    assert_eq!(created.len(), jobs.len(), "the platform created {} assets", created.len());
}

async fn a_minter_killed_between_send_and_confirmation_mints_each_reward_once(db: Db) {
    let net = Net::start(db).await;
    let jobs = net.rewards(SecretKey::generate().address(), Variant::Soulbound, 12).await;
    net.devnet.node().set_paused(true);
    let doomed = net.minter();
    let running = tokio::spawn(async move { doomed.run_once().await });

    until_sent_and_pooled(&net, &jobs).await;
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());
    // A new minter on the same database takes the jobs over once the dead one's claim lapsed,
    // while the first mints still wait in the pool.
    net.clock.advance(minter_config().claim_timeout + Duration::from_secs(1));
    let successor = net.minter();
    let resumed = tokio::spawn(async move {
        let report = successor.run_once().await;
        (report, successor)
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    net.devnet.node().set_paused(false);
    let (report, successor) = resumed.await.unwrap();

    assert_eq!(report.unwrap().minted, jobs.len());
    net.drain(&successor, 5).await;
    assert_one_asset_per_job(&net, &jobs).await;
}

#[tokio::test]
async fn a_minter_killed_between_send_and_confirmation_mints_each_reward_once_sqlite() {
    a_minter_killed_between_send_and_confirmation_mints_each_reward_once(Db::Sqlite).await;
}

#[tokio::test]
async fn a_minter_killed_between_send_and_confirmation_mints_each_reward_once_postgres() {
    a_minter_killed_between_send_and_confirmation_mints_each_reward_once(Db::Postgres).await;
}

async fn a_restart_after_the_mints_confirmed_settles_them_without_minting_again(db: Db) {
    let net = Net::start(db).await;
    let jobs = net.rewards(SecretKey::generate().address(), Variant::Golden, 8).await;
    net.devnet.node().set_paused(true);
    let doomed = net.minter();
    let running = tokio::spawn(async move { doomed.run_once().await });

    until_sent_and_pooled(&net, &jobs).await;
    running.abort();
    let _ = running.await;
    net.devnet.node().set_paused(false);
    net.clock.advance(minter_config().claim_timeout + Duration::from_secs(1));
    let successor = net.minter();
    let report = successor.run_once().await.unwrap();

    assert_eq!((report.claimed, report.minted), (jobs.len(), jobs.len()));
    net.drain(&successor, 5).await;
    assert_one_asset_per_job(&net, &jobs).await;
}

#[tokio::test]
async fn a_restart_after_the_mints_confirmed_settles_them_without_minting_again_sqlite() {
    a_restart_after_the_mints_confirmed_settles_them_without_minting_again(Db::Sqlite).await;
}

#[tokio::test]
async fn a_restart_after_the_mints_confirmed_settles_them_without_minting_again_postgres() {
    a_restart_after_the_mints_confirmed_settles_them_without_minting_again(Db::Postgres).await;
}

async fn claims_of_a_process_that_died_are_taken_over_at_start_up(db: Db) {
    let net = Net::start(db).await;
    let jobs = net.rewards(SecretKey::generate().address(), Variant::Soulbound, 6).await;
    net.devnet.node().set_paused(true);
    let doomed = net.minter();
    let running = tokio::spawn(async move { doomed.run_once().await });
    until_sent_and_pooled(&net, &jobs).await;
    running.abort();
    let _ = running.await;
    // Another job failed a moment ago and waits for its retry: its schedule must hold.
    let waiting = net.reward(SecretKey::generate().address(), Variant::Soulbound).await;
    let now = net.clock.now();
    let later = now.plus(Duration::from_secs(60));
    let claimed = net.store.claim_reward_jobs("other", now, later, 10).await.unwrap();
    assert_eq!(claimed.len(), 1, "only the new job is free");
    let failure = JobFailure {
        key: waiting.clone(),
        class: ErrorClass::Transient,
        reason: "the node was unavailable".into(),
        next_attempt_at: later,
        dead: false,
        keep_inflight: false,
    };
    net.store.fail_reward_job("other", &failure, now).await.unwrap();
    net.devnet.node().set_paused(false);

    // What start-up does on a database only this process uses; no clock advance.
    assert_eq!(net.store.release_claims(now).await.unwrap(), jobs.len() as u64);
    let successor = net.minter();
    let report = successor.run_once().await.unwrap();

    assert_eq!((report.claimed, report.minted), (jobs.len(), jobs.len()));
    net.drain(&successor, 5).await;
    assert_one_asset_per_job(&net, &jobs).await;
    assert_eq!(net.state(&waiting).await, JobState::Failed);
}

#[tokio::test]
async fn claims_of_a_process_that_died_are_taken_over_at_start_up_sqlite() {
    claims_of_a_process_that_died_are_taken_over_at_start_up(Db::Sqlite).await;
}

#[tokio::test]
async fn claims_of_a_process_that_died_are_taken_over_at_start_up_postgres() {
    claims_of_a_process_that_died_are_taken_over_at_start_up(Db::Postgres).await;
}

async fn unavailable_node_ends_with_exactly_one_asset_per_job(db: Db) {
    let net = Net::start(db).await;
    let jobs = net.rewards(SecretKey::generate().address(), Variant::Soulbound, 30).await;
    net.devnet.faults().set(FaultConfig { unavailable_per_mille: 200, ..FaultConfig::default() });
    // Without request-level retries every fault reaches the jobs' own retry schedule.
    let minter =
        net.minter_with(MinterConfig { request_retry: RetryPolicy::NONE, ..minter_config() });

    for _ in 0..100 {
        // A batch may fail outright; its jobs come back when their claim lapses.
        let _ = minter.run_once().await;
        let mut waiting = 0;
        for key in &jobs {
            waiting += usize::from(net.state(key).await == JobState::AwaitingOptin);
        }
        if waiting == jobs.len() {
            break;
        }
        net.clock.advance(Duration::from_secs(301));
    }
    net.devnet.faults().set(FaultConfig::default());

    assert_one_asset_per_job(&net, &jobs).await;
    let metrics = minter.metrics().snapshot();
    assert!(metrics.failed_mints > 0, "{metrics:?}");
    assert!(metrics.retry_successes > 0, "{metrics:?}");
}

#[tokio::test]
async fn unavailable_node_ends_with_exactly_one_asset_per_job_sqlite() {
    unavailable_node_ends_with_exactly_one_asset_per_job(Db::Sqlite).await;
}

#[tokio::test]
async fn unavailable_node_ends_with_exactly_one_asset_per_job_postgres() {
    unavailable_node_ends_with_exactly_one_asset_per_job(Db::Postgres).await;
}
