#![allow(missing_docs)] // criterion_group! generates undocumented functions.

//! Benchmarks for building, signing, decoding and verifying transactions.

use criterion::{Criterion, criterion_group, criterion_main};

fn placeholder(c: &mut Criterion) {
    c.bench_function("noop", |b| b.iter(|| 1 + 1));
}

criterion_group!(benches, placeholder);
criterion_main!(benches);
