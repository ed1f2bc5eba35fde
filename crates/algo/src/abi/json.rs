//! A JSON form of ABI values, for APIs and test fixtures.
//!
//! `uintN` and `ufixedNxM` are decimal strings (the raw integer; JSON numbers lose precision
//! past 2^53), `bool` is a boolean, `byte` a number, `address` its 58-character text, `string`
//! its text, arrays and tuples are JSON arrays.

use num_bigint::BigUint;
use serde_json::Value;

use crate::abi::types::AbiType;
use crate::abi::value::AbiValue;
use crate::error::{CodecError, Result};

impl AbiValue {
    /// This value, of type `ty`, in its JSON form.
    pub fn to_json(&self, ty: &AbiType) -> Result<Value> {
        let json = match (ty, self) {
            (AbiType::Uint(_) | AbiType::Ufixed { .. }, Self::Uint(number)) => {
                Value::String(number.to_string())
            }
            (AbiType::Bool, Self::Bool(flag)) => Value::Bool(*flag),
            (AbiType::Byte, Self::Byte(byte)) => Value::from(*byte),
            (AbiType::Address, Self::Address(address)) => Value::String(address.to_string()),
            (AbiType::String, Self::String(_)) => {
                let text = self.as_str().ok_or_else(|| mismatch(ty, "string is not UTF-8"))?;
                Value::String(text.to_owned())
            }
            (
                AbiType::StaticArray(element, _) | AbiType::DynamicArray(element),
                Self::Array(items),
            ) => {
                Value::Array(items.iter().map(|item| item.to_json(element)).collect::<Result<_>>()?)
            }
            (AbiType::Tuple(members), Self::Tuple(items)) if members.len() == items.len() => {
                let pairs = members.iter().zip(items);
                Value::Array(
                    pairs.map(|(member, item)| item.to_json(member)).collect::<Result<_>>()?,
                )
            }
            _ => return Err(mismatch(ty, "value is of another kind")),
        };
        Ok(json)
    }

    /// The value of type `ty` that `json` writes. Lengths are checked when encoding, not here.
    pub fn from_json(ty: &AbiType, json: &Value) -> Result<Self> {
        let wrong = || mismatch(ty, "JSON value is of another kind");
        let value = match ty {
            AbiType::Uint(_) | AbiType::Ufixed { .. } => {
                let text = json.as_str().ok_or_else(wrong)?;
                let digits = text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty();
                let number = digits.then(|| text.parse::<BigUint>().ok()).flatten();
                Self::Uint(number.ok_or_else(|| mismatch(ty, "not a decimal integer"))?)
            }
            AbiType::Bool => Self::Bool(json.as_bool().ok_or_else(wrong)?),
            AbiType::Byte => {
                let byte = json.as_u64().and_then(|n| u8::try_from(n).ok());
                Self::Byte(byte.ok_or_else(wrong)?)
            }
            AbiType::Address => Self::Address(json.as_str().ok_or_else(wrong)?.parse()?),
            AbiType::String => Self::string(json.as_str().ok_or_else(wrong)?),
            AbiType::StaticArray(element, _) | AbiType::DynamicArray(element) => {
                let items = json.as_array().ok_or_else(wrong)?;
                Self::Array(
                    items
                        .iter()
                        .map(|item| Self::from_json(element, item))
                        .collect::<Result<_>>()?,
                )
            }
            AbiType::Tuple(members) => {
                let items = json.as_array().filter(|items| items.len() == members.len());
                let pairs = members.iter().zip(items.ok_or_else(wrong)?);
                Self::Tuple(
                    pairs
                        .map(|(member, item)| Self::from_json(member, item))
                        .collect::<Result<_>>()?,
                )
            }
        };
        Ok(value)
    }
}

fn mismatch(ty: &AbiType, reason: &'static str) -> CodecError {
    CodecError::AbiValueMismatch { abi_type: ty.to_string(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Address;

    #[test]
    fn json_round_trips() {
        let ty: AbiType = "(uint512,bool,byte,address,string,uint8[2])".parse().unwrap();
        let max = (BigUint::from(1u8) << 512u32) - 1u8;
        let json = serde_json::json!([
            max.to_string(),
            true,
            255,
            Address::ZERO.to_string(),
            "日本 🎉",
            ["0", "1"]
        ]);
        let value = AbiValue::from_json(&ty, &json).unwrap();

        assert_eq!(value.to_json(&ty).unwrap(), json);
        assert!(ty.encode(&value).is_ok());
    }

    #[test]
    fn malformed_json_is_rejected() {
        let uint = AbiType::UINT64;

        assert!(AbiValue::from_json(&uint, &serde_json::json!(5)).is_err());
        assert!(AbiValue::from_json(&uint, &serde_json::json!("-5")).is_err());
        assert!(AbiValue::from_json(&uint, &serde_json::json!("+5")).is_err());
        assert!(AbiValue::from_json(&AbiType::Byte, &serde_json::json!(256)).is_err());
        assert!(AbiValue::from_json(&"(bool)".parse().unwrap(), &serde_json::json!([])).is_err());
    }
}
