//! Asset transactions: `acfg` (create, reconfigure, destroy), `axfer` (opt-in, transfer,
//! clawback, close-out) and `afrz`, with go-algorand's role and freeze rules.

use tipforge_algo::{Address, AssetId};
use tipforge_teal::eval::{AssetHolding, AssetParams, Created, Fault, Txn};

use super::writer::{Closing, Writer};

fn missing(asset: AssetId, address: &Address) -> Fault {
    Fault::ledger(format!("asset {} missing from {address}", asset.0))
}

impl Writer<'_> {
    fn asset(&self, asset: AssetId) -> Result<AssetParams, Fault> {
        self.state.assets.get(&asset).cloned().ok_or_else(|| {
            Fault::ledger(format!("asset {} does not exist or has been deleted", asset.0))
        })
    }

    pub(crate) fn asset_config(&mut self, txn: &Txn, id: u64) -> Result<Created, Fault> {
        if txn.config_asset.0 == 0 {
            return Ok(self.create_asset(txn, AssetId(id)));
        }
        let asset = txn.config_asset;
        let mut params = self.asset(asset)?;
        if params.manager.is_zero() || params.manager != txn.sender {
            return Err(Fault::ledger(format!(
                "this transaction should be issued by the manager. It is issued by {}, manager \
                 key {}",
                txn.sender, params.manager
            )));
        }
        let fields = &txn.asset_params;
        if *fields == Default::default() {
            self.destroy_asset(asset, &params)?;
            return Ok(Created::default());
        }
        (params.manager, params.reserve, params.freeze, params.clawback) =
            (fields.manager, fields.reserve, fields.freeze, fields.clawback);
        self.state.assets.insert(asset, params);
        Ok(Created::default())
    }

    fn create_asset(&mut self, txn: &Txn, asset: AssetId) -> Created {
        let fields = &txn.asset_params;
        let params = AssetParams {
            total: fields.total,
            decimals: fields.decimals,
            default_frozen: fields.default_frozen,
            unit_name: fields.unit_name.clone(),
            name: fields.name.clone(),
            url: fields.url.clone(),
            metadata_hash: fields.metadata_hash,
            manager: fields.manager,
            reserve: fields.reserve,
            freeze: fields.freeze,
            clawback: fields.clawback,
            creator: txn.sender,
        };
        self.state.assets.insert(asset, params);
        let creator = self.account_mut(&txn.sender);
        creator.created_assets.insert(asset);
        creator.holdings.insert(asset, AssetHolding { amount: fields.total, frozen: false });
        Created { asset: Some(asset), app: None }
    }

    fn destroy_asset(&mut self, asset: AssetId, params: &AssetParams) -> Result<(), Fault> {
        let creator = self.account_mut(&params.creator);
        let held = creator.holdings.get(&asset).map_or(0, |h| h.amount);
        if held != params.total {
            return Err(Fault::ledger(format!(
                "cannot destroy asset: creator is holding only {held}/{}",
                params.total
            )));
        }
        creator.holdings.remove(&asset);
        creator.created_assets.remove(&asset);
        self.state.assets.remove(&asset);
        Ok(())
    }

    pub(crate) fn asset_transfer(&mut self, txn: &Txn) -> Result<Closing, Fault> {
        let asset = txn.xfer_asset;
        let clawback = !txn.asset_sender.is_zero();
        let is_opt_in = txn.asset_amount == 0 && txn.asset_receiver == txn.sender && !clawback;
        if is_opt_in && txn.asset_close_to.is_zero() {
            return self.opt_in(&txn.sender, asset).map(|()| Closing::default());
        }
        let params = self.asset(asset)?;
        if clawback && params.clawback != txn.sender {
            return Err(Fault::ledger(format!(
                "clawback not allowed: sender {}, clawback {}",
                txn.sender, params.clawback
            )));
        }
        let source = if clawback { txn.asset_sender } else { txn.sender };
        self.take_out(&source, asset, txn.asset_amount, clawback)?;
        self.put_in(&txn.asset_receiver, asset, txn.asset_amount, clawback)?;
        if txn.asset_close_to.is_zero() {
            return Ok(Closing::default());
        }
        if clawback {
            return Err(Fault::ledger("clawback transaction cannot close an asset holding"));
        }
        self.close_holding(&source, &txn.asset_close_to, &params, asset)
    }

    fn opt_in(&mut self, address: &Address, asset: AssetId) -> Result<(), Fault> {
        if self.state.accounts.get(address).is_some_and(|a| a.holdings.contains_key(&asset)) {
            return Ok(());
        }
        let frozen = self.asset(asset)?.default_frozen;
        self.account_mut(address).holdings.insert(asset, AssetHolding { amount: 0, frozen });
        Ok(())
    }

    fn take_out(
        &mut self,
        address: &Address,
        asset: AssetId,
        amount: u64,
        bypass_freeze: bool,
    ) -> Result<(), Fault> {
        if amount == 0 {
            return Ok(());
        }
        let account = self.account_mut(address);
        let holding = account.holdings.get_mut(&asset).ok_or_else(|| missing(asset, address))?;
        if holding.frozen && !bypass_freeze {
            return Err(Fault::ledger(format!("asset {} frozen in {address}", asset.0)));
        }
        holding.amount = holding.amount.checked_sub(amount).ok_or_else(|| {
            Fault::ledger(format!(
                "underflow on subtracting {amount} from sender amount {}",
                holding.amount
            ))
        })?;
        Ok(())
    }

    fn put_in(
        &mut self,
        address: &Address,
        asset: AssetId,
        amount: u64,
        bypass_freeze: bool,
    ) -> Result<(), Fault> {
        if amount == 0 {
            return Ok(());
        }
        let account = self.account_mut(address);
        let Some(holding) = account.holdings.get_mut(&asset) else {
            return Err(Fault::ledger(format!(
                "receiver error: must optin, asset {} missing from {address}",
                asset.0
            )));
        };
        if holding.frozen && !bypass_freeze {
            return Err(Fault::ledger(format!("asset {} frozen in {address}", asset.0)));
        }
        holding.amount = holding.amount.checked_add(amount).ok_or_else(|| {
            Fault::ledger(format!("overflow on adding {amount} to receiver amount"))
        })?;
        Ok(())
    }

    fn close_holding(
        &mut self,
        source: &Address,
        to: &Address,
        params: &AssetParams,
        asset: AssetId,
    ) -> Result<Closing, Fault> {
        if *source == params.creator {
            return Err(Fault::ledger(format!(
                "cannot close asset ID in allocating account {source}"
            )));
        }
        let account = self.account_mut(source);
        let holding = account.holdings.remove(&asset).ok_or_else(|| missing(asset, source))?;
        if holding.frozen && *to != params.creator {
            return Err(Fault::ledger(format!("asset {} frozen in {source}", asset.0)));
        }
        self.put_in(to, asset, holding.amount, false)?;
        Ok(Closing { algos: 0, asset: holding.amount })
    }

    pub(crate) fn asset_freeze(&mut self, txn: &Txn) -> Result<(), Fault> {
        let asset = txn.freeze_asset;
        let params = self.asset(asset)?;
        if params.freeze.is_zero() || params.freeze != txn.sender {
            return Err(Fault::ledger(format!(
                "freeze not allowed: sender {} != freeze {}",
                txn.sender, params.freeze
            )));
        }
        let target = txn.freeze_account;
        let account = self.account_mut(&target);
        let holding = account.holdings.get_mut(&asset).ok_or_else(|| missing(asset, &target))?;
        holding.frozen = txn.asset_frozen;
        Ok(())
    }
}
