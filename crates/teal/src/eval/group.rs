//! Evaluating a whole top-level group: logic signatures with their pooled budget, then each
//! transaction in order, app calls sharing the pooled app budget.

use tipforge_algo::AppId;

use super::call::{CallError, run_app_call};
use super::context::{
    BOX_QUOTA_PER_REF, EvalParams, Level, MAX_GROUP_SIZE, Shared, TxnEffects, resolve_box_app,
};
use super::error::{EvalError, Fault, FaultKind, Result};
use super::ledger::{Created, Ledger};
use super::machine::Vm;
use super::outcome::AppOutcome;
use super::txn::{Txn, TxnType};

/// A logic signature attached to a group member.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogicSig {
    /// The program bytecode.
    pub program: Vec<u8>,
    /// Arguments (`arg 0..`).
    pub args: Vec<Vec<u8>>,
}

/// One member of a group to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupTxn {
    /// The transaction.
    pub txn: Txn,
    /// Its logic signature, when it is signed by a program.
    pub logic_sig: Option<LogicSig>,
}

impl From<Txn> for GroupTxn {
    fn from(txn: Txn) -> Self {
        Self { txn, logic_sig: None }
    }
}

/// The result of one member.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TxnOutcome {
    /// Ids it created.
    pub created: Created,
    /// The app call's outcome, for `appl` members.
    pub app_call: Option<AppOutcome>,
}

/// The result of a whole group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupOutcome {
    /// One outcome per member, in order.
    pub txns: Vec<TxnOutcome>,
    /// Total cost of the group's logic signatures.
    pub logic_sig_cost: u64,
    /// Pooled app budget left after the last app call.
    pub app_budget_left: u64,
}

/// Runs the logic signatures of `group` (no ledger access) with the pooled budget of
/// `logic_sig_budget` per member; returns their total cost.
pub fn evaluate_logic_sigs(group: &[GroupTxn], params: &EvalParams) -> Result<u64> {
    check_size(group)?;
    let txns: Vec<Txn> = group.iter().map(|g| g.txn.clone()).collect();
    let mut shared = Shared::new(None, params.clone());
    shared.budget = params.logic_sig_budget * group.len() as u64;
    let start = shared.budget;
    for (index, member) in group.iter().enumerate() {
        let Some(sig) = &member.logic_sig else { continue };
        let level =
            Level { txns: &txns, effects: &[], index, callers: Vec::new(), args: &sig.args };
        let mut vm = Vm::new(&sig.program, &level, &mut shared, None);
        match vm.run() {
            Ok(true) => {}
            Ok(false) => return Err(EvalError::Rejected { app: None, group_index: index }),
            Err((pc, fault)) => {
                return Err(EvalError::LogicSig { pc, line: None, group_index: index, fault });
            }
        }
    }
    Ok(start - shared.budget)
}

/// Evaluates `group` against `ledger`: logic signatures first, then every member in order
/// (non-program effects through [`Ledger::apply`], app calls by running their programs).
///
/// The ledger is written as evaluation proceeds; on `Err` the caller discards its changes.
pub fn evaluate_group(
    ledger: &mut dyn Ledger,
    group: &[GroupTxn],
    params: &EvalParams,
) -> Result<GroupOutcome> {
    let logic_sig_cost = evaluate_logic_sigs(group, params)?;
    let txns: Vec<Txn> = group.iter().map(|g| g.txn.clone()).collect();
    let mut shared = Shared::new(Some(ledger), params.clone());
    prepare(&mut shared, &txns, params);
    check_box_reads(&mut shared, &txns)?;

    let mut effects: Vec<TxnEffects> = Vec::with_capacity(txns.len());
    let mut outcomes = Vec::with_capacity(txns.len());
    for (index, txn) in txns.iter().enumerate() {
        let (outcome, effect) = if txn.kind == TxnType::AppCall {
            app_call(&mut shared, &txns, &effects, index)?
        } else {
            let created = shared
                .ledger()
                .and_then(|l| l.apply(txn))
                .map_err(|fault| EvalError::Apply { group_index: index, fault })?;
            record_created(&mut shared, created);
            let effect = TxnEffects { created, ..TxnEffects::default() };
            (TxnOutcome { created, app_call: None }, effect)
        };
        effects.push(effect);
        outcomes.push(outcome);
    }
    Ok(GroupOutcome { txns: outcomes, logic_sig_cost, app_budget_left: shared.budget })
}

fn check_size(group: &[GroupTxn]) -> Result<()> {
    if group.is_empty() || group.len() > MAX_GROUP_SIZE {
        let message = format!("group size {} outside 1..={MAX_GROUP_SIZE}", group.len());
        return Err(EvalError::InvalidGroup(message));
    }
    Ok(())
}

/// Pools the app budget, fee credit, shared resources and box quota of the group.
fn prepare(shared: &mut Shared<'_>, txns: &[Txn], params: &EvalParams) {
    let app_calls = txns.iter().filter(|t| t.kind == TxnType::AppCall).count() as u64;
    shared.budget = params.app_budget * app_calls;
    let paid = txns.iter().fold(0u64, |sum, t| sum.saturating_add(t.fee));
    shared.fee_credit = paid.saturating_sub(params.min_txn_fee * txns.len() as u64);
    let box_refs: usize = txns.iter().map(|t| t.boxes.len()).sum();
    shared.box_quota = BOX_QUOTA_PER_REF * box_refs as u64;
    for txn in txns {
        shared.available.add_txn(txn);
    }
}

/// go-algorand's read budget: every referenced box must fit in the group's I/O quota.
fn check_box_reads(shared: &mut Shared<'_>, txns: &[Txn]) -> Result<()> {
    let Some(first_app) = txns.iter().position(|t| t.kind == TxnType::AppCall) else {
        return Ok(());
    };
    let ledger = shared.ledger_ref().map_err(|f| EvalError::Apply { group_index: 0, fault: f })?;
    let mut read = 0u64;
    for txn in txns {
        for r in &txn.boxes {
            let app = resolve_box_app(txn, r.app);
            read += ledger.box_get(app, &r.name).map_or(0, |b| b.len() as u64);
        }
    }
    if read > shared.box_quota {
        let message = format!("read budget exceeded ({read} > {})", shared.box_quota);
        let app = txns[first_app].app_id;
        let fault = Fault::new(FaultKind::Limit, message);
        return Err(EvalError::App { app, pc: 0, line: None, group_index: first_app, fault });
    }
    Ok(())
}

fn record_created(shared: &mut Shared<'_>, created: Created) {
    if let Some(asset) = created.asset {
        shared.available.created_assets.insert(asset);
    }
    if let Some(app) = created.app {
        shared.available.created_apps.insert(app);
    }
}

fn app_call(
    shared: &mut Shared<'_>,
    txns: &[Txn],
    effects: &[TxnEffects],
    index: usize,
) -> Result<(TxnOutcome, TxnEffects)> {
    let level = Level { txns, effects, index, callers: Vec::new(), args: &[] };
    match run_app_call(shared, &level) {
        Ok((outcome, effect)) => {
            record_created(shared, effect.created);
            Ok((TxnOutcome { created: effect.created, app_call: Some(outcome) }, effect))
        }
        Err(CallError::Panic { app, pc, fault }) => {
            Err(EvalError::App { app, pc, line: None, group_index: index, fault })
        }
        Err(CallError::Rejected { app }) => {
            Err(EvalError::Rejected { app: Some(app), group_index: index })
        }
        Err(CallError::Apply(fault)) => Err(EvalError::Apply { group_index: index, fault }),
    }
}

/// Convenience for the current app's id of a rejected or failed call.
pub fn failing_app(err: &EvalError) -> Option<AppId> {
    match err {
        EvalError::App { app, .. } => Some(*app),
        EvalError::Rejected { app, .. } => *app,
        _ => None,
    }
}
