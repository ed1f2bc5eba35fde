//! Asking the chain about a transaction stored before a crash or a failed send.

use tipforge_algo::{AssetId, Round, SignedTransaction};
use tipforge_chain::{ChainError, ErrorKind, fetch_blocks};

use super::Inner;
use crate::domain::Inflight;

/// What became of an in-flight transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lookup {
    /// Committed in `round`; `asset` is the asset it created, when it created one.
    Confirmed {
        /// The round.
        round: Round,
        /// The created asset.
        asset: Option<AssetId>,
    },
    /// Waiting in the node's pool.
    Pending,
    /// Unknown to the node but still valid: send the same bytes again.
    Resend,
    /// It can never be committed (expired or dropped): sign the step again.
    Lost,
}

/// Looks `inflight` up: the node's pending endpoint first, then the indexer, else the blocks
/// of its validity window; `current` is the node's newest round.
pub(super) async fn lookup(
    inner: &Inner,
    inflight: &Inflight,
    current: Round,
) -> Result<Lookup, ChainError> {
    match inner.algod.pending(&inflight.txid).await {
        Ok(pending) => {
            if let Some(round) = pending.confirmed_round {
                return Ok(Lookup::Confirmed { round, asset: pending.asset_index });
            }
            if pending.pool_error.is_empty() {
                return Ok(Lookup::Pending);
            }
            Ok(Lookup::Lost)
        }
        Err(err) if err.kind() == ErrorKind::NotFound => {
            if let Some(found) = committed(inner, inflight, current).await? {
                return Ok(found);
            }
            if current > inflight.last_valid { Ok(Lookup::Lost) } else { Ok(Lookup::Resend) }
        }
        Err(err) => Err(err),
    }
}

/// Whether the node forgot the transaction because it was committed long ago.
async fn committed(
    inner: &Inner,
    inflight: &Inflight,
    current: Round,
) -> Result<Option<Lookup>, ChainError> {
    if let Some(indexer) = &inner.indexer {
        let found = indexer.transaction(&inflight.txid).await?;
        return Ok(found.and_then(|txn| {
            let round = txn.confirmed_round?;
            Some(Lookup::Confirmed { round, asset: txn.created_asset_index })
        }));
    }
    // Without an indexer, read the blocks it could be in (at most the validity window).
    let Ok(signed) = SignedTransaction::decode(&inflight.signed) else { return Ok(None) };
    let Ok(txn) = signed.transaction() else { return Ok(None) };
    let last = Round(inflight.last_valid.0.min(current.0));
    if last < txn.header.first_valid.next() {
        return Ok(None);
    }
    let blocks = fetch_blocks(&inner.algod, txn.header.first_valid.next(), last, 4).await?;
    for block in blocks {
        if let Some(found) = block.transactions.iter().find(|t| t.signed.id() == inflight.txid) {
            return Ok(Some(Lookup::Confirmed {
                round: block.round,
                asset: found.created_asset(),
            }));
        }
    }
    Ok(None)
}
