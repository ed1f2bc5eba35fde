//! What an evaluation reports: logs, state deltas, inner transactions and cost.

use std::collections::BTreeMap;

use tipforge_algo::{Address, AppId};

use super::context::{Delta, StateDelta};
use super::ledger::{Created, Ledger};
use super::txn::Txn;
use super::value::Value;

/// The result of one app call's approval (or clear-state) program.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppOutcome {
    /// The app that ran.
    pub app: AppId,
    /// Whether the program approved.
    pub approved: bool,
    /// Logged messages in order.
    pub logs: Vec<Vec<u8>>,
    /// Changes to the app's global state.
    pub global_delta: StateDelta,
    /// Changes to local state of the app, by account.
    pub local_deltas: BTreeMap<Address, StateDelta>,
    /// Changes to the app's boxes: new contents, or `None` when deleted.
    pub box_deltas: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// Inner transactions, in submission order.
    pub inner: Vec<InnerOutcome>,
    /// Opcode cost this program spent.
    pub cost: u64,
}

/// One inner transaction as it was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerOutcome {
    /// The transaction (sender = the app's account, fee and group filled in).
    pub txn: Txn,
    /// Ids it created.
    pub created: Created,
    /// The program outcome, for inner app calls.
    pub app_call: Option<AppOutcome>,
}

/// Per-call bookkeeping while a program runs.
#[derive(Debug, Default)]
pub(crate) struct CallRecord {
    pub(crate) logs: Vec<Vec<u8>>,
    pub(crate) log_size: usize,
    pub(crate) inner: Vec<InnerOutcome>,
    /// Where the most recently submitted inner group starts in `inner`.
    pub(crate) last_group_start: usize,
    /// The inner group under construction (`itxn_begin` .. `itxn_submit`).
    pub(crate) building: Vec<Txn>,
    global_before: BTreeMap<Vec<u8>, Option<Value>>,
    local_before: BTreeMap<(Address, Vec<u8>), Option<Value>>,
    box_before: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl CallRecord {
    /// Remembers a global value before the program first changes it.
    pub(crate) fn note_global(&mut self, key: &[u8], before: impl FnOnce() -> Option<Value>) {
        if !self.global_before.contains_key(key) {
            let value = before();
            self.global_before.insert(key.to_vec(), value);
        }
    }

    /// Remembers a local value before the program first changes it.
    pub(crate) fn note_local(
        &mut self,
        addr: Address,
        key: &[u8],
        before: impl FnOnce() -> Option<Value>,
    ) {
        self.local_before.entry((addr, key.to_vec())).or_insert_with(before);
    }

    /// Remembers a box before the program first changes it.
    pub(crate) fn note_box(&mut self, name: &[u8], before: impl FnOnce() -> Option<Vec<u8>>) {
        if !self.box_before.contains_key(name) {
            let value = before();
            self.box_before.insert(name.to_vec(), value);
        }
    }

    /// The outcome, with deltas computed against the ledger's current state.
    pub(crate) fn into_outcome(
        self,
        ledger: &dyn Ledger,
        app: AppId,
        approved: bool,
        cost: u64,
    ) -> AppOutcome {
        let mut outcome = AppOutcome { app, approved, logs: self.logs, cost, ..Default::default() };
        for (key, before) in self.global_before {
            let now = ledger.global_get(app, &key);
            if let Some(delta) = diff(before, now) {
                outcome.global_delta.insert(key, delta);
            }
        }
        for ((addr, key), before) in self.local_before {
            let now = ledger.local_get(&addr, app, &key);
            if let Some(delta) = diff(before, now) {
                outcome.local_deltas.entry(addr).or_default().insert(key, delta);
            }
        }
        for (name, before) in self.box_before {
            let now = ledger.box_get(app, &name);
            if before != now {
                outcome.box_deltas.insert(name, now);
            }
        }
        outcome.inner = self.inner;
        outcome
    }
}

fn diff(before: Option<Value>, now: Option<Value>) -> Option<Delta> {
    match (before, now) {
        (Some(before), Some(now)) if before == now => None,
        (_, Some(value)) => Some(Delta::Set(value)),
        // go-algorand reports a delete for any written key that ends absent, even one that
        // did not exist before the call.
        (_, None) => Some(Delta::Deleted),
    }
}
