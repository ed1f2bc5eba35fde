#!/usr/bin/env python3
"""Writes conformance/teal/random/: seeded random programs that type-check, mixing constants
(to exercise constant pooling), every byte-literal form, branches, labels and stack ops.

Usage: generate_random.py [count] [seed]. The output is committed.
"""

import base64
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

INT_BINARY = ["+", "-", "*", "/", "%", "<", ">", "<=", ">=", "&&", "||", "==", "!=", "|", "&", "^"]
INT_UNARY = ["!", "~", "itob"]
BYTES_UNARY = ["len", "sha256", "keccak256", "sha512_256", "btoi"]
TXN_INT = ["Fee", "FirstValid", "LastValid", "Amount", "TypeEnum", "GroupIndex"]
GLOBAL_INT = ["MinTxnFee", "MinBalance", "MaxTxnLife", "GroupSize"]


class Program:
    def __init__(self, rng, version):
        self.rng = rng
        self.v = version
        self.lines = [f"#pragma version {version}"]
        self.stack = []  # "i" or "b"
        self.labels = 0
        self.pool_ints = [rng.randrange(0, 300) for _ in range(6)] + [2**64 - 1, 2**32]
        self.pool_bytes = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 9))) for _ in range(5)]

    def emit(self, line, pops, pushes):
        self.lines.append(line)
        del self.stack[len(self.stack) - pops:]
        self.stack.extend(pushes)

    def int_literal(self):
        r = self.rng
        value = r.choice(self.pool_ints) if r.random() < 0.7 else r.randrange(0, 2**64)
        form = r.randrange(5)
        if form == 1:
            return hex(value)
        if form == 2 and value:
            return "0" + oct(value)[2:]
        if form == 3 and value < 8:
            return r.choice(["pay", "keyreg", "acfg", "axfer", "afrz", "appl", "NoOp", "OptIn"]
                            ) if value == 0 else str(value)
        return str(value)

    def byte_literal(self):
        r = self.rng
        value = r.choice(self.pool_bytes)
        form = r.randrange(7)
        if form == 0:
            return "0x" + value.hex()
        if form == 1:
            return "base64(" + base64.b64encode(value).decode() + ")"
        if form == 2 and value:
            return "b64 " + base64.b64encode(value).decode()
        if form == 3:
            text = base64.b32encode(value).decode()
            spaced = value and r.random() < 0.5
            return "b32 " + text if spaced else "base32(" + text.rstrip("=") + ")"
        if form == 4 and all(32 <= c < 127 and c not in b'"\\' for c in value):
            return '"' + value.decode() + '"'
        return '"' + "".join(f"\\x{c:02x}" for c in value) + '"'

    def push_int(self):
        r = self.rng
        if self.v >= 3 and r.random() < 0.15:
            self.emit(f"pushint {r.randrange(0, 2**20)}", 0, "i")
        elif r.random() < 0.1:
            self.emit(f"txn {r.choice(TXN_INT)}", 0, "i")
        elif r.random() < 0.1:
            self.emit(f"global {r.choice(GLOBAL_INT)}", 0, "i")
        else:
            self.emit(f"int {self.int_literal()}", 0, "i")

    def push_bytes(self):
        r = self.rng
        if self.v >= 3 and r.random() < 0.15:
            self.emit(f"pushbytes {self.byte_literal()}", 0, "b")
        elif r.random() < 0.1:
            self.emit("txn Sender", 0, "b")
        elif self.v >= 4 and r.random() < 0.1:
            self.emit('method "' + r.choice(["a()void", "b(uint64)uint64", "c(pay,string)bool"]) + '"',
                      0, "b")
        else:
            self.emit(f"byte {self.byte_literal()}", 0, "b")

    def step(self):
        r = self.rng
        top = self.stack[-2:]
        choice = r.random()
        if len(self.stack) < 2 or choice < 0.35:
            self.push_int() if r.random() < 0.6 else self.push_bytes()
        elif top == ["i", "i"] and choice < 0.55:
            self.emit(r.choice(INT_BINARY), 2, "i")
        elif top == ["b", "b"] and choice < 0.55 and self.v >= 2:
            self.emit("concat", 2, "b")
        elif top[-1] == "i" and choice < 0.6:
            op = r.choice(INT_UNARY)
            self.emit(op, 1, "b" if op == "itob" else "i")
        elif top[-1] == "b" and choice < 0.65:
            op = r.choice(BYTES_UNARY)
            if op == "btoi":
                self.emit("len", 1, "i")
            else:
                self.emit(op, 1, "i" if op == "len" else "b")
        elif choice < 0.7:
            self.emit("dup", 1, self.stack[-1] * 2)
        elif choice < 0.75 and self.v >= 3:
            a, b = self.stack[-2], self.stack[-1]
            self.emit("swap", 2, b + a)
        elif choice < 0.8 and self.v >= 3:
            self.emit("dig 1", 0, self.stack[-2])
        elif choice < 0.85:
            slot = r.randrange(0, 4)
            kind = self.stack[-1]
            self.emit(f"store {slot}", 1, "")
            self.emit(f"load {slot}", 0, kind)
        elif choice < 0.9 and top[-1] == "i":
            self.labels += 1
            name = f"skip{self.labels}"
            self.emit(f"{r.choice(['bz', 'bnz'] if self.v >= 2 else ['bnz'])} {name}", 1, "")
            self.push_int()
            self.emit("pop", 1, "")
            self.lines.append(f"{name}:")
        else:
            self.emit("pop", 1, "")

    def finish(self):
        while self.stack:
            self.emit("pop", 1, "")
        self.emit(f"int {self.int_literal()}", 0, "i")
        if self.v >= 2:
            self.emit("return", 1, "")
        return "\n".join(self.lines) + "\n"


def main(count, seed):
    rng = random.Random(seed)
    out = HERE / "random"
    out.mkdir(exist_ok=True)
    for n in range(count):
        version = rng.randrange(1, 11)
        program = Program(rng, version)
        for _ in range(rng.randrange(5, 80)):
            program.step()
        (out / f"r{n:03d}_v{version:02d}.teal").write_text(program.finish())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 150, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
