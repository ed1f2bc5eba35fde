//! Prints ABI values, method selectors and ARC-28 event logs encoded by TipForge, as JSON, so
//! that `conformance/tests/test_abi_emit.py` can decode them with py-algorand-sdk.
//!
//! Values are drawn from a fixed seed over fixed and randomly shaped types; the JSON form of
//! values is the one `AbiValue::to_json` writes.

use std::io::Write;

use num_bigint::BigUint;
use serde_json::{Value, json};
use tipforge_algo::Address;
use tipforge_algo::abi::{AbiType, AbiValue, Method};
use tipforge_algo::arc28::Event;

const FIXED_TYPES: &[&str] = &[
    "uint8",
    "uint64",
    "uint256",
    "uint512",
    "ufixed64x2",
    "ufixed512x160",
    "bool",
    "byte",
    "address",
    "string",
    "byte[]",
    "byte[32]",
    "bool[]",
    "bool[11]",
    "(address,uint64,string)",
    "(bool,bool,bool,bool,bool,bool,bool,bool,bool,uint16,bool)",
    "(uint8,(bool,string,(address,bool[3])[]),string[2])",
    "()",
];

const METHODS: &[&str] = &[
    "tip(pay,string)void",
    "stats()(uint64,uint64,uint64,bool)",
    "opt_in(asset,account,application,axfer)void",
    "f((uint8,(bool,string)),byte[][2],ufixed128x10)address[]",
];

const EVENTS: &[&str] =
    &["Tipped(address,uint64,string)", "Paused()", "Mixed(bool,(string,bool),uint8[])"];

const TEXT_PIECES: &[&str] = &["a", "Z", " ", "é", "ß", "—", "€", "日", "🎉", "𝔘", "\u{0}"];

/// A small deterministic generator (xorshift64*), so the output is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    fn scalar_type(&mut self) -> AbiType {
        let bits = 8 * (1 + self.below(64) as u16);
        match self.below(7) {
            0 => AbiType::Uint(bits),
            1 => AbiType::Ufixed { bits, precision: 1 + self.below(160) as u8 },
            2 => AbiType::Byte,
            3 => AbiType::Address,
            4 => AbiType::String,
            _ => AbiType::Bool,
        }
    }

    fn any_type(&mut self, depth: usize) -> AbiType {
        let roll = self.below(100);
        if depth >= 3 || roll < 40 {
            return self.scalar_type();
        }
        if roll < 55 {
            return AbiType::StaticArray(
                Box::new(self.non_empty_type(depth)),
                1 + self.below(4) as usize,
            );
        }
        if roll < 70 {
            return AbiType::DynamicArray(Box::new(self.non_empty_type(depth)));
        }
        let mut members = Vec::new();
        for _ in 0..self.below(5) {
            match self.below(3) {
                0 => members.extend(std::iter::repeat_n(AbiType::Bool, 1 + self.below(9) as usize)),
                _ => members.push(self.non_empty_type(depth)),
            }
        }
        AbiType::Tuple(members)
    }

    /// A type one level down that is not zero-sized: TipForge rejects arrays of those, and
    /// py-algorand-sdk 2.12 fails to decode a tuple whose last members are zero-sized.
    fn non_empty_type(&mut self, depth: usize) -> AbiType {
        loop {
            let element = self.any_type(depth + 1);
            if element.static_size() != Some(0) {
                return element;
            }
        }
    }

    fn value(&mut self, ty: &AbiType) -> AbiValue {
        match ty {
            AbiType::Uint(bits) | AbiType::Ufixed { bits, .. } => self.integer(*bits),
            AbiType::Bool => AbiValue::Bool(self.below(2) == 1),
            AbiType::Byte => AbiValue::Byte(self.next() as u8),
            AbiType::Address => {
                AbiValue::Address(Address(self.bytes(32).try_into().expect("32 bytes asked for")))
            }
            AbiType::String => {
                let len = self.below(10);
                let text: String = (0..len)
                    .map(|_| TEXT_PIECES[self.below(TEXT_PIECES.len() as u64) as usize])
                    .collect();
                AbiValue::string(text)
            }
            AbiType::StaticArray(element, len) => {
                AbiValue::Array((0..*len).map(|_| self.value(element)).collect())
            }
            AbiType::DynamicArray(element) => {
                AbiValue::Array((0..self.below(5)).map(|_| self.value(element)).collect())
            }
            AbiType::Tuple(members) => {
                AbiValue::Tuple(members.iter().map(|m| self.value(m)).collect())
            }
        }
    }

    fn integer(&mut self, bits: u16) -> AbiValue {
        let width = usize::from(bits) / 8;
        let bytes = match self.below(6) {
            0 => vec![0; width],
            1 => vec![0xff; width],
            _ => {
                let len = 1 + self.below(width as u64) as usize;
                self.bytes(len)
            }
        };
        AbiValue::Uint(BigUint::from_bytes_be(&bytes))
    }
}

fn value_case(ty: &AbiType, value: &AbiValue) -> Value {
    let encoded = ty.encode(value).expect("generated values fit their types");
    json!({
        "type": ty.to_string(),
        "value": value.to_json(ty).expect("generated strings are UTF-8"),
        "encoded": data_encoding::HEXLOWER.encode(&encoded),
    })
}

fn main() -> std::io::Result<()> {
    let mut rng = Rng(0x7469_7066_6f72_6765);
    let mut values = Vec::new();
    for text in FIXED_TYPES {
        let ty: AbiType = text.parse().expect("fixed types are valid");
        for _ in 0..3 {
            values.push(value_case(&ty, &rng.value(&ty)));
        }
    }
    for _ in 0..200 {
        let ty = rng.any_type(0);
        values.push(value_case(&ty, &rng.value(&ty)));
    }

    let methods: Vec<Value> = METHODS
        .iter()
        .map(|text| {
            let method: Method = text.parse().expect("fixed signatures are valid");
            json!({ "signature": method.signature(), "selector": method.selector().to_string() })
        })
        .collect();

    let events: Vec<Value> = EVENTS
        .iter()
        .map(|text| {
            let event: Event = text.parse().expect("fixed signatures are valid");
            let tuple = AbiType::Tuple(event.arg_types().to_vec());
            let AbiValue::Tuple(args) = rng.value(&tuple) else { unreachable!("tuple value") };
            let log = event.encode(&args).expect("generated values fit their types");
            json!({
                "signature": event.signature(),
                "selector": event.selector().to_string(),
                "values": AbiValue::Tuple(args).to_json(&tuple).expect("UTF-8 strings"),
                "log": data_encoding::HEXLOWER.encode(&log),
            })
        })
        .collect();

    let out = json!({ "values": values, "methods": methods, "events": events });
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &out)?;
    writeln!(stdout)
}
