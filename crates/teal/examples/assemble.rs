//! Assembles TEAL for the conformance checks.
//!
//! `assemble` reads one program on stdin and prints its bytecode as base64 (exit 1 and the
//! error on stderr when it does not assemble). `assemble FILE...` assembles each file and prints
//! one line per file: `ok <base64>` or `error <message>`; with `--source-map` first, `ok` lines
//! also carry the source map as ` pc:line,pc:line,...` (lines from 1).

use data_encoding::BASE64;
use std::io::{Read, Write};
use std::process::ExitCode;

fn line_for(source: &str, with_map: bool) -> String {
    match tipforge_teal::assemble(source) {
        Ok(assembled) if with_map => {
            let entries = assembled.source_map.entries();
            let map: Vec<String> = entries.map(|(pc, line)| format!("{pc}:{line}")).collect();
            format!("ok {} {}", BASE64.encode(&assembled.program), map.join(","))
        }
        Ok(assembled) => format!("ok {}", BASE64.encode(&assembled.program)),
        Err(error) => format!("error {error}"),
    }
}

fn main() -> ExitCode {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    let with_map = files.first().is_some_and(|arg| arg == "--source-map");
    if with_map {
        files.remove(0);
    }
    let mut out = std::io::stdout().lock();
    if files.is_empty() {
        let mut source = String::new();
        if std::io::stdin().read_to_string(&mut source).is_err() {
            return ExitCode::FAILURE;
        }
        return match tipforge_teal::assemble(&source) {
            Ok(assembled) => {
                let written = writeln!(out, "{}", BASE64.encode(&assembled.program));
                if written.is_ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
            }
            Err(error) => {
                let _ = writeln!(std::io::stderr(), "{error}");
                ExitCode::FAILURE
            }
        };
    }
    for file in files {
        let line = match std::fs::read(&file) {
            Ok(bytes) => line_for(&String::from_utf8_lossy(&bytes), with_map),
            Err(error) => format!("error {file}: {error}"),
        };
        if writeln!(out, "{line}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
