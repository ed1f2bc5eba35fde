//! Addresses and mnemonics against py-algorand-sdk.

use tipforge_algo::multisig::MultisigAccount;
use tipforge_algo::{Address, AppId, SecretKey, mnemonic};

use crate::support::{address, b64, fixture_doc, hex, key, str_of, u64_of};

fn section(name: &str) -> Vec<serde_json::Value> {
    fixture_doc("algo_accounts.json")["cases"][name].as_array().expect("section").clone()
}

#[test]
fn keys_give_the_sdk_addresses_and_mnemonics_both_ways() {
    for case in section("keys") {
        let secret = key(&case["seed_hex"]);
        let words = str_of(&case["mnemonic"]);

        assert_eq!(secret.address(), address(&case["address"]));
        assert_eq!(secret.address().0.to_vec(), hex(str_of(&case["public_key_hex"])));
        assert_eq!(secret.mnemonic().expose_secret(), words);
        assert_eq!(mnemonic::to_seed(words).unwrap().to_vec(), hex(str_of(&case["seed_hex"])));
        assert_eq!(
            SecretKey::from_mnemonic(&words.to_uppercase()).unwrap().address(),
            secret.address()
        );
    }
}

#[test]
fn application_program_and_multisig_addresses_match_the_sdk() {
    for case in section("apps") {
        assert_eq!(Address::for_app(AppId(u64_of(&case["app_id"]))), address(&case["address"]));
    }
    for case in section("programs") {
        assert_eq!(
            Address::for_program(&b64(str_of(&case["program_b64"]))),
            address(&case["address"])
        );
    }
    for case in section("multisig") {
        let keys = case["addresses"].as_array().unwrap().iter().map(address).collect();
        let account = MultisigAccount::new(u64_of(&case["threshold"]) as u8, keys).unwrap();
        assert_eq!(account.address(), address(&case["address"]));
    }
}
