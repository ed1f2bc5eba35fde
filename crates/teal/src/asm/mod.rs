//! TEAL source to AVM bytecode, byte-identical to go-algorand's assembler (`goal clerk
//! compile`, algod's `/v2/teal/compile`) for TEAL versions 0–12.
//!
//! Known limitations: version 13's varint branch offsets and automatic salting are not
//! supported (`#pragma version 13` is rejected, `#pragma autosalt` is unknown); only the first
//! error is reported where go-algorand lists them all; warnings are not reported.

mod compat;
mod directive;
mod emit;
mod error;
mod finish;
mod lexer;
mod literal;
mod refine;
mod stream;
mod types;

pub use error::{AssembleError, Result};

use crate::sourcemap::SourceMap;

/// An assembled program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assembled {
    /// The bytecode, starting with the version.
    pub program: Vec<u8>,
    /// The TEAL version the program was assembled for.
    pub version: u64,
    /// Which source line each instruction came from.
    pub source_map: SourceMap,
}

/// Assembles TEAL source. The version comes from `#pragma version` (1 when absent).
pub fn assemble(source: &str) -> Result<Assembled> {
    stream::Assembler::new(source).run()
}

/// Assembles TEAL source and returns only the bytecode.
pub fn assemble_bytes(source: &str) -> Result<Vec<u8>> {
    assemble(source).map(|assembled| assembled.program)
}
