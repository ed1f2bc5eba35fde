#![allow(missing_docs)] // criterion_group! generates undocumented functions.
//! Signed payments applied per second by the node in dev mode (a block
//! per payment) and interval mode (everything pooled, then one block), submitted one by one or
//! as a batch whose signatures are verified on every core; and signature verification alone,
//! the bound of the one-by-one paths.
//!
//! `CARGO_TARGET_DIR=/work/target-devnet cargo bench -p tipforge-devnet --bench payments`

use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use tipforge_algo::transaction::Payment;
use tipforge_algo::{
    Address, MicroAlgos, Round, SignedTransaction, SuggestedParams, Transaction, sha512_256,
};
use tipforge_devnet::node::{Chain, Node, unix_now};
use tipforge_devnet::{Genesis, GenesisConfig, MiningMode};

const PAYMENTS: usize = 2_000;
const DEV_PAYMENTS: usize = 900;

fn signed_payments(genesis: &Genesis) -> Vec<SignedTransaction> {
    let params = SuggestedParams {
        min_fee: MicroAlgos(1_000),
        fee_per_byte: MicroAlgos(0),
        first_valid: Round(1),
        last_valid: Round(1_000),
        genesis_id: genesis.id.clone(),
        genesis_hash: genesis.hash,
    };
    (0..PAYMENTS)
        .map(|n| {
            let from = &genesis.accounts[n % genesis.accounts.len()];
            let to = Address(sha512_256(&(n as u64).to_be_bytes()));
            let body = Payment::new(to, MicroAlgos(100_000 + n as u64));
            let txn =
                Transaction::builder(from.address, &params, body).build().expect("valid payment");
            txn.sign(&from.key)
        })
        .collect()
}

fn submit(node: &Node, txn: &SignedTransaction) {
    node.submit(std::slice::from_ref(txn)).expect("a valid payment is accepted");
}

fn node(genesis: &Genesis, mode: MiningMode) -> Node {
    Node::new(Chain::new(genesis.clone(), 1_000, unix_now()), mode, None)
}

fn payments(c: &mut Criterion) {
    let genesis = Genesis::new(&GenesisConfig::default());
    let txns = signed_payments(&genesis);
    let mut group = c.benchmark_group("signed_payments");
    group
        .throughput(Throughput::Elements(PAYMENTS as u64))
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));

    // A payment's validity window spans at most 1,000 rounds, and dev mode spends one per payment.
    let dev_txns = &txns[..DEV_PAYMENTS];
    group.throughput(Throughput::Elements(DEV_PAYMENTS as u64));
    group.bench_function("dev_mode_block_per_payment", |b| {
        b.iter_batched(
            || node(&genesis, MiningMode::Dev),
            |node| dev_txns.iter().for_each(|t| submit(&node, t)),
            BatchSize::PerIteration,
        )
    });
    group.throughput(Throughput::Elements(PAYMENTS as u64));
    group.bench_function("interval_mode_one_block", |b| {
        b.iter_batched(
            || node(&genesis, MiningMode::Interval(Duration::from_secs(3600))),
            |node| {
                txns.iter().for_each(|t| submit(&node, t));
                node.produce();
            },
            BatchSize::PerIteration,
        )
    });
    let groups: Vec<Vec<SignedTransaction>> = txns.iter().map(|t| vec![t.clone()]).collect();
    group.bench_function("interval_mode_batch_parallel_verify", |b| {
        b.iter_batched(
            || node(&genesis, MiningMode::Interval(Duration::from_secs(3600))),
            |node| {
                assert!(node.submit_batch(&groups).iter().all(Result::is_ok));
                node.produce();
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("signature_verification_only", |b| {
        b.iter(|| txns.iter().for_each(|t| t.verify().expect("valid signature")))
    });
    group.finish();
}

criterion_group!(benches, payments);
criterion_main!(benches);
