#!/usr/bin/env python3
"""Writes the ABI fixtures (conformance/fixtures/abi_*.json) with py-algorand-sdk as the oracle.

Seeded, so the output is reproducible: a test regenerates into a temporary directory and compares.

JSON form of ABI values (shared with the Rust tests and crates/algo/examples/abi_emit.rs):
uintN and ufixedNxM as decimal strings (the raw integer, value x 10^M), bool as true/false, byte as a
number, address as its 58-character text, string as text, arrays and tuples as JSON arrays.
"""

import argparse
import base64
import hashlib
import json
import pathlib
import random

from algosdk import abi, encoding

SEED = 20261203
HERE = pathlib.Path(__file__).resolve().parent

# Characters for random strings: ASCII, Latin accents, a dash, CJK, emoji outside the BMP.
STRING_ALPHABET = "abcXYZ 019#@éüßÉ—€日本語🎉😀𝔘\u0000\u007f"

METHOD_SIGNATURES = [
    "create(address,address,uint64)void",
    "tip(pay,string)void",
    "tip(pay,string)uint64",
    "set_min_tip(uint64)void",
    "pause()void",
    "resume()void",
    "stats()(uint64,uint64,uint64,bool)",
    "add(uint64,uint64)uint128",
    "opt_in(asset,account,application)void",
    "swap(axfer,appl,acfg,afrz,keyreg,txn)(uint64,byte[32])",
    "nested((uint8,(bool,bool,string),address[])[2],ufixed64x2)string[]",
    "wide(uint8,uint16,uint24,uint32,uint40,uint48,uint56,uint64,uint72,uint80,uint88,uint96,"
    "uint104,uint112,uint120,uint128,uint512)bool[9]",
]

EVENT_SIGNATURES = [
    "Tipped(address,uint64,string)",
    "Swapped(uint64,uint64)",
    "Paused()",
    "Resumed()",
    "MinTipChanged(uint64,uint64)",
    "Flags(bool,bool,bool,bool,bool,bool,bool,bool,bool,uint8)",
    "Nested((address,(string,bool)),uint16[])",
]

# The ARC-3 example from the reference notes (136 bytes, no trailing newline).
ARC3_EXAMPLE = (
    b'{"name":"Tip #1","decimals":0,"image":"ipfs://bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfi'
    b'pmb64f2km2devei4","image_mimetype":"image/png"}'
)


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    # --- types -----------------------------------------------------------------------------

    def scalar_type(self) -> str:
        choice = self.rng.randrange(8)
        if choice == 0:
            return f"uint{8 * self.rng.randint(1, 64)}"
        if choice == 1:
            return f"ufixed{8 * self.rng.randint(1, 64)}x{self.rng.randint(1, 160)}"
        return ["bool", "byte", "address", "string", "uint64", "bool"][choice - 2]

    def any_type(self, depth: int = 0) -> str:
        roll = self.rng.random()
        if depth >= 3 or roll < 0.4:
            return self.scalar_type()
        if roll < 0.55:
            return f"{self.element_type(depth)}[{self.rng.randint(1, 4)}]"
        if roll < 0.7:
            return f"{self.element_type(depth)}[]"
        return self.tuple_type(depth)

    def element_type(self, depth: int) -> str:
        """An array element type; never zero-sized (TipForge rejects arrays of those)."""
        while True:
            text = self.any_type(depth + 1)
            parsed = abi.ABIType.from_string(text)
            if parsed.is_dynamic() or parsed.byte_len() > 0:
                return text

    def tuple_type(self, depth: int) -> str:
        members = []
        for _ in range(self.rng.randint(0, 4)):
            if self.rng.random() < 0.35:
                members.extend(["bool"] * self.rng.randint(1, 9))
            else:
                members.append(self.any_type(depth + 1))
        return "(" + ",".join(members) + ")"

    # --- values ----------------------------------------------------------------------------

    def value(self, t: abi.ABIType):
        """A random value of `t` in the form algosdk encodes."""
        if isinstance(t, (abi.UintType, abi.UfixedType)):
            return self.integer(t.bit_size)
        if isinstance(t, abi.BoolType):
            return self.rng.random() < 0.5
        if isinstance(t, abi.ByteType):
            return self.rng.randrange(256)
        if isinstance(t, abi.AddressType):
            return encoding.encode_address(self.rng.randbytes(32))
        if isinstance(t, abi.StringType):
            return "".join(self.rng.choices(STRING_ALPHABET, k=self.rng.randint(0, 12)))
        if isinstance(t, abi.ArrayStaticType):
            return [self.value(t.child_type) for _ in range(t.static_length)]
        if isinstance(t, abi.ArrayDynamicType):
            return [self.value(t.child_type) for _ in range(self.rng.randint(0, 4))]
        if isinstance(t, abi.TupleType):
            return [self.value(child) for child in t.child_types]
        raise TypeError(t)

    def integer(self, bits: int) -> int:
        roll = self.rng.random()
        if roll < 0.15:
            return 0
        if roll < 0.3:
            return (1 << bits) - 1
        return self.rng.getrandbits(self.rng.randint(1, bits))


def to_json(t: abi.ABIType, value):
    """The shared JSON form of a value algosdk encodes or decodes."""
    if isinstance(t, (abi.UintType, abi.UfixedType)):
        return str(value)
    if isinstance(t, abi.ArrayStaticType) or isinstance(t, abi.ArrayDynamicType):
        return [to_json(t.child_type, item) for item in value]
    if isinstance(t, abi.TupleType):
        return [to_json(child, item) for child, item in zip(t.child_types, value)]
    return value


def value_case(type_text: str, t: abi.ABIType, value) -> dict:
    encoded = t.encode(value)
    decoded = t.decode(encoded)
    assert to_json(t, decoded) == to_json(t, value), type_text
    return {"type": type_text, "value": to_json(t, value), "encoded": encoded.hex()}


def abi_values(gen: Generator) -> list:
    cases = []
    for bits in range(8, 513, 8):
        t = abi.UintType(bits)
        for value in (0, (1 << bits) - 1, gen.rng.getrandbits(bits)):
            cases.append(value_case(str(t), t, value))
    fixed = ["bool", "byte", "address", "string", "byte[]", "byte[32]", "bool[]", "bool[17]",
             "ufixed8x1", "ufixed64x2", "ufixed512x160", "(address,uint64,string)", "()"]
    for run in range(1, 10):
        fixed.append("(" + ",".join(["uint8"] + ["bool"] * run + ["string"]) + ")")
        fixed.append("(" + ",".join(["bool"] * run) + ")")
    for type_text in fixed:
        t = abi.ABIType.from_string(type_text)
        for _ in range(3):
            cases.append(value_case(type_text, t, gen.value(t)))
    for _ in range(300):
        type_text = gen.any_type()
        t = abi.ABIType.from_string(type_text)
        cases.append(value_case(type_text, t, gen.value(t)))
    return cases


def abi_methods() -> list:
    cases = []
    for signature in METHOD_SIGNATURES:
        method = abi.Method.from_signature(signature)
        cases.append({
            "signature": method.get_signature(),
            "selector": method.get_selector().hex(),
            "args": [str(arg.type) for arg in method.args],
            "returns": str(method.returns.type),
            "txn_count": method.get_txn_calls(),
        })
    return cases


def event_selector(signature: str) -> bytes:
    return encoding.checksum(signature.encode())[:4]


def abi_events(gen: Generator) -> list:
    cases = []
    for signature in EVENT_SIGNATURES:
        args = signature[signature.index("("):]
        t = abi.ABIType.from_string(args)
        for _ in range(3):
            values = gen.value(t)
            log = event_selector(signature) + t.encode(values)
            cases.append({
                "signature": signature,
                "selector": event_selector(signature).hex(),
                "args": [str(child) for child in t.child_types],
                "values": to_json(t, values),
                "log": log.hex(),
            })
    return cases


def sha512_256(data: bytes) -> bytes:
    return hashlib.new("sha512_256", data).digest()


def arc3_vectors(gen: Generator) -> list:
    cases = [{"json": ARC3_EXAMPLE.decode(), "am": hashlib.sha256(ARC3_EXAMPLE).hexdigest()}]
    for size in (0, 1, 32, 100):
        extra = gen.rng.randbytes(size)
        body = {"name": f"Sticker {size}", "decimals": 0, "extra_metadata": base64.b64encode(extra).decode()}
        raw = json.dumps(body, separators=(",", ":")).encode()
        am = sha512_256(b"arc0003/am" + sha512_256(b"arc0003/amj" + raw) + extra)
        cases.append({"json": raw.decode(), "am": am.hex()})
    return cases


def generate(out: pathlib.Path) -> None:
    gen = Generator(SEED)
    files = {
        "abi_values.json": abi_values(gen),
        "abi_methods.json": abi_methods(),
        "abi_events.json": abi_events(gen),
        "abi_arc3.json": arc3_vectors(gen),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, cases in files.items():
        text = json.dumps(cases, indent=1, ensure_ascii=False) + "\n"
        (out / name).write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=HERE / "fixtures")
    generate(parser.parse_args().out)


if __name__ == "__main__":
    main()
