//! Named integer constants the assembler accepts in place of numbers (`int pay`, `int NoOp`).

/// Transaction type names in `TypeEnum` order (index = value); 0 is `unknown`.
pub const TXN_TYPE_NAMES: [&str; 9] =
    ["unknown", "pay", "keyreg", "acfg", "axfer", "afrz", "appl", "stpf", "hb"];

/// Long names of transaction types, with their `TypeEnum` value.
const TXN_TYPE_LONG_NAMES: [(&str, u64); 6] = [
    ("Payment", 1),
    ("KeyRegistration", 2),
    ("AssetConfig", 3),
    ("AssetTransfer", 4),
    ("AssetFreeze", 5),
    ("ApplicationCall", 6),
];

/// `OnCompletion` names in value order.
pub const ON_COMPLETION_NAMES: [&str; 6] =
    ["NoOp", "OptIn", "CloseOut", "ClearState", "UpdateApplication", "DeleteApplication"];

/// The value of a named constant: a transaction type (short or long name) or an `OnCompletion`.
pub fn named_int_constant(name: &str) -> Option<u64> {
    let position = |names: &[&str]| names.iter().position(|n| *n == name).map(|i| i as u64);
    position(&TXN_TYPE_NAMES)
        .or_else(|| TXN_TYPE_LONG_NAMES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
        .or_else(|| position(&ON_COMPLETION_NAMES))
}
