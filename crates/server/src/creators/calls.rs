//! The administrative calls of a TipProxy: pause, resume and a new minimum tip. A creator gets
//! them unsigned, to sign in their wallet; the platform signs and sends its own.

use tipforge_algo::abi::{AbiValue, Method};
use tipforge_algo::transaction::AppCall;
use tipforge_algo::{Address, Round, Transaction, TxId};

use super::error::Result;
use super::program::TIP_PROXY;
use super::{Creators, chain};
use crate::domain::{Contract, MinTip, User};

/// A call that changes a contract's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminCall {
    /// Refuse tips.
    Pause,
    /// Accept tips again.
    Resume,
    /// Change the minimum tip (the creator only).
    SetMinTip(MinTip),
}

impl AdminCall {
    /// The ARC-4 method called.
    pub fn method(self) -> &'static Method {
        match self {
            Self::Pause => &TIP_PROXY.pause,
            Self::Resume => &TIP_PROXY.resume,
            Self::SetMinTip(_) => &TIP_PROXY.set_min_tip,
        }
    }

    fn args(self) -> Vec<AbiValue> {
        match self {
            Self::Pause | Self::Resume => Vec::new(),
            Self::SetMinTip(min_tip) => vec![AbiValue::from(min_tip.amount().0)],
        }
    }
}

/// An app call for a creator's wallet to sign and send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedCall {
    /// What is called.
    pub call: AdminCall,
    /// The contract.
    pub contract: Contract,
    /// The transaction, from the creator's wallet.
    pub txn: Transaction,
}

/// A call the platform signed and sent, confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedCall {
    /// What was called.
    pub call: AdminCall,
    /// The contract.
    pub contract: Contract,
    /// The transaction.
    pub txid: TxId,
    /// The round it confirmed in.
    pub round: Round,
}

impl Creators {
    /// The unsigned `call` of the signed-in creator's contract, sent from their wallet; fans
    /// are refused. The cached stats are dropped, since the creator is about to change them
    /// (a call signed but never sent only costs one extra node read).
    pub async fn unsigned_call(&self, user: &User, call: AdminCall) -> Result<UnsignedCall> {
        let contract = self.own_contract(user).await?;
        let txn = self.admin_txn(&contract, user.wallet, call).await?;
        self.forget_stats(contract.app_id).await;
        Ok(UnsignedCall { call, contract, txn })
    }

    /// Pauses or resumes the contract of the creator `wallet` from the platform account, which
    /// the contract allows; returns once the call is confirmed.
    pub async fn platform_call(&self, wallet: &Address, call: AdminCall) -> Result<ConfirmedCall> {
        let (_, contract) = self.registered(wallet).await?;
        let txn = self.admin_txn(&contract, self.platform.address(), call).await?;
        let result = chain::sign_and_confirm(&self.node, &self.platform, &txn).await;
        // Evicted either way: a call whose confirmation was not seen may still have landed.
        self.forget_stats(contract.app_id).await;
        let (txid, confirmed) = result?;
        let round = confirmed.confirmed_round.unwrap_or_default();
        tracing::info!(target: "creators", creator = %wallet, %txid, ?call, "platform call");
        Ok(ConfirmedCall { call, contract, txid, round })
    }

    async fn admin_txn(
        &self,
        contract: &Contract,
        sender: Address,
        call: AdminCall,
    ) -> Result<Transaction> {
        let mut body = AppCall::new(contract.app_id);
        body.args = call.method().encode_args(&call.args())?;
        chain::build(&self.node, sender, body).await
    }
}
