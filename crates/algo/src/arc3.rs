//! ARC-3 NFT metadata: the metadata hash an asset commits to, and the URL and name limits the
//! asset parameters must respect.

use data_encoding::BASE64;
use sha2::{Digest, Sha256, Sha512_256};

use crate::error::{CodecError, Result};

/// The longest asset URL (`au`) the protocol accepts (`MaxAssetURLBytes`).
pub const MAX_ASSET_URL_BYTES: usize = 96;
/// The longest asset name (`an`).
pub const MAX_ASSET_NAME_BYTES: usize = 32;
/// The longest unit name (`un`).
pub const MAX_UNIT_NAME_BYTES: usize = 8;
/// What the URL of an ARC-3 asset ends with.
pub const ARC3_URL_SUFFIX: &str = "#arc3";

/// The metadata hash (`am`) of an ARC-3 metadata file, `json` being its exact bytes.
///
/// Without an `extra_metadata` member it is SHA-256 of the bytes; with one (even empty), it is
/// `SHA-512/256("arc0003/am" ‖ SHA-512/256("arc0003/amj" ‖ json) ‖ extra)` where `extra` is
/// the member's base64-decoded value.
pub fn metadata_hash(json: &[u8]) -> Result<[u8; 32]> {
    let invalid = |reason: String| CodecError::Arc3MetadataInvalid { reason };
    let parsed: serde_json::Value =
        serde_json::from_slice(json).map_err(|error| invalid(error.to_string()))?;
    let object = parsed.as_object().ok_or_else(|| invalid("not a JSON object".to_owned()))?;
    let Some(extra) = object.get("extra_metadata") else {
        return Ok(Sha256::digest(json).into());
    };
    let extra = extra.as_str().ok_or_else(|| invalid("extra_metadata is not a string".into()))?;
    let extra = BASE64
        .decode(extra.as_bytes())
        .map_err(|_| invalid("extra_metadata is not base64".to_owned()))?;
    Ok(metadata_hash_with_extra(json, &extra))
}

/// The metadata hash of `json` whose `extra_metadata` decodes to `extra`.
pub fn metadata_hash_with_extra(json: &[u8], extra: &[u8]) -> [u8; 32] {
    let json_hash = Sha512_256::new().chain_update(b"arc0003/amj").chain_update(json).finalize();
    Sha512_256::new()
        .chain_update(b"arc0003/am")
        .chain_update(json_hash)
        .chain_update(extra)
        .finalize()
        .into()
}

/// The ARC-3 asset URL of metadata stored under `cid`: `ipfs://<cid>#arc3`.
pub fn ipfs_url(cid: &str) -> Result<String> {
    let url = format!("ipfs://{cid}{ARC3_URL_SUFFIX}");
    check_asset_url(&url)?;
    Ok(url)
}

/// Checks that `url` fits the asset URL field.
pub fn check_asset_url(url: &str) -> Result<()> {
    check_len("url", url, MAX_ASSET_URL_BYTES)
}

/// Checks that `name` fits the asset name field.
pub fn check_asset_name(name: &str) -> Result<()> {
    check_len("asset name", name, MAX_ASSET_NAME_BYTES)
}

/// Checks that `name` fits the unit name field.
pub fn check_unit_name(name: &str) -> Result<()> {
    check_len("unit name", name, MAX_UNIT_NAME_BYTES)
}

fn check_len(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.len() > max {
        return Err(CodecError::AssetFieldTooLong { field, value: value.to_owned(), max });
    }
    Ok(())
}

/// Whether wallets and explorers treat an asset as ARC-3: its URL ends with `#arc3`, or its
/// name is `arc3` or ends with `@arc3` (the older conventions).
pub fn is_arc3(asset_name: &str, url: &str) -> bool {
    url.ends_with(ARC3_URL_SUFFIX) || asset_name == "arc3" || asset_name.ends_with("@arc3")
}

/// The URL to fetch the metadata from: the asset URL without `#arc3`.
pub fn metadata_location(url: &str) -> &str {
    url.strip_suffix(ARC3_URL_SUFFIX).unwrap_or(url)
}

/// `name` cut to fit the asset name field, never inside a character.
pub fn fit_asset_name(name: &str) -> &str {
    truncate_utf8(name, MAX_ASSET_NAME_BYTES)
}

/// `name` cut to fit the unit name field, never inside a character.
pub fn fit_unit_name(name: &str) -> &str {
    truncate_utf8(name, MAX_UNIT_NAME_BYTES)
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn truncate_utf8(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let end = (0..=max).rev().find(|&index| text.is_char_boundary(index)).unwrap_or(0);
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &[u8] = concat!(
        r#"{"name":"Tip #1","decimals":0,"#,
        r#""image":"ipfs://bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4","#,
        r#""image_mimetype":"image/png"}"#
    )
    .as_bytes();

    #[test]
    fn plain_metadata_hashes_with_sha256() {
        let hash = metadata_hash(EXAMPLE).unwrap();

        assert_eq!(
            data_encoding::HEXLOWER.encode(&hash),
            "f2d38e0dbfc29132d6acf84ee946ccae4786cc4fd8c6dc73ac119bafb7300e62"
        );
    }

    #[test]
    fn extra_metadata_switches_to_the_domain_separated_hash() {
        let json = br#"{"name":"x","extra_metadata":"AQID"}"#;

        assert_eq!(metadata_hash(json), Ok(metadata_hash_with_extra(json, &[1, 2, 3])));
        assert_ne!(metadata_hash(json).unwrap(), <[u8; 32]>::from(Sha256::digest(json)));
    }

    #[test]
    fn broken_metadata_is_rejected() {
        assert!(metadata_hash(b"not json").is_err());
        assert!(metadata_hash(b"[1]").is_err());
        assert!(metadata_hash(br#"{"extra_metadata":"***"}"#).is_err());
        assert!(metadata_hash(br#"{"extra_metadata":7}"#).is_err());
    }

    #[test]
    fn urls_are_limited_to_96_bytes() {
        let cid = "bafkreihs2oha3p6cseznnlhyj3uuntfoi6dmyt6yy3ohhlartox3omaomi";
        let url = ipfs_url(cid).unwrap();

        assert_eq!(url.len(), 71);
        assert!(is_arc3("Tip #1", &url));
        assert_eq!(metadata_location(&url), format!("ipfs://{cid}"));
        assert!(check_asset_url(&"u".repeat(96)).is_ok());
        assert!(matches!(
            check_asset_url(&"u".repeat(97)),
            Err(CodecError::AssetFieldTooLong { field: "url", max: 96, .. })
        ));
    }

    #[test]
    fn names_are_cut_on_character_boundaries() {
        let name = "Sticker für Émilie — golde€ edition";

        assert_eq!(fit_asset_name(name), "Sticker für Émilie — golde");
        assert!(fit_asset_name(name).len() <= 32);
        assert_eq!(fit_unit_name("TIP€€€"), "TIP€");
        assert_eq!(fit_unit_name("TIP"), "TIP");
        assert!(check_unit_name("TOOLONGNAME").is_err());
        assert!(check_asset_name(fit_asset_name(name)).is_ok());
    }
}
