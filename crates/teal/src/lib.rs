//! TEAL assembler, disassembler and AVM evaluator.

pub mod asm;
pub mod disasm;
pub mod eval;
pub mod sourcemap;
pub mod spec;

pub use asm::{AssembleError, Assembled, assemble};
pub use disasm::{DisassembleError, disassemble};
pub use sourcemap::SourceMap;
