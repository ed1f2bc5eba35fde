//! Evaluates app-call cases read as JSON from stdin against an in-memory ledger and prints the
//! outcomes as JSON, for differential checks against go-algorand (conformance/tests).
//!
//! Input: `{"cases": [case, ...]}`; each case describes accounts, assets, one app (program,
//! global state, boxes) and a group of pay/axfer/appl transactions. Output: one result per case
//! with approval, the failure message and pc, and per-member logs, deltas and inner transactions.

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::io::Read;

use data_encoding::{BASE64, HEXLOWER};
use serde_json::{Map, Value as Json, json};
use tipforge_algo::{Address, AppId, AssetId};
use tipforge_teal::eval::{
    AppOutcome, AppParams, AssetParams, BoxRef, Delta, EvalError, EvalParams, GroupTxn,
    InnerOutcome, MemLedger, OnCompletion, Schema, StateDelta, Txn, TxnType, Value, evaluate_group,
};

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("stdin is readable");
    let request: Json = serde_json::from_str(&input).expect("stdin holds JSON");
    let cases = request["cases"].as_array().expect("a cases array");
    let results: Vec<Json> = cases.iter().map(run_case).collect();
    println!("{}", Json::Array(results));
}

fn hex(bytes: &[u8]) -> String {
    HEXLOWER.encode(bytes)
}

fn unhex(text: &Json) -> Vec<u8> {
    HEXLOWER.decode(text.as_str().unwrap_or("").as_bytes()).expect("lowercase hex")
}

fn addr(text: &Json) -> Address {
    let bytes = unhex(text);
    Address(bytes.try_into().expect("a 32-byte address"))
}

fn uint(j: &Json) -> u64 {
    j.as_u64().unwrap_or(0)
}

fn list(j: &Json) -> impl Iterator<Item = &Json> {
    j.as_array().into_iter().flatten()
}

fn state_value(j: &Json) -> Value {
    match j.get("bytes") {
        Some(b) => Value::Bytes(unhex(b)),
        None => Value::Uint(uint(&j["uint"])),
    }
}

fn build_ledger(case: &Json) -> MemLedger {
    let mut ledger = MemLedger::default();
    for account in list(&case["accounts"]) {
        ledger.fund(addr(&account["addr"]), uint(&account["balance"]));
    }
    for asset in list(&case["assets"]) {
        let params = AssetParams {
            total: uint(&asset["total"]),
            unit_name: asset["unit_name"].as_str().unwrap_or("").as_bytes().to_vec(),
            creator: addr(&asset["creator"]),
            ..AssetParams::default()
        };
        ledger.create_asset(AssetId(uint(&asset["id"])), params);
        for holder in list(&asset["holders"]) {
            ledger.set_holding(addr(&holder[0]), AssetId(uint(&asset["id"])), uint(&holder[1]));
        }
    }
    let app = AppId(uint(&case["app_id"]));
    let schema = |j: &Json| Schema { num_uint: uint(&j[0]), num_byte_slice: uint(&j[1]) };
    let program = BASE64.decode(case["program"].as_str().unwrap_or("").as_bytes()).expect("b64");
    let params = AppParams {
        approval_program: program,
        clear_program: vec![0x06, 0x81, 0x01],
        global_schema: schema(&case["global_schema"]),
        local_schema: schema(&case["local_schema"]),
        creator: addr(&case["creator"]),
        ..AppParams::default()
    };
    ledger.create_app(app, params);
    for (key, value) in case["global"].as_object().into_iter().flatten() {
        let key = HEXLOWER.decode(key.as_bytes()).expect("hex key");
        tipforge_teal::eval::Ledger::global_put(&mut ledger, app, &key, state_value(value));
    }
    for (name, value) in case["boxes"].as_object().into_iter().flatten() {
        let name = HEXLOWER.decode(name.as_bytes()).expect("hex name");
        tipforge_teal::eval::Ledger::box_put(&mut ledger, app, &name, unhex(value));
    }
    for opted in list(&case["opted_in"]) {
        ledger.opt_in_app(addr(opted), app);
    }
    ledger.set_txn_counter(uint(&case["txn_counter"]));
    ledger
}

fn build_txn(j: &Json) -> Txn {
    let kind = match j["type"].as_str() {
        Some("pay") => TxnType::Payment,
        Some("axfer") => TxnType::AssetTransfer,
        _ => TxnType::AppCall,
    };
    let boxes =
        list(&j["boxes"]).map(|b| BoxRef { app: AppId(uint(&b[0])), name: unhex(&b[1]) }).collect();
    Txn {
        kind,
        sender: addr(&j["sender"]),
        fee: uint(&j["fee"]),
        first_valid: 1,
        last_valid: 1_000,
        group: j.get("group").map_or([0; 32], |g| unhex(g).try_into().expect("32 bytes")),
        id: j.get("id").map_or([0; 32], |g| unhex(g).try_into().expect("32 bytes")),
        receiver: j.get("receiver").map_or(Address::ZERO, addr),
        amount: uint(&j["amount"]),
        xfer_asset: AssetId(uint(&j["xfer_asset"])),
        asset_amount: uint(&j["asset_amount"]),
        asset_receiver: j.get("asset_receiver").map_or(Address::ZERO, addr),
        app_id: AppId(uint(&j["app_id"])),
        on_completion: OnCompletion::from_number(uint(&j["oc"])).unwrap_or_default(),
        app_args: list(&j["args"]).map(unhex).collect(),
        accounts: list(&j["accounts"]).map(addr).collect(),
        foreign_assets: list(&j["assets"]).map(|a| AssetId(uint(a))).collect(),
        foreign_apps: list(&j["apps"]).map(|a| AppId(uint(a))).collect(),
        boxes,
        ..Txn::default()
    }
}

fn delta_json(delta: &StateDelta) -> Json {
    let entries = delta.iter().map(|(key, d)| {
        let value = match d {
            Delta::Set(Value::Uint(u)) => json!({ "uint": u }),
            Delta::Set(Value::Bytes(b)) => json!({ "bytes": hex(b) }),
            Delta::Deleted => json!("del"),
        };
        (hex(key), value)
    });
    Json::Object(entries.collect::<Map<_, _>>())
}

fn inner_json(inner: &InnerOutcome) -> Json {
    let t = &inner.txn;
    let mut fields = json!({
        "type": t.kind.name(),
        "sender": hex(&t.sender.0),
        "fee": t.fee,
    });
    let extra = match t.kind {
        TxnType::Payment => json!({ "receiver": hex(&t.receiver.0), "amount": t.amount }),
        TxnType::AssetTransfer => json!({
            "xfer_asset": t.xfer_asset.0,
            "asset_amount": t.asset_amount,
            "asset_receiver": hex(&t.asset_receiver.0),
        }),
        TxnType::AssetConfig => json!({ "created_asset": inner.created.asset.map(|a| a.0) }),
        _ => json!({ "logs": inner.app_call.as_ref().map(logs_json) }),
    };
    if let (Json::Object(fields), Json::Object(extra)) = (&mut fields, extra) {
        fields.extend(extra);
    }
    fields
}

fn logs_json(outcome: &AppOutcome) -> Json {
    outcome.logs.iter().map(|l| json!(hex(l))).collect()
}

fn outcome_json(outcome: &AppOutcome) -> Json {
    let locals: BTreeMap<String, Json> =
        outcome.local_deltas.iter().map(|(a, d)| (hex(&a.0), delta_json(d))).collect();
    json!({
        "logs": logs_json(outcome),
        "global_delta": delta_json(&outcome.global_delta),
        "local_delta": locals,
        "inner": outcome.inner.iter().map(inner_json).collect::<Vec<_>>(),
        "cost": outcome.cost,
    })
}

fn error_json(err: &EvalError) -> Json {
    match err {
        EvalError::App { pc, fault, group_index, .. } => {
            json!({ "ok": false, "kind": "panic", "error": fault.message, "pc": pc, "index": group_index })
        }
        EvalError::Rejected { group_index, .. } => {
            json!({ "ok": false, "kind": "reject", "index": group_index })
        }
        other => json!({ "ok": false, "kind": "apply", "error": other.to_string() }),
    }
}

fn run_case(case: &Json) -> Json {
    let mut ledger = build_ledger(case);
    let group: Vec<GroupTxn> = list(&case["group"]).map(|t| build_txn(t).into()).collect();
    match evaluate_group(&mut ledger, &group, &EvalParams::default()) {
        Ok(outcome) => {
            let txns: Vec<Json> = outcome
                .txns
                .iter()
                .map(|t| t.app_call.as_ref().map_or(Json::Null, outcome_json))
                .collect();
            let app = AppId(uint(&case["app_id"]));
            let boxes: BTreeMap<String, String> =
                ledger.boxes_of(app).iter().map(|(n, v)| (hex(n), hex(v))).collect();
            json!({ "ok": true, "txns": txns, "boxes": boxes })
        }
        Err(err) => error_json(&err),
    }
}
