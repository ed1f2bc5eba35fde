//! Running one app call (top-level or inner): ledger preparation, the program, and the outcome.

use tipforge_algo::AppId;

use super::context::{Level, Shared, TxnEffects};
use super::error::{Fault, FaultKind};
use super::ledger::Created;
use super::machine::Vm;
use super::outcome::AppOutcome;
use super::txn::OnCompletion;

/// Why an app call did not complete.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The program panicked at `pc`.
    Panic { app: AppId, pc: usize, fault: Fault },
    /// The program returned zero.
    Rejected { app: AppId },
    /// The ledger refused the call's bookkeeping.
    Apply(Fault),
}

/// Runs the app call `level.txn()`; on success, the outcome and what later members may read.
pub(crate) fn run_app_call(
    shared: &mut Shared<'_>,
    level: &Level<'_>,
) -> Result<(AppOutcome, TxnEffects), CallError> {
    let txn = level.txn();
    let ledger = shared.ledger().map_err(CallError::Apply)?;
    let app = ledger.begin_app_call(txn).map_err(CallError::Apply)?;
    let Some(params) = ledger.app_params(app) else {
        let fault = Fault::new(FaultKind::Ledger, format!("app {} does not exist", app.0));
        return Err(CallError::Apply(fault));
    };
    let clear_state = txn.on_completion == OnCompletion::ClearState;
    let program = if clear_state { &params.clear_program } else { &params.approval_program };
    if txn.app_id.0 == 0 {
        shared.available.created_apps.insert(app);
    }

    let mut vm = Vm::new(program, level, shared, Some(app));
    vm.clear_state = clear_state;
    let approved = vm.run().map_err(|(pc, fault)| CallError::Panic { app, pc, fault })?;
    if !approved {
        return Err(CallError::Rejected { app });
    }
    let Vm { out, cost, scratch, .. } = vm;

    let ledger = shared.ledger().map_err(CallError::Apply)?;
    ledger.end_app_call(txn, app).map_err(CallError::Apply)?;
    let outcome = out.into_outcome(ledger, app, true, cost);
    let created = Created { asset: None, app: (txn.app_id.0 == 0).then_some(app) };
    let effects = TxnEffects { logs: outcome.logs.clone(), created, scratch: Some(scratch) };
    Ok((outcome, effects))
}
