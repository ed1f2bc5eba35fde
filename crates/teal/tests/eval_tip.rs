//! The TipProxy-like reference contract (`tip_v10.b64`) evaluated end to end.

mod eval_support;

use eval_support::{APP, SENDER, asm, call, ledger_with};
use tipforge_algo::Address;
use tipforge_teal::eval::{Delta, EvalParams, GroupTxn, Txn, TxnType, Value, evaluate_group};

const TIP_B64: &str = "CiACAQAmAQV0b3RhbDEYQQA5MRkjEkQ2GgCABBIIMfASRDEWIglJOBAiEkRJOAcyChJEOAhJKGQIKExngATDvPaZMQBQTBZQsCJDKCNnIkM=";

fn tip_program() -> Vec<u8> {
    data_encoding::BASE64.decode(TIP_B64.as_bytes()).expect("valid base64")
}

fn tip_group(amount: u64) -> Vec<GroupTxn> {
    let pay = Txn {
        kind: TxnType::Payment,
        sender: SENDER,
        fee: 1_000,
        receiver: Address::for_app(APP),
        amount,
        ..Txn::default()
    };
    let mut appl = call();
    appl.app_args = vec![vec![0x12, 0x08, 0x31, 0xf0]];
    vec![pay.into(), appl.into()]
}

#[test]
fn tip_adds_to_total_and_logs_event() {
    let mut ledger = ledger_with(&tip_program());
    ledger.opt_in_app(SENDER, APP);
    let outcome = evaluate_group(&mut ledger, &tip_group(250_000), &EvalParams::default())
        .expect("tip approves");
    let app = outcome.txns[1].app_call.as_ref().expect("app outcome");
    assert!(app.approved);
    assert_eq!(app.global_delta[&b"total".to_vec()], Delta::Set(Value::Uint(250_000)));
    let mut event = vec![0xc3, 0xbc, 0xf6, 0x99];
    event.extend_from_slice(&SENDER.0);
    event.extend_from_slice(&250_000u64.to_be_bytes());
    assert_eq!(app.logs, vec![event]);
    assert!(app.cost > 20 && app.cost < 60, "cost {}", app.cost);
}

#[test]
fn tip_with_wrong_selector_fails_assert() {
    let mut ledger = ledger_with(&tip_program());
    let mut group = tip_group(1);
    group[1].txn.app_args = vec![b"nope".to_vec()];
    let err = evaluate_group(&mut ledger, &group, &EvalParams::default()).expect_err("rejects");
    assert!(err.to_string().contains("assert failed"), "{err}");
    assert!(err.to_string().starts_with("logic eval error"), "{err}");
}

#[test]
fn same_program_assembles_from_source() {
    let source = include_str!("../../../../shared/reference/vectors/tip_v10.teal");
    assert_eq!(asm(source), tip_program());
}
