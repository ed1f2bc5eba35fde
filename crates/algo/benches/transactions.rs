#![allow(missing_docs)] // criterion_group! generates undocumented functions.

//! Throughput of the paths TipForge runs per reward and per tip: building and signing a payment
//! or a payment + app-call group, and decoding and verifying them again.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tipforge_algo::group::assign_group;
use tipforge_algo::transaction::{AppCall, Payment};
use tipforge_algo::{
    Address, AppId, MicroAlgos, Round, SecretKey, SignedTransaction, SuggestedParams, Transaction,
};

fn params() -> SuggestedParams {
    SuggestedParams {
        min_fee: MicroAlgos(1000),
        fee_per_byte: MicroAlgos(0),
        first_valid: Round(40_000_000),
        last_valid: Round(40_001_000),
        genesis_id: "testnet-v1.0".into(),
        genesis_hash: [7; 32],
    }
}

fn payment(key: &SecretKey, sp: &SuggestedParams) -> Transaction {
    let body = Payment::new(Address::for_app(AppId(1001)), MicroAlgos(1_000_000));
    Transaction::builder(key.address(), sp, body).note(*b"tip").build().expect("valid payment")
}

fn tip_group(key: &SecretKey, sp: &SuggestedParams) -> Vec<SignedTransaction> {
    let call =
        AppCall::new(AppId(1001)).arg(vec![0x0b, 0x98, 0x17, 0x07]).arg(b"\x00\x02gm".to_vec());
    let call = Transaction::builder(key.address(), sp, call).build().expect("valid call");
    let mut group = [payment(key, sp), call];
    assign_group(&mut group).expect("two members");
    group.iter().map(|txn| txn.sign(key)).collect()
}

fn build_and_sign(c: &mut Criterion) {
    let key = SecretKey::from_seed(&[1; 32]);
    let sp = params();
    let mut bench = c.benchmark_group("build+sign");
    bench.throughput(Throughput::Elements(1));
    bench.bench_function("payment", |b| b.iter(|| payment(&key, &sp).sign(&key).encode()));
    bench.bench_function("pay+appl group", |b| {
        b.iter(|| tip_group(&key, &sp).iter().map(SignedTransaction::encode).count())
    });
    bench.finish();
}

fn decode_and_verify(c: &mut Criterion) {
    let key = SecretKey::from_seed(&[1; 32]);
    let sp = params();
    let single = payment(&key, &sp).sign(&key).encode();
    let group: Vec<Vec<u8>> = tip_group(&key, &sp).iter().map(SignedTransaction::encode).collect();
    let mut bench = c.benchmark_group("decode+verify");
    bench.throughput(Throughput::Elements(1));
    bench.bench_function("payment", |b| {
        b.iter(|| SignedTransaction::decode(black_box(&single)).and_then(|s| s.verify()))
    });
    bench.bench_function("pay+appl group", |b| {
        b.iter(|| group.iter().try_for_each(|bytes| SignedTransaction::decode(bytes)?.verify()))
    });
    bench.finish();
}

criterion_group!(benches, build_and_sign, decode_and_verify);
criterion_main!(benches);
