//! Strict ARC-4 decoding: only the one canonical encoding of a value is accepted.
//!
//! Beyond the bounds checks every decoder needs, this rejects what a lenient decoder would
//! let through: bytes after the value, dynamic offsets that do not point exactly at the end of
//! the previous member (gaps, overlaps, reordering), bool bytes other than 0x00/0x80, and set
//! padding bits after packed bools. Positions in errors count from the start of the input.

use num_bigint::BigUint;

use crate::abi::types::{AbiType, Members, Slot};
use crate::abi::value::AbiValue;
use crate::address::Address;
use crate::error::{CodecError, Result};

impl AbiType {
    /// Decodes one value of this type that spans all of `bytes`.
    pub fn decode(&self, bytes: &[u8]) -> Result<AbiValue> {
        self.check()?;
        let decoder = Decoder { input: bytes };
        let (value, end) = decoder.value(self, 0)?;
        if end != bytes.len() {
            return Err(CodecError::AbiTrailingBytes {
                abi_type: self.to_string(),
                consumed: end,
                extra: bytes.len() - end,
            });
        }
        Ok(value)
    }
}

struct Decoder<'a> {
    input: &'a [u8],
}

impl<'a> Decoder<'a> {
    /// The `needed` bytes at `at`.
    fn take(&self, ty: &AbiType, at: usize, needed: usize) -> Result<&'a [u8]> {
        let truncated = || CodecError::AbiTruncated {
            abi_type: ty.to_string(),
            offset: at,
            needed,
            available: self.input.len().saturating_sub(at),
        };
        let end = at.checked_add(needed).ok_or_else(truncated)?;
        self.input.get(at..end).ok_or_else(truncated)
    }

    fn byte(&self, ty: &AbiType, at: usize) -> Result<u8> {
        Ok(self.take(ty, at, 1)?[0])
    }

    fn u16(&self, ty: &AbiType, at: usize) -> Result<usize> {
        let bytes = self.take(ty, at, 2)?;
        Ok(usize::from(u16::from_be_bytes([bytes[0], bytes[1]])))
    }

    /// Decodes a value of `ty` starting at `at`; returns it and where it ends.
    fn value(&self, ty: &AbiType, at: usize) -> Result<(AbiValue, usize)> {
        match ty {
            AbiType::Uint(bits) | AbiType::Ufixed { bits, .. } => {
                let width = usize::from(*bits) / 8;
                let bytes = self.take(ty, at, width)?;
                Ok((AbiValue::Uint(BigUint::from_bytes_be(bytes)), at + width))
            }
            AbiType::Bool => match self.byte(ty, at)? {
                0x80 => Ok((AbiValue::Bool(true), at + 1)),
                0x00 => Ok((AbiValue::Bool(false), at + 1)),
                _ => Err(non_canonical(ty, at, "a bool byte must be 0x80 or 0x00")),
            },
            AbiType::Byte => Ok((AbiValue::Byte(self.byte(ty, at)?), at + 1)),
            AbiType::Address => {
                let bytes = self.take(ty, at, 32)?;
                let key: [u8; 32] = bytes.try_into().expect("take returns exactly 32 bytes");
                Ok((AbiValue::Address(Address(key)), at + 32))
            }
            AbiType::String => {
                let len = self.u16(ty, at)?;
                let bytes = self.take(ty, at + 2, len)?;
                Ok((AbiValue::String(bytes.to_vec()), at + 2 + len))
            }
            AbiType::StaticArray(element, len) => {
                let (items, end) = self.members(ty, Members::Repeat(element, *len), at)?;
                Ok((AbiValue::Array(items), end))
            }
            AbiType::DynamicArray(element) => {
                let len = self.u16(ty, at)?;
                let (items, end) = self.members(ty, Members::Repeat(element, len), at + 2)?;
                Ok((AbiValue::Array(items), end))
            }
            AbiType::Tuple(members) => {
                let (items, end) = self.members(ty, Members::Tuple(members), at)?;
                Ok((AbiValue::Tuple(items), end))
            }
        }
    }

    /// Decodes a tuple-shaped encoding whose head starts at `start`.
    fn members(
        &self,
        owner: &AbiType,
        members: Members<'_>,
        start: usize,
    ) -> Result<(Vec<AbiValue>, usize)> {
        let head_len = members.head_len().unwrap_or(usize::MAX);
        // The whole head must be present before anything is allocated for it; each member
        // takes at least one bit of it, so the count below is bounded by the input.
        self.take(owner, start, head_len)?;
        let mut items = Vec::with_capacity(members.len());
        let mut head = start;
        let mut tail = start + head_len;
        for slot in members.slots() {
            match slot {
                Slot::Bools { count, .. } => {
                    items.extend(self.bools(owner, head, count)?);
                    head += 1;
                }
                Slot::One(index) if members.get(index).is_dynamic() => {
                    let offset = self.u16(owner, head)?;
                    if start + offset != tail {
                        return Err(CodecError::AbiBadOffset {
                            abi_type: owner.to_string(),
                            at: head,
                            found: offset,
                            expected: tail - start,
                        });
                    }
                    let (item, end) = self.value(members.get(index), tail)?;
                    items.push(item);
                    tail = end;
                    head += 2;
                }
                Slot::One(index) => {
                    let (item, end) = self.value(members.get(index), head)?;
                    items.push(item);
                    head = end;
                }
            }
        }
        Ok((items, tail))
    }

    /// Unpacks `count` bools from the byte at `at`, most significant bit first.
    fn bools(&self, owner: &AbiType, at: usize, count: usize) -> Result<Vec<AbiValue>> {
        let byte = self.byte(owner, at)?;
        let padding = 0xffu8.checked_shr(count as u32).unwrap_or(0);
        if byte & padding != 0 {
            return Err(non_canonical(owner, at, "padding bits after packed bools are set"));
        }
        Ok((0..count).map(|position| AbiValue::Bool(byte & (0x80 >> position) != 0)).collect())
    }
}

fn non_canonical(ty: &AbiType, at: usize, reason: &'static str) -> CodecError {
    CodecError::AbiNonCanonical { abi_type: ty.to_string(), at, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> AbiType {
        text.parse().unwrap()
    }

    fn hex(text: &str) -> Vec<u8> {
        data_encoding::HEXLOWER.decode(text.as_bytes()).unwrap()
    }

    #[test]
    fn decodes_what_encode_writes() {
        let value = AbiValue::Tuple(vec![7u64.into(), "a".into(), true.into(), "bc".into()]);
        let tuple = ty("(uint16,string,bool,string)");

        assert_eq!(tuple.decode(&hex("0007000780000a00016100026263")), Ok(value));
    }

    #[test]
    fn truncated_input_is_reported_with_its_position() {
        let error = ty("(uint64,string)").decode(&hex("0000000000000001000a0003")).unwrap_err();

        assert!(matches!(error, CodecError::AbiTruncated { offset: 12, needed: 3, .. }), "{error}");
        assert!(ty("uint64").decode(&[0; 7]).is_err());
        assert!(ty("address").decode(&[]).is_err());
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        let error = ty("uint8").decode(&[1, 2]).unwrap_err();

        assert!(matches!(error, CodecError::AbiTrailingBytes { consumed: 1, extra: 1, .. }));
        assert!(ty("string").decode(&hex("000161ff")).is_err());
    }

    #[test]
    fn offsets_must_point_exactly_at_the_tail() {
        let gap = ty("(string)").decode(&hex("000300000161"));
        let overlap = ty("(string,string)").decode(&hex("0004000400016100016262"));

        assert!(matches!(gap, Err(CodecError::AbiBadOffset { found: 3, expected: 2, .. })));
        assert!(matches!(overlap, Err(CodecError::AbiBadOffset { at: 2, found: 4, .. })));
    }

    #[test]
    fn bool_bytes_must_be_canonical() {
        assert!(ty("bool").decode(&[0x01]).is_err());
        assert!(ty("bool").decode(&[0xff]).is_err());
        assert!(ty("(bool,bool)").decode(&[0xc0]).is_ok());
        assert!(ty("(bool,bool)").decode(&[0xe0]).is_err());
        assert!(ty("bool[8]").decode(&[0xff]).is_ok());
    }

    #[test]
    fn huge_declared_lengths_fail_before_allocating() {
        assert!(ty("uint64[]").decode(&hex("ffff")).is_err());
        assert!(ty("uint8[4000000000]").decode(&[0; 8]).is_err());
        assert!(ty("string[]").decode(&hex("ffff0000")).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let types = ["(uint64,string,bool[3],(byte[],address)[])", "bool[]", "string[2][]"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 48) as usize;
            let bytes: Vec<u8> = (0..len).map(|i| (state >> (i % 8 * 8)) as u8 ^ i as u8).collect();
            for text in types {
                let _ = ty(text).decode(&bytes);
            }
        }
    }
}
