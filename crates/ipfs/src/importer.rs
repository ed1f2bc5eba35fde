//! Kubo's file importer: fixed-size chunks, leaves, and a balanced tree of parents, computed
//! while the bytes stream in.
//!
//! Memory stays constant in the file size: one chunk buffer plus at most `max_links` pending
//! links per tree level (a 1 TiB file has four levels).

use crate::cid::{Cid, CidVersion, Codec};
use crate::error::{IpfsError, Result};
use crate::pb::{self, Link};

/// Kubo's default chunk size (`size-262144`).
pub const DEFAULT_CHUNK_SIZE: usize = 256 * 1024;
/// Kubo's default number of links per file node (`helpers.DefaultLinksPerBlock`).
pub const DEFAULT_MAX_LINKS: usize = 174;

/// How a file becomes blocks. The presets reproduce `ipfs add` exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// Version of the CIDs produced.
    pub version: CidVersion,
    /// Leaves are the raw chunk bytes (codec raw) instead of dag-pb UnixFS nodes.
    pub raw_leaves: bool,
    /// Bytes per chunk.
    pub chunk_size: usize,
    /// Children per inner node of the balanced tree.
    pub max_links: usize,
}

impl ImportOptions {
    /// `ipfs add`: CIDv0, dag-pb leaves, 256 KiB chunks, 174 links.
    pub const fn kubo_v0() -> Self {
        Self {
            version: CidVersion::V0,
            raw_leaves: false,
            chunk_size: DEFAULT_CHUNK_SIZE,
            max_links: DEFAULT_MAX_LINKS,
        }
    }

    /// `ipfs add --cid-version=1`: CIDv1, raw leaves, 256 KiB chunks, 174 links.
    pub const fn kubo_v1() -> Self {
        Self { version: CidVersion::V1, raw_leaves: true, ..Self::kubo_v0() }
    }

    /// The preset for a CID version.
    pub const fn for_version(version: CidVersion) -> Self {
        match version {
            CidVersion::V0 => Self::kubo_v0(),
            CidVersion::V1 => Self::kubo_v1(),
        }
    }

    fn validate(&self) -> Result<()> {
        let reason = if self.version == CidVersion::V0 && self.raw_leaves {
            "CIDv0 cannot name raw leaves"
        } else if self.chunk_size == 0 {
            "chunk size must be positive"
        } else if self.max_links < 2 {
            "a file node needs at least two links"
        } else {
            return Ok(());
        };
        Err(IpfsError::InvalidOptions { reason })
    }
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self::kubo_v0()
    }
}

/// One block produced by the importer, borrowed until the callback returns.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    /// The block's CID.
    pub cid: Cid,
    /// The block's bytes.
    pub data: &'a [u8],
}

/// Streams a file into blocks: call [`Importer::write`] with the bytes in order, then
/// [`Importer::finish`] for the root CID. Every block is handed to the callback once, children
/// before parents.
#[derive(Debug)]
pub struct Importer {
    options: ImportOptions,
    chunk: Vec<u8>,
    scratch: Vec<u8>,
    levels: Vec<Vec<Link>>,
    leaves: u64,
    bytes: u64,
}

type OnBlock<'f> = &'f mut dyn FnMut(Block<'_>) -> Result<()>;

impl Importer {
    /// An importer for one file.
    pub fn new(options: ImportOptions) -> Result<Self> {
        options.validate()?;
        Ok(Self {
            options,
            chunk: Vec::with_capacity(options.chunk_size),
            scratch: Vec::new(),
            levels: Vec::new(),
            leaves: 0,
            bytes: 0,
        })
    }

    /// File bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.bytes
    }

    /// Feeds the next bytes of the file; complete chunks become blocks right away.
    pub fn write(
        &mut self,
        mut data: &[u8],
        mut on_block: impl FnMut(Block<'_>) -> Result<()>,
    ) -> Result<()> {
        self.bytes += data.len() as u64;
        let size = self.options.chunk_size;
        while !data.is_empty() {
            if self.chunk.is_empty() && data.len() >= size {
                let (whole, rest) = data.split_at(size);
                self.add_leaf(whole, &mut on_block)?;
                data = rest;
                continue;
            }
            let take = (size - self.chunk.len()).min(data.len());
            self.chunk.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.chunk.len() == size {
                self.flush_chunk(&mut on_block)?;
            }
        }
        Ok(())
    }

    /// Ends the file: the last partial chunk becomes a leaf (an empty file is one empty leaf)
    /// and the tree is closed. Returns the root CID.
    pub fn finish(mut self, mut on_block: impl FnMut(Block<'_>) -> Result<()>) -> Result<Cid> {
        if !self.chunk.is_empty() || self.leaves == 0 {
            self.flush_chunk(&mut on_block)?;
        }
        let mut level = 0;
        loop {
            let top = level + 1 == self.levels.len();
            if top && self.levels[level].len() == 1 {
                return Ok(self.levels[level][0].cid);
            }
            let parent = self.close_node(level, &mut on_block)?;
            self.push(level + 1, parent, &mut on_block)?;
            level += 1;
        }
    }

    fn flush_chunk(&mut self, on_block: OnBlock<'_>) -> Result<()> {
        let chunk = std::mem::take(&mut self.chunk);
        let added = self.add_leaf(&chunk, on_block);
        self.chunk = chunk;
        self.chunk.clear();
        added
    }

    fn add_leaf(&mut self, chunk: &[u8], on_block: OnBlock<'_>) -> Result<()> {
        let block = if self.options.raw_leaves {
            chunk
        } else {
            self.scratch.clear();
            pb::encode_leaf(chunk, &mut self.scratch);
            &self.scratch
        };
        let codec = if self.options.raw_leaves { Codec::Raw } else { Codec::DagPb };
        let cid = Cid::for_block(self.options.version, codec, block);
        on_block(Block { cid, data: block })?;

        let link = Link { cid, tsize: block.len() as u64, file_size: chunk.len() as u64 };
        self.leaves += 1;
        self.push(0, link, on_block)
    }

    /// Adds a link at `level`, first closing that level's node when it is full. Closing lazily
    /// (only once another link arrives) leaves the last node of each level open for `finish`.
    fn push(&mut self, level: usize, link: Link, on_block: OnBlock<'_>) -> Result<()> {
        if self.levels.len() == level {
            self.levels.push(Vec::with_capacity(self.options.max_links));
        }
        if self.levels[level].len() == self.options.max_links {
            let parent = self.close_node(level, on_block)?;
            self.push(level + 1, parent, on_block)?;
        }
        self.levels[level].push(link);
        Ok(())
    }

    /// Turns the pending links of `level` into a parent block and returns the link to it.
    fn close_node(&mut self, level: usize, on_block: OnBlock<'_>) -> Result<Link> {
        let links = std::mem::take(&mut self.levels[level]);
        self.scratch.clear();
        pb::encode_parent(&links, &mut self.scratch);
        let cid = Cid::for_block(self.options.version, Codec::DagPb, &self.scratch);
        on_block(Block { cid, data: &self.scratch })?;

        let below: u64 = links.iter().map(|l| l.tsize).sum();
        let file_size = links.iter().map(|l| l.file_size).sum();
        self.levels[level] = links;
        self.levels[level].clear();
        Ok(Link { cid, tsize: self.scratch.len() as u64 + below, file_size })
    }
}

/// The CID `ipfs add` would print for `data` with these options, without storing anything.
pub fn cid_of(data: &[u8], options: ImportOptions) -> Result<Cid> {
    let mut importer = Importer::new(options)?;
    importer.write(data, |_| Ok(()))?;
    importer.finish(|_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v0(data: &[u8]) -> String {
        cid_of(data, ImportOptions::kubo_v0()).unwrap().to_string()
    }

    fn v1(data: &[u8]) -> String {
        cid_of(data, ImportOptions::kubo_v1()).unwrap().to_string()
    }

    #[test]
    fn matches_kubo_vectors() {
        assert_eq!(v0(b"hello world\n"), "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o");
        assert_eq!(
            v1(b"hello world\n"),
            "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
        );
        assert_eq!(v0(b"hello world"), "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD");
        assert_eq!(v0(b""), "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
        assert_eq!(v1(b""), "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
        let zeros = vec![0; 1_000_000];
        assert_eq!(v0(&zeros), "QmXXNNbwe4zzpdMg62ZXvnX1oU7MwSrQ3vAEtuwFKCm1oD");
        assert_eq!(v1(&zeros), "bafybeidide6lpcdutn3we5vvypssfhlq2n265w6dygwj37fyeklhlmfi34");
    }

    fn leaf_link(chunk: &[u8], options: ImportOptions) -> Link {
        let mut block = chunk.to_vec();
        let codec = if options.raw_leaves { Codec::Raw } else { Codec::DagPb };
        if !options.raw_leaves {
            block.clear();
            pb::encode_leaf(chunk, &mut block);
        }
        let cid = Cid::for_block(options.version, codec, &block);
        Link { cid, tsize: block.len() as u64, file_size: chunk.len() as u64 }
    }

    fn parent_link(links: &[Link], options: ImportOptions) -> Link {
        let mut block = Vec::new();
        pb::encode_parent(links, &mut block);
        let cid = Cid::for_block(options.version, Codec::DagPb, &block);
        let tsize = block.len() as u64 + links.iter().map(|l| l.tsize).sum::<u64>();
        Link { cid, tsize, file_size: links.iter().map(|l| l.file_size).sum() }
    }

    /// The tree built level by level after all leaves are known, as the reference script does.
    fn reference_root(data: &[u8], options: ImportOptions) -> Cid {
        let mut level: Vec<Link> = if data.is_empty() {
            vec![leaf_link(b"", options)]
        } else {
            data.chunks(options.chunk_size).map(|c| leaf_link(c, options)).collect()
        };
        while level.len() > 1 {
            level = level.chunks(options.max_links).map(|g| parent_link(g, options)).collect();
        }
        level[0].cid
    }

    #[test]
    fn streaming_tree_equals_level_by_level_tree() {
        let data: Vec<u8> = (0..=255).collect();
        for preset in [ImportOptions::kubo_v0(), ImportOptions::kubo_v1()] {
            let options = ImportOptions { chunk_size: 1, max_links: 3, ..preset };
            for len in [0, 1, 2, 3, 4, 8, 9, 10, 26, 27, 28, 81, 82, 200] {
                let streamed = cid_of(&data[..len], options).unwrap();
                assert_eq!(streamed, reference_root(&data[..len], options), "{len} leaves");
            }
        }
    }

    #[test]
    fn split_writes_give_the_same_cid() {
        let data: Vec<u8> = (0..600_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
        let whole = cid_of(&data, ImportOptions::kubo_v1()).unwrap();
        let mut importer = Importer::new(ImportOptions::kubo_v1()).unwrap();
        for piece in data.chunks(65_537) {
            importer.write(piece, |_| Ok(())).unwrap();
        }
        assert_eq!(importer.finish(|_| Ok(())).unwrap(), whole);
    }

    #[test]
    fn blocks_come_children_first() {
        let options = ImportOptions { chunk_size: 2, max_links: 2, ..ImportOptions::kubo_v1() };
        let mut seen = Vec::new();
        let mut importer = Importer::new(options).unwrap();
        let mut record = |block: Block<'_>| {
            seen.push(block.cid);
            Ok(())
        };
        importer.write(b"abcdefg", &mut record).unwrap();
        let root = importer.finish(&mut record).unwrap();
        assert_eq!(seen.last(), Some(&root));
        assert_eq!(seen.len(), 4 + 2 + 1);
    }

    #[test]
    fn v0_with_raw_leaves_is_refused() {
        let options = ImportOptions { raw_leaves: true, ..ImportOptions::kubo_v0() };
        assert!(matches!(Importer::new(options), Err(IpfsError::InvalidOptions { .. })));
    }
}
