//! Evaluation speed of a TipProxy-like `tip` call (`tip_v10.b64`): a payment plus an app call
//! that checks the payment, updates global state and logs an ARC-28 event.

#![allow(missing_docs)]

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use tipforge_algo::{Address, AppId};
use tipforge_teal::eval::{
    AppParams, EvalParams, GroupTxn, MemLedger, Schema, Txn, TxnType, evaluate_group,
};

const TIP_B64: &str = include_str!("../../../../shared/reference/vectors/tip_v10.b64");
const APP: AppId = AppId(1_001);
const FAN: Address = Address([7; 32]);

fn ledger() -> MemLedger {
    let program = data_encoding::BASE64.decode(TIP_B64.trim().as_bytes()).expect("valid base64");
    let mut ledger = MemLedger::default();
    let params = AppParams {
        approval_program: program,
        clear_program: vec![10, 0x81, 1],
        global_schema: Schema { num_uint: 1, num_byte_slice: 0 },
        creator: FAN,
        ..AppParams::default()
    };
    ledger.create_app(APP, params);
    ledger.fund(FAN, 1_000_000_000);
    ledger.fund(Address::for_app(APP), 1_000_000);
    ledger
}

fn tip_group() -> Vec<GroupTxn> {
    let pay = Txn {
        kind: TxnType::Payment,
        sender: FAN,
        fee: 1_000,
        receiver: Address::for_app(APP),
        amount: 250_000,
        ..Txn::default()
    };
    let call = Txn {
        kind: TxnType::AppCall,
        sender: FAN,
        fee: 1_000,
        app_id: APP,
        app_args: vec![vec![0x12, 0x08, 0x31, 0xf0]],
        ..Txn::default()
    };
    vec![pay.into(), call.into()]
}

fn bench_tip(c: &mut Criterion) {
    let group = tip_group();
    let params = EvalParams::default();
    let base = ledger();
    c.bench_function("eval_tip_group", |b| {
        b.iter_batched_ref(
            || base.clone(),
            |ledger| evaluate_group(ledger, &group, &params).expect("tip approves"),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, bench_tip);
criterion_main!(benches);
