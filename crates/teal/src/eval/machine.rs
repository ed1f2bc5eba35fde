//! The interpreter loop: decoding, operand checks, cost accounting and the stack.

use tipforge_algo::AppId;

use super::check::check;
use super::context::{Level, Shared};
use super::error::{Fault, FaultKind, OpResult, fault};
use super::opcodes::{Cost, OpSpec, lookup};
use super::ops;
use super::outcome::CallRecord;
use super::program::{instr_size, program_version};
use super::value::Value;

/// Deepest stack a program may build.
pub(crate) const MAX_STACK_DEPTH: usize = 1_000;
/// Longest byte string a program may hold.
pub(crate) const MAX_BYTES: usize = 4_096;
/// Highest program version this evaluator runs (two-byte branch offsets end at v12).
pub(crate) const MAX_VERSION: u64 = 12;
/// Budget of a clear-state program, which may not draw on the pool beyond its own share.
const CLEAR_STATE_BUDGET: u64 = 700;

/// A subroutine frame pushed by `callsub`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub(crate) retpc: usize,
    pub(crate) height: usize,
    /// Whether `proto` declared the frame's shape (and `retsub` cleans up).
    pub(crate) clear: bool,
    pub(crate) args: usize,
    pub(crate) returns: usize,
}

/// One running program.
pub(crate) struct Vm<'a, 'l> {
    pub(crate) program: &'a [u8],
    pub(crate) version: u64,
    pub(crate) pc: usize,
    pub(crate) next_pc: Option<usize>,
    pub(crate) stack: Vec<Value>,
    pub(crate) scratch: Vec<Value>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) from_callsub: bool,
    pub(crate) intc: Vec<u64>,
    pub(crate) bytec: Vec<Vec<u8>>,
    pub(crate) cost: u64,
    pub(crate) app_mode: bool,
    pub(crate) clear_state: bool,
    pub(crate) level: &'a Level<'a>,
    pub(crate) shared: &'a mut Shared<'l>,
    pub(crate) app: AppId,
    pub(crate) out: CallRecord,
}

impl<'a, 'l> Vm<'a, 'l> {
    pub(crate) fn new(
        program: &'a [u8],
        level: &'a Level<'a>,
        shared: &'a mut Shared<'l>,
        app: Option<AppId>,
    ) -> Self {
        Self {
            program,
            version: 0,
            pc: 0,
            next_pc: None,
            stack: Vec::with_capacity(16),
            scratch: vec![Value::Uint(0); 256],
            frames: Vec::new(),
            from_callsub: false,
            intc: Vec::new(),
            bytec: Vec::new(),
            cost: 0,
            app_mode: app.is_some(),
            clear_state: false,
            level,
            shared,
            app: app.unwrap_or_default(),
            out: CallRecord::default(),
        }
    }

    /// Runs the program to its end: whether it approved, or the pc and reason of a panic.
    pub(crate) fn run(&mut self) -> Result<bool, (usize, Fault)> {
        self.begin().map_err(|f| (self.pc, f))?;
        let budget = self.shared.budget;
        check(self.program, self.version, self.pc, self.app_mode, budget)?;
        while self.pc < self.program.len() {
            self.step().map_err(|f| (self.pc, f))?;
        }
        self.finish().map_err(|f| (self.pc, f))
    }

    fn begin(&mut self) -> OpResult {
        let (version, start) = program_version(self.program)?;
        if version > MAX_VERSION {
            let message = format!(
                "program version {version} greater than max supported version {MAX_VERSION}"
            );
            return fault(FaultKind::Program, message);
        }
        let protocol = self.shared.params.logic_sig_version;
        if version > protocol {
            let message = format!(
                "program version {version} greater than protocol supported version {protocol}"
            );
            return fault(FaultKind::Program, message);
        }
        self.version = version;
        self.pc = start;
        Ok(())
    }

    fn finish(&mut self) -> OpResult<bool> {
        if self.stack.len() != 1 {
            let message = format!("stack len is {} instead of 1", self.stack.len());
            return fault(FaultKind::Assert, message);
        }
        match self.stack[0] {
            Value::Uint(result) => Ok(result != 0),
            Value::Bytes(_) => fault(FaultKind::Assert, "stack finished with bytes not int"),
        }
    }

    fn step(&mut self) -> OpResult {
        let code = self.program[self.pc];
        let Some(spec) = lookup(code, self.version) else {
            return fault(FaultKind::Program, format!("illegal opcode 0x{code:02x}"));
        };
        self.check_operands(spec)?;
        let size = instr_size(spec, self.program, self.pc)?;
        self.charge(spec)?;
        ops::exec(self, spec)?;
        self.check_results()?;
        self.pc = self.next_pc.take().unwrap_or(self.pc + size);
        Ok(())
    }

    fn check_operands(&self, spec: &OpSpec) -> OpResult {
        if !spec.modes.allows(self.app_mode) {
            return fault(FaultKind::Program, format!("{} not allowed in current mode", spec.name));
        }
        let wanted = spec.args.as_bytes();
        let Some(first) = self.stack.len().checked_sub(wanted.len()) else {
            return fault(FaultKind::Stack, format!("stack underflow in {}", spec.name));
        };
        for (i, (kind, value)) in wanted.iter().zip(&self.stack[first..]).enumerate() {
            let ok = !matches!((kind, value), (b'i', Value::Bytes(_)) | (b'b', Value::Uint(_)));
            if !ok {
                let message = format!(
                    "{} arg {i} wanted {} but got {}",
                    spec.name,
                    spec.arg_names[i],
                    value.type_name()
                );
                return fault(FaultKind::Stack, message);
            }
        }
        Ok(())
    }

    fn charge(&mut self, spec: &OpSpec) -> OpResult {
        let cost = match spec.cost_in(self.version) {
            Cost::Fixed(cost) => cost,
            Cost::ByLength { base, per, chunk, depth } => {
                let len = match self.stack.len().checked_sub(depth + 1).map(|i| &self.stack[i]) {
                    Some(Value::Bytes(b)) => b.len() as u64,
                    _ => 0,
                };
                base + per * len.div_ceil(chunk)
            }
        };
        if cost > self.remaining_budget() {
            let message = format!(
                "dynamic cost budget exceeded, executing {}: local program cost was {}",
                spec.name, self.cost
            );
            return fault(FaultKind::Limit, message);
        }
        self.cost += cost;
        self.shared.budget -= cost;
        Ok(())
    }

    fn check_results(&self) -> OpResult {
        if self.stack.len() > MAX_STACK_DEPTH {
            return fault(FaultKind::Stack, "stack overflow");
        }
        if let Some(Value::Bytes(b)) = self.stack.last() {
            if b.len() > MAX_BYTES {
                let spec_name = lookup(self.program[self.pc], self.version).map_or("", |s| s.name);
                let message = format!("{spec_name} produced a too big ({}) byte-array", b.len());
                return fault(FaultKind::Limit, message);
            }
        }
        Ok(())
    }

    /// The budget this program may still spend (`global OpcodeBudget`).
    pub(crate) fn remaining_budget(&self) -> u64 {
        if self.clear_state {
            return self.shared.budget.min(CLEAR_STATE_BUDGET.saturating_sub(self.cost));
        }
        self.shared.budget
    }

    pub(crate) fn pop(&mut self) -> OpResult<Value> {
        match self.stack.pop() {
            Some(value) => Ok(value),
            None => fault(FaultKind::Stack, "stack underflow"),
        }
    }

    pub(crate) fn pop_uint(&mut self) -> OpResult<u64> {
        self.pop()?.uint()
    }

    pub(crate) fn pop_bytes(&mut self) -> OpResult<Vec<u8>> {
        self.pop()?.into_bytes()
    }

    pub(crate) fn push(&mut self, value: Value) {
        self.stack.push(value);
    }

    pub(crate) fn push_uint(&mut self, value: u64) {
        self.stack.push(Value::Uint(value));
    }

    pub(crate) fn push_bool(&mut self, value: bool) {
        self.stack.push(Value::from_bool(value));
    }

    pub(crate) fn push_bytes(&mut self, value: Vec<u8>) {
        self.stack.push(Value::Bytes(value));
    }

    /// The `n`th immediate byte of the current instruction (the size check guarantees it).
    pub(crate) fn imm(&self, n: usize) -> u8 {
        self.program.get(self.pc + n).copied().unwrap_or(0)
    }

    /// Fails with go-algorand's wording for opcodes this evaluator leaves out.
    pub(crate) fn unsupported(&self, spec: &OpSpec) -> OpResult {
        fault(FaultKind::Unsupported, format!("unsupported opcode {}", spec.name))
    }
}
