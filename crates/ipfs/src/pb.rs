//! The few protobuf messages Kubo writes for files: dag-pb `PBNode`/`PBLink` and UnixFS `Data`.
//!
//! Field order and presence follow go-merkledag byte for byte: links before data, an empty link
//! name that is still written, `filesize` written even when zero, `blocksizes` not packed.

use crate::cid::Cid;

/// UnixFS `Data.Type` of a file node.
const UNIXFS_FILE: u64 = 2;
/// UnixFS `Data.Type` of a raw node, which older importers used for leaves.
const UNIXFS_RAW: u64 = 0;

const WIRE_VARINT: u64 = 0;
const WIRE_FIXED64: u64 = 1;
const WIRE_LEN: u64 = 2;
const WIRE_FIXED32: u64 = 5;

/// Appends `value` as an unsigned LEB128 varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads an unsigned varint from the front of `buf`, returning it and the bytes it took.
/// Rejects overlong encodings that would overflow a `u64`.
pub(crate) fn read_varint(buf: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in buf.iter().enumerate().take(10) {
        let bits = u64::from(byte & 0x7f);
        if i == 9 && bits > 1 {
            return None;
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn varint_len(value: u64) -> usize {
    (64 - value.max(1).leading_zeros() as usize).div_ceil(7)
}

fn put_key(out: &mut Vec<u8>, field: u64, wire: u64) {
    put_varint(out, (field << 3) | wire);
}

fn put_bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_key(out, field, WIRE_LEN);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_varint_field(out: &mut Vec<u8>, field: u64, value: u64) {
    put_key(out, field, WIRE_VARINT);
    put_varint(out, value);
}

/// Writes the dag-pb block of a leaf: a `PBNode` whose `Data` is a UnixFS file holding `chunk`.
pub(crate) fn encode_leaf(chunk: &[u8], out: &mut Vec<u8>) {
    let len = chunk.len() as u64;
    let data_field = if chunk.is_empty() { 0 } else { 1 + varint_len(len) + chunk.len() };
    let unixfs_len = 2 + data_field + 1 + varint_len(len);

    out.reserve(1 + varint_len(unixfs_len as u64) + unixfs_len);
    put_key(out, 1, WIRE_LEN);
    put_varint(out, unixfs_len as u64);
    put_varint_field(out, 1, UNIXFS_FILE);
    if !chunk.is_empty() {
        put_bytes_field(out, 2, chunk);
    }
    put_varint_field(out, 3, len);
}

/// A child as its parent records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Link {
    /// The child block.
    pub(crate) cid: Cid,
    /// The child's block plus all blocks below it, in bytes (dag-pb `Tsize`).
    pub(crate) tsize: u64,
    /// The file bytes below the child (UnixFS `blocksizes` entry).
    pub(crate) file_size: u64,
}

/// Writes the dag-pb block of an inner file node over `links`.
pub(crate) fn encode_parent(links: &[Link], out: &mut Vec<u8>) {
    let mut link = Vec::with_capacity(48);
    for child in links {
        link.clear();
        put_bytes_field(&mut link, 1, &child.cid.to_bytes());
        put_bytes_field(&mut link, 2, b"");
        put_varint_field(&mut link, 3, child.tsize);
        put_bytes_field(out, 2, &link);
    }

    let mut unixfs = Vec::with_capacity(8 + 4 * links.len());
    put_varint_field(&mut unixfs, 1, UNIXFS_FILE);
    put_varint_field(&mut unixfs, 3, links.iter().map(|l| l.file_size).sum());
    for child in links {
        put_varint_field(&mut unixfs, 4, child.file_size);
    }
    put_bytes_field(out, 1, &unixfs);
}

/// A decoded dag-pb file node: its own bytes, then its children in order.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FileNode<'a> {
    /// File bytes held in this node itself (leaves), read before any child.
    pub(crate) data: &'a [u8],
    /// Children with the file bytes below each (from UnixFS `blocksizes`).
    pub(crate) children: Vec<(Cid, u64)>,
    /// UnixFS `filesize`, when written.
    pub(crate) file_size: Option<u64>,
}

impl FileNode<'_> {
    /// The file bytes this node stands for.
    pub(crate) fn total_size(&self) -> u64 {
        let below: u64 = self.children.iter().map(|(_, size)| size).sum();
        self.file_size.unwrap_or(self.data.len() as u64 + below)
    }
}

/// Decodes a dag-pb block that must be a UnixFS file (or raw) node.
pub(crate) fn decode_file_node(block: &[u8]) -> Result<FileNode<'_>, &'static str> {
    let mut links = Vec::new();
    let mut unixfs = None;
    for field in Fields(block) {
        match field? {
            (1, Value::Bytes(bytes)) => unixfs = Some(bytes),
            (2, Value::Bytes(bytes)) => links.push(decode_link(bytes)?),
            (1 | 2, _) => return Err("dag-pb field has the wrong wire type"),
            _ => {}
        }
    }
    let unixfs = unixfs.ok_or("dag-pb node has no UnixFS data")?;

    let mut node = FileNode::default();
    let mut kind = None;
    let mut blocksizes = Vec::new();
    for field in Fields(unixfs) {
        match field? {
            (1, Value::Varint(value)) => kind = Some(value),
            (2, Value::Bytes(bytes)) => node.data = bytes,
            (3, Value::Varint(value)) => node.file_size = Some(value),
            (4, Value::Varint(value)) => blocksizes.push(value),
            (1..=4, _) => return Err("UnixFS field has the wrong wire type"),
            _ => {}
        }
    }
    if !matches!(kind, Some(UNIXFS_FILE | UNIXFS_RAW)) {
        return Err("UnixFS node is not a file");
    }
    if blocksizes.len() != links.len() {
        return Err("UnixFS blocksizes do not match the links");
    }
    node.children = links.into_iter().zip(blocksizes).collect();
    Ok(node)
}

fn decode_link(bytes: &[u8]) -> Result<Cid, &'static str> {
    let mut cid = None;
    for field in Fields(bytes) {
        if let (1, Value::Bytes(hash)) = field? {
            cid = Some(Cid::from_bytes(hash).map_err(|_| "dag-pb link has an invalid CID")?);
        }
    }
    cid.ok_or("dag-pb link has no hash")
}

/// The links of any dag-pb block, for garbage collection (which keeps directories too).
pub(crate) fn decode_links(block: &[u8]) -> Result<Vec<Cid>, &'static str> {
    let mut links = Vec::new();
    for field in Fields(block) {
        if let (2, Value::Bytes(bytes)) = field? {
            links.push(decode_link(bytes)?);
        }
    }
    Ok(links)
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Iterates over the `(field number, value)` pairs of one protobuf message.
struct Fields<'a>(&'a [u8]);

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Value<'a>), &'static str>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let field = self.read_field();
        if field.is_err() {
            self.0 = &[];
        }
        Some(field)
    }
}

impl<'a> Fields<'a> {
    fn read_field(&mut self) -> Result<(u64, Value<'a>), &'static str> {
        let key = self.read_varint()?;
        let value = match key & 7 {
            WIRE_VARINT => Value::Varint(self.read_varint()?),
            WIRE_LEN => {
                let len = usize::try_from(self.read_varint()?).map_err(|_| "length overflow")?;
                Value::Bytes(self.take(len)?)
            }
            WIRE_FIXED64 => self.take(8).map(|_| Value::Fixed)?,
            WIRE_FIXED32 => self.take(4).map(|_| Value::Fixed)?,
            _ => return Err("unsupported protobuf wire type"),
        };
        Ok((key >> 3, value))
    }

    fn read_varint(&mut self) -> Result<u64, &'static str> {
        let (value, used) = read_varint(self.0).ok_or("truncated or overlong varint")?;
        self.0 = &self.0[used..];
        Ok(value)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], &'static str> {
        if len > self.0.len() {
            return Err("field runs past the end of the message");
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cid::{CidVersion, Codec};

    #[test]
    fn varints_round_trip_and_reject_overflow() {
        for value in [0, 1, 127, 128, 300, 262_144, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, value);
            assert_eq!(out.len(), varint_len(value));
            assert_eq!(read_varint(&out), Some((value, out.len())));
        }
        assert_eq!(read_varint(&[0xff; 10]), None);
        assert_eq!(read_varint(&[0x80]), None);
    }

    #[test]
    fn leaf_of_hello_world_matches_kubo_bytes() {
        let mut block = Vec::new();
        encode_leaf(b"hello world\n", &mut block);
        let expected = b"\x0a\x12\x08\x02\x12\x0chello world\n\x18\x0c";
        assert_eq!(block, expected);
        assert_eq!(decode_file_node(&block).unwrap().data, b"hello world\n");
    }

    #[test]
    fn empty_leaf_keeps_filesize_zero() {
        let mut block = Vec::new();
        encode_leaf(b"", &mut block);
        assert_eq!(block, b"\x0a\x04\x08\x02\x18\x00");
    }

    #[test]
    fn parent_decodes_to_its_links() {
        let child = |byte| Link {
            cid: Cid::for_block(CidVersion::V1, Codec::Raw, &[byte]),
            tsize: 1,
            file_size: 1,
        };
        let links = [child(1), child(2)];
        let mut block = Vec::new();
        encode_parent(&links, &mut block);

        let node = decode_file_node(&block).unwrap();
        assert_eq!(node.children, vec![(links[0].cid, 1), (links[1].cid, 1)]);
        assert_eq!(node.total_size(), 2);
        assert_eq!(decode_links(&block).unwrap(), vec![links[0].cid, links[1].cid]);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for block in [&b"\x0a\xff"[..], b"\x0b", b"\x12\x02\x0a\x05", b"\x0a\x02\x08\x01"] {
            assert!(decode_file_node(block).is_err());
        }
    }
}
