//! Disassembling then reassembling every conformance program gives back its bytecode.

use std::path::{Path, PathBuf};
use tipforge_teal::{assemble, disassemble};

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/teal");
    let mut files = Vec::new();
    for dir in ["vectors", "hand", "ops", "random", "mutants"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        files.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()));
    }
    files.retain(|p| p.extension().is_some_and(|ext| ext == "teal"));
    files.sort();
    files
}

#[test]
fn every_corpus_program_round_trips() {
    let files = corpus();
    assert!(files.len() > 300, "corpus missing: {} files", files.len());
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable corpus file");
        let program = assemble(&source).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let text = disassemble(&program.program).expect("disassembles");
        let again = assemble(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", file.display()));
        assert_eq!(again.program, program.program, "{}\n{text}", file.display());
    }
}
