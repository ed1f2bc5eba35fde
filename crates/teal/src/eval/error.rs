//! The evaluator's error type: where a program failed and why, in go-algorand's words.

use std::fmt;

use tipforge_algo::AppId;

/// What kind of failure stopped a program, for callers that react by class rather than text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// The `err` opcode, a failed `assert`, or a non-integer/odd final stack.
    Assert,
    /// Integer or byte-math overflow, underflow or division by zero.
    Arithmetic,
    /// Stack underflow/overflow or an operand of the wrong type.
    Stack,
    /// An index or range outside a byte string, array or scratch space.
    Bounds,
    /// Opcode budget, log, inner-transaction or size limit exceeded.
    Limit,
    /// A resource (account, asset, app, box, holding, local state) not available to the program.
    Unavailable,
    /// Malformed bytecode: bad opcode, immediate or branch target.
    Program,
    /// An opcode this evaluator does not implement (curve cryptography).
    Unsupported,
    /// A state access that the ledger refused (missing box, schema, not opted in).
    State,
    /// An inner transaction that could not be built or applied.
    Inner,
    /// The ledger refused to apply a transaction's effects (overspend, missing asset...).
    Ledger,
}

/// One failure reason: its class and go-algorand's wording of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The class of failure.
    pub kind: FaultKind,
    /// The message, worded as go-algorand words it where it has a wording.
    pub message: String,
}

impl Fault {
    /// A fault of `kind` with `message`.
    pub fn new(kind: FaultKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// A ledger refusal, for `Ledger` implementations.
    pub fn ledger(message: impl Into<String>) -> Self {
        Self::new(FaultKind::Ledger, message)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why an evaluation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// An application program panicked (go-algorand: "logic eval error").
    #[error("logic eval error: {fault}. Details: app={}, pc={pc}{}", app.0, line_suffix(*line))]
    App {
        /// The app whose program failed.
        app: AppId,
        /// Program counter of the failing instruction.
        pc: usize,
        /// Source line (from 1) when a source map was given.
        line: Option<usize>,
        /// Position of the top-level transaction in its group.
        group_index: usize,
        /// What went wrong.
        fault: Fault,
    },
    /// A logic signature panicked (go-algorand: "rejected by logic err=").
    #[error("rejected by logic err={fault}. Details: pc={pc}{}", line_suffix(*line))]
    LogicSig {
        /// Program counter of the failing instruction.
        pc: usize,
        /// Source line (from 1) when a source map was given.
        line: Option<usize>,
        /// Position of the signed transaction in its group.
        group_index: usize,
        /// What went wrong.
        fault: Fault,
    },
    /// A program ended with a zero (or missing) result.
    #[error("transaction {group_index}: rejected by {}", rejector(*app))]
    Rejected {
        /// The rejecting app; `None` for a logic signature.
        app: Option<AppId>,
        /// Position of the top-level transaction in its group.
        group_index: usize,
    },
    /// A transaction's non-program effects could not be applied (overspend, missing asset...).
    #[error("transaction {group_index}: {fault}")]
    Apply {
        /// Position of the transaction in its group.
        group_index: usize,
        /// The ledger's reason.
        fault: Fault,
    },
    /// The group itself is malformed (size, missing program).
    #[error("invalid group: {0}")]
    InvalidGroup(String),
}

impl EvalError {
    /// The failure's class: `Assert` for plain rejections, `Ledger` for apply failures.
    pub fn kind(&self) -> FaultKind {
        match self {
            Self::App { fault, .. } | Self::LogicSig { fault, .. } | Self::Apply { fault, .. } => {
                fault.kind
            }
            Self::Rejected { .. } => FaultKind::Assert,
            Self::InvalidGroup(_) => FaultKind::Program,
        }
    }

    /// The program counter of a program panic.
    pub fn pc(&self) -> Option<usize> {
        match self {
            Self::App { pc, .. } | Self::LogicSig { pc, .. } => Some(*pc),
            _ => None,
        }
    }
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(", line={l}")).unwrap_or_default()
}

fn rejector(app: Option<AppId>) -> String {
    match app {
        Some(app) => format!("ApprovalProgram of app {}", app.0),
        None => "logic".to_owned(),
    }
}

/// The evaluator's result alias.
pub type Result<T, E = EvalError> = std::result::Result<T, E>;

/// Result of one opcode: the machine turns a fault into an [`EvalError`] with the pc.
pub(crate) type OpResult<T = ()> = std::result::Result<T, Fault>;

/// Shorthand for returning a fault from an opcode.
pub(crate) fn fault<T>(kind: FaultKind, message: impl Into<String>) -> OpResult<T> {
    Err(Fault::new(kind, message))
}
