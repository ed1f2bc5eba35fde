//! Boxes of the current app: create, read, write, splice, resize, delete, with the group's
//! box-reference availability and I/O budget.

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::Vm;
use crate::eval::txn::OnCompletion;

use super::bytes::extract;

/// Longest box name.
const MAX_NAME_LEN: usize = 64;
/// Largest box.
const MAX_BOX_SIZE: u64 = 32_768;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Create(u64),
    Write,
    Resize(u64),
    Delete,
}

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0xb9 => create(vm),
        0xba => {
            let len = vm.pop_uint()?;
            let start = vm.pop_uint()?;
            let name = vm.pop_bytes()?;
            check_name(&name, start.saturating_add(len))?;
            let content = existing(vm, &name, Access::Read)?;
            let piece = extract(&content, start, len)?.to_vec();
            vm.push_bytes(piece);
            Ok(())
        }
        0xbb => {
            let replacement = vm.pop_bytes()?;
            let start = vm.pop_uint()?;
            let name = vm.pop_bytes()?;
            replace(vm, name, start, replacement)
        }
        0xbc => {
            let name = vm.pop_bytes()?;
            check_name(&name, 0)?;
            let content = access(vm, &name, Access::Delete)?;
            if content.is_some() {
                store(vm, &name, None)?;
            }
            vm.push_bool(content.is_some());
            Ok(())
        }
        0xbd => {
            let name = vm.pop_bytes()?;
            check_name(&name, 0)?;
            let content = access(vm, &name, Access::Read)?;
            vm.push_uint(content.as_ref().map_or(0, |c| c.len() as u64));
            vm.push_bool(content.is_some());
            Ok(())
        }
        0xbe => {
            let name = vm.pop_bytes()?;
            check_name(&name, 0)?;
            let content = access(vm, &name, Access::Read)?;
            let exists = content.is_some();
            vm.push_bytes(content.unwrap_or_default());
            vm.push_bool(exists);
            Ok(())
        }
        0xbf => put(vm),
        0xd2 => {
            let replacement = vm.pop_bytes()?;
            let delete = vm.pop_uint()?;
            let start = vm.pop_uint()?;
            let name = vm.pop_bytes()?;
            splice(vm, name, start, delete, replacement)
        }
        _ => resize(vm),
    }
}

fn check_name(name: &[u8], size: u64) -> OpResult {
    if name.is_empty() {
        return fault(FaultKind::Limit, "box names may not be zero length");
    }
    if name.len() > MAX_NAME_LEN {
        let message =
            format!("name too long: length was {}, maximum is {MAX_NAME_LEN}", name.len());
        return fault(FaultKind::Limit, message);
    }
    if size > MAX_BOX_SIZE {
        return fault(
            FaultKind::Limit,
            format!("box size too large: {size}, maximum is {MAX_BOX_SIZE}"),
        );
    }
    Ok(())
}

fn hex(name: &[u8]) -> String {
    let digits: String = name.iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{digits}")
}

/// Checks availability and the write budget, returning the box's current contents.
fn access(vm: &mut Vm<'_, '_>, name: &[u8], op: Access) -> OpResult<Option<Vec<u8>>> {
    if vm.level.txn().on_completion == OnCompletion::ClearState {
        return fault(FaultKind::State, "boxes may not be accessed from ClearState program");
    }
    let id = (vm.app, name.to_vec());
    let created_here = vm.shared.available.created_apps.contains(&vm.app);
    if !vm.shared.available.boxes.contains(&id) && !created_here {
        return fault(FaultKind::Unavailable, format!("invalid Box reference {}", hex(name)));
    }
    let content = vm.shared.ledger_ref()?.box_get(vm.app, name);
    let current = content.as_ref().map_or(0, |c| c.len() as u64);
    let dirty = vm.shared.dirty_boxes.contains(&id);
    let shared = &mut *vm.shared;
    let verb = match op {
        Access::Read => return Ok(content),
        Access::Create(size) => {
            if content.is_some() {
                if size != current {
                    return fault(FaultKind::State, format!("box size mismatch {current} {size}"));
                }
                return Ok(content);
            }
            if !dirty {
                shared.dirty_bytes += size;
            }
            shared.dirty_boxes.insert(id);
            "creating"
        }
        Access::Write => {
            if !dirty {
                shared.dirty_bytes += current;
            }
            shared.dirty_boxes.insert(id);
            "writing"
        }
        Access::Resize(size) => {
            if dirty {
                shared.dirty_bytes -= current.min(shared.dirty_bytes);
            }
            shared.dirty_bytes += size;
            shared.dirty_boxes.insert(id);
            "resizing"
        }
        Access::Delete => {
            if dirty {
                shared.dirty_bytes -= current.min(shared.dirty_bytes);
            }
            shared.dirty_boxes.remove(&id);
            "deleting"
        }
    };
    if shared.dirty_bytes > shared.box_quota {
        let message = format!(
            "write budget exceeded ({} > {}) while {verb} box {}",
            shared.dirty_bytes,
            shared.box_quota,
            hex(name)
        );
        return fault(FaultKind::Limit, message);
    }
    Ok(content)
}

fn existing(vm: &mut Vm<'_, '_>, name: &[u8], op: Access) -> OpResult<Vec<u8>> {
    match access(vm, name, op)? {
        Some(content) => Ok(content),
        None => fault(FaultKind::State, format!("no such box {}", hex(name))),
    }
}

fn store(vm: &mut Vm<'_, '_>, name: &[u8], value: Option<Vec<u8>>) -> OpResult {
    let app = vm.app;
    let ledger = vm.shared.ledger()?;
    vm.out.note_box(name, || ledger.box_get(app, name));
    match value {
        Some(value) => ledger.box_put(app, name, value),
        None => {
            ledger.box_del(app, name);
        }
    }
    Ok(())
}

fn create(vm: &mut Vm<'_, '_>) -> OpResult {
    let size = vm.pop_uint()?;
    let name = vm.pop_bytes()?;
    check_name(&name, size)?;
    let content = access(vm, &name, Access::Create(size))?;
    if content.is_none() {
        store(vm, &name, Some(vec![0; size as usize]))?;
    }
    vm.push_bool(content.is_none());
    Ok(())
}

fn put(vm: &mut Vm<'_, '_>) -> OpResult {
    let value = vm.pop_bytes()?;
    let name = vm.pop_bytes()?;
    check_name(&name, value.len() as u64)?;
    let content = access(vm, &name, Access::Read)?;
    match content {
        Some(content) => {
            if content.len() != value.len() {
                let message =
                    format!("attempt to box_put wrong size {} != {}", content.len(), value.len());
                return fault(FaultKind::State, message);
            }
            access(vm, &name, Access::Write)?;
        }
        None => {
            access(vm, &name, Access::Create(value.len() as u64))?;
        }
    }
    store(vm, &name, Some(value))
}

fn splice(
    vm: &mut Vm<'_, '_>,
    name: Vec<u8>,
    start: u64,
    delete: u64,
    insert: Vec<u8>,
) -> OpResult {
    check_name(&name, 0)?;
    let original = existing(vm, &name, Access::Write)?;
    let total = original.len() as u64;
    if start > total {
        return fault(
            FaultKind::Bounds,
            format!("replacement start {start} beyond length: {total}"),
        );
    }
    let Some(end) = start.checked_add(delete) else {
        return fault(FaultKind::Bounds, "splice end exceeds uint64");
    };
    if end > total {
        return fault(
            FaultKind::Bounds,
            format!("splice end {end} beyond original length: {total}"),
        );
    }
    let (start, end) = (start as usize, end as usize);
    if start + insert.len() > original.len() {
        return fault(FaultKind::Bounds, "splice inserted bytes too long");
    }
    let mut spliced = original[..start].to_vec();
    spliced.extend_from_slice(&insert);
    spliced.extend_from_slice(&original[end..]);
    spliced.resize(original.len(), 0);
    store(vm, &name, Some(spliced))
}

fn replace(vm: &mut Vm<'_, '_>, name: Vec<u8>, start: u64, replacement: Vec<u8>) -> OpResult {
    check_name(&name, 0)?;
    let mut content = existing(vm, &name, Access::Write)?;
    let total = content.len() as u64;
    if start > total {
        return fault(
            FaultKind::Bounds,
            format!("replacement start {start} beyond length: {total}"),
        );
    }
    let end = start + replacement.len() as u64;
    if end > total {
        let message = format!("replacement end {end} beyond original length: {total}");
        return fault(FaultKind::Bounds, message);
    }
    content[start as usize..end as usize].copy_from_slice(&replacement);
    store(vm, &name, Some(content))
}

fn resize(vm: &mut Vm<'_, '_>) -> OpResult {
    let size = vm.pop_uint()?;
    let name = vm.pop_bytes()?;
    check_name(&name, size)?;
    let mut content = existing(vm, &name, Access::Resize(size))?;
    content.resize(size as usize, 0);
    store(vm, &name, Some(content))
}
