//! Creators: registering a TipProxy contract for a creator, reading its state and figures,
//! and the calls that pause, resume or re-price it.
//!
//! Registration deploys from the platform account, so it is claimed in the database first
//! (see [`Store::claim_registration`]): of any number of concurrent registrations of one
//! creator, in one process or across instances sharing PostgreSQL, exactly one deploys, and
//! the others wait for it and answer with the same contract.

mod calls;
mod chain;
mod error;
mod program;
mod registration;
mod stats;

use std::sync::Arc;

use moka::future::Cache;
use tipforge_algo::{Address, AppId, SecretKey};
use tipforge_chain::Algod;

use crate::domain::{
    Clock, Contract, ContractState, CreatorProfile, Dashboard, Role, Timestamp, User,
};
use crate::store::Store;

pub use calls::{AdminCall, ConfirmedCall, UnsignedCall};
pub use error::{CreatorsError, CreatorsErrorKind, Result};
pub use registration::{Registered, RegistrationRequest};
pub use stats::StatsSnapshot;

/// The creators service. Cheap to clone: every field is a handle, and clones share the stats
/// cache.
#[derive(Debug, Clone)]
pub struct Creators {
    store: Store,
    node: Algod,
    platform: Arc<SecretKey>,
    clock: Clock,
    stats: Cache<AppId, Arc<StatsSnapshot>>,
}

impl Creators {
    /// A service deploying from `platform` through `node`.
    pub fn new(store: Store, node: Algod, platform: Arc<SecretKey>, clock: Clock) -> Self {
        Self { store, node, platform, clock, stats: stats::cache() }
    }

    /// The public page of the creator with `wallet`.
    pub async fn profile(&self, wallet: &Address) -> Result<CreatorProfile> {
        let (user, contract) = self.registered(wallet).await?;
        Ok(CreatorProfile {
            tips: self.store.tip_totals(wallet).await?,
            templates: self.store.template_counts(wallet).await?,
            user,
            contract,
        })
    }

    /// The creator's active contract and its global state, read from the node now.
    pub async fn contract(&self, wallet: &Address) -> Result<(Contract, ContractState)> {
        let (_, contract) = self.registered(wallet).await?;
        let state = chain::read_state(&self.node, contract.app_id).await?;
        Ok((contract, state))
    }

    /// The dashboard of the signed-in creator; fans are refused.
    pub async fn dashboard(&self, user: &User) -> Result<Dashboard> {
        self.own_contract(user).await?;
        Ok(self.store.dashboard(&user.wallet, self.clock.now()).await?)
    }

    /// The creator `wallet` and their active contract; anyone else is unknown.
    async fn registered(&self, wallet: &Address) -> Result<(User, Contract)> {
        let unknown = || CreatorsError::UnknownCreator { wallet: *wallet };
        let user = self.store.user(wallet).await?.ok_or_else(unknown)?;
        if user.role != Role::Creator {
            return Err(unknown());
        }
        let contract = self.store.active_contract(wallet).await?.ok_or_else(unknown)?;
        Ok((user, contract))
    }

    /// The signed-in creator's active contract; fans are refused.
    async fn own_contract(&self, user: &User) -> Result<Contract> {
        if user.role != Role::Creator {
            return Err(CreatorsError::NotACreator);
        }
        let (_, contract) = self.registered(&user.wallet).await?;
        Ok(contract)
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
