//! The fans' side: TipProxy tip groups signed ahead of time, then sent to algod at a steady
//! offered rate, many requests in flight; and the asset opt-ins editions need.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use tipforge_algo::abi::Selector;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, AssetTransfer, Payment};
use tipforge_algo::{Address, AssetId, MicroAlgos, SecretKey, SuggestedParams, Transaction};
use tipforge_chain::Algod;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::setup::{Creator, TIP};

/// How often the sender tops the sent count up to what the offered rate asks for.
const TICK: Duration = Duration::from_millis(10);

/// Requests to algod in flight at once, at most.
const IN_FLIGHT: usize = 256;

/// The tip call pays the creator with an inner payment, so it carries that fee too.
const TIP_CALL_FEE: MicroAlgos = MicroAlgos(2_000);

/// A tip group ready to send.
pub(super) struct SignedTip {
    /// The app call's id: the id TipForge stores the tip under.
    pub(super) txid: String,
    bytes: Vec<u8>,
}

/// Tips sent and not yet seen rewarded, by tip id, with the instant each was sent.
pub(super) type Pending = Arc<Mutex<HashMap<String, Instant>>>;

/// What sending a run's tips came to.
#[derive(Debug, Default)]
pub(super) struct Sent {
    /// Tips the node accepted into its pool.
    pub(super) accepted: usize,
    /// Tips the node refused, and the first reason.
    pub(super) refused: usize,
    pub(super) first_refusal: Option<String>,
    /// When the first tip went out.
    pub(super) started: Option<Instant>,
    /// How long sending took, from the first tip to the last answer.
    pub(super) elapsed: Duration,
}

/// Signs `count` tips, creators taken in turn, each with a memo unique to `run` so
/// that no two groups are the same transaction. Signing runs off the async runtime.
pub(super) async fn sign_tips(
    fans: &[SecretKey],
    creators: &[Creator],
    params: &SuggestedParams,
    run: usize,
    count: usize,
) -> anyhow::Result<Vec<SignedTip>> {
    let (fans, creators, params) = (fans.to_vec(), creators.to_vec(), params.clone());
    tokio::task::spawn_blocking(move || {
        (0..count)
            .map(|n| {
                // Every creator gets the same share; the shift varies which fans tip whom.
                let creator = creators[n % creators.len()];
                let fan = &fans[(n + n / creators.len()) % fans.len()];
                tip_group(fan, creator, &params, &format!("bench {run}/{n}"))
            })
            .collect()
    })
    .await
    .context("signing panicked")?
}

/// The TipProxy group: a payment to the app account, then the ARC-4 `tip(pay,string)void` call.
fn tip_group(
    fan: &SecretKey,
    creator: Creator,
    params: &SuggestedParams,
    memo: &str,
) -> anyhow::Result<SignedTip> {
    let selector = Selector::of_signature("tip(pay,string)void");
    let pay = Payment::new(Address::for_app(creator.app), TIP);
    let pay = Transaction::builder(fan.address(), params, pay).build()?;
    let memo = [&(memo.len() as u16).to_be_bytes()[..], memo.as_bytes()].concat();
    let call = AppCall::new(creator.app)
        .arg(selector.as_bytes().to_vec())
        .arg(memo)
        .account(creator.address);
    let call = Transaction::builder(fan.address(), params, call).fee(TIP_CALL_FEE).build()?;
    let mut group = vec![pay, call];
    assign_group(&mut group)?;
    let txid = group[1].id().to_string();
    let bytes = group.iter().map(|txn| txn.sign(fan)).flat_map(|signed| signed.encode()).collect();
    Ok(SignedTip { txid, bytes })
}

/// Sends `tips` at `rate` per second, a few every tick, without waiting for earlier answers.
/// Each tip enters `pending` with its send instant before it goes out and leaves it again if
/// the node refuses it.
pub(super) async fn send_paced(
    algod: &Arc<Algod>,
    tips: Vec<SignedTip>,
    rate: u32,
    pending: &Pending,
) -> Sent {
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut answers = JoinSet::new();
    let mut tips = tips.into_iter();
    let started = Instant::now();
    let mut ticks = tokio::time::interval(TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut sent, total) = (0_usize, tips.len());
    while sent < total {
        ticks.tick().await;
        let due = (started.elapsed().as_secs_f64() * f64::from(rate)) as usize;
        while sent < due.min(total) {
            let Some(tip) = tips.next() else { break };
            let slot = slots.clone().acquire_owned().await.expect("the semaphore is never closed");
            lock(pending).insert(tip.txid.clone(), Instant::now());
            let (algod, pending) = (algod.clone(), pending.clone());
            answers.spawn(async move {
                let answer = algod.submit(tip.bytes).await;
                drop(slot);
                if answer.is_err() {
                    lock(&pending).remove(&tip.txid);
                }
                answer.err().map(|err| err.to_string())
            });
            sent += 1;
        }
    }
    let mut report = Sent { started: Some(started), ..Sent::default() };
    while let Some(answer) = answers.join_next().await {
        match answer {
            Ok(None) => report.accepted += 1,
            Ok(Some(reason)) => {
                report.refused += 1;
                report.first_refusal.get_or_insert(reason);
            }
            Err(err) => {
                report.refused += 1;
                report.first_refusal.get_or_insert(err.to_string());
            }
        }
    }
    report.elapsed = started.elapsed();
    report
}

/// Opts every fan in to every asset, many requests in flight; fails on the first refusal.
pub(super) async fn opt_in_all(
    algod: &Arc<Algod>,
    fans: &[SecretKey],
    assets: &[AssetId],
) -> anyhow::Result<()> {
    let params = algod.suggested_params().await?;
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut answers = JoinSet::new();
    for fan in fans {
        for &asset in assets {
            let body = AssetTransfer::opt_in(asset, fan.address());
            let bytes = Transaction::builder(fan.address(), &params, body).build()?.sign(fan);
            let (algod, slot) = (algod.clone(), slots.clone().acquire_owned().await?);
            answers.spawn(async move {
                let answer = algod.submit(bytes.encode()).await;
                drop(slot);
                answer
            });
        }
    }
    while let Some(answer) = answers.join_next().await {
        answer.context("an opt-in task panicked")?.context("an opt-in was refused")?;
    }
    Ok(())
}

/// The map stays usable even if a sender panicked while holding the lock.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
