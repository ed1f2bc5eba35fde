//! Arbitrary bytecode run by the evaluator, as an app call (with a payment before it, foreign
//! references and box quota) or as a logic signature: it may fail, but never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tipforge_algo::{Address, AppId, AssetId};
use tipforge_teal::eval::{
    AppParams, AssetParams, BoxRef, EvalParams, GroupTxn, LogicSig, MemLedger, Schema, Txn,
    TxnType, evaluate_group, evaluate_logic_sigs,
};

const APP: AppId = AppId(1_001);
const SENDER: Address = Address([7; 32]);
const OTHER: Address = Address([9; 32]);

fn ledger(program: &[u8]) -> MemLedger {
    let mut ledger = MemLedger::default();
    let schema = Schema { num_uint: 8, num_byte_slice: 8 };
    let params = AppParams {
        approval_program: program.to_vec(),
        clear_program: program.to_vec(),
        global_schema: schema,
        local_schema: schema,
        creator: SENDER,
        ..AppParams::default()
    };
    ledger.create_app(APP, params);
    ledger.create_asset(AssetId(1_000), AssetParams { total: 1_000, creator: SENDER, ..Default::default() });
    for addr in [SENDER, OTHER, Address::for_app(APP)] {
        ledger.fund(addr, 1_000_000_000);
        ledger.set_holding(addr, AssetId(1_000), 10);
    }
    ledger.opt_in_app(SENDER, APP);
    ledger
}

fn group(mode: u8) -> Vec<GroupTxn> {
    let pay = Txn {
        kind: TxnType::Payment,
        sender: SENDER,
        fee: 1_000,
        receiver: Address::for_app(APP),
        amount: 1_000,
        ..Txn::default()
    };
    let call = Txn {
        kind: TxnType::AppCall,
        sender: SENDER,
        fee: 10_000,
        app_id: APP,
        app_args: vec![vec![1, 2, 3], Vec::new()],
        accounts: vec![OTHER],
        foreign_assets: vec![AssetId(1_000)],
        foreign_apps: vec![AppId(1_002)],
        boxes: vec![BoxRef { app: AppId(0), name: b"b".to_vec() }, BoxRef::default()],
        on_completion: tipforge_teal::eval::OnCompletion::from_number(u64::from(mode % 6))
            .unwrap_or_default(),
        ..Txn::default()
    };
    vec![pay.into(), call.into()]
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, program)) = data.split_first() else { return };
    let params = EvalParams::default();
    if mode & 0x80 != 0 {
        let member = GroupTxn {
            txn: Txn { sender: SENDER, fee: 1_000, ..Txn::default() },
            logic_sig: Some(LogicSig { program: program.to_vec(), args: vec![vec![0; 8]] }),
        };
        let _ = evaluate_logic_sigs(&[member], &params);
        return;
    }
    let mut ledger = ledger(program);
    let _ = evaluate_group(&mut ledger, &group(mode), &params);
});
