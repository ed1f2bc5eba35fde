//! Checks that need no state or only a glance at it: protocol limits, validity window, genesis,
//! group ids, fees, duplicates, leases and signatures.

use tipforge_algo::group::{MAX_GROUP_SIZE, group_id};
use tipforge_algo::transaction::{MAX_NOTE_LEN, MAX_VALIDITY_ROUNDS};
use tipforge_algo::{Authorization, SignedTransaction, Transaction, TxId, TxnBody};

use super::context::BlockContext;
use super::state::State;
use crate::error::{LedgerError, Result};

const MAX_APP_ARGS: usize = 16;
const MAX_APP_ARGS_BYTES: usize = 2048;
const MAX_REFERENCES: usize = 8;
const MAX_ACCOUNT_REFERENCES: usize = 4;
const MAX_GLOBAL_SCHEMA: u64 = 64;
const MAX_LOCAL_SCHEMA: u64 = 16;
const MAX_EXTRA_PAGES: u32 = 3;
const PAGE_SIZE: usize = 2048;

/// Checks one group, returning each member's typed transaction.
pub(crate) fn check_group(
    state: &State,
    group: &[SignedTransaction],
    ctx: &BlockContext,
    signatures: Signatures,
) -> Result<Vec<Transaction>> {
    if group.is_empty() || group.len() > MAX_GROUP_SIZE {
        let reason = format!("group size {} exceeds maximum {MAX_GROUP_SIZE}", group.len());
        return Err(LedgerError::Group { reason });
    }
    let typed: Vec<Transaction> = group
        .iter()
        .map(|signed| {
            signed.transaction().map_err(|e| LedgerError::Decode { reason: e.to_string() })
        })
        .collect::<Result<_>>()?;
    for (signed, txn) in group.iter().zip(&typed) {
        check_transaction(txn, signed.id(), ctx)?;
    }
    check_group_id(&typed)?;
    check_fees(&typed, ctx)?;
    for (index, signed) in group.iter().enumerate() {
        check_fresh(state, signed.id(), &typed[index], group, index, ctx)?;
        let unsigned = matches!(signed.authorization(), Authorization::Unsigned);
        if !(signatures == Signatures::AllowEmpty && unsigned) {
            check_authorization(state, signed, signatures != Signatures::Verified)?;
        }
    }
    Ok(typed)
}

fn malformed(txid: TxId, reason: impl Into<String>) -> LedgerError {
    LedgerError::Malformed { txid, reason: reason.into() }
}

fn check_transaction(txn: &Transaction, txid: TxId, ctx: &BlockContext) -> Result<()> {
    let header = &txn.header;
    if !header.genesis_id.is_empty() && header.genesis_id != ctx.genesis_id {
        return Err(malformed(
            txid,
            format!("genesis ID mismatch: {} != {}", header.genesis_id, ctx.genesis_id),
        ));
    }
    if header.genesis_hash != ctx.genesis_hash {
        return Err(malformed(txid, "genesis hash mismatch"));
    }
    let (first, last) = (header.first_valid.0, header.last_valid.0);
    if last < first {
        return Err(malformed(txid, format!("transaction invalid range ({first}--{last})")));
    }
    if last - first > MAX_VALIDITY_ROUNDS {
        return Err(malformed(
            txid,
            format!("transaction window size excessive ({first}--{last})"),
        ));
    }
    let round = ctx.round.0;
    if round < first || round > last {
        return Err(LedgerError::Dead { txid, round, first, last });
    }
    if header.note.len() > MAX_NOTE_LEN {
        return Err(malformed(
            txid,
            format!("transaction note too big: {} > {MAX_NOTE_LEN}", header.note.len()),
        ));
    }
    check_body(&txn.body).map_err(|reason| malformed(txid, reason))
}

fn check_body(body: &TxnBody) -> std::result::Result<(), String> {
    match body {
        TxnBody::AssetConfig(config) => {
            let params = &config.params;
            let limits = [
                ("unit name", params.unit_name.len(), 8),
                ("name", params.asset_name.len(), 32),
                ("url", params.url.len(), 96),
            ];
            for (what, len, max) in limits {
                if len > max {
                    return Err(format!("transaction asset {what} too big: {len} > {max}"));
                }
            }
            if params.decimals > 19 {
                return Err("transaction asset decimals is too high (max is 19)".into());
            }
            Ok(())
        }
        TxnBody::AppCall(call) => {
            let args_bytes: usize = call.args.iter().map(Vec::len).sum();
            if call.args.len() > MAX_APP_ARGS || args_bytes > MAX_APP_ARGS_BYTES {
                return Err(format!(
                    "tx.ApplicationArgs: {} arguments of {args_bytes} bytes exceed the limits",
                    call.args.len()
                ));
            }
            if call.accounts.len() > MAX_ACCOUNT_REFERENCES {
                return Err(format!(
                    "tx.Accounts too long, max number of accounts is {MAX_ACCOUNT_REFERENCES}"
                ));
            }
            let refs = call.accounts.len()
                + call.foreign_apps.len()
                + call.foreign_assets.len()
                + call.boxes.len();
            if refs > MAX_REFERENCES {
                return Err(format!(
                    "tx references exceed MaxAppTotalTxnReferences = {MAX_REFERENCES}"
                ));
            }
            if call.boxes.iter().any(|b| b.app_index as usize > call.foreign_apps.len()) {
                return Err("tx.Boxes index out of range of foreign apps".into());
            }
            let (global, local) = (call.global_schema, call.local_schema);
            if global.num_uints + global.num_byte_slices > MAX_GLOBAL_SCHEMA {
                return Err(format!(
                    "tx.GlobalStateSchema too large, max number of keys is {MAX_GLOBAL_SCHEMA}"
                ));
            }
            if local.num_uints + local.num_byte_slices > MAX_LOCAL_SCHEMA {
                return Err(format!(
                    "tx.LocalStateSchema too large, max number of keys is {MAX_LOCAL_SCHEMA}"
                ));
            }
            if call.extra_pages > MAX_EXTRA_PAGES {
                return Err(format!(
                    "tx.ExtraProgramPages exceeds MaxExtraAppProgramPages = {MAX_EXTRA_PAGES}"
                ));
            }
            let program_len = call.approval_program.len() + call.clear_program.len();
            let max = PAGE_SIZE * (1 + call.extra_pages as usize);
            if program_len > max {
                return Err(format!("app programs too long. max total len {max} bytes"));
            }
            if call.app.0 == 0
                && (call.approval_program.is_empty() || call.clear_program.is_empty())
            {
                return Err("app creation requires both programs".into());
            }
            Ok(())
        }
        TxnBody::Payment(_) | TxnBody::AssetTransfer(_) | TxnBody::AssetFreeze(_) => Ok(()),
    }
}

fn check_group_id(typed: &[Transaction]) -> Result<()> {
    let stated: Vec<_> = typed.iter().map(|t| t.header.group).collect();
    if typed.len() == 1 && stated[0].is_none() {
        return Ok(());
    }
    let expected = group_id(typed).map_err(|e| LedgerError::Group { reason: e.to_string() })?;
    if stated.iter().any(|group| *group != Some(expected)) {
        let reason = "incomplete group: group id does not match the transactions".to_owned();
        return Err(LedgerError::Group { reason });
    }
    Ok(())
}

fn check_fees(typed: &[Transaction], ctx: &BlockContext) -> Result<()> {
    let paid = typed.iter().try_fold(0u64, |sum, t| sum.checked_add(t.header.fee.0));
    let count = typed.len() as u64;
    let paid = paid.unwrap_or(u64::MAX);
    if paid < count * ctx.min_fee {
        return Err(LedgerError::Fee { paid, count, min_fee: ctx.min_fee });
    }
    Ok(())
}

fn check_fresh(
    state: &State,
    txid: TxId,
    txn: &Transaction,
    group: &[SignedTransaction],
    index: usize,
    ctx: &BlockContext,
) -> Result<()> {
    let repeated = group[..index].iter().any(|earlier| earlier.id() == txid);
    if repeated || state.recent_txids.contains_key(&txid) {
        return Err(LedgerError::Duplicate { txid });
    }
    let Some(lease) = txn.header.lease else { return Ok(()) };
    let held = state.leases.get(&(txn.header.sender, lease));
    if held.is_some_and(|last| *last >= ctx.round) {
        return Err(LedgerError::Lease {
            txid,
            sender: txn.header.sender.to_string(),
            lease: data_encoding::BASE64.encode(&lease),
        });
    }
    Ok(())
}

/// How signatures are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signatures {
    /// Verify every signature.
    Verify,
    /// Accept members with no signature at all (simulation); verify the others.
    AllowEmpty,
    /// The cryptography was already checked by [`verify_signatures`] (in parallel, outside the
    /// chain's lock); only check that the right account signed.
    Verified,
}

/// Verifies the signatures of a group without looking at any state; pairs with
/// [`Signatures::Verified`]. The members are checked as one batch; when that fails, one by one,
/// to name the first bad member.
pub fn verify_signatures(group: &[SignedTransaction]) -> Result<()> {
    let any_unsigned = group.iter().any(|s| matches!(s.authorization(), Authorization::Unsigned));
    if group.len() > 1 && !any_unsigned && tipforge_algo::verify_all(group) {
        return Ok(());
    }
    for signed in group {
        let fail = || LedgerError::Signature {
            txid: signed.id(),
            reason: "At least one signature didn't pass verification".into(),
        };
        if matches!(signed.authorization(), Authorization::Unsigned) || signed.verify().is_err() {
            return Err(fail());
        }
    }
    Ok(())
}

/// [`verify_signatures`] for many groups at once: one batch for all of them, split in halves
/// while a part fails, so that a bad group costs a few more batches and the good ones around it
/// still pass. One result per group, in order.
pub fn verify_groups(groups: &[Vec<SignedTransaction>]) -> Vec<Result<()>> {
    const SMALL: usize = 4;
    let unsigned = |g: &Vec<SignedTransaction>| {
        g.iter().any(|s| matches!(s.authorization(), Authorization::Unsigned))
    };
    if groups.len() > SMALL
        && !groups.iter().any(unsigned)
        && tipforge_algo::verify_all(groups.iter().flatten())
    {
        return groups.iter().map(|_| Ok(())).collect();
    }
    if groups.len() <= SMALL {
        return groups.iter().map(|g| verify_signatures(g)).collect();
    }
    let (left, right) = groups.split_at(groups.len() / 2);
    let mut results = verify_groups(left);
    results.extend(verify_groups(right));
    results
}

/// The right key signed: the account's auth address after a rekey, else the sender.
fn check_authorization(state: &State, signed: &SignedTransaction, verify: bool) -> Result<()> {
    let txid = signed.id();
    let fail = |reason: String| LedgerError::Signature { txid, reason };
    let sender = signed.sender().map_err(|e| fail(e.to_string()))?;
    let authorizer = signed.authorizer().map_err(|e| fail(e.to_string()))?;
    let expected = state.accounts.get(&sender).and_then(|a| a.auth).unwrap_or(sender);
    if authorizer != expected {
        return Err(fail(format!(
            "should have been authorized by {expected} but was actually authorized by {authorizer}"
        )));
    }
    if matches!(signed.authorization(), Authorization::Unsigned) {
        return Err(fail("At least one signature didn't pass verification".into()));
    }
    if !verify {
        return Ok(());
    }
    signed.verify().map_err(|_| fail("At least one signature didn't pass verification".into()))
}
