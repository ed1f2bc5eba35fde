//! ARC-4 method signatures such as `tip(pay,string)void`, and the app-call arguments they
//! describe.

use std::fmt;
use std::str::FromStr;

use crate::abi::parse::split_top_level;
use crate::abi::selector::Selector;
use crate::abi::types::{AbiType, write_tuple};
use crate::abi::value::AbiValue;
use crate::error::{CodecError, Result};

/// App-call argument slots after the selector; later ABI arguments share the last slot.
const MAX_ARG_SLOTS: usize = 15;

/// An ARC-4 method: its name, argument types and return type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Method {
    /// The method name.
    pub name: String,
    /// The argument types in order.
    pub args: Vec<ArgType>,
    /// The return type.
    pub returns: Returns,
}

/// The type of one method argument.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ArgType {
    /// An ABI value passed in an app-call argument.
    Abi(AbiType),
    /// A transaction placed just before the app call in the group; it takes no argument slot.
    Transaction(TxnType),
    /// An account, asset or application, passed as a `uint8` index into the call's foreign
    /// arrays (index 0 is the sender or the called app).
    Reference(ReferenceType),
}

/// The transaction-typed arguments ARC-4 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxnType {
    /// `txn`: any transaction.
    Any,
    /// `pay`.
    Pay,
    /// `keyreg`.
    KeyReg,
    /// `acfg`.
    AssetConfig,
    /// `axfer`.
    AssetTransfer,
    /// `afrz`.
    AssetFreeze,
    /// `appl`.
    AppCall,
}

/// The reference-typed arguments ARC-4 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceType {
    /// `account`: an index into the accounts array.
    Account,
    /// `asset`: an index into the foreign assets array.
    Asset,
    /// `application`: an index into the foreign apps array.
    Application,
}

/// A method's return type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Returns {
    /// `void`: nothing is logged.
    Void,
    /// A value logged after the return prefix.
    Value(AbiType),
}

impl TxnType {
    const ALL: [Self; 7] = [
        Self::Any,
        Self::Pay,
        Self::KeyReg,
        Self::AssetConfig,
        Self::AssetTransfer,
        Self::AssetFreeze,
        Self::AppCall,
    ];

    /// The name used in signatures.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Any => "txn",
            Self::Pay => "pay",
            Self::KeyReg => "keyreg",
            Self::AssetConfig => "acfg",
            Self::AssetTransfer => "axfer",
            Self::AssetFreeze => "afrz",
            Self::AppCall => "appl",
        }
    }
}

impl ReferenceType {
    /// The name used in signatures.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Asset => "asset",
            Self::Application => "application",
        }
    }
}

impl Method {
    /// The canonical signature, `name(arg,…)ret`.
    pub fn signature(&self) -> String {
        self.to_string()
    }

    /// The selector an app call passes as its first argument.
    pub fn selector(&self) -> Selector {
        Selector::of_signature(&self.signature())
    }

    /// How many transactions a call takes: the transaction arguments plus the call itself.
    pub fn txn_count(&self) -> usize {
        1 + self.args.iter().filter(|arg| matches!(arg, ArgType::Transaction(_))).count()
    }

    /// The app-call arguments for a call: the selector, then one encoded value per ABI or
    /// reference argument (`values` holds exactly those, in order; a reference is a `Byte` or
    /// `Uint` index). From the fifteenth such argument on, the values share the last slot as
    /// one tuple, as ARC-4 prescribes.
    pub fn encode_args(&self, values: &[AbiValue]) -> Result<Vec<Vec<u8>>> {
        let slots: Vec<&ArgType> =
            self.args.iter().filter(|arg| !matches!(arg, ArgType::Transaction(_))).collect();
        if slots.len() != values.len() {
            return Err(CodecError::AbiValueMismatch {
                abi_type: self.signature(),
                reason: "wrong number of arguments",
            });
        }
        let types: Vec<AbiType> = slots.iter().map(|arg| arg.slot_type()).collect();
        let values: Vec<AbiValue> =
            slots.iter().zip(values).map(|(arg, value)| arg.slot_value(value)).collect();
        let mut args = vec![self.selector().0.to_vec()];
        let split = if types.len() > MAX_ARG_SLOTS { MAX_ARG_SLOTS - 1 } else { types.len() };
        for (ty, value) in types.iter().zip(&values).take(split) {
            args.push(ty.encode(value)?);
        }
        if split < types.len() {
            let packed = AbiType::Tuple(types[split..].to_vec());
            args.push(packed.encode(&AbiValue::Tuple(values[split..].to_vec()))?);
        }
        Ok(args)
    }
}

impl ArgType {
    /// The type an argument is encoded as in its app-call slot.
    fn slot_type(&self) -> AbiType {
        match self {
            Self::Abi(ty) => ty.clone(),
            Self::Transaction(_) | Self::Reference(_) => AbiType::Byte,
        }
    }

    /// References travel as `uint8`; callers may give the index as a small `Uint` too.
    fn slot_value(&self, value: &AbiValue) -> AbiValue {
        match (self, value.as_u64().map(u8::try_from)) {
            (Self::Reference(_), Some(Ok(index))) => AbiValue::Byte(index),
            _ => value.clone(),
        }
    }
}

impl FromStr for ArgType {
    type Err = CodecError;

    fn from_str(text: &str) -> Result<Self> {
        if let Some(kind) = TxnType::ALL.into_iter().find(|kind| kind.as_str() == text) {
            return Ok(Self::Transaction(kind));
        }
        let reference = [ReferenceType::Account, ReferenceType::Asset, ReferenceType::Application]
            .into_iter()
            .find(|kind| kind.as_str() == text);
        match reference {
            Some(kind) => Ok(Self::Reference(kind)),
            None => Ok(Self::Abi(text.parse()?)),
        }
    }
}

impl FromStr for Method {
    type Err = CodecError;

    /// Parses `name(arg,…)ret`, where `ret` is an ABI type or `void`.
    fn from_str(text: &str) -> Result<Self> {
        let (name, args, returns) = split_signature(text)?;
        let returns = match returns {
            "void" => Returns::Void,
            other => Returns::Value(other.parse()?),
        };
        let args = args.into_iter().map(str::parse).collect::<Result<_>>()?;
        Ok(Self { name: name.to_owned(), args, returns })
    }
}

/// Splits `name(a,b,…)rest` into its name, its top-level argument strings and `rest`.
pub(crate) fn split_signature(text: &str) -> Result<(&str, Vec<&str>, &str)> {
    let invalid = |reason| CodecError::AbiSignatureInvalid { input: text.to_owned(), reason };
    let open = text.find('(').ok_or_else(|| invalid("no argument list"))?;
    let name = &text[..open];
    if !is_identifier(name) {
        return Err(invalid("the name must be letters, digits and '_', not starting with a digit"));
    }
    let close = matching_paren(text, open).ok_or_else(|| invalid("unbalanced parentheses"))?;
    let args = split_top_level(&text[open + 1..close]).ok_or_else(|| invalid("empty argument"))?;
    Ok((name, args, &text[close + 1..]))
}

/// Whether `name` is a method or event name: ASCII letters, digits and `_`, not starting with
/// a digit.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_');
    starts_well && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, byte) in text.bytes().enumerate().skip(open) {
        match byte {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

impl fmt::Display for ArgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Abi(ty) => write!(f, "{ty}"),
            Self::Transaction(kind) => f.write_str(kind.as_str()),
            Self::Reference(kind) => f.write_str(kind.as_str()),
        }
    }
}

impl fmt::Display for Returns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Void => f.write_str("void"),
            Self::Value(ty) => write!(f, "{ty}"),
        }
    }
}

impl fmt::Display for Method {
    /// The canonical signature.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        write_tuple(f, &self.args)?;
        write!(f, "{}", self.returns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(text: &str) -> Method {
        text.parse().unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn tip_proxy_methods_parse_and_select() {
        let tip = method("tip(pay,string)void");

        assert_eq!(tip.args, [ArgType::Transaction(TxnType::Pay), ArgType::Abi(AbiType::String)]);
        assert_eq!(tip.returns, Returns::Void);
        assert_eq!(tip.txn_count(), 2);
        assert_eq!(method("tip(pay,string)uint64").selector().to_string(), "0b981707");
        assert_eq!(method("add(uint64,uint64)uint128").selector().to_string(), "8aa3b61f");
    }

    #[test]
    fn signatures_print_canonically() {
        let texts = [
            "stats()(uint64,uint64,uint64,bool)",
            "opt_in(asset,account,application,axfer,txn)void",
            "f((uint8,(bool,string)),byte[][2])address",
        ];

        for text in texts {
            assert_eq!(method(text).signature(), text);
        }
    }

    #[test]
    fn malformed_signatures_are_rejected() {
        let bad = [
            "",
            "tip",
            "(uint64)void",
            "tip(uint64",
            "tip(uint64)",
            "tip(pay)pay",
            "t p()void",
            "tip(uint64,)void",
            "tip(uint64)voids",
            "1tip()void",
            "tip(account[])void",
        ];

        for text in bad {
            assert!(text.parse::<Method>().is_err(), "{text:?} parsed");
        }
    }

    #[test]
    fn call_args_are_selector_then_values() {
        let args = method("tip(pay,string)void").encode_args(&["gm".into()]).unwrap();

        assert_eq!(
            args,
            [method("tip(pay,string)void").selector().0.to_vec(), b"\0\x02gm".to_vec()]
        );
    }

    #[test]
    fn arguments_past_the_fifteenth_slot_share_it_as_a_tuple() {
        let types = vec!["uint8"; 17].join(",");
        let wide = method(&format!("wide({types})void"));
        let values: Vec<AbiValue> = (0..17u64).map(AbiValue::from).collect();
        let args = wide.encode_args(&values).unwrap();

        assert_eq!(args.len(), 16);
        assert_eq!(args[14], [13]);
        assert_eq!(args[15], [14, 15, 16]);
    }

    #[test]
    fn reference_indexes_encode_as_one_byte() {
        let args = method("give(asset,account)void").encode_args(&[1u64.into(), 0u64.into()]);

        assert_eq!(args.unwrap()[1..], [vec![1], vec![0]]);
    }
}
