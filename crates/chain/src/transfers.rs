//! Asset transfers in a block, root and inner alike, in execution order: what a listener needs
//! to notice opt-ins and follow assets between accounts in the same pass that finds app logs.

use tipforge_algo::block::BlockTransaction;
use tipforge_algo::msgpack::Value;
use tipforge_algo::{Address, AssetId, CodecError, TxId};

use crate::block::Block;

/// One asset transfer (`axfer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockAssetTransfer {
    /// Its id: the transaction's own for a root transfer, the derived inner id otherwise.
    pub txid: TxId,
    /// The asset (`xaid`).
    pub asset: AssetId,
    /// The sender (`snd`).
    pub sender: Address,
    /// Who receives `amount` units (`arcv`; the zero address when absent).
    pub receiver: Address,
    /// Units moved (`aamt`).
    pub amount: u64,
    /// For a clawback, the holder the units are taken from (`asnd`).
    pub revoke_from: Option<Address>,
    /// Where the sender's remaining units go as its holding closes (`aclose`).
    pub close_to: Option<Address>,
}

impl Block {
    /// Every asset transfer in the block, root and inner, in execution order.
    pub fn asset_transfers(&self) -> Result<Vec<BlockAssetTransfer>, CodecError> {
        let mut found = Vec::new();
        for txn in &self.transactions {
            collect(txn, &mut found)?;
        }
        Ok(found)
    }
}

fn collect(txn: &BlockTransaction, found: &mut Vec<BlockAssetTransfer>) -> Result<(), CodecError> {
    found.extend(transfer(txn.signed.id(), txn.signed.txn_value())?);
    for inner in txn.inner_transactions()? {
        found.extend(transfer(inner.id, &inner.txn)?);
    }
    Ok(())
}

fn transfer(txid: TxId, txn: &Value) -> Result<Option<BlockAssetTransfer>, CodecError> {
    if txn.get("type").map(|kind| kind.as_str("type")).transpose()? != Some("axfer") {
        return Ok(None);
    }
    let uint = |field: &'static str| txn.get(field).map_or(Ok(0), |v| v.as_u64(field));
    let sender = address(txn, "snd")?.ok_or(CodecError::MissingField { field: "snd" })?;
    Ok(Some(BlockAssetTransfer {
        txid,
        asset: AssetId(uint("xaid")?),
        sender,
        receiver: address(txn, "arcv")?.unwrap_or(Address::ZERO),
        amount: uint("aamt")?,
        revoke_from: address(txn, "asnd")?,
        close_to: address(txn, "aclose")?,
    }))
}

fn address(txn: &Value, field: &'static str) -> Result<Option<Address>, CodecError> {
    let Some(value) = txn.get(field) else { return Ok(None) };
    let bytes = <[u8; 32]>::try_from(value.as_bytes(field)?).map_err(|_| {
        CodecError::InvalidField { field: field.to_owned(), reason: "not 32 bytes" }
    })?;
    Ok(Some(Address(bytes)))
}

#[cfg(test)]
mod tests {
    use tipforge_algo::msgpack;

    use super::*;

    fn axfer(sender: u8, receiver: u8, amount: u64) -> Value {
        let mut fields = vec![
            ("type", Value::from("axfer")),
            ("snd", Value::from(vec![sender; 32])),
            ("xaid", Value::from(44u64)),
            ("fv", Value::from(1u64)),
            ("lv", Value::from(9u64)),
        ];
        if amount > 0 {
            fields.push(("aamt", Value::from(amount)));
        }
        fields.push(("arcv", Value::from(vec![receiver; 32])));
        Value::map(fields)
    }

    fn entry(txn: Value, delta: Option<Value>) -> Value {
        let mut fields = vec![("txn", txn), ("hgi", Value::from(true))];
        fields.extend(delta.map(|delta| ("dt", delta)));
        Value::map(fields)
    }

    fn block(txns: Vec<Value>) -> Block {
        let header = Value::map([
            ("rnd", Value::from(5u64)),
            ("gen", Value::from("devnet-v1")),
            ("gh", Value::from(vec![7u8; 32])),
            ("txns", Value::Array(txns)),
        ]);
        let bytes = msgpack::encode(&Value::map([("block", header)]));
        Block::from_msgpack(&bytes).expect("block decodes")
    }

    #[test]
    fn root_and_inner_transfers_are_listed_in_execution_order() {
        let app = Value::map([
            ("type", Value::from("appl")),
            ("snd", Value::from(vec![9u8; 32])),
            ("apid", Value::from(3u64)),
        ]);
        let inner = Value::map([("txn", axfer(9, 4, 1))]);
        let delta = Value::map([("itx", Value::Array(vec![inner]))]);
        let pay = Value::map([("type", Value::from("pay")), ("snd", Value::from(vec![1u8; 32]))]);
        let block =
            block(vec![entry(axfer(2, 2, 0), None), entry(pay, None), entry(app, Some(delta))]);

        let transfers = block.asset_transfers().expect("scans");

        assert_eq!(transfers.len(), 2);
        let opt_in = &transfers[0];
        assert_eq!(
            (opt_in.sender, opt_in.receiver, opt_in.amount),
            (Address([2; 32]), Address([2; 32]), 0)
        );
        assert_eq!(opt_in.txid, block.transactions[0].signed.id());
        assert_eq!((transfers[1].receiver, transfers[1].amount), (Address([4; 32]), 1));
        assert_eq!(transfers[1].asset, AssetId(44));
    }
}
