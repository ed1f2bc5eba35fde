//! The assembler's error type.

use thiserror::Error;

/// Why TEAL source did not assemble. Every variant names the source position: `line` counts
/// from 1 and `column` from 0, as go-algorand reports them.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum AssembleError {
    /// The source holds nothing but whitespace.
    #[error("{line}:{column}: Cannot assemble empty program text")]
    Empty {
        /// Always 0.
        line: usize,
        /// Always 0.
        column: usize,
    },
    /// A line could not be read (too long).
    #[error("{line}:{column}: {message}")]
    Source {
        /// Line of the problem.
        line: usize,
        /// Column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A `#pragma` or `#define` directive is malformed or not allowed here.
    #[error("{line}:{column}: {message}")]
    Directive {
        /// Line of the directive.
        line: usize,
        /// Column of the offending token.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The mnemonic is not an opcode of the program's version.
    #[error("{line}:{column}: {message}")]
    Opcode {
        /// Line of the instruction.
        line: usize,
        /// Column of the mnemonic.
        column: usize,
        /// The mnemonic as written.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// An immediate argument (number, field, literal) is missing, extra or malformed.
    #[error("{line}:{column}: {message}")]
    Immediate {
        /// Line of the instruction.
        line: usize,
        /// Column of the offending argument.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The stack types do not fit the instruction.
    #[error("{line}:{column}: {message}")]
    Type {
        /// Line of the instruction.
        line: usize,
        /// Column of the mnemonic.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A label is duplicated, undefined, or out of reach.
    #[error("{line}:{column}: {message}")]
    Label {
        /// Line of the label or reference.
        line: usize,
        /// Column of the label or reference.
        column: usize,
        /// The label.
        label: String,
        /// What is wrong.
        message: String,
    },
    /// Constants do not fit the constant blocks.
    #[error("{line}:{column}: {message}")]
    Constant {
        /// Line of the reference.
        line: usize,
        /// Column of the reference.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl AssembleError {
    /// The source line (from 1; 0 for whole-program problems).
    pub fn line(&self) -> usize {
        self.position().0
    }

    /// The source column (from 0).
    pub fn column(&self) -> usize {
        self.position().1
    }

    fn position(&self) -> (usize, usize) {
        match self {
            AssembleError::Empty { line, column }
            | AssembleError::Source { line, column, .. }
            | AssembleError::Directive { line, column, .. }
            | AssembleError::Opcode { line, column, .. }
            | AssembleError::Immediate { line, column, .. }
            | AssembleError::Type { line, column, .. }
            | AssembleError::Label { line, column, .. }
            | AssembleError::Constant { line, column, .. } => (*line, *column),
        }
    }
}

/// The assembler's result type.
pub type Result<T, E = AssembleError> = std::result::Result<T, E>;
