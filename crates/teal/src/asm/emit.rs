//! Writing instructions: each opcode's immediates, the constant pseudo-ops and branches.

use super::error::{AssembleError, Result};
use super::lexer::Token;
use super::literal::{parse_byte_literal, parse_int8, parse_string, parse_uint};
use super::stream::{Assembler, BACK_BRANCH_VERSION, ConstRef, LabelRef, Pseudo, Resolved, Target};
use super::types::StackType;
use crate::spec::{self, FieldGroup, ImmKind, MAX_STRING_SIZE, OpSpec, named_int_constant};
use std::str::FromStr;
use tipforge_algo::Address;

fn immediate_error(at: Token<'_>, message: String) -> AssembleError {
    AssembleError::Immediate { line: at.line, column: at.column, message }
}

fn constant_error(at: Token<'_>, message: String) -> AssembleError {
    AssembleError::Constant { line: at.line, column: at.column, message }
}

/// Appends `value` as an unsigned LEB128 varint.
pub(super) fn put_uvarint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A number 0–255 (with Go's base prefixes).
fn byte_immediate(text: &str, what: &str) -> std::result::Result<u8, String> {
    let value =
        parse_uint(text).ok_or_else(|| format!("unable to parse {what} {text:?} as integer"))?;
    u8::try_from(value).map_err(|_| format!("{what} beyond 255: {value}"))
}

fn texts<'t>(args: &[Token<'t>]) -> Vec<&'t str> {
    args.iter().map(|a| a.text).collect()
}

impl<'a> Assembler<'a> {
    fn op(&self, name: &str) -> &'static OpSpec {
        spec::op_by_name(name, self.version).expect("opcode exists in every version used")
    }

    pub(super) fn emit(
        &mut self,
        resolved: &Resolved<'_>,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        let op = match resolved.target {
            Target::Pseudo(Pseudo::Int) => return self.emit_int(mnemonic, args),
            Target::Pseudo(Pseudo::Byte) => return self.emit_byte(mnemonic, args),
            Target::Pseudo(Pseudo::Addr) => return self.emit_addr(mnemonic, args),
            Target::Pseudo(Pseudo::Method) => return self.emit_method(mnemonic, args),
            Target::Op(op) => op,
        };
        let name = resolved.name;
        match op.name {
            "intcblock" => self.emit_intcblock(op, mnemonic, args),
            "bytecblock" => self.emit_bytecblock(op, mnemonic, args),
            "intc" | "bytec" => self.emit_const_load(op, mnemonic, args),
            "arg" => self.emit_arg(op, mnemonic, args),
            "pushint" => self.emit_pushint(op, name, mnemonic, args),
            "pushbytes" => self.emit_pushbytes(op, name, mnemonic, args),
            "pushints" => {
                self.pending.push(op.opcode);
                self.put_uint_list(args)
            }
            "pushbytess" => {
                self.pending.push(op.opcode);
                self.put_bytes_list(name, args).map(drop)
            }
            "bnz" | "bz" | "b" | "callsub" => self.emit_branch(op, name, mnemonic, args),
            "switch" | "match" => self.emit_switch(op, name, args),
            "substring" => self.emit_substring(op, name, mnemonic, args),
            "itxn_field" => self.emit_itxn_field(op, name, mnemonic, args),
            "itxn" if args.len() == 2 => self.emit_default(self.op("itxna"), name, mnemonic, args),
            "gitxn" if args.len() == 3 => {
                self.emit_default(self.op("gitxna"), name, mnemonic, args)
            }
            "itxn" | "gitxn" if args.len() != op.immediates.len() => {
                let expected = if op.name == "itxn" { "1 or 2" } else { "2 or 3" };
                let message = format!("{name} expects {expected} immediate arguments");
                Err(immediate_error(mnemonic, message))
            }
            _ => self.emit_default(op, name, mnemonic, args),
        }
    }

    fn check_arg_count(
        &self,
        name: &str,
        mnemonic: Token<'_>,
        args: &[Token<'_>],
        expected: usize,
    ) -> Result<()> {
        let offered = args.len();
        if offered == expected {
            return Ok(());
        }
        let (line, column) = if offered > expected {
            (args[expected].line, args[expected].column)
        } else {
            let last = args.last().copied().unwrap_or(mnemonic);
            (last.line, last.column + last.text.len())
        };
        let message = if expected == 1 {
            format!("{name} expects 1 immediate argument")
        } else {
            format!("{name} expects {expected} immediate arguments")
        };
        Err(AssembleError::Immediate { line, column, message })
    }

    /// Replaces the first `any` among `op`'s results with the type a field yields.
    fn refine_result(&mut self, op: &OpSpec, field_type: StackType) {
        if self.known.deadcode {
            return;
        }
        let start = self.known.stack.len().saturating_sub(op.returns.len());
        if let Some(slot) =
            self.known.stack[start..].iter_mut().find(|t| t.avm == spec::AvmType::Any)
        {
            *slot = field_type;
        }
    }

    fn emit_default(
        &mut self,
        op: &'static OpSpec,
        name: &str,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.check_arg_count(name, mnemonic, args, op.immediates.len())?;
        self.pending.push(op.opcode);
        for (imm, arg) in op.immediates.iter().zip(args) {
            let byte = match (imm.kind, imm.group) {
                (ImmKind::Byte, Some(group)) => self.field_immediate(op, name, group, *arg)?,
                (ImmKind::Byte, None) => byte_immediate(arg.text, imm.name)
                    .map_err(|e| immediate_error(*arg, format!("{name} {e}")))?,
                (ImmKind::Int8, _) => parse_int8(arg.text).map(|v| v as u8).ok_or_else(|| {
                    let message =
                        format!("{name} unable to parse {} {:?} as int8", imm.name, arg.text);
                    immediate_error(*arg, message)
                })?,
                (kind, _) => {
                    return Err(immediate_error(*arg, format!("unable to assemble {kind:?}")));
                }
            };
            self.pending.push(byte);
        }
        Ok(())
    }

    fn field_immediate(
        &mut self,
        op: &OpSpec,
        name: &str,
        group: FieldGroup,
        arg: Token<'_>,
    ) -> Result<u8> {
        let Some(field) = group.by_name(arg.text) else {
            return Err(immediate_error(arg, format!("{name} unknown field: {:?}", arg.text)));
        };
        if let Some(ty) = field.ty {
            self.refine_result(op, StackType::from_arg(ty));
        }
        if u64::from(field.version) > self.version {
            let message = format!(
                "{name} {} field was introduced in v{}. Missed #pragma version?",
                arg.text, field.version
            );
            return Err(immediate_error(arg, message));
        }
        Ok(field.index)
    }

    fn emit_itxn_field(
        &mut self,
        op: &OpSpec,
        name: &str,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.check_arg_count(name, mnemonic, args, 1)?;
        let arg = args[0];
        if spec::txn_field(arg.text).is_none() {
            return Err(immediate_error(arg, format!("{name} unknown field: {:?}", arg.text)));
        }
        let Some(field) = FieldGroup::ItxnSettable.by_name(arg.text) else {
            return Err(immediate_error(arg, format!("{name} {:?} is not allowed.", arg.text)));
        };
        if u64::from(field.version) > self.version {
            let message = format!(
                "{name} {} field was introduced in v{}. Missed #pragma version?",
                arg.text, field.version
            );
            return Err(immediate_error(arg, message));
        }
        self.pending.extend([op.opcode, field.index]);
        Ok(())
    }

    fn emit_substring(
        &mut self,
        op: &'static OpSpec,
        name: &str,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.emit_default(op, name, mnemonic, args)?;
        let start = parse_uint(args[0].text);
        let end = parse_uint(args[1].text);
        if end < start {
            return Err(immediate_error(args[0], "substring end is before start".into()));
        }
        Ok(())
    }

    fn emit_arg(
        &mut self,
        op: &'static OpSpec,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.check_arg_count(op.name, mnemonic, args, 1)?;
        let index = byte_immediate(args[0].text, "argument")
            .map_err(|message| immediate_error(args[0], message))?;
        if index < 4 {
            let short = self.op(["arg_0", "arg_1", "arg_2", "arg_3"][usize::from(index)]);
            return self.emit_default(short, op.name, mnemonic, &[]);
        }
        self.emit_default(op, op.name, mnemonic, args)
    }

    fn emit_branch(
        &mut self,
        op: &OpSpec,
        name: &str,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.check_arg_count(name, mnemonic, args, 1)?;
        let start = self.pending.len();
        self.label_refs.push(LabelRef {
            position: start + 1,
            label: args[0],
            offset_position: start + 3,
        });
        self.pending.extend([op.opcode, 0, 0]);
        Ok(())
    }

    fn emit_switch(&mut self, op: &OpSpec, name: &str, args: &[Token<'a>]) -> Result<()> {
        if args.len() > 255 {
            let message = format!("{name} cannot take more than 255 labels");
            return Err(immediate_error(args[255], message));
        }
        self.pending.extend([op.opcode, args.len() as u8]);
        let end = self.pending.len() + 2 * args.len();
        for label in args {
            let position = self.pending.len();
            self.label_refs.push(LabelRef { position, label: *label, offset_position: end });
            self.pending.extend([0, 0]);
        }
        Ok(())
    }

    fn put_uint_list(&mut self, args: &[Token<'a>]) -> Result<()> {
        put_uvarint(&mut self.pending, args.len() as u64);
        for arg in args {
            let value = parse_uint(arg.text).ok_or_else(|| {
                immediate_error(
                    *arg,
                    format!("strconv.ParseUint: parsing {:?}: invalid syntax", arg.text),
                )
            })?;
            put_uvarint(&mut self.pending, value);
        }
        Ok(())
    }

    fn put_bytes_list(&mut self, name: &str, args: &[Token<'a>]) -> Result<Vec<Vec<u8>>> {
        let mut values = Vec::new();
        let mut rest = args;
        while !rest.is_empty() {
            let literal = parse_byte_literal(&texts(rest))
                .map_err(|e| immediate_error(rest[0], format!("{name} {}", e.message)))?;
            if literal.value.len() as u64 > MAX_STRING_SIZE {
                let message = format!(
                    "{name} arg {} is too big ({} bytes, limit {MAX_STRING_SIZE})",
                    values.len(),
                    literal.value.len()
                );
                return Err(immediate_error(rest[0], message));
            }
            values.push(literal.value);
            rest = &rest[literal.consumed..];
        }
        put_uvarint(&mut self.pending, values.len() as u64);
        for value in &values {
            put_uvarint(&mut self.pending, value.len() as u64);
            self.pending.extend_from_slice(value);
        }
        Ok(values)
    }

    fn emit_intcblock(
        &mut self,
        op: &OpSpec,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.pending.push(op.opcode);
        self.put_uint_list(args)?;
        if self.known.deadcode {
            return Ok(());
        }
        if self.has_pseudo_int {
            return Err(constant_error(mnemonic, "intcblock following int".into()));
        }
        self.intc_refs.clear();
        self.intc = args.iter().filter_map(|a| parse_uint(a.text)).collect();
        self.intc_blocks += 1;
        Ok(())
    }

    fn emit_bytecblock(
        &mut self,
        op: &OpSpec,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.pending.push(op.opcode);
        let values = self.put_bytes_list(op.name, args)?;
        if self.known.deadcode {
            return Ok(());
        }
        if self.has_pseudo_byte {
            return Err(constant_error(mnemonic, "bytecblock following byte/addr/method".into()));
        }
        self.bytec_refs.clear();
        self.bytec = values;
        self.bytec_blocks += 1;
        Ok(())
    }

    fn emit_const_load(
        &mut self,
        op: &OpSpec,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.check_arg_count(op.name, mnemonic, args, 1)?;
        let index = byte_immediate(args[0].text, "constant")
            .map_err(|message| immediate_error(args[0], message))?;
        let ints = op.name == "intc";
        self.write_const_load(ints, usize::from(index)).map_err(|m| constant_error(args[0], m))
    }

    /// Writes `intc_N`/`intc N` (or the `bytec` forms) and checks the block has that entry.
    fn write_const_load(&mut self, ints: bool, index: usize) -> std::result::Result<(), String> {
        let (kind, short, long, defined) = if ints {
            ("int", ["intc_0", "intc_1", "intc_2", "intc_3"], "intc", self.intc.len())
        } else {
            ("byte", ["bytec_0", "bytec_1", "bytec_2", "bytec_3"], "bytec", self.bytec.len())
        };
        if index > 255 {
            return Err(format!("cannot have more than 256 {kind} constants"));
        }
        match short.get(index) {
            Some(name) => self.pending.push(self.op(name).opcode),
            None => self.pending.extend([self.op(long).opcode, index as u8]),
        }
        if index >= defined {
            return Err(format!("{long} {index} is not defined"));
        }
        Ok(())
    }

    fn emit_pushint(
        &mut self,
        op: &OpSpec,
        name: &str,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        self.check_arg_count(name, mnemonic, args, 1)?;
        let value = parse_uint(args[0].text).ok_or_else(|| {
            immediate_error(args[0], format!("unable to parse {:?} as integer", args[0].text))
        })?;
        self.pending.push(op.opcode);
        put_uvarint(&mut self.pending, value);
        Ok(())
    }

    fn emit_pushbytes(
        &mut self,
        op: &OpSpec,
        name: &str,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<()> {
        let value = self.byte_argument(name, mnemonic, args)?;
        self.pending.push(op.opcode);
        put_uvarint(&mut self.pending, value.len() as u64);
        self.pending.extend_from_slice(&value);
        Ok(())
    }

    /// The single byte literal of `byte`/`pushbytes`.
    fn byte_argument(
        &self,
        name: &str,
        mnemonic: Token<'a>,
        args: &[Token<'a>],
    ) -> Result<Vec<u8>> {
        if args.is_empty() {
            let (line, column) = (mnemonic.line, mnemonic.column + mnemonic.text.len());
            let message = format!("{name} needs byte literal argument");
            return Err(AssembleError::Immediate { line, column, message });
        }
        let literal = parse_byte_literal(&texts(args)).map_err(|e| {
            immediate_error(args[e.blamed.min(args.len() - 1)], format!("{name} {}", e.message))
        })?;
        if let Some(extra) = args.get(literal.consumed) {
            return Err(immediate_error(*extra, format!("{name} with extraneous argument")));
        }
        if literal.value.len() as u64 > MAX_STRING_SIZE {
            let message = format!(
                "{name} value is too big ({} bytes, limit {MAX_STRING_SIZE})",
                literal.value.len()
            );
            return Err(immediate_error(args[0], message));
        }
        Ok(literal.value)
    }

    /// A constant block was declared by hand: `int`/`byte` must push instead, where they can.
    fn must_push(&self, blocks: usize) -> Option<bool> {
        let can_push = self.version >= 3;
        if blocks > 0 && self.version >= BACK_BRANCH_VERSION {
            return Some(true);
        }
        (blocks > 1).then_some(can_push)
    }

    fn emit_int(&mut self, mnemonic: Token<'a>, args: &[Token<'a>]) -> Result<()> {
        self.check_arg_count("int", mnemonic, args, 1)?;
        match self.must_push(self.intc_blocks) {
            Some(true) => return self.emit_pushint(self.op("pushint"), "int", mnemonic, args),
            Some(false) => {
                let message =
                    format!("int {} used with manual intcblocks. Use intc.", args[0].text);
                return Err(constant_error(mnemonic, message));
            }
            None => {}
        }
        let value = named_int_constant(args[0].text).or_else(|| parse_uint(args[0].text));
        let Some(value) = value else {
            let message = format!("unable to parse {:?} as integer", args[0].text);
            return Err(immediate_error(args[0], message));
        };
        self.int_literal(value).map_err(|message| constant_error(args[0], message))
    }

    fn int_literal(&mut self, value: u64) -> std::result::Result<(), String> {
        self.has_pseudo_int = true;
        let index = match self.intc.iter().position(|v| *v == value) {
            Some(index) => index,
            None if self.intc_blocks > 0 => {
                return Err(format!("value {value} does not appear in existing intcblock"));
            }
            None => {
                self.intc.push(value);
                self.intc.len() - 1
            }
        };
        self.intc_refs.push(ConstRef { value, position: self.pending.len() });
        self.write_const_load(true, index)
    }

    fn emit_byte(&mut self, mnemonic: Token<'a>, args: &[Token<'a>]) -> Result<()> {
        if args.is_empty() {
            return self.byte_argument("byte", mnemonic, args).map(drop);
        }
        match self.must_push(self.bytec_blocks) {
            Some(true) => return self.emit_pushbytes(self.op("pushbytes"), "byte", mnemonic, args),
            Some(false) => {
                let message =
                    format!("byte {} used with manual bytecblocks. Use bytec.", args[0].text);
                return Err(constant_error(args[0], message));
            }
            None => {}
        }
        let value = self.byte_argument("byte", mnemonic, args)?;
        self.byte_literal(value).map_err(|message| constant_error(args[0], message))
    }

    fn emit_addr(&mut self, mnemonic: Token<'a>, args: &[Token<'a>]) -> Result<()> {
        self.check_arg_count("addr", mnemonic, args, 1)?;
        let address = Address::from_str(args[0].text)
            .map_err(|e| immediate_error(args[0], format!("addr {e}")))?;
        let value = address.as_bytes().to_vec();
        self.byte_literal(value).map_err(|message| constant_error(args[0], message))
    }

    fn emit_method(&mut self, mnemonic: Token<'a>, args: &[Token<'a>]) -> Result<()> {
        self.check_arg_count("method", mnemonic, args, 1)?;
        let text = args[0].text;
        if !(text.len() > 1 && text.starts_with('"') && text.ends_with('"')) {
            return Err(immediate_error(args[0], "unable to parse method signature".into()));
        }
        let signature = parse_string(text).map_err(|message| immediate_error(args[0], message))?;
        let selector = tipforge_algo::sha512_256(&signature)[..4].to_vec();
        self.byte_literal(selector).map_err(|message| constant_error(args[0], message))
    }

    fn byte_literal(&mut self, value: Vec<u8>) -> std::result::Result<(), String> {
        self.has_pseudo_byte = true;
        let index = match self.bytec.iter().position(|v| *v == value) {
            Some(index) => index,
            None if self.bytec_blocks > 0 => {
                let hex: String = value.iter().map(|b| format!("{b:02x}")).collect();
                return Err(format!("value 0x{hex} does not appear in existing bytecblock"));
            }
            None => {
                self.bytec.push(value.clone());
                self.bytec.len() - 1
            }
        };
        self.bytec_refs.push(ConstRef { value, position: self.pending.len() });
        self.write_const_load(false, index)
    }
}
