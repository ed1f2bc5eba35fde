//! Transaction and global fields: `txn`, `gtxn*`, `txna`-style arrays, `global`, and reads of
//! earlier group members' scratch space and created ids.

use tipforge_algo::{Address, AppId};

use super::stack::scratch_slot;
use crate::eval::context::TxnEffects;
use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::Vm;
use crate::eval::txn::{Txn, TxnType};
use crate::eval::value::Value;

/// Field names by index, for error messages.
const FIELD_NAMES: [&str; 69] = [
    "Sender",
    "Fee",
    "FirstValid",
    "FirstValidTime",
    "LastValid",
    "Note",
    "Lease",
    "Receiver",
    "Amount",
    "CloseRemainderTo",
    "VotePK",
    "SelectionPK",
    "VoteFirst",
    "VoteLast",
    "VoteKeyDilution",
    "Type",
    "TypeEnum",
    "XferAsset",
    "AssetAmount",
    "AssetSender",
    "AssetReceiver",
    "AssetCloseTo",
    "GroupIndex",
    "TxID",
    "ApplicationID",
    "OnCompletion",
    "ApplicationArgs",
    "NumAppArgs",
    "Accounts",
    "NumAccounts",
    "ApprovalProgram",
    "ClearStateProgram",
    "RekeyTo",
    "ConfigAsset",
    "ConfigAssetTotal",
    "ConfigAssetDecimals",
    "ConfigAssetDefaultFrozen",
    "ConfigAssetUnitName",
    "ConfigAssetName",
    "ConfigAssetURL",
    "ConfigAssetMetadataHash",
    "ConfigAssetManager",
    "ConfigAssetReserve",
    "ConfigAssetFreeze",
    "ConfigAssetClawback",
    "FreezeAsset",
    "FreezeAssetAccount",
    "FreezeAssetFrozen",
    "Assets",
    "NumAssets",
    "Applications",
    "NumApplications",
    "GlobalNumUint",
    "GlobalNumByteSlice",
    "LocalNumUint",
    "LocalNumByteSlice",
    "ExtraProgramPages",
    "Nonparticipation",
    "Logs",
    "NumLogs",
    "CreatedAssetID",
    "CreatedApplicationID",
    "LastLog",
    "StateProofPK",
    "ApprovalProgramPages",
    "NumApprovalProgramPages",
    "ClearStateProgramPages",
    "NumClearStateProgramPages",
    "RejectVersion",
];

/// The program version each field appeared in.
const FIELD_VERSIONS: [u8; 69] = [
    0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5, 6, 6,
    7, 7, 7, 7, 12,
];

const ARRAY_FIELDS: [u8; 7] = [26, 28, 48, 50, 58, 64, 66];
const EFFECT_FIELDS: [u8; 5] = [58, 59, 60, 61, 62];
/// Programs are exposed in pages of this size by the `*ProgramPages` fields.
const PAGE_SIZE: usize = 4_096;

/// Where a field read comes from: the transaction, its position and what it did.
pub(crate) struct FieldSource<'t> {
    pub(crate) txn: &'t Txn,
    pub(crate) group_index: usize,
    pub(crate) effects: Option<&'t TxnEffects>,
}

/// Checks that `field` exists in `version` and is scalar (`index` None) or array.
pub(crate) fn check_field(field: u8, version: u64, array: bool) -> OpResult {
    let name = FIELD_NAMES.get(usize::from(field)).copied().unwrap_or("?");
    let known = FIELD_VERSIONS.get(usize::from(field)).is_some_and(|&v| u64::from(v) <= version);
    if !known || ARRAY_FIELDS.contains(&field) != array {
        return fault(FaultKind::Program, format!("invalid txn field {name}"));
    }
    Ok(())
}

/// Whether `field` reports what a transaction did rather than what it said.
pub(crate) fn is_effect(field: u8) -> bool {
    EFFECT_FIELDS.contains(&field)
}

/// The value of transaction field `field` (element `index` for array fields).
pub(crate) fn txn_field(src: &FieldSource<'_>, field: u8, index: u64) -> OpResult<Value> {
    let t = src.txn;
    let addr = |a: &Address| Value::Bytes(a.0.to_vec());
    let uint = Value::Uint;
    let bytes = |b: &[u8]| Value::Bytes(b.to_vec());
    Ok(match field {
        0 => addr(&t.sender),
        1 => uint(t.fee),
        2 => uint(t.first_valid),
        3 => return fault(FaultKind::Unsupported, "FirstValidTime needs block headers"),
        4 => uint(t.last_valid),
        5 => bytes(&t.note),
        6 => bytes(&t.lease),
        7 => addr(&t.receiver),
        8 => uint(t.amount),
        9 => addr(&t.close_remainder_to),
        10 => bytes(&t.vote_pk),
        11 => bytes(&t.selection_pk),
        12 => uint(t.vote_first),
        13 => uint(t.vote_last),
        14 => uint(t.vote_key_dilution),
        15 => bytes(t.kind.name().as_bytes()),
        16 => uint(t.kind.number()),
        17 => uint(t.xfer_asset.0),
        18 => uint(t.asset_amount),
        19 => addr(&t.asset_sender),
        20 => addr(&t.asset_receiver),
        21 => addr(&t.asset_close_to),
        22 => uint(src.group_index as u64),
        23 => bytes(&t.id),
        24 => uint(t.app_id.0),
        25 => uint(t.on_completion.number()),
        27 => uint(t.app_args.len() as u64),
        29 => uint(t.accounts.len() as u64),
        30 => bytes(&t.approval_program),
        31 => bytes(&t.clear_program),
        32 => addr(&t.rekey_to),
        33 => uint(t.config_asset.0),
        34 => uint(t.asset_params.total),
        35 => uint(t.asset_params.decimals),
        36 => Value::from_bool(t.asset_params.default_frozen),
        37 => bytes(&t.asset_params.unit_name),
        38 => bytes(&t.asset_params.name),
        39 => bytes(&t.asset_params.url),
        40 => bytes(&t.asset_params.metadata_hash),
        41 => addr(&t.asset_params.manager),
        42 => addr(&t.asset_params.reserve),
        43 => addr(&t.asset_params.freeze),
        44 => addr(&t.asset_params.clawback),
        45 => uint(t.freeze_asset.0),
        46 => addr(&t.freeze_account),
        47 => Value::from_bool(t.asset_frozen),
        49 => uint(t.foreign_assets.len() as u64),
        51 => uint(t.foreign_apps.len() as u64),
        52 => uint(t.global_schema.num_uint),
        53 => uint(t.global_schema.num_byte_slice),
        54 => uint(t.local_schema.num_uint),
        55 => uint(t.local_schema.num_byte_slice),
        56 => uint(t.extra_pages),
        57 => Value::from_bool(t.nonparticipation),
        59 => uint(src.effects.map_or(0, |e| e.logs.len() as u64)),
        60 => uint(src.effects.and_then(|e| e.created.asset).map_or(0, |a| a.0)),
        61 => uint(src.effects.and_then(|e| e.created.app).map_or(0, |a| a.0)),
        62 => bytes(src.effects.and_then(|e| e.logs.last()).map_or(&[][..], |l| l)),
        63 => bytes(&t.state_proof_pk),
        65 => uint(t.approval_program.len().div_ceil(PAGE_SIZE) as u64),
        67 => uint(t.clear_program.len().div_ceil(PAGE_SIZE) as u64),
        68 => uint(t.reject_version),
        _ => return array_field(src, field, index),
    })
}

fn array_field(src: &FieldSource<'_>, field: u8, index: u64) -> OpResult<Value> {
    let t = src.txn;
    let i = usize::try_from(index).unwrap_or(usize::MAX);
    let found = match field {
        26 => t.app_args.get(i).map(|a| Value::Bytes(a.clone())),
        28 if i == 0 => Some(Value::Bytes(t.sender.0.to_vec())),
        28 => t.accounts.get(i - 1).map(|a| Value::Bytes(a.0.to_vec())),
        48 => t.foreign_assets.get(i).map(|a| Value::Uint(a.0)),
        50 if i == 0 => Some(Value::Uint(t.app_id.0)),
        50 => t.foreign_apps.get(i - 1).map(|a| Value::Uint(a.0)),
        58 => src.effects.and_then(|e| e.logs.get(i)).map(|l| Value::Bytes(l.clone())),
        64 => page(&t.approval_program, i),
        66 => page(&t.clear_program, i),
        _ => return fault(FaultKind::Program, format!("invalid txn field {field}")),
    };
    match found {
        Some(value) => Ok(value),
        None => {
            let name = FIELD_NAMES[usize::from(field)];
            fault(FaultKind::Bounds, format!("invalid {name} index {index}"))
        }
    }
}

fn page(program: &[u8], i: usize) -> Option<Value> {
    program.chunks(PAGE_SIZE).nth(i).map(|p| Value::Bytes(p.to_vec()))
}

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x31 => push_field(vm, None, vm.imm(1), None),
        0x32 => {
            let value = global(vm, vm.imm(1))?;
            vm.push(value);
            Ok(())
        }
        0x33 => push_field(vm, Some(u64::from(vm.imm(1))), vm.imm(2), None),
        0x36 => push_field(vm, None, vm.imm(1), Some(u64::from(vm.imm(2)))),
        0x37 => {
            let index = Some(u64::from(vm.imm(3)));
            push_field(vm, Some(u64::from(vm.imm(1))), vm.imm(2), index)
        }
        0x38 => {
            let group_index = vm.pop_uint()?;
            push_field(vm, Some(group_index), vm.imm(1), None)
        }
        0x39 => {
            let group_index = vm.pop_uint()?;
            push_field(vm, Some(group_index), vm.imm(1), Some(u64::from(vm.imm(2))))
        }
        0xc0 => {
            let index = vm.pop_uint()?;
            push_field(vm, None, vm.imm(1), Some(index))
        }
        0xc1 => {
            let index = vm.pop_uint()?;
            push_field(vm, Some(u64::from(vm.imm(1))), vm.imm(2), Some(index))
        }
        0xc2 => {
            let index = vm.pop_uint()?;
            let group_index = vm.pop_uint()?;
            push_field(vm, Some(group_index), vm.imm(1), Some(index))
        }
        0x3a => gload(vm, u64::from(vm.imm(1)), u64::from(vm.imm(2)), "gload"),
        0x3b => {
            let group_index = vm.pop_uint()?;
            gload(vm, group_index, u64::from(vm.imm(1)), "gloads")
        }
        0xc4 => {
            let slot = vm.pop_uint()?;
            let group_index = vm.pop_uint()?;
            gload(vm, group_index, slot, "gloadss")
        }
        0x3c => gaid(vm, u64::from(vm.imm(1)), "gaid"),
        0x3d => {
            let group_index = vm.pop_uint()?;
            gaid(vm, group_index, "gaids")
        }
        _ => fault(FaultKind::Unsupported, "unsupported opcode block: no block header access"),
    }
}

/// Pushes `field` of the group member `group_index` (the current one when `None`).
fn push_field(
    vm: &mut Vm<'_, '_>,
    group_index: Option<u64>,
    field: u8,
    index: Option<u64>,
) -> OpResult {
    check_field(field, vm.version, index.is_some())?;
    let level = vm.level;
    let current = level.index;
    let target = match group_index {
        None => current,
        Some(g) => match usize::try_from(g).ok().filter(|&g| g < level.txns.len()) {
            Some(g) => g,
            None => {
                let message = format!("txn index {g}, len(group) is {}", level.txns.len());
                return fault(FaultKind::Bounds, message);
            }
        },
    };
    if is_effect(field) && target >= current {
        let message = format!("txn effects can only be read from past txns {target} {current}");
        return fault(FaultKind::Bounds, message);
    }
    let src = FieldSource {
        txn: &level.txns[target],
        group_index: target,
        effects: level.effects.get(target),
    };
    let value = txn_field(&src, field, index.unwrap_or(0))?;
    vm.push(value);
    Ok(())
}

fn global(vm: &Vm<'_, '_>, field: u8) -> OpResult<Value> {
    const VERSIONS: [u64; 18] = [0, 0, 0, 0, 0, 2, 2, 2, 2, 3, 5, 5, 6, 6, 6, 10, 10, 10];
    const APP_ONLY: [u8; 7] = [6, 7, 8, 9, 10, 13, 14];
    if VERSIONS.get(usize::from(field)).is_none_or(|&v| v > vm.version) {
        return fault(FaultKind::Program, format!("invalid global field {field}"));
    }
    if APP_ONLY.contains(&field) && !vm.app_mode {
        return fault(FaultKind::Program, format!("global[{field}] not allowed in current mode"));
    }
    let p = &vm.shared.params;
    let caller = vm.level.callers.last().copied();
    Ok(match field {
        0 => Value::Uint(p.min_txn_fee),
        1 => Value::Uint(p.min_balance),
        2 => Value::Uint(p.max_txn_life),
        3 => Value::Bytes(vec![0; 32]),
        4 => Value::Uint(vm.level.txns.len() as u64),
        5 => Value::Uint(p.logic_sig_version),
        6 => Value::Uint(vm.shared.ledger_ref()?.round().0),
        7 => Value::Uint(vm.shared.ledger_ref()?.latest_timestamp()),
        8 => Value::Uint(vm.app.0),
        9 => {
            let params = vm.shared.ledger_ref()?.app_params(vm.app);
            match params {
                Some(params) => Value::Bytes(params.creator.0.to_vec()),
                None => return fault(FaultKind::State, "No params for current app"),
            }
        }
        10 => Value::Bytes(Address::for_app(vm.app).0.to_vec()),
        11 => Value::Bytes(vm.level.txn().group.to_vec()),
        12 => Value::Uint(vm.remaining_budget()),
        13 => Value::Uint(caller.map_or(0, |a| a.0)),
        14 => Value::Bytes(caller.map_or([0; 32], |a: AppId| Address::for_app(a).0).to_vec()),
        15 | 16 => Value::Uint(p.asset_min_balance),
        _ => Value::Bytes(vm.shared.ledger_ref()?.genesis_hash().to_vec()),
    })
}

fn earlier_app_call(vm: &Vm<'_, '_>, group_index: u64, op: &str) -> OpResult<usize> {
    let len = vm.level.txns.len();
    let Some(g) = usize::try_from(group_index).ok().filter(|&g| g < len) else {
        return fault(
            FaultKind::Bounds,
            format!("{op} lookup TxnGroup[{group_index}] but it only has {len}"),
        );
    };
    if g == vm.level.index {
        return fault(FaultKind::Bounds, format!("can't use {op} on self, use load instead"));
    }
    if g > vm.level.index {
        let message = format!("{op} can't get future scratch space from txn with index {g}");
        return fault(FaultKind::Bounds, message);
    }
    if vm.level.txns[g].kind != TxnType::AppCall {
        return fault(
            FaultKind::Bounds,
            format!("can't use {op} on non-app call txn with index {g}"),
        );
    }
    Ok(g)
}

fn gload(vm: &mut Vm<'_, '_>, group_index: u64, slot: u64, op: &str) -> OpResult {
    let slot = scratch_slot(slot)?;
    let g = earlier_app_call(vm, group_index, op)?;
    let Some(scratch) = vm.level.effects.get(g).and_then(|e| e.scratch.as_ref()) else {
        return fault(
            FaultKind::Bounds,
            format!("{op} lookup of txn {g} that did not run a program"),
        );
    };
    let value = scratch[slot].clone();
    vm.push(value);
    Ok(())
}

fn gaid(vm: &mut Vm<'_, '_>, group_index: u64, op: &str) -> OpResult {
    let len = vm.level.txns.len();
    let Some(g) = usize::try_from(group_index).ok().filter(|&g| g < len) else {
        return fault(
            FaultKind::Bounds,
            format!("{op} lookup TxnGroup[{group_index}] but it only has {len}"),
        );
    };
    if g >= vm.level.index {
        let message = format!(
            "{op} can't get creatable ID of txn ahead of the current one (index {g}) in the transaction group"
        );
        return fault(FaultKind::Bounds, message);
    }
    let created = vm.level.effects.get(g).map(|e| e.created).unwrap_or_default();
    match (created.asset.map(|a| a.0), created.app.map(|a| a.0)) {
        (Some(id), _) | (None, Some(id)) => {
            vm.push_uint(id);
            Ok(())
        }
        _ => fault(FaultKind::Bounds, format!("{op}: index {g} did not create anything")),
    }
}
