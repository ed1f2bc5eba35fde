//! ARC-4, ARC-28 and ARC-3 against fixtures written by py-algorand-sdk
//! (`conformance/gen_abi_fixtures.py`): every value encodes and decodes byte for byte.

use serde_json::Value;
use tipforge_algo::abi::{AbiType, AbiValue, Method};
use tipforge_algo::arc3;
use tipforge_algo::arc28::{Event, EventSet};

fn fixture(name: &str) -> Vec<Value> {
    let path = format!("{}/../../conformance/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).expect("fixtures are JSON arrays")
}

fn text(case: &Value, key: &str) -> String {
    case[key].as_str().unwrap_or_else(|| panic!("{key} missing in {case}")).to_owned()
}

fn hex(text: &str) -> Vec<u8> {
    data_encoding::HEXLOWER.decode(text.as_bytes()).expect("fixtures hold lower-case hex")
}

#[test]
fn values_encode_and_decode_like_the_sdk() {
    let cases = fixture("abi_values.json");
    assert!(cases.len() > 400, "only {} value fixtures", cases.len());

    for case in &cases {
        let type_text = text(case, "type");
        let ty: AbiType = type_text.parse().unwrap_or_else(|error| panic!("{error}"));
        let value = AbiValue::from_json(&ty, &case["value"]).unwrap();
        let encoded = hex(&text(case, "encoded"));

        assert_eq!(ty.to_string(), type_text);
        assert_eq!(ty.encode(&value).unwrap(), encoded, "encoding {type_text} {}", case["value"]);
        assert_eq!(ty.decode(&encoded).unwrap(), value, "decoding {type_text}");
        assert_eq!(value.to_json(&ty).unwrap(), case["value"]);
    }
}

#[test]
fn truncated_or_extended_fixtures_never_decode() {
    for case in fixture("abi_values.json") {
        let ty: AbiType = text(&case, "type").parse().unwrap();
        let encoded = hex(&text(&case, "encoded"));

        if !encoded.is_empty() {
            assert!(ty.decode(&encoded[..encoded.len() - 1]).is_err(), "{}", case["type"]);
        }
        assert!(ty.decode(&[encoded.as_slice(), &[0]].concat()).is_err(), "{}", case["type"]);
    }
}

#[test]
fn method_selectors_match_the_sdk() {
    for case in fixture("abi_methods.json") {
        let signature = text(&case, "signature");
        let method: Method = signature.parse().unwrap_or_else(|error| panic!("{error}"));
        let args: Vec<String> = method.args.iter().map(ToString::to_string).collect();

        assert_eq!(method.signature(), signature);
        assert_eq!(method.selector().to_string(), text(&case, "selector"), "{signature}");
        assert_eq!(serde_json::json!(args), case["args"]);
        assert_eq!(method.returns.to_string(), text(&case, "returns"));
        assert_eq!(Some(method.txn_count() as u64), case["txn_count"].as_u64());
    }
}

#[test]
fn event_logs_match_the_sdk() {
    let cases = fixture("abi_events.json");
    let events: Vec<Event> =
        cases.iter().map(|case| text(case, "signature").parse().unwrap()).collect();
    let set = EventSet::new(events.clone());

    for (case, event) in cases.iter().zip(&events) {
        let log = hex(&text(case, "log"));
        let tuple = AbiType::Tuple(event.arg_types().to_vec());
        let values = AbiValue::from_json(&tuple, &case["values"]).unwrap();
        let AbiValue::Tuple(args) = values else { panic!("a tuple decodes to a tuple") };

        assert_eq!(event.selector().to_string(), text(case, "selector"));
        assert_eq!(event.encode(&args).unwrap(), log, "{event}");
        assert_eq!(event.decode(&log).unwrap(), args, "{event}");

        let found: Vec<_> = set.scan(&[log]).collect::<Result<_, _>>().unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].event, event);
    }
}

#[test]
fn arc3_metadata_hashes_match_python() {
    let cases = fixture("abi_arc3.json");
    assert!(cases.len() >= 2);

    for case in cases {
        let json = text(&case, "json");
        let hash = arc3::metadata_hash(json.as_bytes()).unwrap();

        assert_eq!(data_encoding::HEXLOWER.encode(&hash), text(&case, "am"), "{json}");
    }
}

#[test]
fn arc3_reference_vector() {
    let json = concat!(
        r#"{"name":"Tip #1","decimals":0,"#,
        r#""image":"ipfs://bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4","#,
        r#""image_mimetype":"image/png"}"#
    )
    .as_bytes();
    let hash = arc3::metadata_hash(json).unwrap();

    assert_eq!(json.len(), 136);
    assert_eq!(
        data_encoding::HEXLOWER.encode(&hash),
        "f2d38e0dbfc29132d6acf84ee946ccae4786cc4fd8c6dc73ac119bafb7300e62"
    );
}
