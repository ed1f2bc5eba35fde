//! `pay`: move µAlgo, optionally closing the sender's account.

use tipforge_algo::Address;
use tipforge_teal::eval::{Fault, Txn};

use super::writer::{Closing, Writer};

impl Writer<'_> {
    pub(crate) fn payment(&mut self, txn: &Txn) -> Result<Closing, Fault> {
        self.debit(&txn.sender, txn.amount)?;
        self.credit(&txn.receiver, txn.amount)?;
        if txn.close_remainder_to.is_zero() {
            return Ok(Closing::default());
        }
        let algos = self.close_account(&txn.sender, &txn.close_remainder_to)?;
        Ok(Closing { algos, asset: 0 })
    }

    /// Deletes `account` and sends what is left to `to`; refused while it holds assets or
    /// apps, as go-algorand refuses it.
    fn close_account(&mut self, account: &Address, to: &Address) -> Result<u64, Fault> {
        if account == to {
            return Err(Fault::ledger(format!(
                "transaction cannot close account to its sender {account}"
            )));
        }
        let closed = self.state.accounts.remove(account).unwrap_or_default();
        if closed.holds_more_than_algos() {
            return Err(Fault::ledger(format!(
                "cannot close account {account}: it still holds {} assets and {} apps",
                closed.holdings.len(),
                closed.created_apps.len() + closed.locals.len()
            )));
        }
        if closed.total_boxes > 0 {
            return Err(Fault::ledger(format!("cannot close account {account} with boxes")));
        }
        self.credit(to, closed.balance)?;
        Ok(closed.balance)
    }
}
