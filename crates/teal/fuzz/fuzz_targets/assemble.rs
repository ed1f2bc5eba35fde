//! Arbitrary TEAL source: the assembler never panics, and whatever it assembles disassembles
//! and reassembles to the same bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let Ok(assembled) = tipforge_teal::assemble(source) else { return };
    let text = tipforge_teal::disassemble(&assembled.program).expect("assembled code disassembles");
    let again = tipforge_teal::assemble(&text).expect("disassembly reassembles");
    assert_eq!(again.program, assembled.program, "round trip changed the program:\n{text}");
});
