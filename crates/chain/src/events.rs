//! Application-call logs in a block, root and inner calls alike, in block order: one pass over a
//! block serves every contract a listener follows.

use tipforge_algo::block::BlockTransaction;
use tipforge_algo::msgpack::{Key, Map, Value};
use tipforge_algo::{Address, AppId, CodecError, TxId};

use crate::block::Block;

/// The logs of one application call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppCallLogs {
    /// The call's id: the transaction's own id for a root call, the derived inner id otherwise.
    pub txid: TxId,
    /// The id of the root transaction it belongs to (equal to `txid` for a root call).
    pub root_txid: TxId,
    /// The call's position in the block, counting root and inner transactions in execution
    /// order (as the indexer's `intra-round-offset` does), so every call has its own.
    pub intra_round_offset: u32,
    /// The application called.
    pub app: AppId,
    /// The caller.
    pub sender: Address,
    /// What the call logged, in order.
    pub logs: Vec<Vec<u8>>,
}

impl Block {
    /// Every application call in the block that logged something, root calls and inner calls,
    /// in execution order.
    pub fn app_call_logs(&self) -> Result<Vec<AppCallLogs>, CodecError> {
        let mut found = Vec::new();
        let mut position = 0;
        for txn in &self.transactions {
            collect(txn, &mut position, &mut found)?;
        }
        Ok(found)
    }
}

fn collect(
    txn: &BlockTransaction,
    position: &mut u32,
    found: &mut Vec<AppCallLogs>,
) -> Result<(), CodecError> {
    let root = txn.signed.id();
    push_call(root, root, *position, txn.signed.txn_value(), &txn.apply_data, found)?;
    for inner in txn.inner_transactions()? {
        *position += 1;
        push_call(inner.id, root, *position, &inner.txn, &inner.apply_data, found)?;
    }
    *position += 1;
    Ok(())
}

fn push_call(
    txid: TxId,
    root_txid: TxId,
    intra_round_offset: u32,
    txn: &Value,
    apply_data: &Map,
    found: &mut Vec<AppCallLogs>,
) -> Result<(), CodecError> {
    if txn.get("type").map(|kind| kind.as_str("type")).transpose()? != Some("appl") {
        return Ok(());
    }
    let logs = logs_of(apply_data)?;
    if logs.is_empty() {
        return Ok(());
    }
    let app = match txn.get("apid") {
        Some(id) => AppId(id.as_u64("apid")?),
        None => AppId(apply_data.get(&Key::from("apid")).map_or(Ok(0), |id| id.as_u64("apid"))?),
    };
    let sender = txn.get("snd").ok_or(CodecError::MissingField { field: "snd" })?;
    let sender = <[u8; 32]>::try_from(sender.as_bytes("snd")?)
        .map_err(|_| CodecError::MissingField { field: "snd" })?;
    found.push(AppCallLogs {
        txid,
        root_txid,
        intra_round_offset,
        app,
        sender: Address(sender),
        logs,
    });
    Ok(())
}

fn logs_of(apply_data: &Map) -> Result<Vec<Vec<u8>>, CodecError> {
    let Some(delta) = apply_data.get(&Key::from("dt")) else { return Ok(Vec::new()) };
    let Some(logs) = delta.get("lg") else { return Ok(Vec::new()) };
    logs.as_array("dt.lg")?.iter().map(log_bytes).collect()
}

/// go-algorand keeps logs as Go strings, so blocks carry them as msgpack `str` (any bytes, not
/// necessarily UTF-8); `bin` is accepted too.
fn log_bytes(log: &Value) -> Result<Vec<u8>, CodecError> {
    match log {
        Value::Str(text) => Ok(text.as_bytes().to_vec()),
        Value::RawStr(bytes) | Value::Bytes(bytes) => Ok(bytes.clone()),
        other => other.as_bytes("dt.lg[]").map(<[u8]>::to_vec),
    }
}

#[cfg(test)]
mod tests {
    use tipforge_algo::msgpack;

    use super::*;

    fn app_call(app: u64, sender: u8, note: &str) -> Value {
        Value::map([
            ("type", Value::from("appl")),
            ("apid", Value::from(app)),
            ("snd", Value::from(vec![sender; 32])),
            ("fv", Value::from(1u64)),
            ("lv", Value::from(9u64)),
            ("note", Value::from(note.as_bytes())),
        ])
    }

    fn entry(txn: Value, delta: Value) -> Value {
        Value::map([("txn", txn), ("dt", delta), ("hgi", Value::from(true))])
    }

    /// Logs as go-algorand writes them: msgpack `str`, whatever the bytes.
    fn logs(lines: &[&str]) -> Value {
        Value::Array(lines.iter().map(|line| Value::from(*line)).collect())
    }

    fn block(txns: Vec<Value>) -> Block {
        let header = Value::map([
            ("rnd", Value::from(5u64)),
            ("ts", Value::from(1_700_000_000u64)),
            ("gen", Value::from("devnet-v1")),
            ("gh", Value::from(vec![7u8; 32])),
            ("txns", Value::Array(txns)),
        ]);
        let bytes = msgpack::encode(&Value::map([("block", header)]));
        Block::from_msgpack(&bytes).expect("block decodes")
    }

    #[test]
    fn root_and_inner_calls_are_listed_in_execution_order_with_their_ids() {
        let inner = entry(app_call(20, 2, "inner"), Value::map([("lg", logs(&["in"]))]));
        let root = entry(
            app_call(10, 1, "root"),
            Value::map([("lg", logs(&["a", "b"])), ("itx", Value::Array(vec![inner]))]),
        );
        let silent = entry(app_call(30, 3, "quiet"), Value::map([]));
        let block = block(vec![silent, root]);

        let calls = block.app_call_logs().expect("scans");

        assert_eq!(calls.len(), 2);
        assert_eq!((calls[0].app, calls[0].intra_round_offset), (AppId(10), 1));
        assert_eq!(calls[0].logs, [b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(calls[0].txid, block.transactions[1].signed.id());
        assert_eq!((calls[1].app, calls[1].intra_round_offset), (AppId(20), 2));
        assert_eq!(calls[1].sender, Address([2; 32]));
        assert_eq!(calls[1].root_txid, calls[0].txid);
        assert_ne!(calls[1].txid, calls[0].txid);
    }

    #[test]
    fn restored_genesis_fields_give_the_real_transaction_id() {
        let call = app_call(10, 1, "x");
        let block = block(vec![entry(call.clone(), Value::map([("lg", logs(&["l"]))]))]);
        let mut full = call.as_map("txn").expect("map").clone();
        full.insert(Key::from("gen"), Value::from("devnet-v1"));
        full.insert(Key::from("gh"), Value::from(vec![7u8; 32]));

        let calls = block.app_call_logs().expect("scans");

        assert_eq!(calls[0].txid, TxId::of_canonical(&msgpack::encode(&Value::Map(full))));
    }
}
