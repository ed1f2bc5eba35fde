//! A template's ARC-3 metadata document.
//!
//! One document per template, shared by both variants a sticker can be minted as: the soulbound
//! and the golden asset point at the same `ipfs://<cid>#arc3` URL and carry the same metadata
//! hash. What tells them apart is on the ledger, where wallets read it: a soulbound asset is
//! default-frozen with the platform as clawback, a golden one has neither. Keeping the variant
//! out of the document keeps one metadata hash per template, which an edition (one asset per
//! variant, minted once) needs anyway.

use serde_json::json;
use tipforge_ipfs::Cid;
use tipforge_ipfs::arc3::Arc3Metadata;

use super::draft::TemplateDraft;
use crate::domain::{Supply, TemplateId};
use tipforge_algo::Address;

/// Builds the metadata for `draft`, whose image `image` (the bytes `image_cid` names) was
/// stored. CPU-bound (hashes the image): call it off the async runtime.
///
/// Properties: `template` (its id, so two templates never share a document), `creator`, `kind`,
/// `supply` and, for an edition, `editionSize`.
pub fn build(
    id: TemplateId,
    creator: &Address,
    draft: &TemplateDraft,
    image_cid: Cid,
    image: &[u8],
) -> tipforge_ipfs::Result<Arc3Metadata> {
    let mut builder = Arc3Metadata::builder(draft.name.clone())
        .image(image_cid, image)
        .property("template", id.to_string())
        .property("creator", creator.to_string())
        .property("kind", draft.kind.as_str());
    if !draft.description.is_empty() {
        builder = builder.description(draft.description.clone());
    }
    builder = match draft.supply {
        Supply::Unique => builder.property("supply", "unique"),
        Supply::Edition { size } => {
            builder.property("supply", "edition").property("editionSize", json!(size))
        }
    };
    builder.build()
}
