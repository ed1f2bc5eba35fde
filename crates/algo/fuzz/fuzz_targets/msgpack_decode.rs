//! Arbitrary bytes through the msgpack decoder and the signed-transaction decoder: nothing may
//! panic, and whatever decodes must re-encode to a fixed point.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tipforge_algo::msgpack;
use tipforge_algo::{SignedTransaction, Transaction};

fuzz_target!(|bytes: &[u8]| {
    let Ok(value) = msgpack::decode(bytes) else { return };
    let canonical = msgpack::encode(&value);
    let again = msgpack::decode(&canonical).expect("canonical bytes decode");

    assert_eq!(msgpack::encode(&again), canonical, "canonical encoding is a fixed point");
    assert_eq!(msgpack::check_canonical(bytes).is_ok(), canonical == bytes);
    if let Ok(signed) = SignedTransaction::from_value(value.clone()) {
        let _ = signed.verify();
        let _ = signed.transaction();
    }
    if let Ok(transaction) = Transaction::from_value(&value) {
        assert_eq!(Transaction::decode(&transaction.encode()), Ok(transaction));
    }
});
