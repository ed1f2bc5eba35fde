//! Typed transactions: the common header, one body per supported type, builders, and the
//! mapping to and from canonical msgpack.

mod app;
mod asset;
mod builder;
pub(crate) mod fields;
mod payment;

use crate::address::Address;
use crate::error::{CodecError, Result};
use crate::group::GroupId;
use crate::hash::HashPrefix;
use crate::ids::{MicroAlgos, Round};
use crate::msgpack::{self, Value};
use crate::txid::TxId;
use fields::{FieldReader, FieldWriter};

pub use app::{AppCall, BoxRef, OnComplete, StateSchema};
pub use asset::{AssetConfig, AssetFreeze, AssetParams, AssetTransfer};
pub use builder::{MAX_VALIDITY_ROUNDS, SuggestedParams, TxnBuilder, signed_size_estimate};
pub use payment::Payment;

/// The protocol's limit on a transaction note.
pub const MAX_NOTE_LEN: usize = 1024;

/// Fields every transaction carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// The account the transaction acts for (`snd`).
    pub sender: Address,
    /// The fee paid by the sender (`fee`).
    pub fee: MicroAlgos,
    /// The first round the transaction may confirm in (`fv`).
    pub first_valid: Round,
    /// The last round the transaction may confirm in (`lv`).
    pub last_valid: Round,
    /// Free-form bytes, at most 1024 (`note`).
    pub note: Vec<u8>,
    /// The network's genesis id, e.g. `mainnet-v1.0` (`gen`).
    pub genesis_id: String,
    /// The network's genesis hash (`gh`).
    pub genesis_hash: [u8; 32],
    /// The id of the atomic group this transaction belongs to (`grp`).
    pub group: Option<GroupId>,
    /// While this transaction is valid, no other with the same sender and lease can confirm
    /// (`lx`).
    pub lease: Option<[u8; 32]>,
    /// Makes this address the sender account's signer from now on (`rekey`).
    pub rekey_to: Option<Address>,
}

/// What a transaction does, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxnBody {
    /// `pay`: move µAlgo, optionally closing the account.
    Payment(Payment),
    /// `acfg`: create, reconfigure or destroy an asset.
    AssetConfig(AssetConfig),
    /// `axfer`: move asset units, opt in, claw back or close out.
    AssetTransfer(AssetTransfer),
    /// `afrz`: freeze or unfreeze an account's holding.
    AssetFreeze(AssetFreeze),
    /// `appl`: create, call, update or delete an application.
    AppCall(AppCall),
}

impl TxnBody {
    /// The `type` field value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Payment(_) => "pay",
            Self::AssetConfig(_) => "acfg",
            Self::AssetTransfer(_) => "axfer",
            Self::AssetFreeze(_) => "afrz",
            Self::AppCall(_) => "appl",
        }
    }
}

/// An unsigned transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The common fields.
    pub header: Header,
    /// The type-specific fields.
    pub body: TxnBody,
}

impl Transaction {
    /// Starts building a transaction from `sender` with the network's suggested parameters.
    ///
    /// ```
    /// use tipforge_algo::transaction::Payment;
    /// use tipforge_algo::{Address, AppId, MicroAlgos, Round, SecretKey};
    /// use tipforge_algo::{SuggestedParams, Transaction};
    ///
    /// let key = SecretKey::from_seed(&[1; 32]);
    /// let params = SuggestedParams {
    ///     min_fee: MicroAlgos(1000),
    ///     fee_per_byte: MicroAlgos(0),
    ///     first_valid: Round(1000),
    ///     last_valid: Round(2000),
    ///     genesis_id: "testnet-v1.0".into(),
    ///     genesis_hash: [7; 32],
    /// };
    /// let tip = Payment::new(Address::for_app(AppId(1001)), MicroAlgos(1_000_000));
    /// let txn = Transaction::builder(key.address(), &params, tip).note(*b"gm").build()?;
    /// let signed = txn.sign(&key);
    ///
    /// assert_eq!(signed.id(), txn.id());
    /// assert_eq!(signed.verify(), Ok(()));
    /// # Ok::<(), tipforge_algo::CodecError>(())
    /// ```
    pub fn builder(
        sender: Address,
        params: &SuggestedParams,
        body: impl Into<TxnBody>,
    ) -> TxnBuilder {
        TxnBuilder::new(sender, params, body.into())
    }

    /// The transaction as a msgpack value (canonical once encoded).
    pub fn to_value(&self) -> Value {
        let mut fields = FieldWriter::default();
        write_header(&self.header, &mut fields);
        fields.text("type", self.body.type_name());
        match &self.body {
            TxnBody::Payment(body) => body.write(&mut fields),
            TxnBody::AssetConfig(body) => body.write(&mut fields),
            TxnBody::AssetTransfer(body) => body.write(&mut fields),
            TxnBody::AssetFreeze(body) => body.write(&mut fields),
            TxnBody::AppCall(body) => body.write(&mut fields),
        }
        fields.finish()
    }

    /// Reads a transaction from its msgpack value. Fails on any field this crate does not
    /// model, so that a typed view never hides part of what is signed.
    pub fn from_value(value: &Value) -> Result<Self> {
        let mut fields = FieldReader::new(value, "txn")?;
        let header = read_header(&mut fields)?;
        let tx_type = fields.text("type")?;
        let body = match tx_type.as_str() {
            "pay" => TxnBody::Payment(Payment::read(&mut fields)?),
            "acfg" => TxnBody::AssetConfig(AssetConfig::read(&mut fields)?),
            "axfer" => TxnBody::AssetTransfer(AssetTransfer::read(&mut fields)?),
            "afrz" => TxnBody::AssetFreeze(AssetFreeze::read(&mut fields)?),
            "appl" => TxnBody::AppCall(AppCall::read(&mut fields)?),
            _ => return Err(CodecError::UnsupportedTxType { tx_type }),
        };
        fields.finish()?;
        Ok(Self { header, body })
    }

    /// Decodes canonical msgpack bytes, rejecting any other encoding of the same transaction.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let transaction = Self::from_value(&msgpack::check_canonical(bytes)?)?;
        if transaction.encode() != bytes {
            return Err(CodecError::NonCanonical { offset: 0 });
        }
        Ok(transaction)
    }

    /// The canonical msgpack bytes.
    pub fn encode(&self) -> Vec<u8> {
        msgpack::encode(&self.to_value())
    }

    /// The transaction id.
    pub fn id(&self) -> TxId {
        TxId::of_canonical(&self.encode())
    }

    /// The bytes a signer signs: "TX" ‖ canonical msgpack.
    pub fn bytes_to_sign(&self) -> Vec<u8> {
        let mut bytes = HashPrefix::Transaction.as_bytes().to_vec();
        msgpack::encode_into(&self.to_value(), &mut bytes);
        bytes
    }
}

fn write_header(header: &Header, fields: &mut FieldWriter) {
    fields
        .address("snd", Some(&header.sender))
        .uint("fee", header.fee.0)
        .uint("fv", header.first_valid.0)
        .uint("lv", header.last_valid.0)
        .bytes("note", &header.note)
        .text("gen", &header.genesis_id)
        .fixed32("gh", Some(&header.genesis_hash))
        .fixed32("grp", header.group.as_ref().map(|group| &group.0))
        .fixed32("lx", header.lease.as_ref())
        .address("rekey", header.rekey_to.as_ref());
}

fn read_header(fields: &mut FieldReader<'_>) -> Result<Header> {
    Ok(Header {
        sender: fields.required_address("snd")?,
        fee: MicroAlgos(fields.uint("fee")?),
        first_valid: Round(fields.uint("fv")?),
        last_valid: Round(fields.uint("lv")?),
        note: fields.bytes("note")?,
        genesis_id: fields.text("gen")?,
        genesis_hash: fields.fixed32("gh")?.unwrap_or_default(),
        group: fields.fixed32("grp")?.map(GroupId),
        lease: fields.fixed32("lx")?,
        rekey_to: fields.address("rekey")?,
    })
}
