"""The committed ABI fixtures are exactly what the seeded generator writes today."""

import importlib.util
import json

from conftest import FIXTURES, ROOT


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_abi_fixtures", ROOT / "conformance" / "gen_abi_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_abi_fixtures_are_current(tmp_path):
    load_generator().generate(tmp_path)
    written = sorted(path.name for path in tmp_path.iterdir())

    assert written == ["abi_arc3.json", "abi_events.json", "abi_methods.json", "abi_values.json"]
    for name in written:
        committed = (FIXTURES / name).read_text(encoding="utf-8")
        assert committed == (tmp_path / name).read_text(encoding="utf-8"), f"{name} is stale: rerun the generator"


def test_fixtures_cover_the_required_shapes():
    values = json.loads((FIXTURES / "abi_values.json").read_text(encoding="utf-8"))
    types = {case["type"] for case in values}

    assert {f"uint{bits}" for bits in range(8, 513, 8)} <= types
    for run in range(1, 10):
        assert "(" + ",".join(["bool"] * run) + ")" in types
    assert any("ufixed" in t for t in types)
    assert any(t.endswith("[]") for t in types) and any(t.endswith("]") and not t.endswith("[]") for t in types)
    assert any(t.count("(") >= 2 for t in types)
    assert any(case["type"] == "string" and any(ord(c) > 0xFFFF for c in case["value"]) for case in values)
