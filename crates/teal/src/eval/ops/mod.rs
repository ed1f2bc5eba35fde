//! Opcode semantics, one module per family; `exec` dispatches on the opcode byte.

mod boxes;
mod bytemath;
mod bytes;
mod crypto;
mod flow;
mod inner;
mod json;
mod math;
mod refs;
mod stack;
mod state;
mod txn;

use super::error::OpResult;
use super::machine::Vm;
use super::opcodes::OpSpec;

/// Executes the (already checked and charged) instruction at `vm.pc`.
pub(crate) fn exec(vm: &mut Vm<'_, '_>, spec: &OpSpec) -> OpResult {
    if spec.unsupported() {
        return vm.unsupported(spec);
    }
    match spec.code {
        0x00 | 0x40..=0x44 | 0x88..=0x8e => flow::exec(vm, spec.code),
        0x01..=0x04 | 0x84 | 0x98 => crypto::exec(vm, spec.code),
        0x08..=0x1f | 0x90..=0x95 | 0x97 => math::exec(vm, spec.code),
        0x20..=0x30 | 0x34 | 0x35 | 0x3e | 0x3f | 0x45..=0x4f | 0x80..=0x83 | 0xc3 => {
            stack::exec(vm, spec.code)
        }
        0x31..=0x33 | 0x36..=0x39 | 0x3a..=0x3d | 0xc0..=0xc2 | 0xc4 | 0xd1 => {
            txn::exec(vm, spec.code)
        }
        0x50..=0x5e => bytes::exec(vm, spec.code),
        0x5f => json::exec(vm),
        0x60..=0x78 | 0xb0 => state::exec(vm, spec.code),
        0x96 | 0xa0..=0xaf => bytemath::exec(vm, spec.code),
        0xb1..=0xb8 | 0xc5 | 0xc6 => inner::exec(vm, spec.code),
        0xb9..=0xbf | 0xd2 | 0xd3 => boxes::exec(vm, spec.code),
        _ => vm.unsupported(spec),
    }
}
