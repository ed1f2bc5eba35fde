//! The dev ledger: state, validity checks and the application of transaction groups.
//!
//! [`apply_group`] is pure and synchronous: it checks a group against a state and returns the
//! new state with each member's [`ApplyData`], or an error and no change at all (the group is
//! applied to an O(1) copy that only replaces the original on success).

mod apply_data;
mod apps;
mod assets;
mod check;
mod context;
mod convert;
mod payment;
mod state;
mod writer;

use tipforge_algo::{Address, Authorization, SignedTransaction, Transaction};
use tipforge_teal::eval::{
    AppOutcome, EvalError, EvalParams, GroupTxn, InnerOutcome, Ledger, LogicSig, Txn, TxnType,
    evaluate_group,
};

pub use apply_data::{ApplyData, EvalDelta, InnerTxn, go_string};
pub use check::{Signatures, verify_groups, verify_signatures};
pub use context::BlockContext;
pub use convert::{from_txn, to_txn};
pub use state::{Account, App, LocalState, State, min_balance};

use crate::error::{LedgerError, Result};
use writer::{Closing, Writer};

/// A group member as applied: the signed transaction, its typed view and its effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedTxn {
    /// What was submitted.
    pub signed: SignedTransaction,
    /// Its typed view.
    pub txn: Transaction,
    /// What applying it produced.
    pub apply: ApplyData,
}

/// Checks and applies `group` on top of `state` in the block `ctx` describes.
pub fn apply_group(
    state: &State,
    group: &[SignedTransaction],
    ctx: &BlockContext,
) -> Result<(State, Vec<AppliedTxn>)> {
    apply_group_with(state, group, ctx, Signatures::Verify)
}

/// [`apply_group`] with a choice of signature checking.
pub fn apply_group_with(
    state: &State,
    group: &[SignedTransaction],
    ctx: &BlockContext,
    signatures: Signatures,
) -> Result<(State, Vec<AppliedTxn>)> {
    let typed = check::check_group(state, group, ctx, signatures)?;
    let txns: Vec<Txn> = typed.iter().zip(group).map(|(t, s)| to_txn(t, s.id())).collect();
    let mut writer = Writer::new(state.clone(), ctx);
    let needs_avm = group.iter().zip(&txns).any(|(signed, txn)| {
        txn.kind == TxnType::AppCall || matches!(signed.authorization(), Authorization::LogicSig(_))
    });
    let applies = if needs_avm {
        evaluate(&mut writer, group, &txns)?
    } else {
        apply_plain(&mut writer, group, &txns)?
    };
    let mut state = writer.state;
    for (signed, txn) in group.iter().zip(&typed) {
        state.recent_txids.insert(signed.id(), txn.header.last_valid);
        if let Some(lease) = txn.header.lease {
            state.leases.insert((txn.header.sender, lease), txn.header.last_valid);
        }
    }
    let applied = group.iter().zip(typed).zip(applies);
    let applied =
        applied.map(|((signed, txn), apply)| AppliedTxn { signed: signed.clone(), txn, apply });
    Ok((state, applied.collect()))
}

/// Payments and asset transactions only: applied one by one without the evaluator.
fn apply_plain(
    writer: &mut Writer<'_>,
    group: &[SignedTransaction],
    txns: &[Txn],
) -> Result<Vec<ApplyData>> {
    let mut applies = Vec::with_capacity(txns.len());
    for (signed, txn) in group.iter().zip(txns) {
        let created = writer
            .apply(txn)
            .map_err(|fault| LedgerError::Apply { txid: signed.id(), reason: fault.message })?;
        let closing = writer.closings.last().copied().unwrap_or_default();
        applies.push(ApplyData {
            closing_amount: closing.algos,
            asset_closing_amount: closing.asset,
            created_asset: created.asset,
            ..ApplyData::default()
        });
    }
    Ok(applies)
}

fn evaluate(
    writer: &mut Writer<'_>,
    group: &[SignedTransaction],
    txns: &[Txn],
) -> Result<Vec<ApplyData>> {
    let members: Vec<GroupTxn> = group
        .iter()
        .zip(txns)
        .map(|(signed, txn)| GroupTxn { txn: txn.clone(), logic_sig: logic_sig(signed) })
        .collect();
    let params = EvalParams { min_txn_fee: writer.ctx.min_fee, ..EvalParams::default() };
    let outcome = evaluate_group(writer, &members, &params).map_err(|e| eval_error(e, group))?;
    let mut closings = writer.closings.iter().copied();
    let applies = txns.iter().zip(&outcome.txns).map(|(txn, member)| {
        let mut apply = ApplyData {
            created_asset: member.created.asset,
            created_app: member.created.app,
            ..ApplyData::default()
        };
        match &member.app_call {
            Some(app_call) => apply.eval = eval_delta(app_call, txn, &mut closings),
            None => set_closing(&mut apply, closings.next()),
        }
        apply
    });
    Ok(applies.collect())
}

fn logic_sig(signed: &SignedTransaction) -> Option<LogicSig> {
    match signed.authorization() {
        Authorization::LogicSig(lsig) => {
            Some(LogicSig { program: lsig.program.clone(), args: lsig.args.clone() })
        }
        _ => None,
    }
}

fn set_closing(apply: &mut ApplyData, closing: Option<Closing>) {
    let closing = closing.unwrap_or_default();
    apply.closing_amount = closing.algos;
    apply.asset_closing_amount = closing.asset;
}

/// The block's `dt` for an app call: local deltas keyed by account index (0 the sender, k the
/// k-th foreign account, then shared accounts), inner transactions with their own effects.
fn eval_delta(
    outcome: &AppOutcome,
    txn: &Txn,
    closings: &mut impl Iterator<Item = Closing>,
) -> EvalDelta {
    let mut delta = EvalDelta {
        global: outcome.global_delta.clone(),
        logs: outcome.logs.clone(),
        ..EvalDelta::default()
    };
    for (address, changes) in &outcome.local_deltas {
        let index = account_index(txn, address, &mut delta.shared_accounts);
        delta.local.push((index, changes.clone()));
    }
    delta.local.sort_by_key(|(index, _)| *index);
    delta.inner = outcome.inner.iter().map(|inner| inner_txn(inner, closings)).collect();
    delta
}

fn account_index(txn: &Txn, address: &Address, shared: &mut Vec<Address>) -> u64 {
    if *address == txn.sender {
        return 0;
    }
    if let Some(position) = txn.accounts.iter().position(|a| a == address) {
        return position as u64 + 1;
    }
    let position = shared.iter().position(|a| a == address).unwrap_or_else(|| {
        shared.push(*address);
        shared.len() - 1
    });
    (txn.accounts.len() + 1 + position) as u64
}

fn inner_txn(inner: &InnerOutcome, closings: &mut impl Iterator<Item = Closing>) -> InnerTxn {
    let mut apply = ApplyData {
        created_asset: inner.created.asset,
        created_app: inner.created.app,
        ..ApplyData::default()
    };
    match &inner.app_call {
        Some(app_call) => apply.eval = eval_delta(app_call, &inner.txn, closings),
        None => set_closing(&mut apply, closings.next()),
    }
    InnerTxn { txn: from_txn(&inner.txn), apply }
}

fn eval_error(error: EvalError, group: &[SignedTransaction]) -> LedgerError {
    let index = match &error {
        EvalError::App { group_index, .. }
        | EvalError::LogicSig { group_index, .. }
        | EvalError::Rejected { group_index, .. }
        | EvalError::Apply { group_index, .. } => *group_index,
        EvalError::InvalidGroup(reason) => {
            return LedgerError::Group { reason: reason.clone() };
        }
    };
    let reason = match &error {
        EvalError::Apply { fault, .. } => fault.message.clone(),
        EvalError::Rejected { app: Some(_), .. } => "rejected by ApprovalProgram".to_owned(),
        EvalError::Rejected { app: None, .. } => "rejected by logic".to_owned(),
        other => other.to_string(),
    };
    let signed = group.get(index).or(group.first()).expect("groups are checked to be non-empty");
    LedgerError::Apply { txid: signed.id(), reason }
}

#[cfg(test)]
mod tests;
