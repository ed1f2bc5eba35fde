//! What applying a transaction produced, recorded beside it in blocks (go-algorand's
//! `ApplyData`): closing amounts, created ids, and an app call's logs, state changes and inner
//! transactions.

use tipforge_algo::msgpack::{Key, Map, Value};
use tipforge_algo::{Address, AppId, AssetId, Transaction};
use tipforge_teal::eval::{Delta, StateDelta, Value as TealValue};

/// The effects of one transaction beyond its own fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApplyData {
    /// µAlgo sent to the close-remainder-to account (`ca`).
    pub closing_amount: u64,
    /// Asset units sent to the close-to account (`aca`).
    pub asset_closing_amount: u64,
    /// The asset an `acfg` created (`caid`).
    pub created_asset: Option<AssetId>,
    /// The app an `appl` created (`apid`).
    pub created_app: Option<AppId>,
    /// What an app call did (`dt`).
    pub eval: EvalDelta,
}

/// An app call's effects (`dt`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvalDelta {
    /// Global state changes (`gd`).
    pub global: StateDelta,
    /// Local state changes by account index: 0 the sender, k the k-th foreign account, then
    /// the shared accounts (`ld`).
    pub local: Vec<(u64, StateDelta)>,
    /// Accounts whose local state changed but that the transaction does not name (`sa`).
    pub shared_accounts: Vec<Address>,
    /// Logged messages (`lg`).
    pub logs: Vec<Vec<u8>>,
    /// Inner transactions in order (`itx`).
    pub inner: Vec<InnerTxn>,
}

/// An inner transaction with its own apply data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerTxn {
    /// The transaction, sent by the app's account.
    pub txn: Transaction,
    /// Its effects.
    pub apply: ApplyData,
}

impl EvalDelta {
    /// Whether the delta is empty (nothing to encode).
    pub fn is_empty(&self) -> bool {
        self.global.is_empty()
            && self.local.is_empty()
            && self.logs.is_empty()
            && self.inner.is_empty()
    }
}

impl ApplyData {
    /// Adds the apply-data fields to a `SignedTxnWithAD` map, the way go-algorand encodes them.
    pub fn write_into(&self, map: &mut Map) {
        let mut put = |key: &str, value: Value| {
            if !value.is_empty() {
                map.insert(Key::from(key), value);
            }
        };
        put("ca", Value::Uint(self.closing_amount));
        put("aca", Value::Uint(self.asset_closing_amount));
        put("caid", Value::Uint(self.created_asset.map_or(0, |id| id.0)));
        put("apid", Value::Uint(self.created_app.map_or(0, |id| id.0)));
        put("dt", self.eval.to_value());
    }
}

impl EvalDelta {
    fn to_value(&self) -> Value {
        let mut map = Map::new();
        let mut put = |key: &str, value: Value| {
            if !value.is_empty() {
                map.insert(Key::from(key), value);
            }
        };
        put("gd", state_delta(&self.global));
        let local = self.local.iter().map(|(index, delta)| (Key::Uint(*index), state_delta(delta)));
        put("ld", Value::Map(local.collect()));
        let shared = self.shared_accounts.iter().map(|a| Value::from(&a.0[..]));
        put("sa", Value::Array(shared.collect()));
        put("lg", Value::Array(self.logs.iter().map(|log| go_string(log)).collect()));
        put("itx", Value::Array(self.inner.iter().map(InnerTxn::to_value).collect()));
        Value::Map(map)
    }
}

impl InnerTxn {
    /// The `SignedTxnWithAD` map of an inner transaction (no signature).
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert(Key::from("txn"), self.txn.to_value());
        self.apply.write_into(&mut map);
        Value::Map(map)
    }
}

/// A Go `string` field: msgpack `str`, whatever its bytes.
pub fn go_string(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => Value::Str(text.to_owned()),
        Err(_) => Value::RawStr(bytes.to_vec()),
    }
}

/// go-algorand's `StateDelta`: key → {`at` action, `bs` bytes, `ui` uint}; actions 1 set bytes,
/// 2 set uint, 3 delete.
fn state_delta(delta: &StateDelta) -> Value {
    let entries = delta.iter().map(|(key, change)| {
        let value = match change {
            Delta::Set(TealValue::Bytes(bytes)) => {
                Value::map([("at", Value::Uint(1)), ("bs", go_string(bytes))])
            }
            Delta::Set(TealValue::Uint(number)) => {
                Value::map([("at", Value::Uint(2)), ("ui", Value::Uint(*number))])
            }
            Delta::Deleted => Value::map([("at", Value::Uint(3))]),
        };
        (Key::Str(key.clone()), strip_empty(value))
    });
    Value::Map(entries.collect())
}

fn strip_empty(value: Value) -> Value {
    match value {
        Value::Map(map) => Value::Map(map.into_iter().filter(|(_, v)| !v.is_empty()).collect()),
        other => other,
    }
}
