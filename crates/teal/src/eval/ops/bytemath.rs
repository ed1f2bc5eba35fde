//! Byte-string math: big-endian unsigned integers of up to 64 bytes, and bitwise byte ops.

use num_bigint::BigUint;

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::{MAX_BYTES, Vm};

/// Longest operand byte math accepts.
const MAX_BYTE_MATH: usize = 64;

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x96 => {
            let a = pop_big(vm)?;
            push_big(vm, &a.sqrt());
            Ok(())
        }
        0xab..=0xad => bitwise(vm, code),
        0xae => {
            let a = vm.pop_bytes()?;
            vm.push_bytes(a.iter().map(|b| !b).collect());
            Ok(())
        }
        0xaf => {
            let n = vm.pop_uint()?;
            if n > MAX_BYTES as u64 {
                return fault(FaultKind::Limit, "bzero attempted to create a too large string");
            }
            vm.push_bytes(vec![0; n as usize]);
            Ok(())
        }
        0xa4..=0xa9 => compare(vm, code),
        _ => arithmetic(vm, code),
    }
}

fn pop_big(vm: &mut Vm<'_, '_>) -> OpResult<BigUint> {
    let bytes = vm.pop_bytes()?;
    if bytes.len() > MAX_BYTE_MATH {
        return fault(FaultKind::Limit, "math attempted on large byte-array");
    }
    Ok(BigUint::from_bytes_be(&bytes))
}

fn push_big(vm: &mut Vm<'_, '_>, value: &BigUint) {
    let bytes = value.to_bytes_be();
    // go-algorand's big.Int.Bytes() writes zero as the empty string.
    vm.push_bytes(if bytes == [0] { Vec::new() } else { bytes });
}

fn arithmetic(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    let b = pop_big(vm)?;
    let a = pop_big(vm)?;
    let zero = BigUint::default();
    let result = match code {
        0xa0 => a + b,
        0xa1 if a < b => {
            return fault(FaultKind::Arithmetic, "byte math would have negative result");
        }
        0xa1 => a - b,
        0xa2 if b == zero => return fault(FaultKind::Arithmetic, "division by zero"),
        0xa2 => a / b,
        0xa3 => a * b,
        0xaa if b == zero => return fault(FaultKind::Arithmetic, "modulo by zero"),
        _ => a % b,
    };
    push_big(vm, &result);
    Ok(())
}

fn compare(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    let b = pop_big(vm)?;
    let a = pop_big(vm)?;
    let result = match code {
        0xa4 => a < b,
        0xa5 => a > b,
        0xa6 => a <= b,
        0xa7 => a >= b,
        0xa8 => a == b,
        _ => a != b,
    };
    vm.push_bool(result);
    Ok(())
}

fn bitwise(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    let b = vm.pop_bytes()?;
    let a = vm.pop_bytes()?;
    let len = a.len().max(b.len());
    let pad = |x: &[u8]| {
        let mut padded = vec![0u8; len - x.len()];
        padded.extend_from_slice(x);
        padded
    };
    let (a, b) = (pad(&a), pad(&b));
    let result = a
        .iter()
        .zip(&b)
        .map(|(x, y)| match code {
            0xab => x | y,
            0xac => x & y,
            _ => x ^ y,
        })
        .collect();
    vm.push_bytes(result);
    Ok(())
}
