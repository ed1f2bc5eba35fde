//! Program-counter to source-line maps, for error reports on assembled programs.

use std::collections::BTreeMap;

/// Which source line each instruction of a program came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// Instruction start pc → source line (from 1).
    lines: BTreeMap<usize, usize>,
}

impl SourceMap {
    /// A map from (pc, line) pairs.
    pub fn new(entries: impl IntoIterator<Item = (usize, usize)>) -> Self {
        SourceMap { lines: entries.into_iter().collect() }
    }

    /// The source line of the instruction covering `pc` (the nearest instruction start at or
    /// before it), if any.
    pub fn line_for_pc(&self, pc: usize) -> Option<usize> {
        self.lines.range(..=pc).next_back().map(|(_, line)| *line)
    }

    /// The line of the instruction that starts exactly at `pc`.
    pub fn line_at(&self, pc: usize) -> Option<usize> {
        self.lines.get(&pc).copied()
    }

    /// Every (pc, line) pair, by pc.
    pub fn entries(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.lines.iter().map(|(pc, line)| (*pc, *line))
    }
}
