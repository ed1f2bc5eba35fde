//! Loading the conformance fixtures and turning their `build` inputs into our builders.

use std::path::PathBuf;

use data_encoding::BASE64;
use serde_json::Value as Json;
use tipforge_algo::transaction::{
    AppCall, AssetConfig, AssetFreeze, AssetParams, AssetTransfer, OnComplete, Payment,
    StateSchema, TxnBody,
};
use tipforge_algo::{
    Address, AppId, AssetId, MicroAlgos, Round, SecretKey, SuggestedParams, Transaction,
};

/// The whole of `conformance/fixtures/<name>`.
pub(crate) fn fixture_doc(name: &str) -> Json {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// The `cases` of `conformance/fixtures/<name>`.
pub(crate) fn fixture(name: &str) -> Vec<Json> {
    fixture_doc(name)["cases"].as_array().expect("cases is an array").clone()
}

pub(crate) fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

pub(crate) fn b64(text: &str) -> Vec<u8> {
    BASE64.decode(text.as_bytes()).expect("base64")
}

pub(crate) fn str_of(json: &Json) -> &str {
    json.as_str().unwrap_or_else(|| panic!("expected a string, got {json}"))
}

pub(crate) fn u64_of(json: &Json) -> u64 {
    json.as_u64().unwrap_or_else(|| panic!("expected an integer, got {json}"))
}

pub(crate) fn address(json: &Json) -> Address {
    str_of(json).parse().expect("address")
}

fn opt_address(json: &Json) -> Option<Address> {
    (!json.is_null()).then(|| address(json))
}

fn fixed32(json: &Json) -> Option<[u8; 32]> {
    (!json.is_null()).then(|| b64(str_of(json)).try_into().expect("32 bytes"))
}

pub(crate) fn key(seed_hex: &Json) -> SecretKey {
    SecretKey::from_seed(&hex(str_of(seed_hex)).try_into().expect("32-byte seed"))
}

pub(crate) fn params(json: &Json) -> SuggestedParams {
    SuggestedParams {
        min_fee: MicroAlgos(u64_of(&json["min_fee"])),
        fee_per_byte: MicroAlgos(u64_of(&json["fee_per_byte"])),
        first_valid: Round(u64_of(&json["fv"])),
        last_valid: Round(u64_of(&json["lv"])),
        genesis_id: str_of(&json["gen"]).to_owned(),
        genesis_hash: b64(str_of(&json["gh"])).try_into().expect("32 bytes"),
    }
}

/// Builds the transaction a fixture's `build` describes, through the public builders.
pub(crate) fn build(json: &Json) -> Transaction {
    let mut builder =
        Transaction::builder(address(&json["sender"]), &params(&json["params"]), body(json));
    if let Some(fee) = json["flat_fee"].as_u64() {
        builder = builder.fee(MicroAlgos(fee));
    }
    if let Some(note) = json["note"].as_str() {
        builder = builder.note(b64(note));
    }
    if let Some(lease) = fixed32(&json["lease"]) {
        builder = builder.lease(lease);
    }
    if let Some(rekey) = opt_address(&json["rekey"]) {
        builder = builder.rekey_to(rekey);
    }
    builder.build().expect("fixture transactions are within protocol limits")
}

fn body(json: &Json) -> TxnBody {
    match str_of(&json["type"]) {
        "pay" => payment(json).into(),
        "acfg" => AssetConfig {
            asset: AssetId(u64_of(&json["asset"])),
            params: asset_params(&json["asset_params"]),
        }
        .into(),
        "axfer" => asset_transfer(json).into(),
        "afrz" => AssetFreeze::new(
            AssetId(u64_of(&json["asset"])),
            address(&json["account"]),
            json["frozen"] == true,
        )
        .into(),
        "appl" => app_call(json).into(),
        other => panic!("unknown type {other}"),
    }
}

fn payment(json: &Json) -> Payment {
    let payment = Payment::new(address(&json["receiver"]), MicroAlgos(u64_of(&json["amount"])));
    match opt_address(&json["close"]) {
        Some(to) => payment.close_remainder_to(to),
        None => payment,
    }
}

fn asset_transfer(json: &Json) -> AssetTransfer {
    let asset = AssetId(u64_of(&json["asset"]));
    let receiver = address(&json["receiver"]);
    let amount = u64_of(&json["amount"]);
    let transfer = match opt_address(&json["revoke_from"]) {
        Some(holder) => AssetTransfer::clawback(asset, holder, receiver, amount),
        None if amount == 0 && receiver == address(&json["sender"]) => {
            AssetTransfer::opt_in(asset, receiver)
        }
        None => AssetTransfer::new(asset, receiver, amount),
    };
    match opt_address(&json["close_to"]) {
        Some(to) => transfer.close_to(to),
        None => transfer,
    }
}

fn asset_params(json: &Json) -> AssetParams {
    let mut params = AssetParams::new(
        json["total"].as_u64().unwrap_or(0),
        json["decimals"].as_u64().unwrap_or(0) as u32,
    )
    .default_frozen(json["default_frozen"] == true);
    if let Some(text) = json["unit_name"].as_str() {
        params = params.unit_name(text);
    }
    if let Some(text) = json["asset_name"].as_str() {
        params = params.asset_name(text);
    }
    if let Some(text) = json["url"].as_str() {
        params = params.url(text);
    }
    if let Some(hash) = fixed32(&json["metadata_hash"]) {
        params = params.metadata_hash(hash);
    }
    params.manager = opt_address(&json["manager"]);
    params.reserve = opt_address(&json["reserve"]);
    params.freeze = opt_address(&json["freeze"]);
    params.clawback = opt_address(&json["clawback"]);
    params
}

fn app_call(json: &Json) -> AppCall {
    let schema = |json: &Json| StateSchema::new(u64_of(&json[0]), u64_of(&json[1]));
    let on_complete = match u64_of(&json["on_complete"]) {
        0 => OnComplete::NoOp,
        1 => OnComplete::OptIn,
        2 => OnComplete::CloseOut,
        3 => OnComplete::ClearState,
        4 => OnComplete::UpdateApplication,
        5 => OnComplete::DeleteApplication,
        other => panic!("on-completion {other}"),
    };
    let mut call = AppCall::new(AppId(u64_of(&json["app"])))
        .on_complete(on_complete)
        .programs(b64(str_of(&json["approval"])), b64(str_of(&json["clear"])))
        .extra_pages(u64_of(&json["extra_pages"]) as u32)
        .reject_version(u64_of(&json["reject_version"]));
    call.global_schema = schema(&json["global_schema"]);
    call.local_schema = schema(&json["local_schema"]);
    for arg in json["args"].as_array().expect("args") {
        call = call.arg(b64(str_of(arg)));
    }
    for account in json["accounts"].as_array().expect("accounts") {
        call = call.account(address(account));
    }
    for app in json["foreign_apps"].as_array().expect("foreign_apps") {
        call = call.foreign_app(AppId(u64_of(app)));
    }
    for asset in json["foreign_assets"].as_array().expect("foreign_assets") {
        call = call.foreign_asset(AssetId(u64_of(asset)));
    }
    for reference in json["boxes"].as_array().expect("boxes") {
        call = call.box_ref(AppId(u64_of(&reference[0])), b64(str_of(&reference[1])));
    }
    call
}
