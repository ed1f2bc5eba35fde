//! Opcodes that touch the ledger: state, boxes, parameters, inner transactions, groups and
//! pooled budgets.

mod eval_support;

use eval_support::{APP, OTHER, SENDER, approves, asm, call, fails, ledger_with, run_txn};
use tipforge_algo::{Address, AppId, AssetId};
use tipforge_teal::eval::{
    AppParams, AssetParams, BoxRef, Delta, EvalError, EvalParams, FaultKind, GroupTxn, Ledger,
    OnCompletion, Txn, TxnType, Value, evaluate_group,
};

fn run_with_boxes(
    body: &str,
    names: &[&str],
) -> Result<tipforge_teal::eval::AppOutcome, EvalError> {
    let mut txn = call();
    txn.boxes =
        names.iter().map(|n| BoxRef { app: AppId(0), name: n.as_bytes().to_vec() }).collect();
    run_txn(&format!("#pragma version 10\n{body}"), txn)
}

mod state {
    use super::*;

    #[test]
    fn global_put_get_del_and_deltas() {
        let outcome = approves(
            "byte \"a\"\nint 5\napp_global_put\nbyte \"b\"\nbyte \"x\"\napp_global_put\n\
             byte \"c\"\nint 1\napp_global_put\nbyte \"c\"\napp_global_del\n\
             byte \"a\"\napp_global_get\nint 5\n==\nassert\nint 0\nbyte \"b\"\napp_global_get_ex\nassert\npop\nint 1",
        );
        let deleted = outcome.global_delta[&b"c".to_vec()].clone();
        assert_eq!(
            deleted,
            Delta::Deleted,
            "go-algorand reports a put-then-deleted key as deleted"
        );
        assert_eq!(outcome.global_delta[&b"a".to_vec()], Delta::Set(Value::Uint(5)));
        assert_eq!(outcome.global_delta[&b"b".to_vec()], Delta::Set(Value::Bytes(b"x".to_vec())));
    }

    #[test]
    fn key_and_value_limits() {
        fails(
            "int 65\nbzero\nint 1\napp_global_put\nint 1",
            "key too long: length was 65, maximum is 64",
        );
        fails(
            "byte \"k\"\nint 129\nbzero\napp_global_put\nint 1",
            "value too long for key 0x6b: length was 129",
        );
        fails(
            "byte \"key\"\nint 126\nbzero\napp_global_put\nint 1",
            "key/value total too long for key 0x6b6579: sum was 129",
        );
    }

    #[test]
    fn local_state_needs_opt_in() {
        fails(
            "txn Sender\nbyte \"l\"\nint 1\napp_local_put\nint 1",
            "has not opted in to app 1001",
        );
        let mut txn = call();
        txn.on_completion = OnCompletion::OptIn;
        let outcome = run_txn(
            "#pragma version 10\ntxn Sender\nbyte \"l\"\nint 1\napp_local_put\ntxn Sender\nbyte \"l\"\napp_local_get",
            txn,
        )
        .expect("opt-in call approves");
        assert_eq!(outcome.local_deltas[&SENDER][&b"l".to_vec()], Delta::Set(Value::Uint(1)));
    }

    #[test]
    fn balances_and_account_params() {
        let outcome = approves(
            "txn Sender\nbalance\nitob\nlog\ntxn Sender\nmin_balance\nitob\nlog\n\
             txn Sender\nacct_params_get AcctBalance\nassert\nitob\nlog\nint 1",
        );
        let ints: Vec<u64> = outcome
            .logs
            .iter()
            .map(|l| u64::from_be_bytes(l.as_slice().try_into().expect("8")))
            .collect();
        assert_eq!(ints[0], 10_000_000 - 1_000, "the fee is paid before the program runs");
        assert!(ints[1] >= 100_000);
        assert_eq!(ints[2], ints[0]);
    }

    #[test]
    fn unavailable_account_is_refused() {
        let e = fails(
            &format!("byte 0x{}\nbalance\npop\nint 1", "ab".repeat(32)),
            "unavailable Account",
        );
        assert_eq!(e.kind(), FaultKind::Unavailable);
    }

    #[test]
    fn asset_and_app_params() {
        let program = asm(
            "#pragma version 10\nint 77\nasset_params_get AssetTotal\nassert\nint 500\n==\nassert\n\
             txn Sender\nint 77\nasset_holding_get AssetBalance\nassert\nint 500\n==\nassert\n\
             global CurrentApplicationID\napp_params_get AppCreator\nassert\ntxn Sender\n==",
        );
        let mut ledger = ledger_with(&program);
        let params = AssetParams { total: 500, creator: SENDER, ..AssetParams::default() };
        ledger.create_asset(AssetId(77), params);
        let mut txn = call();
        txn.foreign_assets = vec![AssetId(77)];
        evaluate_group(&mut ledger, &[txn.into()], &EvalParams::default()).expect("approves");
    }
}

mod boxes {
    use super::*;

    #[test]
    fn create_put_get_and_delta() {
        let outcome = run_with_boxes(
            "byte \"b\"\nint 4\nbox_create\nassert\nbyte \"b\"\nint 1\nbyte 0xaabb\nbox_replace\n\
             byte \"b\"\nbox_get\nassert\nlog\nbyte \"b\"\nbox_len\nassert\nint 4\n==",
            &["b"],
        )
        .expect("approves");
        assert_eq!(outcome.logs, vec![vec![0, 0xaa, 0xbb, 0]]);
        assert_eq!(outcome.box_deltas[&b"b".to_vec()], Some(vec![0, 0xaa, 0xbb, 0]));
    }

    #[test]
    fn splice_resize_delete() {
        let outcome = run_with_boxes(
            "byte \"b\"\nbyte \"0123456789\"\nbox_put\nbyte \"b\"\nint 2\nint 3\nbyte \"xy\"\nbox_splice\n\
             byte \"b\"\nint 12\nbox_resize\nbyte \"b\"\nbox_get\nassert\nlog\nbyte \"b\"\nbox_del",
            &["b"],
        )
        .expect("approves");
        assert_eq!(outcome.logs, vec![b"01xy56789\0\0\0".to_vec()]);
        assert_eq!(outcome.box_deltas.get(b"b".as_slice()), None, "created then deleted");
    }

    #[test]
    fn references_quota_and_errors() {
        let err =
            run_with_boxes("byte \"z\"\nint 1\nbox_create", &["b"]).expect_err("unreferenced");
        assert!(err.to_string().contains("invalid Box reference 0x7a"), "{err}");
        let err = run_with_boxes("byte \"b\"\nint 2000\nbox_create", &["b"]).expect_err("quota");
        assert!(
            err.to_string().contains("write budget exceeded (2000 > 1024) while creating box 0x62"),
            "{err}"
        );
        let ok = run_with_boxes("byte \"b\"\nint 2000\nbox_create", &["b", ""]);
        assert!(ok.is_ok(), "an empty reference buys quota");
        let err = run_with_boxes(
            "byte \"b\"\nint 2\nbox_create\npop\nbyte \"b\"\nint 3\nbox_create",
            &["b"],
        );
        assert!(err.expect_err("mismatch").to_string().contains("box size mismatch 2 3"));
        let err = run_with_boxes("byte \"b\"\nint 0\nint 1\nbox_extract\npop\nint 1", &["b"]);
        assert!(err.expect_err("missing").to_string().contains("no such box 0x62"));
    }
}

mod inner {
    use super::*;

    const PAY: &str = "itxn_begin\nint pay\nitxn_field TypeEnum\ntxn Accounts 1\nitxn_field Receiver\n\
                       int 5000\nitxn_field Amount\nint 0\nitxn_field Fee\nitxn_submit\n";

    fn call_with_other(fee: u64) -> Txn {
        let mut txn = call();
        txn.fee = fee;
        txn.accounts = vec![OTHER];
        txn
    }

    #[test]
    fn payment_is_applied_at_submit_and_readable() {
        let program = asm(&format!(
            "#pragma version 10\n{PAY}itxn Amount\nint 5000\n==\nassert\ntxn Accounts 1\nbalance\nitob\nlog\nint 1"
        ));
        let mut ledger = ledger_with(&program);
        let outcome =
            evaluate_group(&mut ledger, &[call_with_other(2_000).into()], &EvalParams::default())
                .expect("approves with pooled fee");
        let app = outcome.txns[0].app_call.as_ref().expect("outcome");
        assert_eq!(app.inner.len(), 1);
        assert_eq!(app.inner[0].txn.sender, Address::for_app(APP));
        assert_eq!(app.logs[0], (10_000_000u64 + 5_000).to_be_bytes().to_vec());
        assert_eq!(ledger.account(&OTHER).balance, 10_005_000);
    }

    #[test]
    fn fee_must_be_covered() {
        let program = asm(&format!("#pragma version 10\n{PAY}int 1"));
        let mut ledger = ledger_with(&program);
        let err =
            evaluate_group(&mut ledger, &[call_with_other(1_000).into()], &EvalParams::default())
                .expect_err("no fee credit");
        assert!(err.to_string().contains("group fee 0 too small (needs 1000 more)"), "{err}");
    }

    #[test]
    fn asset_create_then_transfer_sees_the_new_id() {
        let body = "itxn_begin\nint acfg\nitxn_field TypeEnum\nint 9\nitxn_field ConfigAssetTotal\nitxn_submit\n\
                    itxn CreatedAssetID\ndup\nitob\nlog\nglobal CurrentApplicationAddress\nswap\n\
                    asset_holding_get AssetBalance\nassert\nint 9\n==";
        let outcome = approves(body);
        assert_eq!(outcome.inner[0].created.asset, Some(AssetId(1_003)));
    }

    #[test]
    fn inner_app_call_runs_recursively_with_pooled_budget() {
        let callee_id = AppId(1_500);
        let caller = asm(
            "#pragma version 10\nitxn_begin\nint appl\nitxn_field TypeEnum\nint 1500\nitxn_field ApplicationID\n\
             itxn_submit\nitxn NumLogs\nint 1\n==\nassert\nitxn LastLog\nbyte \"hi\"\n==",
        );
        let callee = asm(
            "#pragma version 10\nbyte \"hi\"\nlog\nglobal CallerApplicationID\nint 1001\n==\nassert\n\
             byte \"c\"\nint 1\napp_global_put\nint 1",
        );
        let mut ledger = ledger_with(&caller);
        ledger.create_app(
            callee_id,
            AppParams {
                approval_program: callee,
                clear_program: asm("#pragma version 10\nint 1"),
                ..AppParams::default()
            },
        );
        let mut txn = call();
        txn.fee = 2_000;
        txn.foreign_apps = vec![callee_id];
        let outcome =
            evaluate_group(&mut ledger, &[txn.into()], &EvalParams::default()).expect("approves");
        let inner = outcome.txns[0].app_call.as_ref().expect("outcome").inner[0].app_call.clone();
        let inner = inner.expect("inner app outcome");
        assert_eq!(inner.global_delta[&b"c".to_vec()], Delta::Set(Value::Uint(1)));
        assert_eq!(
            outcome.app_budget_left,
            700 * 2 - outcome.txns[0].app_call.as_ref().unwrap().cost - inner.cost
        );
    }

    #[test]
    fn self_call_and_submit_errors() {
        fails(
            "itxn_begin\nint appl\nitxn_field TypeEnum\nint 1001\nitxn_field ApplicationID\nitxn_submit\nint 1",
            "attempt to self-call",
        );
        fails("itxn_submit\nint 1", "itxn_submit without itxn_begin");
        fails("int 1\nitxn_field Amount\nint 1", "itxn_field without itxn_begin");
        fails("itxn_begin\nitxn_begin\nint 1", "itxn_begin without itxn_submit");
        fails(
            "itxn_begin\nbyte \"nope\"\nitxn_field Type\nint 1",
            "nope is not a valid Type for itxn_field",
        );
    }

    #[test]
    fn inner_limit_is_pooled_per_group() {
        let body = "int 0\nl:\nitxn_begin\nint pay\nitxn_field TypeEnum\nint 0\nitxn_field Fee\nitxn_submit\n\
                    int 1\n+\ndup\nint 300\n<\nbnz l";
        let mut txn = call();
        txn.fee = 1_000_000;
        let mut params = EvalParams { app_budget: 100_000, ..EvalParams::default() };
        params.max_inner_txns = 256;
        let program = asm(&format!("#pragma version 10\n{body}"));
        let mut ledger = ledger_with(&program);
        let err = evaluate_group(&mut ledger, &[txn.into()], &params).expect_err("too many");
        assert!(err.to_string().contains("too many inner transactions 1 with 0 left"), "{err}");
    }
}

mod group {
    use super::*;

    #[test]
    fn budget_is_pooled_across_app_calls() {
        let program = asm("#pragma version 10\nint 0\nl:\nint 1\n+\ndup\nint 200\n<\nbnz l");
        let mut ledger = ledger_with(&program);
        let one = evaluate_group(&mut ledger, &[call().into()], &EvalParams::default());
        assert!(one.expect_err("alone").to_string().contains("dynamic cost budget exceeded"));
        let mut second = call();
        second.note = b"2".to_vec();
        let mut first = call();
        first.note = b"1".to_vec();
        let mut ledger = ledger_with(&program);
        let group: Vec<GroupTxn> = vec![first.into(), asm_noop_call(&mut ledger)];
        assert!(evaluate_group(&mut ledger, &group, &EvalParams::default()).is_ok());
    }

    fn asm_noop_call(ledger: &mut tipforge_teal::eval::MemLedger) -> GroupTxn {
        let other = AppId(1_700);
        let program = asm("#pragma version 10\nint 1");
        ledger.create_app(
            other,
            AppParams {
                approval_program: program.clone(),
                clear_program: program,
                ..AppParams::default()
            },
        );
        let mut txn = call();
        txn.app_id = other;
        txn.into()
    }

    #[test]
    fn gtxn_and_gload_read_earlier_members() {
        let program = asm(
            "#pragma version 10\ntxn GroupIndex\nbz first\ngtxn 0 TypeEnum\nint pay\n==\nassert\n\
             gtxn 0 Amount\nint 42\n==\nassert\nint 1\ngload 1 7\n==\nreturn\n\
             first:\nint 7\nint 1\nstores\nint 1",
        );
        let mut ledger = ledger_with(&program);
        let pay = Txn {
            kind: TxnType::Payment,
            sender: SENDER,
            fee: 1_000,
            receiver: OTHER,
            amount: 42,
            ..Txn::default()
        };
        let mut first = call();
        first.note = b"1".to_vec();
        let group: Vec<GroupTxn> = vec![pay.into(), first.into(), call().into()];
        let err = evaluate_group(&mut ledger, &group, &EvalParams::default())
            .expect_err("index 1 is not pay");
        assert!(matches!(err, EvalError::App { group_index: 1, .. }), "{err}");
        let program = asm(
            "#pragma version 10\ntxn GroupIndex\nint 1\n==\nbz second\nint 7\nint 1\nstores\nint 1\nreturn\n\
             second:\ngtxn 0 Amount\nint 42\n==\nassert\ngload 1 7\nint 1\n==",
        );
        let mut ledger = ledger_with(&program);
        let pay = Txn {
            kind: TxnType::Payment,
            sender: SENDER,
            fee: 1_000,
            receiver: OTHER,
            amount: 42,
            ..Txn::default()
        };
        let group: Vec<GroupTxn> = vec![pay.into(), call().into(), call().into()];
        assert!(evaluate_group(&mut ledger, &group, &EvalParams::default()).is_ok());
    }

    #[test]
    fn logic_sig_budget_is_pooled_and_args_are_read() {
        let program = asm("#pragma version 10\narg 0\nbyte \"go\"\n==");
        let cost = eval_support::run_sig(program.clone(), vec![b"go".to_vec()]).expect("approves");
        assert_eq!(cost, 3);
        let err = eval_support::run_sig(program, vec![b"no".to_vec()]).expect_err("rejects");
        assert!(matches!(err, EvalError::Rejected { app: None, .. }));
        let app_only = asm("#pragma version 10\nbyte \"x\"\nlog\nint 1");
        let err = eval_support::run_sig(app_only, vec![]).expect_err("log is app-only");
        assert!(
            err.to_string().starts_with("rejected by logic err=log not allowed in current mode"),
            "{err}"
        );
    }

    #[test]
    fn errors_carry_source_lines() {
        let source = "#pragma version 10\nint 1\nint 0\n/\n";
        let assembled = tipforge_teal::assemble(source).expect("assembles");
        let err = run_txn(source, call())
            .expect_err("divides by zero")
            .with_source_map(&assembled.source_map);
        assert!(err.to_string().contains("line=4"), "{err}");
    }
}
