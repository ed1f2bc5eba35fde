//! The golden vectors of the research notes (py-algorand-sdk 2.12.0), kept separate from the
//! generated fixtures so that a generator bug cannot hide an encoding bug.

use data_encoding::BASE64;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, AssetConfig, AssetParams, Payment};
use tipforge_algo::{Address, AppId, MicroAlgos, Round, SecretKey, SuggestedParams, Transaction};

use crate::support::hex;

const PAY_TXN: &str = concat!(
    "8aa3616d74ce000f4240a3666565cd03e8a26676cd03e8a367656eac646f636b65726e65742d7631a26768c4",
    "200101010101010101010101010101010101010101010101010101010101010101a26c76cd07d0a46e6f7465",
    "c403746970a3726376c42072a43709d7a9981bc3b37f700e56d3cdb295a5fb731085bcec398f48d0a4d436a3",
    "736e64c4203b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29a474797065a370",
    "6179",
);
const ACFG_TXN: &str = concat!(
    "88a46170617286a2616dc420f2d38e0dbfc29132d6acf84ee946ccae4786cc4fd8c6dc73ac119bafb7300e62",
    "a2616ea6546970202331a26175d947697066733a2f2f6261666b7265696873326f68613370366373657a6e6e",
    "6c68796a3375756e74666f6936646d7974367979336f68686c6172746f78336f6d616f6d692361726333a16d",
    "c4203b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29a17401a2756ea3544950",
    "a3666565cd03e8a26676cd03e8a367656eac646f636b65726e65742d7631a26768c420010101010101010101",
    "0101010101010101010101010101010101010101010101a26c76cd07d0a3736e64c4203b6a27bcceb6a42d62",
    "a3a8d02a6f0d73653215771de243a63ac048a18b59da29a474797065a461636667",
);
const APPL_TXN: &str = concat!(
    "8aa46170616192c4040b981707c4040002676da461706964cd03e9a3666565cd03e8a26676cd03e8a367656e",
    "ac646f636b65726e65742d7631a26768c4200101010101010101010101010101010101010101010101010101",
    "010101010101a3677270c420bdc02598b51129c1543c4f35c3a390acbf0d45658e0f15b2beacc49cace273fb",
    "a26c76cd07d0a3736e64c4203b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29",
    "a474797065a46170706c",
);

fn params() -> SuggestedParams {
    SuggestedParams {
        min_fee: MicroAlgos(1000),
        fee_per_byte: MicroAlgos(0),
        first_valid: Round(1000),
        last_valid: Round(2000),
        genesis_id: "dockernet-v1".into(),
        genesis_hash: [1; 32],
    }
}

fn sender() -> SecretKey {
    SecretKey::from_seed(&[0; 32])
}

fn app_address() -> Address {
    Address::for_app(AppId(1001))
}

#[test]
fn payment_vector() {
    let payment = Payment::new(app_address(), MicroAlgos(1_000_000));
    let txn = Transaction::builder(sender().address(), &params(), payment).note(*b"tip");
    let txn = txn.build().unwrap();
    let signed = txn.sign(&sender());

    assert_eq!(txn.encode(), hex(PAY_TXN));
    assert_eq!(txn.id().to_string(), "FM4OE3W54VFXZ2LCY6QTLF23C64RGVIGRCKKYIGZEEOXCP5MVR6Q");
    let tipforge_algo::Authorization::Single(signature) = signed.authorization() else {
        panic!("single signature expected")
    };
    assert_eq!(
        BASE64.encode(&signature.0),
        "qwiDxBJvocB2GND5RYLhEECp5hPpn0Csbzgksk96uEsWDru3lDB6W0Rftaicb7+/tVgRGG+vZOURUBGbxnYcCg=="
    );
}

#[test]
fn arc3_asset_create_vector() {
    let hash = hex("f2d38e0dbfc29132d6acf84ee946ccae4786cc4fd8c6dc73ac119bafb7300e62");
    let asset = AssetParams::new(1, 0)
        .unit_name("TIP")
        .asset_name("Tip #1")
        .url("ipfs://bafkreihs2oha3p6cseznnlhyj3uuntfoi6dmyt6yy3ohhlartox3omaomi#arc3")
        .metadata_hash(hash.try_into().unwrap())
        .manager(sender().address());

    let txn = Transaction::builder(sender().address(), &params(), AssetConfig::create(asset));
    let txn = txn.build().unwrap();

    assert_eq!(txn.encode(), hex(ACFG_TXN));
    assert_eq!(txn.id().to_string(), "XTTX77DQ57A2X5YDC4KBMQMVLGWXMPX7RGOPGHC7VS6CMKE6XSDA");
}

#[test]
fn payment_and_app_call_group_vector() {
    let pay = Payment::new(app_address(), MicroAlgos(250_000));
    let call = AppCall::new(AppId(1001)).arg(hex("0b981707")).arg(hex("0002676d"));
    let mut group = [
        Transaction::builder(sender().address(), &params(), pay).build().unwrap(),
        Transaction::builder(sender().address(), &params(), call).build().unwrap(),
    ];

    let id = assign_group(&mut group).unwrap();

    assert_eq!(BASE64.encode(&id.0), "vcAlmLURKcFUPE81w6OQrL8NRWWODxWyvqzEnKzic/s=");
    assert_eq!(group[0].id().to_string(), "ICEID6774WS65W6ETTSJKRKRTTFBSIT7OGBGFUHBJIXE6ADSDOHA");
    assert_eq!(group[1].id().to_string(), "552BAF5H6KGGQFQXK26INLBJQI2CWXQ27NH6YPLN4IDEAVDE5F6Q");
    assert_eq!(group[1].encode(), hex(APPL_TXN));
}
