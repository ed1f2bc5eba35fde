//! The passes after parsing: the v4+ constant-block optimisation (constants sorted by use,
//! singletons pushed inline), branch-offset resolution, and the final byte layout.

use super::Assembled;
use super::emit::put_uvarint;
use super::error::{AssembleError, Result};
use super::stream::{Assembler, BACK_BRANCH_VERSION, ConstRef};
use crate::sourcemap::SourceMap;
use crate::spec;

/// A replacement of `old_len` bytes at `position` in the pending program.
struct Edit {
    position: usize,
    old_len: usize,
    bytes: Vec<u8>,
}

/// The opcodes that load pooled constants of one kind.
struct ConstOps {
    short: [u8; 4],
    long: u8,
    push: u8,
}

impl ConstOps {
    fn new(version: u64, prefix: &str, push: &str) -> Self {
        let opcode = |name: &str| {
            spec::op_by_name(name, version).map(|op| op.opcode).expect("v4+ has every const op")
        };
        ConstOps {
            short: [0, 1, 2, 3].map(|i| opcode(&format!("{prefix}_{i}"))),
            long: opcode(prefix),
            push: opcode(push),
        }
    }

    fn current_len(&self, opcode: u8) -> Option<usize> {
        if self.short.contains(&opcode) { Some(1) } else { (opcode == self.long).then_some(2) }
    }

    fn reference(&self, index: usize) -> Vec<u8> {
        match self.short.get(index) {
            Some(op) => vec![*op],
            None => vec![self.long, index as u8],
        }
    }
}

/// Constants ordered by use count (stable), with each reference's new encoding.
struct Optimized<T> {
    block: Vec<T>,
    edits: Vec<Edit>,
}

impl Assembler<'_> {
    pub(super) fn optimize_intc(&mut self) -> Result<()> {
        if self.intc_blocks > 0 {
            return Ok(());
        }
        let refs = std::mem::take(&mut self.intc_refs);
        let ops = ConstOps::new(self.version, "intc", "pushint");
        let optimized = self.optimize(&refs, &self.intc, &ops, |value, out| {
            out.push(ops.push);
            put_uvarint(out, *value);
        })?;
        self.apply_edits(optimized.edits);
        self.intc = optimized.block;
        Ok(())
    }

    pub(super) fn optimize_bytec(&mut self) -> Result<()> {
        if self.bytec_blocks > 0 {
            return Ok(());
        }
        let refs = std::mem::take(&mut self.bytec_refs);
        let ops = ConstOps::new(self.version, "bytec", "pushbytes");
        let optimized = self.optimize(&refs, &self.bytec, &ops, |value, out| {
            out.push(ops.push);
            put_uvarint(out, value.len() as u64);
            out.extend_from_slice(value);
        })?;
        self.apply_edits(optimized.edits);
        self.bytec = optimized.block;
        Ok(())
    }

    fn constant_error(&self, position: usize, message: String) -> AssembleError {
        let (line, column) = self.offset_to_source.get(&position).copied().unwrap_or_default();
        AssembleError::Constant { line, column, message }
    }

    fn optimize<T: Clone + PartialEq + std::fmt::Debug>(
        &self,
        refs: &[ConstRef<T>],
        block: &[T],
        ops: &ConstOps,
        push: impl Fn(&T, &mut Vec<u8>),
    ) -> Result<Optimized<T>> {
        let mut counts: Vec<(T, usize)> = block.iter().map(|v| (v.clone(), 0)).collect();
        for reference in refs {
            match counts.iter_mut().find(|(v, _)| *v == reference.value) {
                Some((_, count)) => *count += 1,
                None => {
                    let message =
                        format!("value not found in constant block: {:?}", reference.value);
                    return Err(self.constant_error(reference.position, message));
                }
            }
        }
        if let Some((value, _)) = counts.iter().find(|(_, count)| *count == 0) {
            let message = format!("member of constant block is not used: {value:?}");
            let (line, column) = (self.source_line, 0);
            return Err(AssembleError::Constant { line, column, message });
        }
        counts.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        let mut edits = Vec::with_capacity(refs.len());
        for reference in refs {
            let index = counts
                .iter()
                .position(|(v, _)| *v == reference.value)
                .expect("every reference was counted");
            let mut bytes = Vec::new();
            if counts[index].1 == 1 {
                push(&reference.value, &mut bytes);
            } else {
                bytes = ops.reference(index);
            }
            let old_len = ops.current_len(self.pending[reference.position]).ok_or_else(|| {
                let message =
                    format!("unexpected op at reference: {}", self.pending[reference.position]);
                self.constant_error(reference.position, message)
            })?;
            edits.push(Edit { position: reference.position, old_len, bytes });
        }
        edits.sort_by_key(|edit| edit.position);
        let block = counts.into_iter().take_while(|(_, n)| *n > 1).map(|(v, _)| v).collect();
        Ok(Optimized { block, edits })
    }

    /// Rewrites `pending` with `edits` (sorted, disjoint) and shifts every stored position.
    fn apply_edits(&mut self, edits: Vec<Edit>) {
        let raw = std::mem::take(&mut self.pending);
        let mut shift = vec![0isize; raw.len() + 1];
        let mut rewritten = Vec::with_capacity(raw.len());
        let mut delta = 0isize;
        let mut previous = 0;
        for edit in &edits {
            let end = edit.position + edit.old_len;
            shift[previous..end].fill(delta);
            rewritten.extend_from_slice(&raw[previous..edit.position]);
            rewritten.extend_from_slice(&edit.bytes);
            delta += edit.bytes.len() as isize - edit.old_len as isize;
            previous = end;
        }
        shift[previous..].fill(delta);
        rewritten.extend_from_slice(&raw[previous..]);
        let moved = |p: usize| p.wrapping_add_signed(shift[p]);
        for reference in &mut self.intc_refs {
            reference.position = moved(reference.position);
        }
        for reference in &mut self.bytec_refs {
            reference.position = moved(reference.position);
        }
        for position in self.labels.values_mut() {
            *position = moved(*position);
        }
        for reference in &mut self.label_refs {
            reference.position = moved(reference.position);
            reference.offset_position = moved(reference.offset_position);
        }
        let sources = std::mem::take(&mut self.offset_to_source);
        self.offset_to_source = sources.into_iter().map(|(p, at)| (moved(p), at)).collect();
        self.pending = rewritten;
    }

    pub(super) fn resolve_labels(&mut self) -> Result<()> {
        for reference in &self.label_refs {
            let label = reference.label;
            let error = |message: String| AssembleError::Label {
                line: label.line,
                column: label.column,
                label: label.text.into(),
                message,
            };
            let Some(&target) = self.labels.get(label.text) else {
                return Err(error(format!("reference to undefined label {:?}", label.text)));
            };
            if self.version <= 1 && target == self.pending.len() {
                return Err(error(format!("label {:?} is too far away", label.text)));
            }
            if self.version < BACK_BRANCH_VERSION && target < reference.offset_position {
                return Err(error(format!(
                    "label {:?} is a back reference, back jump support was introduced in v4",
                    label.text
                )));
            }
            let jump = target as i64 - reference.offset_position as i64;
            let Ok(jump) = i16::try_from(jump) else {
                return Err(error(format!("label {:?} is too far away", label.text)));
            };
            self.pending[reference.position..reference.position + 2]
                .copy_from_slice(&jump.to_be_bytes());
        }
        Ok(())
    }

    /// Prepends the version and the constant blocks the pseudo-ops need.
    pub(super) fn finish(self) -> Assembled {
        let mut program = Vec::with_capacity(self.pending.len() + 16);
        put_uvarint(&mut program, self.version);
        if !self.intc.is_empty() && self.intc_blocks == 0 {
            program.push(spec::op_by_name("intcblock", self.version).map_or(0x20, |op| op.opcode));
            put_uvarint(&mut program, self.intc.len() as u64);
            for value in &self.intc {
                put_uvarint(&mut program, *value);
            }
        }
        if !self.bytec.is_empty() && self.bytec_blocks == 0 {
            program.push(spec::op_by_name("bytecblock", self.version).map_or(0x26, |op| op.opcode));
            put_uvarint(&mut program, self.bytec.len() as u64);
            for value in &self.bytec {
                put_uvarint(&mut program, value.len() as u64);
                program.extend_from_slice(value);
            }
        }
        let prefix = program.len();
        program.extend_from_slice(&self.pending);
        let lines = self.offset_to_source.iter().map(|(pc, (line, _))| (pc + prefix, *line));
        Assembled { program, version: self.version, source_map: SourceMap::new(lines) }
    }
}
