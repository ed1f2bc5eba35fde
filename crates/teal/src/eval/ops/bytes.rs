//! Byte-string manipulation: concat, substrings, extraction, bits and bytes, base64.

use data_encoding::{BASE64, BASE64URL};

use crate::eval::error::{FaultKind, OpResult, fault};
use crate::eval::machine::{MAX_BYTES, Vm};
use crate::eval::value::Value;

pub(super) fn exec(vm: &mut Vm<'_, '_>, code: u8) -> OpResult {
    match code {
        0x50 => concat(vm),
        0x51 => {
            let (start, end) = (u64::from(vm.imm(1)), u64::from(vm.imm(2)));
            substring(vm, start, end)
        }
        0x52 => {
            let end = vm.pop_uint()?;
            let start = vm.pop_uint()?;
            substring(vm, start, end)
        }
        0x53 => getbit(vm),
        0x54 => setbit(vm),
        0x55 => getbyte(vm),
        0x56 => setbyte(vm),
        0x57 => {
            let (start, len) = (u64::from(vm.imm(1)), u64::from(vm.imm(2)));
            let bytes = vm.pop_bytes()?;
            let len = if len == 0 { (bytes.len() as u64).saturating_sub(start) } else { len };
            let piece = extract(&bytes, start, len)?.to_vec();
            vm.push_bytes(piece);
            Ok(())
        }
        0x58 => {
            let len = vm.pop_uint()?;
            let start = vm.pop_uint()?;
            let bytes = vm.pop_bytes()?;
            let piece = extract(&bytes, start, len)?.to_vec();
            vm.push_bytes(piece);
            Ok(())
        }
        0x59 => extract_uint(vm, 2),
        0x5a => extract_uint(vm, 4),
        0x5b => extract_uint(vm, 8),
        0x5c => {
            let replacement = vm.pop_bytes()?;
            let start = u64::from(vm.imm(1));
            replace(vm, start, replacement)
        }
        0x5d => {
            let replacement = vm.pop_bytes()?;
            let start = vm.pop_uint()?;
            replace(vm, start, replacement)
        }
        _ => base64_decode(vm),
    }
}

fn concat(vm: &mut Vm<'_, '_>) -> OpResult {
    let b = vm.pop_bytes()?;
    let mut a = vm.pop_bytes()?;
    if a.len() + b.len() > MAX_BYTES {
        let message = format!("concat produced a too big ({}) byte-array", a.len() + b.len());
        return fault(FaultKind::Limit, message);
    }
    a.extend_from_slice(&b);
    vm.push_bytes(a);
    Ok(())
}

fn substring(vm: &mut Vm<'_, '_>, start: u64, end: u64) -> OpResult {
    let bytes = vm.pop_bytes()?;
    if end < start {
        return fault(FaultKind::Bounds, "substring end before start");
    }
    if end > bytes.len() as u64 {
        return fault(FaultKind::Bounds, "substring range beyond length of string");
    }
    vm.push_bytes(bytes[start as usize..end as usize].to_vec());
    Ok(())
}

/// `bytes[start..start+len]` with go-algorand's extraction errors.
pub(super) fn extract(bytes: &[u8], start: u64, len: u64) -> OpResult<&[u8]> {
    let total = bytes.len() as u64;
    if start > total {
        return fault(
            FaultKind::Bounds,
            format!("extraction start {start} is beyond length: {total}"),
        );
    }
    let Some(end) = start.checked_add(len) else {
        return fault(FaultKind::Bounds, "extraction end exceeds uint64");
    };
    if end > total {
        return fault(FaultKind::Bounds, format!("extraction end {end} is beyond length: {total}"));
    }
    Ok(&bytes[start as usize..end as usize])
}

fn extract_uint(vm: &mut Vm<'_, '_>, width: u64) -> OpResult {
    let start = vm.pop_uint()?;
    let bytes = vm.pop_bytes()?;
    let piece = extract(&bytes, start, width)?;
    let value = piece.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    vm.push_uint(value);
    Ok(())
}

fn replace(vm: &mut Vm<'_, '_>, start: u64, replacement: Vec<u8>) -> OpResult {
    let mut bytes = vm.pop_bytes()?;
    let total = bytes.len() as u64;
    if start > total {
        return fault(
            FaultKind::Bounds,
            format!("replacement start {start} beyond length: {total}"),
        );
    }
    let Some(end) = start.checked_add(replacement.len() as u64) else {
        return fault(FaultKind::Bounds, "replacement end exceeds uint64");
    };
    if end > total {
        let message = format!("replacement end {end} beyond original length: {total}");
        return fault(FaultKind::Bounds, message);
    }
    bytes[start as usize..end as usize].copy_from_slice(&replacement);
    vm.push_bytes(bytes);
    Ok(())
}

fn getbit(vm: &mut Vm<'_, '_>) -> OpResult {
    let index = vm.pop_uint()?;
    let bit = match vm.pop()? {
        Value::Uint(x) => {
            if index > 63 {
                return fault(FaultKind::Bounds, "getbit index > 63 with Uint");
            }
            (x >> index) & 1
        }
        Value::Bytes(b) => {
            if index / 8 >= b.len() as u64 {
                return fault(FaultKind::Bounds, "getbit index beyond byteslice");
            }
            u64::from(b[(index / 8) as usize] >> (7 - index % 8)) & 1
        }
    };
    vm.push_uint(bit);
    Ok(())
}

fn setbit(vm: &mut Vm<'_, '_>) -> OpResult {
    let bit = vm.pop_uint()?;
    let index = vm.pop_uint()?;
    let target = vm.pop()?;
    if bit > 1 {
        return fault(FaultKind::Bounds, "setbit value > 1");
    }
    let result = match target {
        Value::Uint(x) => {
            if index > 63 {
                return fault(FaultKind::Bounds, "setbit index > 63 with Uint");
            }
            Value::Uint(if bit == 1 { x | (1 << index) } else { x & !(1 << index) })
        }
        Value::Bytes(mut b) => {
            if index / 8 >= b.len() as u64 {
                return fault(FaultKind::Bounds, "setbit index beyond byteslice");
            }
            let mask = 1u8 << (7 - index % 8);
            let byte = &mut b[(index / 8) as usize];
            *byte = if bit == 1 { *byte | mask } else { *byte & !mask };
            Value::Bytes(b)
        }
    };
    vm.push(result);
    Ok(())
}

fn getbyte(vm: &mut Vm<'_, '_>) -> OpResult {
    let index = vm.pop_uint()?;
    let bytes = vm.pop_bytes()?;
    match usize::try_from(index).ok().and_then(|i| bytes.get(i)) {
        Some(&b) => {
            vm.push_uint(u64::from(b));
            Ok(())
        }
        None => fault(FaultKind::Bounds, "getbyte index beyond array length"),
    }
}

fn setbyte(vm: &mut Vm<'_, '_>) -> OpResult {
    let value = vm.pop_uint()?;
    let index = vm.pop_uint()?;
    let mut bytes = vm.pop_bytes()?;
    if value > 255 {
        return fault(FaultKind::Bounds, "setbyte value > 255");
    }
    match usize::try_from(index).ok().and_then(|i| bytes.get_mut(i)) {
        Some(b) => *b = value as u8,
        None => return fault(FaultKind::Bounds, "setbyte index beyond array length"),
    }
    vm.push_bytes(bytes);
    Ok(())
}

fn base64_decode(vm: &mut Vm<'_, '_>) -> OpResult {
    let encoding = match vm.imm(1) {
        0 => &BASE64URL,
        1 => &BASE64,
        e => return fault(FaultKind::Program, format!("invalid base64_decode encoding {e}")),
    };
    let text: Vec<u8> = vm.pop_bytes()?.into_iter().filter(|&c| c != b'\r' && c != b'\n').collect();
    match encoding.decode(&text) {
        Ok(decoded) => {
            vm.push_bytes(decoded);
            Ok(())
        }
        Err(e) => {
            let message = format!("illegal base64 data at input byte {}", e.position);
            fault(FaultKind::Bounds, message)
        }
    }
}
