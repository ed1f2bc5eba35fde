//! AVM stack values.

use super::error::{FaultKind, OpResult, fault};

/// One AVM value: an unsigned 64-bit integer or a byte string (≤ 4096 bytes on the stack).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A uint64.
    Uint(u64),
    /// A byte string.
    Bytes(Vec<u8>),
}

impl Value {
    /// A boolean as the AVM represents it (1 or 0).
    pub fn from_bool(b: bool) -> Self {
        Self::Uint(u64::from(b))
    }

    /// The go-algorand type name used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Uint(_) => "uint64",
            Self::Bytes(_) => "[]byte",
        }
    }

    pub(crate) fn uint(&self) -> OpResult<u64> {
        match self {
            Self::Uint(u) => Ok(*u),
            Self::Bytes(b) => fault(FaultKind::Stack, format!("{} is not a uint64", hex_lit(b))),
        }
    }

    pub(crate) fn bytes(&self) -> OpResult<&[u8]> {
        match self {
            Self::Bytes(b) => Ok(b),
            Self::Uint(_) => fault(FaultKind::Stack, "not a byte array"),
        }
    }

    pub(crate) fn into_bytes(self) -> OpResult<Vec<u8>> {
        match self {
            Self::Bytes(b) => Ok(b),
            Self::Uint(_) => fault(FaultKind::Stack, "not a byte array"),
        }
    }

    pub(crate) fn boolean(&self) -> OpResult<bool> {
        match self.uint()? {
            0 => Ok(false),
            1 => Ok(true),
            n => fault(FaultKind::Stack, format!("boolean is neither 1 nor 0: {n}")),
        }
    }

    pub(crate) fn address(&self) -> OpResult<[u8; 32]> {
        match self {
            Self::Bytes(b) if b.len() == 32 => Ok(b.as_slice().try_into().expect("length checked")),
            _ => fault(FaultKind::Stack, "not an address"),
        }
    }
}

fn hex_lit(b: &[u8]) -> String {
    let hex: String = b.iter().take(16).map(|x| format!("{x:02x}")).collect();
    format!("0x{hex}")
}
