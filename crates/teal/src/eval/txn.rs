//! The view of a transaction that programs read with `txn`/`gtxn` and build with `itxn_field`.
//!
//! This is the evaluator's own flat shape; the ledger maps its typed transactions into it.

use tipforge_algo::{Address, AppId, AssetId};

/// Transaction type, numbered as `txn TypeEnum` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TxnType {
    /// `pay` (1).
    #[default]
    Payment,
    /// `keyreg` (2).
    KeyReg,
    /// `acfg` (3).
    AssetConfig,
    /// `axfer` (4).
    AssetTransfer,
    /// `afrz` (5).
    AssetFreeze,
    /// `appl` (6).
    AppCall,
}

impl TxnType {
    /// The wire name (`pay`, `appl`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Payment => "pay",
            Self::KeyReg => "keyreg",
            Self::AssetConfig => "acfg",
            Self::AssetTransfer => "axfer",
            Self::AssetFreeze => "afrz",
            Self::AppCall => "appl",
        }
    }

    /// The `TypeEnum` number.
    pub fn number(self) -> u64 {
        match self {
            Self::Payment => 1,
            Self::KeyReg => 2,
            Self::AssetConfig => 3,
            Self::AssetTransfer => 4,
            Self::AssetFreeze => 5,
            Self::AppCall => 6,
        }
    }

    /// The type for a `TypeEnum` number.
    pub fn from_number(n: u64) -> Option<Self> {
        [Self::Payment, Self::KeyReg, Self::AssetConfig, Self::AssetTransfer, Self::AssetFreeze]
            .into_iter()
            .chain([Self::AppCall])
            .find(|t| t.number() == n)
    }

    /// The type for a wire name.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        (1..=6).filter_map(Self::from_number).find(|t| t.name().as_bytes() == name)
    }
}

/// What an app call asks of the app besides running its program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnCompletion {
    /// 0: only run the program.
    #[default]
    NoOp,
    /// 1: allocate local state for the sender.
    OptIn,
    /// 2: free the sender's local state.
    CloseOut,
    /// 3: run the clear program and free local state regardless.
    ClearState,
    /// 4: replace the programs.
    UpdateApplication,
    /// 5: delete the app.
    DeleteApplication,
}

impl OnCompletion {
    /// The numeric code.
    pub fn number(self) -> u64 {
        self as u64
    }

    /// The variant for a numeric code (≤ 5).
    pub fn from_number(n: u64) -> Option<Self> {
        use OnCompletion::*;
        [NoOp, OptIn, CloseOut, ClearState, UpdateApplication, DeleteApplication]
            .get(usize::try_from(n).ok()?)
            .copied()
    }
}

/// A state schema: how many integers and byte strings may be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Schema {
    /// Integer slots.
    pub num_uint: u64,
    /// Byte-string slots.
    pub num_byte_slice: u64,
}

/// The asset parameters an `acfg` transaction carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssetConfigFields {
    /// Total units.
    pub total: u64,
    /// Display decimals.
    pub decimals: u64,
    /// Holdings start frozen.
    pub default_frozen: bool,
    /// Unit name (≤ 8 bytes).
    pub unit_name: Vec<u8>,
    /// Asset name (≤ 32 bytes).
    pub name: Vec<u8>,
    /// URL (≤ 96 bytes).
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
}

/// A box reference of an app call: `app` 0 means the called app.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoxRef {
    /// The app owning the box (0 = the called app).
    pub app: AppId,
    /// The box name (empty only to buy I/O quota).
    pub name: Vec<u8>,
}

/// A transaction as programs see it. Fields that a type does not use stay at their zero value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Txn {
    /// The type.
    pub kind: TxnType,
    /// Sender.
    pub sender: Address,
    /// Fee in µAlgo.
    pub fee: u64,
    /// First valid round.
    pub first_valid: u64,
    /// Last valid round.
    pub last_valid: u64,
    /// Note.
    pub note: Vec<u8>,
    /// Lease.
    pub lease: [u8; 32],
    /// Rekey target.
    pub rekey_to: Address,
    /// Group id (zero when alone).
    pub group: [u8; 32],
    /// The transaction id, computed by the caller from the canonical encoding.
    pub id: [u8; 32],
    /// pay: receiver.
    pub receiver: Address,
    /// pay: amount.
    pub amount: u64,
    /// pay: close-remainder-to.
    pub close_remainder_to: Address,
    /// keyreg: vote key.
    pub vote_pk: [u8; 32],
    /// keyreg: selection key.
    pub selection_pk: [u8; 32],
    /// keyreg: state-proof key.
    pub state_proof_pk: Vec<u8>,
    /// keyreg: first vote round.
    pub vote_first: u64,
    /// keyreg: last vote round.
    pub vote_last: u64,
    /// keyreg: key dilution.
    pub vote_key_dilution: u64,
    /// keyreg: nonparticipation flag.
    pub nonparticipation: bool,
    /// axfer: asset.
    pub xfer_asset: AssetId,
    /// axfer: amount.
    pub asset_amount: u64,
    /// axfer: clawback source.
    pub asset_sender: Address,
    /// axfer: receiver.
    pub asset_receiver: Address,
    /// axfer: close-to.
    pub asset_close_to: Address,
    /// acfg: asset (0 to create).
    pub config_asset: AssetId,
    /// acfg: parameters.
    pub asset_params: AssetConfigFields,
    /// afrz: asset.
    pub freeze_asset: AssetId,
    /// afrz: account.
    pub freeze_account: Address,
    /// afrz: new frozen flag.
    pub asset_frozen: bool,
    /// appl: app (0 to create).
    pub app_id: AppId,
    /// appl: on-completion action.
    pub on_completion: OnCompletion,
    /// appl: arguments.
    pub app_args: Vec<Vec<u8>>,
    /// appl: foreign accounts.
    pub accounts: Vec<Address>,
    /// appl: foreign assets.
    pub foreign_assets: Vec<AssetId>,
    /// appl: foreign apps.
    pub foreign_apps: Vec<AppId>,
    /// appl: box references.
    pub boxes: Vec<BoxRef>,
    /// appl: global schema (create).
    pub global_schema: Schema,
    /// appl: local schema (create).
    pub local_schema: Schema,
    /// appl: approval program (create/update).
    pub approval_program: Vec<u8>,
    /// appl: clear program (create/update).
    pub clear_program: Vec<u8>,
    /// appl: extra program pages.
    pub extra_pages: u64,
    /// appl: reject version.
    pub reject_version: u64,
}
