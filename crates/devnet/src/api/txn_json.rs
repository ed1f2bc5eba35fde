//! Transactions as JSON: algod's pending-transaction response and indexer's `Transaction`.

use serde_json::{Value as Json, json};
use tipforge_algo::msgpack::Value;
use tipforge_algo::transaction::{AppCall, OnComplete};
use tipforge_algo::{Authorization, SignedTransaction, Transaction, TxId, TxnBody};

use super::encode::{addr, b64, compact, local_deltas, msgpack_json, state_delta};
use crate::ledger::{ApplyData, InnerTxn};

/// Where a transaction was confirmed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Confirmed {
    pub(crate) round: u64,
    pub(crate) timestamp: u64,
    pub(crate) intra: usize,
}

/// algod's `PendingTransactionResponse` for a top-level transaction.
pub(crate) fn pending(
    signed: &Value,
    txn: &Transaction,
    apply: &ApplyData,
    round: Option<u64>,
) -> Json {
    let mut json = pending_fields(txn, apply, round);
    json["txn"] = msgpack_json(signed);
    json
}

fn pending_fields(txn: &Transaction, apply: &ApplyData, round: Option<u64>) -> Json {
    let accounts = app_accounts(txn);
    let eval = &apply.eval;
    let inner: Vec<Json> = eval.inner.iter().map(|inner| pending_inner(inner, round)).collect();
    let mut json = compact(json!({
        "confirmed-round": round,
        "asset-index": apply.created_asset.map(|id| id.0),
        "application-index": apply.created_app.map(|id| id.0),
        "closing-amount": apply.closing_amount,
        "asset-closing-amount": apply.asset_closing_amount,
        "logs": eval.logs.iter().map(|log| b64(log)).collect::<Vec<_>>(),
        "inner-txns": inner,
        "global-state-delta": state_delta(&eval.global),
        "local-state-delta": local_deltas(eval, &txn.header.sender, &accounts),
    }));
    json["pool-error"] = json!("");
    json
}

fn pending_inner(inner: &InnerTxn, round: Option<u64>) -> Json {
    let mut json = pending_fields(&inner.txn, &inner.apply, round);
    json["txn"] = json!({ "txn": msgpack_json(&inner.txn.to_value()) });
    json
}

fn app_accounts(txn: &Transaction) -> Vec<tipforge_algo::Address> {
    match &txn.body {
        TxnBody::AppCall(call) => call.accounts.clone(),
        _ => Vec::new(),
    }
}

/// indexer's `Transaction`. `id` is `None` for inner transactions, which indexer shows without.
pub(crate) fn indexer(
    txn: &Transaction,
    signed: Option<&SignedTransaction>,
    id: Option<TxId>,
    apply: &ApplyData,
    at: Confirmed,
) -> Json {
    let header = &txn.header;
    let eval = &apply.eval;
    let accounts = app_accounts(txn);
    let inner: Vec<Json> =
        eval.inner.iter().map(|i| indexer(&i.txn, None, None, &i.apply, at)).collect();
    let mut json = compact(json!({
        "id": id.map(|id| id.to_string()),
        "note": b64(&header.note),
        "genesis-id": header.genesis_id,
        "genesis-hash": if header.genesis_hash == [0; 32] { Json::Null } else { b64(&header.genesis_hash) },
        "group": header.group.map(|g| b64(&g.0)),
        "lease": header.lease.map(|l| b64(&l)),
        "rekey-to": header.rekey_to.map(|a| a.to_string()),
        "auth-addr": signed.and_then(|s| s.authorizer().ok()).filter(|a| *a != header.sender).map(|a| a.to_string()),
        "intra-round-offset": at.intra,
        "created-asset-index": apply.created_asset.map(|a| a.0),
        "created-application-index": apply.created_app.map(|a| a.0),
        "closing-amount": apply.closing_amount,
        "logs": eval.logs.iter().map(|log| b64(log)).collect::<Vec<_>>(),
        "inner-txns": inner,
        "global-state-delta": state_delta(&eval.global),
        "local-state-delta": local_deltas(eval, &header.sender, &accounts),
        "signature": signed.map(signature),
    }));
    json["tx-type"] = json!(txn.body.type_name());
    json["sender"] = json!(header.sender.to_string());
    json["fee"] = json!(header.fee.0);
    json["first-valid"] = json!(header.first_valid.0);
    json["last-valid"] = json!(header.last_valid.0);
    json["confirmed-round"] = json!(at.round);
    json["round-time"] = json!(at.timestamp);
    json["sender-rewards"] = json!(0);
    json["receiver-rewards"] = json!(0);
    json["close-rewards"] = json!(0);
    let (key, body) = body(txn, apply);
    json[key] = body;
    json
}

fn signature(signed: &SignedTransaction) -> Json {
    match signed.authorization() {
        Authorization::Unsigned => json!({}),
        Authorization::Single(sig) => json!({ "sig": b64(&sig.0) }),
        Authorization::Multisig(msig) => json!({ "multisig": msgpack_json(&msig.to_value()) }),
        Authorization::LogicSig(lsig) => json!({ "logicsig": msgpack_json(&lsig.to_value()) }),
    }
}

fn body(txn: &Transaction, apply: &ApplyData) -> (&'static str, Json) {
    match &txn.body {
        TxnBody::Payment(pay) => {
            let mut json = compact(json!({
                "close-remainder-to": pay.close_remainder_to.map(|a| a.to_string()),
                "close-amount": apply.closing_amount,
            }));
            json["receiver"] = json!(pay.receiver.to_string());
            json["amount"] = json!(pay.amount.0);
            ("payment-transaction", json)
        }
        TxnBody::AssetTransfer(xfer) => {
            let mut json = compact(json!({
                "sender": xfer.revoke_from.map(|a| a.to_string()),
                "close-to": xfer.close_to.map(|a| a.to_string()),
                "close-amount": apply.asset_closing_amount,
            }));
            json["asset-id"] = json!(xfer.asset.0);
            json["amount"] = json!(xfer.amount);
            json["receiver"] = json!(xfer.receiver.to_string());
            ("asset-transfer-transaction", json)
        }
        TxnBody::AssetConfig(config) => {
            let params = &config.params;
            let mut json = json!({ "asset-id": config.asset.0 });
            if params != &Default::default() {
                let mut p = compact(json!({
                    "creator": txn.header.sender.to_string(),
                    "default-frozen": params.default_frozen,
                    "name": params.asset_name,
                    "name-b64": b64(params.asset_name.as_bytes()),
                    "unit-name": params.unit_name,
                    "unit-name-b64": b64(params.unit_name.as_bytes()),
                    "url": params.url,
                    "url-b64": b64(params.url.as_bytes()),
                    "metadata-hash": params.metadata_hash.map(|h| b64(&h)),
                    "manager": params.manager.map(|a| a.to_string()),
                    "reserve": params.reserve.map(|a| a.to_string()),
                    "freeze": params.freeze.map(|a| a.to_string()),
                    "clawback": params.clawback.map(|a| a.to_string()),
                }));
                p["total"] = json!(params.total);
                p["decimals"] = json!(params.decimals);
                json["params"] = p;
            }
            ("asset-config-transaction", json)
        }
        TxnBody::AssetFreeze(freeze) => (
            "asset-freeze-transaction",
            json!({
                "address": freeze.account.to_string(),
                "asset-id": freeze.asset.0,
                "new-freeze-status": freeze.frozen,
            }),
        ),
        TxnBody::AppCall(call) => ("application-transaction", app_call(call)),
    }
}

fn on_completion(action: OnComplete) -> &'static str {
    match action {
        OnComplete::NoOp => "noop",
        OnComplete::OptIn => "optin",
        OnComplete::CloseOut => "closeout",
        OnComplete::ClearState => "clear",
        OnComplete::UpdateApplication => "update",
        OnComplete::DeleteApplication => "delete",
    }
}

fn app_call(call: &AppCall) -> Json {
    let boxes: Vec<Json> = call
        .boxes
        .iter()
        .map(|r| {
            let app = match r.app_index {
                0 => call.app.0,
                k => call.foreign_apps.get(k as usize - 1).map_or(0, |a| a.0),
            };
            json!({ "app": app, "name": b64(&r.name) })
        })
        .collect();
    let mut json = compact(json!({
        "application-args": call.args.iter().map(|a| b64(a)).collect::<Vec<_>>(),
        "accounts": call.accounts.iter().map(addr).collect::<Vec<_>>(),
        "foreign-apps": call.foreign_apps.iter().map(|a| a.0).collect::<Vec<_>>(),
        "foreign-assets": call.foreign_assets.iter().map(|a| a.0).collect::<Vec<_>>(),
        "box-references": boxes,
        "approval-program": b64(&call.approval_program),
        "clear-state-program": b64(&call.clear_program),
        "extra-program-pages": call.extra_pages,
        "reject-version": call.reject_version,
    }));
    json["application-id"] = json!(call.app.0);
    json["on-completion"] = json!(on_completion(call.on_complete));
    json["global-state-schema"] = json!({"num-uint": call.global_schema.num_uints, "num-byte-slice": call.global_schema.num_byte_slices});
    json["local-state-schema"] = json!({"num-uint": call.local_schema.num_uints, "num-byte-slice": call.local_schema.num_byte_slices});
    json
}
