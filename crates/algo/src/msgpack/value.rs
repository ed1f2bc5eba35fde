//! The generic msgpack value tree.

use std::collections::BTreeMap;

use crate::error::{CodecError, Result};

/// A map key. Transactions only use text keys; blocks also key some maps by integers (sorted
/// numerically, before any text key).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// An unsigned integer key.
    Uint(u64),
    /// A `str` key, compared bytewise. Held as bytes: go-algorand does not require keys to be
    /// UTF-8 (application state keys are arbitrary bytes).
    Str(Vec<u8>),
}

impl From<&str> for Key {
    fn from(key: &str) -> Self {
        Self::Str(key.as_bytes().to_vec())
    }
}

impl From<u64> for Key {
    fn from(key: u64) -> Self {
        Self::Uint(key)
    }
}

/// A msgpack map, kept sorted the way canonical encoding writes it.
pub type Map = BTreeMap<Key, Value>;

/// One msgpack value. Floats and extension types never occur in Algorand data and are rejected
/// by the decoder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// `nil`.
    #[default]
    Nil,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Uint(u64),
    /// A negative integer (non-negative ones are always [`Value::Uint`]).
    Int(i64),
    /// A byte string (`bin`).
    Bytes(Vec<u8>),
    /// A text string (`str`).
    Str(String),
    /// A `str` whose bytes are not UTF-8. go-algorand writes string fields (asset names, URLs)
    /// without validating them, so blocks can hold these; they re-encode unchanged.
    RawStr(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// A map.
    Map(Map),
}

impl Value {
    /// Whether canonical encoding omits this value when it is the value of a map entry: zero,
    /// false, nil, empty strings, arrays and byte strings, and maps whose every entry is empty.
    ///
    /// Go structs also treat all-zero fixed-size byte arrays (addresses, hashes) as empty; a
    /// schema-free tree cannot tell those from byte slices, so the typed transaction layer omits
    /// them and rejects them on input instead.
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Nil | Self::Bool(false) | Self::Uint(0) | Self::Int(0) => true,
            Self::Bool(true) | Self::Uint(_) | Self::Int(_) => false,
            Self::Bytes(bytes) => bytes.is_empty(),
            Self::Str(text) => text.is_empty(),
            Self::RawStr(bytes) => bytes.is_empty(),
            Self::Array(items) => items.is_empty(),
            Self::Map(map) => map.values().all(Value::is_empty),
        }
    }

    /// A map built from text-keyed entries.
    pub fn map<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Self {
        Self::Map(entries.into_iter().map(|(key, value)| (Key::from(key), value)).collect())
    }

    /// The map inside, or a [`CodecError::WrongType`] naming `field`.
    pub fn as_map(&self, field: &str) -> Result<&Map> {
        match self {
            Self::Map(map) => Ok(map),
            _ => Err(wrong_type(field, "map")),
        }
    }

    /// The map inside, mutably.
    pub fn as_map_mut(&mut self, field: &str) -> Result<&mut Map> {
        match self {
            Self::Map(map) => Ok(map),
            _ => Err(wrong_type(field, "map")),
        }
    }

    /// The unsigned integer inside.
    pub fn as_u64(&self, field: &str) -> Result<u64> {
        match self {
            Self::Uint(number) => Ok(*number),
            _ => Err(wrong_type(field, "unsigned integer")),
        }
    }

    /// The byte string inside.
    pub fn as_bytes(&self, field: &str) -> Result<&[u8]> {
        match self {
            Self::Bytes(bytes) => Ok(bytes),
            _ => Err(wrong_type(field, "byte string")),
        }
    }

    /// The text inside.
    pub fn as_str(&self, field: &str) -> Result<&str> {
        match self {
            Self::Str(text) => Ok(text),
            _ => Err(wrong_type(field, "text string")),
        }
    }

    /// The boolean inside.
    pub fn as_bool(&self, field: &str) -> Result<bool> {
        match self {
            Self::Bool(flag) => Ok(*flag),
            _ => Err(wrong_type(field, "boolean")),
        }
    }

    /// The array inside.
    pub fn as_array(&self, field: &str) -> Result<&[Value]> {
        match self {
            Self::Array(items) => Ok(items),
            _ => Err(wrong_type(field, "array")),
        }
    }

    /// The entry of a text-keyed map, `None` when absent (or when this is not a map).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Self::Map(map) => map.get(&Key::from(key)),
            _ => None,
        }
    }
}

fn wrong_type(field: &str, expected: &'static str) -> CodecError {
    CodecError::WrongType { field: field.to_owned(), expected }
}

impl From<u64> for Value {
    fn from(number: u64) -> Self {
        Self::Uint(number)
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Self::Bool(flag)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::Str(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::Str(text)
    }
}

impl From<Vec<u8>> for Value {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Bytes(bytes)
    }
}

impl From<&[u8]> for Value {
    fn from(bytes: &[u8]) -> Self {
        Self::Bytes(bytes.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emptiness_recurses_into_maps_but_not_arrays() {
        let nested = Value::map([("a", Value::Uint(0)), ("b", Value::map([("c", false.into())]))]);
        let array_of_empty = Value::Array(vec![Value::Uint(0)]);

        assert!(nested.is_empty());
        assert!(!array_of_empty.is_empty());
        assert!(!Value::Bytes(vec![0]).is_empty());
    }
}
