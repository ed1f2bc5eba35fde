//! Helpers shared by the evaluator's integration tests (included with `mod`).

#![allow(dead_code, unreachable_pub, clippy::print_stderr)]

use tipforge_algo::{Address, AppId};
use tipforge_teal::assemble;
use tipforge_teal::eval::{
    AppOutcome, AppParams, EvalError, EvalParams, GroupTxn, LogicSig, MemLedger, Schema, Txn,
    TxnType, evaluate_group,
};

/// The app under test.
pub const APP: AppId = AppId(1_001);
/// The caller.
pub const SENDER: Address = Address([7; 32]);
/// A second funded account.
pub const OTHER: Address = Address([9; 32]);

/// Assembles TEAL, panicking with the assembler's message.
pub fn asm(source: &str) -> Vec<u8> {
    match assemble(source) {
        Ok(a) => a.program,
        Err(e) => panic!("assembly failed: {e}\n{source}"),
    }
}

/// A ledger holding app `APP` running `approval`, funded sender and app account.
pub fn ledger_with(approval: &[u8]) -> MemLedger {
    let mut ledger = MemLedger::default();
    let schema = Schema { num_uint: 16, num_byte_slice: 16 };
    let params = AppParams {
        approval_program: approval.to_vec(),
        clear_program: asm("#pragma version 10\nint 1"),
        global_schema: schema,
        local_schema: schema,
        creator: SENDER,
        ..AppParams::default()
    };
    ledger.create_app(APP, params);
    ledger.fund(SENDER, 10_000_000);
    ledger.fund(OTHER, 10_000_000);
    ledger.fund(Address::for_app(APP), 10_000_000);
    ledger
}

/// An app call of `APP` from `SENDER`.
pub fn call() -> Txn {
    Txn {
        kind: TxnType::AppCall,
        sender: SENDER,
        fee: 1_000,
        first_valid: 1,
        last_valid: 1_000,
        app_id: APP,
        ..Txn::default()
    }
}

/// Runs `source` (TEAL) as the approval program of one app call.
pub fn run(source: &str) -> Result<AppOutcome, EvalError> {
    run_txn(source, call())
}

/// Runs `source` for the app call `txn`.
pub fn run_txn(source: &str, txn: Txn) -> Result<AppOutcome, EvalError> {
    let program = asm(source);
    let mut ledger = ledger_with(&program);
    let outcome = evaluate_group(&mut ledger, &[GroupTxn::from(txn)], &EvalParams::default())?;
    Ok(outcome.txns[0].app_call.clone().expect("an app call outcome"))
}

/// Runs a v10 program body and expects approval.
pub fn approves(body: &str) -> AppOutcome {
    let source = format!("#pragma version 10\n{body}");
    match run(&source) {
        Ok(outcome) => outcome,
        Err(e) => panic!("expected approval, got {e}\n{source}"),
    }
}

/// Runs a v10 program body and expects a failure whose message contains `needle`.
pub fn fails(body: &str, needle: &str) -> EvalError {
    let source = format!("#pragma version 10\n{body}");
    match run(&source) {
        Ok(_) => panic!("expected failure '{needle}', got approval\n{source}"),
        Err(e) => {
            assert!(e.to_string().contains(needle), "expected '{needle}' in '{e}'\n{source}");
            e
        }
    }
}

/// Runs raw bytecode as a logic signature of a lone payment.
pub fn run_sig(program: Vec<u8>, args: Vec<Vec<u8>>) -> Result<u64, EvalError> {
    let txn = Txn { kind: TxnType::Payment, sender: SENDER, fee: 1_000, ..Txn::default() };
    let member = GroupTxn { txn, logic_sig: Some(LogicSig { program, args }) };
    tipforge_teal::eval::evaluate_logic_sigs(&[member], &EvalParams::default())
}
