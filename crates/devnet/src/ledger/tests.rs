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
    state.accounts.insert(key(1).address(), Account { balance: amount, ..Account::default() });
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
