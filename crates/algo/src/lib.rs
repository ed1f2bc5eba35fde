//! Algorand's wire formats and cryptography for TipForge, with no I/O: canonical msgpack,
//! addresses, keys and signing, transactions and groups, identifiers, the ARC-4 ABI, ARC-28
//! events and ARC-3 metadata hashing.

pub mod abi;
mod address;
pub mod arc28;
pub mod arc3;
mod error;
mod hash;
mod ids;

pub use address::Address;
pub use error::{CodecError, Result};
pub use hash::{HashPrefix, sha512_256, sha512_256_prefixed};
pub use ids::{AppId, AssetId, MicroAlgos, Round};
