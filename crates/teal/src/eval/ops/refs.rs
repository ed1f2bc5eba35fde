//! Resolving account, app and asset references against what the program may touch.

use tipforge_algo::{Address, AppId, AssetId};

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::Vm;
use crate::eval::value::Value;

/// Resources from other group members become available in this version (v9).
const SHARED_RESOURCES_VERSION: u64 = 9;
/// Ids created earlier in the group become available in this version.
const CREATED_RESOURCES_VERSION: u64 = 6;
/// Addresses of foreign apps become available in this version.
const APP_ADDRESS_VERSION: u64 = 7;
/// Opcodes take addresses and ids (not only slot indexes) from this version.
const DIRECT_REF_VERSION: u64 = 4;

impl Vm<'_, '_> {
    /// Whether the program may read `addr`.
    pub(crate) fn account_available(&self, addr: &Address) -> bool {
        let txn = self.level.txn();
        let available = &self.shared.available;
        *addr == txn.sender
            || txn.accounts.contains(addr)
            || *addr == Address::for_app(self.app)
            || (self.version >= APP_ADDRESS_VERSION
                && txn.foreign_apps.iter().any(|a| Address::for_app(*a) == *addr))
            || (self.version >= CREATED_RESOURCES_VERSION
                && available.created_apps.iter().any(|a| Address::for_app(*a) == *addr))
            || (self.version >= SHARED_RESOURCES_VERSION && available.accounts.contains(addr))
    }

    /// Whether the program may read app `app`.
    pub(crate) fn app_available(&self, app: AppId) -> bool {
        let available = &self.shared.available;
        app == self.app
            || self.level.txn().foreign_apps.contains(&app)
            || (self.version >= CREATED_RESOURCES_VERSION && available.created_apps.contains(&app))
            || (self.version >= SHARED_RESOURCES_VERSION && available.apps.contains(&app))
    }

    /// Whether the program may read asset `asset`.
    pub(crate) fn asset_available(&self, asset: AssetId) -> bool {
        let available = &self.shared.available;
        self.level.txn().foreign_assets.contains(&asset)
            || (self.version >= CREATED_RESOURCES_VERSION
                && available.created_assets.contains(&asset))
            || (self.version >= SHARED_RESOURCES_VERSION && available.assets.contains(&asset))
    }

    /// An account operand: an address (v4+) or a slot in `Accounts` (0 = sender).
    pub(crate) fn account_ref(&self, value: &Value) -> OpResult<Address> {
        let txn = self.level.txn();
        match value {
            Value::Bytes(b) if self.version >= DIRECT_REF_VERSION => {
                let addr = Address(value.address().map_err(|_| {
                    crate::eval::error::Fault::new(
                        FaultKind::Stack,
                        format!("invalid Account reference {}", hex(b)),
                    )
                })?);
                if self.account_available(&addr) {
                    Ok(addr)
                } else {
                    fault(FaultKind::Unavailable, format!("unavailable Account {addr}"))
                }
            }
            Value::Bytes(_) => fault(FaultKind::Stack, "not a uint64"),
            Value::Uint(0) => Ok(txn.sender),
            Value::Uint(i) => {
                match usize::try_from(*i - 1).ok().and_then(|i| txn.accounts.get(i)) {
                    Some(addr) => Ok(*addr),
                    None => fault(FaultKind::Unavailable, format!("invalid Account reference {i}")),
                }
            }
        }
    }

    /// An app operand: 0 for the current app, an available id, or a slot in `Applications`.
    pub(crate) fn app_ref(&self, reference: u64) -> OpResult<AppId> {
        if reference == 0 {
            return Ok(self.app);
        }
        if self.version >= DIRECT_REF_VERSION && self.app_available(AppId(reference)) {
            return Ok(AppId(reference));
        }
        let apps = &self.level.txn().foreign_apps;
        match usize::try_from(reference - 1).ok().and_then(|i| apps.get(i)) {
            Some(app) => Ok(*app),
            None => fault(FaultKind::Unavailable, format!("unavailable App {reference}")),
        }
    }

    /// An asset operand: an available id (v4+) or a slot in `Assets`.
    pub(crate) fn asset_ref(&self, reference: u64) -> OpResult<AssetId> {
        if self.version >= DIRECT_REF_VERSION && self.asset_available(AssetId(reference)) {
            return Ok(AssetId(reference));
        }
        let assets = &self.level.txn().foreign_assets;
        match usize::try_from(reference).ok().and_then(|i| assets.get(i)) {
            Some(asset) => Ok(*asset),
            None => fault(FaultKind::Unavailable, format!("unavailable Asset {reference}")),
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
