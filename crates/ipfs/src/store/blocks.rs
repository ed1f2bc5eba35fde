//! Blocks as files: `blocks/<shard>/<key>`, written to `tmp/` first and renamed into place, so a
//! reader or a crash never sees half a block.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use data_encoding::BASE32_NOPAD;
use sha2::{Digest, Sha256};

use crate::cid::Cid;
use crate::error::{IpfsError, Result};

/// The block files of one store. Blocks are keyed by digest alone, as in Kubo, so a CIDv0 and a
/// CIDv1 dag-pb CID of the same bytes share one file.
#[derive(Debug, Clone)]
pub(crate) struct Blocks {
    paths: Arc<Paths>,
}

#[derive(Debug)]
struct Paths {
    blocks: PathBuf,
    tmp: PathBuf,
    fsync: bool,
}

impl Blocks {
    /// Opens (creating if needed) the block directories under `root` and deletes temporary
    /// files that a crash left behind.
    pub(crate) fn open(root: &Path, fsync: bool) -> Result<Self> {
        let paths = Paths { blocks: root.join("blocks"), tmp: root.join("tmp"), fsync };
        for dir in [&paths.blocks, &paths.tmp] {
            fs::create_dir_all(dir).map_err(|e| IpfsError::io(dir, e))?;
        }
        let blocks = Self { paths: Arc::new(paths) };
        blocks.remove_temporaries()?;
        Ok(blocks)
    }

    /// Stores a block unless it is already there. The caller vouches that `cid` names `data`.
    pub(crate) fn put(&self, cid: &Cid, data: &[u8]) -> Result<()> {
        let path = self.path(cid);
        if path.exists() {
            return Ok(());
        }
        let shard = path.parent().expect("a block path always has its shard directory");
        fs::create_dir_all(shard).map_err(|e| IpfsError::io(shard, e))?;

        let tmp = &self.paths.tmp;
        let mut file = tempfile::NamedTempFile::new_in(tmp).map_err(|e| IpfsError::io(tmp, e))?;
        file.write_all(data).map_err(|e| IpfsError::io(file.path(), e))?;
        if self.paths.fsync {
            file.as_file().sync_all().map_err(|e| IpfsError::io(file.path(), e))?;
        }
        file.persist(&path).map_err(|e| IpfsError::io(&path, e.error))?;
        if self.paths.fsync {
            sync_dir(shard)?;
        }
        Ok(())
    }

    /// Reads a block and checks that it still hashes to its CID.
    pub(crate) fn get(&self, cid: &Cid) -> Result<Bytes> {
        let path = self.path(cid);
        let data = match fs::read(&path) {
            Ok(data) => data,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(IpfsError::BlockNotFound { cid: *cid });
            }
            Err(e) => return Err(IpfsError::io(path, e)),
        };
        if Sha256::digest(&data).as_slice() != cid.digest() {
            return Err(IpfsError::CorruptBlock { cid: *cid });
        }
        Ok(Bytes::from(data))
    }

    /// Whether the block is stored.
    pub(crate) fn has(&self, cid: &Cid) -> bool {
        self.path(cid).exists()
    }

    /// Deletes every block whose digest `keep` rejects, returning (blocks removed, bytes freed,
    /// blocks kept).
    pub(crate) fn sweep(&self, keep: impl Fn(&[u8; 32]) -> bool) -> Result<(u64, u64, u64)> {
        let (mut removed, mut freed, mut kept) = (0, 0, 0);
        for shard in read_dir(&self.paths.blocks)? {
            for path in read_dir(&shard)? {
                let digest = path.file_name().and_then(|n| n.to_str()).and_then(digest_of_key);
                if digest.is_some_and(|d| keep(&d)) {
                    kept += 1;
                    continue;
                }
                let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                fs::remove_file(&path).map_err(|e| IpfsError::io(&path, e))?;
                removed += 1;
                freed += size;
            }
        }
        Ok((removed, freed, kept))
    }

    /// Deletes leftover temporary files. Only safe while no write is in flight.
    pub(crate) fn remove_temporaries(&self) -> Result<()> {
        for path in read_dir(&self.paths.tmp)? {
            fs::remove_file(&path).map_err(|e| IpfsError::io(&path, e))?;
        }
        Ok(())
    }

    fn path(&self, cid: &Cid) -> PathBuf {
        let key = BASE32_NOPAD.encode(cid.digest());
        // Like Kubo's flatfs `next-to-last/2`: the last characters vary most evenly.
        let shard = &key[key.len() - 3..key.len() - 1];
        self.paths.blocks.join(shard).join(key)
    }
}

fn digest_of_key(key: &str) -> Option<[u8; 32]> {
    BASE32_NOPAD.decode(key.as_bytes()).ok()?.try_into().ok()
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = fs::read_dir(dir).map_err(|e| IpfsError::io(dir, e))?;
    entries.map(|entry| entry.map(|e| e.path()).map_err(|e| IpfsError::io(dir, e))).collect()
}

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| IpfsError::io(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cid::{CidVersion, Codec};

    #[test]
    fn put_get_and_detect_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let blocks = Blocks::open(dir.path(), false).unwrap();
        let cid = Cid::for_block(CidVersion::V1, Codec::Raw, b"block");

        assert!(matches!(blocks.get(&cid), Err(IpfsError::BlockNotFound { .. })));
        blocks.put(&cid, b"block").unwrap();
        blocks.put(&cid, b"block").unwrap();
        assert_eq!(blocks.get(&cid).unwrap(), &b"block"[..]);

        fs::write(blocks.path(&cid), b"blocc").unwrap();
        assert!(matches!(blocks.get(&cid), Err(IpfsError::CorruptBlock { .. })));
    }

    #[test]
    fn opening_removes_crash_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        Blocks::open(dir.path(), false).unwrap();
        fs::write(dir.path().join("tmp").join(".tmpXYZ"), b"half a block").unwrap();
        Blocks::open(dir.path(), false).unwrap();
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }
}
