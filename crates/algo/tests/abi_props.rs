//! Property tests for the ABI codec: decoding inverts encoding for generated types and
//! values, type strings round-trip, and no input makes decoding panic.

use num_bigint::BigUint;
use proptest::prelude::*;
use tipforge_algo::Address;
use tipforge_algo::abi::{AbiType, AbiValue};

fn scalar_type() -> impl Strategy<Value = AbiType> {
    prop_oneof![
        (1u16..=64).prop_map(|n| AbiType::Uint(n * 8)),
        ((1u16..=64), (1u8..=160))
            .prop_map(|(n, precision)| AbiType::Ufixed { bits: n * 8, precision }),
        Just(AbiType::Bool),
        Just(AbiType::Bool),
        Just(AbiType::Byte),
        Just(AbiType::Address),
        Just(AbiType::String),
    ]
}

/// Nested types; array elements are never zero-sized (the codec rejects those).
fn abi_type() -> impl Strategy<Value = AbiType> {
    scalar_type().prop_recursive(3, 24, 6, |inner| {
        let element =
            inner.clone().prop_filter("zero-sized element", |t| t.static_size() != Some(0));
        prop_oneof![
            (element.clone(), 1usize..5).prop_map(|(t, n)| AbiType::StaticArray(Box::new(t), n)),
            element.prop_map(|t| AbiType::DynamicArray(Box::new(t))),
            prop::collection::vec(inner, 0..7).prop_map(AbiType::Tuple),
        ]
    })
}

fn uint_value(bits: u16) -> impl Strategy<Value = AbiValue> {
    prop::collection::vec(any::<u8>(), 0..=usize::from(bits) / 8)
        .prop_map(|bytes| AbiValue::Uint(BigUint::from_bytes_be(&bytes)))
}

fn value_of(ty: &AbiType) -> BoxedStrategy<AbiValue> {
    match ty {
        AbiType::Uint(bits) | AbiType::Ufixed { bits, .. } => uint_value(*bits).boxed(),
        AbiType::Bool => any::<bool>().prop_map(AbiValue::Bool).boxed(),
        AbiType::Byte => any::<u8>().prop_map(AbiValue::Byte).boxed(),
        AbiType::Address => {
            any::<[u8; 32]>().prop_map(|key| AbiValue::Address(Address(key))).boxed()
        }
        AbiType::String => {
            prop::collection::vec(any::<u8>(), 0..40).prop_map(AbiValue::String).boxed()
        }
        AbiType::StaticArray(element, len) => {
            prop::collection::vec(value_of(element), *len).prop_map(AbiValue::Array).boxed()
        }
        AbiType::DynamicArray(element) => {
            prop::collection::vec(value_of(element), 0..5).prop_map(AbiValue::Array).boxed()
        }
        AbiType::Tuple(members) => {
            members.iter().map(value_of).collect::<Vec<_>>().prop_map(AbiValue::Tuple).boxed()
        }
    }
}

fn typed_value() -> impl Strategy<Value = (AbiType, AbiValue)> {
    abi_type().prop_flat_map(|ty| {
        let values = value_of(&ty);
        (Just(ty), values)
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn decode_inverts_encode((ty, value) in typed_value()) {
        let bytes = ty.encode(&value).unwrap();

        prop_assert_eq!(ty.decode(&bytes), Ok(value));
    }

    #[test]
    fn type_strings_round_trip(ty in abi_type()) {
        prop_assert_eq!(ty.to_string().parse::<AbiType>(), Ok(ty));
    }

    #[test]
    fn static_types_encode_to_their_static_size((ty, value) in typed_value()) {
        let bytes = ty.encode(&value).unwrap();

        if let Some(size) = ty.static_size() {
            prop_assert_eq!(bytes.len(), size);
        }
    }

    #[test]
    fn a_changed_length_never_decodes(
        (ty, value) in typed_value(),
        cut in any::<prop::sample::Index>(),
    ) {
        let bytes = ty.encode(&value).unwrap();
        let longer = [bytes.as_slice(), &[0]].concat();

        prop_assert!(ty.decode(&longer).is_err());
        if !bytes.is_empty() {
            prop_assert!(ty.decode(&bytes[..cut.index(bytes.len())]).is_err());
        }
    }

    #[test]
    fn arbitrary_bytes_decode_or_fail_cleanly(
        ty in abi_type(),
        bytes in prop::collection::vec(any::<u8>(), 0..96),
    ) {
        if let Ok(value) = ty.decode(&bytes) {
            // Strict decoding accepts only canonical bytes, so they re-encode identically.
            prop_assert_eq!(ty.encode(&value).unwrap(), bytes);
        }
    }
}
