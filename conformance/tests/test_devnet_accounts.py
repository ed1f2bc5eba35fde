"""py-algorand-sdk, unmodified, against `tipforge devnet`: accounts, payments, groups."""

import pytest
from algosdk import account, error, transaction

from test_devnet_support import Devnet


@pytest.fixture(scope="module")
def devnet():
    net = Devnet()
    yield net
    net.stop()


def test_status_params_and_genesis_match_the_banner(devnet):
    client = devnet.algod()
    params = client.suggested_params()

    assert client.status()["last-round"] >= 0
    assert params.gen == devnet.genesis_id
    assert params.gh == devnet.genesis_hash
    assert params.min_fee == 1000
    assert client.versions()["genesis_id"] == devnet.genesis_id


def test_printed_mnemonics_control_the_funded_accounts(devnet):
    client = devnet.algod()
    for address, key in devnet.accounts:
        assert account.address_from_private_key(key) == address
        assert client.account_info(address)["amount"] > 10**12


def test_a_payment_confirms_through_wait_for_confirmation(devnet):
    client = devnet.algod()
    sender, key = devnet.accounts[0]
    _, receiver = account.generate_account()
    txn = transaction.PaymentTxn(sender, client.suggested_params(), receiver, 1_500_000, note=b"hello")
    txid = client.send_transaction(txn.sign(key))

    confirmed = transaction.wait_for_confirmation(client, txid, 4)
    info = client.account_info(receiver)

    assert confirmed["confirmed-round"] == client.status()["last-round"]
    assert info["amount"] == 1_500_000
    assert info["min-balance"] == 100_000


def test_overspend_and_min_balance_are_refused_with_algod_messages(devnet):
    client = devnet.algod()
    sender, key = devnet.accounts[1]
    poor_key, poor = account.generate_account()
    txid = client.send_transaction(
        transaction.PaymentTxn(sender, client.suggested_params(), poor, 200_000).sign(key)
    )
    transaction.wait_for_confirmation(client, txid, 4)

    with pytest.raises(error.AlgodHTTPError, match="overspend"):
        client.send_transaction(
            transaction.PaymentTxn(poor, client.suggested_params(), sender, 5_000_000).sign(poor_key)
        )
    with pytest.raises(error.AlgodHTTPError, match="below min"):
        client.send_transaction(
            transaction.PaymentTxn(poor, client.suggested_params(), sender, 150_000).sign(poor_key)
        )
    assert client.account_info(poor)["amount"] == 200_000


def test_a_group_is_atomic(devnet):
    client = devnet.algod()
    sender, key = devnet.accounts[2]
    _, receiver = account.generate_account()
    params = client.suggested_params()
    good = transaction.PaymentTxn(sender, params, receiver, 1_000_000)
    bad = transaction.PaymentTxn(sender, params, account.generate_account()[1], 10)
    signed = [t.sign(key) for t in transaction.assign_group_id([good, bad])]

    with pytest.raises(error.AlgodHTTPError, match="below min"):
        client.send_transactions(signed)
    assert client.account_info(receiver)["amount"] == 0

    pooled = [transaction.PaymentTxn(sender, params, receiver, 1_000_000 + n) for n in range(3)]
    signed = [t.sign(key) for t in transaction.assign_group_id(pooled)]
    txid = client.send_transactions(signed)
    confirmed = transaction.wait_for_confirmation(client, txid, 4)
    block = client.block_info(confirmed["confirmed-round"])

    assert len(block["block"]["txns"]) == 3
    assert client.account_info(receiver)["amount"] == 3_000_003


def test_a_rekeyed_account_signs_with_the_new_key(devnet):
    client = devnet.algod()
    funder, funder_key = devnet.accounts[3]
    old_key, owner = account.generate_account()
    new_key, new_address = account.generate_account()
    params = client.suggested_params()
    transaction.wait_for_confirmation(
        client, client.send_transaction(transaction.PaymentTxn(funder, params, owner, 1_000_000).sign(funder_key)), 4
    )
    rekey = transaction.PaymentTxn(owner, params, owner, 0, rekey_to=new_address)
    transaction.wait_for_confirmation(client, client.send_transaction(rekey.sign(old_key)), 4)

    pay = transaction.PaymentTxn(owner, client.suggested_params(), funder, 1_000)
    with pytest.raises(error.AlgodHTTPError):
        client.send_transaction(pay.sign(old_key))
    transaction.wait_for_confirmation(client, client.send_transaction(pay.sign(new_key)), 4)

    assert client.account_info(owner)["auth-addr"] == new_address


def test_simulate_accepts_empty_signatures_and_reports_failures(devnet):
    from algosdk.v2client import models

    client = devnet.algod()
    sender, _ = devnet.accounts[4]
    _, receiver = account.generate_account()
    params = client.suggested_params()
    ok = transaction.SignedTransaction(transaction.PaymentTxn(sender, params, receiver, 500_000), None)
    bad = transaction.SignedTransaction(transaction.PaymentTxn(sender, params, receiver, 5), None)
    request = models.SimulateRequest(
        txn_groups=[models.SimulateRequestTransactionGroup(txns=[ok]), models.SimulateRequestTransactionGroup(txns=[bad])],
        allow_empty_signatures=True,
    )

    result = client.simulate_transactions(request)

    assert "failure-message" not in result["txn-groups"][0]
    assert "below min" in result["txn-groups"][1]["failure-message"]
    assert client.account_info(receiver)["amount"] == 0
