//! Bytecode back to TEAL source that reassembles to the same bytes.
//!
//! Constants come out as the explicit ops the bytecode holds (`intcblock`, `intc_0`,
//! `pushbytes 0x…`), branch targets as `labelN:` lines, and type tracking is switched off so
//! that the assembler's static type check cannot refuse bytecode it would not itself produce.
//!
//! Known limitation: bytecode the assembler can never emit does not round-trip — `arg` with an
//! immediate below 4 (the assembler picks `arg_0`…), constant loads before any constant block,
//! branches into the middle of an instruction, and back jumps before v4.

use crate::spec::{self, FieldGroup, ImmKind, OpSpec};
use std::collections::BTreeMap;
use std::fmt::Write;
use thiserror::Error;

/// Why bytecode could not be disassembled.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DisassembleError {
    /// The program does not start with a version this crate knows.
    #[error("invalid or unsupported version")]
    Version,
    /// No opcode has this byte in the program's version.
    #[error("invalid opcode {opcode:#04x} at pc={pc}")]
    Opcode {
        /// Where.
        pc: usize,
        /// The byte.
        opcode: u8,
    },
    /// An immediate runs past the end of the program or is malformed.
    #[error("bad immediate for {name} at pc={pc}")]
    Immediate {
        /// Where the instruction starts.
        pc: usize,
        /// The opcode.
        name: &'static str,
    },
    /// A field immediate names no field of its group.
    #[error("unknown field {index} for {name} at pc={pc}")]
    Field {
        /// Where the instruction starts.
        pc: usize,
        /// The opcode.
        name: &'static str,
        /// The field byte.
        index: u8,
    },
    /// A branch lands outside the program or inside an instruction.
    #[error("branch at pc={pc} to {target}, which starts no instruction")]
    Target {
        /// Where the branch starts.
        pc: usize,
        /// Where it would land.
        target: i64,
    },
}

type Result<T> = std::result::Result<T, DisassembleError>;

/// One decoded instruction: its text, with label targets still as pcs.
struct Instruction {
    pc: usize,
    name: &'static str,
    parts: Vec<Part>,
}

enum Part {
    Text(String),
    Target(i64),
}

/// Reads an unsigned LEB128 varint as go's `binary.Uvarint` does.
fn uvarint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        let low = u64::from(byte & 0x7f);
        if i == 9 && *byte > 1 {
            return None;
        }
        value |= low << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

struct Reader<'p> {
    program: &'p [u8],
    pos: usize,
    pc: usize,
    name: &'static str,
}

impl Reader<'_> {
    fn fail(&self) -> DisassembleError {
        DisassembleError::Immediate { pc: self.pc, name: self.name }
    }

    fn byte(&mut self) -> Result<u8> {
        let byte = *self.program.get(self.pos).ok_or_else(|| self.fail())?;
        self.pos += 1;
        Ok(byte)
    }

    fn uint(&mut self) -> Result<u64> {
        let (value, used) = uvarint(&self.program[self.pos.min(self.program.len())..])
            .ok_or_else(|| self.fail())?;
        self.pos += used;
        Ok(value)
    }

    fn bytes(&mut self) -> Result<&[u8]> {
        let length = usize::try_from(self.uint()?).map_err(|_| self.fail())?;
        let end = self.pos.checked_add(length).filter(|end| *end <= self.program.len());
        let end = end.ok_or_else(|| self.fail())?;
        let value = &self.program[self.pos..end];
        self.pos = end;
        Ok(value)
    }

    fn offset(&mut self) -> Result<i16> {
        Ok(i16::from_be_bytes([self.byte()?, self.byte()?]))
    }

    fn count(&mut self) -> Result<usize> {
        let count = self.uint()?;
        if count > self.program.len() as u64 {
            return Err(self.fail());
        }
        Ok(count as usize)
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(2 + bytes.len() * 2);
    text.push_str("0x");
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

fn field_name(reader: &mut Reader<'_>, group: FieldGroup) -> Result<String> {
    let index = reader.byte()?;
    let field = group.by_index(index).ok_or(DisassembleError::Field {
        pc: reader.pc,
        name: reader.name,
        index,
    })?;
    Ok(field.name.to_string())
}

fn decode(program: &[u8], pc: usize, op: &'static OpSpec) -> Result<(Instruction, usize)> {
    let mut reader = Reader { program, pos: pc + 1, pc, name: op.name };
    let mut parts = Vec::new();
    for imm in op.immediates {
        match imm.kind {
            ImmKind::Byte => match imm.group {
                Some(group) => parts.push(Part::Text(field_name(&mut reader, group)?)),
                None => parts.push(Part::Text(reader.byte()?.to_string())),
            },
            ImmKind::Int8 => parts.push(Part::Text((reader.byte()? as i8).to_string())),
            ImmKind::Label => {
                let offset = reader.offset()?;
                parts.push(Part::Target(reader.pos as i64 + i64::from(offset)));
            }
            ImmKind::Uint => parts.push(Part::Text(reader.uint()?.to_string())),
            ImmKind::Bytes => parts.push(Part::Text(hex(reader.bytes()?))),
            ImmKind::Uints => {
                for _ in 0..reader.count()? {
                    parts.push(Part::Text(reader.uint()?.to_string()));
                }
            }
            ImmKind::Bytess => {
                for _ in 0..reader.count()? {
                    parts.push(Part::Text(hex(reader.bytes()?)));
                }
            }
            ImmKind::Labels => {
                let count = usize::from(reader.byte()?);
                let end = reader.pos + 2 * count;
                for _ in 0..count {
                    let offset = reader.offset()?;
                    parts.push(Part::Target(end as i64 + i64::from(offset)));
                }
            }
        }
    }
    Ok((Instruction { pc, name: op.name, parts }, reader.pos))
}

/// Disassembles a program into TEAL source that assembles back to the same bytes.
pub fn disassemble(program: &[u8]) -> Result<String> {
    let (version, mut pc) = uvarint(program).ok_or(DisassembleError::Version)?;
    if version == u64::MAX && pc == program.len() {
        // What go-algorand's assembler writes for a source without instructions.
        return Ok("// no instructions\n".into());
    }
    if version > spec::MAX_VERSION {
        return Err(DisassembleError::Version);
    }
    let mut instructions = Vec::new();
    while pc < program.len() {
        let opcode = program[pc];
        let op =
            spec::op_by_byte(opcode, version).ok_or(DisassembleError::Opcode { pc, opcode })?;
        let (instruction, next) = decode(program, pc, op)?;
        instructions.push(instruction);
        pc = next;
    }
    let labels = label_names(&instructions, program.len())?;
    Ok(render(version, &instructions, &labels, program.len()))
}

/// Names every branch target `labelN`, numbered by position.
fn label_names(instructions: &[Instruction], end: usize) -> Result<BTreeMap<usize, String>> {
    let starts: std::collections::HashSet<usize> = instructions.iter().map(|i| i.pc).collect();
    let mut targets = BTreeMap::new();
    for instruction in instructions {
        for part in &instruction.parts {
            let Part::Target(target) = part else { continue };
            let landing = usize::try_from(*target).ok().filter(|t| starts.contains(t) || *t == end);
            let target =
                landing.ok_or(DisassembleError::Target { pc: instruction.pc, target: *target })?;
            targets.insert(target, String::new());
        }
    }
    for (n, name) in targets.values_mut().enumerate() {
        *name = format!("label{}", n + 1);
    }
    Ok(targets)
}

fn render(
    version: u64,
    instructions: &[Instruction],
    labels: &BTreeMap<usize, String>,
    end: usize,
) -> String {
    let mut text = format!("#pragma version {version}\n#pragma typetrack false\n");
    for instruction in instructions {
        if let Some(label) = labels.get(&instruction.pc) {
            let _ = writeln!(text, "{label}:");
        }
        text.push_str(instruction.name);
        for part in &instruction.parts {
            text.push(' ');
            match part {
                Part::Text(value) => text.push_str(value),
                Part::Target(target) => text.push_str(&labels[&(*target as usize)]),
            }
        }
        text.push('\n');
    }
    if let Some(label) = labels.get(&end) {
        let _ = writeln!(text, "{label}:");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::assemble;

    fn round_trip(source: &str) {
        let program = assemble(source).expect("assembles").program;
        let text = disassemble(&program).expect("disassembles");
        let again = assemble(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(again.program, program, "{text}");
    }

    #[test]
    fn round_trips_constants_branches_and_fields() {
        round_trip(
            "#pragma version 10\nint 1\nint 1\nbyte \"a\"\nbyte \"a\"\npushint 7\npop\npop\npop\n",
        );
        round_trip("#pragma version 8\nint 1\nbnz a\nb b\na: int 2\nswitch a b\nb:\n");
        round_trip(
            "#pragma version 6\ntxn ApplicationArgs 0\ngtxn 1 Fee\nglobal Round\npop\npop\npop\n",
        );
        round_trip(
            "#pragma version 8\ncallsub f\nint 1\nreturn\nf:\nproto 1 0\nframe_dig -1\npop\nretsub\n",
        );
        round_trip("#pragma version 2\nint 5\nbyte 0x01\nint 5\npop\npop\npop\n");
    }

    #[test]
    fn rejects_truncated_and_unknown_bytecode() {
        assert_eq!(
            disassemble(&[8, 0x81]),
            Err(DisassembleError::Immediate { pc: 1, name: "pushint" })
        );
        assert_eq!(disassemble(&[2, 0xff]), Err(DisassembleError::Opcode { pc: 1, opcode: 0xff }));
        assert!(matches!(disassemble(&[8, 0x42, 0, 7]), Err(DisassembleError::Target { .. })));
    }
}
