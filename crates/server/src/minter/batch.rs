//! One batch of a worker: claim, plan each job, sign and store the new transactions, send,
//! and settle from the blocks that follow.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use futures::{StreamExt, stream};
use tipforge_algo::{
    AssetId, MicroAlgos, Round, SignedTransaction, SuggestedParams, Transaction, TxId,
};
use tipforge_chain::{ConfirmationTracker, ErrorKind, Settled};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::edition::{self, Edition};
use super::lookup::{Lookup, lookup};
use super::retry::{StepError, decide};
use super::transactions::{self, Step};
use super::{BatchReport, Inner, MinterError};
use crate::domain::{ClaimedJob, ErrorClass, Inflight, JobState, Supply, TemplateId, Variant};
use crate::store::{Delivery, EditionReward, JobFailure, MintSettlement};

/// What an asset creation adds to the creator's minimum balance.
const ASSET_MIN_BALANCE: u64 = 100_000;
/// Transactions signed per blocking task.
const SIGNING_CHUNK: usize = 32;

/// What to do with one claimed job.
#[derive(Debug)]
enum Plan {
    /// Its in-flight transaction is already committed.
    Settle { round: Round, asset: Option<AssetId> },
    /// Its in-flight transaction waits in the pool.
    Track,
    /// Its in-flight transaction is unknown but valid: send the same bytes.
    Resend,
    /// Sign and send its mint.
    Mint,
    /// Sign and send its delivery.
    Deliver,
    /// The fan has not opted in yet.
    AwaitOptin,
    /// The step failed; `keep_inflight` when the stored transaction may still be committed.
    Fail { error: StepError, keep_inflight: bool },
}

/// Claims a batch and works it to the end: everything [`send`] does, then the wait for its
/// transactions' blocks.
pub(super) async fn run(
    inner: &Arc<Inner>,
    shutdown: &CancellationToken,
) -> Result<BatchReport, MinterError> {
    match send(inner).await? {
        Some(mut batch) => {
            batch.watch(shutdown).await?;
            Ok(batch.report)
        }
        None => Ok(BatchReport::default()),
    }
}

/// Claims a batch and works it up to sending its transactions; `None` when no job is due.
/// What is left is [`Batch::watch`], which a worker may leave running while it claims the next
/// batch: waiting for blocks then never holds up sending.
pub(super) async fn send(inner: &Arc<Inner>) -> Result<Option<Batch>, MinterError> {
    let now = inner.clock.now();
    let claim = Uuid::now_v7().to_string();
    let lease_until = now.plus(inner.config.claim_timeout);
    let jobs =
        inner.store.claim_reward_jobs(&claim, now, lease_until, inner.config.batch_size).await?;
    if jobs.is_empty() {
        return Ok(None);
    }
    let report = BatchReport { claimed: jobs.len(), ..BatchReport::default() };
    // Read before any look-up, so a block committing a looked-up transaction after its look-up
    // is among the blocks watched.
    let start = inner.algod.status().await?.last_round;
    let mut batch = Batch {
        inner: inner.clone(),
        claim,
        jobs,
        report,
        tracker: ConfirmationTracker::new(),
        start,
    };
    batch.work().await?;
    Ok(Some(batch))
}

/// One claimed batch of jobs.
pub(super) struct Batch {
    inner: Arc<Inner>,
    claim: String,
    jobs: Vec<ClaimedJob>,
    report: BatchReport,
    tracker: ConfirmationTracker,
    /// The node's newest round when the batch began: its transactions are looked for after it.
    start: Round,
}

impl Batch {
    /// What the batch has done so far.
    pub(super) fn report(&self) -> BatchReport {
        self.report
    }

    async fn work(&mut self) -> Result<(), MinterError> {
        let start = self.start;
        let plans = self.plan(start).await;
        let mut resend = Vec::new();
        let mut build = Vec::new();
        let mut editions = Vec::new();
        let mut parked = Vec::new();
        for (index, plan) in plans.into_iter().enumerate() {
            match plan {
                Plan::Settle { round, asset } => self.settle(index, round, asset).await?,
                Plan::Track => self.track(index),
                Plan::Resend => resend.push(index),
                Plan::Mint if self.is_edition(index) => editions.push(index),
                Plan::Mint => build.push((index, Step::Mint)),
                Plan::Deliver => build.push((index, Step::Deliver)),
                Plan::AwaitOptin => parked.push(self.jobs[index].job.key.clone()),
                Plan::Fail { error, keep_inflight } => {
                    self.fail(index, error, keep_inflight).await?
                }
            }
        }
        if !parked.is_empty() {
            let now = self.inner.clock.now();
            self.inner.store.await_optin(&self.claim, &parked, now).await?;
            self.report.awaiting_optin += parked.len();
        }
        self.editions(editions, start).await?;
        let built = self.build(build).await?;
        resend.extend(built);
        self.send(resend).await
    }

    fn is_edition(&self, index: usize) -> bool {
        let template = self.jobs[index].template.as_ref();
        template.is_some_and(|template| matches!(template.supply, Supply::Edition { .. }))
    }

    /// Gives edition rewards their edition's asset, creating it first when needed (its rewards
    /// then wait a moment for it).
    async fn editions(&mut self, jobs: Vec<usize>, current: Round) -> Result<(), MinterError> {
        let mut groups: HashMap<(TemplateId, Variant), Vec<usize>> = HashMap::new();
        for index in jobs {
            let job = &self.jobs[index];
            if let Some(template) = &job.template {
                groups.entry((template.id, job.job.variant)).or_default().push(index);
            }
        }
        for ((_, variant), members) in groups {
            let Some(template) = self.jobs[members[0]].template.clone() else { continue };
            let Supply::Edition { size } = template.supply else { continue };
            match edition::ensure(&self.inner, &template, variant, size, current).await? {
                Edition::Ready(asset) => self.adopt(&members, asset).await?,
                Edition::Wait => {
                    let at = self.inner.clock.now().plus(self.inner.config.poll_interval);
                    for index in members {
                        let key = &self.jobs[index].job.key;
                        self.inner.store.defer_reward_job(&self.claim, key, at).await?;
                    }
                }
                Edition::Failed(error) => {
                    let (class, reason) = (error.class(), error.to_string());
                    for index in members {
                        self.fail_with(index, class, reason.clone(), false).await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn adopt(&mut self, members: &[usize], asset: AssetId) -> Result<(), MinterError> {
        let rewards: Vec<EditionReward> = members
            .iter()
            .filter_map(|&index| {
                let claimed = &self.jobs[index];
                Some(EditionReward {
                    key: claimed.job.key.clone(),
                    asset,
                    template_id: claimed.job.template_id?,
                    owner: claimed.fan,
                    creator: claimed.creator,
                    variant: claimed.job.variant,
                })
            })
            .collect();
        let now = self.inner.clock.now();
        let adopted = self.inner.store.adopt_edition_assets(&self.claim, &rewards, now).await?;
        let count = adopted.into_iter().filter(|adopted| *adopted).count();
        if count > 0 {
            self.report.minted += count;
            self.inner.wake.notify_one();
        }
        Ok(())
    }

    /// Decides every job's next move, asking the node about several at once.
    async fn plan(&self, current: Round) -> Vec<Plan> {
        let inner = &*self.inner;
        // Made up front: a stream mapping borrowed jobs to futures defeats the compiler's
        // proof that the workers' futures are `Send`.
        let plans: Vec<_> =
            self.jobs.iter().map(|job| Box::pin(plan_job(inner, job, current))).collect();
        stream::iter(plans).buffered(inner.config.concurrency.max(1)).collect().await
    }

    fn inflight(&self, index: usize) -> Option<&Inflight> {
        self.jobs[index].job.inflight.as_ref()
    }

    fn track(&mut self, index: usize) {
        if let Some(inflight) = self.jobs[index].job.inflight.as_ref() {
            self.tracker.track(inflight.txid, inflight.last_valid);
        }
    }

    /// Builds, signs and stores (write-ahead) the transactions of `work`; returns the jobs
    /// whose transaction is stored and may be sent.
    async fn build(&mut self, work: Vec<(usize, Step)>) -> Result<Vec<usize>, MinterError> {
        if work.is_empty() {
            return Ok(Vec::new());
        }
        let params = match self.prepare(&work).await {
            Ok(params) => params,
            Err(error) => {
                let (class, reason) = (error.class(), error.to_string());
                for (index, _) in work {
                    self.fail_with(index, class, reason.clone(), false).await?;
                }
                return Ok(Vec::new());
            }
        };
        let mut unsigned = Vec::with_capacity(work.len());
        for (index, step) in work {
            match self.transaction(index, step, &params) {
                Ok(txn) => unsigned.push((index, step, txn)),
                Err(error) => self.fail(index, error, false).await?,
            }
        }
        let signed = self.sign(unsigned).await;
        self.write_ahead(signed, params.last_valid).await
    }

    /// The batch's transaction parameters, once the platform is known to afford the batch.
    async fn prepare(&self, work: &[(usize, Step)]) -> Result<SuggestedParams, StepError> {
        let mut params = self.inner.algod.suggested_params().await?;
        params.last_valid = Round(params.first_valid.0 + self.inner.config.validity_rounds);
        let mints = work.iter().filter(|(_, step)| *step == Step::Mint).count() as u64;
        let fee = params.min_fee.0;
        let needed = MicroAlgos(
            mints.saturating_mul(ASSET_MIN_BALANCE).saturating_add(fee * work.len() as u64),
        );
        // Checked from the account's figures, before anything is sent: the node's refusal text
        // is not a contract.
        let account = self.inner.algod.account_balance(&self.inner.platform.address()).await?;
        let spendable = account.spendable();
        let underfunded = spendable < needed;
        self.inner.metrics.set_underfunded(underfunded);
        if underfunded {
            tracing::error!(target: "minter", %needed, %spendable, "platform account underfunded");
            return Err(StepError::Underfunded { needed, spendable });
        }
        Ok(params)
    }

    fn transaction(
        &self,
        index: usize,
        step: Step,
        params: &SuggestedParams,
    ) -> Result<Transaction, StepError> {
        let claimed = &self.jobs[index];
        let job = &claimed.job;
        let platform = self.inner.platform.address();
        let lease = transactions::lease(&job.key, step);
        match step {
            Step::Mint => {
                let template = claimed.template.as_ref().ok_or(StepError::NoTemplate)?;
                let total = match template.supply {
                    Supply::Unique => 1,
                    // Editions are minted once, by `editions`.
                    Supply::Edition { .. } => {
                        return Err(StepError::BadTemplate { reason: "an edition's reward" });
                    }
                };
                transactions::mint(platform, params, template, job.variant, total, lease)
            }
            Step::Deliver => {
                let asset = job.asset_id.ok_or(StepError::NoTemplate)?;
                transactions::delivery(platform, params, asset, claimed.fan, job.variant, lease)
            }
        }
    }

    /// Signs on the blocking pool, a chunk per task, at most `signing_threads` tasks at once
    /// across the process.
    async fn sign(
        &self,
        unsigned: Vec<(usize, Step, Transaction)>,
    ) -> Vec<(usize, Step, SignedTransaction)> {
        let mut chunks = Vec::new();
        let mut rest = unsigned.into_iter().peekable();
        while rest.peek().is_some() {
            chunks.push(rest.by_ref().take(SIGNING_CHUNK).collect::<Vec<_>>());
        }
        let tasks = chunks.into_iter().map(|chunk| {
            let key = self.inner.platform.clone();
            let permits = self.inner.signing.clone();
            async move {
                let _permit = permits.acquire_owned().await;
                tokio::task::spawn_blocking(move || {
                    chunk.into_iter().map(|(i, step, txn)| (i, step, txn.sign(&key))).collect()
                })
                .await
            }
        });
        let mut signed = Vec::new();
        for chunk in futures::future::join_all(tasks).await {
            match chunk {
                Ok(chunk) => signed.extend::<Vec<_>>(chunk),
                // Those jobs stay claimed and are taken up again when the claim lapses.
                Err(err) => tracing::error!(target: "minter", error = %err, "signing failed"),
            }
        }
        signed
    }

    async fn write_ahead(
        &mut self,
        signed: Vec<(usize, Step, SignedTransaction)>,
        last_valid: Round,
    ) -> Result<Vec<usize>, MinterError> {
        let writes: Vec<_> = signed
            .iter()
            .map(|(index, step, txn)| {
                let state = match step {
                    Step::Mint => JobState::Minting,
                    Step::Deliver => JobState::Delivering,
                };
                let inflight = Inflight { signed: txn.encode(), txid: txn.id(), last_valid };
                (self.jobs[*index].job.key.clone(), state, inflight)
            })
            .collect();
        let now = self.inner.clock.now();
        let written = self.inner.store.record_inflight(&self.claim, &writes, now).await?;
        let mut ready = Vec::new();
        let mut mints = 0;
        for (((index, step, _), (_, _, inflight)), written) in
            signed.iter().zip(writes).zip(written)
        {
            if written {
                self.jobs[*index].job.inflight = Some(inflight);
                mints += usize::from(*step == Step::Mint);
                ready.push(*index);
            }
        }
        if mints > 0 {
            self.inner.metrics.mint_batch(mints);
        }
        Ok(ready)
    }

    /// Sends the stored transactions of `jobs` concurrently and tracks those the node took. A
    /// send the node fails transiently is repeated with the same bytes at once: a glitch costs
    /// a moment, not the job's minute-long retry.
    async fn send(&mut self, jobs: Vec<usize>) -> Result<(), MinterError> {
        let inner = &*self.inner;
        let sends: Vec<_> = jobs
            .into_iter()
            .filter_map(|index| {
                let bytes = self.inflight(index)?.signed.clone();
                Some(Box::pin(async move { (index, inner.algod.submit_retrying(bytes).await) }))
            })
            .collect();
        let results: Vec<_> =
            stream::iter(sends).buffer_unordered(inner.config.concurrency.max(1)).collect().await;
        for (index, result) in results {
            match result {
                Ok(_) => self.track(index),
                Err(err) if err.kind() == ErrorKind::Rejected => self.refused(index, err).await?,
                // The node may have taken it anyway: it is watched for like the others, and the
                // retry asks before sending again.
                Err(err) => {
                    self.fail(index, err.into(), true).await?;
                    self.track(index);
                }
            }
        }
        Ok(())
    }

    /// A refused send is final only if the node holds no copy: a duplicate or a lease already
    /// held by this very transaction is refused too.
    async fn refused(
        &mut self,
        index: usize,
        err: tipforge_chain::ChainError,
    ) -> Result<(), MinterError> {
        let Some(txid) = self.inflight(index).map(|inflight| inflight.txid) else { return Ok(()) };
        match self.inner.algod.pending(&txid).await {
            Ok(pending) if pending.confirmed_round.is_some() => {
                let round = pending.confirmed_round.unwrap_or_default();
                self.settle(index, round, pending.asset_index).await
            }
            Ok(pending) if pending.pool_error.is_empty() => {
                self.track(index);
                Ok(())
            }
            _ => self.fail(index, err.into(), false).await,
        }
    }

    /// Reads the blocks after the batch's start until every tracked transaction is settled,
    /// the wait runs out, or shutdown.
    pub(super) async fn watch(&mut self, shutdown: &CancellationToken) -> Result<(), MinterError> {
        let start = self.start;
        let deadline = Instant::now() + self.inner.config.confirm_timeout;
        let mut cursor = start;
        let jobs_by_txid: HashMap<TxId, usize> = (0..self.jobs.len())
            .filter_map(|index| Some((self.inflight(index)?.txid, index)))
            .collect();
        while !self.tracker.is_empty() && Instant::now() < deadline && !shutdown.is_cancelled() {
            let wait = self.inner.algod.wait_for_block_after(cursor);
            let waited = tokio::select! {
                () = shutdown.cancelled() => break,
                waited = tokio::time::timeout(self.inner.config.poll_interval, wait) => waited,
            };
            let last = match waited {
                Ok(Ok(status)) => status.last_round,
                Ok(Err(err)) => {
                    tracing::debug!(target: "minter", error = %err, "waiting for a block failed");
                    continue;
                }
                Err(_) => continue,
            };
            if last <= cursor {
                continue;
            }
            let blocks = self.inner.blocks.range(&self.inner.algod, cursor.next(), last).await;
            let blocks = match blocks {
                Ok(blocks) => blocks,
                Err(err) => {
                    tracing::debug!(target: "minter", error = %err, "reading blocks failed");
                    continue;
                }
            };
            for block in blocks {
                let ours: HashMap<TxId, Option<AssetId>> = jobs_by_txid
                    .keys()
                    .filter_map(|txid| Some((*txid, *block.transactions.get(txid)?)))
                    .collect();
                let mut mints = 0;
                let mut confirmed = Vec::new();
                for settled in self.tracker.observe_block(block.round, ours.keys()) {
                    match settled {
                        Settled::Confirmed { txid, round } => {
                            let Some(&index) = jobs_by_txid.get(&txid) else { continue };
                            mints += usize::from(self.jobs[index].job.asset_id.is_none());
                            confirmed.push((index, round, ours.get(&txid).copied().flatten()));
                        }
                        Settled::Expired { txid } => {
                            let Some(&index) = jobs_by_txid.get(&txid) else { continue };
                            self.fail(index, StepError::Expired, false).await?;
                        }
                    }
                }
                self.settle_all(confirmed).await?;
                self.inner.metrics.mints_in_block(block.round, mints);
                cursor = block.round;
            }
        }
        self.report.unsettled = self.tracker.len();
        Ok(())
    }

    /// Records the job's in-flight transaction as committed in `round`.
    async fn settle(
        &mut self,
        index: usize,
        round: Round,
        asset: Option<AssetId>,
    ) -> Result<(), MinterError> {
        self.settle_all(vec![(index, round, asset)]).await
    }

    /// Records committed transactions (those of one block), each kind in one transaction.
    async fn settle_all(
        &mut self,
        confirmed: Vec<(usize, Round, Option<AssetId>)>,
    ) -> Result<(), MinterError> {
        let inner = self.inner.clone();
        let mut mints = Vec::new();
        let mut deliveries = Vec::new();
        for (index, round, asset) in confirmed {
            let claimed = &self.jobs[index];
            let job = &claimed.job;
            let Some(txid) = job.inflight.as_ref().map(|inflight| inflight.txid) else { continue };
            if job.asset_id.is_some() {
                deliveries.push((index, Delivery { key: job.key.clone(), txid, round }));
                continue;
            }
            let (Some(asset), Some(template_id)) = (asset, job.template_id) else {
                self.fail(index, StepError::NoTemplate, true).await?;
                continue;
            };
            let mint = MintSettlement {
                key: job.key.clone(),
                txid,
                asset,
                round,
                template_id,
                owner: claimed.fan,
                creator: claimed.creator,
                variant: job.variant,
            };
            mints.push((index, mint));
        }
        let now = inner.clock.now();
        if !mints.is_empty() {
            let batch: Vec<MintSettlement> = mints.iter().map(|(_, mint)| mint.clone()).collect();
            let network = inner.network().await;
            let settled = inner.store.settle_mints(&batch, network, now).await?;
            let mut due = false;
            for ((index, mint), settled) in mints.iter().zip(settled) {
                let Some(state) = settled else { continue };
                inner.metrics.minted();
                inner.metrics.step_succeeded(self.jobs[*index].job.attempts > 0);
                self.report.minted += 1;
                if state == JobState::AwaitingOptin {
                    self.report.awaiting_optin += 1;
                } else {
                    due = true;
                }
                tracing::debug!(target: "minter", job = %mint.key, asset = %mint.asset, "minted");
            }
            if due {
                // Their deliveries are due at once.
                inner.wake.notify_one();
            }
        }
        if !deliveries.is_empty() {
            let batch: Vec<Delivery> = deliveries.iter().map(|(_, d)| d.clone()).collect();
            let settled = inner.store.settle_deliveries(&batch, now).await?;
            for ((index, delivery), settled) in deliveries.iter().zip(settled) {
                if settled {
                    let claimed = &self.jobs[*index];
                    let (tip_round, tipped_at) = (claimed.tip_round, claimed.tip_ingested_at);
                    inner.metrics.delivered(tip_round, delivery.round, tipped_at, now);
                    inner.metrics.step_succeeded(claimed.job.attempts > 0);
                    self.report.delivered += 1;
                    tracing::debug!(target: "minter", job = %delivery.key, "delivered");
                }
            }
        }
        Ok(())
    }

    async fn fail(
        &mut self,
        index: usize,
        error: StepError,
        keep_inflight: bool,
    ) -> Result<(), MinterError> {
        self.fail_with(index, error.class(), error.to_string(), keep_inflight).await
    }

    async fn fail_with(
        &mut self,
        index: usize,
        class: ErrorClass,
        reason: String,
        keep_inflight: bool,
    ) -> Result<(), MinterError> {
        let now = self.inner.clock.now();
        let job = &self.jobs[index].job;
        if let Some(asset) = job.asset_id {
            // The fan may have closed the holding out: the retry asks the node again.
            self.inner.holders.forget(&self.jobs[index].fan, asset);
        }
        let decision = decide(job, class, now);
        self.inner.metrics.step_failed(job.asset_id.is_none(), job.attempts > 0);
        tracing::warn!(
            target: "minter",
            job = %job.key,
            class = %decision.class,
            dead = decision.dead,
            error = %reason,
            "reward step failed"
        );
        let failure = JobFailure {
            key: job.key.clone(),
            class: decision.class,
            reason,
            next_attempt_at: decision.next_attempt_at,
            dead: decision.dead,
            keep_inflight,
        };
        self.inner.store.fail_reward_job(&self.claim, &failure, now).await?;
        self.report.failed += 1;
        Ok(())
    }
}

/// One job's next move: an in-flight transaction is looked up first and signed again only
/// when it can never be committed.
async fn plan_job(inner: &Inner, claimed: &ClaimedJob, current: Round) -> Plan {
    if let Some(inflight) = &claimed.job.inflight {
        match lookup(inner, inflight, current).await {
            Ok(Lookup::Confirmed { round, asset }) => return Plan::Settle { round, asset },
            Ok(Lookup::Pending) => return Plan::Track,
            Ok(Lookup::Resend) => return Plan::Resend,
            Ok(Lookup::Lost) => {}
            Err(err) => return Plan::Fail { error: err.into(), keep_inflight: true },
        }
    }
    let Some(asset) = claimed.job.asset_id else { return Plan::Mint };
    if inner.holders.holds(&claimed.fan, asset) {
        return Plan::Deliver;
    }
    match inner.algod.account_asset(&claimed.fan, asset).await {
        Ok(Some(_)) => {
            inner.holders.remember(&claimed.fan, asset);
            Plan::Deliver
        }
        Ok(None) => Plan::AwaitOptin,
        Err(err) => Plan::Fail { error: err.into(), keep_inflight: false },
    }
}
