//! Pins as empty files named by CID under `pins/`: adding or removing one is a single atomic
//! file-system operation, so a crash leaves every pin either set or not. With fsync on, a pin
//! is on disk before `add` returns.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cid::Cid;
use crate::error::{IpfsError, Result};

#[derive(Debug, Clone)]
pub(crate) struct Pins {
    dir: Arc<PathBuf>,
    fsync: bool,
}

impl Pins {
    pub(crate) fn open(root: &Path, fsync: bool) -> Result<Self> {
        let dir = root.join("pins");
        fs::create_dir_all(&dir).map_err(|e| IpfsError::io(&dir, e))?;
        Ok(Self { dir: Arc::new(dir), fsync })
    }

    pub(crate) fn add(&self, cid: &Cid) -> Result<()> {
        let path = self.dir.join(cid.to_string());
        fs::File::create(&path).map_err(|e| IpfsError::io(&path, e))?;
        if self.fsync {
            let dir = fs::File::open(self.dir.as_path());
            dir.and_then(|d| d.sync_all()).map_err(|e| IpfsError::io(&*self.dir, e))?;
        }
        Ok(())
    }

    pub(crate) fn remove(&self, cid: &Cid) -> Result<bool> {
        let path = self.dir.join(cid.to_string());
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(IpfsError::io(path, e)),
        }
    }

    /// Every pin whose file name parses as a CID; stray files are ignored.
    pub(crate) fn list(&self) -> Result<Vec<Cid>> {
        let entries = fs::read_dir(self.dir.as_path()).map_err(|e| IpfsError::io(&*self.dir, e))?;
        let mut pins = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| IpfsError::io(&*self.dir, e))?;
            if let Some(cid) = entry.file_name().to_str().and_then(|name| name.parse().ok()) {
                pins.push(cid);
            }
        }
        Ok(pins)
    }
}
