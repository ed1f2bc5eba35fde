//! Building transactions from the network's suggested parameters, with the fee rules applied.

use super::{Header, MAX_NOTE_LEN, Transaction, TxnBody};
use crate::address::Address;
use crate::error::{CodecError, Result};
use crate::ids::{MicroAlgos, Round};

/// The protocol's widest validity window (`lv - fv`).
pub const MAX_VALIDITY_ROUNDS: u64 = 1000;

/// What `/v2/transactions/params` suggests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedParams {
    /// The minimum fee of one transaction (`min-fee`, 1000 µAlgo on public networks).
    pub min_fee: MicroAlgos,
    /// The fee per byte under congestion (`fee`, usually 0).
    pub fee_per_byte: MicroAlgos,
    /// The first valid round (`last-round`).
    pub first_valid: Round,
    /// The last valid round, at most 1000 after the first.
    pub last_valid: Round,
    /// The genesis id.
    pub genesis_id: String,
    /// The genesis hash.
    pub genesis_hash: [u8; 32],
}

/// Builds one transaction. The fee defaults to the larger of the minimum fee and the per-byte
/// fee times the signed size; [`TxnBuilder::fee`] sets it outright (flat fee).
#[derive(Debug, Clone)]
pub struct TxnBuilder {
    header: Header,
    body: TxnBody,
    fee_per_byte: MicroAlgos,
    flat_fee: Option<MicroAlgos>,
}

impl TxnBuilder {
    pub(super) fn new(sender: Address, params: &SuggestedParams, body: TxnBody) -> Self {
        let header = Header {
            sender,
            fee: params.min_fee,
            first_valid: params.first_valid,
            last_valid: params.last_valid,
            genesis_id: params.genesis_id.clone(),
            genesis_hash: params.genesis_hash,
            ..Header::default()
        };
        Self { header, body, fee_per_byte: params.fee_per_byte, flat_fee: None }
    }

    /// Sets the fee exactly, e.g. 0 for a transaction whose fee another member of its group
    /// pays, or a multiple of the minimum to cover inner transactions.
    pub fn fee(mut self, fee: MicroAlgos) -> Self {
        self.flat_fee = Some(fee);
        self
    }

    /// Sets the note.
    pub fn note(mut self, note: impl Into<Vec<u8>>) -> Self {
        self.header.note = note.into();
        self
    }

    /// Sets the lease.
    pub fn lease(mut self, lease: [u8; 32]) -> Self {
        self.header.lease = Some(lease);
        self
    }

    /// Rekeys the sender's account to `to`.
    pub fn rekey_to(mut self, to: Address) -> Self {
        self.header.rekey_to = Some(to);
        self
    }

    /// Sets the validity window.
    pub fn validity(mut self, first: Round, last: Round) -> Self {
        self.header.first_valid = first;
        self.header.last_valid = last;
        self
    }

    /// Checks the protocol limits and computes the fee.
    pub fn build(self) -> Result<Transaction> {
        let header = &self.header;
        if header.note.len() > MAX_NOTE_LEN {
            return Err(CodecError::InvalidField {
                field: "note".into(),
                reason: "over 1024 bytes",
            });
        }
        let window = header.last_valid.0.checked_sub(header.first_valid.0);
        if window.is_none_or(|rounds| rounds > MAX_VALIDITY_ROUNDS) {
            let reason = "last valid must be 0 to 1000 rounds after first valid";
            return Err(CodecError::InvalidField { field: "lv".into(), reason });
        }
        check_body(&self.body)?;
        let min_fee = self.header.fee;
        let mut transaction = Transaction { header: self.header, body: self.body };
        transaction.header.fee = match self.flat_fee {
            Some(fee) => fee,
            None => per_byte_fee(&mut transaction, self.fee_per_byte, min_fee)?,
        };
        Ok(transaction)
    }
}

/// The fee py-algorand-sdk and algod's suggestion imply: the per-byte rate times the signed size
/// (measured with the rate itself in the fee field), but never below the minimum.
fn per_byte_fee(
    transaction: &mut Transaction,
    fee_per_byte: MicroAlgos,
    min_fee: MicroAlgos,
) -> Result<MicroAlgos> {
    if fee_per_byte.0 == 0 {
        return Ok(min_fee);
    }
    transaction.header.fee = fee_per_byte;
    let size = signed_size_estimate(transaction) as u64;
    let fee = size.checked_mul(fee_per_byte.0).ok_or(CodecError::FeeOverflow)?;
    Ok(MicroAlgos(fee.max(min_fee.0)))
}

/// The size of `transaction` once singly signed: `{"sig": <64 bytes>, "txn": …}` adds 75 bytes.
pub fn signed_size_estimate(transaction: &Transaction) -> usize {
    const SIGNATURE_OVERHEAD: usize = 1 + 4 + 2 + 64 + 4;
    transaction.encode().len() + SIGNATURE_OVERHEAD
}

fn check_body(body: &TxnBody) -> Result<()> {
    let too_long =
        |field: &str, reason| Err(CodecError::InvalidField { field: field.into(), reason });
    match body {
        TxnBody::AssetConfig(config) => {
            let params = &config.params;
            if params.unit_name.len() > 8 {
                return too_long("apar.un", "over 8 bytes");
            }
            if params.asset_name.len() > 32 {
                return too_long("apar.an", "over 32 bytes");
            }
            if params.url.len() > 96 {
                return too_long("apar.au", "over 96 bytes");
            }
            if params.decimals > 19 {
                return too_long("apar.dc", "over 19");
            }
        }
        TxnBody::AppCall(call)
            if call.args.len() > 16 || call.args.iter().map(Vec::len).sum::<usize>() > 2048 =>
        {
            return too_long("apaa", "over 16 arguments or 2048 bytes");
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::{AssetConfig, AssetParams, Payment};

    fn params(fee_per_byte: u64) -> SuggestedParams {
        SuggestedParams {
            min_fee: MicroAlgos(1000),
            fee_per_byte: MicroAlgos(fee_per_byte),
            first_valid: Round(100),
            last_valid: Round(1100),
            genesis_id: "testnet-v1.0".into(),
            genesis_hash: [1; 32],
        }
    }

    fn pay(fee_per_byte: u64) -> TxnBuilder {
        let body = Payment::new(Address([2; 32]), MicroAlgos(5)).into();
        TxnBuilder::new(Address([1; 32]), &params(fee_per_byte), body)
    }

    #[test]
    fn the_fee_is_the_minimum_unless_per_byte_pricing_exceeds_it() {
        let flat = pay(0).build().unwrap();
        let congested = pay(100).build().unwrap();
        let explicit = pay(100).fee(MicroAlgos(0)).build().unwrap();

        assert_eq!(flat.header.fee, MicroAlgos(1000));
        // The size is measured with the rate in the fee field: 100 takes 1 byte, 1000 takes 3.
        let size_at_rate = signed_size_estimate(&flat) as u64 - 2;
        assert_eq!(congested.header.fee, MicroAlgos(100 * size_at_rate));
        assert_eq!(explicit.header.fee, MicroAlgos(0));
    }

    #[test]
    fn protocol_limits_are_enforced() {
        let long_note = pay(0).note(vec![0; MAX_NOTE_LEN + 1]).build();
        let wide_window = pay(0).validity(Round(10), Round(1011)).build();
        let inverted = pay(0).validity(Round(10), Round(9)).build();
        let long_unit = AssetConfig::create(AssetParams::new(1, 0).unit_name("NINECHARS"));
        let long_unit = TxnBuilder::new(Address([1; 32]), &params(0), long_unit.into()).build();

        assert!(long_note.is_err());
        assert!(wide_window.is_err());
        assert!(inverted.is_err());
        assert!(long_unit.is_err());
        assert!(pay(0).validity(Round(10), Round(1010)).build().is_ok());
    }
}
