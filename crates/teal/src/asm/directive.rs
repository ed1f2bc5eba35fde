//! `#pragma` and `#define` lines, and the rules for macro names.

use super::error::{AssembleError, Result};
use super::lexer::Token;
use super::literal::{parse_bool, parse_uint};
use super::stream::{Assembler, NO_VERSION, is_pseudo_op};
use crate::spec::{self, named_int_constant};
use std::collections::HashSet;

fn directive_error(at: Token<'_>, message: String) -> AssembleError {
    AssembleError::Directive { line: at.line, column: at.column, message }
}

/// Characters other than letters and digits allowed in macro names.
const MACRO_PUNCTUATION: &str = "+-*/^%&|~!><=?_";

/// A cap on the work spent looking for macro cycles (go has none; it would just run long).
const CYCLE_SEARCH_LIMIT: usize = 100_000;

impl<'a> Assembler<'a> {
    pub(super) fn directive(&mut self, tokens: &[Token<'a>]) -> Result<()> {
        match tokens[0].text {
            "#pragma" => self.pragma(tokens),
            "#define" => self.define(tokens),
            other => Err(directive_error(tokens[0], format!("unknown directive: {}", &other[1..]))),
        }
    }

    fn pragma(&mut self, tokens: &[Token<'a>]) -> Result<()> {
        let Some(key) = tokens.get(1) else {
            return Err(directive_error(tokens[0], "empty pragma".into()));
        };
        match key.text {
            "version" | "typetrack" => {}
            other => {
                let message = format!("unsupported pragma directive: {other:?}");
                return Err(directive_error(tokens[0], message));
            }
        }
        let Some(value) = tokens.get(2) else {
            return Err(directive_error(*key, format!("no {} value", key.text)));
        };
        if let Some(extra) = tokens.get(3) {
            let rest: String = tokens[3..].iter().map(|t| format!(" {}", t.text)).collect();
            return Err(directive_error(*extra, format!("unexpected extra tokens:{rest}")));
        }
        if key.text == "version" {
            return self.pragma_version(tokens[0], *value);
        }
        let Some(on) = parse_bool(value.text) else {
            return Err(directive_error(
                *value,
                format!("bad #pragma typetrack: {:?}", value.text),
            ));
        };
        if !self.type_tracking && on {
            self.known.reset();
        }
        self.type_tracking = on;
        Ok(())
    }

    fn pragma_version(&mut self, pragma: Token<'a>, value: Token<'a>) -> Result<()> {
        if !self.pending.is_empty() {
            let message = "#pragma version is only allowed before instructions".into();
            return Err(directive_error(pragma, message));
        }
        let Some(version) = parse_uint(value.text) else {
            return Err(directive_error(value, format!("bad #pragma version: {:?}", value.text)));
        };
        if version > spec::MAX_VERSION {
            return Err(directive_error(value, format!("unsupported version: {version}")));
        }
        if self.version == NO_VERSION {
            self.version = version;
            return self.recheck_macro_names();
        }
        if self.version != version {
            let message =
                format!("version mismatch: assembling v{version} with v{} assembler", self.version);
            return Err(directive_error(value, message));
        }
        Ok(())
    }

    fn define(&mut self, tokens: &[Token<'a>]) -> Result<()> {
        if tokens.len() < 3 {
            let last = tokens[tokens.len() - 1];
            return Err(directive_error(last, "define directive requires a name and body".into()));
        }
        let name = tokens[1];
        self.check_macro_name(name.text).map_err(|message| directive_error(name, message))?;
        let saved = self.macros.insert(name.text, tokens[1..].to_vec());
        let mut budget = CYCLE_SEARCH_LIMIT;
        if let Some(cycle) = self.cycle(name.text, &mut Vec::new(), &mut budget) {
            match saved {
                Some(previous) => self.macros.insert(name.text, previous),
                None => self.macros.remove(name.text),
            };
            let message = format!("macro expansion cycle discovered: {}", cycle.join(" -> "));
            return Err(directive_error(name, message));
        }
        Ok(())
    }

    fn cycle(
        &self,
        name: &'a str,
        previous: &mut Vec<&'a str>,
        budget: &mut usize,
    ) -> Option<Vec<&'a str>> {
        *budget = budget.checked_sub(1)?;
        let body = self.macros.get(name)?;
        if previous.first() == Some(&name) {
            let mut found = previous.clone();
            found.push(name);
            return Some(found);
        }
        previous.push(name);
        for token in &body[1..] {
            if let Some(found) = self.cycle(token.text, previous, budget) {
                return Some(found);
            }
        }
        previous.pop();
        None
    }

    /// Once the version is known, drops macros whose names became opcodes or fields.
    pub(super) fn recheck_macro_names(&mut self) -> Result<()> {
        let mut names: Vec<&'a str> = self.macros.keys().copied().collect();
        names.sort_by_key(|name| self.macros[name][0].line);
        for name in names {
            if let Err(message) = self.check_macro_name(name) {
                return Err(directive_error(self.macros[name][0], message));
            }
        }
        Ok(())
    }

    fn check_macro_name(&self, name: &str) -> std::result::Result<(), String> {
        let mut chars = name.chars();
        let (first, second) = (chars.next(), chars.next());
        for c in name.chars() {
            if !c.is_alphabetic() && !c.is_numeric() && !MACRO_PUNCTUATION.contains(c) {
                return Err(format!("{c} character not allowed in macro name"));
            }
        }
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_numeric());
        let signed = matches!(first, Some('-' | '+')) && name.len() > 1;
        if digit(first) || (signed && digit(second)) {
            return Err(format!("Cannot begin macro name with number: {name}"));
        }
        if matches!(name, "b64" | "base64" | "b32" | "base32") {
            return Err(format!("Cannot use {name} as macro name"));
        }
        if named_int_constant(name).is_some() {
            return Err(format!("Named constants cannot be used as macro names: {name}"));
        }
        if is_pseudo_op(name) {
            return Err(format!("Macro names cannot be pseudo-ops: {name}"));
        }
        if self.version != NO_VERSION {
            if spec::op_by_name(name, self.version).is_some() {
                return Err(format!("Macro names cannot be opcodes: {name}"));
            }
            if field_names(self.version).contains(name) {
                return Err(format!("Macro names cannot be field names: {name}"));
            }
        }
        if self.labels.contains_key(name) {
            return Err(format!("Labels cannot be used as macro names: {name}"));
        }
        Ok(())
    }
}

/// Every field name some opcode of `version` accepts (whatever the field's own version).
fn field_names(version: u64) -> HashSet<&'static str> {
    let mut names = HashSet::new();
    for op in spec::all_ops() {
        if spec::op_by_name(op.name, version) != Some(op) {
            continue;
        }
        for group in op.immediates.iter().filter_map(|imm| imm.group) {
            names.extend(group.fields().iter().map(|field| field.name));
            if group == spec::FieldGroup::ItxnSettable {
                names.extend(spec::FieldGroup::TxnScalar.fields().iter().map(|f| f.name));
                names.extend(spec::FieldGroup::TxnArray.fields().iter().map(|f| f.name));
            }
        }
    }
    names
}
