//! Balances, global and local app state, asset/app/account parameters, and `log`.

use tipforge_algo::Address;

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::Vm;
use crate::eval::value::Value;

/// Longest state key.
const MAX_KEY_LEN: usize = 64;
/// Longest key plus value.
const MAX_KEY_VALUE_LEN: usize = 128;

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x60 | 0x78 => {
            let value = vm.pop()?;
            let addr = vm.account_ref(&value)?;
            let account = vm.shared.ledger_ref()?.account(&addr);
            vm.push_uint(if code == 0x60 { account.balance } else { account.min_balance });
            Ok(())
        }
        0x61 => {
            let app = vm.pop_uint()?;
            let value = vm.pop()?;
            let addr = vm.account_ref(&value)?;
            let app = vm.app_ref(app)?;
            let opted = vm.shared.ledger_ref()?.opted_in(&addr, app);
            vm.push_bool(opted);
            Ok(())
        }
        0x62 | 0x63 => local_get(vm, code == 0x63),
        0x64 | 0x65 => global_get(vm, code == 0x65),
        0x66 => local_put(vm),
        0x67 => global_put(vm),
        0x68 => local_del(vm),
        0x69 => global_del(vm),
        0x70 => asset_holding_get(vm),
        0x71 => asset_params_get(vm),
        0x72 => app_params_get(vm),
        0x73 => acct_params_get(vm),
        0xb0 => log(vm),
        _ => fault(FaultKind::Unsupported, format!("unsupported opcode 0x{code:02x}")),
    }
}

fn push_found(vm: &mut Vm<'_, '_>, found: Option<Value>) {
    let exists = found.is_some();
    vm.push(found.unwrap_or(Value::Uint(0)));
    vm.push_bool(exists);
}

fn global_get(vm: &mut Vm<'_, '_>, ex: bool) -> OpResult {
    let key = vm.pop_bytes()?;
    let app = if ex {
        let reference = vm.pop_uint()?;
        vm.app_ref(reference)?
    } else {
        vm.app
    };
    let found = vm.shared.ledger_ref()?.global_get(app, &key);
    if ex {
        push_found(vm, found);
    } else {
        vm.push(found.unwrap_or(Value::Uint(0)));
    }
    Ok(())
}

fn local_get(vm: &mut Vm<'_, '_>, ex: bool) -> OpResult {
    let key = vm.pop_bytes()?;
    let app = if ex {
        let reference = vm.pop_uint()?;
        vm.app_ref(reference)?
    } else {
        vm.app
    };
    let value = vm.pop()?;
    let addr = vm.account_ref(&value)?;
    let ledger = vm.shared.ledger_ref()?;
    if !ledger.opted_in(&addr, app) {
        if ex {
            push_found(vm, None);
            return Ok(());
        }
        return fault(
            FaultKind::State,
            format!("cannot fetch key, {addr} has not opted in to app {}", app.0),
        );
    }
    let found = ledger.local_get(&addr, app, &key);
    if ex {
        push_found(vm, found);
    } else {
        vm.push(found.unwrap_or(Value::Uint(0)));
    }
    Ok(())
}

fn check_key_value(key: &[u8], value: &Value) -> OpResult {
    if key.len() > MAX_KEY_LEN {
        let message = format!("key too long: length was {}, maximum is {MAX_KEY_LEN}", key.len());
        return fault(FaultKind::Limit, message);
    }
    if let Value::Bytes(b) = value {
        let hex: String = key.iter().map(|x| format!("{x:02x}")).collect();
        if b.len() > MAX_KEY_VALUE_LEN {
            let message = format!("value too long for key 0x{hex}: length was {}", b.len());
            return fault(FaultKind::Limit, message);
        }
        if key.len() + b.len() > MAX_KEY_VALUE_LEN {
            let message = format!(
                "key/value total too long for key 0x{hex}: sum was {}",
                key.len() + b.len()
            );
            return fault(FaultKind::Limit, message);
        }
    }
    Ok(())
}

fn global_put(vm: &mut Vm<'_, '_>) -> OpResult {
    let value = vm.pop()?;
    let key = vm.pop_bytes()?;
    check_key_value(&key, &value)?;
    let app = vm.app;
    let ledger = vm.shared.ledger()?;
    vm.out.note_global(&key, || ledger.global_get(app, &key));
    ledger.global_put(app, &key, value);
    Ok(())
}

fn global_del(vm: &mut Vm<'_, '_>) -> OpResult {
    let key = vm.pop_bytes()?;
    let app = vm.app;
    let ledger = vm.shared.ledger()?;
    vm.out.note_global(&key, || ledger.global_get(app, &key));
    ledger.global_del(app, &key);
    Ok(())
}

fn opted_in_account(vm: &mut Vm<'_, '_>, value: &Value) -> OpResult<Address> {
    let addr = vm.account_ref(value)?;
    if !vm.shared.ledger_ref()?.opted_in(&addr, vm.app) {
        return fault(
            FaultKind::State,
            format!("cannot fetch key, {addr} has not opted in to app {}", vm.app.0),
        );
    }
    Ok(addr)
}

fn local_put(vm: &mut Vm<'_, '_>) -> OpResult {
    let value = vm.pop()?;
    let key = vm.pop_bytes()?;
    let account = vm.pop()?;
    let addr = opted_in_account(vm, &account)?;
    check_key_value(&key, &value)?;
    let app = vm.app;
    let ledger = vm.shared.ledger()?;
    vm.out.note_local(addr, &key, || ledger.local_get(&addr, app, &key));
    ledger.local_put(&addr, app, &key, value);
    Ok(())
}

fn local_del(vm: &mut Vm<'_, '_>) -> OpResult {
    let key = vm.pop_bytes()?;
    let account = vm.pop()?;
    let addr = opted_in_account(vm, &account)?;
    let app = vm.app;
    let ledger = vm.shared.ledger()?;
    vm.out.note_local(addr, &key, || ledger.local_get(&addr, app, &key));
    ledger.local_del(&addr, app, &key);
    Ok(())
}

fn asset_holding_get(vm: &mut Vm<'_, '_>) -> OpResult {
    let field = vm.imm(1);
    if field > 1 {
        return fault(FaultKind::Program, format!("invalid asset_holding_get field {field}"));
    }
    let asset = vm.pop_uint()?;
    let account = vm.pop()?;
    let addr = vm.account_ref(&account)?;
    let asset = vm.asset_ref(asset)?;
    let holding = vm.shared.ledger_ref()?.asset_holding(&addr, asset);
    let found = holding
        .map(|h| if field == 0 { Value::Uint(h.amount) } else { Value::from_bool(h.frozen) });
    push_found(vm, found);
    Ok(())
}

fn asset_params_get(vm: &mut Vm<'_, '_>) -> OpResult {
    let field = vm.imm(1);
    let limit = if vm.version >= 5 { 11 } else { 10 };
    if field > limit {
        return fault(FaultKind::Program, format!("invalid asset_params_get field {field}"));
    }
    let asset = vm.pop_uint()?;
    let asset = vm.asset_ref(asset)?;
    let params = vm.shared.ledger_ref()?.asset_params(asset);
    let addr = |a: &Address| Value::Bytes(a.0.to_vec());
    let found = params.map(|p| match field {
        0 => Value::Uint(p.total),
        1 => Value::Uint(p.decimals),
        2 => Value::from_bool(p.default_frozen),
        3 => Value::Bytes(p.unit_name),
        4 => Value::Bytes(p.name),
        5 => Value::Bytes(p.url),
        6 => Value::Bytes(p.metadata_hash.to_vec()),
        7 => addr(&p.manager),
        8 => addr(&p.reserve),
        9 => addr(&p.freeze),
        10 => addr(&p.clawback),
        _ => addr(&p.creator),
    });
    push_found(vm, found);
    Ok(())
}

fn app_params_get(vm: &mut Vm<'_, '_>) -> OpResult {
    let field = vm.imm(1);
    let limit = if vm.version >= 12 { 9 } else { 8 };
    if field > limit {
        return fault(FaultKind::Program, format!("invalid app_params_get field {field}"));
    }
    let app = vm.pop_uint()?;
    let app = vm.app_ref(app)?;
    let params = vm.shared.ledger_ref()?.app_params(app);
    let found = params.map(|p| match field {
        0 => Value::Bytes(p.approval_program),
        1 => Value::Bytes(p.clear_program),
        2 => Value::Uint(p.global_schema.num_uint),
        3 => Value::Uint(p.global_schema.num_byte_slice),
        4 => Value::Uint(p.local_schema.num_uint),
        5 => Value::Uint(p.local_schema.num_byte_slice),
        6 => Value::Uint(p.extra_pages),
        7 => Value::Bytes(p.creator.0.to_vec()),
        8 => Value::Bytes(Address::for_app(app).0.to_vec()),
        _ => Value::Uint(p.version),
    });
    push_found(vm, found);
    Ok(())
}

fn acct_params_get(vm: &mut Vm<'_, '_>) -> OpResult {
    let field = vm.imm(1);
    let limit = match vm.version {
        ..8 => 2,
        _ => 11,
    };
    if field > limit {
        return fault(FaultKind::Program, format!("invalid acct_params_get field {field}"));
    }
    let account = vm.pop()?;
    let addr = vm.account_ref(&account)?;
    let a = vm.shared.ledger_ref()?.account(&addr);
    let value = match field {
        0 => Value::Uint(a.balance),
        1 => Value::Uint(a.min_balance),
        2 => Value::Bytes(a.auth_addr.0.to_vec()),
        3 => Value::Uint(a.total_num_uint),
        4 => Value::Uint(a.total_num_byte_slice),
        5 => Value::Uint(a.total_extra_app_pages),
        6 => Value::Uint(a.total_apps_created),
        7 => Value::Uint(a.total_apps_opted_in),
        8 => Value::Uint(a.total_assets_created),
        9 => Value::Uint(a.total_assets),
        10 => Value::Uint(a.total_boxes),
        _ => Value::Uint(a.total_box_bytes),
    };
    vm.push(value);
    vm.push_bool(a.balance > 0);
    Ok(())
}

fn log(vm: &mut Vm<'_, '_>) -> OpResult {
    let message = vm.pop_bytes()?;
    let params = &vm.shared.params;
    if vm.out.logs.len() >= params.max_log_calls {
        let limit = params.max_log_calls;
        return fault(
            FaultKind::Limit,
            format!("too many log calls in program. up to {limit} is allowed"),
        );
    }
    vm.out.log_size += message.len();
    if vm.out.log_size > params.max_log_size {
        let message = format!(
            "program logs too large. {} bytes >  {} bytes limit",
            vm.out.log_size, params.max_log_size
        );
        return fault(FaultKind::Limit, message);
    }
    vm.out.logs.push(message);
    Ok(())
}
