//! Constants, scratch space, logic-signature arguments and stack shuffling.

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::{MAX_STACK_DEPTH, Vm};
use crate::eval::program::{read_bytes, read_bytess, read_int, read_ints};
use crate::eval::value::Value;

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x20 => {
            vm.intc = read_ints(vm.program, vm.pc + 1)?.0;
            Ok(())
        }
        0x21 => int_const(vm, usize::from(vm.imm(1))),
        0x22..=0x25 => int_const(vm, usize::from(code - 0x22)),
        0x26 => {
            vm.bytec = read_bytess(vm.program, vm.pc + 1)?.0;
            Ok(())
        }
        0x27 => byte_const(vm, usize::from(vm.imm(1))),
        0x28..=0x2b => byte_const(vm, usize::from(code - 0x28)),
        0x2c => arg(vm, u64::from(vm.imm(1))),
        0x2d..=0x30 => arg(vm, u64::from(code - 0x2d)),
        0xc3 => {
            let index = vm.pop_uint()?;
            arg(vm, index)
        }
        0x34 => {
            let value = vm.scratch[usize::from(vm.imm(1))].clone();
            vm.push(value);
            Ok(())
        }
        0x35 => {
            let value = vm.pop()?;
            let slot = usize::from(vm.imm(1));
            vm.scratch[slot] = value;
            Ok(())
        }
        0x3e => {
            let slot = scratch_slot(vm.pop_uint()?)?;
            let value = vm.scratch[slot].clone();
            vm.push(value);
            Ok(())
        }
        0x3f => {
            let value = vm.pop()?;
            let slot = scratch_slot(vm.pop_uint()?)?;
            vm.scratch[slot] = value;
            Ok(())
        }
        0x80 => {
            let bytes = read_bytes(vm.program, vm.pc + 1)?.0.to_vec();
            vm.push_bytes(bytes);
            Ok(())
        }
        0x81 => {
            let value = read_int(vm.program, vm.pc + 1)?.0;
            vm.push_uint(value);
            Ok(())
        }
        0x82 => {
            let items = read_bytess(vm.program, vm.pc + 1)?.0;
            ensure_room(vm, items.len())?;
            vm.stack.extend(items.into_iter().map(Value::Bytes));
            Ok(())
        }
        0x83 => {
            let items = read_ints(vm.program, vm.pc + 1)?.0;
            ensure_room(vm, items.len())?;
            vm.stack.extend(items.into_iter().map(Value::Uint));
            Ok(())
        }
        _ => shuffle(vm, code),
    }
}

fn shuffle(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    let has_immediate = matches!(code, 0x45..=0x47 | 0x4b | 0x4e | 0x4f);
    let n = if has_immediate { usize::from(vm.imm(1)) } else { 0 };
    let len = vm.stack.len();
    match code {
        0x45 => {
            if n == 0 || n >= len {
                return fault(FaultKind::Stack, "bury outside stack");
            }
            let value = vm.pop()?;
            vm.stack[len - 1 - n] = value;
        }
        0x46 => {
            if n > len {
                return fault(FaultKind::Stack, format!("popn {n} while stack contains {len}"));
            }
            vm.stack.truncate(len - n);
        }
        0x47 => {
            ensure_room(vm, n)?;
            let top = vm.stack[len - 1].clone();
            vm.stack.extend(std::iter::repeat_n(top, n));
        }
        0x48 => {
            vm.pop()?;
        }
        0x49 => vm.push(vm.stack[len - 1].clone()),
        0x4a => {
            let (a, b) = (vm.stack[len - 2].clone(), vm.stack[len - 1].clone());
            vm.stack.extend([a, b]);
        }
        0x4b => {
            if n >= len {
                return fault(FaultKind::Stack, format!("dig {n} with stack size = {len}"));
            }
            vm.push(vm.stack[len - 1 - n].clone());
        }
        0x4c => vm.stack.swap(len - 1, len - 2),
        0x4d => {
            let pick_b = vm.pop_uint()? != 0;
            let b = vm.pop()?;
            if pick_b {
                vm.stack[len - 3] = b;
            }
        }
        0x4e => {
            if n >= len {
                return fault(FaultKind::Stack, format!("cover {n} with stack size = {len}"));
            }
            let top = vm.pop()?;
            vm.stack.insert(len - 1 - n, top);
        }
        _ => {
            if n >= len {
                return fault(FaultKind::Stack, format!("uncover {n} with stack size = {len}"));
            }
            let value = vm.stack.remove(len - 1 - n);
            vm.push(value);
        }
    }
    Ok(())
}

fn ensure_room(vm: &Vm<'_, '_>, extra: usize) -> OpResult {
    if vm.stack.len() + extra > MAX_STACK_DEPTH {
        return fault(FaultKind::Stack, "stack overflow");
    }
    Ok(())
}

fn int_const(vm: &mut Vm<'_, '_>, index: usize) -> OpResult {
    match vm.intc.get(index) {
        Some(&value) => {
            vm.push_uint(value);
            Ok(())
        }
        None => {
            let message = format!("intc {index} beyond {} constants", vm.intc.len());
            fault(FaultKind::Bounds, message)
        }
    }
}

fn byte_const(vm: &mut Vm<'_, '_>, index: usize) -> OpResult {
    match vm.bytec.get(index) {
        Some(value) => {
            let value = value.clone();
            vm.push_bytes(value);
            Ok(())
        }
        None => {
            let message = format!("bytec {index} beyond {} constants", vm.bytec.len());
            fault(FaultKind::Bounds, message)
        }
    }
}

fn arg(vm: &mut Vm<'_, '_>, index: u64) -> OpResult {
    let args = vm.level.args;
    match usize::try_from(index).ok().and_then(|i| args.get(i)) {
        Some(value) => {
            vm.push_bytes(value.clone());
            Ok(())
        }
        None => fault(FaultKind::Bounds, format!("cannot load arg[{index}] of {}", args.len())),
    }
}

pub(super) fn scratch_slot(index: u64) -> OpResult<usize> {
    if index >= 256 {
        return fault(FaultKind::Bounds, format!("invalid Scratch index {index}"));
    }
    Ok(index as usize)
}
