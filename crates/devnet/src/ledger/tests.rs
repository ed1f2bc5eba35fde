use tipforge_algo::transaction::{AssetConfig, AssetParams, AssetTransfer, Payment};
use tipforge_algo::{
    Address, AssetId, MicroAlgos, Round, SecretKey, SignedTransaction, SuggestedParams,
    Transaction, TxnBody,
};

use super::*;

fn ctx() -> BlockContext {
    BlockContext {
        round: Round(1),
        prev_timestamp: 0,
        genesis_id: "test-v1".into(),
        genesis_hash: [9; 32],
        fee_sink: Address([7; 32]),
        min_fee: 1_000,
    }
}

fn params() -> SuggestedParams {
    SuggestedParams {
        min_fee: MicroAlgos(1_000),
        fee_per_byte: MicroAlgos(0),
        first_valid: Round(1),
        last_valid: Round(1_000),
        genesis_id: "test-v1".into(),
        genesis_hash: [9; 32],
    }
}

fn key(n: u8) -> SecretKey {
    SecretKey::from_seed(&[n; 32])
}

fn funded(amount: u64) -> State {
    let mut state = State::default();
    let account = Account { balance: amount, ..Account::default() };
    state.accounts.insert(key(1).address(), std::sync::Arc::new(account));
    state
}

fn signed(from: &SecretKey, body: impl Into<TxnBody>) -> SignedTransaction {
    let txn = Transaction::builder(from.address(), &params(), body).build().expect("valid");
    txn.sign(from)
}

fn pay(from: &SecretKey, to: Address, amount: u64) -> SignedTransaction {
    signed(from, Payment::new(to, MicroAlgos(amount)))
}

#[test]
fn a_payment_moves_algos_and_burns_the_fee_into_the_sink() {
    let state = funded(10_000_000);
    let (after, applied) =
        apply_group(&state, &[pay(&key(1), key(2).address(), 1_000_000)], &ctx())
            .expect("accepted");

    assert_eq!(after.account(&key(1).address()).balance, 8_999_000);
    assert_eq!(after.account(&key(2).address()).balance, 1_000_000);
    assert_eq!(after.account(&Address([7; 32])).balance, 1_000);
    assert_eq!(applied.len(), 1);
}

#[test]
fn overspend_and_min_balance_are_refused_without_change() {
    let state = funded(1_000_000);
    let overspend = apply_group(&state, &[pay(&key(1), key(2).address(), 5_000_000)], &ctx());
    let below_min = apply_group(&state, &[pay(&key(1), key(2).address(), 950_000)], &ctx());
    let tiny = apply_group(&state, &[pay(&key(1), key(2).address(), 1_000)], &ctx());

    assert!(overspend.expect_err("refused").to_string().contains("overspend"));
    assert!(below_min.expect_err("refused").to_string().contains("below min 100000"));
    assert!(tiny.expect_err("refused").to_string().contains("below min"));
}

#[test]
fn a_duplicate_and_a_bad_signature_are_refused() {
    let state = funded(10_000_000);
    let txn = pay(&key(1), key(2).address(), 200_000);
    let (after, _) = apply_group(&state, std::slice::from_ref(&txn), &ctx()).expect("accepted");
    let forged = {
        let unsigned = txn.transaction().expect("typed");
        unsigned.sign(&key(3))
    };

    assert!(matches!(apply_group(&after, &[txn], &ctx()), Err(LedgerError::Duplicate { .. })));
    assert!(matches!(apply_group(&state, &[forged], &ctx()), Err(LedgerError::Signature { .. })));
}

#[test]
fn an_asset_needs_an_opt_in_and_closes_back() {
    let state = funded(10_000_000);
    let (creator, fan) = (key(1), key(2));
    let ungrouped = apply_group(
        &state,
        &[
            signed(&creator, AssetConfig::create(AssetParams::new(10, 0))),
            pay(&creator, fan.address(), 1),
        ],
        &ctx(),
    );
    let create = signed(&creator, AssetConfig::create(AssetParams::new(10, 0).unit_name("T")));
    let (state, applied) = apply_group(&state, &[create], &ctx()).expect("created");
    let (state, _) =
        apply_group(&state, &[pay(&creator, fan.address(), 1_000_000)], &ctx()).expect("paid");
    let asset = applied[0].apply.created_asset.expect("created");
    let send = signed(&creator, AssetTransfer::new(asset, fan.address(), 3));
    let refused = apply_group(&state, std::slice::from_ref(&send), &ctx());
    let (state, _) =
        apply_group(&state, &[signed(&fan, AssetTransfer::opt_in(asset, fan.address()))], &ctx())
            .expect("opted in");
    let (state, _) = apply_group(&state, &[send], &ctx()).expect("sent");
    let mut close = AssetTransfer::new(asset, creator.address(), 0);
    close.close_to = Some(creator.address());
    let (state, applied) = apply_group(&state, &[signed(&fan, close)], &ctx()).expect("closed");

    assert!(matches!(ungrouped, Err(LedgerError::Group { .. })));
    assert!(refused.expect_err("not opted in").to_string().contains("must optin"));
    assert_eq!(applied[0].apply.asset_closing_amount, 3);
    assert_eq!(state.account(&creator.address()).holdings.get(&asset).map(|h| h.amount), Some(10));
    assert_eq!(asset, AssetId(1));
}

/// `signed` with one byte of its signature flipped.
fn forged(signed: &SignedTransaction) -> SignedTransaction {
    let tipforge_algo::Authorization::Single(signature) = signed.authorization() else {
        panic!("a single signature")
    };
    let mut bytes = signed.encode();
    let at = bytes.windows(64).position(|w| w == signature.0).expect("the signature is encoded");
    bytes[at + 10] ^= 1;
    SignedTransaction::decode(&bytes).expect("still well formed")
}

fn grouped(txns: Vec<SignedTransaction>, keys: &[&SecretKey]) -> Vec<SignedTransaction> {
    let mut plain: Vec<Transaction> =
        txns.iter().map(|t| t.transaction().expect("typed")).collect();
    tipforge_algo::group::assign_group(&mut plain).expect("group");
    plain.iter().zip(keys).map(|(t, key)| t.sign(key)).collect()
}

#[test]
fn one_forged_signature_among_many_groups_fails_only_its_own_group() {
    let mut groups: Vec<Vec<SignedTransaction>> =
        (0..40u8).map(|n| vec![pay(&key(n % 5 + 1), key(50 + n).address(), 1_000)]).collect();
    let (first, second) = (key(1), key(2));
    let pair = grouped(
        vec![pay(&first, key(90).address(), 1), pay(&second, key(91).address(), 2)],
        &[&first, &second],
    );
    let bad_member = forged(&pair[1]);
    groups[17][0] = forged(&groups[17][0]);
    groups[30] = vec![pair[0].clone(), bad_member.clone()];

    let results = verify_groups(&groups);

    assert_eq!(results.len(), 40);
    for (index, result) in results.iter().enumerate() {
        match index {
            17 | 30 => assert!(result.is_err(), "group {index} passed"),
            _ => assert!(result.is_ok(), "group {index}: {result:?}"),
        }
    }
    let Err(LedgerError::Signature { txid, reason }) = &results[30] else { panic!("{results:?}") };
    assert_eq!(*txid, bad_member.id());
    assert_eq!(reason, "At least one signature didn't pass verification");
    assert!(verify_signatures(&pair).is_ok());
    assert!(matches!(
        verify_signatures(&[pair[0].clone(), bad_member]),
        Err(LedgerError::Signature { .. })
    ));
}
