//! Reading typed fields out of msgpack maps and writing them back, with go-algorand's rules:
//! absent means zero, and a present fixed-size value (address, hash) must not be all zeros.

use std::collections::BTreeSet;

use crate::address::Address;
use crate::error::{CodecError, Result};
use crate::msgpack::{Key, Map, Value};

/// Reads the fields of one map, remembering which keys were read so that a field this crate
/// does not model is reported instead of silently dropped.
pub(crate) struct FieldReader<'a> {
    map: &'a Map,
    path: &'a str,
    seen: BTreeSet<&'static str>,
}

impl<'a> FieldReader<'a> {
    pub(crate) fn new(value: &'a Value, path: &'a str) -> Result<Self> {
        Ok(Self { map: value.as_map(path)?, path, seen: BTreeSet::new() })
    }

    pub(crate) fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.seen.insert(key);
        self.map.get(&Key::from(key))
    }

    pub(crate) fn uint(&mut self, key: &'static str) -> Result<u64> {
        self.get(key).map_or(Ok(0), |value| value.as_u64(&self.field(key)))
    }

    pub(crate) fn bool(&mut self, key: &'static str) -> Result<bool> {
        self.get(key).map_or(Ok(false), |value| value.as_bool(&self.field(key)))
    }

    pub(crate) fn bytes(&mut self, key: &'static str) -> Result<Vec<u8>> {
        let field = self.field(key);
        self.get(key).map_or(Ok(Vec::new()), |value| value.as_bytes(&field).map(<[u8]>::to_vec))
    }

    pub(crate) fn text(&mut self, key: &'static str) -> Result<String> {
        let field = self.field(key);
        self.get(key).map_or(Ok(String::new()), |value| value.as_str(&field).map(str::to_owned))
    }

    /// A fixed 32-byte field (hash, lease); `None` when absent.
    pub(crate) fn fixed32(&mut self, key: &'static str) -> Result<Option<[u8; 32]>> {
        let field = self.field(key);
        self.get(key).map(|value| fixed32(value, &field)).transpose()
    }

    pub(crate) fn address(&mut self, key: &'static str) -> Result<Option<Address>> {
        Ok(self.fixed32(key)?.map(Address))
    }

    pub(crate) fn required_address(&mut self, key: &'static str) -> Result<Address> {
        self.address(key)?.ok_or(CodecError::MissingField { field: key })
    }

    pub(crate) fn array(&mut self, key: &'static str) -> Result<&'a [Value]> {
        let field = self.field(key);
        self.get(key).map_or(Ok(&[][..]), |value| value.as_array(&field))
    }

    pub(crate) fn field(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    /// Fails on the first key that was never read.
    pub(crate) fn finish(self) -> Result<()> {
        let unread = self.map.keys().find(|key| match key {
            Key::Str(text) => std::str::from_utf8(text).map_or(true, |k| !self.seen.contains(k)),
            Key::Uint(_) => true,
        });
        match unread {
            Some(key) => Err(CodecError::InvalidField {
                field: self.field(&key_text(key)),
                reason: "field not modelled by this crate",
            }),
            None => Ok(()),
        }
    }
}

/// A 32-byte value that canonical encoding would not have omitted.
pub(crate) fn fixed32(value: &Value, field: &str) -> Result<[u8; 32]> {
    let bytes: [u8; 32] =
        value.as_bytes(field)?.try_into().map_err(|_| invalid(field, "not 32 bytes"))?;
    if bytes == [0; 32] {
        return Err(invalid(field, "all-zero value must be omitted"));
    }
    Ok(bytes)
}

pub(crate) fn fixed64(value: &Value, field: &str) -> Result<[u8; 64]> {
    value.as_bytes(field)?.try_into().map_err(|_| invalid(field, "not 64 bytes"))
}

pub(crate) fn invalid(field: &str, reason: &'static str) -> CodecError {
    CodecError::InvalidField { field: field.to_owned(), reason }
}

fn key_text(key: &Key) -> String {
    match key {
        Key::Str(text) => String::from_utf8_lossy(text).into_owned(),
        Key::Uint(number) => number.to_string(),
    }
}

/// Builds a map, leaving out what canonical encoding would omit anyway plus all-zero fixed-size
/// values, which only the typed layer can recognise.
#[derive(Default)]
pub(crate) struct FieldWriter(Map);

impl FieldWriter {
    pub(crate) fn value(&mut self, key: &str, value: Value) -> &mut Self {
        if !value.is_empty() {
            self.0.insert(Key::from(key), value);
        }
        self
    }

    pub(crate) fn uint(&mut self, key: &str, number: u64) -> &mut Self {
        self.value(key, Value::Uint(number))
    }

    pub(crate) fn bytes(&mut self, key: &str, bytes: &[u8]) -> &mut Self {
        self.value(key, Value::from(bytes))
    }

    pub(crate) fn text(&mut self, key: &str, text: &str) -> &mut Self {
        self.value(key, Value::from(text))
    }

    pub(crate) fn fixed32(&mut self, key: &str, bytes: Option<&[u8; 32]>) -> &mut Self {
        match bytes {
            Some(bytes) if *bytes != [0; 32] => self.bytes(key, bytes),
            _ => self,
        }
    }

    pub(crate) fn address(&mut self, key: &str, address: Option<&Address>) -> &mut Self {
        self.fixed32(key, address.map(Address::as_bytes))
    }

    pub(crate) fn finish(&mut self) -> Value {
        Value::Map(std::mem::take(&mut self.0))
    }
}
