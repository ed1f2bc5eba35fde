//! ARC-3 NFT metadata: deterministic JSON bytes, their hash (the asset's `am`), the asset URL
//! (`au`) and asset names that fit the ledger.
//!
//! The same inputs always give the same bytes: fields in a fixed order, object keys sorted at
//! every depth, no whitespace. `extra_metadata` is not supported, so the metadata hash is the
//! plain SHA-256 of the JSON bytes, as ARC-3 specifies for that case.

use std::collections::BTreeMap;

use data_encoding::BASE64;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cid::Cid;
use crate::error::{IpfsError, Result};
use crate::sniff::sniff_content_type;

/// Longest asset URL the ledger accepts (consensus `MaxAssetURLBytes`).
pub const MAX_ASSET_URL_BYTES: usize = 96;
/// Longest asset name the ledger accepts (consensus `MaxAssetNameBytes`).
pub const MAX_ASSET_NAME_BYTES: usize = 32;

/// Builds [`Arc3Metadata`]; start with [`Arc3Metadata::builder`].
#[derive(Debug, Clone)]
pub struct Arc3Builder {
    name: String,
    description: Option<String>,
    image: Option<Image>,
    properties: BTreeMap<String, Value>,
}

#[derive(Debug, Clone)]
struct Image {
    url: String,
    integrity: String,
    mimetype: &'static str,
}

impl Arc3Builder {
    /// Sets `description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `image` to `ipfs://<cid>`, `image_integrity` to the SRI SHA-256 of `bytes`, and
    /// `image_mimetype` to the type sniffed from `bytes`. `bytes` must be the file `cid` names.
    pub fn image(mut self, cid: Cid, bytes: &[u8]) -> Self {
        let integrity = format!("sha256-{}", BASE64.encode(&Sha256::digest(bytes)));
        let mimetype = sniff_content_type(bytes);
        self.image = Some(Image { url: format!("ipfs://{cid}"), integrity, mimetype });
        self
    }

    /// Adds one entry to `properties`.
    pub fn property(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.properties.insert(key.into(), value.into());
        self
    }

    /// Writes the JSON bytes and hashes them.
    pub fn build(self) -> Result<Arc3Metadata> {
        if self.name.is_empty() {
            return Err(IpfsError::InvalidMetadata { reason: "name is empty".into() });
        }
        let mut fields: Vec<(&str, Value)> = vec![("name", self.name.into())];
        if let Some(description) = self.description {
            fields.push(("description", description.into()));
        }
        if let Some(image) = self.image {
            fields.push(("image", image.url.into()));
            fields.push(("image_integrity", image.integrity.into()));
            fields.push(("image_mimetype", image.mimetype.into()));
        }
        if !self.properties.is_empty() {
            fields.push(("properties", Value::Object(self.properties.into_iter().collect())));
        }

        let mut json = Vec::with_capacity(512);
        json.push(b'{');
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            write_string(&mut json, key);
            json.push(b':');
            write_canonical(&mut json, value);
        }
        json.push(b'}');
        let hash = Sha256::digest(&json).into();
        Ok(Arc3Metadata { json, hash })
    }
}

/// ARC-3 metadata as the exact bytes to upload, with their hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arc3Metadata {
    json: Vec<u8>,
    hash: [u8; 32],
}

impl Arc3Metadata {
    /// A builder for metadata named `name` (the full name; see [`asset_name`] for the ASA's).
    pub fn builder(name: impl Into<String>) -> Arc3Builder {
        Arc3Builder {
            name: name.into(),
            description: None,
            image: None,
            properties: BTreeMap::new(),
        }
    }

    /// The JSON bytes, to be pinned exactly as they are.
    pub fn json(&self) -> &[u8] {
        &self.json
    }

    /// The asset's metadata hash (`am`): SHA-256 of [`Arc3Metadata::json`].
    pub fn metadata_hash(&self) -> [u8; 32] {
        self.hash
    }
}

/// The asset URL `ipfs://<cid>#arc3`, refused when it exceeds [`MAX_ASSET_URL_BYTES`].
pub fn asset_url(metadata_cid: &Cid) -> Result<String> {
    let url = format!("ipfs://{metadata_cid}#arc3");
    if url.len() > MAX_ASSET_URL_BYTES {
        let reason = format!("asset URL is {} bytes, over {MAX_ASSET_URL_BYTES}", url.len());
        return Err(IpfsError::InvalidMetadata { reason });
    }
    Ok(url)
}

/// `name` cut to at most [`MAX_ASSET_NAME_BYTES`] bytes without splitting a character.
pub fn asset_name(name: &str) -> &str {
    let mut end = name.len().min(MAX_ASSET_NAME_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Compact JSON with object keys sorted at every depth, whatever map order serde_json uses.
fn write_canonical(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, key);
                out.push(b':');
                write_canonical(out, value);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(out, item);
            }
            out.push(b']');
        }
        scalar => serde_json::to_writer(&mut *out, scalar).expect("writing to a Vec cannot fail"),
    }
}

fn write_string(out: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(&mut *out, text).expect("writing to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::importer::{ImportOptions, cid_of};

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn sticker() -> Arc3Metadata {
        let image_cid = cid_of(PNG, ImportOptions::kubo_v1()).unwrap();
        Arc3Metadata::builder("Golden Sticker #1")
            .description("Thanks for the tip")
            .image(image_cid, PNG)
            .property("tier", "gold")
            .property("attrs", serde_json::json!({"z": 1, "a": [true, null]}))
            .build()
            .unwrap()
    }

    #[test]
    fn json_is_compact_ordered_and_hashed() {
        let meta = sticker();
        let text = std::str::from_utf8(meta.json()).unwrap();
        let image_cid = cid_of(PNG, ImportOptions::kubo_v1()).unwrap();
        let integrity = BASE64.encode(&Sha256::digest(PNG));
        let expected = format!(
            "{{\"name\":\"Golden Sticker #1\",\"description\":\"Thanks for the tip\",\
             \"image\":\"ipfs://{image_cid}\",\"image_integrity\":\"sha256-{integrity}\",\
             \"image_mimetype\":\"image/png\",\
             \"properties\":{{\"attrs\":{{\"a\":[true,null],\"z\":1}},\"tier\":\"gold\"}}}}"
        );
        assert_eq!(text, expected);
        assert_eq!(meta.metadata_hash(), <[u8; 32]>::from(Sha256::digest(meta.json())));
        assert_eq!(sticker(), meta);
    }

    #[test]
    fn asset_url_fits_the_ledger() {
        let meta = sticker();
        let cid = cid_of(meta.json(), ImportOptions::kubo_v1()).unwrap();
        let url = asset_url(&cid).unwrap();
        assert_eq!(url, format!("ipfs://{cid}#arc3"));
        assert_eq!(url.len(), 71);
    }

    #[test]
    fn asset_names_are_cut_on_character_boundaries() {
        assert_eq!(asset_name("short"), "short");
        assert_eq!(asset_name(&"a".repeat(40)), "a".repeat(32));
        let stars = "★".repeat(11); // 33 bytes: the eleventh star would straddle byte 32
        assert_eq!(asset_name(&stars), "★".repeat(10));
    }

    #[test]
    fn empty_name_is_refused() {
        assert!(Arc3Metadata::builder("").build().is_err());
    }
}
