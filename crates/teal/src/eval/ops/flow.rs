//! Branches, `return`, `assert`, subroutines and frames, `switch` and `match`.

use crate::eval::check::branch_target;
use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::{Frame, Vm};
use crate::eval::value::Value;

const PROTO: u8 = 0x8a;

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x00 => fault(FaultKind::Assert, "err opcode executed"),
        0x40 => {
            let taken = vm.pop_uint()? != 0;
            branch_if(vm, taken)
        }
        0x41 => {
            let taken = vm.pop_uint()? == 0;
            branch_if(vm, taken)
        }
        0x42 => branch_if(vm, true),
        0x43 => op_return(vm),
        0x44 => {
            if vm.pop_uint()? == 0 {
                return fault(FaultKind::Assert, format!("assert failed pc={}", vm.pc));
            }
            Ok(())
        }
        0x88 => callsub(vm),
        0x89 => retsub(vm),
        0x8a => proto(vm),
        0x8b => frame_dig(vm),
        0x8c => frame_bury(vm),
        0x8d => {
            let index = vm.pop_uint()?;
            switch_to(vm, index)
        }
        _ => op_match(vm),
    }
}

fn branch_if(vm: &mut Vm<'_, '_>, taken: bool) -> OpResult {
    if taken {
        let target = branch_target(vm.program, vm.version, vm.pc + 3, vm.pc + 1)?;
        vm.next_pc = Some(target);
    }
    Ok(())
}

fn op_return(vm: &mut Vm<'_, '_>) -> OpResult {
    let result = vm.pop()?;
    vm.stack.clear();
    vm.stack.push(result);
    vm.next_pc = Some(vm.program.len());
    Ok(())
}

fn callsub(vm: &mut Vm<'_, '_>) -> OpResult {
    vm.frames.push(Frame {
        retpc: vm.pc + 3,
        height: vm.stack.len(),
        clear: false,
        args: 0,
        returns: 0,
    });
    branch_if(vm, true)?;
    let target = vm.next_pc.unwrap_or(vm.pc + 3);
    vm.from_callsub = vm.program.get(target) == Some(&PROTO);
    Ok(())
}

fn retsub(vm: &mut Vm<'_, '_>) -> OpResult {
    let Some(frame) = vm.frames.pop() else {
        return fault(FaultKind::Stack, "retsub with empty callstack");
    };
    if frame.clear {
        let expect = frame.height + frame.returns;
        let len = vm.stack.len();
        if len < expect {
            let message = if len < frame.height {
                "retsub executed with stack below frame. Did you pop args?".to_owned()
            } else if len == frame.height {
                format!(
                    "retsub executed with no return values on stack. proto declared {}",
                    frame.returns
                )
            } else {
                format!(
                    "retsub executed with {} return values on stack. proto declared {}",
                    len - frame.height,
                    frame.returns
                )
            };
            return fault(FaultKind::Stack, message);
        }
        let arg_start = frame.height - frame.args;
        vm.stack.drain(arg_start..frame.height);
        vm.stack.truncate(arg_start + frame.returns);
    }
    vm.next_pc = Some(frame.retpc);
    Ok(())
}

fn proto(vm: &mut Vm<'_, '_>) -> OpResult {
    if !vm.from_callsub {
        return fault(FaultKind::Program, "proto was executed without a callsub");
    }
    vm.from_callsub = false;
    let args = usize::from(vm.imm(1));
    if args > vm.stack.len() {
        let message = format!(
            "callsub to proto that requires {args} args with stack height {}",
            vm.stack.len()
        );
        return fault(FaultKind::Stack, message);
    }
    let returns = usize::from(vm.imm(2));
    let frame = vm.frames.last_mut().expect("from_callsub implies a frame");
    frame.clear = true;
    frame.args = args;
    frame.returns = returns;
    Ok(())
}

fn frame_slot(vm: &Vm<'_, '_>, op: &str) -> OpResult<i64> {
    let offset = vm.imm(1) as i8;
    let Some(frame) = vm.frames.last() else {
        return fault(FaultKind::Stack, format!("{op} with empty callstack"));
    };
    if frame.clear && -i64::from(offset) > frame.args as i64 {
        return fault(FaultKind::Stack, format!("{op} {offset} in sub with {} args", frame.args));
    }
    Ok(frame.height as i64 + i64::from(offset))
}

fn frame_dig(vm: &mut Vm<'_, '_>) -> OpResult {
    let index = frame_slot(vm, "frame_dig")?;
    if index >= vm.stack.len() as i64 {
        return fault(FaultKind::Stack, "frame_dig above stack");
    }
    if index < 0 {
        return fault(FaultKind::Stack, "frame_dig below stack");
    }
    let value = vm.stack[index as usize].clone();
    vm.push(value);
    Ok(())
}

fn frame_bury(vm: &mut Vm<'_, '_>) -> OpResult {
    let index = frame_slot(vm, "frame_bury")?;
    let last = vm.stack.len() as i64 - 1;
    if index >= last {
        return fault(FaultKind::Stack, "frame_bury above stack");
    }
    if index < 0 {
        return fault(FaultKind::Stack, "frame_bury below stack");
    }
    let value = vm.pop()?;
    vm.stack[index as usize] = value;
    Ok(())
}

fn switch_to(vm: &mut Vm<'_, '_>, index: u64) -> OpResult {
    let count = u64::from(vm.imm(1));
    let end = vm.pc + 2 + 2 * count as usize;
    if index < count {
        let at = vm.pc + 2 + 2 * index as usize;
        vm.next_pc = Some(branch_target(vm.program, vm.version, end, at)?);
    } else {
        vm.next_pc = Some(end);
    }
    Ok(())
}

fn op_match(vm: &mut Vm<'_, '_>) -> OpResult {
    let count = usize::from(vm.imm(1));
    let needed = count + 1;
    if vm.stack.len() < needed {
        let message = format!(
            "match expects {needed} stack args while stack only contains {}",
            vm.stack.len()
        );
        return fault(FaultKind::Stack, message);
    }
    let value = vm.pop()?;
    let candidates = vm.stack.split_off(vm.stack.len() - count);
    let found = candidates.iter().position(|c| same_value(c, &value)).unwrap_or(count);
    switch_to(vm, found as u64)
}

fn same_value(a: &Value, b: &Value) -> bool {
    a == b
}
