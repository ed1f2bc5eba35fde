"""tipforge-algo against py-algorand-sdk and go-algorand (algojig), in both directions.

The fixtures drive the Rust tests (crates/algo/tests/integration); here we check they are current,
then feed Rust-built, Rust-signed transactions to the SDK and to go-algorand's block evaluator.
"""

import base64
import filecmp
import pathlib
import shutil
import subprocess
import sys

import pytest
from algosdk import encoding, logic, transaction
from algosdk.encoding import msgpack
from algojig import JigLedger, get_suggested_params, gojig
from nacl.signing import VerifyKey

from conftest import FIXTURES, ROOT, cargo_json

ALGO = 1_000_000


def emit(*args, **kw):
    return cargo_json("tipforge-algo", "conformance_emit", *args, **kw)


def test_committed_fixtures_are_current(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "conformance" / "gen_algo_fixtures.py"), str(tmp_path)],
                   check=True)
    generated = sorted(p.name for p in tmp_path.glob("algo_*.json"))

    assert generated == sorted(p.name for p in FIXTURES.glob("algo_*.json"))
    for name in generated:
        assert filecmp.cmp(tmp_path / name, FIXTURES / name, shallow=False), f"{name} is stale"


def txn_bytes(stx) -> bytes:
    return base64.b64decode(encoding.msgpack_encode(stx.transaction))


def sdk_verifies(stx, authorizer: str) -> bool:
    message = b"TX" + txn_bytes(stx)
    if isinstance(stx, transaction.LogicSigTransaction):
        return stx.verify()
    if isinstance(stx, transaction.MultisigTransaction):
        return stx.multisig.address() == authorizer and stx.multisig.verify(message)
    VerifyKey(encoding.decode_address(authorizer)).verify(message, base64.b64decode(stx.signature))
    return True


def test_rust_signed_transactions_decode_and_verify_in_the_sdk():
    cases = emit("sdk")
    assert len(cases) >= 20

    for case in cases:
        stx = encoding.msgpack_decode(case["stxn_b64"])

        # The SDK re-encodes canonically: equal bytes mean ours were canonical.
        assert encoding.msgpack_encode(stx) == case["stxn_b64"], case["name"]
        assert stx.get_txid() == case["txid"], case["name"]
        raw = msgpack.unpackb(base64.b64decode(case["stxn_b64"]), raw=False)
        signer = raw.get("sgnr")
        expected_authorizer = encoding.encode_address(signer) if signer else stx.transaction.sender
        assert case["authorizer"] == expected_authorizer, case["name"]
        assert sdk_verifies(stx, case["authorizer"]), case["name"]


def test_rust_signed_group_members_carry_the_sdk_group_id():
    members = [c for c in emit("sdk") if c["name"].startswith("group_member_")]
    txns = [encoding.msgpack_decode(c["stxn_b64"]).transaction for c in members]
    group = txns[0].group
    for txn in txns:
        txn.group = None

    assert transaction.calculate_group_id(txns) == group
    assert [t.fee for t in txns] == [3000, 0]


class RawBytesLedger(JigLedger):
    """A JigLedger that submits our signed bytes exactly as given (the wrapper would re-encode
    decoded objects with the SDK, which would hide an encoding difference)."""

    def write_transactions(self, transactions):
        with open(self.stxn_filename, "wb") as out:
            out.write(b"".join(transactions))


class Spy:
    """Keeps the raw stdout of algojig's `eval`, whose first msgpack object is the block."""

    def __init__(self, monkeypatch):
        self.block_stream = b""
        original = gojig.run

        def run(command, *args, input=None):
            done = original(command, *args, input=input)
            if command == "eval":
                self.block_stream = done.stdout
            return done

        monkeypatch.setattr(gojig, "run", run)


class AcceptAll:
    """`#pragma version 8; int 1`, shaped as algojig's program objects."""

    bytecode = bytes.fromhex("088101")

    def lookup(self, pc):
        return None


class InnerPayThenLogId:
    """Pays 5 µAlgo to itself in an inner transaction and logs `itxn TxID`, go-algorand's id of
    that inner transaction (TEAL v10, assembled by algojig)."""

    SOURCE = ("#pragma version 10\nitxn_begin\nint pay\nitxn_field TypeEnum\nint 5\n"
              "itxn_field Amount\nglobal CurrentApplicationAddress\nitxn_field Receiver\n"
              "itxn_submit\nitxn TxID\nlog\nint 1\nreturn\n")
    bytecode = gojig.compile(teal=SOURCE)[0]

    def lookup(self, pc):
        return None


@pytest.fixture
def jig(monkeypatch):
    # algojig keeps its ledger in /tmp/jig and crashes when opening one a previous run left.
    jig_dir = pathlib.Path("/tmp/jig")
    jig_dir.mkdir(exist_ok=True)
    for entry in jig_dir.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    ledger = RawBytesLedger()
    ledger.create_asset(1000)  # the evaluator refuses application ids below 256
    ledger.create_app(1001, approval_program=AcceptAll())
    ledger.set_account_balance(logic.get_application_address(1001), ALGO)
    ledger.create_app(1002, approval_program=InnerPayThenLogId())
    ledger.set_account_balance(logic.get_application_address(1002), ALGO)
    return ledger, Spy(monkeypatch)


def jig_inputs(app_id=1001):
    seed = bytes(range(32)).hex()
    return emit("jig", seed, get_suggested_params().gh, str(app_id))


def test_go_algorand_accepts_a_rust_signed_arc3_asset_create(jig):
    ledger, _ = jig
    inputs = jig_inputs()
    ledger.set_account_balance(inputs["address"], 10 * ALGO)

    block = ledger.eval_transactions([base64.b64decode(inputs["acfg"]["stxn_b64"])])

    created = block[b"txns"][0]
    asset_id = created[b"caid"]
    params = created[b"txn"][b"apar"]
    assert asset_id > 1000
    assert params[b"am"] == base64.b64decode(inputs["metadata_hash_b64"])
    assert params[b"au"].endswith(b"#arc3")
    # The creator holds the whole supply; default-frozen applies to other holders only.
    assert ledger.get_account_balance(inputs["address"], asset_id) == [1, False]


def test_go_algorand_accepts_a_rust_signed_payment_and_app_call_group(jig):
    ledger, spy = jig
    inputs = jig_inputs()
    ledger.set_account_balance(inputs["address"], 10 * ALGO)
    app_address = logic.get_application_address(1001)

    block = ledger.eval_transactions([base64.b64decode(m["stxn_b64"]) for m in inputs["group"]])

    assert len(block[b"txns"]) == 2
    assert ledger.get_account_balance(app_address)[0] == ALGO + 250_000
    # The block stores its transactions without genesis fields; Rust must restore them.
    ids = emit("block-txids", stdin=spy.block_stream)
    assert ids["txids"] == [m["txid"] for m in inputs["group"]]


def test_inner_transaction_ids_match_go_algorand(jig):
    ledger, spy = jig
    inputs = jig_inputs(app_id=1002)
    ledger.set_account_balance(inputs["address"], 10 * ALGO)

    block = ledger.eval_transactions([base64.b64decode(m["stxn_b64"]) for m in inputs["group"]])

    call = block[b"txns"][1]
    assert len(call[b"dt"][b"itx"]) == 1
    logged_id = call[b"dt"][b"lg"][0]
    ids = emit("block-txids", stdin=spy.block_stream)
    assert ids["txids"] == [m["txid"] for m in inputs["group"]]
    assert ids["inner_txids"] == [base64.b32encode(logged_id).decode().rstrip("=")]
