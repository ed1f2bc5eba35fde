//! Content identifiers: CIDv0 (`Qm…`) and CIDv1 with the dag-pb or raw codec, sha2-256 only.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use data_encoding::{Encoding, HEXLOWER, HEXUPPER, Specification};
use sha2::{Digest, Sha256};

use crate::error::{IpfsError, Result};
use crate::pb::{put_varint, read_varint};

/// Multihash code of sha2-256, the only hash function Kubo uses by default.
const SHA2_256: u64 = 0x12;
/// Length of a sha2-256 digest.
const DIGEST_LEN: usize = 32;
/// Longest CID string accepted; real ones are 46 (v0) or 59 (v1 base32) characters.
const MAX_STRING_LEN: usize = 128;

static BASE32_LOWER: LazyLock<Encoding> =
    LazyLock::new(|| base32("abcdefghijklmnopqrstuvwxyz234567"));
static BASE32_UPPER: LazyLock<Encoding> =
    LazyLock::new(|| base32("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));

fn base32(symbols: &str) -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str(symbols);
    spec.encoding().expect("a 32-symbol alphabet without padding is a valid base32 specification")
}

/// The CID version: v0 is implicit dag-pb in base58, v1 carries its codec and a multibase prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CidVersion {
    /// `Qm…`, what `ipfs add` gives by default.
    V0,
    /// `b…` in base32, what `ipfs add --cid-version=1` gives.
    V1,
}

/// The format of the block a CID names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    /// A dag-pb (`PBNode`) block holding UnixFS data and links.
    DagPb,
    /// The file bytes themselves (raw leaves).
    Raw,
}

impl Codec {
    /// The multicodec code.
    pub fn code(self) -> u64 {
        match self {
            Self::DagPb => 0x70,
            Self::Raw => 0x55,
        }
    }

    fn from_code(code: u64) -> Result<Self> {
        match code {
            0x70 => Ok(Self::DagPb),
            0x55 => Ok(Self::Raw),
            other => Err(IpfsError::UnsupportedCid { reason: format!("codec 0x{other:x}") }),
        }
    }
}

/// A sha2-256 content identifier. Two CIDs are equal when version, codec and digest are.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cid {
    version: CidVersion,
    codec: Codec,
    digest: [u8; DIGEST_LEN],
}

impl Cid {
    /// A CIDv0: dag-pb by definition.
    pub fn v0(digest: [u8; DIGEST_LEN]) -> Self {
        Self { version: CidVersion::V0, codec: Codec::DagPb, digest }
    }

    /// A CIDv1 with the given codec.
    pub fn v1(codec: Codec, digest: [u8; DIGEST_LEN]) -> Self {
        Self { version: CidVersion::V1, codec, digest }
    }

    /// The CID of `block` in the given version and codec. CIDv0 is always dag-pb, so `codec`
    /// is ignored for it.
    pub fn for_block(version: CidVersion, codec: Codec, block: &[u8]) -> Self {
        let digest = Sha256::digest(block).into();
        match version {
            CidVersion::V0 => Self::v0(digest),
            CidVersion::V1 => Self::v1(codec, digest),
        }
    }

    /// The version.
    pub fn version(&self) -> CidVersion {
        self.version
    }

    /// The codec of the named block.
    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// The sha2-256 digest of the named block.
    pub fn digest(&self) -> &[u8; DIGEST_LEN] {
        &self.digest
    }

    /// The same block named as CIDv1 (CIDv0 becomes CIDv1 dag-pb).
    pub fn to_v1(&self) -> Self {
        Self::v1(self.codec, self.digest)
    }

    /// The binary form, as dag-pb links hold it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + DIGEST_LEN);
        if self.version == CidVersion::V1 {
            put_varint(&mut out, 1);
            put_varint(&mut out, self.codec.code());
        }
        put_varint(&mut out, SHA2_256);
        put_varint(&mut out, DIGEST_LEN as u64);
        out.extend_from_slice(&self.digest);
        out
    }

    /// Parses the binary form: a bare sha2-256 multihash (v0) or `0x01 ‖ codec ‖ multihash`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() == 2 + DIGEST_LEN && bytes[0] == SHA2_256 as u8 {
            return Ok(Self::v0(read_multihash(bytes)?));
        }
        let (version, used) = read_minimal_varint(bytes).ok_or(invalid("bad version varint"))?;
        if version != 1 {
            return Err(invalid("unknown CID version"));
        }
        let rest = &bytes[used..];
        let (code, used) = read_minimal_varint(rest).ok_or(invalid("bad codec varint"))?;
        let codec = Codec::from_code(code)?;
        Ok(Self::v1(codec, read_multihash(&rest[used..])?))
    }

    fn from_multibase(text: &str) -> Result<Self> {
        // Bytes, not characters: the first character of outside input may be multi-byte.
        let (prefix, body) = text.as_bytes().split_first().ok_or(invalid("wrong length"))?;
        let bytes = match prefix {
            b'b' => BASE32_LOWER.decode(body).map_err(|_| invalid("bad base32"))?,
            b'B' => BASE32_UPPER.decode(body).map_err(|_| invalid("bad base32"))?,
            b'z' => bs58::decode(body).into_vec().map_err(|_| invalid("bad base58btc"))?,
            b'f' => HEXLOWER.decode(body).map_err(|_| invalid("bad base16"))?,
            b'F' => HEXUPPER.decode(body).map_err(|_| invalid("bad base16"))?,
            _ => return Err(invalid("unknown multibase prefix")),
        };
        if bytes.first() != Some(&1) {
            return Err(invalid("a multibase CID must be version 1"));
        }
        Self::from_bytes(&bytes)
    }
}

fn read_multihash(bytes: &[u8]) -> Result<[u8; DIGEST_LEN]> {
    let (code, used) = read_minimal_varint(bytes).ok_or(invalid("bad multihash code varint"))?;
    let rest = &bytes[used..];
    let (len, used) = read_minimal_varint(rest).ok_or(invalid("bad multihash length varint"))?;
    let digest = &rest[used..];
    if code != SHA2_256 {
        return Err(IpfsError::UnsupportedCid { reason: format!("hash function 0x{code:x}") });
    }
    if len != DIGEST_LEN as u64 || digest.len() != DIGEST_LEN {
        return Err(invalid("a sha2-256 digest must be 32 bytes"));
    }
    Ok(digest.try_into().expect("length checked just above"))
}

/// An unsigned varint in its shortest form, as the multiformats specification requires, so that
/// every binary CID has exactly one encoding.
fn read_minimal_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let (value, used) = read_varint(bytes)?;
    (used == 1 || bytes[used - 1] != 0).then_some((value, used))
}

fn invalid(reason: &'static str) -> IpfsError {
    IpfsError::InvalidCid { reason }
}

impl FromStr for Cid {
    type Err = IpfsError;

    /// Accepts CIDv0 (`Qm…`, 46 characters) and CIDv1 in base32 (`b`/`B`), base58btc (`z`) or
    /// base16 (`f`/`F`).
    fn from_str(text: &str) -> Result<Self> {
        if text.is_empty() || text.len() > MAX_STRING_LEN {
            return Err(invalid("wrong length"));
        }
        if text.len() == 46 && text.starts_with("Qm") {
            let bytes = bs58::decode(text).into_vec().map_err(|_| invalid("bad base58btc"))?;
            return Ok(Self::v0(read_multihash(&bytes)?));
        }
        Self::from_multibase(text)
    }
}

impl fmt::Display for Cid {
    /// CIDv0 in base58btc, CIDv1 in base32 lower case (`b` prefix), as Kubo prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.version {
            CidVersion::V0 => f.write_str(&bs58::encode(self.to_bytes()).into_string()),
            CidVersion::V1 => write!(f, "b{}", BASE32_LOWER.encode(&self.to_bytes())),
        }
    }
}

impl fmt::Debug for Cid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cid({self})")
    }
}

impl serde::Serialize for Cid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_V0: &str = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o";
    const HELLO_V1_RAW: &str = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";

    #[test]
    fn strings_round_trip() {
        for text in [HELLO_V0, HELLO_V1_RAW] {
            let cid: Cid = text.parse().unwrap();
            assert_eq!(cid.to_string(), text);
            assert_eq!(Cid::from_bytes(&cid.to_bytes()).unwrap(), cid);
        }
    }

    #[test]
    fn other_multibases_name_the_same_cid() {
        let cid: Cid = HELLO_V1_RAW.parse().unwrap();
        let bytes = cid.to_bytes();
        let forms = [
            format!("B{}", BASE32_UPPER.encode(&bytes)),
            format!("z{}", bs58::encode(&bytes).into_string()),
            format!("f{}", HEXLOWER.encode(&bytes)),
        ];
        for form in forms {
            assert_eq!(form.parse::<Cid>().unwrap(), cid, "{form}");
        }
    }

    #[test]
    fn v0_becomes_v1_dag_pb() {
        let cid: Cid = HELLO_V0.parse().unwrap();
        let v1 = cid.to_v1();
        assert_eq!((v1.version(), v1.codec()), (CidVersion::V1, Codec::DagPb));
        assert!(v1.to_string().starts_with("bafybei"));
        assert_eq!(v1.digest(), cid.digest());
    }

    #[test]
    fn malformed_strings_are_rejected() {
        let too_long = "b".repeat(200);
        let bad = [
            "",
            "Qm",
            "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5O",
            "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei",
            "xafkrei",
            "hello",
            "\u{22f}",
            "b\u{22f}",
            too_long.as_str(),
        ];
        for text in bad {
            assert!(text.parse::<Cid>().is_err(), "{text:?}");
        }
    }

    #[test]
    fn binary_cids_have_one_encoding() {
        let cid: Cid = HELLO_V1_RAW.parse().unwrap();
        let mut overlong = vec![0x81, 0x00];
        overlong.extend_from_slice(&cid.to_bytes()[1..]);
        assert!(Cid::from_bytes(&overlong).is_err());
        let mut trailing = cid.to_bytes();
        trailing.push(0);
        assert!(Cid::from_bytes(&trailing).is_err());
    }

    #[test]
    fn other_hash_functions_are_unsupported() {
        let mut bytes = vec![1, 0x55, 0x13, 64];
        bytes.extend([0; 64]);
        let text = format!("b{}", BASE32_LOWER.encode(&bytes));
        assert!(matches!(text.parse::<Cid>(), Err(IpfsError::UnsupportedCid { .. })));
    }
}
