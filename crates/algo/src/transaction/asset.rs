//! Asset transactions: `acfg`, `axfer` and `afrz`.

use super::TxnBody;
use super::fields::{FieldReader, FieldWriter};
use crate::address::Address;
use crate::error::Result;
use crate::ids::AssetId;

/// Asset parameters (`apar`). On create every field applies; on reconfigure only the four
/// role addresses count, and clearing one is permanent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetParams {
    /// Total units (`t`).
    pub total: u64,
    /// Decimal places shown to users (`dc`), at most 19.
    pub decimals: u32,
    /// Whether new holdings start frozen (`df`).
    pub default_frozen: bool,
    /// Unit name, at most 8 bytes (`un`).
    pub unit_name: String,
    /// Asset name, at most 32 bytes (`an`).
    pub asset_name: String,
    /// URL, at most 96 bytes (`au`); ARC-3 assets end it with `#arc3`.
    pub url: String,
    /// A 32-byte commitment to off-chain metadata (`am`); ARC-3 puts the metadata's SHA-256 here.
    pub metadata_hash: Option<[u8; 32]>,
    /// May reconfigure or destroy the asset (`m`).
    pub manager: Option<Address>,
    /// Holds non-minted units, informational (`r`).
    pub reserve: Option<Address>,
    /// May freeze holdings (`f`).
    pub freeze: Option<Address>,
    /// May move units out of any holding (`c`).
    pub clawback: Option<Address>,
}

impl AssetParams {
    /// Parameters for `total` units with `decimals` places and nothing else set.
    pub fn new(total: u64, decimals: u32) -> Self {
        Self { total, decimals, ..Self::default() }
    }

    /// Sets the unit name.
    pub fn unit_name(mut self, name: impl Into<String>) -> Self {
        self.unit_name = name.into();
        self
    }

    /// Sets the asset name.
    pub fn asset_name(mut self, name: impl Into<String>) -> Self {
        self.asset_name = name.into();
        self
    }

    /// Sets the URL.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Sets the metadata hash.
    pub fn metadata_hash(mut self, hash: [u8; 32]) -> Self {
        self.metadata_hash = Some(hash);
        self
    }

    /// Sets whether holdings start frozen.
    pub fn default_frozen(mut self, frozen: bool) -> Self {
        self.default_frozen = frozen;
        self
    }

    /// Sets the manager.
    pub fn manager(mut self, address: Address) -> Self {
        self.manager = Some(address);
        self
    }

    /// Sets the reserve.
    pub fn reserve(mut self, address: Address) -> Self {
        self.reserve = Some(address);
        self
    }

    /// Sets the freeze address.
    pub fn freeze(mut self, address: Address) -> Self {
        self.freeze = Some(address);
        self
    }

    /// Sets the clawback address.
    pub fn clawback(mut self, address: Address) -> Self {
        self.clawback = Some(address);
        self
    }

    fn write(&self, fields: &mut FieldWriter) {
        fields
            .uint("t", self.total)
            .uint("dc", u64::from(self.decimals))
            .value("df", self.default_frozen.into())
            .text("un", &self.unit_name)
            .text("an", &self.asset_name)
            .text("au", &self.url)
            .fixed32("am", self.metadata_hash.as_ref())
            .address("m", self.manager.as_ref())
            .address("r", self.reserve.as_ref())
            .address("f", self.freeze.as_ref())
            .address("c", self.clawback.as_ref());
    }

    fn read(fields: &mut FieldReader<'_>) -> Result<Self> {
        let decimals = fields.uint("dc")?;
        Ok(Self {
            total: fields.uint("t")?,
            decimals: u32::try_from(decimals)
                .map_err(|_| super::fields::invalid(&fields.field("dc"), "too large"))?,
            default_frozen: fields.bool("df")?,
            unit_name: fields.text("un")?,
            asset_name: fields.text("an")?,
            url: fields.text("au")?,
            metadata_hash: fields.fixed32("am")?,
            manager: fields.address("m")?,
            reserve: fields.address("r")?,
            freeze: fields.address("f")?,
            clawback: fields.address("c")?,
        })
    }
}

/// `acfg`: create (asset 0), reconfigure, or destroy (an existing asset with empty params).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetConfig {
    /// The asset configured; 0 creates a new one (`caid`).
    pub asset: AssetId,
    /// The new parameters (`apar`).
    pub params: AssetParams,
}

impl AssetConfig {
    /// Creates a new asset.
    pub fn create(params: AssetParams) -> Self {
        Self { asset: AssetId(0), params }
    }

    /// Sets the role addresses of an existing asset; roles left `None` are cleared for good.
    pub fn reconfigure(asset: AssetId, params: AssetParams) -> Self {
        Self { asset, params }
    }

    /// Destroys an asset whose units are all back with its creator.
    pub fn destroy(asset: AssetId) -> Self {
        Self { asset, params: AssetParams::default() }
    }

    pub(super) fn write(&self, fields: &mut FieldWriter) {
        let mut params = FieldWriter::default();
        self.params.write(&mut params);
        fields.uint("caid", self.asset.0).value("apar", params.finish());
    }

    pub(super) fn read(fields: &mut FieldReader<'_>) -> Result<Self> {
        let asset = AssetId(fields.uint("caid")?);
        let params = match fields.get("apar") {
            Some(value) => {
                let path = fields.field("apar");
                let mut params = FieldReader::new(value, &path)?;
                let read = AssetParams::read(&mut params)?;
                params.finish()?;
                read
            }
            None => AssetParams::default(),
        };
        Ok(Self { asset, params })
    }
}

/// `axfer`: moves units of an asset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetTransfer {
    /// The asset (`xaid`).
    pub asset: AssetId,
    /// Units moved (`aamt`).
    pub amount: u64,
    /// Who receives them (`arcv`).
    pub receiver: Address,
    /// For a clawback, the holder the units are taken from; the sender must be the clawback
    /// address (`asnd`).
    pub revoke_from: Option<Address>,
    /// When set, the sender's holding is closed and the rest goes here (`aclose`).
    pub close_to: Option<Address>,
}

impl AssetTransfer {
    /// Sends `amount` units to `receiver`.
    pub fn new(asset: AssetId, receiver: Address, amount: u64) -> Self {
        Self { asset, amount, receiver, ..Self::default() }
    }

    /// Opts `account` in to the asset: a transfer of zero units to itself (the transaction's
    /// sender must also be `account`).
    pub fn opt_in(asset: AssetId, account: Address) -> Self {
        Self::new(asset, account, 0)
    }

    /// Claws back `amount` units from `holder` to `receiver`; sent by the clawback address.
    pub fn clawback(asset: AssetId, holder: Address, receiver: Address, amount: u64) -> Self {
        Self { revoke_from: Some(holder), ..Self::new(asset, receiver, amount) }
    }

    /// Also closes the sender's holding, sending the remainder to `to`.
    pub fn close_to(mut self, to: Address) -> Self {
        self.close_to = Some(to);
        self
    }

    pub(super) fn write(&self, fields: &mut FieldWriter) {
        fields
            .uint("xaid", self.asset.0)
            .uint("aamt", self.amount)
            .address("arcv", Some(&self.receiver))
            .address("asnd", self.revoke_from.as_ref())
            .address("aclose", self.close_to.as_ref());
    }

    pub(super) fn read(fields: &mut FieldReader<'_>) -> Result<Self> {
        Ok(Self {
            asset: AssetId(fields.uint("xaid")?),
            amount: fields.uint("aamt")?,
            receiver: fields.address("arcv")?.unwrap_or_default(),
            revoke_from: fields.address("asnd")?,
            close_to: fields.address("aclose")?,
        })
    }
}

/// `afrz`: freezes or unfreezes one account's holding; sent by the freeze address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetFreeze {
    /// The asset (`faid`).
    pub asset: AssetId,
    /// The holder (`fadd`).
    pub account: Address,
    /// The new state (`afrz`).
    pub frozen: bool,
}

impl AssetFreeze {
    /// Sets `account`'s holding of `asset` to `frozen`.
    pub fn new(asset: AssetId, account: Address, frozen: bool) -> Self {
        Self { asset, account, frozen }
    }

    pub(super) fn write(&self, fields: &mut FieldWriter) {
        fields
            .uint("faid", self.asset.0)
            .address("fadd", Some(&self.account))
            .value("afrz", self.frozen.into());
    }

    pub(super) fn read(fields: &mut FieldReader<'_>) -> Result<Self> {
        Ok(Self {
            asset: AssetId(fields.uint("faid")?),
            account: fields.address("fadd")?.unwrap_or_default(),
            frozen: fields.bool("afrz")?,
        })
    }
}

impl From<AssetConfig> for TxnBody {
    fn from(body: AssetConfig) -> Self {
        Self::AssetConfig(body)
    }
}

impl From<AssetTransfer> for TxnBody {
    fn from(body: AssetTransfer) -> Self {
        Self::AssetTransfer(body)
    }
}

impl From<AssetFreeze> for TxnBody {
    fn from(body: AssetFreeze) -> Self {
        Self::AssetFreeze(body)
    }
}
