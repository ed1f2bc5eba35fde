//! The transactions of a reward: its mint (an ARC-3 asset), its delivery, and the fan's opt-in.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use tipforge_algo::transaction::{AssetConfig, AssetParams, AssetTransfer};
use tipforge_algo::{Address, AssetId, CodecError, SuggestedParams, Transaction, sha512_256};

use super::retry::StepError;
use crate::domain::{JobKey, Template, TemplateKind, Variant};

/// The longest asset name the protocol allows, in bytes.
const MAX_ASSET_NAME: usize = 32;

/// Which transaction of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Creating the asset.
    Mint,
    /// Sending it to the fan.
    Deliver,
}

impl Step {
    fn as_str(self) -> &'static str {
        match self {
            Self::Mint => "mint",
            Self::Deliver => "deliver",
        }
    }
}

/// The lease (`lx`) of a job's step: while one transaction with it is valid, no other from
/// the platform with the same lease can be committed, so two signings of one step can never
/// both take effect.
pub(crate) fn lease(key: &JobKey, step: Step) -> [u8; 32] {
    let text = format!(
        "tipforge-reward-lease\0{}\0{}\0{}",
        key.tip_txid,
        key.kind.as_str(),
        step.as_str()
    );
    sha512_256(text.as_bytes())
}

/// The asset creation for a reward from `template`: `total` units (1 for a unique reward),
/// no decimals, the template's ARC-3 URL and metadata hash. Soulbound assets start frozen and
/// keep the platform as manager, freeze and clawback; golden ones are free to trade.
pub(crate) fn mint(
    platform: Address,
    params: &SuggestedParams,
    template: &Template,
    variant: Variant,
    total: u64,
    lease: [u8; 32],
) -> Result<Transaction, StepError> {
    let hash = STANDARD
        .decode(&template.metadata_hash)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or(StepError::BadTemplate { reason: "the metadata hash is not 32 base64 bytes" })?;
    let asset = AssetParams::new(total, 0)
        .unit_name(unit_name(template.kind, variant))
        .asset_name(asset_name(&template.name))
        .url(&template.metadata_url)
        .metadata_hash(hash)
        .manager(platform);
    let asset = match variant {
        Variant::Soulbound => asset.default_frozen(true).freeze(platform).clawback(platform),
        Variant::Golden => asset,
    };
    let txn =
        Transaction::builder(platform, params, AssetConfig::create(asset)).lease(lease).build()?;
    Ok(txn)
}

/// Sends one unit of `asset` to `fan`: a clawback by the platform for a soulbound asset (it
/// moves units into a frozen holding), a plain transfer for a golden one.
pub(crate) fn delivery(
    platform: Address,
    params: &SuggestedParams,
    asset: AssetId,
    fan: Address,
    variant: Variant,
    lease: [u8; 32],
) -> Result<Transaction, StepError> {
    let transfer = match variant {
        Variant::Soulbound => AssetTransfer::clawback(asset, platform, fan, 1),
        Variant::Golden => AssetTransfer::new(asset, fan, 1),
    };
    Ok(Transaction::builder(platform, params, transfer).lease(lease).build()?)
}

/// An unsigned opt-in for a fan's wallet to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnsignedOptIn {
    /// The asset.
    pub asset_id: u64,
    /// The transaction id it will have.
    pub txid: String,
    /// The transaction's canonical msgpack, base64: what a wallet signs.
    pub transaction: String,
}

/// The opt-in `fan` signs to receive `asset`: a transfer of zero units to itself.
pub fn opt_in(
    fan: Address,
    asset: AssetId,
    params: &SuggestedParams,
) -> Result<UnsignedOptIn, CodecError> {
    let txn = Transaction::builder(fan, params, AssetTransfer::opt_in(asset, fan)).build()?;
    Ok(UnsignedOptIn {
        asset_id: asset.0,
        txid: txn.id().to_string(),
        transaction: STANDARD.encode(txn.encode()),
    })
}

fn unit_name(kind: TemplateKind, variant: Variant) -> &'static str {
    match (variant, kind) {
        (Variant::Golden, _) => "GOLDEN",
        (Variant::Soulbound, TemplateKind::Sticker) => "STICKER",
        (Variant::Soulbound, TemplateKind::LoyaltyBadge) => "BADGE",
        (Variant::Soulbound, TemplateKind::Membership) => "MEMBER",
        (Variant::Soulbound, TemplateKind::Collectible) => "COLLECT",
    }
}

/// The template's name cut to the protocol's 32 bytes, never inside a character.
fn asset_name(name: &str) -> &str {
    let mut end = name.len().min(MAX_ASSET_NAME);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

#[cfg(test)]
mod tests {
    use tipforge_algo::transaction::TxnBody;
    use tipforge_algo::{MicroAlgos, Round};

    use super::*;
    use crate::domain::{RuleParameters, Supply, TemplateId, Timestamp};

    fn params() -> SuggestedParams {
        SuggestedParams {
            min_fee: MicroAlgos(1000),
            fee_per_byte: MicroAlgos(0),
            first_valid: Round(10),
            last_valid: Round(110),
            genesis_id: "devnet".into(),
            genesis_hash: [3; 32],
        }
    }

    fn template(hash: String) -> Template {
        Template {
            id: TemplateId::generate(),
            creator: Address([1; 32]),
            kind: TemplateKind::Sticker,
            name: "Star".into(),
            supply: Supply::Unique,
            image_cid: String::new(),
            image_mime: String::new(),
            metadata_cid: String::new(),
            metadata_url: "ipfs://cid#arc3".into(),
            metadata_hash: hash,
            rules: RuleParameters::default(),
            created_at: Timestamp(0),
        }
    }

    fn created(txn: &Transaction) -> AssetParams {
        match &txn.body {
            TxnBody::AssetConfig(config) => config.params.clone(),
            other => panic!("not an asset creation: {other:?}"),
        }
    }

    #[test]
    fn soulbound_mints_are_frozen_and_recoverable_and_golden_ones_are_free() {
        let platform = Address([9; 32]);
        let template = template(STANDARD.encode([5u8; 32]));

        let soulbound =
            mint(platform, &params(), &template, Variant::Soulbound, 1, [1; 32]).unwrap();
        let golden = mint(platform, &params(), &template, Variant::Golden, 1, [2; 32]).unwrap();

        let frozen = created(&soulbound);
        assert!(frozen.default_frozen);
        assert_eq!((frozen.clawback, frozen.freeze), (Some(platform), Some(platform)));
        assert_eq!((frozen.total, frozen.decimals), (1, 0));
        assert_eq!(frozen.metadata_hash, Some([5; 32]));
        assert_eq!(soulbound.header.lease, Some([1; 32]));
        let free = created(&golden);
        assert!(!free.default_frozen);
        assert_eq!((free.clawback, free.freeze, free.manager), (None, None, Some(platform)));
    }

    #[test]
    fn a_malformed_metadata_hash_is_refused_before_signing() {
        let template = template("short".into());

        let refused = mint(Address([9; 32]), &params(), &template, Variant::Golden, 1, [0; 32]);

        assert!(matches!(refused, Err(StepError::BadTemplate { .. })));
    }

    #[test]
    fn leases_differ_by_job_and_step() {
        let sticker = JobKey { tip_txid: "A".into(), kind: TemplateKind::Sticker };
        let badge = JobKey { tip_txid: "A".into(), kind: TemplateKind::LoyaltyBadge };

        assert_eq!(lease(&sticker, Step::Mint), lease(&sticker.clone(), Step::Mint));
        assert_ne!(lease(&sticker, Step::Mint), lease(&sticker, Step::Deliver));
        assert_ne!(lease(&sticker, Step::Mint), lease(&badge, Step::Mint));
    }

    #[test]
    fn long_names_are_cut_at_a_character_boundary() {
        let name = "ü".repeat(20);

        assert_eq!(asset_name(&name).len(), 32);
        assert_eq!(asset_name("short"), "short");
        assert_eq!(asset_name(&format!("a{name}")).len(), 31);
    }
}
