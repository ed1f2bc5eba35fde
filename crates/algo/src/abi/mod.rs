//! The ARC-4 ABI: types parsed from their canonical strings, values encoded and strictly
//! decoded, method signatures with their selectors, call arguments and return values.
//!
//! ```
//! use tipforge_algo::abi::{AbiType, AbiValue, Method};
//!
//! let ty: AbiType = "(uint64,string)".parse()?;
//! let value = AbiValue::Tuple(vec![5u64.into(), "gm".into()]);
//! let bytes = ty.encode(&value)?;
//! assert_eq!(ty.decode(&bytes)?, value);
//!
//! let tip: Method = "tip(pay,string)void".parse()?;
//! assert_eq!(tip.selector().to_string(), "9e8ccd33");
//! # Ok::<(), tipforge_algo::CodecError>(())
//! ```

mod decode;
mod encode;
mod json;
mod method;
mod parse;
mod returns;
mod selector;
mod types;
mod value;

pub use method::{ArgType, Method, ReferenceType, Returns, TxnType};
pub use returns::{RETURN_PREFIX, return_bytes};
pub use selector::Selector;
pub use types::{AbiType, MAX_NESTING};
pub use value::AbiValue;

pub(crate) use method::{is_identifier, split_signature};
