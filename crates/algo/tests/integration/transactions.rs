//! Every transaction type and option, byte for byte against py-algorand-sdk.

use data_encoding::BASE64;
use tipforge_algo::{CodecError, SignedTransaction, Transaction, TxId};

use crate::support::{build, fixture, hex, key, str_of};

#[test]
fn builders_reproduce_the_sdk_encoding_id_and_signature() {
    let cases = fixture("algo_transactions.json");
    let typed: Vec<_> = cases.iter().filter(|case| case["typed"] == true).collect();
    assert!(typed.len() >= 20, "fixtures cover every type and option");

    for case in typed {
        let name = str_of(&case["name"]);
        let transaction = build(&case["build"]);
        let signed = transaction.sign(&key(&case["signer_seed"]));

        assert_eq!(transaction.encode(), hex(str_of(&case["txn_hex"])), "{name}: encoding");
        assert_eq!(transaction.id().to_string(), str_of(&case["txid"]), "{name}: txid");
        assert_eq!(signed.encode(), hex(str_of(&case["stxn_hex"])), "{name}: signed bytes");
        let tipforge_algo::Authorization::Single(signature) = signed.authorization() else {
            panic!("{name}: single signature expected");
        };
        assert_eq!(BASE64.encode(&signature.0), str_of(&case["sig_b64"]), "{name}: signature");
    }
}

#[test]
fn sdk_signed_transactions_decode_verify_and_keep_their_id() {
    for case in fixture("algo_transactions.json") {
        let name = str_of(&case["name"]);
        let bytes = hex(str_of(&case["stxn_hex"]));

        let signed = SignedTransaction::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));

        assert_eq!(signed.id().to_string(), str_of(&case["txid"]), "{name}: txid");
        assert_eq!(signed.txn_bytes(), hex(str_of(&case["txn_hex"])), "{name}: txn bytes");
        assert_eq!(signed.encode(), bytes, "{name}: re-encoding");
        assert_eq!(signed.verify(), Ok(()), "{name}: signature");
        assert_eq!(signed.id(), str_of(&case["txid"]).parse::<TxId>().unwrap());
        if case["typed"] == true {
            let typed = signed.transaction().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(typed, build(&case["build"]), "{name}: typed view");
            assert_eq!(Transaction::decode(signed.txn_bytes()), Ok(typed), "{name}: typed decode");
        } else {
            assert!(signed.transaction().is_err(), "{name}: unmodelled fields are reported");
        }
    }
}

#[test]
fn a_tampered_signature_or_transaction_fails_verification() {
    let case = &fixture("algo_transactions.json")[0];
    let bytes = hex(str_of(&case["stxn_hex"]));
    let signature_at = bytes.windows(3).position(|w| w == b"sig").unwrap() + 5;

    let mut bad_signature = bytes.clone();
    bad_signature[signature_at] ^= 1;
    let mut bad_amount = bytes.clone();
    let amount_at = bytes.windows(3).position(|w| w == b"amt").unwrap() + 4;
    bad_amount[amount_at] ^= 1;

    assert!(SignedTransaction::decode(&bad_signature).unwrap().verify().is_err());
    assert!(SignedTransaction::decode(&bad_amount).unwrap().verify().is_err());
}

#[test]
fn non_canonical_encodings_of_a_signed_transaction_are_rejected() {
    let case = &fixture("algo_transactions.json")[0];
    let bytes = hex(str_of(&case["stxn_hex"]));
    // `fee` 1000 as uint32 instead of uint16: same value, different bytes, different hash.
    let fee_at = bytes.windows(4).position(|w| w == b"\xa3fee").unwrap() + 4;
    let mut wide = bytes[..fee_at].to_vec();
    wide.extend_from_slice(&[0xce, 0x00, 0x00]);
    wide.extend_from_slice(&bytes[fee_at + 1..]);

    let error = SignedTransaction::decode(&wide).unwrap_err();

    assert_eq!(error, CodecError::NonCanonical { offset: fee_at });
    let lenient = tipforge_algo::msgpack::decode(&wide).unwrap();
    let recovered = SignedTransaction::from_value(lenient).unwrap();
    assert_eq!(recovered.id().to_string(), str_of(&case["txid"]));
}

#[test]
fn an_explicit_zero_address_is_reported_as_non_canonical() {
    let case = &fixture("algo_transactions.json")[0];
    let signed = SignedTransaction::decode(&hex(str_of(&case["stxn_hex"]))).unwrap();
    let mut value = signed.value().clone();
    let txn = value.as_map_mut("").unwrap().get_mut(&"txn".into()).unwrap();
    txn.as_map_mut("txn").unwrap().insert("close".into(), vec![0u8; 32].into());
    let bytes = tipforge_algo::msgpack::encode(&value);

    let error = SignedTransaction::decode(&bytes).unwrap_err();

    assert!(matches!(error, CodecError::InvalidField { ref field, .. } if field == "txn.close"));
}
