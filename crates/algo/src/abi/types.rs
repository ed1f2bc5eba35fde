//! The ARC-4 type tree and the facts about its layout that encoding and decoding share.

use std::fmt;

use crate::error::{CodecError, Result};

/// How deeply arrays and tuples may nest. ARC-4 sets no limit; this one keeps the recursive
/// parser, encoder and decoder far from the end of the stack on hostile input.
pub const MAX_NESTING: usize = 32;

/// An ARC-4 ABI type.
///
/// Values built by hand are checked (bit sizes, precision, nesting, sizes) by every encode and
/// decode, so an invalid tree is reported as [`CodecError::AbiTypeInvalid`], never a panic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AbiType {
    /// `uintN`: an unsigned integer of `N` bits, `N` a multiple of 8 from 8 to 512.
    Uint(u16),
    /// `ufixedNxM`: an `N`-bit unsigned integer read as value / 10^`M`, `M` from 1 to 160.
    Ufixed {
        /// `N`, the width in bits.
        bits: u16,
        /// `M`, the number of decimal places.
        precision: u8,
    },
    /// `bool`: one byte (0x80 or 0x00), or one bit when packed beside other bools.
    Bool,
    /// `byte`: an alias of `uint8` with its own name in signatures.
    Byte,
    /// `address`: 32 bytes, an account's public key.
    Address,
    /// `string`: a 16-bit byte length, then the bytes.
    String,
    /// `T[N]`: exactly `N` elements, encoded like an `N`-tuple.
    StaticArray(Box<AbiType>, usize),
    /// `T[]`: a 16-bit element count, then the elements encoded like a tuple.
    DynamicArray(Box<AbiType>),
    /// `(T1,T2,…)`: static members inline, dynamic members behind 16-bit offsets.
    Tuple(Vec<AbiType>),
}

impl AbiType {
    /// `uint64`, the AVM's native integer.
    pub const UINT64: Self = Self::Uint(64);

    /// `byte[]`, the usual spelling of raw bytes.
    pub fn bytes() -> Self {
        Self::DynamicArray(Box::new(Self::Byte))
    }

    /// Whether values of this type have a variable size (and so sit behind an offset).
    pub fn is_dynamic(&self) -> bool {
        match self {
            Self::String | Self::DynamicArray(_) => true,
            Self::StaticArray(element, _) => element.is_dynamic(),
            Self::Tuple(members) => members.iter().any(Self::is_dynamic),
            _ => false,
        }
    }

    /// The encoded size of a static type; `None` for a dynamic type, or one too large for
    /// memory.
    pub fn static_size(&self) -> Option<usize> {
        match self {
            Self::Uint(bits) | Self::Ufixed { bits, .. } => Some(usize::from(*bits) / 8),
            Self::Bool | Self::Byte => Some(1),
            Self::Address => Some(32),
            Self::String | Self::DynamicArray(_) => None,
            Self::StaticArray(element, _) if element.is_dynamic() => None,
            Self::StaticArray(element, len) => Members::Repeat(element, *len).head_len(),
            Self::Tuple(members) => {
                if self.is_dynamic() {
                    return None;
                }
                Members::Tuple(members).head_len()
            }
        }
    }

    /// Checks what the parser would have enforced, for trees built by hand.
    pub(crate) fn check(&self) -> Result<()> {
        self.check_at(0)
    }

    fn check_at(&self, depth: usize) -> Result<()> {
        let invalid = |reason| CodecError::AbiTypeInvalid { input: self.to_string(), reason };
        if depth > MAX_NESTING {
            return Err(invalid("nested too deeply"));
        }
        match self {
            Self::Uint(bits) | Self::Ufixed { bits, .. } if !valid_bits(*bits) => {
                Err(invalid("bit size must be a multiple of 8 from 8 to 512"))
            }
            Self::Ufixed { precision, .. } if !(1..=160).contains(precision) => {
                Err(invalid("precision must be from 1 to 160"))
            }
            Self::StaticArray(element, _) | Self::DynamicArray(element) => {
                element.check_at(depth + 1)?;
                if element.static_size() == Some(0) {
                    return Err(invalid("array elements must not be zero-sized"));
                }
                self.check_size(invalid)
            }
            Self::Tuple(members) => {
                for member in members {
                    member.check_at(depth + 1)?;
                }
                self.check_size(invalid)
            }
            _ => Ok(()),
        }
    }

    fn check_size(&self, invalid: impl Fn(&'static str) -> CodecError) -> Result<()> {
        if !self.is_dynamic() && self.static_size().is_none() {
            return Err(invalid("encoded size does not fit in memory"));
        }
        Ok(())
    }
}

/// Whether `bits` is a legal `uintN`/`ufixedNxM` width.
pub(crate) fn valid_bits(bits: u16) -> bool {
    bits % 8 == 0 && (8..=512).contains(&bits)
}

impl fmt::Display for AbiType {
    /// The canonical spelling, the one method selectors are hashed from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Uint(bits) => write!(f, "uint{bits}"),
            Self::Ufixed { bits, precision } => write!(f, "ufixed{bits}x{precision}"),
            Self::Bool => f.write_str("bool"),
            Self::Byte => f.write_str("byte"),
            Self::Address => f.write_str("address"),
            Self::String => f.write_str("string"),
            Self::StaticArray(element, len) => write!(f, "{element}[{len}]"),
            Self::DynamicArray(element) => write!(f, "{element}[]"),
            Self::Tuple(members) => write_tuple(f, members),
        }
    }
}

/// Writes `(a,b,…)`.
pub(crate) fn write_tuple<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    f.write_str("(")?;
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            f.write_str(",")?;
        }
        write!(f, "{item}")?;
    }
    f.write_str(")")
}

/// The members of a tuple-shaped encoding: a tuple's own list, or an array's one element type
/// repeated, without materialising `N` copies of it.
#[derive(Clone, Copy)]
pub(crate) enum Members<'a> {
    Tuple(&'a [AbiType]),
    Repeat(&'a AbiType, usize),
}

/// A unit of a tuple's head: a run of up to eight bools packed into one byte, or one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Bools { first: usize, count: usize },
    One(usize),
}

impl<'a> Members<'a> {
    pub(crate) fn len(self) -> usize {
        match self {
            Self::Tuple(members) => members.len(),
            Self::Repeat(_, len) => len,
        }
    }

    pub(crate) fn get(self, index: usize) -> &'a AbiType {
        match self {
            Self::Tuple(members) => &members[index],
            Self::Repeat(element, _) => element,
        }
    }

    /// The byte length of the head (static members inline, 2 bytes per dynamic member),
    /// `None` on overflow.
    pub(crate) fn head_len(self) -> Option<usize> {
        match self {
            Self::Repeat(AbiType::Bool, len) => Some(len.div_ceil(8)),
            Self::Repeat(element, len) if element.is_dynamic() => len.checked_mul(2),
            Self::Repeat(element, len) => element.static_size()?.checked_mul(len),
            Self::Tuple(_) => self.slots().try_fold(0usize, |total, slot| {
                let size = match slot {
                    Slot::Bools { .. } => 1,
                    Slot::One(index) if self.get(index).is_dynamic() => 2,
                    Slot::One(index) => self.get(index).static_size()?,
                };
                total.checked_add(size)
            }),
        }
    }

    /// The head slots in order.
    pub(crate) fn slots(self) -> impl Iterator<Item = Slot> + 'a {
        let mut next = 0;
        std::iter::from_fn(move || {
            let first = next;
            if first >= self.len() {
                return None;
            }
            if *self.get(first) != AbiType::Bool {
                next += 1;
                return Some(Slot::One(first));
            }
            let mut count = 1;
            while count < 8
                && first + count < self.len()
                && *self.get(first + count) == AbiType::Bool
            {
                count += 1;
            }
            next += count;
            Some(Slot::Bools { first, count })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tuple(members: Vec<AbiType>) -> AbiType {
        AbiType::Tuple(members)
    }

    #[test]
    fn bools_pack_eight_to_a_byte() {
        let nine = vec![AbiType::Bool; 9];
        let slots: Vec<_> = Members::Tuple(&nine).slots().collect();

        assert_eq!(slots, [Slot::Bools { first: 0, count: 8 }, Slot::Bools { first: 8, count: 1 }]);
        assert_eq!(tuple(nine).static_size(), Some(2));
        assert_eq!(AbiType::StaticArray(Box::new(AbiType::Bool), 17).static_size(), Some(3));
    }

    #[test]
    fn bool_runs_are_broken_by_other_members() {
        let members = vec![AbiType::Bool, AbiType::Byte, AbiType::Bool, AbiType::Bool];

        assert_eq!(tuple(members).static_size(), Some(3));
    }

    #[test]
    fn dynamic_members_make_the_whole_type_dynamic() {
        let nested =
            tuple(vec![AbiType::UINT64, AbiType::StaticArray(Box::new(AbiType::String), 2)]);

        assert!(nested.is_dynamic());
        assert_eq!(nested.static_size(), None);
        assert_eq!(AbiType::StaticArray(Box::new(AbiType::String), 1).static_size(), None);
    }

    #[test]
    fn hand_built_invalid_types_are_rejected() {
        assert!(AbiType::Uint(7).check().is_err());
        assert!(AbiType::Uint(520).check().is_err());
        assert!(AbiType::Ufixed { bits: 64, precision: 0 }.check().is_err());
        assert!(AbiType::DynamicArray(Box::new(tuple(vec![]))).check().is_err());

        let huge = AbiType::StaticArray(Box::new(AbiType::Uint(512)), usize::MAX / 2);
        assert!(huge.check().is_err());
    }
}
