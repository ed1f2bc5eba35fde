//! Multisig and logic-signature authorization against py-algorand-sdk.

use tipforge_algo::logicsig::{Delegation, LogicSig};
use tipforge_algo::multisig::MultisigAccount;
use tipforge_algo::{Authorization, HashPrefix, SecretKey, SignedTransaction};

use crate::support::{address, b64, build, fixture, hex, key, str_of, u64_of};

fn keys(case: &serde_json::Value) -> Vec<SecretKey> {
    case["key_seeds"].as_array().expect("key_seeds").iter().map(key).collect()
}

fn signers<'a>(case: &serde_json::Value, keys: &'a [SecretKey]) -> Vec<&'a SecretKey> {
    case["signers"].as_array().expect("signers").iter().map(|i| &keys[u64_of(i) as usize]).collect()
}

fn account(case: &serde_json::Value, keys: &[SecretKey]) -> MultisigAccount {
    let threshold = u64_of(&case["threshold"]) as u8;
    let keys = keys.iter().map(SecretKey::address).collect();
    MultisigAccount::new(threshold, keys).expect("fixture accounts are valid")
}

#[test]
fn multisig_transactions_match_the_sdk_and_verify() {
    for case in fixture("algo_multisig.json") {
        let name = str_of(&case["name"]);
        let keys = keys(&case);
        let account = account(&case, &keys);
        let transaction = build(&case["build"]);

        let signed = transaction.sign_multisig(&account, &signers(&case, &keys)).unwrap();

        assert_eq!(account.address(), address(&case["address"]), "{name}");
        assert_eq!(signed.encode(), hex(str_of(&case["stxn_hex"])), "{name}");
        let decoded = SignedTransaction::decode(&signed.encode()).unwrap();
        assert_eq!(decoded.id().to_string(), str_of(&case["txid"]), "{name}");
        assert_eq!(decoded.verify(), Ok(()), "{name}");
        assert_eq!(decoded.authorizer(), Ok(account.address()), "{name}");
    }
}

#[test]
fn a_multisig_below_threshold_does_not_verify() {
    let case = &fixture("algo_multisig.json")[0];
    let keys = keys(case);
    let transaction = build(&case["build"]);

    let signed = transaction.sign_multisig(&account(case, &keys), &[&keys[0]]).unwrap();

    assert!(signed.verify().is_err());
}

#[test]
fn logic_signatures_match_the_sdk_and_verify() {
    let cases = fixture("algo_logicsig.json");
    assert_eq!(cases.len(), 4);

    for case in cases {
        let name = str_of(&case["name"]);
        let program = b64(str_of(&case["program_b64"]));
        let args = case["args_b64"].as_array().unwrap().iter().map(|a| b64(str_of(a))).collect();
        let lsig = match str_of(&case["kind"]) {
            "contract" => LogicSig::contract_account(program, args),
            "single" => LogicSig::delegate(program, args, &keys(&case)[0]),
            "lmsig" => {
                let keys = keys(&case);
                let signers = signers(&case, &keys);
                LogicSig::delegate_multisig(program, args, &account(&case, &keys), &signers)
                    .unwrap()
            }
            "msig" => {
                let keys = keys(&case);
                let multisig = account(&case, &keys).sign(
                    &signers(&case, &keys),
                    HashPrefix::Program,
                    &program,
                );
                LogicSig { program, args, delegation: Delegation::Multisig(multisig.unwrap()) }
            }
            other => panic!("kind {other}"),
        };

        let signed = build(&case["build"]).sign_logic(lsig, None);

        assert_eq!(signed.encode(), hex(str_of(&case["stxn_hex"])), "{name}");
        let decoded = SignedTransaction::decode(&signed.encode()).unwrap();
        assert!(matches!(decoded.authorization(), Authorization::LogicSig(_)), "{name}");
        assert_eq!(decoded.id().to_string(), str_of(&case["txid"]), "{name}");
        assert_eq!(decoded.verify(), Ok(()), "{name}");
    }
}

#[test]
fn a_logic_signature_for_another_account_does_not_verify() {
    let case = &fixture("algo_logicsig.json")[0];
    let lsig = LogicSig::contract_account(vec![0x08, 0x81, 0x00], vec![]);

    let signed = build(&case["build"]).sign_logic(lsig, None);

    assert!(signed.verify().is_err());
}
