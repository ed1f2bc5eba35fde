//! `json_ref`: one key of a top-level JSON object, as a string, uint64 or raw object.

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::Vm;
use crate::eval::value::Value;

pub(super) fn exec(vm: &mut Vm<'_, '_>) -> OpResult {
    let kind = vm.imm(1);
    let key = vm.pop_bytes()?;
    let text = vm.pop_bytes()?;
    let raw = lookup(&text, &key)?;
    let value = match kind {
        0 => Value::Bytes(as_string(raw)?),
        1 => Value::Uint(as_uint(raw)?),
        2 if raw.first() == Some(&b'{') => Value::Bytes(raw.to_vec()),
        2 => return invalid("only json object is allowed"),
        k => return fault(FaultKind::Program, format!("invalid json_ref type {k}")),
    };
    vm.push(value);
    Ok(())
}

fn invalid<T>(why: &str) -> OpResult<T> {
    fault(FaultKind::Bounds, format!("invalid json text, {why}"))
}

fn parse_error<T>() -> OpResult<T> {
    fault(FaultKind::Bounds, "invalid json text")
}

/// The raw text of `key`'s value in the object `text`.
fn lookup<'t>(text: &'t [u8], key: &[u8]) -> OpResult<&'t [u8]> {
    let mut p = Parser { text, pos: 0 };
    p.skip_ws();
    if p.peek() != Some(b'{') {
        return invalid("only json object is allowed");
    }
    let members = p.object()?;
    p.skip_ws();
    if p.pos != text.len() {
        return parse_error();
    }
    let mut found = None;
    for (i, (name, span)) in members.iter().enumerate() {
        if members[..i].iter().any(|(other, _)| other == name) {
            return invalid("duplicate keys not allowed");
        }
        if name == key {
            found = Some(&text[span.0..span.1]);
        }
    }
    match found {
        Some(raw) => Ok(raw),
        None => {
            let key = String::from_utf8_lossy(key);
            fault(FaultKind::Bounds, format!("key {key} not found in JSON text"))
        }
    }
}

fn as_string(raw: &[u8]) -> OpResult<Vec<u8>> {
    let mut p = Parser { text: raw, pos: 0 };
    if p.peek() != Some(b'"') {
        return fault(FaultKind::Bounds, "error while parsing JSON text, not a string");
    }
    p.string()
}

fn as_uint(raw: &[u8]) -> OpResult<u64> {
    let digits = std::str::from_utf8(raw).unwrap_or("");
    match digits.parse::<u64>() {
        Ok(n) if digits.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => fault(
            FaultKind::Bounds,
            format!("error while parsing JSON text, {digits} is not a uint64"),
        ),
    }
}

/// An object member: its key and the byte span of its value.
type Member = (Vec<u8>, (usize, usize));

struct Parser<'t> {
    text: &'t [u8],
    pos: usize,
}

/// Deepest nesting accepted, so hostile input cannot exhaust the native stack.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> OpResult {
        self.skip_ws();
        if self.peek() != Some(byte) {
            return parse_error();
        }
        self.pos += 1;
        Ok(())
    }

    /// Members of the object at `pos`: each key and the span of its value.
    fn object(&mut self) -> OpResult<Vec<Member>> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(members);
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.expect(b':')?;
            self.skip_ws();
            let start = self.pos;
            self.value(0)?;
            members.push((key, (start, self.pos)));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(members);
                }
                _ => return parse_error(),
            }
        }
    }

    fn value(&mut self, depth: usize) -> OpResult {
        if depth > MAX_DEPTH {
            return parse_error();
        }
        self.skip_ws();
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'{' | b'[') => self.container(depth),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
                    self.pos += 1;
                }
                if self.pos == start { parse_error() } else { Ok(()) }
            }
            _ => parse_error(),
        }
    }

    fn container(&mut self, depth: usize) -> OpResult {
        let close = if self.peek() == Some(b'{') { b'}' } else { b']' };
        let is_object = close == b'}';
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            if is_object {
                self.skip_ws();
                self.string()?;
                self.expect(b':')?;
            }
            self.value(depth + 1)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return parse_error(),
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> OpResult {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            return Ok(());
        }
        parse_error()
    }

    /// The unescaped contents of the string at `pos`.
    fn string(&mut self) -> OpResult<Vec<u8>> {
        if self.peek() != Some(b'"') {
            return parse_error();
        }
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else { return parse_error() };
            self.pos += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => self.escape(&mut out)?,
                c if c < 0x20 => return parse_error(),
                c => out.push(c),
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> OpResult {
        let Some(c) = self.peek() else { return parse_error() };
        self.pos += 1;
        let simple = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let hex = self.text.get(self.pos..self.pos + 4).unwrap_or(&[]);
                let code =
                    std::str::from_utf8(hex).ok().and_then(|h| u32::from_str_radix(h, 16).ok());
                let Some(code) = code else { return parse_error() };
                self.pos += 4;
                let ch = char::from_u32(code).unwrap_or('\u{fffd}');
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(());
            }
            _ => return parse_error(),
        };
        out.push(simple);
        Ok(())
    }
}
