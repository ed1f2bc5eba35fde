//! The committed TipProxy bytecode is exactly what our assembler makes of the committed source,
//! so deploying from the bytecode and deploying from the source are the same thing.

use tipforge_teal::assemble;

const CONTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/tip_proxy");

fn committed(name: &str) -> (String, Vec<u8>) {
    let source = std::fs::read_to_string(format!("{CONTRACT}/{name}.teal")).expect("source");
    let b64 = std::fs::read_to_string(format!("{CONTRACT}/{name}.b64")).expect("bytecode");
    let bytecode = data_encoding::BASE64.decode(b64.trim().as_bytes()).expect("base64");
    (source, bytecode)
}

#[test]
fn approval_program_reassembles_to_the_committed_bytecode() {
    let (source, bytecode) = committed("approval");

    assert_eq!(assemble(&source).expect("assembles").program, bytecode);
}

#[test]
fn clear_program_reassembles_to_the_committed_bytecode() {
    let (source, bytecode) = committed("clear");

    assert_eq!(assemble(&source).expect("assembles").program, bytecode);
}
