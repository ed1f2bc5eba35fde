//! Canonical msgpack, the encoding Algorand hashes and signs.
//!
//! [`Value`] is a schema-free tree. [`decode`] reads any msgpack Algorand can produce (never
//! panicking, with bounded nesting), [`encode`] writes the canonical form go-algorand writes
//! (sorted keys, empty values omitted recursively, shortest unsigned integers, `bin` for bytes,
//! `str` for text), and [`check_canonical`] tells whether some bytes are already in that form.

mod decode;
mod encode;
mod value;

pub use decode::{MAX_DEPTH, decode, decode_prefix};
pub use encode::{check_canonical, encode, encode_into};
pub use value::{Key, Map, Value};
