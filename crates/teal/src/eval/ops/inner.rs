//! Inner transactions: building (`itxn_begin`/`itxn_next`/`itxn_field`), submitting through
//! the ledger hook (inner app calls run recursively), and reading the results back.

use tipforge_algo::{Address, AppId, AssetId};

use super::txn::{FieldSource, check_field, txn_field};
use crate::eval::call::{CallError, run_app_call};
use crate::eval::context::{Level, MAX_APP_CALL_DEPTH, MAX_GROUP_SIZE, TxnEffects};
use crate::eval::error::{Fault, FaultKind, OpResult, fault};
use crate::eval::machine::Vm;
use crate::eval::outcome::InnerOutcome;
use crate::eval::txn::{OnCompletion, Txn, TxnType};
use crate::eval::value::Value;

/// The oldest program version an inner app call may run.
const MIN_INNER_APPL_VERSION: u64 = 4;

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0xb1 => {
            if !vm.out.building.is_empty() {
                return fault(FaultKind::Inner, "itxn_begin without itxn_submit");
            }
            if vm.clear_state {
                return fault(
                    FaultKind::Inner,
                    "clear state programs can not issue inner transactions",
                );
            }
            add_inner(vm)
        }
        0xb6 => {
            if vm.out.building.is_empty() {
                return fault(FaultKind::Inner, "itxn_next without itxn_begin");
            }
            add_inner(vm)
        }
        0xb2 => {
            let value = vm.pop()?;
            set_field(vm, vm.imm(1), value)
        }
        0xb3 => submit(vm),
        0xb4 => read(vm, None, vm.imm(1), None),
        0xb5 => read(vm, None, vm.imm(1), Some(u64::from(vm.imm(2)))),
        0xc5 => {
            let index = vm.pop_uint()?;
            read(vm, None, vm.imm(1), Some(index))
        }
        0xb7 => read(vm, Some(vm.imm(1)), vm.imm(2), None),
        0xb8 => read(vm, Some(vm.imm(1)), vm.imm(2), Some(u64::from(vm.imm(3)))),
        _ => {
            let index = vm.pop_uint()?;
            read(vm, Some(vm.imm(1)), vm.imm(2), Some(index))
        }
    }
}

fn too_many(building: usize, left: usize) -> OpResult {
    fault(FaultKind::Limit, format!("too many inner transactions {building} with {left} left"))
}

fn add_inner(vm: &mut Vm<'_, '_>) -> OpResult {
    let building = vm.out.building.len();
    if building > vm.shared.inners_left || building >= MAX_GROUP_SIZE {
        return too_many(building, vm.shared.inners_left);
    }
    let min_fee = vm.shared.params.min_txn_fee;
    let paid = vm.out.building.iter().fold(0u64, |sum, t| sum.saturating_add(t.fee));
    let group_fee = min_fee * (building as u64 + 1);
    let fee = group_fee.saturating_sub(paid).saturating_sub(vm.shared.fee_credit);
    let current = vm.level.txn();
    let txn = Txn {
        sender: Address::for_app(vm.app),
        fee,
        first_valid: current.first_valid,
        last_valid: current.last_valid,
        ..Txn::default()
    };
    vm.out.building.push(txn);
    Ok(())
}

fn assign_account(vm: &Vm<'_, '_>, value: &Value) -> OpResult<Address> {
    let addr = Address(value.address()?);
    if !vm.account_available(&addr) {
        return fault(FaultKind::Unavailable, format!("unavailable Account {addr}"));
    }
    Ok(addr)
}

fn assign_asset(vm: &Vm<'_, '_>, value: &Value) -> OpResult<AssetId> {
    let asset = AssetId(value.uint()?);
    if !vm.asset_available(asset) {
        return fault(FaultKind::Unavailable, format!("unavailable Asset {}", asset.0));
    }
    Ok(asset)
}

fn assign_app(vm: &Vm<'_, '_>, value: &Value) -> OpResult<AppId> {
    let app = AppId(value.uint()?);
    if !vm.app_available(app) {
        return fault(FaultKind::Unavailable, format!("unavailable App {}", app.0));
    }
    Ok(app)
}

fn bounded(value: &Value, max: u64) -> OpResult<u64> {
    let n = value.uint()?;
    if n > max {
        return fault(FaultKind::Inner, format!("{n} is larger than max={max}"));
    }
    Ok(n)
}

fn limited_bytes(value: &Value, max: usize, name: &str) -> OpResult<Vec<u8>> {
    let bytes = value.bytes()?;
    if bytes.len() > max {
        return fault(FaultKind::Inner, format!("{name} may not exceed {max} bytes"));
    }
    Ok(bytes.to_vec())
}

fn fixed<const N: usize>(value: &Value, name: &str) -> OpResult<[u8; N]> {
    match <[u8; N]>::try_from(value.bytes()?) {
        Ok(b) => Ok(b),
        Err(_) => fault(FaultKind::Inner, format!("{name} must be {N} bytes")),
    }
}

/// The version from which each field may be set by `itxn_field` (0: never).
const SETTABLE_FROM: [u8; 69] = [
    5, 5, 0, 0, 0, 6, 0, 5, 5, 5, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 0, 0, 6, 6, 6, 0, 6, 0, 6, 6,
    6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 0, 6, 0, 6, 6, 6, 6, 6, 6, 0, 0, 0, 0, 0, 6,
    7, 0, 7, 0, 12,
];

/// Largest program an inner app create may carry: 2,048 bytes times (1 + 3 extra pages).
const MAX_PROGRAM: usize = 8_192;

fn set_field(vm: &mut Vm<'_, '_>, field: u8, value: Value) -> OpResult {
    if vm.out.building.is_empty() {
        return fault(FaultKind::Inner, "itxn_field without itxn_begin");
    }
    let settable = SETTABLE_FROM.get(usize::from(field)).copied().unwrap_or(0);
    if settable == 0 || u64::from(settable) > vm.version {
        return fault(FaultKind::Inner, format!("invalid itxn_field {field}"));
    }
    let resolved = resolve(vm, field, &value)?;
    let txn = vm.out.building.last_mut().expect("checked non-empty above");
    apply_field(txn, field, value, resolved)
}

/// Account/asset/app references resolved against availability before the txn is borrowed.
enum Resolved {
    None,
    Account(Address),
    Asset(AssetId),
    App(AppId),
}

fn resolve(vm: &Vm<'_, '_>, field: u8, value: &Value) -> OpResult<Resolved> {
    Ok(match field {
        0 | 7 | 9 | 19 | 20 | 21 | 28 | 46 => Resolved::Account(assign_account(vm, value)?),
        17 | 33 | 45 | 48 => Resolved::Asset(assign_asset(vm, value)?),
        24 | 50 => Resolved::App(assign_app(vm, value)?),
        15 | 16 => {
            let kind = match value {
                Value::Bytes(b) => TxnType::from_name(b),
                Value::Uint(n) => TxnType::from_number(*n),
            };
            let allowed = kind.is_some_and(|k| {
                vm.version >= if matches!(k, TxnType::KeyReg | TxnType::AppCall) { 6 } else { 5 }
            });
            if !allowed {
                let shown = match value {
                    Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                    Value::Uint(n) => n.to_string(),
                };
                return fault(
                    FaultKind::Inner,
                    format!("{shown} is not a valid Type for itxn_field"),
                );
            }
            Resolved::None
        }
        _ => Resolved::None,
    })
}

fn apply_field(txn: &mut Txn, field: u8, value: Value, resolved: Resolved) -> OpResult {
    let account = || match resolved {
        Resolved::Account(a) => a,
        _ => Address::ZERO,
    };
    match (field, &resolved) {
        (17, Resolved::Asset(a)) => txn.xfer_asset = *a,
        (33, Resolved::Asset(a)) => txn.config_asset = *a,
        (45, Resolved::Asset(a)) => txn.freeze_asset = *a,
        (48, Resolved::Asset(a)) => {
            push_limited(&mut txn.foreign_assets, *a, 8, "too many foreign assets")?
        }
        (24, Resolved::App(a)) => txn.app_id = *a,
        (50, Resolved::App(a)) => {
            push_limited(&mut txn.foreign_apps, *a, 8, "too many foreign apps")?
        }
        _ => {}
    }
    match field {
        0 => txn.sender = account(),
        1 => txn.fee = value.uint()?,
        5 => txn.note = limited_bytes(&value, 1_024, "Note")?,
        7 => txn.receiver = account(),
        8 => txn.amount = value.uint()?,
        9 => txn.close_remainder_to = account(),
        10 => txn.vote_pk = fixed::<32>(&value, "VotePK")?,
        11 => txn.selection_pk = fixed::<32>(&value, "SelectionPK")?,
        12 => txn.vote_first = value.uint()?,
        13 => txn.vote_last = value.uint()?,
        14 => txn.vote_key_dilution = value.uint()?,
        15 => txn.kind = TxnType::from_name(value.bytes()?).unwrap_or_default(),
        16 => txn.kind = TxnType::from_number(value.uint()?).unwrap_or_default(),
        18 => txn.asset_amount = value.uint()?,
        19 => txn.asset_sender = account(),
        20 => txn.asset_receiver = account(),
        21 => txn.asset_close_to = account(),
        25 => {
            let code = bounded(&value, 5)?;
            txn.on_completion = OnCompletion::from_number(code).unwrap_or_default();
        }
        26 => push_arg(txn, value.bytes()?)?,
        28 => push_limited(&mut txn.accounts, account(), 4, "too many foreign accounts")?,
        30 => txn.approval_program = limited_bytes(&value, MAX_PROGRAM, "ApprovalProgram")?,
        31 => txn.clear_program = limited_bytes(&value, MAX_PROGRAM, "ClearStateProgram")?,
        32 => txn.rekey_to = Address(value.address()?),
        34 => txn.asset_params.total = value.uint()?,
        35 => txn.asset_params.decimals = bounded(&value, 19)?,
        36 => txn.asset_params.default_frozen = value.boolean()?,
        37 => txn.asset_params.unit_name = limited_bytes(&value, 8, "value")?,
        38 => txn.asset_params.name = limited_bytes(&value, 32, "value")?,
        39 => txn.asset_params.url = limited_bytes(&value, 96, "value")?,
        40 => txn.asset_params.metadata_hash = fixed::<32>(&value, "ConfigAssetMetadataHash")?,
        41 => txn.asset_params.manager = Address(value.address()?),
        42 => txn.asset_params.reserve = Address(value.address()?),
        43 => txn.asset_params.freeze = Address(value.address()?),
        44 => txn.asset_params.clawback = Address(value.address()?),
        46 => txn.freeze_account = account(),
        47 => txn.asset_frozen = value.boolean()?,
        52 => txn.global_schema.num_uint = bounded(&value, 64)?,
        53 => txn.global_schema.num_byte_slice = bounded(&value, 64)?,
        54 => txn.local_schema.num_uint = bounded(&value, 16)?,
        55 => txn.local_schema.num_byte_slice = bounded(&value, 16)?,
        56 => txn.extra_pages = bounded(&value, 3)?,
        57 => txn.nonparticipation = value.boolean()?,
        63 => txn.state_proof_pk = fixed::<64>(&value, "StateProofPK")?.to_vec(),
        64 => append_page(&mut txn.approval_program, value.bytes()?, "ApprovalProgramPages")?,
        66 => append_page(&mut txn.clear_program, value.bytes()?, "ClearStateProgramPages")?,
        68 => txn.reject_version = value.uint()?,
        _ => {}
    }
    Ok(())
}

fn push_limited<T>(list: &mut Vec<T>, item: T, max: usize, message: &str) -> OpResult {
    if list.len() >= max {
        return fault(FaultKind::Inner, message);
    }
    list.push(item);
    Ok(())
}

fn push_arg(txn: &mut Txn, arg: &[u8]) -> OpResult {
    let total: usize = arg.len() + txn.app_args.iter().map(Vec::len).sum::<usize>();
    if total > 2_048 {
        return fault(FaultKind::Inner, "total application args length too long");
    }
    push_limited(&mut txn.app_args, arg.to_vec(), 16, "too many application args")
}

fn append_page(program: &mut Vec<u8>, page: &[u8], name: &str) -> OpResult {
    program.extend_from_slice(page);
    if program.len() > MAX_PROGRAM {
        return fault(FaultKind::Inner, format!("{name} may not exceed {MAX_PROGRAM} bytes"));
    }
    Ok(())
}

fn submit(vm: &mut Vm<'_, '_>) -> OpResult {
    let count = vm.out.building.len();
    if count > vm.shared.inners_left || count > MAX_GROUP_SIZE {
        return too_many(count, vm.shared.inners_left);
    }
    if count == 0 {
        return fault(FaultKind::Inner, "itxn_submit without itxn_begin");
    }
    charge_fees(vm)?;
    for txn in &vm.out.building {
        check_app_call(vm, txn)?;
    }
    vm.shared.inners_left -= count;
    let group = std::mem::take(&mut vm.out.building);
    let start = vm.out.inner.len();
    let mut effects: Vec<TxnEffects> = Vec::with_capacity(count);
    for index in 0..group.len() {
        let outcome = perform(vm, &group, &effects, index)
            .map_err(|f| Fault::new(f.kind, format!("inner tx {index} failed: {}", f.message)))?;
        effects.push(effects_of(&outcome));
        vm.out.inner.push(outcome);
    }
    vm.out.last_group_start = start;
    Ok(())
}

fn charge_fees(vm: &mut Vm<'_, '_>) -> OpResult {
    let paid = vm.out.building.iter().fold(0u64, |sum, t| sum.saturating_add(t.fee));
    let needed = vm.shared.params.min_txn_fee * vm.out.building.len() as u64;
    if paid < needed {
        let shortfall = needed - paid;
        if vm.shared.fee_credit < shortfall {
            let more = shortfall - vm.shared.fee_credit;
            return fault(
                FaultKind::Inner,
                format!("group fee {paid} too small (needs {more} more)"),
            );
        }
        vm.shared.fee_credit -= shortfall;
    } else {
        vm.shared.fee_credit = vm.shared.fee_credit.saturating_add(paid - needed);
    }
    Ok(())
}

fn check_app_call(vm: &Vm<'_, '_>, txn: &Txn) -> OpResult {
    if txn.kind != TxnType::AppCall {
        return Ok(());
    }
    if txn.app_id == vm.app {
        return fault(FaultKind::Inner, "attempt to self-call");
    }
    if vm.level.callers.contains(&txn.app_id) {
        return fault(FaultKind::Inner, format!("attempt to re-enter {}", txn.app_id.0));
    }
    let depth = vm.level.callers.len();
    if depth >= MAX_APP_CALL_DEPTH {
        return fault(FaultKind::Inner, format!("appl depth ({depth}) exceeded"));
    }
    let program = match txn.app_id.0 {
        0 => txn.approval_program.clone(),
        _ => match vm.shared.ledger_ref()?.app_params(txn.app_id) {
            Some(p) if txn.on_completion == OnCompletion::ClearState => p.clear_program,
            Some(p) => p.approval_program,
            None => return fault(FaultKind::Inner, format!("app {} does not exist", txn.app_id.0)),
        },
    };
    let version = crate::eval::program::program_version(&program)?.0;
    if version < MIN_INNER_APPL_VERSION {
        let message = format!("inner app call with version v{version} < v{MIN_INNER_APPL_VERSION}");
        return fault(FaultKind::Inner, message);
    }
    Ok(())
}

fn authorize(vm: &Vm<'_, '_>, sender: &Address) -> OpResult {
    let auth = vm.shared.ledger_ref()?.account(sender).auth_addr;
    let authorizer = if auth == Address::ZERO { *sender } else { auth };
    let app_addr = Address::for_app(vm.app);
    if authorizer != app_addr {
        let message = format!("app {} (addr {app_addr}) unauthorized {authorizer}", vm.app.0);
        return fault(FaultKind::Inner, message);
    }
    Ok(())
}

/// Applies inner transaction `index` of `group`: through the ledger hook, or by running the
/// called app's program for app calls.
fn perform(
    vm: &mut Vm<'_, '_>,
    group: &[Txn],
    effects: &[TxnEffects],
    index: usize,
) -> OpResult<InnerOutcome> {
    let txn = &group[index];
    authorize(vm, &txn.sender)?;
    vm.shared.available.add_txn(txn);
    if txn.kind != TxnType::AppCall {
        let created = vm.shared.ledger()?.apply(txn)?;
        if let Some(asset) = created.asset {
            vm.shared.available.created_assets.insert(asset);
        }
        return Ok(InnerOutcome { txn: txn.clone(), created, app_call: None });
    }
    vm.shared.budget += vm.shared.params.app_budget;
    let mut callers = vm.level.callers.clone();
    callers.push(vm.app);
    let level = Level { txns: group, effects, index, callers, args: &[] };
    match run_app_call(vm.shared, &level) {
        Ok((outcome, txn_effects)) => Ok(InnerOutcome {
            txn: txn.clone(),
            created: txn_effects.created,
            app_call: Some(outcome),
        }),
        Err(CallError::Panic { app, pc, fault }) => Err(Fault::new(
            fault.kind,
            format!("logic eval error: {fault}. Details: app={}, pc={pc}", app.0),
        )),
        Err(CallError::Rejected { .. }) => {
            Err(Fault::new(FaultKind::Assert, "transaction rejected by ApprovalProgram"))
        }
        Err(CallError::Apply(fault)) => Err(fault),
    }
}

fn effects_of(outcome: &InnerOutcome) -> TxnEffects {
    TxnEffects {
        logs: outcome.app_call.as_ref().map(|a| a.logs.clone()).unwrap_or_default(),
        created: outcome.created,
        scratch: None,
    }
}

/// Reads a field of the last inner transaction (`group_index` None) or of the last inner group.
fn read(vm: &mut Vm<'_, '_>, group_index: Option<u8>, field: u8, index: Option<u64>) -> OpResult {
    check_field(field, vm.version, index.is_some())?;
    let group = match group_index {
        None => &vm.out.inner[vm.out.inner.len().saturating_sub(1)..],
        Some(_) => &vm.out.inner[vm.out.last_group_start..],
    };
    let position = usize::from(group_index.unwrap_or(0));
    let Some(outcome) = group.get(position) else {
        return fault(
            FaultKind::Bounds,
            format!("txn index {position}, len(group) is {}", group.len()),
        );
    };
    let effects = effects_of(outcome);
    let src = FieldSource { txn: &outcome.txn, group_index: position, effects: Some(&effects) };
    let value = txn_field(&src, field, index.unwrap_or(0))?;
    vm.push(value);
    Ok(())
}
