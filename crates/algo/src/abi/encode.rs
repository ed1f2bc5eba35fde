//! ARC-4 encoding: heads and tails, packed bools, 16-bit lengths and offsets.

use crate::abi::types::{AbiType, Members, Slot};
use crate::abi::value::AbiValue;
use crate::error::{CodecError, Result};

impl AbiType {
    /// Encodes `value` as this type.
    pub fn encode(&self, value: &AbiValue) -> Result<Vec<u8>> {
        self.check()?;
        let mut out = Vec::new();
        encode_into(self, value, &mut out)?;
        Ok(out)
    }
}

fn mismatch(ty: &AbiType, reason: &'static str) -> CodecError {
    CodecError::AbiValueMismatch { abi_type: ty.to_string(), reason }
}

fn encode_into(ty: &AbiType, value: &AbiValue, out: &mut Vec<u8>) -> Result<()> {
    match (ty, value) {
        (AbiType::Uint(bits) | AbiType::Ufixed { bits, .. }, AbiValue::Uint(number)) => {
            let width = usize::from(*bits) / 8;
            let digits = number.to_bytes_be();
            let digits = if digits == [0] { &[][..] } else { &digits[..] };
            if digits.len() > width {
                return Err(mismatch(ty, "integer too large for its width"));
            }
            out.resize(out.len() + width - digits.len(), 0);
            out.extend_from_slice(digits);
        }
        (AbiType::Bool, AbiValue::Bool(flag)) => out.push(if *flag { 0x80 } else { 0 }),
        (AbiType::Byte, AbiValue::Byte(byte)) => out.push(*byte),
        (AbiType::Address, AbiValue::Address(address)) => out.extend_from_slice(address.as_bytes()),
        (AbiType::String, AbiValue::String(bytes)) => {
            push_len(ty, bytes.len(), out)?;
            out.extend_from_slice(bytes);
        }
        (AbiType::StaticArray(element, len), AbiValue::Array(items)) => {
            if items.len() != *len {
                return Err(mismatch(ty, "wrong number of array elements"));
            }
            encode_members(ty, Members::Repeat(element, *len), items, out)?;
        }
        (AbiType::DynamicArray(element), AbiValue::Array(items)) => {
            push_len(ty, items.len(), out)?;
            encode_members(ty, Members::Repeat(element, items.len()), items, out)?;
        }
        (AbiType::Tuple(members), AbiValue::Tuple(items)) => {
            if items.len() != members.len() {
                return Err(mismatch(ty, "wrong number of tuple members"));
            }
            encode_members(ty, Members::Tuple(members), items, out)?;
        }
        _ => return Err(mismatch(ty, "value is of another kind")),
    }
    Ok(())
}

fn push_len(ty: &AbiType, len: usize, out: &mut Vec<u8>) -> Result<()> {
    let len = u16::try_from(len).map_err(|_| mismatch(ty, "longer than 65535"))?;
    out.extend_from_slice(&len.to_be_bytes());
    Ok(())
}

/// Writes the head (static members and bool bytes inline, offsets for dynamic members), then
/// the tail (dynamic members in order). Offsets count from the start of the head.
fn encode_members(
    owner: &AbiType,
    members: Members<'_>,
    items: &[AbiValue],
    out: &mut Vec<u8>,
) -> Result<()> {
    let head_len = members.head_len().ok_or_else(|| mismatch(owner, "too large to encode"))?;
    let mut tail = Vec::new();
    for slot in members.slots() {
        match slot {
            Slot::Bools { first, count } => out.push(pack_bools(owner, &items[first..][..count])?),
            Slot::One(index) if members.get(index).is_dynamic() => {
                let offset = head_len + tail.len();
                let offset =
                    u16::try_from(offset).map_err(|_| mismatch(owner, "offset beyond 65535"))?;
                out.extend_from_slice(&offset.to_be_bytes());
                encode_into(members.get(index), &items[index], &mut tail)?;
            }
            Slot::One(index) => encode_into(members.get(index), &items[index], out)?,
        }
    }
    out.extend_from_slice(&tail);
    Ok(())
}

/// Packs up to eight bools into one byte, the first in the most significant bit.
fn pack_bools(owner: &AbiType, items: &[AbiValue]) -> Result<u8> {
    items.iter().enumerate().try_fold(0u8, |byte, (position, item)| match item {
        AbiValue::Bool(true) => Ok(byte | (0x80 >> position)),
        AbiValue::Bool(false) => Ok(byte),
        _ => Err(mismatch(owner, "a bool member holds another kind of value")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Address;

    fn encode(ty: &str, value: AbiValue) -> String {
        let ty: AbiType = ty.parse().unwrap();
        data_encoding::HEXLOWER.encode(&ty.encode(&value).unwrap())
    }

    fn tuple(items: Vec<AbiValue>) -> AbiValue {
        AbiValue::Tuple(items)
    }

    #[test]
    fn integers_are_big_endian_at_full_width() {
        assert_eq!(encode("uint8", 0u64.into()), "00");
        assert_eq!(encode("uint16", 258u64.into()), "0102");
        assert_eq!(encode("ufixed32x2", 12345u64.into()), "00003039");
    }

    #[test]
    fn strings_and_byte_arrays_carry_a_length() {
        assert_eq!(encode("string", "gm".into()), "0002676d");
        assert_eq!(encode("byte[]", AbiValue::bytes(b"gm")), "0002676d");
        assert_eq!(encode("byte[2]", AbiValue::bytes(b"gm")), "676d");
    }

    #[test]
    fn consecutive_bools_share_a_byte() {
        let bools = |flags: &[bool]| flags.iter().map(|f| AbiValue::Bool(*f)).collect();

        assert_eq!(encode("(bool,bool,bool)", tuple(bools(&[true, false, true]))), "a0");
        assert_eq!(encode("bool[9]", AbiValue::Array(bools(&[true; 9]))), "ff80");
        assert_eq!(encode("bool[]", AbiValue::Array(bools(&[false, true]))), "000240");
    }

    #[test]
    fn dynamic_members_sit_behind_offsets() {
        let value = tuple(vec![7u64.into(), "a".into(), true.into(), "bc".into()]);

        assert_eq!(encode("(uint16,string,bool,string)", value), "0007000780000a00016100026263");
    }

    #[test]
    fn the_arc28_tipped_event_matches_its_layout() {
        let fan = Address([1; 32]);
        let value = tuple(vec![fan.into(), 5u64.into(), "hi".into()]);
        let hex = encode("(address,uint64,string)", value);

        assert_eq!(&hex[64..], "0000000000000005002a00026869");
    }

    #[test]
    fn values_that_do_not_fit_are_rejected() {
        let ty: AbiType = "uint8".parse().unwrap();

        assert!(ty.encode(&256u64.into()).is_err());
        assert!(ty.encode(&true.into()).is_err());

        let array: AbiType = "uint8[2]".parse().unwrap();
        assert!(array.encode(&AbiValue::Array(vec![1u64.into()])).is_err());

        let long = AbiValue::String(vec![b'x'; 70_000]);
        assert!(AbiType::String.encode(&long).is_err());
    }
}
