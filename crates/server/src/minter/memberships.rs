//! Revoking expired memberships: the platform claws the membership reward back from the fan
//! (it is soulbound, so the platform is its clawback) and the membership is marked revoked.
//!
//! The chain is the record here: a membership is marked revoked once the fan holds no unit of
//! its reward, so a sweep interrupted between the clawback and the mark simply finishes on the
//! next sweep, and a second clawback cannot take anything (the lease refuses it meanwhile).

use tipforge_algo::transaction::AssetTransfer;
use tipforge_algo::{Round, SuggestedParams, Transaction, sha512_256};

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
        if holds(inner, &membership).await? {
            to_claw.push(membership);
        } else {
            revoked(inner, &membership, &mut report).await?;
        }
    }
    if to_claw.is_empty() {
        return Ok(report);
    }
    let mut params = inner.algod.suggested_params().await?;
    params.last_valid = Round(params.first_valid.0 + inner.config.validity_rounds);
    for membership in &to_claw {
        match claw_back(inner, membership, &params).await {
            Ok(()) => report.clawbacks += 1,
            Err(err) => {
                tracing::warn!(target: "minter", tip = %membership.tip_txid, error = %err, "clawback failed");
            }
        }
    }
    // In dev mode the clawbacks are already committed; otherwise the next sweep marks them.
    for membership in to_claw {
        if !holds(inner, &membership).await? {
            revoked(inner, &membership, &mut report).await?;
        }
    }
    Ok(report)
}

async fn holds(inner: &Inner, membership: &ExpiredMembership) -> Result<bool, MinterError> {
    let holding = inner.algod.account_asset(&membership.fan, membership.asset).await?;
    Ok(holding.is_some_and(|holding| holding.amount > 0))
}

async fn revoked(
    inner: &Inner,
    membership: &ExpiredMembership,
    report: &mut RevocationReport,
) -> Result<(), MinterError> {
    let now = inner.clock.now();
    inner.store.mark_membership_revoked(&membership.tip_txid, membership.asset, now).await?;
    report.revoked += 1;
    tracing::info!(target: "minter", tip = %membership.tip_txid, fan = %membership.fan, "membership revoked");
    Ok(())
}

async fn claw_back(
    inner: &Inner,
    membership: &ExpiredMembership,
    params: &SuggestedParams,
) -> Result<(), StepError> {
    let platform = inner.platform.address();
    let lease = sha512_256(format!("tipforge-revoke-lease\0{}", membership.tip_txid).as_bytes());
    let body = AssetTransfer::clawback(membership.asset, membership.fan, platform, 1);
    let txn = Transaction::builder(platform, params, body).lease(lease).build()?;
    let key = inner.platform.clone();
    let permit = inner.signing.clone().acquire_owned().await;
    let signed = tokio::task::spawn_blocking(move || txn.sign(&key))
        .await
        .map_err(|_| StepError::SigningFailed)?;
    drop(permit);
    inner.algod.submit(signed.encode()).await?;
    Ok(())
}
