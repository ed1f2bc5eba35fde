#!/usr/bin/env bash
# Compiles the Algorand Python contracts here to TEAL v10 with puyapy (.venv-puya, made by
# scripts/setup) into out/; the TEAL joins the assembler conformance corpus.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf out
PATH="$PWD/../../.venv-puya/bin:$PATH" puyapy --target-avm-version 10 --out-dir out --no-output-arc32 \
    --output-bytecode *.py
