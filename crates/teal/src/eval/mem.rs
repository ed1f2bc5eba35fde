//! An in-memory [`Ledger`] for tests, examples and benchmarks: accounts, assets, apps, boxes.
//!
//! Minimum balances follow go-algorand's formula; fees are burnt; rewards and keyreg state are
//! not modelled.

use std::collections::{BTreeMap, HashMap};

use tipforge_algo::{Address, AppId, AssetId, Round};

use super::error::Fault;
use super::ledger::{AccountInfo, AppParams, AssetHolding, AssetParams, Created, Ledger};
use super::txn::{OnCompletion, Schema, Txn, TxnType};
use super::value::Value;

const BASE_MIN_BALANCE: u64 = 100_000;
const PER_ASSET: u64 = 100_000;
const PER_APP_PAGE: u64 = 100_000;
/// Per schema entry: 25,000 plus 3,500 for an integer or 25,000 for a byte string.
const PER_UINT: u64 = 28_500;
const PER_BYTES: u64 = 50_000;
const BOX_BASE: u64 = 2_500;
const BOX_PER_BYTE: u64 = 400;

#[derive(Debug, Clone, Default)]
struct Account {
    balance: u64,
    auth: Address,
    holdings: BTreeMap<AssetId, AssetHolding>,
    locals: BTreeMap<AppId, BTreeMap<Vec<u8>, Value>>,
}

#[derive(Debug, Clone, Default)]
struct App {
    params: AppParams,
    global: BTreeMap<Vec<u8>, Value>,
}

/// A whole ledger in maps; clone it to snapshot.
#[derive(Debug, Clone)]
pub struct MemLedger {
    round: Round,
    timestamp: u64,
    genesis_hash: [u8; 32],
    accounts: HashMap<Address, Account>,
    assets: BTreeMap<AssetId, AssetParams>,
    apps: BTreeMap<AppId, App>,
    boxes: BTreeMap<(AppId, Vec<u8>), Vec<u8>>,
    /// go-algorand's transaction counter: every applied transaction (inner ones too) takes
    /// the next number, and a created asset or app gets its transaction's number as id.
    txn_counter: u64,
}

impl Default for MemLedger {
    fn default() -> Self {
        Self {
            round: Round(2),
            timestamp: 0,
            genesis_hash: [0; 32],
            accounts: HashMap::new(),
            assets: BTreeMap::new(),
            apps: BTreeMap::new(),
            boxes: BTreeMap::new(),
            txn_counter: 1_000,
        }
    }
}

impl MemLedger {
    /// Sets the round and timestamp that programs see.
    pub fn set_block(&mut self, round: Round, timestamp: u64) {
        self.round = round;
        self.timestamp = timestamp;
    }

    /// Sets the transaction counter (the next transaction is number `counter + 1`).
    pub fn set_txn_counter(&mut self, counter: u64) {
        self.txn_counter = counter;
    }

    /// Sets an account's balance.
    pub fn fund(&mut self, addr: Address, micro_algos: u64) {
        self.accounts.entry(addr).or_default().balance = micro_algos;
    }

    /// Installs an app with `id` (its account is not funded).
    pub fn create_app(&mut self, id: AppId, params: AppParams) {
        self.apps.insert(id, App { params, global: BTreeMap::new() });
        self.txn_counter = self.txn_counter.max(id.0);
    }

    /// Installs an asset with `id` whose whole supply the creator holds.
    pub fn create_asset(&mut self, id: AssetId, params: AssetParams) {
        let holding = AssetHolding { amount: params.total, frozen: false };
        self.accounts.entry(params.creator).or_default().holdings.insert(id, holding);
        self.assets.insert(id, params);
        self.txn_counter = self.txn_counter.max(id.0);
    }

    /// Opts `addr` in to `asset` with a zero balance.
    pub fn opt_in_asset(&mut self, addr: Address, asset: AssetId) {
        let frozen = self.assets.get(&asset).is_some_and(|p| p.default_frozen);
        let holdings = &mut self.accounts.entry(addr).or_default().holdings;
        holdings.entry(asset).or_insert(AssetHolding { amount: 0, frozen });
    }

    /// Sets `addr`'s holding of `asset` (opting it in).
    pub fn set_holding(&mut self, addr: Address, asset: AssetId, amount: u64) {
        self.opt_in_asset(addr, asset);
        if let Some(holding) = self.accounts.entry(addr).or_default().holdings.get_mut(&asset) {
            holding.amount = amount;
        }
    }

    /// Opts `addr` in to `app` with empty local state.
    pub fn opt_in_app(&mut self, addr: Address, app: AppId) {
        self.accounts.entry(addr).or_default().locals.entry(app).or_default();
    }

    /// Every box of `app`, by name.
    pub fn boxes_of(&self, app: AppId) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.boxes
            .range((app, Vec::new())..)
            .take_while(|((a, _), _)| *a == app)
            .map(|((_, name), value)| (name.clone(), value.clone()))
            .collect()
    }

    /// The whole global state of `app`.
    pub fn global_state(&self, app: AppId) -> BTreeMap<Vec<u8>, Value> {
        self.apps.get(&app).map(|a| a.global.clone()).unwrap_or_default()
    }

    fn min_balance(&self, addr: &Address) -> u64 {
        let Some(account) = self.accounts.get(addr) else { return 0 };
        let schema_cost = |s: &Schema| PER_UINT * s.num_uint + PER_BYTES * s.num_byte_slice;
        let mut min = BASE_MIN_BALANCE + PER_ASSET * account.holdings.len() as u64;
        for app in account.locals.keys().filter_map(|id| self.apps.get(id)) {
            min += PER_APP_PAGE + schema_cost(&app.params.local_schema);
        }
        for app in self.apps.values().filter(|a| a.params.creator == *addr) {
            min += PER_APP_PAGE * (1 + app.params.extra_pages)
                + schema_cost(&app.params.global_schema);
        }
        for id in self.apps.keys().filter(|id| Address::for_app(**id) == *addr) {
            for name in self.boxes_of(*id).iter().map(|(n, v)| n.len() + v.len()) {
                min += BOX_BASE + BOX_PER_BYTE * name as u64;
            }
        }
        min
    }

    fn debit(&mut self, addr: &Address, amount: u64) -> Result<(), Fault> {
        let account = self.accounts.entry(*addr).or_default();
        match account.balance.checked_sub(amount) {
            Some(left) => {
                account.balance = left;
                Ok(())
            }
            None => Err(Fault::ledger(format!(
                "overspend (account {addr}, data {{balance {}}}, tried to spend {{{amount}}})",
                account.balance
            ))),
        }
    }

    fn credit(&mut self, addr: &Address, amount: u64) {
        let account = self.accounts.entry(*addr).or_default();
        account.balance = account.balance.saturating_add(amount);
    }

    fn check_min_balance(&self, addr: &Address) -> Result<(), Fault> {
        let Some(account) = self.accounts.get(addr) else { return Ok(()) };
        let min = self.min_balance(addr);
        if account.balance != 0 && account.balance < min {
            let message = format!("account {addr} balance {} below min {min}", account.balance);
            return Err(Fault::ledger(message));
        }
        Ok(())
    }

    fn count_txn(&mut self) -> u64 {
        self.txn_counter += 1;
        self.txn_counter
    }

    fn pay(&mut self, txn: &Txn) -> Result<(), Fault> {
        self.debit(&txn.sender, txn.amount)?;
        self.credit(&txn.receiver, txn.amount);
        if txn.close_remainder_to != Address::ZERO {
            let rest = self.accounts.remove(&txn.sender).map_or(0, |a| a.balance);
            self.credit(&txn.close_remainder_to, rest);
        }
        Ok(())
    }

    fn holding_mut(&mut self, addr: &Address, asset: AssetId) -> Result<&mut AssetHolding, Fault> {
        let account = self.accounts.entry(*addr).or_default();
        match account.holdings.get_mut(&asset) {
            Some(holding) => Ok(holding),
            None => Err(Fault::ledger(format!("asset {} missing from {addr}", asset.0))),
        }
    }

    fn asset_transfer(&mut self, txn: &Txn) -> Result<(), Fault> {
        let asset = txn.xfer_asset;
        let Some(params) = self.assets.get(&asset).cloned() else {
            return Err(Fault::ledger(format!("asset {} does not exist", asset.0)));
        };
        let opt_in = txn.asset_receiver == txn.sender && txn.asset_amount == 0;
        if opt_in && txn.asset_sender == Address::ZERO {
            self.opt_in_asset(txn.sender, asset);
            return Ok(());
        }
        let clawback = txn.asset_sender != Address::ZERO;
        if clawback && txn.sender != params.clawback {
            return Err(Fault::ledger("clawback called by non-clawback account"));
        }
        let source = if clawback { txn.asset_sender } else { txn.sender };
        let from = self.holding_mut(&source, asset)?;
        if from.frozen && !clawback {
            return Err(Fault::ledger(format!("asset {} frozen in {source}", asset.0)));
        }
        from.amount = match from.amount.checked_sub(txn.asset_amount) {
            Some(left) => left,
            None => {
                return Err(Fault::ledger(format!(
                    "underflow on subtracting {} from sender amount {}",
                    txn.asset_amount, from.amount
                )));
            }
        };
        let to = self.holding_mut(&txn.asset_receiver, asset)?;
        to.amount = to.amount.saturating_add(txn.asset_amount);
        if txn.asset_close_to != Address::ZERO {
            let rest = self.accounts.entry(source).or_default().holdings.remove(&asset);
            let to = self.holding_mut(&txn.asset_close_to, asset)?;
            to.amount = to.amount.saturating_add(rest.map_or(0, |h| h.amount));
        }
        Ok(())
    }

    fn asset_config(&mut self, txn: &Txn) -> Result<Created, Fault> {
        let p = &txn.asset_params;
        if txn.config_asset.0 == 0 {
            let id = AssetId(self.txn_counter);
            let params = AssetParams {
                total: p.total,
                decimals: p.decimals,
                default_frozen: p.default_frozen,
                unit_name: p.unit_name.clone(),
                name: p.name.clone(),
                url: p.url.clone(),
                metadata_hash: p.metadata_hash,
                manager: p.manager,
                reserve: p.reserve,
                freeze: p.freeze,
                clawback: p.clawback,
                creator: txn.sender,
            };
            self.create_asset(id, params);
            return Ok(Created { asset: Some(id), app: None });
        }
        let Some(params) = self.assets.get_mut(&txn.config_asset) else {
            return Err(Fault::ledger(format!("asset {} does not exist", txn.config_asset.0)));
        };
        if params.manager != txn.sender {
            return Err(Fault::ledger("this transaction should be issued by the manager"));
        }
        if *p == Default::default() {
            self.assets.remove(&txn.config_asset);
        } else {
            (params.manager, params.reserve, params.freeze, params.clawback) =
                (p.manager, p.reserve, p.freeze, p.clawback);
        }
        Ok(Created::default())
    }

    fn asset_freeze(&mut self, txn: &Txn) -> Result<(), Fault> {
        let freezer = self.assets.get(&txn.freeze_asset).map(|p| p.freeze);
        if freezer != Some(txn.sender) {
            return Err(Fault::ledger("freeze not allowed: sender is not the freeze account"));
        }
        self.holding_mut(&txn.freeze_account, txn.freeze_asset)?.frozen = txn.asset_frozen;
        Ok(())
    }
}

impl Ledger for MemLedger {
    fn round(&self) -> Round {
        self.round
    }

    fn latest_timestamp(&self) -> u64 {
        self.timestamp
    }

    fn genesis_hash(&self) -> [u8; 32] {
        self.genesis_hash
    }

    fn account(&self, addr: &Address) -> AccountInfo {
        let Some(account) = self.accounts.get(addr) else { return AccountInfo::default() };
        let created = self.apps.values().filter(|a| a.params.creator == *addr);
        let boxes: Vec<(Vec<u8>, Vec<u8>)> = self
            .apps
            .keys()
            .filter(|id| Address::for_app(**id) == *addr)
            .flat_map(|id| self.boxes_of(*id))
            .collect();
        AccountInfo {
            balance: account.balance,
            min_balance: self.min_balance(addr),
            auth_addr: account.auth,
            total_apps_created: created.count() as u64,
            total_apps_opted_in: account.locals.len() as u64,
            total_assets_created: self.assets.values().filter(|p| p.creator == *addr).count()
                as u64,
            total_assets: account.holdings.len() as u64,
            total_boxes: boxes.len() as u64,
            total_box_bytes: boxes.iter().map(|(n, v)| (n.len() + v.len()) as u64).sum(),
            ..AccountInfo::default()
        }
    }

    fn asset_params(&self, asset: AssetId) -> Option<AssetParams> {
        self.assets.get(&asset).cloned()
    }

    fn asset_holding(&self, addr: &Address, asset: AssetId) -> Option<AssetHolding> {
        self.accounts.get(addr)?.holdings.get(&asset).copied()
    }

    fn app_params(&self, app: AppId) -> Option<AppParams> {
        self.apps.get(&app).map(|a| a.params.clone())
    }

    fn opted_in(&self, addr: &Address, app: AppId) -> bool {
        self.accounts.get(addr).is_some_and(|a| a.locals.contains_key(&app))
    }

    fn global_get(&self, app: AppId, key: &[u8]) -> Option<Value> {
        self.apps.get(&app)?.global.get(key).cloned()
    }

    fn global_put(&mut self, app: AppId, key: &[u8], value: Value) {
        if let Some(a) = self.apps.get_mut(&app) {
            a.global.insert(key.to_vec(), value);
        }
    }

    fn global_del(&mut self, app: AppId, key: &[u8]) {
        if let Some(a) = self.apps.get_mut(&app) {
            a.global.remove(key);
        }
    }

    fn local_get(&self, addr: &Address, app: AppId, key: &[u8]) -> Option<Value> {
        self.accounts.get(addr)?.locals.get(&app)?.get(key).cloned()
    }

    fn local_put(&mut self, addr: &Address, app: AppId, key: &[u8], value: Value) {
        let locals = self.accounts.entry(*addr).or_default().locals.entry(app).or_default();
        locals.insert(key.to_vec(), value);
    }

    fn local_del(&mut self, addr: &Address, app: AppId, key: &[u8]) {
        if let Some(locals) = self.accounts.get_mut(addr).and_then(|a| a.locals.get_mut(&app)) {
            locals.remove(key);
        }
    }

    fn box_get(&self, app: AppId, name: &[u8]) -> Option<Vec<u8>> {
        self.boxes.get(&(app, name.to_vec())).cloned()
    }

    fn box_put(&mut self, app: AppId, name: &[u8], value: Vec<u8>) {
        self.boxes.insert((app, name.to_vec()), value);
    }

    fn box_del(&mut self, app: AppId, name: &[u8]) -> bool {
        self.boxes.remove(&(app, name.to_vec())).is_some()
    }

    fn apply(&mut self, txn: &Txn) -> Result<Created, Fault> {
        self.count_txn();
        self.debit(&txn.sender, txn.fee)?;
        let created = match txn.kind {
            TxnType::Payment => self.pay(txn).map(|()| Created::default())?,
            TxnType::AssetTransfer => self.asset_transfer(txn).map(|()| Created::default())?,
            TxnType::AssetConfig => self.asset_config(txn)?,
            TxnType::AssetFreeze => self.asset_freeze(txn).map(|()| Created::default())?,
            TxnType::KeyReg => Created::default(),
            TxnType::AppCall => return Err(Fault::ledger("app calls go through begin_app_call")),
        };
        if txn.rekey_to != Address::ZERO {
            self.accounts.entry(txn.sender).or_default().auth = txn.rekey_to;
        }
        for addr in [txn.sender, txn.receiver, txn.asset_receiver] {
            self.check_min_balance(&addr)?;
        }
        Ok(created)
    }

    fn begin_app_call(&mut self, txn: &Txn) -> Result<AppId, Fault> {
        self.count_txn();
        self.debit(&txn.sender, txn.fee)?;
        let app = if txn.app_id.0 == 0 {
            let id = AppId(self.txn_counter);
            let params = AppParams {
                approval_program: txn.approval_program.clone(),
                clear_program: txn.clear_program.clone(),
                global_schema: txn.global_schema,
                local_schema: txn.local_schema,
                extra_pages: txn.extra_pages,
                creator: txn.sender,
                version: 0,
            };
            self.create_app(id, params);
            id
        } else if self.apps.contains_key(&txn.app_id) {
            txn.app_id
        } else {
            return Err(Fault::ledger(format!("application {} does not exist", txn.app_id.0)));
        };
        if txn.on_completion == OnCompletion::OptIn {
            self.opt_in_app(txn.sender, app);
        }
        Ok(app)
    }

    fn end_app_call(&mut self, txn: &Txn, app: AppId) -> Result<(), Fault> {
        match txn.on_completion {
            OnCompletion::CloseOut | OnCompletion::ClearState => {
                if let Some(account) = self.accounts.get_mut(&txn.sender) {
                    account.locals.remove(&app);
                }
            }
            OnCompletion::DeleteApplication => {
                self.apps.remove(&app);
            }
            OnCompletion::UpdateApplication => {
                if let Some(a) = self.apps.get_mut(&app) {
                    a.params.approval_program = txn.approval_program.clone();
                    a.params.clear_program = txn.clear_program.clone();
                    a.params.version += 1;
                }
            }
            OnCompletion::NoOp | OnCompletion::OptIn => {}
        }
        self.check_min_balance(&Address::for_app(app))
    }
}
