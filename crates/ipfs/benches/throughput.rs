//! MiB/s of computing CIDs (v0 and v1) and of adding to the local store, on 16 MiB of
//! pseudo-random bytes. `cargo bench -p tipforge-ipfs --bench throughput`.

#![allow(missing_docs, reason = "criterion's macros generate undocumented functions")]

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tipforge_ipfs::{ImportOptions, LocalStore, StoreConfig, cid_of};

const SIZE: usize = 16 * 1024 * 1024;

fn pseudo_random(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn hashing(c: &mut Criterion) {
    let data = pseudo_random(SIZE);
    let mut group = c.benchmark_group("hash");
    group.throughput(Throughput::Bytes(SIZE as u64)).sample_size(10);
    for (name, options) in [("v0", ImportOptions::kubo_v0()), ("v1", ImportOptions::kubo_v1())] {
        group.bench_function(name, |b| {
            b.iter(|| cid_of(black_box(&data), options).expect("valid options"))
        });
    }
    group.finish();
}

fn storing(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let data = Bytes::from(pseudo_random(SIZE));
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Bytes(SIZE as u64)).sample_size(10);
    for (name, fsync) in [("add_v0", false), ("add_v0_fsync", true)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("a temporary directory");
                    let config = StoreConfig { fsync, ..StoreConfig::new(dir.path()) };
                    (dir, runtime.block_on(LocalStore::open(config)).expect("an empty store"))
                },
                // Returned, not dropped: criterion drops outputs after timing, so deleting
                // the directory is not measured.
                |(dir, store)| {
                    let added = store.add_bytes(data.clone(), ImportOptions::kubo_v0());
                    (runtime.block_on(added).expect("stored"), store, dir)
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, hashing, storing);
criterion_main!(benches);
