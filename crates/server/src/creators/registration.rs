//! Registering a creator: claim, deploy (or finish an earlier deployment), fund, store.

use std::time::{Duration, Instant};

use tipforge_algo::abi::AbiValue;
use tipforge_algo::transaction::AppCall;
use tipforge_algo::{Address, AppId};
use tipforge_chain::ErrorKind as ChainErrorKind;

use super::Creators;
use super::chain::{self, confirm};
use super::error::{CreatorsError, Result};
use super::program::{TIP_PROXY, VERSION};
use crate::domain::{
    Claim, ClaimToken, Contract, MinTip, Registration, RegistrationState, SentCreate, Timestamp,
    User, Username,
};
use crate::store::ClaimRequest;

/// A claim older than this is taken to be abandoned (its holder crashed) and may be taken
/// over. Far longer than a deployment takes on any network.
const CLAIM_TAKEOVER: Duration = Duration::from_secs(10 * 60);
/// How long a concurrent registration waits for the one deploying before giving up with
/// "in progress".
const WAIT_FOR_OTHER: Duration = Duration::from_secs(30);
/// How often a waiting registration looks at the claim again.
const WAIT_POLL: Duration = Duration::from_millis(50);

/// What a creator asks for when registering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRequest {
    /// The contract's minimum tip.
    pub min_tip: MinTip,
    /// A display name to take, if any.
    pub username: Option<Username>,
}

/// A registration's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// The creator's contract.
    pub contract: Contract,
    /// True if this request deployed it; false if it existed or another request deployed it.
    pub created: bool,
}

impl Creators {
    /// Registers `user` as a creator: deploys their TipProxy from the platform account, funds
    /// its account's minimum balance and stores it. A creator who already has a contract, or
    /// whose registration another request is running, gets that contract (`created: false`);
    /// the minimum tip and username of such a request are not applied.
    ///
    /// Known limitation: when retrying after a failure, a create transaction the node no longer
    /// remembers and whose validity has passed is taken as never confirmed.
    pub async fn register(&self, user: &User, request: &RegistrationRequest) -> Result<Registered> {
        let creator = user.wallet;
        if let Some(contract) = self.store.active_contract(&creator).await? {
            return Ok(Registered { contract, created: false });
        }
        let token = ClaimToken::generate();
        let started = Instant::now();
        loop {
            match self.claim(&creator, &token, request).await? {
                Claim::Claimed(registration) => {
                    let contract = self.deploy_claimed(&registration, &token).await?;
                    return Ok(Registered { contract, created: true });
                }
                Claim::Taken(taken) => {
                    if let Some(registered) = self.settled(&taken).await? {
                        return Ok(registered);
                    }
                    if started.elapsed() > WAIT_FOR_OTHER {
                        return Err(CreatorsError::RegistrationInProgress { creator });
                    }
                    tokio::time::sleep(WAIT_POLL).await;
                }
            }
        }
    }

    async fn claim(
        &self,
        creator: &Address,
        token: &ClaimToken,
        request: &RegistrationRequest,
    ) -> Result<Claim> {
        let now = self.now();
        let claim = ClaimRequest {
            creator,
            token,
            min_tip: request.min_tip.amount(),
            username: request.username.as_ref(),
            now,
            stale_before: before(now, CLAIM_TAKEOVER),
        };
        Ok(self.store.claim_registration(&claim).await?)
    }

    /// The contract a registration claimed by another request ended with, once it is deployed
    /// and still active. A deployed registration whose contract was retired since is reopened,
    /// so that the next claim deploys anew.
    async fn settled(&self, taken: &Registration) -> Result<Option<Registered>> {
        if taken.state != RegistrationState::Deployed {
            return Ok(None);
        }
        if let Some(contract) = self.store.active_contract(&taken.creator).await? {
            return Ok(Some(Registered { contract, created: false }));
        }
        if let Some(app) = taken.app_id {
            self.store.reopen_registration(&taken.creator, app, self.now()).await?;
        }
        Ok(None)
    }

    /// Deploys for a claimed registration, marking it failed (so it can be retried) when
    /// anything goes wrong.
    async fn deploy_claimed(
        &self,
        registration: &Registration,
        token: &ClaimToken,
    ) -> Result<Contract> {
        let creator = registration.creator;
        match self.deploy(registration, token).await {
            Ok(contract) => {
                tracing::info!(
                    target: "creators",
                    %creator,
                    app = %contract.app_id,
                    "creator registered"
                );
                Ok(contract)
            }
            Err(err) => {
                tracing::warn!(target: "creators", %creator, error = %err, "registration failed");
                if !matches!(err, CreatorsError::ClaimLost { .. }) {
                    let reason = err.to_string();
                    self.store.fail_registration(&creator, token, &reason, self.now()).await?;
                }
                Err(err)
            }
        }
    }

    async fn deploy(&self, registration: &Registration, token: &ClaimToken) -> Result<Contract> {
        let creator = registration.creator;
        let app = match registration.app_id {
            Some(app) => app,
            None => {
                let earlier = match &registration.create {
                    Some(sent) => self.earlier_create(sent).await?,
                    None => None,
                };
                let app = match earlier {
                    Some(app) => app,
                    None => self.create_app(registration, token).await?,
                };
                let held = self.store.record_app(&creator, token, app, self.now()).await?;
                held.then_some(app).ok_or(CreatorsError::ClaimLost { creator })?
            }
        };
        chain::fund_app(&self.node, &self.platform, app).await?;
        let contract = Contract {
            app_id: app,
            creator,
            app_address: Address::for_app(app),
            version: VERSION,
            deployed_at: self.now(),
            retired_at: None,
        };
        let completed = self.store.complete_registration(token, &contract, self.now()).await?;
        completed.then_some(contract).ok_or(CreatorsError::ClaimLost { creator })
    }

    /// What became of a create transaction an earlier attempt sent: the application it made,
    /// or `None` once it certainly never will make one.
    async fn earlier_create(&self, sent: &SentCreate) -> Result<Option<AppId>> {
        match confirm(&self.node, &sent.txid, sent.last_valid).await {
            Ok(confirmed) => {
                let app = confirmed.application_index;
                app.map(Some).ok_or(CreatorsError::NoAppCreated { txid: sent.txid })
            }
            Err(CreatorsError::Dropped { .. } | CreatorsError::Expired { .. }) => Ok(None),
            Err(CreatorsError::Chain(err)) if err.kind() == ChainErrorKind::NotFound => {
                let round = self.node.status().await?.last_round;
                if round > sent.last_valid {
                    return Ok(None);
                }
                Err(CreatorsError::EarlierCreatePending {
                    txid: sent.txid,
                    last_valid: sent.last_valid,
                })
            }
            Err(err) => Err(err),
        }
    }

    /// Sends the ARC-4 `create(creator, platform, min_tip)` and waits for the application id.
    /// The transaction is recorded before it is sent, so a later attempt can ask about it.
    async fn create_app(&self, registration: &Registration, token: &ClaimToken) -> Result<AppId> {
        let creator = registration.creator;
        let platform = self.platform.address();
        let args = TIP_PROXY.create.encode_args(&[
            AbiValue::Address(creator),
            AbiValue::Address(platform),
            AbiValue::from(registration.min_tip.0),
        ])?;
        let mut call = AppCall::create(
            TIP_PROXY.approval.clone(),
            TIP_PROXY.clear.clone(),
            TIP_PROXY.global_schema,
            TIP_PROXY.local_schema,
        );
        call.args = args;
        let txn = chain::build(&self.node, platform, call).await?;
        let signed = txn.sign(&self.platform);
        let sent = SentCreate { txid: signed.id(), last_valid: txn.header.last_valid };
        if !self.store.record_create(&creator, token, &sent, self.now()).await? {
            return Err(CreatorsError::ClaimLost { creator });
        }
        if let Err(err) = self.node.submit(signed.encode()).await {
            // A refusal on the merits means the node never pooled it: nothing can confirm.
            if err.kind() == ChainErrorKind::Rejected {
                self.store.forget_create(&creator, token, self.now()).await?;
            }
            return Err(err.into());
        }
        let confirmed = confirm(&self.node, &sent.txid, sent.last_valid).await?;
        confirmed.application_index.ok_or(CreatorsError::NoAppCreated { txid: sent.txid })
    }
}

/// The instant `age` before `now`.
fn before(now: Timestamp, age: Duration) -> Timestamp {
    let millis = i64::try_from(age.as_millis()).unwrap_or(i64::MAX);
    Timestamp(now.0.saturating_sub(millis))
}
