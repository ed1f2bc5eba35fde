//! Properties of the codec on generated values and transactions.

use proptest::collection::vec;
use proptest::prelude::*;
use tipforge_algo::msgpack::{self, Key, Map, Value};
use tipforge_algo::transaction::{
    AppCall, AssetConfig, AssetFreeze, AssetParams, AssetTransfer, BoxRef, Header, OnComplete,
    Payment, StateSchema, TxnBody,
};
use tipforge_algo::{
    Address, AppId, AssetId, GroupId, MicroAlgos, Round, SecretKey, SignedTransaction, Transaction,
};

fn key() -> impl Strategy<Value = Key> {
    prop_oneof![any::<u64>().prop_map(Key::Uint), vec(any::<u8>(), 0..6).prop_map(Key::Str)]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::Uint),
        (i64::MIN..0).prop_map(Value::Int),
        vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
        ".{0,40}".prop_map(Value::Str),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..8).prop_map(Value::Map),
        ]
    })
}

/// What a value becomes after a canonical round trip: map entries holding empty values drop.
fn canonical(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        Value::Map(map) => Value::Map(
            map.into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(key, value)| (key, canonical(value)))
                .collect::<Map>(),
        ),
        other => other,
    }
}

fn address() -> impl Strategy<Value = Address> {
    any::<[u8; 32]>().prop_map(Address)
}

fn option_address() -> impl Strategy<Value = Option<Address>> {
    proptest::option::of(address().prop_filter("non-zero", |a| !a.is_zero()))
}

fn option_fixed() -> impl Strategy<Value = Option<[u8; 32]>> {
    proptest::option::of(any::<[u8; 32]>().prop_filter("non-zero", |b| *b != [0; 32]))
}

fn header() -> impl Strategy<Value = Header> {
    (
        address().prop_filter("non-zero", |a| !a.is_zero()),
        (any::<u64>(), any::<u64>(), any::<u64>()),
        vec(any::<u8>(), 0..64),
        "[a-z0-9.-]{0,16}",
        any::<[u8; 32]>().prop_filter("non-zero", |b| *b != [0; 32]),
        (option_fixed(), option_fixed(), option_address()),
    )
        .prop_map(|(sender, (fee, fv, lv), note, gen_id, gh, (group, lease, rekey))| Header {
            sender,
            fee: MicroAlgos(fee),
            first_valid: Round(fv),
            last_valid: Round(lv),
            note,
            genesis_id: gen_id,
            genesis_hash: gh,
            group: group.map(GroupId),
            lease,
            rekey_to: rekey,
        })
}

fn asset_params() -> impl Strategy<Value = AssetParams> {
    (
        (any::<u64>(), 0u32..20, any::<bool>()),
        ("[A-Z]{0,8}", ".{0,8}", "[a-z:/#0-9]{0,40}"),
        option_fixed(),
        (option_address(), option_address(), option_address(), option_address()),
    )
        .prop_map(|((total, decimals, frozen), (unit, name, url), hash, (m, r, f, c))| {
            AssetParams {
                total,
                decimals,
                default_frozen: frozen,
                unit_name: unit,
                asset_name: name,
                url,
                metadata_hash: hash,
                manager: m,
                reserve: r,
                freeze: f,
                clawback: c,
            }
        })
}

fn app_call() -> impl Strategy<Value = AppCall> {
    (
        (any::<u64>(), 0usize..6, vec(vec(any::<u8>(), 0..8), 0..4)),
        (vec(address(), 0..3), vec(any::<u64>(), 0..3), vec(any::<u64>(), 0..3)),
        vec((0u64..3, vec(any::<u8>(), 0..8)), 0..3),
        (any::<(u64, u64)>(), any::<(u64, u64)>()),
        (vec(any::<u8>(), 0..16), vec(any::<u8>(), 0..16), 0u32..4, any::<u64>()),
    )
        .prop_map(|((app, oc, args), (accounts, apps, assets), boxes, (gs, ls), programs)| {
            let on_complete = [
                OnComplete::NoOp,
                OnComplete::OptIn,
                OnComplete::CloseOut,
                OnComplete::ClearState,
                OnComplete::UpdateApplication,
                OnComplete::DeleteApplication,
            ][oc];
            AppCall {
                app: AppId(app),
                on_complete,
                args,
                accounts,
                foreign_apps: apps.into_iter().map(AppId).collect(),
                foreign_assets: assets.into_iter().map(AssetId).collect(),
                boxes: boxes.into_iter().map(|(i, name)| BoxRef { app_index: i, name }).collect(),
                global_schema: StateSchema::new(gs.0, gs.1),
                local_schema: StateSchema::new(ls.0, ls.1),
                approval_program: programs.0,
                clear_program: programs.1,
                extra_pages: programs.2,
                reject_version: programs.3,
            }
        })
}

fn body() -> impl Strategy<Value = TxnBody> {
    prop_oneof![
        (address(), any::<u64>(), option_address()).prop_map(|(receiver, amount, close)| {
            TxnBody::Payment(Payment {
                receiver,
                amount: MicroAlgos(amount),
                close_remainder_to: close,
            })
        }),
        (any::<u64>(), asset_params()).prop_map(|(asset, params)| {
            TxnBody::AssetConfig(AssetConfig { asset: AssetId(asset), params })
        }),
        (any::<u64>(), any::<u64>(), address(), option_address(), option_address()).prop_map(
            |(asset, amount, receiver, revoke_from, close_to)| {
                TxnBody::AssetTransfer(AssetTransfer {
                    asset: AssetId(asset),
                    amount,
                    receiver,
                    revoke_from,
                    close_to,
                })
            }
        ),
        (any::<u64>(), address(), any::<bool>()).prop_map(|(asset, account, frozen)| {
            TxnBody::AssetFreeze(AssetFreeze { asset: AssetId(asset), account, frozen })
        }),
        app_call().prop_map(TxnBody::AppCall),
    ]
}

fn transaction() -> impl Strategy<Value = Transaction> {
    (header(), body()).prop_map(|(header, body)| Transaction { header, body })
}

proptest! {
    #[test]
    fn decode_inverts_encode_on_canonical_values(value in value()) {
        let bytes = msgpack::encode(&value);

        prop_assert_eq!(msgpack::decode(&bytes), Ok(canonical(value)));
    }

    #[test]
    fn canonical_re_encoding_is_idempotent(value in value()) {
        let once = msgpack::encode(&value);
        let twice = msgpack::encode(&msgpack::decode(&once).unwrap());

        prop_assert_eq!(&once, &twice);
        prop_assert!(msgpack::check_canonical(&once).is_ok());
    }

    #[test]
    fn the_decoder_never_panics(bytes in vec(any::<u8>(), 0..256)) {
        let _ = msgpack::decode(&bytes);
    }

    #[test]
    fn transactions_survive_encode_then_decode(transaction in transaction()) {
        let bytes = transaction.encode();

        prop_assert_eq!(Transaction::decode(&bytes), Ok(transaction.clone()));
        prop_assert_eq!(msgpack::encode(&msgpack::decode(&bytes).unwrap()), bytes);
    }
}

proptest! {
    // Signing dominates here, and is slow in unoptimised test builds.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn signed_transactions_decode_to_the_same_id_and_verify(
        transaction in transaction(),
        seed in any::<[u8; 32]>(),
    ) {
        let key = SecretKey::from_seed(&seed);
        let signed = transaction.sign(&key);

        let decoded = SignedTransaction::decode(&signed.encode()).unwrap();

        prop_assert_eq!(decoded.id(), transaction.id());
        prop_assert_eq!(decoded.verify(), Ok(()));
        prop_assert_eq!(decoded.transaction(), Ok(transaction));
    }
}
