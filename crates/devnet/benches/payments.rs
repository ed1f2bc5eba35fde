#![allow(missing_docs)] // criterion_group! generates undocumented functions.
//! Signed payments applied per second by the node in dev mode (a block
//! per payment) and interval mode (everything pooled, then one block), submitted one by one or
//! as a batch whose signatures are verified on every core; and signature verification alone,
//! the bound of the one-by-one paths.
//!
//! Each case is measured twice: in wall time (`signed_payments`) and in CPU time of the process
//! (`signed_payments_cpu`, payments per CPU-second), which stays meaningful on a shared machine
//! whose load would otherwise decide the wall-time figures.
//!
//! `CARGO_TARGET_DIR=/work/target-devnet cargo bench -p tipforge-devnet --bench payments`

use std::time::Duration;

use cpu_time::ProcessTime;
use criterion::measurement::{Measurement, ValueFormatter};
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

/// CPU time used by the whole process (every thread) while a routine runs.
struct ProcessCpu;

impl Measurement for ProcessCpu {
    type Intermediate = ProcessTime;
    type Value = Duration;

    fn start(&self) -> ProcessTime {
        ProcessTime::now()
    }

    fn end(&self, started: ProcessTime) -> Duration {
        started.elapsed()
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, _typical: f64, values: &mut [f64]) -> &'static str {
        values.iter_mut().for_each(|v| *v /= 1e6);
        "ms cpu"
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per = match throughput {
            Throughput::Elements(n) | Throughput::Bytes(n) | Throughput::BytesDecimal(n) => *n,
        };
        values.iter_mut().for_each(|v| *v = per as f64 * 1e9 / *v);
        "elem/cpu-s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns cpu"
    }
}

fn payments(c: &mut Criterion) {
    cases(c, "signed_payments");
}

fn payments_cpu(c: &mut Criterion<ProcessCpu>) {
    cases(c, "signed_payments_cpu");
}

fn cases<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let genesis = Genesis::new(&GenesisConfig::default());
    let txns = signed_payments(&genesis);
    let mut group = c.benchmark_group(name);
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
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ProcessCpu);
    targets = payments_cpu
}
criterion_main!(benches, cpu);
