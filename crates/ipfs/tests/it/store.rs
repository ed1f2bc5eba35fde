use bytes::Bytes;
use futures_util::TryStreamExt;
use tipforge_ipfs::{Cid, CidVersion, ImportOptions, IpfsError, LocalStore, StoreConfig, cid_of};

use crate::support::{pseudo_random, temp_store};

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn added_files_come_back_whole_and_in_ranges() {
    let (_dir, store) = temp_store().await;
    let data = pseudo_random(MIB + 12_345, 1);
    for options in [ImportOptions::kubo_v0(), ImportOptions::kubo_v1()] {
        let cid = store.add_bytes(Bytes::from(data.clone()), options).await.unwrap();
        assert_eq!(cid, cid_of(&data, options).unwrap());
        assert_eq!(store.file_size(cid).await.unwrap(), data.len() as u64);
        assert_eq!(store.read(cid, 0..u64::MAX).await.unwrap(), data);

        let boundary = 256 * 1024;
        for (start, end) in [(0, 1), (boundary - 10, boundary + 10), (1000, 3 * boundary + 7)] {
            let piece = store.read(cid, start as u64..end as u64).await.unwrap();
            assert_eq!(piece, &data[start..end], "{start}..{end}");
        }
        let streamed: Vec<Bytes> = store.cat(cid, 0..u64::MAX).try_collect().await.unwrap();
        assert_eq!(streamed.concat(), data);
    }
}

#[tokio::test]
async fn streaming_add_matches_add_bytes() {
    let (_dir, store) = temp_store().await;
    let data = pseudo_random(3 * MIB + 1, 2);
    let reader = tokio::io::BufReader::with_capacity(4099, &data[..]);
    let streamed = store.add_stream(reader, ImportOptions::kubo_v1()).await.unwrap();
    assert_eq!(streamed, cid_of(&data, ImportOptions::kubo_v1()).unwrap());
    assert_eq!(store.read(streamed, 0..u64::MAX).await.unwrap(), data);
}

#[tokio::test]
async fn imported_content_stays_unpinned_until_pinned() {
    let (_dir, store) = temp_store().await;
    let data = pseudo_random(MIB + 7, 3);

    let cid = store.import_stream(&data[..], ImportOptions::kubo_v1()).await.unwrap();

    assert_eq!(cid, cid_of(&data, ImportOptions::kubo_v1()).unwrap());
    assert!(store.pins().await.unwrap().is_empty());
    assert_eq!(store.read(cid, 0..u64::MAX).await.unwrap(), data);
    store.pin(cid).await.unwrap();
    assert_eq!(store.gc().await.unwrap().blocks_removed, 0);
    assert_eq!(store.pins().await.unwrap(), vec![cid]);
}

#[tokio::test]
async fn empty_and_tiny_files() {
    let (_dir, store) = temp_store().await;
    for data in [&b""[..], b"x"] {
        for options in [ImportOptions::kubo_v0(), ImportOptions::kubo_v1()] {
            let cid = store.add_bytes(Bytes::copy_from_slice(data), options).await.unwrap();
            assert_eq!(store.read(cid, 0..u64::MAX).await.unwrap(), data);
        }
    }
}

#[tokio::test]
async fn v0_content_is_readable_by_its_v1_name() {
    let (_dir, store) = temp_store().await;
    let cid =
        store.add_bytes(Bytes::from_static(b"hello"), ImportOptions::kubo_v0()).await.unwrap();
    assert_eq!(store.read(cid.to_v1(), 0..u64::MAX).await.unwrap(), b"hello");
}

#[tokio::test]
async fn unknown_content_is_not_found() {
    let (_dir, store) = temp_store().await;
    let cid = cid_of(b"never added", ImportOptions::kubo_v0()).unwrap();
    assert!(!store.has(cid).await.unwrap());
    assert!(matches!(store.file_size(cid).await, Err(IpfsError::BlockNotFound { .. })));
    assert!(matches!(store.pin(cid).await, Err(IpfsError::BlockNotFound { .. })));
}

#[tokio::test]
async fn gc_removes_only_what_no_pin_reaches() {
    let (_dir, store) = temp_store().await;
    let kept = pseudo_random(MIB, 3);
    let dropped = pseudo_random(MIB, 4);
    let kept_cid = store.add_bytes(kept.clone().into(), ImportOptions::kubo_v0()).await.unwrap();
    let dropped_cid = store.add_bytes(dropped.into(), ImportOptions::kubo_v0()).await.unwrap();

    assert_eq!(store.gc().await.unwrap().blocks_removed, 0);
    assert!(store.unpin(dropped_cid).await.unwrap());
    assert!(!store.unpin(dropped_cid).await.unwrap());
    let report = store.gc().await.unwrap();

    assert_eq!(report.blocks_removed, 5, "four leaves and their parent");
    assert_eq!(report.blocks_kept, 5);
    assert!(report.bytes_freed > MIB as u64);
    assert_eq!(store.pins().await.unwrap(), vec![kept_cid]);
    assert!(!store.has(dropped_cid).await.unwrap());
    assert_eq!(store.read(kept_cid, 0..u64::MAX).await.unwrap(), kept);
}

#[tokio::test]
async fn blocks_shared_with_a_pinned_file_survive_gc() {
    let (_dir, store) = temp_store().await;
    let zeros = vec![0; 2 * MIB];
    let pinned =
        store.add_bytes(zeros[..MIB].to_vec().into(), ImportOptions::kubo_v1()).await.unwrap();
    let other = store.add_bytes(zeros.clone().into(), ImportOptions::kubo_v1()).await.unwrap();
    store.unpin(other).await.unwrap();
    store.gc().await.unwrap();
    assert_eq!(store.read(pinned, 0..u64::MAX).await.unwrap(), &zeros[..MIB]);
}

#[tokio::test]
async fn contents_and_pins_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let data = pseudo_random(600_000, 5);
    let cid = {
        let store = LocalStore::open(StoreConfig::new(dir.path())).await.unwrap();
        store.add_bytes(data.clone().into(), ImportOptions::kubo_v0()).await.unwrap()
    };
    std::fs::write(dir.path().join("tmp").join(".tmp-crashed"), b"half").unwrap();

    let store = LocalStore::open(StoreConfig::new(dir.path())).await.unwrap();
    assert_eq!(store.pins().await.unwrap(), vec![cid]);
    assert_eq!(store.read(cid, 0..u64::MAX).await.unwrap(), data);
    assert_eq!(std::fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
}

#[tokio::test]
async fn a_damaged_block_is_reported_not_served() {
    let (dir, store) = temp_store().await;
    let cid =
        store.add_bytes(Bytes::from_static(b"precious"), ImportOptions::kubo_v1()).await.unwrap();
    for shard in std::fs::read_dir(dir.path().join("blocks")).unwrap() {
        for block in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            std::fs::write(block.unwrap().path(), b"tampered").unwrap();
        }
    }
    assert!(matches!(store.read(cid, 0..u64::MAX).await, Err(IpfsError::CorruptBlock { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_adds_reads_and_gc_keep_pinned_content() {
    let (_dir, store) = temp_store().await;
    let mut tasks = Vec::new();
    for seed in 0..8u64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let data = pseudo_random(700_000, 10 + seed);
            let version = if seed % 2 == 0 { CidVersion::V0 } else { CidVersion::V1 };
            let options = ImportOptions::for_version(version);
            let cid = store.add_bytes(data.clone().into(), options).await.unwrap();
            store.gc().await.unwrap();
            assert_eq!(store.read(cid, 0..u64::MAX).await.unwrap(), data);
            cid
        }));
    }
    let mut cids: Vec<Cid> = Vec::new();
    for task in tasks {
        cids.push(task.await.unwrap());
    }
    let mut pins = store.pins().await.unwrap();
    pins.sort_by_key(|c| c.to_string());
    cids.sort_by_key(|c| c.to_string());
    assert_eq!(pins, cids);
}
