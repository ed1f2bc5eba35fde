//! The ledger's state: accounts, assets, apps and boxes in persistent maps, so that a copy is
//! O(1) and a group is applied to a copy that replaces the original only on success.

use std::sync::Arc;

use imbl::{HashMap, OrdMap, OrdSet};
use tipforge_algo::{Address, AppId, AssetId, Round, TxId};
use tipforge_teal::eval::{AppParams, AssetHolding, AssetParams, Schema, Value as TealValue};

/// Consensus constants for minimum balances (go-algorand `config/consensus.go`).
pub mod min_balance {
    /// Every account.
    pub const BASE: u64 = 100_000;
    /// Each asset held or created.
    pub const PER_ASSET: u64 = 100_000;
    /// Each app created, each extra page, and each app opted in to.
    pub const PER_APP: u64 = 100_000;
    /// Each state schema entry.
    pub const PER_SCHEMA_ENTRY: u64 = 25_000;
    /// Extra per integer entry.
    pub const PER_UINT: u64 = 3_500;
    /// Extra per byte-slice entry.
    pub const PER_BYTE_SLICE: u64 = 25_000;
    /// Each box.
    pub const PER_BOX: u64 = 2_500;
    /// Each byte of box name and value.
    pub const PER_BOX_BYTE: u64 = 400;
}

/// An application's local state in one account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalState {
    /// The schema allocated at opt-in.
    pub schema: Schema,
    /// Key-value pairs.
    pub values: OrdMap<Vec<u8>, TealValue>,
}

/// One account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// Balance in µAlgo.
    pub balance: u64,
    /// The address that signs for this account after a rekey.
    pub auth: Option<Address>,
    /// Asset holdings, including of created assets.
    pub holdings: OrdMap<AssetId, AssetHolding>,
    /// Assets this account created.
    pub created_assets: OrdSet<AssetId>,
    /// Apps this account created.
    pub created_apps: OrdSet<AppId>,
    /// Local states of apps opted in to.
    pub locals: OrdMap<AppId, LocalState>,
    /// Global schemas of created apps plus local schemas of opted-in apps.
    pub total_schema: Schema,
    /// Extra program pages of created apps.
    pub total_extra_pages: u64,
    /// Boxes owned (this is an app account).
    pub total_boxes: u64,
    /// Bytes of box names and values owned.
    pub total_box_bytes: u64,
}

impl Account {
    /// go-algorand's minimum balance for this account.
    pub fn min_balance(&self) -> u64 {
        use min_balance::*;
        let schema = &self.total_schema;
        let apps = self.created_apps.len() as u64 + self.locals.len() as u64;
        BASE + PER_ASSET * self.holdings.len() as u64
            + PER_APP * (apps + self.total_extra_pages)
            + PER_SCHEMA_ENTRY * (schema.num_uint + schema.num_byte_slice)
            + PER_UINT * schema.num_uint
            + PER_BYTE_SLICE * schema.num_byte_slice
            + PER_BOX * self.total_boxes
            + PER_BOX_BYTE * self.total_box_bytes
    }

    /// Whether closing this account would lose anything but µAlgo.
    pub fn holds_more_than_algos(&self) -> bool {
        !self.holdings.is_empty() || !self.created_apps.is_empty() || !self.locals.is_empty()
    }
}

/// An application.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct App {
    /// Programs, schemas, creator, version.
    pub params: AppParams,
    /// Global state.
    pub global: OrdMap<Vec<u8>, TealValue>,
}

/// The whole ledger state after some round.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    /// Accounts by address (absent = empty). Each behind its own pointer: a change to one
    /// account copies the map nodes on its path, and those then copy pointers, not accounts.
    pub accounts: HashMap<Address, Arc<Account>>,
    /// Assets by id, with their creator.
    pub assets: HashMap<AssetId, AssetParams>,
    /// Apps by id.
    pub apps: HashMap<AppId, App>,
    /// Box contents by app and name.
    pub boxes: OrdMap<(AppId, Vec<u8>), Vec<u8>>,
    /// Transactions applied so far, inner ones included; new asset and app ids come from it.
    pub txn_counter: u64,
    /// Recent transaction ids with their last valid round, to reject duplicates.
    pub recent_txids: HashMap<TxId, Round>,
    /// Active leases by (sender, lease) with the last valid round of their holder.
    pub leases: HashMap<(Address, [u8; 32]), Round>,
}

impl State {
    /// The account at `address`, empty when it does not exist.
    pub fn account(&self, address: &Address) -> Account {
        self.accounts.get(address).map(|a| Account::clone(a)).unwrap_or_default()
    }

    /// Forgets transaction ids and leases that can no longer matter from `round` on.
    pub fn prune(&mut self, round: Round) {
        self.recent_txids.retain(|_, last| *last >= round);
        self.leases.retain(|_, last| *last >= round);
    }

    /// Every box of `app`, by name, in name order.
    pub fn boxes_of(&self, app: AppId) -> impl Iterator<Item = (&Vec<u8>, &Vec<u8>)> {
        self.boxes
            .range((app, Vec::new())..)
            .take_while(move |((owner, _), _)| *owner == app)
            .map(|((_, name), value)| (name, value))
    }
}
