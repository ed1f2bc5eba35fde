//! Tips out of blocks and indexer transactions: the `Tipped(address,uint64,string)` events that
//! known TipProxy apps log.

use std::collections::HashMap;
use std::sync::LazyLock;

use tipforge_algo::abi::{AbiType, AbiValue};
use tipforge_algo::arc28::Event;
use tipforge_algo::{Address, AppId, MicroAlgos, Round};
use tipforge_chain::{Block, IndexerTransaction};

use super::ListenerError;
use crate::domain::{AssetMove, Tip};

/// The event every TipProxy logs for a tip: fan, amount forwarded, memo.
static TIPPED: LazyLock<Event> = LazyLock::new(|| {
    Event::new("Tipped", vec![AbiType::Address, AbiType::UINT64, AbiType::String])
        .expect("Tipped(address,uint64,string) is a valid event signature")
});

/// The tips in one block, in block order.
pub(super) fn tips_in_block(
    block: &Block,
    apps: &HashMap<AppId, Address>,
) -> Result<Vec<Tip>, ListenerError> {
    let calls = block
        .app_call_logs()
        .map_err(|source| ListenerError::Codec { round: block.round, source })?;
    let mut tips = Vec::new();
    for call in calls {
        let Some(creator) = apps.get(&call.app) else { continue };
        let txid = call.txid.to_string();
        for log in &call.logs {
            let position = (block.round, u64::from(call.intra_round_offset));
            if let Some(tip) = decode(log, &txid, position, call.app, *creator) {
                tips.push(tip);
            }
        }
    }
    Ok(tips)
}

/// The asset transfers in one block, root and inner, in execution order.
pub(super) fn moves_in_block(block: &Block) -> Result<Vec<AssetMove>, ListenerError> {
    let transfers = block
        .asset_transfers()
        .map_err(|source| ListenerError::Codec { round: block.round, source })?;
    let moves = transfers.into_iter().map(|transfer| AssetMove {
        round: block.round,
        asset: transfer.asset,
        sender: transfer.sender,
        receiver: transfer.receiver,
        amount: transfer.amount,
        revoke_from: transfer.revoke_from,
        close_to: transfer.close_to,
    });
    Ok(moves.collect())
}

/// The asset transfers in one indexer transaction and its inner transactions, in execution
/// order. The indexer's transfer record names neither a clawback's holder nor a close-out
/// account, so these transfers read as plain sends: opt-ins and sends are followed during
/// catch-up, close-outs are not.
pub(super) fn moves_in_indexer_transaction(root: &IndexerTransaction) -> Vec<AssetMove> {
    let round = root.confirmed_round.unwrap_or_default();
    let mut moves = Vec::new();
    let mut pending = vec![root];
    while let Some(txn) = pending.pop() {
        if let Some(transfer) = &txn.asset_transfer_transaction {
            moves.push(AssetMove {
                round,
                asset: transfer.asset_id,
                sender: txn.sender,
                receiver: transfer.receiver,
                amount: transfer.amount,
                revoke_from: None,
                close_to: None,
            });
        }
        pending.extend(txn.inner_txns.iter().rev());
    }
    moves
}

/// The tips in one indexer transaction and its inner transactions. The indexer gives inner
/// transactions no id of their own, so they are named `<root id>/inner/<n>` as the indexer's
/// clients name them, `n` counting from 1 in execution order.
pub(super) fn tips_in_indexer_transaction(
    root: &IndexerTransaction,
    apps: &HashMap<AppId, Address>,
) -> Result<Vec<Tip>, ListenerError> {
    let round = root.confirmed_round.unwrap_or_default();
    let root_id = root.id.clone().unwrap_or_default();
    let mut tips = Vec::new();
    let mut counter = 0;
    let offset = root.intra_round_offset.unwrap_or_default();
    walk(root, &root_id, round, offset, &mut counter, apps, &mut tips);
    Ok(tips)
}

fn walk(
    txn: &IndexerTransaction,
    txid: &str,
    round: Round,
    offset: u64,
    counter: &mut u64,
    apps: &HashMap<AppId, Address>,
    tips: &mut Vec<Tip>,
) {
    let app = txn.application_transaction.as_ref().map(|call| call.application_id);
    if let Some(creator) = app.and_then(|app| apps.get(&app)) {
        for log in &txn.logs {
            let app = app.unwrap_or_default();
            if let Some(tip) = decode(log, txid, (round, offset + *counter), app, *creator) {
                tips.push(tip);
            }
        }
    }
    let root_id = txid.split('/').next().unwrap_or(txid).to_owned();
    for inner in &txn.inner_txns {
        *counter += 1;
        let inner_id = format!("{root_id}/inner/{counter}");
        walk(inner, &inner_id, round, offset, counter, apps, tips);
    }
}

/// One log line as a tip, if it is a well-formed `Tipped` event. A malformed one is reported and
/// skipped rather than stopping the listener: our contract cannot emit one, so it is not a tip.
fn decode(
    log: &[u8],
    txid: &str,
    (round, intra_round): (Round, u64),
    app_id: AppId,
    creator: Address,
) -> Option<Tip> {
    if !TIPPED.matches(log) {
        return None;
    }
    let args = match TIPPED.decode(log) {
        Ok(args) => args,
        Err(err) => {
            tracing::warn!(target: "listener", %txid, %app_id, error = %err, "malformed Tipped event");
            return None;
        }
    };
    let [AbiValue::Address(fan), amount, AbiValue::String(memo)] = args.as_slice() else {
        return None;
    };
    let amount = MicroAlgos(amount.as_u64()?);
    tracing::debug!(target: "listener", %txid, %app_id, %fan, amount = amount.0, "tip");
    Some(Tip {
        txid: txid.to_owned(),
        round,
        intra_round,
        app_id,
        fan: *fan,
        creator,
        amount,
        memo: memo.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tipped(fan: Address, amount: u64, memo: &[u8]) -> Vec<u8> {
        TIPPED
            .encode(&[
                AbiValue::Address(fan),
                AbiValue::Uint(amount.into()),
                AbiValue::String(memo.to_vec()),
            ])
            .expect("encodes")
    }

    #[test]
    fn a_tipped_log_becomes_a_tip_with_its_raw_memo() {
        let fan = Address([9; 32]);
        let log = tipped(fan, 2_000_000, b"gm \xff");

        let tip = decode(&log, "TX", (Round(5), 3), AppId(77), Address([1; 32])).expect("a tip");

        assert_eq!((tip.fan, tip.amount, tip.app_id), (fan, MicroAlgos(2_000_000), AppId(77)));
        assert_eq!(tip.memo, b"gm \xff");
        assert_eq!((tip.round, tip.intra_round), (Round(5), 3));
    }

    #[test]
    fn other_logs_and_truncated_events_are_not_tips() {
        let log = tipped(Address([9; 32]), 5, b"x");

        assert!(decode(b"hello", "TX", (Round(1), 0), AppId(1), Address::ZERO).is_none());
        assert!(decode(&log[..20], "TX", (Round(1), 0), AppId(1), Address::ZERO).is_none());
    }
}
