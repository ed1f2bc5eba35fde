//! The assembler's static knowledge of stack types: what go-algorand's assembler believes is
//! on the stack at each instruction, used to reject programs whose types cannot fit.

use crate::spec::{ArgType, AvmType, MAX_STRING_SIZE};
use std::borrow::Cow;

/// A stack value's type: AVM kind, a value (uint) or length (bytes) range, and a display name.
/// Two types are equal only if their names are too, as in go-algorand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StackType {
    pub(crate) avm: AvmType,
    pub(crate) bound: (u64, u64),
    pub(crate) name: Cow<'static, str>,
}

fn derived_name(avm: AvmType, (low, high): (u64, u64)) -> Cow<'static, str> {
    let base = match avm {
        AvmType::None => "none",
        AvmType::Any => "any",
        AvmType::Uint64 => "uint64",
        AvmType::Bytes => "[]byte",
    };
    match avm {
        AvmType::Bytes if low == high => format!("[{low}]byte").into(),
        AvmType::Uint64 if low == high => low.to_string().into(),
        AvmType::Bytes if low == 0 && high != 0 && high != MAX_STRING_SIZE => {
            format!("[<={high}]byte").into()
        }
        AvmType::Uint64 if low == 0 && high != 0 && high != u64::MAX => {
            format!("uint64 (<= {high})").into()
        }
        AvmType::Bytes if low != 0 && high != 0 => format!("[{low}-{high}]byte").into(),
        AvmType::Uint64 if low != 0 && high != 0 => format!("uint64 ({low}-{high})").into(),
        _ => base.into(),
    }
}

impl StackType {
    pub(crate) fn new(avm: AvmType, bound: (u64, u64)) -> Self {
        StackType { avm, bound, name: derived_name(avm, bound) }
    }

    fn named(avm: AvmType, bound: (u64, u64), name: &'static str) -> Self {
        StackType { avm, bound, name: name.into() }
    }

    pub(crate) fn any() -> Self {
        Self::named(AvmType::Any, (0, 0), "any")
    }

    pub(crate) fn none() -> Self {
        Self::named(AvmType::None, (0, 0), "none")
    }

    pub(crate) fn uint64() -> Self {
        Self::new(AvmType::Uint64, (0, u64::MAX))
    }

    pub(crate) fn bytes() -> Self {
        Self::new(AvmType::Bytes, (0, MAX_STRING_SIZE))
    }

    pub(crate) fn zero_uint() -> Self {
        Self::named(AvmType::Uint64, (0, 0), "0")
    }

    pub(crate) fn from_arg(arg: ArgType) -> Self {
        let bound = arg.bounds();
        match arg {
            ArgType::Any => Self::any(),
            ArgType::None => Self::none(),
            ArgType::Uint64 | ArgType::Bytes => Self::new(arg.avm_type(), bound),
            ArgType::Bool => Self::named(AvmType::Uint64, bound, "bool"),
            ArgType::Address => Self::named(AvmType::Bytes, bound, "address"),
            ArgType::BigInt => Self::named(AvmType::Bytes, bound, "bigint"),
            ArgType::StateKey => Self::named(AvmType::Bytes, bound, "stateKey"),
            ArgType::BoxName => Self::named(AvmType::Bytes, bound, "boxName"),
            ArgType::Method => Self::named(AvmType::Bytes, bound, "method"),
            ArgType::FixedBytes(_) => Self::new(AvmType::Bytes, bound),
        }
    }

    pub(crate) fn union(&self, other: &StackType) -> StackType {
        if self.avm != other.avm {
            return Self::any();
        }
        let bound = (self.bound.0.min(other.bound.0), self.bound.1.max(other.bound.1));
        Self::new(self.avm, bound)
    }

    pub(crate) fn widened(&self) -> StackType {
        match self.avm {
            AvmType::Bytes => Self::bytes(),
            AvmType::Uint64 => Self::uint64(),
            AvmType::Any | AvmType::None => Self::any(),
        }
    }

    /// The value, when this is a uint64 known exactly.
    pub(crate) fn const_int(&self) -> Option<u64> {
        (self.avm == AvmType::Uint64 && self.bound.0 == self.bound.1).then_some(self.bound.0)
    }

    /// Whether a value of this type could be a value of `expected`.
    pub(crate) fn overlaps(&self, expected: &StackType) -> bool {
        if self.avm == AvmType::None || expected.avm == AvmType::None {
            return false;
        }
        if self.avm == AvmType::Any || expected.avm == AvmType::Any {
            return true;
        }
        self.avm == expected.avm
            && self.bound.0 <= expected.bound.1
            && self.bound.1 >= expected.bound.0
    }
}

/// The number of scratch slots.
pub(crate) const SCRATCH_SLOTS: usize = 256;

/// What the assembler knows about the stack and scratch space at the current instruction.
#[derive(Clone, Debug)]
pub(crate) struct Knowledge {
    /// Known types, deepest first.
    pub(crate) stack: Vec<StackType>,
    /// The type of values below the known part: `none` at program start (an empty stack),
    /// `any` after a label (control may arrive from elsewhere).
    pub(crate) bottom: StackType,
    /// Code after an unconditional jump, before any label: nothing is checked.
    pub(crate) deadcode: bool,
    /// The frame pointer set by `proto`, as an index into `stack`.
    pub(crate) frame_pointer: Option<usize>,
    pub(crate) scratch: Vec<StackType>,
}

impl Knowledge {
    pub(crate) fn new() -> Self {
        Knowledge {
            stack: Vec::new(),
            bottom: StackType::none(),
            deadcode: false,
            frame_pointer: None,
            scratch: vec![StackType::zero_uint(); SCRATCH_SLOTS],
        }
    }

    pub(crate) fn top(&self) -> StackType {
        self.stack.last().cloned().unwrap_or_else(|| self.bottom.clone())
    }

    pub(crate) fn pop(&mut self) -> StackType {
        self.stack.pop().unwrap_or_else(|| self.bottom.clone())
    }

    pub(crate) fn deaden(&mut self) {
        self.stack.clear();
        self.deadcode = true;
    }

    /// Control may enter here from elsewhere: forget what dead code left behind.
    pub(crate) fn label(&mut self) {
        if self.deadcode {
            self.reset();
        }
    }

    pub(crate) fn reset(&mut self) {
        self.stack.clear();
        self.bottom = StackType::any();
        self.frame_pointer = None;
        self.deadcode = false;
        self.scratch.fill(StackType::any());
    }
}
