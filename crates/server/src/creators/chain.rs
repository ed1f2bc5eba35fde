//! The node work behind the service: sending and confirming transactions, funding an app
//! account, reading a TipProxy's state. Every wait is an awaited request, never a blocked
//! thread.

use tipforge_algo::transaction::Payment;
use tipforge_algo::{Address, AppId, MicroAlgos, Round, SecretKey, Transaction, TxId, TxnBody};
use tipforge_chain::{Algod, AppGlobalValue, ErrorKind as ChainErrorKind, PendingTransaction};

use super::error::{CreatorsError, Result};
use crate::domain::ContractState;

/// What an application account must hold before it can send its first inner payment.
pub(super) const APP_MIN_BALANCE: MicroAlgos = MicroAlgos(100_000);

/// Builds a transaction from `sender` with the node's suggested parameters.
pub(super) async fn build(
    node: &Algod,
    sender: Address,
    body: impl Into<TxnBody>,
) -> Result<Transaction> {
    let params = node.suggested_params().await?;
    Ok(Transaction::builder(sender, &params, body).build()?)
}

/// Signs `txn` with `key`, sends it and waits until it confirms.
pub(super) async fn sign_and_confirm(
    node: &Algod,
    key: &SecretKey,
    txn: &Transaction,
) -> Result<(TxId, PendingTransaction)> {
    let signed = txn.sign(key);
    let txid = node.submit(signed.encode()).await?;
    let confirmed = confirm(node, &txid, txn.header.last_valid).await?;
    Ok((txid, confirmed))
}

/// Waits, one block at a time, until `txid` confirms, is dropped, or can no longer confirm.
pub(super) async fn confirm(
    node: &Algod,
    txid: &TxId,
    last_valid: Round,
) -> Result<PendingTransaction> {
    loop {
        let pending = node.pending(txid).await?;
        if pending.confirmed_round.is_some() {
            return Ok(pending);
        }
        if !pending.pool_error.is_empty() {
            return Err(CreatorsError::Dropped { txid: *txid, reason: pending.pool_error });
        }
        let round = node.status().await?.last_round;
        if round > last_valid {
            return Err(CreatorsError::Expired { txid: *txid, last_valid });
        }
        node.wait_for_block_after(round).await?;
    }
}

/// Tops the application's account up to its minimum balance from `platform`.
pub(super) async fn fund_app(node: &Algod, platform: &SecretKey, app: AppId) -> Result<()> {
    let account = Address::for_app(app);
    let balance = match node.account(&account).await {
        Ok(info) => info.amount,
        Err(err) if err.kind() == ChainErrorKind::NotFound => MicroAlgos(0),
        Err(err) => return Err(err.into()),
    };
    let Some(missing) = APP_MIN_BALANCE.checked_sub(balance).filter(|missing| missing.0 > 0) else {
        return Ok(());
    };
    let payment = build(node, platform.address(), Payment::new(account, missing)).await?;
    let (txid, _) = sign_and_confirm(node, platform, &payment).await?;
    tracing::debug!(target: "creators", %app, %txid, amount = missing.0, "app account funded");
    Ok(())
}

/// The TipProxy state of `app`, as the node holds it now.
pub(super) async fn read_state(node: &Algod, app: AppId) -> Result<ContractState> {
    let info = node.application(app).await?;
    let address = |key: &'static str| -> Result<Address> {
        let bytes = info.global_bytes(key.as_bytes());
        let bytes = bytes.and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
        bytes.map(Address).ok_or(CreatorsError::NotATipProxy { app_id: app, reason: key })
    };
    // The AVM reads an absent integer as 0, and a node may leave zeros out of its answer.
    let uint = |key: &'static str| -> Result<u64> {
        match info.global(key.as_bytes()) {
            Some(AppGlobalValue::Bytes(_)) => {
                Err(CreatorsError::NotATipProxy { app_id: app, reason: key })
            }
            _ => Ok(info.global_uint(key.as_bytes())),
        }
    };
    Ok(ContractState {
        creator: address("creator")?,
        platform: address("platform")?,
        min_tip: MicroAlgos(uint("min_tip")?),
        total_tips: uint("total_tips")?,
        total_amount: MicroAlgos(uint("total_amount")?),
        paused: uint("paused")? != 0,
    })
}
