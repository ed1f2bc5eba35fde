"""The reverse direction: ABI values, selectors and event logs encoded by TipForge
(crates/algo/examples/abi_emit.rs) decode under py-algorand-sdk to the same values."""

import pytest
from algosdk import abi, encoding

from conftest import cargo_json


@pytest.fixture(scope="module")
def emitted():
    return cargo_json("tipforge-algo", "abi_emit")


def from_json(t: abi.ABIType, value):
    """The algosdk form of a value in the shared JSON form (see gen_abi_fixtures.py)."""
    if isinstance(t, (abi.UintType, abi.UfixedType)):
        return int(value)
    if isinstance(t, (abi.ArrayStaticType, abi.ArrayDynamicType)):
        return [from_json(t.child_type, item) for item in value]
    if isinstance(t, abi.TupleType):
        return [from_json(child, item) for child, item in zip(t.child_types, value)]
    return value


def test_rust_encoded_values_decode_under_the_sdk(emitted):
    assert len(emitted["values"]) > 200
    for case in emitted["values"]:
        t = abi.ABIType.from_string(case["type"])
        expected = from_json(t, case["value"])
        encoded = bytes.fromhex(case["encoded"])

        assert str(t) == case["type"]
        assert t.decode(encoded) == expected, case["type"]
        assert t.encode(expected) == encoded, case["type"]


def test_rust_method_selectors_match_the_sdk(emitted):
    for case in emitted["methods"]:
        method = abi.Method.from_signature(case["signature"])

        assert method.get_signature() == case["signature"]
        assert method.get_selector().hex() == case["selector"]


def test_rust_event_logs_decode_under_the_sdk(emitted):
    for case in emitted["events"]:
        signature = case["signature"]
        t = abi.ABIType.from_string(signature[signature.index("("):])
        log = bytes.fromhex(case["log"])

        assert encoding.checksum(signature.encode())[:4].hex() == case["selector"]
        assert log[:4].hex() == case["selector"]
        assert t.decode(log[4:]) == from_json(t, case["values"])
