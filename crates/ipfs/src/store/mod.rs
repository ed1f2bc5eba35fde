//! The local block store: content added here is split into Kubo-identical blocks, kept as files
//! under the data directory, pinned, served back by CID, and collected once unpinned.

mod blocks;
mod pins;
mod reader;

use std::collections::HashSet;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::Stream;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::RwLock;
use tokio::task::spawn_blocking;

use crate::cid::Cid;
use crate::error::{IpfsError, Result};
use crate::importer::{ImportOptions, Importer};
use blocks::Blocks;
use pins::Pins;
use reader::FileReader;

/// Bytes read from a stream before they are handed to the importer.
const READ_SIZE: usize = 1024 * 1024;

/// Where and how the local store keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreConfig {
    /// Directory holding `blocks/`, `pins/` and `tmp/`; created when missing.
    pub data_dir: PathBuf,
    /// Flush every block and its directory to disk before the write counts as done. Without it
    /// a power loss may lose recent blocks, but never leaves a torn one (writes still go
    /// through a temporary file and a rename).
    pub fsync: bool,
}

impl StoreConfig {
    /// A durable store under `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self { data_dir: data_dir.into(), fsync: true }
    }

    /// A store for tests: no fsync.
    pub fn test(data_dir: impl Into<PathBuf>) -> Self {
        Self { fsync: false, ..Self::new(data_dir) }
    }
}

/// What a garbage collection did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Blocks deleted because no pin reaches them.
    pub blocks_removed: u64,
    /// Bytes those blocks took.
    pub bytes_freed: u64,
    /// Blocks kept.
    pub blocks_kept: u64,
}

/// A block store on the local file system. Cheap to clone; clones share the store.
///
/// Any number of readers and writers may run at once. Garbage collection waits for the adds
/// in flight and holds new ones back while it runs, so it never deletes the blocks of a file
/// that is being added. Reads do not wait: a read of an unpinned file may fail midway when a
/// collection removes it.
#[derive(Debug, Clone)]
pub struct LocalStore {
    blocks: Blocks,
    pins: Pins,
    gc_lock: Arc<RwLock<()>>,
}

impl LocalStore {
    /// Opens the store, creating its directories and removing temporary files left by a crash.
    pub async fn open(config: StoreConfig) -> Result<Self> {
        let (blocks, pins) = spawn_blocking(move || {
            let blocks = Blocks::open(&config.data_dir, config.fsync)?;
            Ok::<_, IpfsError>((blocks, Pins::open(&config.data_dir, config.fsync)?))
        })
        .await??;
        Ok(Self { blocks, pins, gc_lock: Arc::default() })
    }

    /// Adds `data` as a file and pins it, as `ipfs add` does. Returns the root CID.
    pub async fn add_bytes(&self, data: Bytes, options: ImportOptions) -> Result<Cid> {
        let _no_gc = self.gc_lock.read().await;
        let (blocks, pins) = (self.blocks.clone(), self.pins.clone());
        spawn_blocking(move || {
            let mut importer = Importer::new(options)?;
            importer.write(&data, |block| blocks.put(&block.cid, block.data))?;
            let root = importer.finish(|block| blocks.put(&block.cid, block.data))?;
            pins.add(&root)?;
            Ok(root)
        })
        .await?
    }

    /// Adds everything `reader` yields as a file and pins it. Memory stays bounded whatever
    /// the length: the bytes are hashed and written block by block.
    pub async fn add_stream<R>(&self, reader: R, options: ImportOptions) -> Result<Cid>
    where
        R: AsyncRead + Unpin + Send,
    {
        let _no_gc = self.gc_lock.read().await;
        let root = self.write_blocks(reader, options).await?;
        let pins = self.pins.clone();
        spawn_blocking(move || pins.add(&root)).await??;
        Ok(root)
    }

    /// Writes the blocks of everything `reader` yields without pinning them (`ipfs add
    /// --pin=false`), for content that is pinned later with [`LocalStore::pin`] once the caller
    /// decides to keep it. Until then a garbage collection may remove the blocks, and a
    /// failure midway (a reader error) leaves only unpinned blocks for the next collection.
    pub async fn import_stream<R>(&self, reader: R, options: ImportOptions) -> Result<Cid>
    where
        R: AsyncRead + Unpin + Send,
    {
        let _no_gc = self.gc_lock.read().await;
        self.write_blocks(reader, options).await
    }

    /// Hashes and writes `reader`'s bytes block by block, off the async runtime.
    async fn write_blocks<R>(&self, mut reader: R, options: ImportOptions) -> Result<Cid>
    where
        R: AsyncRead + Unpin + Send,
    {
        let mut importer = Importer::new(options)?;
        let mut buf = vec![0; READ_SIZE];
        loop {
            let len = read_up_to(&mut reader, &mut buf).await?;
            if len == 0 {
                break;
            }
            let blocks = self.blocks.clone();
            (importer, buf) = spawn_blocking(move || {
                importer.write(&buf[..len], |block| blocks.put(&block.cid, block.data))?;
                Ok::<_, IpfsError>((importer, buf))
            })
            .await??;
        }
        let blocks = self.blocks.clone();
        spawn_blocking(move || importer.finish(|block| blocks.put(&block.cid, block.data))).await?
    }

    /// Whether the block named by `cid` is stored (its children may not be).
    pub async fn has(&self, cid: Cid) -> Result<bool> {
        let blocks = self.blocks.clone();
        Ok(spawn_blocking(move || blocks.has(&cid)).await?)
    }

    /// The length of the file `cid` names. [`IpfsError::BlockNotFound`] when the root block is
    /// not stored.
    pub async fn file_size(&self, cid: Cid) -> Result<u64> {
        let blocks = self.blocks.clone();
        spawn_blocking(move || reader::file_size(&blocks, &cid)).await?
    }

    /// Streams the bytes of `range` of the file `cid` names (the whole file for `0..u64::MAX`).
    /// Blocks are read one at a time; only the subtrees that overlap the range are visited.
    pub fn cat(
        &self,
        cid: Cid,
        range: Range<u64>,
    ) -> impl Stream<Item = Result<Bytes>> + Send + use<> {
        let reader = FileReader::new(self.blocks.clone(), cid, range);
        futures_util::stream::unfold(Some(reader), |state| async move {
            let mut reader = state?;
            let step = spawn_blocking(move || {
                let piece = reader.next();
                (reader, piece)
            });
            match step.await {
                Ok((reader, Some(piece))) => Some((piece, Some(reader))),
                Ok((_, None)) => None,
                Err(join) => Some((Err(join.into()), None)),
            }
        })
    }

    /// The bytes of `range` of the file `cid` names, in memory (`0..u64::MAX` for all of it).
    /// For small files and prefixes; [`LocalStore::cat`] streams.
    pub async fn read(&self, cid: Cid, range: Range<u64>) -> Result<Vec<u8>> {
        let blocks = self.blocks.clone();
        spawn_blocking(move || {
            let mut out = Vec::new();
            for piece in FileReader::new(blocks, cid, range) {
                out.extend_from_slice(&piece?);
            }
            Ok(out)
        })
        .await?
    }

    /// Pins `cid` after checking that every block of its DAG is stored.
    pub async fn pin(&self, cid: Cid) -> Result<()> {
        let _no_gc = self.gc_lock.read().await;
        let (blocks, pins) = (self.blocks.clone(), self.pins.clone());
        spawn_blocking(move || {
            reachable(&blocks, &[cid], true)?;
            pins.add(&cid)
        })
        .await?
    }

    /// Removes the pin on `cid`; returns whether there was one. The blocks stay until the next
    /// garbage collection.
    pub async fn unpin(&self, cid: Cid) -> Result<bool> {
        let pins = self.pins.clone();
        spawn_blocking(move || pins.remove(&cid)).await?
    }

    /// The pinned root CIDs, as they were pinned.
    pub async fn pins(&self) -> Result<Vec<Cid>> {
        let pins = self.pins.clone();
        spawn_blocking(move || pins.list()).await?
    }

    /// Deletes every block that no pin reaches.
    pub async fn gc(&self) -> Result<GcReport> {
        let _exclusive = self.gc_lock.write().await;
        let (blocks, pins) = (self.blocks.clone(), self.pins.clone());
        spawn_blocking(move || {
            let live = reachable(&blocks, &pins.list()?, false)?;
            let (blocks_removed, bytes_freed, blocks_kept) =
                blocks.sweep(|digest| live.contains(digest))?;
            blocks.remove_temporaries()?;
            let report = GcReport { blocks_removed, bytes_freed, blocks_kept };
            tracing::info!(target: "ipfs::store", ?report, "garbage collection done");
            Ok(report)
        })
        .await?
    }
}

/// The digests of every block reachable from `roots`. Missing blocks are an error when
/// `complete` is asked for, and skipped otherwise.
fn reachable(blocks: &Blocks, roots: &[Cid], complete: bool) -> Result<HashSet<[u8; 32]>> {
    let mut seen = HashSet::new();
    let mut todo = roots.to_vec();
    while let Some(cid) = todo.pop() {
        if !seen.insert(*cid.digest()) {
            continue;
        }
        match blocks.get(&cid) {
            Ok(block) => todo.extend(reader::links(&cid, &block)?),
            Err(IpfsError::BlockNotFound { .. }) if !complete => {}
            Err(error) => return Err(error),
        }
    }
    Ok(seen)
}

/// Fills `buf` as far as the reader allows; fewer bytes only at the end of the stream.
async fn read_up_to<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let read = reader.read(&mut buf[filled..]).await.map_err(IpfsError::ReadInput)?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    Ok(filled)
}
