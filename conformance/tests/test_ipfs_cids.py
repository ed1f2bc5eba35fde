"""CIDs from TipForge's importer equal those of two independent implementations of `ipfs add`:
Debian's `ipfs_cid` (rust-ipfs-unixfs, CIDv0) and npm's `ipfs-only-hash@4` (js-ipfs's importer,
CIDv0 and CIDv1 with raw leaves). The corpus is generated from fixed seeds at test time."""

import json
import random
import shutil
import subprocess

import pytest

from conftest import ROOT, cargo_json

CHUNK = 256 * 1024
MAX_LINKS = 174
NODE_SCRIPT = ROOT / "conformance" / "node" / "cids.js"

# name -> (size, fill): fill "random" uses a generator seeded with the name.
CORPUS = {
    "empty": (0, "random"),
    "one_byte": (1, "random"),
    "chunk_exact": (CHUNK, "random"),
    "chunk_plus_one": (CHUNK + 1, "random"),
    "zeros_1mib": (1024 * 1024, "zeros"),
    "one_full_node": (MAX_LINKS * CHUNK, "random"),
    "one_node_plus_one_byte": (MAX_LINKS * CHUNK + 1, "random"),
    "random_50mib": (50 * 1024 * 1024, "random"),
}


def _generate(path, size, fill, seed):
    data = bytes(size) if fill == "zeros" else random.Random(seed).randbytes(size)
    path.write_bytes(data)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ipfs_corpus")
    paths = {}
    for name, (size, fill) in CORPUS.items():
        paths[name] = folder / f"{name}.bin"
        _generate(paths[name], size, fill, seed=name)
    return paths


@pytest.fixture(scope="module")
def ours(corpus):
    out = cargo_json("tipforge-ipfs", "cid", *map(str, corpus.values()))
    return {name: out[str(path)] for name, path in corpus.items()}


def _ipfs_cid_v0(path):
    """Debian's ipfs_cid prints {"CIDv0": …, "CIDv1": …}; its CIDv1 is the v0 digest relabelled
    as dag-pb, not `--cid-version=1`, so only CIDv0 is compared."""
    binary = shutil.which("ipfs_cid")
    if binary is None:
        pytest.fail("ipfs_cid is missing: run scripts/setup (apt package ipfs-cid)")
    done = subprocess.run([binary, str(path)], capture_output=True, check=True, text=True)
    line = next(l for l in done.stdout.splitlines() if l.startswith("{"))
    return json.loads(line)["CIDv0"]


def _node_cids(*args):
    if not (ROOT / "conformance" / "node" / "node_modules" / "ipfs-only-hash").is_dir():
        pytest.fail("ipfs-only-hash is missing: run scripts/setup (npm ci in conformance/node)")
    done = subprocess.run(["node", str(NODE_SCRIPT), *map(str, args)], capture_output=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", list(CORPUS))
def test_cidv0_equals_debian_ipfs_cid(corpus, ours, name):
    assert ours[name]["v0"] == _ipfs_cid_v0(corpus[name])


@pytest.mark.parametrize("name", list(CORPUS))
def test_cidv0_and_cidv1_equal_ipfs_only_hash(corpus, ours, name):
    theirs = _node_cids(corpus[name])[str(corpus[name])]
    assert (ours[name]["v0"], ours[name]["v1"]) == (theirs["v0"], theirs["v1"])
    assert ours[name]["size"] == CORPUS[name][0]


@pytest.mark.parametrize(
    "chunk,links,size",
    [
        (16, MAX_LINKS, MAX_LINKS * MAX_LINKS * 16 + 17),  # three levels at Kubo's fan-out
        (7, 3, 7 * 3**5 + 5),  # six levels, every one with a partial last node
    ],
)
def test_deep_trees_equal_ipfs_only_hash(tmp_path, chunk, links, size):
    path = tmp_path / "deep.bin"
    _generate(path, size, "random", seed=f"deep-{chunk}-{links}")
    layout = f"--chunk={chunk},links={links}"
    ours = cargo_json("tipforge-ipfs", "cid", layout, str(path))[str(path)]
    theirs = _node_cids(layout, path)[str(path)]
    assert (ours["v0"], ours["v1"]) == (theirs["v0"], theirs["v1"])


def test_kubo_vectors(tmp_path):
    """Kubo's own vectors for "hello world" (test/cli/cid_profiles_test.go): a check on the
    oracles as much as on us."""
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello world")
    ours = cargo_json("tipforge-ipfs", "cid", str(path))[str(path)]
    assert ours["v0"] == "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"
    assert ours["v1"] == "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
