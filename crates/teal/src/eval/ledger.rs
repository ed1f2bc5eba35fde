//! The state the evaluator reads and writes, supplied by the devnet or by tests.
//!
//! The evaluator writes through the ledger as it goes (state puts, boxes, inner transactions) and
//! separately records deltas for its result; a caller that needs all-or-nothing semantics
//! evaluates against a snapshot it discards on error.

use tipforge_algo::{Address, AppId, AssetId, Round};

use super::error::Fault;
use super::txn::{Schema, Txn};
use super::value::Value;

/// Account figures read by `balance`, `min_balance` and `acct_params_get`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountInfo {
    /// Balance in µAlgo.
    pub balance: u64,
    /// Minimum balance in µAlgo.
    pub min_balance: u64,
    /// Rekeyed-to address, zero if none.
    pub auth_addr: Address,
    /// Integer slots allocated across created apps and opt-ins.
    pub total_num_uint: u64,
    /// Byte-string slots allocated across created apps and opt-ins.
    pub total_num_byte_slice: u64,
    /// Extra program pages of created apps.
    pub total_extra_app_pages: u64,
    /// Apps created.
    pub total_apps_created: u64,
    /// Apps opted in to.
    pub total_apps_opted_in: u64,
    /// Assets created.
    pub total_assets_created: u64,
    /// Assets held (including created).
    pub total_assets: u64,
    /// Boxes of the app this account belongs to.
    pub total_boxes: u64,
    /// Box name and value bytes of the app this account belongs to.
    pub total_box_bytes: u64,
}

/// An asset's parameters, read by `asset_params_get`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetParams {
    /// Total units.
    pub total: u64,
    /// Display decimals.
    pub decimals: u64,
    /// Holdings start frozen.
    pub default_frozen: bool,
    /// Unit name.
    pub unit_name: Vec<u8>,
    /// Name.
    pub name: Vec<u8>,
    /// URL.
    pub url: Vec<u8>,
    /// Metadata hash.
    pub metadata_hash: [u8; 32],
    /// Manager.
    pub manager: Address,
    /// Reserve.
    pub reserve: Address,
    /// Freeze.
    pub freeze: Address,
    /// Clawback.
    pub clawback: Address,
    /// Creator.
    pub creator: Address,
}

/// An account's holding of an asset, read by `asset_holding_get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AssetHolding {
    /// Units held.
    pub amount: u64,
    /// Frozen flag.
    pub frozen: bool,
}

/// An app's parameters, read by `app_params_get` and used to run inner app calls.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppParams {
    /// Approval program bytecode.
    pub approval_program: Vec<u8>,
    /// Clear-state program bytecode.
    pub clear_program: Vec<u8>,
    /// Global schema.
    pub global_schema: Schema,
    /// Local schema.
    pub local_schema: Schema,
    /// Extra program pages.
    pub extra_pages: u64,
    /// Creator.
    pub creator: Address,
    /// Version, bumped on each program update.
    pub version: u64,
}

/// Ids a transaction created, reported back so programs can see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Created {
    /// Asset created by an `acfg`.
    pub asset: Option<AssetId>,
    /// App created by an `appl`.
    pub app: Option<AppId>,
}

/// State and effects the evaluator needs. Implemented by the devnet ledger and [`super::MemLedger`].
pub trait Ledger {
    /// The round being evaluated.
    fn round(&self) -> Round;
    /// Timestamp of the latest block.
    fn latest_timestamp(&self) -> u64;
    /// The network's genesis hash.
    fn genesis_hash(&self) -> [u8; 32];
    /// Account figures (a missing account reads as all zero).
    fn account(&self, addr: &Address) -> AccountInfo;
    /// An asset's parameters.
    fn asset_params(&self, asset: AssetId) -> Option<AssetParams>;
    /// An account's holding.
    fn asset_holding(&self, addr: &Address, asset: AssetId) -> Option<AssetHolding>;
    /// An app's parameters.
    fn app_params(&self, app: AppId) -> Option<AppParams>;
    /// Whether `addr` has local state for `app`.
    fn opted_in(&self, addr: &Address, app: AppId) -> bool;

    /// A global state value.
    fn global_get(&self, app: AppId, key: &[u8]) -> Option<Value>;
    /// Sets a global state value.
    fn global_put(&mut self, app: AppId, key: &[u8], value: Value);
    /// Deletes a global state value.
    fn global_del(&mut self, app: AppId, key: &[u8]);
    /// A local state value.
    fn local_get(&self, addr: &Address, app: AppId, key: &[u8]) -> Option<Value>;
    /// Sets a local state value (the account is opted in).
    fn local_put(&mut self, addr: &Address, app: AppId, key: &[u8], value: Value);
    /// Deletes a local state value.
    fn local_del(&mut self, addr: &Address, app: AppId, key: &[u8]);

    /// A box's contents.
    fn box_get(&self, app: AppId, name: &[u8]) -> Option<Vec<u8>>;
    /// Creates or overwrites a box (minimum-balance accounting is the ledger's).
    fn box_put(&mut self, app: AppId, name: &[u8], value: Vec<u8>);
    /// Deletes a box; false if it did not exist.
    fn box_del(&mut self, app: AppId, name: &[u8]) -> bool;

    /// Applies a transaction that runs no program (pay, keyreg, acfg, axfer, afrz): the hook the
    /// evaluator calls for every member of a group, and for each inner transaction at
    /// `itxn_submit`, so later opcodes see balances and created ids.
    fn apply(&mut self, txn: &Txn) -> Result<Created, Fault>;
    /// Prepares an app call before its program runs: creates the app (id 0) and performs opt-in.
    /// Returns the app id the program runs as.
    fn begin_app_call(&mut self, txn: &Txn) -> Result<AppId, Fault>;
    /// Finishes an approved app call: close-out, clear-state, update or delete.
    fn end_app_call(&mut self, txn: &Txn, app: AppId) -> Result<(), Fault>;
}
