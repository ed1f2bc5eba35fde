//! Reading msgpack into a [`Value`], defensively: every length is checked against the input
//! before anything is allocated, nesting is bounded, and no input makes it panic.

use super::value::{Key, Map, Value};
use crate::error::{CodecError, Result};

/// How deeply arrays and maps may nest. Blocks with inner transactions reach about 30.
pub const MAX_DEPTH: usize = 100;

/// Decodes exactly one value spanning all of `bytes`.
pub fn decode(bytes: &[u8]) -> Result<Value> {
    let (value, used) = decode_prefix(bytes)?;
    if used != bytes.len() {
        return Err(CodecError::MsgpackTrailingBytes { offset: used });
    }
    Ok(value)
}

/// Decodes the value at the start of `bytes`, returning it and how many bytes it took, so that
/// a stream of concatenated values can be read one after another.
pub fn decode_prefix(bytes: &[u8]) -> Result<(Value, usize)> {
    let mut reader = Reader { bytes, pos: 0 };
    let value = reader.value(0)?;
    Ok((value, reader.pos))
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn value(&mut self, depth: usize) -> Result<Value> {
        let start = self.pos;
        let marker = self.take(1)?[0];
        match marker {
            0x00..=0x7f => Ok(Value::Uint(u64::from(marker))),
            0x80..=0x8f => self.map(usize::from(marker & 0x0f), depth, start),
            0x90..=0x9f => self.array(usize::from(marker & 0x0f), depth, start),
            0xa0..=0xbf => self.str(usize::from(marker & 0x1f)),
            0xc0 => Ok(Value::Nil),
            0xc2 => Ok(Value::Bool(false)),
            0xc3 => Ok(Value::Bool(true)),
            0xc4..=0xc6 => {
                let len = self.len(marker - 0xc4)?;
                Ok(Value::Bytes(self.take(len)?.to_vec()))
            }
            0xcc..=0xcf => Ok(Value::Uint(self.uint(1 << (marker - 0xcc))?)),
            0xd0..=0xd3 => Ok(signed(self.int(1 << (marker - 0xd0))?)),
            0xd9..=0xdb => {
                let len = self.len(marker - 0xd9)?;
                self.str(len)
            }
            0xdc | 0xdd => {
                let len = self.len(marker - 0xdc + 1)?;
                self.array(len, depth, start)
            }
            0xde | 0xdf => {
                let len = self.len(marker - 0xde + 1)?;
                self.map(len, depth, start)
            }
            0xe0..=0xff => Ok(Value::Int(i64::from(marker as i8))),
            _ => Err(CodecError::MsgpackUnsupported { offset: start, marker }),
        }
    }

    fn take(&mut self, len: usize) -> Result<&[u8]> {
        let end = self.pos.checked_add(len).filter(|end| *end <= self.bytes.len());
        let end = end.ok_or(CodecError::MsgpackTruncated { offset: self.pos })?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn uint(&mut self, width: usize) -> Result<u64> {
        let raw = self.take(width)?;
        Ok(raw.iter().fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte)))
    }

    fn int(&mut self, width: usize) -> Result<i64> {
        let raw = self.uint(width)?;
        let shift = 64 - 8 * width as u32;
        Ok(((raw << shift) as i64) >> shift)
    }

    /// Reads a 1-, 2- or 4-byte length (`size_class` 0, 1, 2).
    fn len(&mut self, size_class: u8) -> Result<usize> {
        let len = self.uint(1 << size_class)?;
        usize::try_from(len).map_err(|_| CodecError::MsgpackTruncated { offset: self.pos })
    }

    fn str(&mut self, len: usize) -> Result<Value> {
        let raw = self.take(len)?.to_vec();
        Ok(match String::from_utf8(raw) {
            Ok(text) => Value::Str(text),
            Err(invalid) => Value::RawStr(invalid.into_bytes()),
        })
    }

    fn array(&mut self, len: usize, depth: usize, start: usize) -> Result<Value> {
        self.enter(depth, len, start)?;
        let mut items = Vec::with_capacity(len);
        for _ in 0..len {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, len: usize, depth: usize, start: usize) -> Result<Value> {
        self.enter(depth, len.saturating_mul(2), start)?;
        let mut map = Map::new();
        for _ in 0..len {
            let key_offset = self.pos;
            let key = self.key()?;
            let value = self.value(depth + 1)?;
            if map.insert(key, value).is_some() {
                return Err(CodecError::MsgpackDuplicateKey { offset: key_offset });
            }
        }
        Ok(Value::Map(map))
    }

    /// Refuses nesting past [`MAX_DEPTH`] and element counts the remaining input cannot hold
    /// (each element takes at least one byte), so a forged length never allocates.
    fn enter(&self, depth: usize, elements: usize, start: usize) -> Result<()> {
        if depth >= MAX_DEPTH {
            return Err(CodecError::MsgpackTooDeep { offset: start, limit: MAX_DEPTH });
        }
        if elements > self.bytes.len() - self.pos {
            return Err(CodecError::MsgpackTruncated { offset: self.pos });
        }
        Ok(())
    }

    fn key(&mut self) -> Result<Key> {
        let offset = self.pos;
        match self.value(MAX_DEPTH - 1)? {
            Value::Str(text) => Ok(Key::Str(text.into_bytes())),
            Value::RawStr(bytes) => Ok(Key::Str(bytes)),
            Value::Uint(number) => Ok(Key::Uint(number)),
            _ => Err(CodecError::MsgpackUnsupportedKey { offset }),
        }
    }
}

fn signed(number: i64) -> Value {
    match u64::try_from(number) {
        Ok(unsigned) => Value::Uint(unsigned),
        Err(_) => Value::Int(number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_scalars_of_every_width() {
        assert_eq!(decode(&[0x7f]), Ok(Value::Uint(127)));
        assert_eq!(decode(&[0xcd, 0x03, 0xe8]), Ok(Value::Uint(1000)));
        assert_eq!(decode(&[0xd0, 0xff]), Ok(Value::Int(-1)));
        assert_eq!(decode(&[0xe0]), Ok(Value::Int(-32)));
        assert_eq!(decode(&[0xa2, b'h', b'i']), Ok(Value::from("hi")));
        assert_eq!(decode(&[0xc4, 0x01, 0x00]), Ok(Value::Bytes(vec![0])));
    }

    #[test]
    fn reports_where_the_input_went_wrong() {
        assert_eq!(decode(&[0x92, 0x01]), Err(CodecError::MsgpackTruncated { offset: 1 }));
        assert_eq!(decode(&[0x01, 0x02]), Err(CodecError::MsgpackTrailingBytes { offset: 1 }));
        let float = [0x91, 0xca, 0, 0, 0, 0];
        assert_eq!(decode(&float), Err(CodecError::MsgpackUnsupported { offset: 1, marker: 0xca }));
    }

    #[test]
    fn refuses_forged_lengths_and_deep_nesting() {
        let huge_array = [0xdd, 0xff, 0xff, 0xff, 0xff];
        let deep = vec![0x91; MAX_DEPTH + 1];

        assert!(matches!(decode(&huge_array), Err(CodecError::MsgpackTruncated { .. })));
        assert!(matches!(decode(&deep), Err(CodecError::MsgpackTooDeep { .. })));
    }

    #[test]
    fn keeps_non_utf8_strings_byte_for_byte() {
        let bytes = [0x81, 0xa1, 0xff, 0xa2, 0xc3, 0x28];

        let value = decode(&bytes).unwrap();

        assert_eq!(value.get("\u{ff}"), None);
        let (key, text) = value.as_map("").unwrap().iter().next().unwrap();
        assert_eq!(key, &Key::Str(vec![0xff]));
        assert_eq!(text, &Value::RawStr(vec![0xc3, 0x28]));
        assert_eq!(super::super::encode(&value), bytes);
    }

    #[test]
    fn refuses_duplicate_and_non_scalar_keys() {
        let duplicate = [0x82, 0xa1, b'a', 0x01, 0xa1, b'a', 0x02];
        let array_key = [0x81, 0x90, 0x01];

        assert_eq!(decode(&duplicate), Err(CodecError::MsgpackDuplicateKey { offset: 4 }));
        assert_eq!(decode(&array_key), Err(CodecError::MsgpackUnsupportedKey { offset: 1 }));
    }
}
