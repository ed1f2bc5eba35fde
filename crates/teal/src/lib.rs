//! TEAL assembler, disassembler and AVM evaluator.
