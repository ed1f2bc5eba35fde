//! Number and byte-string literals, parsed with the exact rules of go-algorand's assembler
//! (which are Go's `strconv` and `encoding` rules).

use data_encoding::{BitOrder, Encoding, Specification};
use std::sync::OnceLock;

/// Parses an unsigned integer the way Go's `strconv.ParseUint(s, 0, 64)` does: `0x`, `0o`,
/// `0b` and leading-`0` octal prefixes and `_` digit separators.
pub(crate) fn parse_uint(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let (radix, digits) = match bytes {
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (16, &bytes[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (8, &bytes[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (2, &bytes[2..]),
        [b'0', ..] => (8, &bytes[1..]),
        _ => (10, bytes),
    };
    let mut value: u64 = 0;
    let mut underscores = false;
    for &byte in digits {
        if byte == b'_' {
            underscores = true;
            continue;
        }
        let digit = char::from(byte).to_digit(radix)?;
        value = value.checked_mul(u64::from(radix))?.checked_add(u64::from(digit))?;
    }
    if underscores && !underscores_ok(bytes) {
        return None;
    }
    Some(value)
}

/// Go's rule for `_` in numbers: only between digits (a base prefix counts as a digit).
fn underscores_ok(bytes: &[u8]) -> bool {
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if bytes.len() >= 2 && bytes[0] == b'0' && matches!(bytes[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = bytes[1] | 0x20 == b'x';
    }
    for &byte in &bytes[i..] {
        if byte.is_ascii_digit() || (hex && (byte | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if byte == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// Parses only decimal digits (Go's `strconv.ParseUint(s, 10, 64)`).
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses a signed integer with base prefixes that fits in `bits` bits (Go's
/// `strconv.ParseInt(s, 0, bits)`).
pub(crate) fn parse_int(text: &str, bits: u32) -> Option<i64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = i128::from(parse_uint(rest)?);
    let value = if negative { -magnitude } else { magnitude };
    let limit = 1i128 << (bits - 1);
    (-limit..limit).contains(&value).then_some(value as i64)
}

/// Parses a signed decimal integer that fits in 8 bits (Go's `strconv.ParseInt(s, 10, 8)`).
pub(crate) fn parse_int8(text: &str) -> Option<i8> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses `true`/`false` the way Go's `strconv.ParseBool` does.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn encoding(symbols: &str, padding: Option<char>) -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str(symbols);
    spec.padding = padding;
    spec.check_trailing_bits = false;
    spec.bit_order = BitOrder::MostSignificantFirst;
    spec.ignore.push_str("\r\n");
    spec.encoding().expect("valid encoding specification")
}

const BASE64_SYMBOLS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE32_SYMBOLS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Whether padding appears only at the end (Go stops at the first padding; data-encoding
/// would go on decoding concatenated padded blocks).
fn padding_only_at_end(text: &str) -> bool {
    !text.trim_end_matches('=').contains('=')
}

/// Standard padded base64, lenient about trailing bits like Go's `base64.StdEncoding`.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    static ENCODING: OnceLock<Encoding> = OnceLock::new();
    if !padding_only_at_end(text) {
        return None;
    }
    ENCODING.get_or_init(|| encoding(BASE64_SYMBOLS, Some('='))).decode(text.as_bytes()).ok()
}

/// Standard base32, unpadded or padded, lenient about trailing bits (go-algorand's
/// `base32DecodeAnyPadding`).
pub(crate) fn decode_base32(text: &str) -> Option<Vec<u8>> {
    static UNPADDED: OnceLock<Encoding> = OnceLock::new();
    static PADDED: OnceLock<Encoding> = OnceLock::new();
    let unpadded = UNPADDED.get_or_init(|| encoding(BASE32_SYMBOLS, None));
    let padded = PADDED.get_or_init(|| encoding(BASE32_SYMBOLS, Some('=')));
    if !padding_only_at_end(text) {
        return None;
    }
    unpadded.decode(text.as_bytes()).or_else(|_| padded.decode(text.as_bytes())).ok()
}

/// Decodes hex digits (either case, even length).
pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 2 != 0 {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            Some((high * 16 + low) as u8)
        })
        .collect()
}

/// Decodes a double-quoted string literal with `\n \r \t \\ \" \xHH` escapes.
pub(crate) fn parse_string(text: &str) -> Result<Vec<u8>, String> {
    let input = text.as_bytes();
    if input.len() < 2 || input[0] != b'"' || input[input.len() - 1] != b'"' {
        return Err("no quotes".into());
    }
    let end = input.len() - 1;
    let mut result = Vec::with_capacity(end);
    let mut escape = false;
    let mut hex = false;
    let mut pos = 1;
    while pos < end {
        let mut byte = input[pos];
        if byte == b'\\' && !escape {
            if hex {
                return Err("escape sequence inside hex number".into());
            }
            escape = true;
            pos += 1;
            continue;
        }
        if escape {
            escape = false;
            byte = match byte {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'\\' => b'\\',
                b'"' => b'"',
                b'x' => {
                    hex = true;
                    pos += 1;
                    continue;
                }
                other => return Err(format!("invalid escape sequence \\{}", char::from(other))),
            };
        }
        if hex {
            hex = false;
            if pos >= input.len() - 2 {
                return Err("non-terminated hex sequence".into());
            }
            let digits = std::str::from_utf8(&input[pos..pos + 2]).ok();
            byte = digits
                .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or_else(|| "invalid hex escape".to_string())?;
            pos += 1;
        }
        result.push(byte);
        pos += 1;
    }
    if escape || hex {
        return Err("non-terminated escape sequence".into());
    }
    Ok(result)
}

/// A byte-string literal decoded from the head of an argument list.
pub(crate) struct ByteLiteral {
    pub(crate) value: Vec<u8>,
    /// How many argument tokens it took (1 or 2).
    pub(crate) consumed: usize,
}

/// Why a byte literal did not parse, and which argument (0 or 1) is to blame.
pub(crate) struct LiteralError {
    pub(crate) blamed: usize,
    pub(crate) message: String,
}

fn blame(blamed: usize, message: impl Into<String>) -> LiteralError {
    LiteralError { blamed, message: message.into() }
}

fn parenthesised(arg: &str) -> Result<&str, LiteralError> {
    let open = arg.find('(').unwrap_or(0);
    let close = arg
        .find(')')
        .ok_or_else(|| blame(0, format!("argument {arg} lacks closing parenthesis")))?;
    if close != arg.len() - 1 {
        return Err(blame(0, format!("argument {arg} must end at first closing parenthesis")));
    }
    if close < open {
        return Err(blame(0, format!("argument {arg} must end at first closing parenthesis")));
    }
    Ok(&arg[open + 1..close])
}

/// Parses one byte literal from `args` (`0x..`, `"..."`, `base64(..)`, `b64 ..`, `base32(..)`,
/// `b32 ..`), reporting how many tokens it used.
pub(crate) fn parse_byte_literal(args: &[&str]) -> Result<ByteLiteral, LiteralError> {
    let arg = args[0];
    let one = |value| Ok(ByteLiteral { value, consumed: 1 });
    let two = |value| Ok(ByteLiteral { value, consumed: 2 });
    if arg.starts_with("base32(") || arg.starts_with("b32(") {
        let inner = parenthesised(arg)?;
        return decode_base32(inner).map_or_else(|| Err(blame(0, "illegal base32 data")), one);
    }
    if arg.starts_with("base64(") || arg.starts_with("b64(") {
        let inner = parenthesised(arg)?;
        return decode_base64(inner).map_or_else(|| Err(blame(0, "illegal base64 data")), one);
    }
    if let Some(digits) = arg.strip_prefix("0x") {
        return decode_hex(digits).map_or_else(|| Err(blame(0, "invalid hex literal")), one);
    }
    if matches!(arg, "base32" | "b32" | "base64" | "b64") {
        let Some(data) = args.get(1) else {
            return Err(blame(0, format!("{arg} needs byte literal argument")));
        };
        let decoded = if arg.ends_with("32") { decode_base32(data) } else { decode_base64(data) };
        return decoded.map_or_else(|| Err(blame(1, format!("illegal {arg} data"))), two);
    }
    if arg.len() > 1 && arg.starts_with('"') && arg.ends_with('"') {
        return parse_string(arg).map_or_else(|message| Err(blame(0, message)), one);
    }
    Err(blame(0, format!("arg did not parse: {arg}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_style_unsigned_integers() {
        assert_eq!(parse_uint("0x10"), Some(16));
        assert_eq!(parse_uint("010"), Some(8));
        assert_eq!(parse_uint("0o17"), Some(15));
        assert_eq!(parse_uint("0b101"), Some(5));
        assert_eq!(parse_uint("1_000"), Some(1000));
        assert_eq!(parse_uint("0"), Some(0));
        assert_eq!(parse_uint("18446744073709551615"), Some(u64::MAX));
        for bad in ["", "0x", "1__0", "_1", "1_", "08", "18446744073709551616", "-1", "1a"] {
            assert_eq!(parse_uint(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_string_escapes() {
        assert_eq!(parse_string(r#""a\n\x41\"""#).ok(), Some(b"a\nA\"".to_vec()));
        assert!(parse_string(r#""\q""#).is_err());
        assert!(parse_string(r#""\x4""#).is_err());
    }

    #[test]
    fn decodes_base_encodings_leniently() {
        assert_eq!(decode_base64("AB=="), Some(vec![0]));
        assert_eq!(decode_base64("AA"), None);
        assert_eq!(decode_base32("ME"), Some(b"a".to_vec()));
        assert_eq!(decode_base32("ME======"), Some(b"a".to_vec()));
    }
}
