//! TEAL assembler, disassembler and AVM evaluator.

pub mod spec;
