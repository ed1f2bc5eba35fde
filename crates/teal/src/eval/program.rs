//! Reading bytecode: the version prefix, varuints and instruction sizes.

use super::error::{FaultKind, OpResult, fault};
use super::opcodes::{Imm, OpSpec};

/// Decodes a Go `binary.Uvarint` at `pos`: the value and the bytes it took.
pub(crate) fn read_uvarint(program: &[u8], pos: usize) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, &byte) in program.get(pos..)?.iter().enumerate().take(10) {
        if i == 9 && byte > 1 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((value, i + 1));
        }
    }
    None
}

/// The program's version and the length of its prefix.
pub(crate) fn program_version(program: &[u8]) -> OpResult<(u64, usize)> {
    match read_uvarint(program, 0) {
        Some(found) => Ok(found),
        None => fault(FaultKind::Program, "invalid version"),
    }
}

/// Reads a big-endian int16 branch offset at `pos`.
pub(crate) fn read_i16(program: &[u8], pos: usize) -> OpResult<i16> {
    match program.get(pos..pos + 2) {
        Some(b) => Ok(i16::from_be_bytes([b[0], b[1]])),
        None => fault(FaultKind::Program, "program ends without immediate value(s)"),
    }
}

fn uvarint_at(program: &[u8], pos: usize) -> OpResult<(u64, usize)> {
    match read_uvarint(program, pos) {
        Some(found) => Ok(found),
        None => fault(FaultKind::Program, format!("could not decode int at program[{pos}]")),
    }
}

fn length_at(program: &[u8], pos: usize) -> OpResult<(usize, usize)> {
    let Some((len, size)) = read_uvarint(program, pos) else {
        return fault(FaultKind::Program, format!("could not decode length at program[{pos}]"));
    };
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    if pos.saturating_add(size).saturating_add(len) > program.len() {
        return fault(FaultKind::Program, format!("pushbytes too long at program[{pos}]"));
    }
    Ok((len, size))
}

/// A varuint-prefixed list of varuints starting at `pos`, and the bytes it took.
pub(crate) fn read_ints(program: &[u8], pos: usize) -> OpResult<(Vec<u64>, usize)> {
    let (count, mut at) = uvarint_at(program, pos)?;
    let mut ints = Vec::with_capacity(usize::try_from(count.min(1024)).unwrap_or(0));
    for _ in 0..count {
        let (value, size) = uvarint_at(program, pos + at)?;
        ints.push(value);
        at += size;
    }
    Ok((ints, at))
}

/// A varuint-prefixed list of byte strings starting at `pos`, and the bytes it took.
pub(crate) fn read_bytess(program: &[u8], pos: usize) -> OpResult<(Vec<Vec<u8>>, usize)> {
    let (count, mut at) = uvarint_at(program, pos)?;
    let mut items = Vec::with_capacity(usize::try_from(count.min(1024)).unwrap_or(0));
    for _ in 0..count {
        let (bytes, size) = read_bytes(program, pos + at)?;
        items.push(bytes.to_vec());
        at += size;
    }
    Ok((items, at))
}

/// A varuint-length byte string at `pos`, and the bytes it took.
pub(crate) fn read_bytes(program: &[u8], pos: usize) -> OpResult<(&[u8], usize)> {
    let (len, size) = length_at(program, pos)?;
    Ok((&program[pos + size..pos + size + len], size + len))
}

/// A pushint-style varuint at `pos`.
pub(crate) fn read_int(program: &[u8], pos: usize) -> OpResult<(u64, usize)> {
    uvarint_at(program, pos)
}

/// The size in bytes of the instruction at `pc`.
pub(crate) fn instr_size(spec: &OpSpec, program: &[u8], pc: usize) -> OpResult<usize> {
    let after = pc + 1;
    let size = match spec.imm {
        Imm::Fixed(n) => 1 + n,
        Imm::Branch => 3,
        Imm::Varuint => 1 + uvarint_at(program, after)?.1,
        Imm::Bytes => 1 + read_bytes(program, after)?.1,
        Imm::Ints => 1 + read_ints(program, after)?.1,
        Imm::Bytess => 1 + read_bytess(program, after)?.1,
        Imm::Labels => match program.get(after) {
            Some(&count) => 2 + 2 * usize::from(count),
            None => {
                return fault(
                    FaultKind::Program,
                    format!("bare {} opcode at end of program", spec.name),
                );
            }
        },
    };
    if pc + size > program.len() {
        return fault(FaultKind::Program, "program ends without immediate value(s)");
    }
    Ok(size)
}
