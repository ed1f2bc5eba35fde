//! Persistence: an append-only log of encoded blocks, replayed and verified on load.
//!
//! Each record is a 4-byte big-endian length and the block's canonical msgpack. Loading
//! re-applies every block's transactions from genesis and checks that each rebuilt header
//! hashes to the stored one, so a log that was edited or does not belong to this genesis is
//! refused. A torn last record (a crash mid-write) is cut off. At shutdown a snapshot records
//! the round and a digest of the whole state; the replay must reach that round with the same
//! digest. Known limitation: the snapshot is a checkpoint, not a saved state, so loading still
//! replays the whole log and its time grows with the chain.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use tipforge_algo::block::block_transactions;
use tipforge_algo::msgpack::{self, Key, Value};
use tipforge_algo::{GroupId, SignedTransaction, sha512_256};

use super::block::Block;
use super::chain::Chain;
use crate::ledger::State;

/// Why the data directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The directory belongs to another network.
    #[error("{path} holds a chain of another genesis ({found})")]
    OtherGenesis {
        /// The genesis file.
        path: PathBuf,
        /// What it names.
        found: String,
    },
    /// A stored block does not decode or does not replay to the same block.
    #[error("block log corrupt at round {round}: {reason}")]
    Corrupt {
        /// The round of the bad block.
        round: u64,
        /// Why.
        reason: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_owned(), source }
}

/// The open block log.
#[derive(Debug)]
pub struct BlockLog {
    file: File,
    path: PathBuf,
}

impl BlockLog {
    /// Opens (or creates) the log in `dir` and replays it into `chain`.
    pub fn open(dir: &Path, chain: &mut Chain) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        check_genesis(dir, chain)?;
        let path = dir.join("blocks.log");
        let mut bytes = Vec::new();
        if path.exists() {
            File::open(&path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(io(&path))?;
        }
        let snapshot = read_snapshot(dir)?;
        let good = replay(&bytes, chain, snapshot)?;
        if let Some((round, _)) = snapshot.filter(|(round, _)| chain.last_round().0 < *round) {
            let reason = format!("the log ends before the snapshot's round {round}");
            return Err(StoreError::Corrupt { round: chain.last_round().0, reason });
        }
        let file = OpenOptions::new().create(true).append(true).open(&path).map_err(io(&path))?;
        if good < bytes.len() {
            tracing::warn!(target: "devnet::store", cut = bytes.len() - good, "torn record dropped");
            file.set_len(good as u64).map_err(io(&path))?;
        }
        Ok(Self { file, path })
    }

    /// Records the chain's round and state digest beside the log.
    pub fn write_snapshot(&self, chain: &Chain) -> Result<(), StoreError> {
        let path = self.path.with_file_name("snapshot.txt");
        let digest = data_encoding::HEXLOWER.encode(&state_digest(chain.state()));
        let text = format!("{} {digest}\n", chain.last_round().0);
        std::fs::write(&path, text).map_err(io(&path))
    }

    /// Appends one block.
    pub fn append(&mut self, block: &Block) -> Result<(), StoreError> {
        let bytes = msgpack::encode(&block.to_value());
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes();
        let record = [&len[..], &bytes].concat();
        self.file.write_all(&record).map_err(io(&self.path))
    }
}

/// Checks the directory belongs to this genesis (`genesis.txt`: id, hash, genesis timestamp)
/// and restores the genesis block's timestamp.
fn check_genesis(dir: &Path, chain: &mut Chain) -> Result<(), StoreError> {
    let path = dir.join("genesis.txt");
    let genesis = chain.genesis();
    let expected = format!("{} {}", genesis.id, data_encoding::BASE64.encode(&genesis.hash));
    if !path.exists() {
        let timestamp = chain.last_block().header.timestamp;
        return std::fs::write(&path, format!("{expected} {timestamp}")).map_err(io(&path));
    }
    let found = std::fs::read_to_string(&path).map_err(io(&path))?;
    let (identity, timestamp) = found.trim().rsplit_once(' ').unwrap_or_default();
    let timestamp = timestamp.parse::<u64>();
    match timestamp {
        Ok(timestamp) if identity == expected => {
            chain.set_genesis_timestamp(timestamp);
            Ok(())
        }
        // Directories written before the timestamp was recorded name only the genesis.
        _ if found.trim() == expected => Ok(()),
        _ => Err(StoreError::OtherGenesis { path, found }),
    }
}

type Snapshot = Option<(u64, [u8; 32])>;

fn read_snapshot(dir: &Path) -> Result<Snapshot, StoreError> {
    let path = dir.join("snapshot.txt");
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let corrupt =
        || StoreError::Corrupt { round: 0, reason: format!("unreadable {}", path.display()) };
    let (round, digest) = text.trim().split_once(' ').ok_or_else(corrupt)?;
    let digest = data_encoding::HEXLOWER.decode(digest.as_bytes()).map_err(|_| corrupt())?;
    Ok(Some((round.parse().map_err(|_| corrupt())?, digest.try_into().map_err(|_| corrupt())?)))
}

/// A digest of everything in `state`, independent of map iteration order.
pub fn state_digest(state: &State) -> [u8; 32] {
    let mut accounts: Vec<_> = state.accounts.iter().collect();
    accounts.sort_by_key(|(address, _)| **address);
    let mut assets: Vec<_> = state.assets.iter().collect();
    assets.sort_by_key(|(id, _)| **id);
    let mut apps: Vec<_> = state.apps.iter().collect();
    apps.sort_by_key(|(id, _)| **id);
    let text = format!("{accounts:?}|{assets:?}|{apps:?}|{:?}|{}", state.boxes, state.txn_counter);
    sha512_256(text.as_bytes())
}

/// Replays every whole record; returns how many bytes were good.
fn replay(bytes: &[u8], chain: &mut Chain, snapshot: Snapshot) -> Result<usize, StoreError> {
    let mut offset = 0;
    while let Some(len) = bytes.get(offset..offset + 4) {
        let len = u32::from_be_bytes(len.try_into().expect("a 4-byte slice")) as usize;
        let Some(record) = bytes.get(offset + 4..offset + 4 + len) else { break };
        replay_block(record, chain)?;
        offset += 4 + len;
        let round = chain.last_round().0;
        if snapshot.is_some_and(|(at, digest)| at == round && digest != state_digest(chain.state()))
        {
            let reason = "state differs from the snapshot".to_owned();
            return Err(StoreError::Corrupt { round, reason });
        }
    }
    Ok(offset)
}

fn replay_block(record: &[u8], chain: &mut Chain) -> Result<(), StoreError> {
    let round = chain.last_round().0 + 1;
    let corrupt = |reason: String| StoreError::Corrupt { round, reason };
    let value = msgpack::decode(record).map_err(|e| corrupt(e.to_string()))?;
    let txns = block_transactions(&value).map_err(|e| corrupt(e.to_string()))?;
    let timestamp = value.get("ts").and_then(|ts| ts.as_u64("ts").ok()).unwrap_or(0);
    let mut header = value.as_map("block").map_err(|e| corrupt(e.to_string()))?.clone();
    header.remove(&Key::from("txns"));
    let expected = sha512_256(&[b"BH".as_slice(), &msgpack::encode(&Value::Map(header))].concat());
    let groups = split_groups(txns.into_iter().map(|t| t.signed).collect());
    match chain.replay(&groups, timestamp, expected) {
        Ok(true) => Ok(()),
        Ok(false) => Err(corrupt("replayed block differs from the stored one".into())),
        Err(error) => Err(corrupt(error.to_string())),
    }
}

/// Consecutive transactions with the same group id form a group; ungrouped ones stand alone.
fn split_groups(txns: Vec<SignedTransaction>) -> Vec<Vec<SignedTransaction>> {
    let mut groups: Vec<Vec<SignedTransaction>> = Vec::new();
    let mut current: Option<GroupId> = None;
    for signed in txns {
        let group = signed.transaction().ok().and_then(|t| t.header.group);
        match (group, groups.last_mut()) {
            (Some(id), Some(last)) if current == Some(id) => last.push(signed),
            _ => groups.push(vec![signed]),
        }
        current = group;
    }
    groups
}
