//! Revoking expired memberships: the platform claws the membership reward back from the fan
//! (it is soulbound, so the platform is its clawback) and the membership is marked revoked.
//!
//! The chain is the record here: a membership is marked revoked once the fan holds no unit of
//! its reward, so a sweep interrupted between the clawback and the mark simply finishes on the
//! next sweep, and a second clawback cannot take anything (the lease refuses it meanwhile).
//!
//! A membership can also expire before its reward reached the fan (a renewal still awaiting
//! the fan's opt-in, say). Its delivery is then given up in the same step that revokes it, so
//! the fan can never receive an expired membership later; a delivery already in flight is
//! left to finish, and a later sweep takes it back.

use tipforge_algo::transaction::AssetTransfer;
use tipforge_algo::{AssetId, Round, SuggestedParams, Transaction, sha512_256};

use super::retry::StepError;
use super::{Inner, MinterError};
use crate::store::ExpiredMembership;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RevocationReport {
    /// Expired memberships found.
    pub expired: usize,
    /// Clawbacks sent.
    pub clawbacks: usize,
    /// Memberships marked revoked.
    pub revoked: usize,
}

/// One sweep over the memberships whose time is up.
pub(super) async fn sweep(inner: &Inner) -> Result<RevocationReport, MinterError> {
    let now = inner.clock.now();
    let expired = inner.store.expired_memberships(now, inner.config.batch_size).await?;
    let mut report = RevocationReport { expired: expired.len(), ..RevocationReport::default() };
    let mut to_claw = Vec::new();
    for membership in expired {
        match held(inner, &membership).await? {
            Some(asset) => to_claw.push((membership, asset)),
            None => revoked(inner, &membership, &mut report).await?,
        }
    }
    if to_claw.is_empty() {
        return Ok(report);
    }
    let mut params = inner.algod.suggested_params().await?;
    params.last_valid = Round(params.first_valid.0 + inner.config.validity_rounds);
    for (membership, asset) in &to_claw {
        match claw_back(inner, membership, *asset, &params).await {
            Ok(()) => report.clawbacks += 1,
            Err(err) => {
                tracing::warn!(target: "minter", tip = %membership.tip_txid, error = %err, "clawback failed");
            }
        }
    }
    // In dev mode the clawbacks are already committed; otherwise the next sweep marks them.
    for (membership, _) in to_claw {
        if held(inner, &membership).await?.is_none() {
            revoked(inner, &membership, &mut report).await?;
        }
    }
    Ok(report)
}

/// The membership's asset when the fan holds a unit of it.
async fn held(
    inner: &Inner,
    membership: &ExpiredMembership,
) -> Result<Option<AssetId>, MinterError> {
    let Some(asset) = membership.asset else { return Ok(None) };
    let holding = inner.algod.account_asset(&membership.fan, asset).await?;
    Ok(holding.filter(|holding| holding.amount > 0).map(|_| asset))
}

async fn revoked(
    inner: &Inner,
    membership: &ExpiredMembership,
    report: &mut RevocationReport,
) -> Result<(), MinterError> {
    let now = inner.clock.now();
    let tip = &membership.tip_txid;
    if !inner.store.revoke_membership(tip, membership.asset, now).await? {
        tracing::debug!(target: "minter", %tip, "expired membership's delivery in flight");
        return Ok(());
    }
    report.revoked += 1;
    tracing::info!(target: "minter", %tip, fan = %membership.fan, "membership revoked");
    Ok(())
}

async fn claw_back(
    inner: &Inner,
    membership: &ExpiredMembership,
    asset: AssetId,
    params: &SuggestedParams,
) -> Result<(), StepError> {
    let platform = inner.platform.address();
    let lease = sha512_256(format!("tipforge-revoke-lease\0{}", membership.tip_txid).as_bytes());
    let body = AssetTransfer::clawback(asset, membership.fan, platform, 1);
    let txn = Transaction::builder(platform, params, body).lease(lease).build()?;
    let key = inner.platform.clone();
    let permit = inner.signing.clone().acquire_owned().await;
    let signed = tokio::task::spawn_blocking(move || txn.sign(&key))
        .await
        .map_err(|_| StepError::SigningFailed)?;
    drop(permit);
    inner.algod.submit_retrying(signed.encode()).await?;
    Ok(())
}
