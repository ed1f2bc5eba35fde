//! The assembler's state and its pass over the source: lines, statements, labels, opcode
//! lookup and stack-type tracking.

use super::Assembled;
use super::compat::loose_argument;
use super::error::{AssembleError, Result};
use super::lexer::{self, Token};
use super::refine::{RefineError, refine};
use super::types::{Knowledge, StackType};
use crate::spec::{self, OpSpec};
use std::collections::{BTreeMap, HashMap};

/// The version before any `#pragma version` or instruction settles it.
pub(super) const NO_VERSION: u64 = u64::MAX;

/// The version assumed when the source has no `#pragma version`.
const DEFAULT_VERSION: u64 = 1;

/// First version whose `int`/`byte` constants are reordered and inlined.
pub(super) const OPTIMIZE_CONSTANTS_VERSION: u64 = 4;

/// First version with backward branches.
pub(super) const BACK_BRANCH_VERSION: u64 = 4;

/// go's line scanner gives up on longer lines.
const MAX_LINE: usize = 64 * 1024;

/// A pseudo-op that is not an opcode of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pseudo {
    Int,
    Byte,
    Addr,
    Method,
}

/// What a mnemonic assembles to.
#[derive(Clone, Copy, Debug)]
pub(super) enum Target {
    Op(&'static OpSpec),
    Pseudo(Pseudo),
}

/// A mnemonic resolved against the program's version.
pub(super) struct Resolved<'s> {
    pub(super) target: Target,
    /// The name as written (a pseudo-op's name for `txn`, `extract`, …).
    pub(super) name: &'s str,
}

/// A constant loaded by an `int`/`byte`/`addr`/`method` pseudo-op, at `position` in `pending`.
#[derive(Clone, Debug)]
pub(super) struct ConstRef<T> {
    pub(super) value: T,
    pub(super) position: usize,
}

/// A branch offset to patch once labels are known.
#[derive(Clone, Debug)]
pub(super) struct LabelRef<'a> {
    /// Where the two offset bytes go.
    pub(super) position: usize,
    pub(super) label: Token<'a>,
    /// The position the offset is relative to (end of the instruction).
    pub(super) offset_position: usize,
}

pub(super) struct Assembler<'a> {
    pub(super) source: &'a str,
    pub(super) version: u64,
    pub(super) pending: Vec<u8>,
    pub(super) intc: Vec<u64>,
    pub(super) intc_refs: Vec<ConstRef<u64>>,
    pub(super) intc_blocks: usize,
    pub(super) has_pseudo_int: bool,
    pub(super) bytec: Vec<Vec<u8>>,
    pub(super) bytec_refs: Vec<ConstRef<Vec<u8>>>,
    pub(super) bytec_blocks: usize,
    pub(super) has_pseudo_byte: bool,
    pub(super) known: Knowledge,
    pub(super) type_tracking: bool,
    pub(super) source_line: usize,
    pub(super) labels: HashMap<&'a str, usize>,
    pub(super) label_refs: Vec<LabelRef<'a>>,
    /// Instruction offsets in `pending` to (line, column).
    pub(super) offset_to_source: BTreeMap<usize, (usize, usize)>,
    pub(super) macros: HashMap<&'a str, Vec<Token<'a>>>,
}

impl<'a> Assembler<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        Assembler {
            source,
            version: NO_VERSION,
            pending: Vec::new(),
            intc: Vec::new(),
            intc_refs: Vec::new(),
            intc_blocks: 0,
            has_pseudo_int: false,
            bytec: Vec::new(),
            bytec_refs: Vec::new(),
            bytec_blocks: 0,
            has_pseudo_byte: false,
            known: Knowledge::new(),
            type_tracking: true,
            source_line: 0,
            labels: HashMap::new(),
            label_refs: Vec::new(),
            offset_to_source: BTreeMap::new(),
            macros: HashMap::new(),
        }
    }

    pub(super) fn run(mut self) -> Result<Assembled> {
        if self.source.trim().is_empty() {
            return Err(AssembleError::Empty { line: 0, column: 0 });
        }
        self.parse()?;
        // A source without instructions keeps NO_VERSION, which go-algorand writes out as is.
        if self.version >= OPTIMIZE_CONSTANTS_VERSION && self.version <= spec::MAX_VERSION {
            self.optimize_intc()?;
            self.optimize_bytec()?;
        }
        self.resolve_labels()?;
        Ok(self.finish())
    }

    fn parse(&mut self) -> Result<()> {
        let source = self.source;
        for line in lexer::lines(source) {
            self.source_line += 1;
            if line.len() >= MAX_LINE {
                return Err(AssembleError::Source {
                    line: self.source_line,
                    column: 0,
                    message: "line too long".into(),
                });
            }
            let tokens = lexer::tokens(line, self.source_line);
            match tokens.first() {
                Some(first) if first.text.starts_with('#') => self.directive(&tokens)?,
                _ => self.statements(tokens)?,
            }
        }
        Ok(())
    }

    fn statements(&mut self, tokens: Vec<Token<'a>>) -> Result<()> {
        let mut rest = Some(tokens);
        while let Some(tokens) = rest.take() {
            let (current, next) = self.next_statement(tokens)?;
            if current.is_empty() && next.as_ref().is_none_or(Vec::is_empty) {
                break;
            }
            rest = next;
            if !current.is_empty() {
                self.statement(&current)?;
            }
        }
        Ok(())
    }

    /// Splits off the first statement (up to `;`), expanding macros on the way.
    fn next_statement(
        &self,
        mut tokens: Vec<Token<'a>>,
    ) -> Result<(Vec<Token<'a>>, Option<Vec<Token<'a>>>)> {
        const MAX_EXPANDED: usize = 1 << 20;
        let mut i = 0;
        while i < tokens.len() {
            if let Some(body) = self.macros.get(tokens[i].text) {
                tokens.splice(i..=i, body[1..].iter().copied());
                if tokens.len() > MAX_EXPANDED {
                    return Err(self.source_error(tokens[0], "macro expansion too large"));
                }
                continue;
            }
            if tokens[i].text == ";" {
                let rest = tokens.split_off(i + 1);
                tokens.pop();
                return Ok((tokens, Some(rest)));
            }
            i += 1;
        }
        Ok((tokens, None))
    }

    fn source_error(&self, at: Token<'_>, message: &str) -> AssembleError {
        AssembleError::Source { line: at.line, column: at.column, message: message.into() }
    }

    fn statement(&mut self, mut current: &[Token<'a>]) -> Result<()> {
        if self.version == NO_VERSION {
            self.version = DEFAULT_VERSION;
            self.recheck_macro_names()?;
        }
        if let Some(label) = current[0].text.strip_suffix(':') {
            self.create_label(current[0], label)?;
            current = &current[1..];
            if current.is_empty() {
                return Ok(());
            }
        }
        let mnemonic = current[0];
        let args = &current[1..];
        let resolved = self.resolve(mnemonic, args.len())?;
        // The line being read, not the token's: a macro body maps to where it is used.
        self.offset_to_source.insert(self.pending.len(), (self.source_line, mnemonic.column));
        self.track_types(&resolved, current)?;
        self.emit(&resolved, mnemonic, args)?;
        if let Target::Op(op) = resolved.target {
            if matches!(op.name, "b" | "callsub" | "retsub" | "err" | "return") {
                self.known.deaden();
            }
            if op.name == "callsub" {
                self.known.label();
            }
        }
        Ok(())
    }

    fn create_label(&mut self, token: Token<'a>, label: &'a str) -> Result<()> {
        let problem = if self.macros.contains_key(label) {
            Some(format!("Cannot create label with same name as macro: {label}"))
        } else if self.labels.contains_key(label) {
            Some(format!("duplicate label {label:?}"))
        } else {
            None
        };
        if let Some(message) = problem {
            let (line, column) = (token.line, token.column);
            return Err(AssembleError::Label { line, column, label: label.into(), message });
        }
        self.labels.insert(label, self.pending.len());
        self.known.label();
        Ok(())
    }

    /// Finds what `mnemonic` with `count` immediates means in this version.
    fn resolve<'s>(&self, mnemonic: Token<'s>, count: usize) -> Result<Resolved<'s>> {
        let name = mnemonic.text;
        let opcode_error = |message: String| AssembleError::Opcode {
            line: mnemonic.line,
            column: mnemonic.column,
            name: name.into(),
            message,
        };
        let pseudo = match name {
            "int" => Some(Pseudo::Int),
            "byte" => Some(Pseudo::Byte),
            "addr" => Some(Pseudo::Addr),
            "method" => Some(Pseudo::Method),
            _ => None,
        };
        if let Some(pseudo) = pseudo {
            return Ok(Resolved { target: Target::Pseudo(pseudo), name });
        }
        if let Some(choices) = pseudo_choices(name) {
            let Some((_, target)) = choices.iter().find(|(n, _)| *n == count) else {
                let counts: Vec<usize> = choices.iter().map(|(n, _)| *n).collect();
                let expected = join_counts("immediate argument", &counts);
                return Err(opcode_error(format!("{name} expects {expected}")));
            };
            return match spec::op_by_name(target, self.version) {
                Some(op) => Ok(Resolved { target: Target::Op(op), name }),
                None => {
                    let introduced = spec::op_versions(target).map(|op| op.introduced).min();
                    let with = join_counts("immediate", &[count]);
                    let since = introduced.unwrap_or_default();
                    Err(opcode_error(format!(
                        "{name} opcode with {with} was introduced in v{since}"
                    )))
                }
            };
        }
        match spec::op_by_name(name, self.version) {
            Some(op) => Ok(Resolved { target: Target::Op(op), name }),
            None => Err(opcode_error(unknown_opcode_message(name, self.version))),
        }
    }

    fn track_types(&mut self, resolved: &Resolved<'_>, tokens: &[Token<'_>]) -> Result<()> {
        let (mut args, mut returns, refine_name) = match resolved.target {
            Target::Op(op) => (
                op.args.iter().enumerate().map(|(i, a)| checked_type(op.name, i, *a)).collect(),
                op.returns.iter().map(|a| StackType::from_arg(*a)).collect(),
                op.name,
            ),
            Target::Pseudo(Pseudo::Int) => (vec![], vec![StackType::uint64()], "int"),
            Target::Pseudo(Pseudo::Byte) => (vec![], vec![StackType::bytes()], "byte"),
            Target::Pseudo(_) => (vec![], vec![StackType::bytes()], ""),
        };
        match refine(refine_name, &mut self.known, &tokens[1..]) {
            Ok(refined) => {
                args = refined.args.unwrap_or(args);
                returns = refined.returns.unwrap_or(returns);
            }
            Err(RefineError::Type(message)) => self.type_error(tokens[0], message)?,
            Err(RefineError::Fatal(message)) => {
                let (line, column) = (tokens[0].line, tokens[0].column);
                return Err(AssembleError::Type { line, column, message });
            }
        }
        self.track_stack(&args, returns, resolved.name, tokens)
    }

    fn type_error(&self, at: Token<'_>, message: String) -> Result<()> {
        if !self.type_tracking {
            return Ok(());
        }
        Err(AssembleError::Type { line: at.line, column: at.column, message })
    }

    /// Checks that the stack holds `args`, then pushes `returns`.
    fn track_stack(
        &mut self,
        args: &[StackType],
        returns: Vec<StackType>,
        name: &str,
        tokens: &[Token<'_>],
    ) -> Result<()> {
        if self.known.deadcode {
            return Ok(());
        }
        let instruction = || {
            let mut text = name.to_string();
            for token in &tokens[1..] {
                text.push(' ');
                text.push_str(token.text);
            }
            text
        };
        let height = self.known.stack.len();
        if args.len() > height && self.known.bottom.avm == spec::AvmType::None {
            let message = format!(
                "{} expects {} stack arguments but stack height is {height}",
                instruction(),
                args.len()
            );
            self.type_error(tokens[0], message)?;
        } else {
            for (i, wanted) in args.iter().enumerate().rev() {
                let got = self.known.pop();
                if !got.overlaps(wanted) {
                    let message = format!(
                        "{} arg {i} wanted type {} got {}",
                        instruction(),
                        wanted.name,
                        got.name
                    );
                    self.type_error(tokens[0], message)?;
                }
            }
        }
        self.known.stack.extend(returns);
        Ok(())
    }
}

/// The type the assembler demands for argument `index` of `op`.
fn checked_type(op: &str, index: usize, arg: spec::ArgType) -> StackType {
    let demanded = StackType::from_arg(arg);
    if loose_argument(op, index) { demanded.widened() } else { demanded }
}

/// The ops a pseudo-op mnemonic stands for, by number of immediates.
fn pseudo_choices(name: &str) -> Option<&'static [(usize, &'static str)]> {
    Some(match name {
        "txn" => &[(1, "txn"), (2, "txna")],
        "gtxn" => &[(2, "gtxn"), (3, "gtxna")],
        "gtxns" => &[(1, "gtxns"), (2, "gtxnsa")],
        "extract" => &[(0, "extract3"), (2, "extract")],
        "replace" => &[(0, "replace3"), (1, "replace2")],
        _ => return None,
    })
}

/// Whether `name` is a pseudo-op (macros may not take such names).
pub(super) fn is_pseudo_op(name: &str) -> bool {
    matches!(name, "int" | "byte" | "addr" | "method") || pseudo_choices(name).is_some()
}

fn unknown_opcode_message(name: &str, version: u64) -> String {
    let versions: Vec<u64> =
        (1..=spec::MAX_VERSION).filter(|v| spec::op_by_name(name, *v).is_some()).collect();
    match versions.first() {
        Some(first) if *first > version => format!("{name} opcode was introduced in v{first}"),
        _ => format!("unknown opcode: {name}"),
    }
}

/// go-algorand's wording for counts: "1 immediate", "no immediates", "1 or 2 immediates".
pub(super) fn join_counts(noun: &str, counts: &[usize]) -> String {
    if let [count] = counts {
        return match count {
            0 => format!("no {noun}s"),
            1 => format!("1 {noun}"),
            n => format!("{n} {noun}s"),
        };
    }
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let list: Vec<String> = sorted.iter().map(usize::to_string).collect();
    format!("{} {noun}s", list.join(" or "))
}
