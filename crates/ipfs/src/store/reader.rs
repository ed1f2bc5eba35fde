//! Reads a file back from its DAG, one block at a time, skipping the subtrees outside a range.

use std::ops::Range;

use bytes::Bytes;

use crate::cid::{Cid, Codec};
use crate::error::{IpfsError, Result};
use crate::pb::decode_file_node;
use crate::store::blocks::Blocks;

/// The file bytes a CID stands for: a raw block's length, or a UnixFS node's file size.
pub(crate) fn file_size(blocks: &Blocks, cid: &Cid) -> Result<u64> {
    let block = blocks.get(cid)?;
    match cid.codec() {
        Codec::Raw => Ok(block.len() as u64),
        Codec::DagPb => Ok(decode(cid, &block)?.total_size()),
    }
}

/// The CIDs a block links to (none for raw blocks).
pub(crate) fn links(cid: &Cid, block: &[u8]) -> Result<Vec<Cid>> {
    match cid.codec() {
        Codec::Raw => Ok(Vec::new()),
        Codec::DagPb => crate::pb::decode_links(block)
            .map_err(|reason| IpfsError::NotAFile { cid: *cid, reason }),
    }
}

fn decode<'a>(cid: &Cid, block: &'a [u8]) -> Result<crate::pb::FileNode<'a>> {
    decode_file_node(block).map_err(|reason| IpfsError::NotAFile { cid: *cid, reason })
}

/// Yields the bytes of `range` of a file in order, as pieces of at most one block each.
/// Memory holds one block and the links still to visit, never the file.
#[derive(Debug)]
pub(crate) struct FileReader {
    blocks: Blocks,
    range: Range<u64>,
    /// Nodes still to read, the next one last, each with the file offset of its first byte.
    pending: Vec<(Cid, u64)>,
}

impl FileReader {
    pub(crate) fn new(blocks: Blocks, root: Cid, range: Range<u64>) -> Self {
        let pending = if range.is_empty() { Vec::new() } else { vec![(root, 0)] };
        Self { blocks, range, pending }
    }

    /// Reads one node; returns the bytes it holds itself within the range, if any.
    fn visit(&mut self, cid: Cid, offset: u64) -> Result<Option<Bytes>> {
        let block = self.blocks.get(&cid)?;
        if cid.codec() == Codec::Raw {
            return Ok(self.clip(offset, block));
        }
        let node = decode(&cid, &block)?;
        let own = block.slice_ref(node.data);

        let first_child = self.pending.len();
        let mut start = offset + own.len() as u64;
        for (child, size) in node.children {
            let end = start + size;
            if end > self.range.start && start < self.range.end {
                self.pending.push((child, start));
            }
            start = end;
        }
        self.pending[first_child..].reverse();
        Ok(self.clip(offset, own))
    }

    /// The part of `piece`, which starts at file offset `offset`, that lies in the range.
    fn clip(&self, offset: u64, piece: Bytes) -> Option<Bytes> {
        let end = offset + piece.len() as u64;
        let from = self.range.start.max(offset);
        let to = self.range.end.min(end);
        (from < to).then(|| piece.slice((from - offset) as usize..(to - offset) as usize))
    }
}

impl Iterator for FileReader {
    type Item = Result<Bytes>;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some((cid, offset)) = self.pending.pop() {
            match self.visit(cid, offset) {
                Ok(Some(piece)) => return Some(Ok(piece)),
                Ok(None) => {}
                Err(error) => {
                    self.pending.clear();
                    return Some(Err(error));
                }
            }
        }
        None
    }
}
