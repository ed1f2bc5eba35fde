//! JSON shapes shared by the algod and indexer APIs (kebab-case fields, base64 bytes, base32
//! addresses), and a generic msgpack-to-JSON conversion for codec-keyed objects.

use data_encoding::BASE64;
use serde_json::{Map as JsonMap, Value as Json, json};
use tipforge_algo::msgpack::{Key, Value};
use tipforge_algo::{Address, AssetId};
use tipforge_teal::eval::{AssetParams, Delta, Schema, StateDelta, Value as TealValue};

use crate::ledger::{EvalDelta, State};

/// A boolean query flag: SDKs send `true`, `True` or `1`.
pub(crate) fn is_true(flag: Option<&str>) -> bool {
    flag.is_some_and(|f| f.eq_ignore_ascii_case("true") || f == "1")
}

/// Base64 of `bytes`.
pub(crate) fn b64(bytes: &[u8]) -> Json {
    Json::String(BASE64.encode(bytes))
}

/// A JSON object without the entries whose value is null, zero, false, "" or empty.
pub(crate) fn compact(value: Json) -> Json {
    match value {
        Json::Object(map) => {
            Json::Object(map.into_iter().filter(|(_, v)| !is_empty(v)).collect::<JsonMap<_, _>>())
        }
        other => other,
    }
}

fn is_empty(value: &Json) -> bool {
    match value {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_u64() == Some(0),
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
    }
}

/// An optional address: its text, or null for the zero address.
pub(crate) fn addr(address: &Address) -> Json {
    if address.is_zero() { Json::Null } else { Json::String(address.to_string()) }
}

/// Text of a byte string field, lossy, as algod shows asset names.
fn text(bytes: &[u8]) -> Json {
    Json::String(String::from_utf8_lossy(bytes).into_owned())
}

/// Asset parameters (`AssetParams` of both APIs).
pub(crate) fn asset_params(params: &AssetParams) -> Json {
    let mut json = compact(json!({
        "creator": params.creator.to_string(),
        "default-frozen": params.default_frozen,
        "name": text(&params.name),
        "name-b64": b64(&params.name),
        "unit-name": text(&params.unit_name),
        "unit-name-b64": b64(&params.unit_name),
        "url": text(&params.url),
        "url-b64": b64(&params.url),
        "metadata-hash": if params.metadata_hash == [0; 32] { Json::Null } else { b64(&params.metadata_hash) },
        "manager": addr(&params.manager),
        "reserve": addr(&params.reserve),
        "freeze": addr(&params.freeze),
        "clawback": addr(&params.clawback),
    }));
    json["total"] = json!(params.total);
    json["decimals"] = json!(params.decimals);
    json
}

/// An asset as `{index, params}`.
pub(crate) fn asset(id: AssetId, params: &AssetParams) -> Json {
    json!({ "index": id.0, "params": asset_params(params) })
}

/// A state schema.
pub(crate) fn schema(schema: Schema) -> Json {
    json!({ "num-uint": schema.num_uint, "num-byte-slice": schema.num_byte_slice })
}

/// A TEAL key-value store as `[{key, value: {type, bytes, uint}}]`.
pub(crate) fn key_values<'a>(
    values: impl IntoIterator<Item = (&'a Vec<u8>, &'a TealValue)>,
) -> Json {
    let entries = values.into_iter().map(|(key, value)| {
        let value = match value {
            TealValue::Bytes(bytes) => json!({"type": 1, "bytes": b64(bytes), "uint": 0}),
            TealValue::Uint(number) => json!({"type": 2, "bytes": "", "uint": number}),
        };
        json!({ "key": b64(key), "value": value })
    });
    Json::Array(entries.collect())
}

/// A state delta as `[{key, value: {action, bytes, uint}}]`.
pub(crate) fn state_delta(delta: &StateDelta) -> Json {
    let entries = delta.iter().map(|(key, change)| {
        let value = match change {
            Delta::Set(TealValue::Bytes(bytes)) => json!({"action": 1, "bytes": b64(bytes)}),
            Delta::Set(TealValue::Uint(number)) => json!({"action": 2, "uint": number}),
            Delta::Deleted => json!({"action": 3}),
        };
        json!({ "key": b64(key), "value": value })
    });
    Json::Array(entries.collect())
}

/// Local deltas with addresses resolved from the account indexes.
pub(crate) fn local_deltas(eval: &EvalDelta, sender: &Address, accounts: &[Address]) -> Json {
    let entries = eval.local.iter().map(|(index, delta)| {
        let address = match *index as usize {
            0 => Some(*sender),
            k if k <= accounts.len() => accounts.get(k - 1).copied(),
            k => eval.shared_accounts.get(k - 1 - accounts.len()).copied(),
        };
        json!({ "address": address.unwrap_or_default().to_string(), "delta": state_delta(delta) })
    });
    Json::Array(entries.collect())
}

/// The algod account model.
pub(crate) fn account(state: &State, address: &Address, round: u64, exclude_all: bool) -> Json {
    let account = state.account(address);
    let mut json = json!({
        "address": address.to_string(),
        "amount": account.balance,
        "amount-without-pending-rewards": account.balance,
        "min-balance": account.min_balance(),
        "pending-rewards": 0,
        "rewards": 0,
        "reward-base": 0,
        "round": round,
        "status": "Offline",
        "total-apps-opted-in": account.locals.len(),
        "total-assets-opted-in": account.holdings.len(),
        "total-created-apps": account.created_apps.len(),
        "total-created-assets": account.created_assets.len(),
        "total-boxes": account.total_boxes,
        "total-box-bytes": account.total_box_bytes,
        "apps-total-schema": schema(account.total_schema),
    });
    if account.total_extra_pages > 0 {
        json["apps-total-extra-pages"] = json!(account.total_extra_pages);
    }
    if let Some(auth) = account.auth {
        json["auth-addr"] = json!(auth.to_string());
    }
    if exclude_all {
        return json;
    }
    json["assets"] = account
        .holdings
        .iter()
        .map(|(id, h)| json!({"amount": h.amount, "asset-id": id.0, "is-frozen": h.frozen}))
        .collect();
    json["created-assets"] = account
        .created_assets
        .iter()
        .filter_map(|id| state.assets.get(id).map(|p| asset(*id, p)))
        .collect();
    json["created-apps"] = account
        .created_apps
        .iter()
        .filter_map(|id| {
            state.apps.get(id).map(|app| json!({"id": id.0, "params": app_params(app)}))
        })
        .collect();
    json["apps-local-state"] = account
        .locals
        .iter()
        .map(|(id, local)| {
            json!({"id": id.0, "schema": schema(local.schema), "key-value": key_values(&local.values)})
        })
        .collect();
    json
}

/// The algod `ApplicationParams`.
pub(crate) fn app_params(app: &crate::ledger::App) -> Json {
    let params = &app.params;
    let mut json = json!({
        "creator": params.creator.to_string(),
        "approval-program": b64(&params.approval_program),
        "clear-state-program": b64(&params.clear_program),
        "global-state-schema": schema(params.global_schema),
        "local-state-schema": schema(params.local_schema),
        "global-state": key_values(&app.global),
    });
    if params.extra_pages > 0 {
        json["extra-program-pages"] = json!(params.extra_pages);
    }
    if params.version > 0 {
        json["version"] = json!(params.version);
    }
    json
}

/// Codec keys whose 32-byte values are addresses (shown in base32, as go's JSON codec does).
const ADDRESS_KEYS: [&str; 16] = [
    "snd", "rcv", "close", "rekey", "asnd", "arcv", "aclose", "fadd", "m", "r", "f", "c", "sgnr",
    "fees", "rwd", "pk",
];

/// A codec-keyed msgpack value as go-algorand's JSON codec writes it: bytes in base64, except
/// addresses in base32.
pub(crate) fn msgpack_json(value: &Value) -> Json {
    to_json(value, None)
}

fn to_json(value: &Value, key: Option<&str>) -> Json {
    match value {
        Value::Nil => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Uint(n) => json!(n),
        Value::Int(n) => json!(n),
        Value::Str(s) => json!(s),
        Value::RawStr(bytes) => b64(bytes),
        Value::Bytes(bytes) => match key {
            Some(k) if bytes.len() == 32 && ADDRESS_KEYS.contains(&k) => {
                json!(Address(bytes.as_slice().try_into().expect("length checked")).to_string())
            }
            Some("apat") if bytes.len() == 32 => {
                json!(Address(bytes.as_slice().try_into().expect("length checked")).to_string())
            }
            _ => b64(bytes),
        },
        Value::Array(items) => Json::Array(items.iter().map(|v| to_json(v, key)).collect()),
        Value::Map(map) => Json::Object(
            map.iter()
                .map(|(k, v)| {
                    let name = match k {
                        Key::Str(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                        Key::Uint(n) => n.to_string(),
                    };
                    let json = to_json(v, Some(&name));
                    (name, json)
                })
                .collect(),
        ),
    }
}
