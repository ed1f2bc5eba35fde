//! The AVM evaluator: runs TEAL bytecode (versions 1–12, opcodes of v10) in application and
//! logic-signature mode against a [`Ledger`].
//!
//! ```text
//! evaluate_group(ledger, group, params) -> GroupOutcome { txns: [TxnOutcome { app_call, .. }] }
//! ```
//!
//! Costs and limits follow go-algorand: pooled budgets (700 per app call including inner app
//! calls, 20,000 per logic signature), 1,000 stack items, 4,096-byte values, 32 logs / 1,024
//! bytes, 256 inner transactions per group, v9 resource sharing across the group.
//!
//! Known limitations: curve cryptography (`ecdsa_*`, `ec_*`, `vrf_verify`) and `block` /
//! `FirstValidTime` (no block headers) fail as unsupported; inner transactions carry zero
//! `TxID`/group ids (computing them needs the canonical encoding); holdings and local states
//! are available whenever both halves are (go-algorand also requires them to be named by one
//! transaction); state schemas are enforced by the ledger, not here; a rejecting clear-state
//! program fails the group instead of being forgiven.

mod call;
mod check;
mod context;
mod error;
mod group;
mod ledger;
mod machine;
mod mem;
mod opcodes;
mod ops;
mod outcome;
mod program;
mod txn;
mod value;

pub use context::{Delta, EvalParams, StateDelta};
pub use error::{EvalError, Fault, FaultKind, Result};
pub use group::{
    GroupOutcome, GroupTxn, LogicSig, TxnOutcome, evaluate_group, evaluate_logic_sigs, failing_app,
};
pub use ledger::{AccountInfo, AppParams, AssetHolding, AssetParams, Created, Ledger};
pub use mem::MemLedger;
pub use outcome::{AppOutcome, InnerOutcome};
pub use txn::{AssetConfigFields, BoxRef, OnCompletion, Schema, Txn, TxnType};
pub use value::Value;

impl EvalError {
    /// Fills in the source line (from 1) of a program failure from the assembler's source map
    /// of that program.
    pub fn with_source_map(mut self, map: &crate::SourceMap) -> Self {
        if let Self::App { pc, line, .. } | Self::LogicSig { pc, line, .. } = &mut self {
            *line = map.line_for_pc(*pc);
        }
        self
    }
}
