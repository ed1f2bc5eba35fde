//! The static pass go-algorand runs before evaluating: every opcode known in the program's
//! version, immediates complete, branch targets inside the program and on instruction starts.

use super::error::{Fault, FaultKind};
use super::opcodes::{Cost, Imm, lookup};
use super::program::{instr_size, read_i16};

/// The first version whose programs may branch backwards (and so are charged dynamically).
const BACK_BRANCH_VERSION: u64 = 4;

/// Checks `program` (after the `start`-byte version prefix); on failure, the pc and reason.
pub(crate) fn check(
    program: &[u8],
    version: u64,
    start: usize,
    app_mode: bool,
    static_budget: u64,
) -> Result<(), (usize, Fault)> {
    let mut starts = vec![false; program.len() + 1];
    let mut targets = Vec::new();
    let mut static_cost = 0u64;
    let mut pc = start;
    while pc < program.len() {
        starts[pc] = true;
        let size = check_one(program, version, pc, app_mode, &mut targets, &mut static_cost)
            .map_err(|f| (pc, f))?;
        pc += size;
    }
    starts[program.len()] = true;
    if version < BACK_BRANCH_VERSION && static_cost > static_budget {
        let message = format!("pc={pc:3} static cost budget of {static_budget} exceeded");
        return Err((pc, Fault::new(FaultKind::Limit, message)));
    }
    for (pc, target) in targets {
        if !starts[target] {
            let message = format!("branch target {target} is not an aligned instruction");
            return Err((pc, Fault::new(FaultKind::Program, message)));
        }
    }
    Ok(())
}

fn check_one(
    program: &[u8],
    version: u64,
    pc: usize,
    app_mode: bool,
    targets: &mut Vec<(usize, usize)>,
    static_cost: &mut u64,
) -> Result<usize, Fault> {
    let code = program[pc];
    let Some(spec) = lookup(code, version) else {
        return Err(Fault::new(FaultKind::Program, format!("illegal opcode 0x{code:02x}")));
    };
    if !spec.modes.allows(app_mode) {
        let message = format!("{} not allowed in current mode", spec.name);
        return Err(Fault::new(FaultKind::Program, message));
    }
    let size = instr_size(spec, program, pc)?;
    *static_cost += match spec.cost_in(version) {
        Cost::Fixed(c) => c,
        Cost::ByLength { base, .. } => base,
    };
    let end = pc + size;
    match spec.imm {
        Imm::Branch => targets.push((pc, branch_target(program, version, end, pc + 1)?)),
        Imm::Labels => {
            for i in 0..usize::from(program[pc + 1]) {
                targets.push((pc, branch_target(program, version, end, pc + 2 + 2 * i)?));
            }
        }
        _ => {}
    }
    Ok(size)
}

/// The absolute target of the int16 offset at `at`, relative to `end` (the next instruction).
pub(crate) fn branch_target(
    program: &[u8],
    version: u64,
    end: usize,
    at: usize,
) -> Result<usize, Fault> {
    let offset = read_i16(program, at)?;
    if offset < 0 && version < BACK_BRANCH_VERSION {
        let message = format!("negative branch offset {offset:x}");
        return Err(Fault::new(FaultKind::Program, message));
    }
    let target = end as i64 + i64::from(offset);
    if target < 0 || target > program.len() as i64 {
        let message = format!("branch target {target} outside of program");
        return Err(Fault::new(FaultKind::Program, message));
    }
    Ok(target as usize)
}
