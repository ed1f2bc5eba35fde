//! Arbitrary bytes through the strict ARC-4 decoder, against types chosen by the first byte:
//! nothing may panic, and whatever decodes must re-encode to exactly the input, since only the
//! canonical encoding of a value is accepted. ARC-28 event logs get the same treatment.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tipforge_algo::abi::AbiType;
use tipforge_algo::arc28::{Event, EventSet};

const TYPES: &[&str] = &[
    "uint64",
    "bool",
    "string",
    "address[]",
    "(address,uint64,string)",
    "(bool,bool,bool,bool,bool,bool,bool,bool,bool,uint16,string)",
    "(uint8,(bool,string,(address,bool[3])[]),string[2])",
    "byte[][3]",
    "bool[]",
    "(ufixed64x2,(string,(byte[],bool))[],uint512[2])",
];

static PARSED: LazyLock<Vec<AbiType>> =
    LazyLock::new(|| TYPES.iter().map(|t| t.parse().expect("fixed types are valid")).collect());

static EVENTS: LazyLock<EventSet> = LazyLock::new(|| {
    let signatures =
        ["Tipped(address,uint64,string)", "Paused()", "Mixed(bool,(string,bool),uint8[])"];
    EventSet::new(signatures.map(|s| s.parse::<Event>().expect("fixed signatures are valid")))
});

fuzz_target!(|input: &[u8]| {
    let Some((&selector, bytes)) = input.split_first() else { return };
    let ty = &PARSED[usize::from(selector) % PARSED.len()];
    if let Ok(value) = ty.decode(bytes) {
        assert_eq!(ty.encode(&value).expect("decoded values re-encode"), bytes);
    }

    for found in EVENTS.scan(&[bytes]).flatten() {
        assert_eq!(found.event.encode(&found.args).expect("decoded events re-encode"), bytes);
    }
});
