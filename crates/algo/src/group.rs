//! Atomic groups: the group id every member carries, and fees pooled across members.

use std::fmt;

use data_encoding::BASE64;

use crate::error::{CodecError, Result};
use crate::hash::{HashPrefix, sha512_256_prefixed};
use crate::ids::MicroAlgos;
use crate::msgpack::{self, Value};
use crate::transaction::Transaction;

/// The protocol's largest group.
pub const MAX_GROUP_SIZE: usize = 16;

/// The id of an atomic group.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GroupId(pub [u8; 32]);

impl fmt::Debug for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GroupId({})", BASE64.encode(&self.0))
    }
}

/// The group id of `transactions`, in order: "TG" ‖ msgpack {"txlist": [txid…]}, each txid
/// taken with the transaction's own group field cleared.
pub fn group_id(transactions: &[Transaction]) -> Result<GroupId> {
    check_size(transactions.len())?;
    let ids = transactions.iter().map(|transaction| {
        let mut ungrouped = transaction.clone();
        ungrouped.header.group = None;
        Value::from(&ungrouped.id().0[..])
    });
    let list = Value::map([("txlist", Value::Array(ids.collect()))]);
    Ok(GroupId(sha512_256_prefixed(HashPrefix::TxGroup, &[&msgpack::encode(&list)])))
}

/// Computes the group id and sets it on every member, which must happen before signing.
pub fn assign_group(transactions: &mut [Transaction]) -> Result<GroupId> {
    let id = group_id(transactions)?;
    for transaction in transactions.iter_mut() {
        transaction.header.group = Some(id);
    }
    Ok(id)
}

/// Makes `payer` pay the whole group's fees: `min_fee` for each member plus `extra_inner` inner
/// transactions, the others paying nothing. Call before [`assign_group`].
pub fn pool_fees(
    transactions: &mut [Transaction],
    payer: usize,
    min_fee: MicroAlgos,
    extra_inner: u64,
) -> Result<()> {
    check_size(transactions.len())?;
    if payer >= transactions.len() {
        return Err(CodecError::InvalidField { field: "fee".into(), reason: "payer not in group" });
    }
    let count = (transactions.len() as u64).checked_add(extra_inner);
    let total = count.and_then(|count| count.checked_mul(min_fee.0));
    let total = total.ok_or(CodecError::FeeOverflow)?;
    for (index, transaction) in transactions.iter_mut().enumerate() {
        transaction.header.fee = MicroAlgos(if index == payer { total } else { 0 });
    }
    Ok(())
}

fn check_size(len: usize) -> Result<()> {
    if len == 0 || len > MAX_GROUP_SIZE {
        return Err(CodecError::GroupSize { len });
    }
    Ok(())
}
