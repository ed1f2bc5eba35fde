//! Edition templates: each variant's asset is minted once (total = the edition size) and every
//! reward then transfers one unit. The creation is stored before it is sent and looked up
//! before it is signed again, like a reward's own transactions.

use tipforge_algo::{AssetId, MicroAlgos, Round, sha512_256};

use super::lookup::{Lookup, lookup};
use super::retry::StepError;
use super::{Inner, MinterError, transactions};
use crate::domain::{Inflight, Template, Variant};

/// What an edition's asset is, as far as one batch can tell.
#[derive(Debug)]
pub(super) enum Edition {
    /// The asset exists.
    Ready(AssetId),
    /// Its creation is under way; the rewards wait for it.
    Wait,
    /// Its creation failed.
    Failed(StepError),
}

/// The lease of an edition's creation, so that two workers' creations cannot both confirm.
fn lease(template: &Template, variant: Variant) -> [u8; 32] {
    let text = format!("tipforge-edition-lease\0{}\0{}", template.id, variant.as_str());
    sha512_256(text.as_bytes())
}

/// Finds the asset of `template`'s `variant` edition of `size` units, creating it when it does
/// not exist yet; `current` is the node's newest round.
pub(super) async fn ensure(
    inner: &Inner,
    template: &Template,
    variant: Variant,
    size: u64,
    current: Round,
) -> Result<Edition, MinterError> {
    let now = inner.clock.now();
    let edition = inner.store.edition_asset(template.id, variant, size, now).await?;
    if let Some(asset) = edition.asset_id {
        return Ok(Edition::Ready(asset));
    }
    let mut previous = None;
    if let Some(inflight) = edition.inflight {
        match lookup(inner, &inflight, current).await {
            Ok(Lookup::Confirmed { asset: Some(asset), .. }) => {
                let txid = inflight.txid;
                inner.store.settle_edition_mint(template.id, variant, txid, asset, now).await?;
                tracing::info!(target: "minter", template = %template.id, %asset, "edition minted");
                return Ok(Edition::Ready(asset));
            }
            Ok(Lookup::Confirmed { asset: None, .. } | Lookup::Pending) => {
                return Ok(Edition::Wait);
            }
            Ok(Lookup::Resend) => {
                if let Err(err) = inner.algod.submit_retrying(inflight.signed.clone()).await {
                    tracing::debug!(target: "minter", error = %err, "edition resend failed");
                }
                return Ok(Edition::Wait);
            }
            Ok(Lookup::Lost) => previous = Some(inflight.txid),
            Err(err) => return Ok(Edition::Failed(err.into())),
        }
    }
    Ok(match mint(inner, template, variant, size, previous).await? {
        Ok(()) => Edition::Wait,
        Err(error) => Edition::Failed(error),
    })
}

/// Signs, stores and sends the edition's creation.
async fn mint(
    inner: &Inner,
    template: &Template,
    variant: Variant,
    size: u64,
    previous: Option<tipforge_algo::TxId>,
) -> Result<Result<(), StepError>, MinterError> {
    let mut params = match inner.algod.suggested_params().await {
        Ok(params) => params,
        Err(err) => return Ok(Err(err.into())),
    };
    params.last_valid = Round(params.first_valid.0 + inner.config.validity_rounds);
    let needed = MicroAlgos(100_000 + params.min_fee.0);
    match inner.algod.account_balance(&inner.platform.address()).await {
        Ok(account) if account.spendable() < needed => {
            let spendable = account.spendable();
            return Ok(Err(StepError::Underfunded { needed, spendable }));
        }
        Ok(_) => {}
        Err(err) => return Ok(Err(err.into())),
    }
    let platform = inner.platform.address();
    let lease = lease(template, variant);
    let txn = match transactions::mint(platform, &params, template, variant, size, lease) {
        Ok(txn) => txn,
        Err(error) => return Ok(Err(error)),
    };
    let key = inner.platform.clone();
    let permit = inner.signing.clone().acquire_owned().await;
    let signed = tokio::task::spawn_blocking(move || txn.sign(&key)).await;
    drop(permit);
    let Ok(signed) = signed else { return Ok(Ok(())) };
    let inflight =
        Inflight { signed: signed.encode(), txid: signed.id(), last_valid: params.last_valid };
    let now = inner.clock.now();
    let stored =
        inner.store.record_edition_inflight(template.id, variant, previous, &inflight, now).await?;
    if stored {
        if let Err(err) = inner.algod.submit_retrying(inflight.signed).await {
            // Looked up on the next pass, like any send whose fate is unknown.
            tracing::warn!(target: "minter", error = %err, "edition creation not sent");
        }
    }
    Ok(Ok(()))
}
