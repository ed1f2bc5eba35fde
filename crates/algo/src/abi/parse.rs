//! Reading ARC-4 type strings such as `(uint64,bool[3],string)[]`.

use std::str::FromStr;

use crate::abi::types::{AbiType, MAX_NESTING, valid_bits};
use crate::error::{CodecError, Result};

impl FromStr for AbiType {
    type Err = CodecError;

    /// Parses the canonical spelling only: no spaces, no leading zeros, lower case.
    fn from_str(text: &str) -> Result<Self> {
        let parsed = parse_type(text, 0)?;
        parsed.check()?;
        Ok(parsed)
    }
}

fn parse_type(text: &str, depth: usize) -> Result<AbiType> {
    let invalid = |reason| CodecError::AbiTypeInvalid { input: text.to_owned(), reason };
    if depth > MAX_NESTING {
        return Err(invalid("nested too deeply"));
    }
    if let Some(element) = text.strip_suffix("[]") {
        return Ok(AbiType::DynamicArray(Box::new(parse_type(element, depth + 1)?)));
    }
    if let Some(body) = text.strip_suffix(']') {
        let open = body.rfind('[').ok_or_else(|| invalid("unmatched ']'"))?;
        let len = parse_decimal(&body[open + 1..]).ok_or_else(|| invalid("bad array length"))?;
        let element = parse_type(&body[..open], depth + 1)?;
        return Ok(AbiType::StaticArray(Box::new(element), len));
    }
    if let Some(inner) = text.strip_prefix('(').and_then(|rest| rest.strip_suffix(')')) {
        let members = split_top_level(inner).ok_or_else(|| invalid("malformed tuple"))?;
        let members = members.into_iter().map(|member| parse_type(member, depth + 1));
        return Ok(AbiType::Tuple(members.collect::<Result<_>>()?));
    }
    parse_scalar(text).ok_or_else(|| invalid("unknown type"))
}

fn parse_scalar(text: &str) -> Option<AbiType> {
    match text {
        "bool" => return Some(AbiType::Bool),
        "byte" => return Some(AbiType::Byte),
        "address" => return Some(AbiType::Address),
        "string" => return Some(AbiType::String),
        _ => {}
    }
    if let Some(bits) = text.strip_prefix("uint") {
        return parse_bits(bits).map(AbiType::Uint);
    }
    let (bits, precision) = text.strip_prefix("ufixed")?.split_once('x')?;
    let precision = parse_decimal(precision)?;
    let precision = u8::try_from(precision).ok().filter(|p| (1..=160).contains(p))?;
    Some(AbiType::Ufixed { bits: parse_bits(bits)?, precision })
}

fn parse_bits(text: &str) -> Option<u16> {
    let bits = u16::try_from(parse_decimal(text)?).ok()?;
    valid_bits(bits).then_some(bits)
}

/// A decimal number spelled canonically: digits only, no leading zero (except `0` itself).
fn parse_decimal(text: &str) -> Option<usize> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return None;
    }
    text.parse().ok()
}

/// Splits `a,(b,c),d` at the commas outside parentheses; `None` when a member is empty or the
/// parentheses do not balance. The empty string is the empty list.
pub(crate) fn split_top_level(text: &str) -> Option<Vec<&str>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' => depth = depth.checked_sub(1)?,
            b',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    let balanced = depth == 0 && parts.iter().all(|part| !part.is_empty());
    balanced.then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> AbiType {
        text.parse().unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn canonical_spellings_round_trip() {
        let spellings = [
            "uint8",
            "uint512",
            "ufixed64x2",
            "ufixed512x160",
            "bool",
            "byte",
            "address",
            "string",
            "byte[]",
            "byte[32]",
            "uint64[0]",
            "bool[3][]",
            "()",
            "(uint64,(bool,string[2]),address[])[7]",
        ];

        for text in spellings {
            assert_eq!(parse(text).to_string(), text);
        }
    }

    #[test]
    fn arrays_nest_outward() {
        let expected =
            AbiType::StaticArray(Box::new(AbiType::StaticArray(Box::new(AbiType::Byte), 2)), 3);

        assert_eq!(parse("byte[2][3]"), expected);
    }

    #[test]
    fn malformed_types_are_rejected() {
        let bad = [
            "",
            "uint",
            "uint7",
            "uint0",
            "uint520",
            "uint064",
            "int64",
            "ufixed64x0",
            "ufixed64x161",
            "ufixed64",
            "ufixedx2",
            "bool[",
            "bool]",
            "bool[01]",
            "bool[-1]",
            "bool[ 1]",
            "(",
            ")",
            "(uint8",
            "(uint8,)",
            "(,uint8)",
            "(uint8,,bool)",
            "(uint8))(",
            "Bool",
            "uint64 ",
            "string[]x",
        ];

        for text in bad {
            assert!(text.parse::<AbiType>().is_err(), "{text:?} parsed");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}uint8{}", "(".repeat(40), ")".repeat(40));
        let error = deep.parse::<AbiType>().unwrap_err();

        assert!(matches!(error, CodecError::AbiTypeInvalid { reason: "nested too deeply", .. }));
        assert!(
            parse(&format!("{}uint8{}", "(".repeat(30), ")".repeat(30))).static_size() == Some(1)
        );
    }
}
