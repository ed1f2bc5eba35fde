//! Group ids and grouped transactions against py-algorand-sdk.

use data_encoding::BASE64;
use tipforge_algo::group::{assign_group, group_id, pool_fees};
use tipforge_algo::{CodecError, MicroAlgos, SignedTransaction, Transaction};

use crate::support::{build, fixture, hex, key, str_of};

#[test]
fn group_ids_txids_and_signatures_match_the_sdk() {
    for case in fixture("algo_groups.json") {
        let name = str_of(&case["name"]);
        let members = case["members"].as_array().unwrap();
        let mut transactions: Vec<Transaction> =
            members.iter().map(|m| build(&m["build"])).collect();

        let id = assign_group(&mut transactions).unwrap();

        assert_eq!(BASE64.encode(&id.0), str_of(&case["group_id_b64"]), "{name}");
        for (transaction, member) in transactions.iter().zip(members) {
            let signed = transaction.sign(&key(&member["signer_seed"]));
            assert_eq!(transaction.id().to_string(), str_of(&member["txid"]), "{name}");
            assert_eq!(signed.encode(), hex(str_of(&member["stxn_hex"])), "{name}");
            let decoded = SignedTransaction::decode(&hex(str_of(&member["stxn_hex"]))).unwrap();
            assert_eq!(decoded.verify(), Ok(()), "{name}");
        }
        assert_eq!(group_id(&transactions), Ok(id), "{name}: the id ignores existing grp fields");
    }
}

#[test]
fn groups_must_hold_one_to_sixteen_transactions() {
    let member = build(&fixture("algo_groups.json")[0]["members"][0]["build"]);

    assert_eq!(group_id(&[]), Err(CodecError::GroupSize { len: 0 }));
    assert_eq!(group_id(&vec![member; 17]), Err(CodecError::GroupSize { len: 17 }));
}

#[test]
fn pooled_fees_put_the_whole_fee_on_one_member() {
    let members = fixture("algo_groups.json")[1]["members"].as_array().unwrap().clone();
    let mut transactions: Vec<Transaction> = members.iter().map(|m| build(&m["build"])).collect();

    pool_fees(&mut transactions, 1, MicroAlgos(1000), 2).unwrap();

    let fees: Vec<u64> = transactions.iter().map(|t| t.header.fee.0).collect();
    assert_eq!(fees, [0, 5000, 0]);
    assert!(pool_fees(&mut transactions, 3, MicroAlgos(1000), 0).is_err());
}
