//! App-call bookkeeping around the program: create and opt in before it runs; close out,
//! clear, update or delete after it approves; schemas and minimum balances checked at the end.

use imbl::OrdMap;
use tipforge_algo::{Address, AppId};
use tipforge_teal::eval::{AppParams, Fault, OnCompletion, Schema, Txn, Value as TealValue};

use super::state::{App, LocalState};
use super::writer::Writer;

fn add(total: &mut Schema, schema: Schema) {
    total.num_uint += schema.num_uint;
    total.num_byte_slice += schema.num_byte_slice;
}

fn sub(total: &mut Schema, schema: Schema) {
    total.num_uint = total.num_uint.saturating_sub(schema.num_uint);
    total.num_byte_slice = total.num_byte_slice.saturating_sub(schema.num_byte_slice);
}

fn check_schema(values: &OrdMap<Vec<u8>, TealValue>, schema: Schema) -> Result<(), Fault> {
    let uints = values.values().filter(|v| matches!(v, TealValue::Uint(_))).count() as u64;
    let bytes = values.len() as u64 - uints;
    if uints > schema.num_uint {
        return Err(Fault::ledger(format!(
            "store integer count {uints} exceeds schema integer count {}",
            schema.num_uint
        )));
    }
    if bytes > schema.num_byte_slice {
        return Err(Fault::ledger(format!(
            "store bytes count {bytes} exceeds schema bytes count {}",
            schema.num_byte_slice
        )));
    }
    Ok(())
}

impl Writer<'_> {
    pub(crate) fn prepare_app_call(&mut self, txn: &Txn, id: u64) -> Result<AppId, Fault> {
        let app = if txn.app_id.0 == 0 { self.create_app(txn, AppId(id)) } else { txn.app_id };
        let Some(params) = self.state.apps.get(&app).map(|a| a.params.clone()) else {
            return Err(Fault::ledger(format!("application {} does not exist", app.0)));
        };
        if txn.reject_version != 0 && params.version >= txn.reject_version {
            return Err(Fault::ledger(format!(
                "app version ({}) >= reject version ({})",
                params.version, txn.reject_version
            )));
        }
        let opted_in =
            self.state.accounts.get(&txn.sender).is_some_and(|a| a.locals.contains_key(&app));
        match txn.on_completion {
            OnCompletion::OptIn if opted_in => Err(Fault::ledger(format!(
                "account {} has already opted in to app {}",
                txn.sender, app.0
            ))),
            OnCompletion::OptIn => {
                let account = self.account_mut(&txn.sender);
                let schema = params.local_schema;
                account.locals.insert(app, LocalState { schema, values: OrdMap::new() });
                add(&mut account.total_schema, schema);
                Ok(app)
            }
            OnCompletion::CloseOut | OnCompletion::ClearState if !opted_in => Err(Fault::ledger(
                format!("address {} is not currently opted in to app {}", txn.sender, app.0),
            )),
            _ => Ok(app),
        }
    }

    fn create_app(&mut self, txn: &Txn, app: AppId) -> AppId {
        let params = AppParams {
            approval_program: txn.approval_program.clone(),
            clear_program: txn.clear_program.clone(),
            global_schema: txn.global_schema,
            local_schema: txn.local_schema,
            extra_pages: txn.extra_pages,
            creator: txn.sender,
            version: 0,
        };
        self.state.apps.insert(app, App { params, global: OrdMap::new() });
        let creator = self.account_mut(&txn.sender);
        creator.created_apps.insert(app);
        add(&mut creator.total_schema, txn.global_schema);
        creator.total_extra_pages += txn.extra_pages;
        app
    }

    pub(crate) fn finish_app_call(&mut self, txn: &Txn, app: AppId) -> Result<(), Fault> {
        let Some(current) = self.state.apps.get(&app).cloned() else {
            return Err(Fault::ledger(format!("application {} does not exist", app.0)));
        };
        check_schema(&current.global, current.params.global_schema)?;
        self.check_local_schemas(txn, app)?;
        match txn.on_completion {
            OnCompletion::CloseOut | OnCompletion::ClearState => self.close_out(&txn.sender, app),
            OnCompletion::DeleteApplication => self.delete_app(app, &current),
            OnCompletion::UpdateApplication => {
                let mut updated = current.clone();
                updated.params.approval_program = txn.approval_program.clone();
                updated.params.clear_program = txn.clear_program.clone();
                updated.params.version += 1;
                self.state.apps.insert(app, updated);
            }
            OnCompletion::NoOp | OnCompletion::OptIn => {}
        }
        let creator = current.params.creator;
        self.check_min_balances(&[txn.sender, Address::for_app(app), creator])
    }

    fn check_local_schemas(&self, txn: &Txn, app: AppId) -> Result<(), Fault> {
        for address in std::iter::once(&txn.sender).chain(&txn.accounts) {
            let local = self.state.accounts.get(address).and_then(|a| a.locals.get(&app));
            if let Some(local) = local {
                check_schema(&local.values, local.schema)?;
            }
        }
        Ok(())
    }

    fn close_out(&mut self, address: &Address, app: AppId) {
        let account = self.account_mut(address);
        if let Some(local) = account.locals.remove(&app) {
            sub(&mut account.total_schema, local.schema);
        }
    }

    fn delete_app(&mut self, app: AppId, current: &App) {
        self.state.apps.remove(&app);
        let creator = self.account_mut(&current.params.creator);
        creator.created_apps.remove(&app);
        sub(&mut creator.total_schema, current.params.global_schema);
        creator.total_extra_pages =
            creator.total_extra_pages.saturating_sub(current.params.extra_pages);
    }
}
