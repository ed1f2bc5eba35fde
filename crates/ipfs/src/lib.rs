//! IPFS content addressing identical to Kubo, a local block store and gateway, pinning
//! backends and the ARC-3 metadata that TipForge's NFTs point to.
//!
//! - [`cid_of`] and [`Importer`] compute the CID `ipfs add` prints (CIDv0 by default, CIDv1
//!   with raw leaves on request) in constant memory.
//! - [`LocalStore`] keeps blocks under a data directory, with pins and garbage collection;
//!   [`gateway::router`] serves them at `/ipfs/{cid}`.
//! - [`PinningService`] hides where content is pinned: the local store, a Kubo node or Pinata.
//! - [`arc3`] builds deterministic ARC-3 metadata and its hash.

pub mod arc3;
mod cid;
mod error;
pub mod gateway;
mod importer;
mod pb;
pub mod pinning;
mod sniff;
mod store;

pub use cid::{Cid, CidVersion, Codec};
pub use error::{ErrorKind, IpfsError, Result};
pub use importer::{Block, DEFAULT_CHUNK_SIZE, DEFAULT_MAX_LINKS, ImportOptions, Importer, cid_of};
pub use pinning::PinningService;
pub use sniff::{SNIFF_LEN, sniff_content_type};
pub use store::{GcReport, LocalStore, StoreConfig};
