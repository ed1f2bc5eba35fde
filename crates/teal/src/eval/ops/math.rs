//! uint64 arithmetic, comparisons, bit operations and wide (128-bit) math.

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::Vm;
use crate::eval::value::Value;

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x12 | 0x13 => return equality(vm, code == 0x12),
        0x14 => {
            let a = vm.pop_uint()?;
            vm.push_bool(a == 0);
            return Ok(());
        }
        0x15 => {
            let len = vm.pop_bytes()?.len() as u64;
            vm.push_uint(len);
            return Ok(());
        }
        0x16 => {
            let a = vm.pop_uint()?;
            vm.push_bytes(a.to_be_bytes().to_vec());
            return Ok(());
        }
        0x17 => return btoi(vm),
        0x1c => {
            let a = vm.pop_uint()?;
            vm.push_uint(!a);
            return Ok(());
        }
        0x1d..=0x1f | 0x95 | 0x97 => return wide(vm, code),
        0x92 => {
            let a = vm.pop_uint()?;
            vm.push_uint(a.isqrt());
            return Ok(());
        }
        0x93 => return bitlen(vm),
        _ => {}
    }
    let b = vm.pop_uint()?;
    let a = vm.pop_uint()?;
    let result = binary(code, a, b)?;
    vm.push_uint(result);
    Ok(())
}

fn binary(code: u8, a: u64, b: u64) -> OpResult<u64> {
    Ok(match code {
        0x08 => {
            a.checked_add(b).map_or_else(|| fault(FaultKind::Arithmetic, "+ overflowed"), Ok)?
        }
        0x09 => a
            .checked_sub(b)
            .map_or_else(|| fault(FaultKind::Arithmetic, "- would result negative"), Ok)?,
        0x0a => a.checked_div(b).map_or_else(|| fault(FaultKind::Arithmetic, "/ 0"), Ok)?,
        0x0b => {
            a.checked_mul(b).map_or_else(|| fault(FaultKind::Arithmetic, "* overflowed"), Ok)?
        }
        0x0c => u64::from(a < b),
        0x0d => u64::from(a > b),
        0x0e => u64::from(a <= b),
        0x0f => u64::from(a >= b),
        0x10 => u64::from(a != 0 && b != 0),
        0x11 => u64::from(a != 0 || b != 0),
        0x18 => a.checked_rem(b).map_or_else(|| fault(FaultKind::Arithmetic, "% 0"), Ok)?,
        0x19 => a | b,
        0x1a => a & b,
        0x1b => a ^ b,
        0x90 | 0x91 => shift(code, a, b)?,
        _ => exp(a, b)?,
    })
}

fn shift(code: u8, a: u64, b: u64) -> OpResult<u64> {
    let name = if code == 0x90 { "shl" } else { "shr" };
    if b > 63 {
        return fault(FaultKind::Arithmetic, format!("{name} arg too big, ({b})"));
    }
    Ok(if code == 0x90 { a << b } else { a >> b })
}

fn exp(a: u64, b: u64) -> OpResult<u64> {
    if a == 0 && b == 0 {
        return fault(FaultKind::Arithmetic, "0^0 is undefined");
    }
    let overflow = || fault(FaultKind::Arithmetic, format!("{a}^{b} overflow"));
    match u32::try_from(b) {
        Ok(b32) => a.checked_pow(b32).map_or_else(overflow, Ok),
        Err(_) if a <= 1 => Ok(a),
        Err(_) => overflow(),
    }
}

fn equality(vm: &mut Vm<'_, '_>, want_equal: bool) -> OpResult {
    let b = vm.pop()?;
    let a = vm.pop()?;
    let equal = match (&a, &b) {
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        _ => {
            let message = format!("cannot compare ({} to {})", a.type_name(), b.type_name());
            return fault(FaultKind::Stack, message);
        }
    };
    vm.push_bool(equal == want_equal);
    Ok(())
}

fn btoi(vm: &mut Vm<'_, '_>) -> OpResult {
    let bytes = vm.pop_bytes()?;
    if bytes.len() > 8 {
        return fault(FaultKind::Bounds, format!("btoi arg too long, got {} bytes", bytes.len()));
    }
    let value = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    vm.push_uint(value);
    Ok(())
}

fn bitlen(vm: &mut Vm<'_, '_>) -> OpResult {
    let len = match vm.pop()? {
        Value::Uint(a) => u64::from(64 - a.leading_zeros()),
        Value::Bytes(b) => match b.iter().position(|&x| x != 0) {
            Some(i) => ((b.len() - i) * 8) as u64 - u64::from(b[i].leading_zeros()),
            None => 0,
        },
    };
    vm.push_uint(len);
    Ok(())
}

fn wide(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x1d => {
            let b = vm.pop_uint()?;
            let a = vm.pop_uint()?;
            push_u128(vm, u128::from(a) * u128::from(b));
        }
        0x1e => {
            let b = vm.pop_uint()?;
            let a = vm.pop_uint()?;
            push_u128(vm, u128::from(a) + u128::from(b));
        }
        0x1f => {
            let divisor = pop_u128(vm)?;
            let dividend = pop_u128(vm)?;
            if divisor == 0 {
                return fault(FaultKind::Arithmetic, "/ 0");
            }
            push_u128(vm, dividend / divisor);
            push_u128(vm, dividend % divisor);
        }
        0x95 => {
            let b = vm.pop_uint()?;
            let a = vm.pop_uint()?;
            push_u128(vm, expw(a, b)?);
        }
        _ => divw(vm)?,
    }
    Ok(())
}

fn expw(a: u64, b: u64) -> OpResult<u128> {
    if a == 0 && b == 0 {
        return fault(FaultKind::Arithmetic, "0^0 is undefined");
    }
    let overflow = || fault(FaultKind::Arithmetic, format!("{a}^{b} overflow"));
    match u32::try_from(b) {
        Ok(b32) => u128::from(a).checked_pow(b32).map_or_else(overflow, Ok),
        Err(_) if a <= 1 => Ok(u128::from(a)),
        Err(_) => overflow(),
    }
}

fn divw(vm: &mut Vm<'_, '_>) -> OpResult {
    let c = vm.pop_uint()?;
    let b = vm.pop_uint()?;
    let a = vm.pop_uint()?;
    if c == 0 {
        return fault(FaultKind::Arithmetic, "divw 0");
    }
    if c <= a {
        return fault(FaultKind::Arithmetic, format!("divw overflow: {c} <= {a}"));
    }
    let quotient = ((u128::from(a) << 64) | u128::from(b)) / u128::from(c);
    vm.push_uint(quotient as u64);
    Ok(())
}

fn push_u128(vm: &mut Vm<'_, '_>, value: u128) {
    vm.push_uint((value >> 64) as u64);
    vm.push_uint(value as u64);
}

fn pop_u128(vm: &mut Vm<'_, '_>) -> OpResult<u128> {
    let low = vm.pop_uint()?;
    let high = vm.pop_uint()?;
    Ok((u128::from(high) << 64) | u128::from(low))
}
