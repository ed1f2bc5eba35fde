//! Canonical msgpack writing: what go-algorand's codec (`Canonical`, `RecursiveEmptyCheck`,
//! `PositiveIntUnsigned`, every field `omitempty`) produces.

use super::decode::decode;
use super::value::{Key, Map, Value};
use crate::error::{CodecError, Result};

/// The canonical encoding of `value`.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    encode_into(value, &mut out);
    out
}

/// Appends the canonical encoding of `value` to `out`.
pub fn encode_into(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Nil => out.push(0xc0),
        Value::Bool(flag) => out.push(if *flag { 0xc3 } else { 0xc2 }),
        Value::Uint(number) => write_uint(*number, out),
        Value::Int(number) => write_int(*number, out),
        Value::Bytes(bytes) => write_bin(bytes, out),
        Value::Str(text) => write_str(text.as_bytes(), out),
        Value::RawStr(bytes) => write_str(bytes, out),
        Value::Array(items) => {
            write_header(items.len(), 0x90, 0xdc, out);
            items.iter().for_each(|item| encode_into(item, out));
        }
        Value::Map(map) => write_map(map, out),
    }
}

/// Checks that `bytes` are exactly the canonical encoding of what they decode to, returning
/// the decoded value. On failure the error names the offset of the first differing byte.
pub fn check_canonical(bytes: &[u8]) -> Result<Value> {
    let value = decode(bytes)?;
    let canonical = encode(&value);
    if canonical != bytes {
        let offset = canonical.iter().zip(bytes).take_while(|(a, b)| a == b).count();
        return Err(CodecError::NonCanonical { offset });
    }
    Ok(value)
}

fn write_map(map: &Map, out: &mut Vec<u8>) {
    let kept = || map.iter().filter(|(_, value)| !value.is_empty());
    write_header(kept().count(), 0x80, 0xde, out);
    for (key, value) in kept() {
        match key {
            Key::Uint(number) => write_uint(*number, out),
            Key::Str(text) => write_str(text, out),
        }
        encode_into(value, out);
    }
}

fn write_uint(number: u64, out: &mut Vec<u8>) {
    match number {
        0..=0x7f => out.push(number as u8),
        0x80..=0xff => out.extend_from_slice(&[0xcc, number as u8]),
        0x100..=0xffff => {
            out.push(0xcd);
            out.extend_from_slice(&(number as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xce);
            out.extend_from_slice(&(number as u32).to_be_bytes());
        }
        _ => {
            out.push(0xcf);
            out.extend_from_slice(&number.to_be_bytes());
        }
    }
}

fn write_int(number: i64, out: &mut Vec<u8>) {
    if let Ok(unsigned) = u64::try_from(number) {
        return write_uint(unsigned, out);
    }
    match number {
        -32..=-1 => out.push(number as u8),
        -0x80..=-33 => out.extend_from_slice(&[0xd0, number as u8]),
        -0x8000..=-0x81 => {
            out.push(0xd1);
            out.extend_from_slice(&(number as i16).to_be_bytes());
        }
        -0x8000_0000..=-0x8001 => {
            out.push(0xd2);
            out.extend_from_slice(&(number as i32).to_be_bytes());
        }
        _ => {
            out.push(0xd3);
            out.extend_from_slice(&number.to_be_bytes());
        }
    }
}

fn write_bin(bytes: &[u8], out: &mut Vec<u8>) {
    match bytes.len() {
        len @ 0..=0xff => out.extend_from_slice(&[0xc4, len as u8]),
        len @ 0x100..=0xffff => {
            out.push(0xc5);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        len => {
            out.push(0xc6);
            out.extend_from_slice(&len32(len).to_be_bytes());
        }
    }
    out.extend_from_slice(bytes);
}

fn write_str(text: &[u8], out: &mut Vec<u8>) {
    match text.len() {
        len @ 0..=0x1f => out.push(0xa0 | len as u8),
        len @ 0x20..=0xff => out.extend_from_slice(&[0xd9, len as u8]),
        len @ 0x100..=0xffff => {
            out.push(0xda);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        len => {
            out.push(0xdb);
            out.extend_from_slice(&len32(len).to_be_bytes());
        }
    }
    out.extend_from_slice(text);
}

/// Writes an array (`fix` 0x90, `wide` 0xdc) or map (0x80, 0xde) header.
fn write_header(len: usize, fix: u8, wide: u8, out: &mut Vec<u8>) {
    match len {
        0..=0x0f => out.push(fix | len as u8),
        0x10..=0xffff => {
            out.push(wide);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(wide + 1);
            out.extend_from_slice(&len32(len).to_be_bytes());
        }
    }
}

/// msgpack cannot express lengths of 4 GiB or more; nothing Algorand encodes comes near.
fn len32(len: usize) -> u32 {
    u32::try_from(len).expect("msgpack lengths are below 4 GiB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_take_the_shortest_unsigned_form() {
        let cases: [(u64, &[u8]); 5] = [
            (127, &[0x7f]),
            (128, &[0xcc, 0x80]),
            (1000, &[0xcd, 0x03, 0xe8]),
            (1_000_000, &[0xce, 0x00, 0x0f, 0x42, 0x40]),
            (u64::MAX, &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ];

        for (number, expected) in cases {
            assert_eq!(encode(&Value::Uint(number)), expected, "{number}");
        }
    }

    #[test]
    fn maps_sort_keys_and_drop_empty_values_recursively() {
        let value = Value::map([
            ("zz", Value::Uint(1)),
            ("a", Value::Uint(0)),
            ("nested", Value::map([("x", Value::Bytes(vec![]))])),
            ("b", Value::Array(vec![Value::map([("k", Value::Uint(0))])])),
        ]);

        assert_eq!(encode(&value), [0x82, 0xa1, b'b', 0x91, 0x80, 0xa2, b'z', b'z', 0x01]);
    }

    #[test]
    fn integer_keys_sort_numerically_before_text() {
        let mut map = Map::new();
        map.insert(Key::from("a"), Value::Uint(1));
        map.insert(Key::Uint(300), Value::Uint(1));
        map.insert(Key::Uint(2), Value::Uint(1));

        let bytes = encode(&Value::Map(map));

        assert_eq!(bytes, [0x83, 0x02, 0x01, 0xcd, 0x01, 0x2c, 0x01, 0xa1, b'a', 0x01]);
    }

    #[test]
    fn the_check_points_at_the_first_non_canonical_byte() {
        let unsorted = [0x82, 0xa1, b'b', 0x01, 0xa1, b'a', 0x01];
        let wide_int = [0xcd, 0x00, 0x05];
        let zero_kept = [0x81, 0xa1, b'a', 0x00];

        assert_eq!(check_canonical(&unsorted), Err(CodecError::NonCanonical { offset: 2 }));
        assert_eq!(check_canonical(&wide_int), Err(CodecError::NonCanonical { offset: 0 }));
        assert_eq!(check_canonical(&zero_kept), Err(CodecError::NonCanonical { offset: 0 }));
        assert_eq!(check_canonical(&[0x01]), Ok(Value::Uint(1)));
    }
}
