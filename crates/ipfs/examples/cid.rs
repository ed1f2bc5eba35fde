//! Prints the CIDs `ipfs add` would give each file named on the command line, as JSON:
//! `{"<path>": {"v0": "Qm…", "v1": "bafk…", "size": <bytes>}}`, where v1 means
//! `--cid-version=1` (raw leaves). Files are streamed, so any size works.
//!
//! `--chunk=N,links=M` before the paths changes the chunk size and links per node, to build
//! deep trees from small inputs.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};

use anyhow::{Context, bail};
use tipforge_ipfs::{Cid, CidVersion, ImportOptions, Importer};

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut layout = (tipforge_ipfs::DEFAULT_CHUNK_SIZE, tipforge_ipfs::DEFAULT_MAX_LINKS);
    if let Some(spec) = args.first().and_then(|a| a.strip_prefix("--chunk=")) {
        let (chunk, links) = spec.split_once(",links=").context("expected --chunk=N,links=M")?;
        layout = (chunk.parse()?, links.parse()?);
        args.remove(0);
    }
    if args.is_empty() {
        bail!("usage: cid [--chunk=N,links=M] FILE...");
    }

    let mut out = BTreeMap::new();
    for path in &args {
        let (v0, v1, size) = cids_of_file(path, layout)?;
        out.insert(path.clone(), serde_json::json!({ "v0": v0, "v1": v1, "size": size }));
    }
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &out)?;
    writeln!(stdout)?;
    Ok(())
}

/// Both CIDs of one file, read once in 1 MiB pieces.
fn cids_of_file(
    path: &str,
    (chunk_size, max_links): (usize, usize),
) -> anyhow::Result<(Cid, Cid, u64)> {
    let options =
        |version| ImportOptions { chunk_size, max_links, ..ImportOptions::for_version(version) };
    let mut v0 = Importer::new(options(CidVersion::V0))?;
    let mut v1 = Importer::new(options(CidVersion::V1))?;
    let mut file = File::open(path).with_context(|| format!("opening {path}"))?;
    let mut buf = vec![0; 1 << 20];
    loop {
        let read = file.read(&mut buf).with_context(|| format!("reading {path}"))?;
        if read == 0 {
            break;
        }
        v0.write(&buf[..read], |_| Ok(()))?;
        v1.write(&buf[..read], |_| Ok(()))?;
    }
    let size = v0.bytes_written();
    Ok((v0.finish(|_| Ok(()))?, v1.finish(|_| Ok(()))?, size))
}
