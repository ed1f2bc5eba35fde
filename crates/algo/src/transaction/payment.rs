//! `pay` transactions.

use super::TxnBody;
use super::fields::{FieldReader, FieldWriter};
use crate::address::Address;
use crate::error::Result;
use crate::ids::MicroAlgos;

/// A payment in µAlgo.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payment {
    /// Who receives `amount` (`rcv`).
    pub receiver: Address,
    /// How much (`amt`).
    pub amount: MicroAlgos,
    /// When set, the sender's account is closed and everything left goes here (`close`).
    pub close_remainder_to: Option<Address>,
}

impl Payment {
    /// Pays `amount` to `receiver`.
    pub fn new(receiver: Address, amount: MicroAlgos) -> Self {
        Self { receiver, amount, close_remainder_to: None }
    }

    /// Also closes the sender's account, sending the remainder to `to`.
    pub fn close_remainder_to(mut self, to: Address) -> Self {
        self.close_remainder_to = Some(to);
        self
    }

    pub(super) fn write(&self, fields: &mut FieldWriter) {
        fields
            .address("rcv", Some(&self.receiver))
            .uint("amt", self.amount.0)
            .address("close", self.close_remainder_to.as_ref());
    }

    pub(super) fn read(fields: &mut FieldReader<'_>) -> Result<Self> {
        Ok(Self {
            receiver: fields.address("rcv")?.unwrap_or_default(),
            amount: MicroAlgos(fields.uint("amt")?),
            close_remainder_to: fields.address("close")?,
        })
    }
}

impl From<Payment> for TxnBody {
    fn from(body: Payment) -> Self {
        Self::Payment(body)
    }
}
