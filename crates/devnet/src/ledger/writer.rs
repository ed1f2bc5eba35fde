//! [`Writer`]: the state of one group being applied, seen through the evaluator's
//! [`Ledger`] trait. Payments, assets and app bookkeeping live in sibling modules.

use tipforge_algo::{Address, AppId, AssetId, Round};
use tipforge_teal::eval::{
    AccountInfo, AppParams, AssetHolding, AssetParams, Created, Fault, Ledger, Txn, TxnType,
    Value as TealValue,
};

use super::context::BlockContext;
use super::state::{Account, State};

/// Closing amounts of one applied transaction, in the order transactions were applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Closing {
    /// µAlgo sent to the close-remainder-to account.
    pub(crate) algos: u64,
    /// Asset units sent to the close-to account.
    pub(crate) asset: u64,
}

/// A group's working copy of the state plus what it needs to know about the block.
pub(crate) struct Writer<'a> {
    pub(crate) state: State,
    pub(crate) ctx: &'a BlockContext,
    /// One entry per [`Ledger::apply`] call, in order.
    pub(crate) closings: Vec<Closing>,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(state: State, ctx: &'a BlockContext) -> Self {
        Self { state, ctx, closings: Vec::new() }
    }

    pub(crate) fn account_mut(&mut self, address: &Address) -> &mut Account {
        std::sync::Arc::make_mut(self.state.accounts.entry(*address).or_default())
    }

    /// The next asset or app id, counting this transaction.
    pub(crate) fn count_txn(&mut self) -> u64 {
        self.state.txn_counter += 1;
        self.state.txn_counter
    }

    pub(crate) fn debit(&mut self, address: &Address, amount: u64) -> Result<(), Fault> {
        let account = self.account_mut(address);
        match account.balance.checked_sub(amount) {
            Some(left) => {
                account.balance = left;
                Ok(())
            }
            None => Err(Fault::ledger(format!(
                "overspend (account {address}, data {{MicroAlgos:{{Raw:{}}}}}, tried to spend \
                 {{{amount}}})",
                account.balance
            ))),
        }
    }

    pub(crate) fn credit(&mut self, address: &Address, amount: u64) -> Result<(), Fault> {
        let account = self.account_mut(address);
        account.balance = account
            .balance
            .checked_add(amount)
            .ok_or_else(|| Fault::ledger(format!("balance overflow in {address}")))?;
        Ok(())
    }

    pub(crate) fn pay_fee(&mut self, sender: &Address, fee: u64) -> Result<(), Fault> {
        self.debit(sender, fee)?;
        let sink = self.ctx.fee_sink;
        self.credit(&sink, fee)
    }

    /// go-algorand's end-of-transaction rule: an account that still exists holds at least its
    /// minimum balance.
    pub(crate) fn check_min_balance(&self, address: &Address) -> Result<(), Fault> {
        let Some(account) = self.state.accounts.get(address) else { return Ok(()) };
        let min = account.min_balance();
        if account.balance < min {
            return Err(Fault::ledger(format!(
                "account {address} balance {} below min {min} ({} assets)",
                account.balance,
                account.holdings.len()
            )));
        }
        Ok(())
    }

    pub(crate) fn check_min_balances(&self, addresses: &[Address]) -> Result<(), Fault> {
        addresses.iter().filter(|a| !a.is_zero()).try_for_each(|a| self.check_min_balance(a))
    }

    fn rekey(&mut self, txn: &Txn) {
        if txn.rekey_to.is_zero() {
            return;
        }
        let sender = txn.sender;
        let auth = (txn.rekey_to != sender).then_some(txn.rekey_to);
        self.account_mut(&sender).auth = auth;
    }
}

impl Ledger for Writer<'_> {
    fn round(&self) -> Round {
        self.ctx.round
    }

    fn latest_timestamp(&self) -> u64 {
        self.ctx.prev_timestamp
    }

    fn genesis_hash(&self) -> [u8; 32] {
        self.ctx.genesis_hash
    }

    fn account(&self, addr: &Address) -> AccountInfo {
        let Some(account) = self.state.accounts.get(addr) else { return AccountInfo::default() };
        AccountInfo {
            balance: account.balance,
            min_balance: account.min_balance(),
            auth_addr: account.auth.unwrap_or_default(),
            total_num_uint: account.total_schema.num_uint,
            total_num_byte_slice: account.total_schema.num_byte_slice,
            total_extra_app_pages: account.total_extra_pages,
            total_apps_created: account.created_apps.len() as u64,
            total_apps_opted_in: account.locals.len() as u64,
            total_assets_created: account.created_assets.len() as u64,
            total_assets: account.holdings.len() as u64,
            total_boxes: account.total_boxes,
            total_box_bytes: account.total_box_bytes,
        }
    }

    fn asset_params(&self, asset: AssetId) -> Option<AssetParams> {
        self.state.assets.get(&asset).cloned()
    }

    fn asset_holding(&self, addr: &Address, asset: AssetId) -> Option<AssetHolding> {
        self.state.accounts.get(addr)?.holdings.get(&asset).copied()
    }

    fn app_params(&self, app: AppId) -> Option<AppParams> {
        self.state.apps.get(&app).map(|a| a.params.clone())
    }

    fn opted_in(&self, addr: &Address, app: AppId) -> bool {
        self.state.accounts.get(addr).is_some_and(|a| a.locals.contains_key(&app))
    }

    fn global_get(&self, app: AppId, key: &[u8]) -> Option<TealValue> {
        self.state.apps.get(&app)?.global.get(key).cloned()
    }

    fn global_put(&mut self, app: AppId, key: &[u8], value: TealValue) {
        if let Some(a) = self.state.apps.get_mut(&app) {
            a.global.insert(key.to_vec(), value);
        }
    }

    fn global_del(&mut self, app: AppId, key: &[u8]) {
        if let Some(a) = self.state.apps.get_mut(&app) {
            a.global.remove(key);
        }
    }

    fn local_get(&self, addr: &Address, app: AppId, key: &[u8]) -> Option<TealValue> {
        self.state.accounts.get(addr)?.locals.get(&app)?.values.get(key).cloned()
    }

    fn local_put(&mut self, addr: &Address, app: AppId, key: &[u8], value: TealValue) {
        if let Some(local) = self.account_mut(addr).locals.get_mut(&app) {
            local.values.insert(key.to_vec(), value);
        }
    }

    fn local_del(&mut self, addr: &Address, app: AppId, key: &[u8]) {
        if let Some(local) = self.account_mut(addr).locals.get_mut(&app) {
            local.values.remove(key);
        }
    }

    fn box_get(&self, app: AppId, name: &[u8]) -> Option<Vec<u8>> {
        self.state.boxes.get(&(app, name.to_vec())).cloned()
    }

    fn box_put(&mut self, app: AppId, name: &[u8], value: Vec<u8>) {
        let added = (name.len() + value.len()) as u64;
        let old = self.state.boxes.insert((app, name.to_vec()), value);
        let account = self.account_mut(&Address::for_app(app));
        match old {
            Some(old) => {
                account.total_box_bytes =
                    account.total_box_bytes + added - (name.len() + old.len()) as u64;
            }
            None => {
                account.total_boxes += 1;
                account.total_box_bytes += added;
            }
        }
    }

    fn box_del(&mut self, app: AppId, name: &[u8]) -> bool {
        let Some(old) = self.state.boxes.remove(&(app, name.to_vec())) else { return false };
        let account = self.account_mut(&Address::for_app(app));
        account.total_boxes = account.total_boxes.saturating_sub(1);
        account.total_box_bytes =
            account.total_box_bytes.saturating_sub((name.len() + old.len()) as u64);
        true
    }

    fn apply(&mut self, txn: &Txn) -> Result<Created, Fault> {
        let id = self.count_txn();
        self.pay_fee(&txn.sender, txn.fee)?;
        let (created, closing) = match txn.kind {
            TxnType::Payment => (Created::default(), self.payment(txn)?),
            TxnType::AssetTransfer => (Created::default(), self.asset_transfer(txn)?),
            TxnType::AssetConfig => (self.asset_config(txn, id)?, Closing::default()),
            TxnType::AssetFreeze => {
                (self.asset_freeze(txn).map(|()| Created::default())?, Closing::default())
            }
            TxnType::KeyReg => (Created::default(), Closing::default()),
            TxnType::AppCall => return Err(Fault::ledger("app calls go through begin_app_call")),
        };
        self.rekey(txn);
        self.closings.push(closing);
        let touched = [txn.sender, txn.receiver, txn.close_remainder_to, txn.asset_close_to];
        self.check_min_balances(&touched)?;
        Ok(created)
    }

    fn begin_app_call(&mut self, txn: &Txn) -> Result<AppId, Fault> {
        let id = self.count_txn();
        self.pay_fee(&txn.sender, txn.fee)?;
        self.rekey(txn);
        self.prepare_app_call(txn, id)
    }

    fn end_app_call(&mut self, txn: &Txn, app: AppId) -> Result<(), Fault> {
        self.finish_app_call(txn, app)
    }
}
