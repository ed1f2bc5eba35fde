//! State shared by every program of one top-level group: the ledger, pooled budgets and limits,
//! resources made available by the group, and each transaction's recorded effects.

use std::collections::{BTreeMap, HashSet};

use tipforge_algo::{Address, AppId, AssetId};

use super::error::{FaultKind, OpResult, fault};
use super::ledger::{Created, Ledger};
use super::txn::{Txn, TxnType};
use super::value::Value;

/// Go-algorand's consensus constants the evaluator applies (current protocol values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalParams {
    /// Budget added to the pool by each app call (top-level or inner): 700.
    pub app_budget: u64,
    /// Budget per transaction pooled across a group's logic signatures: 20,000.
    pub logic_sig_budget: u64,
    /// Minimum fee per transaction: 1,000 µAlgo.
    pub min_txn_fee: u64,
    /// Minimum balance of an account: 100,000 µAlgo.
    pub min_balance: u64,
    /// Maximum lifetime of a transaction in rounds: 1,000.
    pub max_txn_life: u64,
    /// Highest program version the protocol accepts (`global LogicSigVersion`).
    pub logic_sig_version: u64,
    /// Minimum balance added by creating or opting in to an asset.
    pub asset_min_balance: u64,
    /// Inner transactions allowed per top-level group: 256.
    pub max_inner_txns: usize,
    /// Logs per program: 32.
    pub max_log_calls: usize,
    /// Total log bytes per program: 1,024.
    pub max_log_size: usize,
}

impl Default for EvalParams {
    fn default() -> Self {
        Self {
            app_budget: 700,
            logic_sig_budget: 20_000,
            min_txn_fee: 1_000,
            min_balance: 100_000,
            max_txn_life: 1_000,
            logic_sig_version: 10,
            asset_min_balance: 100_000,
            max_inner_txns: 256,
            max_log_calls: 32,
            max_log_size: 1_024,
        }
    }
}

/// Group size limit, also the size limit of one inner group.
pub(crate) const MAX_GROUP_SIZE: usize = 16;
/// Inner app calls may nest this deep.
pub(crate) const MAX_APP_CALL_DEPTH: usize = 8;
/// Box I/O quota bought by each box reference.
pub(crate) const BOX_QUOTA_PER_REF: u64 = 1_024;

/// Resources named by the group's transactions, or created during it (v9 resource sharing).
#[derive(Debug, Default, Clone)]
pub(crate) struct Available {
    pub(crate) accounts: HashSet<Address>,
    pub(crate) assets: HashSet<AssetId>,
    pub(crate) apps: HashSet<AppId>,
    pub(crate) boxes: HashSet<(AppId, Vec<u8>)>,
    pub(crate) created_assets: HashSet<AssetId>,
    pub(crate) created_apps: HashSet<AppId>,
}

impl Available {
    /// Adds everything `txn` names.
    pub(crate) fn add_txn(&mut self, txn: &Txn) {
        self.accounts.insert(txn.sender);
        match txn.kind {
            TxnType::Payment => self.accounts.extend([txn.receiver, txn.close_remainder_to]),
            TxnType::AssetTransfer => {
                self.accounts.extend([txn.asset_sender, txn.asset_receiver, txn.asset_close_to]);
                self.assets.insert(txn.xfer_asset);
            }
            TxnType::AssetConfig => {
                self.assets.insert(txn.config_asset);
            }
            TxnType::AssetFreeze => {
                self.accounts.insert(txn.freeze_account);
                self.assets.insert(txn.freeze_asset);
            }
            TxnType::AppCall => self.add_app_call(txn),
            TxnType::KeyReg => {}
        }
    }

    fn add_app_call(&mut self, txn: &Txn) {
        self.accounts.extend(txn.accounts.iter().copied());
        self.assets.extend(txn.foreign_assets.iter().copied());
        for app in txn.foreign_apps.iter().chain([&txn.app_id]) {
            self.apps.insert(*app);
            self.accounts.insert(Address::for_app(*app));
        }
        for r in &txn.boxes {
            let app = resolve_box_app(txn, r.app);
            self.boxes.insert((app, r.name.clone()));
        }
    }
}

/// The app a box reference names: index 0 is the called app, k is `foreign_apps[k-1]`.
pub(crate) fn resolve_box_app(txn: &Txn, index: AppId) -> AppId {
    match index.0 {
        0 => txn.app_id,
        k => usize::try_from(k - 1)
            .ok()
            .and_then(|i| txn.foreign_apps.get(i).copied())
            .unwrap_or(index),
    }
}

/// What one transaction left behind for later members of its group to read.
#[derive(Debug, Clone, Default)]
pub(crate) struct TxnEffects {
    pub(crate) logs: Vec<Vec<u8>>,
    pub(crate) created: Created,
    /// Scratch space, when the transaction ran an app program.
    pub(crate) scratch: Option<Vec<Value>>,
}

/// State shared by all programs evaluated for one top-level group.
pub(crate) struct Shared<'l> {
    pub(crate) ledger: Option<&'l mut dyn Ledger>,
    pub(crate) params: EvalParams,
    /// Remaining pooled budget (app budget in app mode, logic-sig budget in signature mode).
    pub(crate) budget: u64,
    pub(crate) inners_left: usize,
    /// Fees paid above the minimum by the group so far, usable by inner transactions.
    pub(crate) fee_credit: u64,
    pub(crate) available: Available,
    /// Box I/O budget: 1,024 bytes per box reference in the group.
    pub(crate) box_quota: u64,
    /// Boxes written so far (go-algorand's "dirty" boxes) and their total size.
    pub(crate) dirty_boxes: HashSet<(AppId, Vec<u8>)>,
    pub(crate) dirty_bytes: u64,
}

impl<'l> Shared<'l> {
    pub(crate) fn new(ledger: Option<&'l mut dyn Ledger>, params: EvalParams) -> Self {
        let inners_left = params.max_inner_txns;
        Self {
            ledger,
            params,
            budget: 0,
            inners_left,
            fee_credit: 0,
            available: Available::default(),
            box_quota: 0,
            dirty_boxes: HashSet::new(),
            dirty_bytes: 0,
        }
    }

    pub(crate) fn ledger(&mut self) -> OpResult<&mut (dyn Ledger + 'l)> {
        match self.ledger.as_deref_mut() {
            Some(ledger) => Ok(ledger),
            None => fault(FaultKind::Program, "no ledger in signature eval"),
        }
    }

    pub(crate) fn ledger_ref(&self) -> OpResult<&(dyn Ledger + 'l)> {
        match self.ledger.as_deref() {
            Some(ledger) => Ok(ledger),
            None => fault(FaultKind::Program, "no ledger in signature eval"),
        }
    }
}

/// The group a running program belongs to: the top-level group or an inner group.
pub(crate) struct Level<'g> {
    pub(crate) txns: &'g [Txn],
    /// Effects of the members before `index`.
    pub(crate) effects: &'g [TxnEffects],
    pub(crate) index: usize,
    /// Apps up the inner-call chain, outermost first (empty at top level).
    pub(crate) callers: Vec<AppId>,
    /// Logic-signature arguments of the current transaction.
    pub(crate) args: &'g [Vec<u8>],
}

impl Level<'_> {
    pub(crate) fn txn(&self) -> &Txn {
        &self.txns[self.index]
    }
}

/// How one state value changed over an app call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    /// Set to a new value.
    Set(Value),
    /// Deleted.
    Deleted,
}

/// State changes by key, in key order.
pub type StateDelta = BTreeMap<Vec<u8>, Delta>;
