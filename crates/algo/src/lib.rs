//! Algorand's wire formats and cryptography for TipForge, with no I/O: canonical msgpack,
//! addresses, keys and signing, transactions and groups, identifiers, the ARC-4 ABI, ARC-28
//! events and ARC-3 metadata hashing.

pub mod abi;
mod address;
pub mod arc28;
pub mod arc3;
pub mod block;
mod error;
pub mod group;
mod hash;
mod ids;
pub mod keys;
pub mod logicsig;
pub mod mnemonic;
pub mod msgpack;
pub mod multisig;
mod signed;
pub mod transaction;
mod txid;

pub use address::Address;
pub use error::{CodecError, Result};
pub use hash::{HashPrefix, sha512_256, sha512_256_prefixed};
pub use ids::{AppId, AssetId, MicroAlgos, Round};

pub use group::GroupId;
pub use keys::{SecretKey, Signature};
pub use signed::{Authorization, SignedTransaction, verify_all};
pub use transaction::{SuggestedParams, Transaction, TxnBody};
pub use txid::TxId;
