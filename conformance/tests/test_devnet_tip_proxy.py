"""py-algorand-sdk against `tipforge devnet`: compile and deploy the TipProxy, tip through it,
read its global state, logs, inner transactions and blocks."""

import base64
import pathlib

import msgpack
import pytest
from algosdk import abi, account, encoding, logic, transaction
from algosdk.atomic_transaction_composer import (
    AccountTransactionSigner,
    AtomicTransactionComposer,
    TransactionWithSigner,
)

from test_devnet_support import ROOT, Devnet

CONTRACT = ROOT / "contracts" / "tip_proxy"
TIPPED = bytes.fromhex(__import__("hashlib").new("sha512_256", b"Tipped(address,uint64,string)").hexdigest())[:4]


@pytest.fixture(scope="module")
def devnet():
    net = Devnet()
    yield net
    net.stop()


def method(name):
    import json

    spec = json.loads((CONTRACT / "TipProxy.arc56.json").read_text())
    found = next(m for m in spec["methods"] if m["name"] == name)
    return abi.Method.undictify({"name": found["name"], "args": found["args"], "returns": found["returns"]})


def compile_program(client, name):
    source = (CONTRACT / f"{name}.teal").read_text()
    compiled = client.compile(source)
    program = base64.b64decode(compiled["result"])
    assert compiled["hash"] == logic.address(program)
    assert program == base64.b64decode((CONTRACT / f"{name}.b64").read_text().strip())
    return program


def test_deploy_tip_and_read_everything_back(devnet):
    client = devnet.algod()
    funder, funder_key = devnet.accounts[0]
    fan, fan_key = devnet.accounts[1]
    creator_key, creator = account.generate_account()
    transaction.wait_for_confirmation(
        client,
        client.send_transaction(transaction.PaymentTxn(funder, client.suggested_params(), creator, 5_000_000).sign(funder_key)),
        4,
    )
    approval, clear = compile_program(client, "approval"), compile_program(client, "clear")

    atc = AtomicTransactionComposer()
    atc.add_method_call(
        app_id=0,
        method=method("create"),
        sender=creator,
        sp=client.suggested_params(),
        signer=AccountTransactionSigner(creator_key),
        method_args=[creator, funder, 100_000],
        approval_program=approval,
        clear_program=clear,
        global_schema=transaction.StateSchema(4, 2),
        local_schema=transaction.StateSchema(0, 0),
    )
    created = atc.execute(client, 4)
    app_id = client.pending_transaction_info(created.tx_ids[0])["application-index"]
    app_address = logic.get_application_address(app_id)
    transaction.wait_for_confirmation(
        client,
        client.send_transaction(transaction.PaymentTxn(funder, client.suggested_params(), app_address, 100_000).sign(funder_key)),
        4,
    )
    before = client.account_info(creator)["amount"]

    params = client.suggested_params()
    params.flat_fee, params.fee = True, 2_000
    pay = transaction.PaymentTxn(fan, client.suggested_params(), app_address, 250_000)
    atc = AtomicTransactionComposer()
    atc.add_method_call(
        app_id=app_id,
        method=method("tip"),
        sender=fan,
        sp=params,
        signer=AccountTransactionSigner(fan_key),
        method_args=[TransactionWithSigner(pay, AccountTransactionSigner(fan_key)), "gm"],
        accounts=[creator],
    )
    result = atc.execute(client, 4)
    call = client.pending_transaction_info(result.tx_ids[1])

    assert client.account_info(creator)["amount"] == before + 250_000
    inner = call["inner-txns"][0]["txn"]["txn"]
    assert inner["type"] == "pay" and inner["amt"] == 250_000 and inner["rcv"] == creator
    log = base64.b64decode(call["logs"][0])
    assert log[:4] == TIPPED
    event = abi.ABIType.from_string("(address,uint64,string)").decode(log[4:])
    assert event == [fan, 250_000, "gm"]

    state = {base64.b64decode(kv["key"]): kv["value"] for kv in client.application_info(app_id)["params"]["global-state"]}
    assert state[b"total_tips"]["uint"] == 1
    assert state[b"total_amount"]["uint"] == 250_000
    assert encoding.encode_address(base64.b64decode(state[b"creator"]["bytes"])) == creator

    round_ = call["confirmed-round"]
    raw = client.block_info(round_, response_format="msgpack")
    block = msgpack.unpackb(raw, raw=True, strict_map_key=False)[b"block"]
    stib = block[b"txns"][1]
    assert stib[b"hgi"] is True and b"gh" not in stib[b"txn"]
    assert stib[b"dt"][b"itx"][0][b"txn"][b"amt"] == 250_000
    logs = client.algod_request("GET", f"/blocks/{round_}/logs")
    assert logs["logs"][0]["txId"] == result.tx_ids[1]


def test_a_tip_below_the_minimum_is_a_logic_error(devnet):
    client = devnet.algod()
    funder, funder_key = devnet.accounts[2]
    approval = base64.b64decode((CONTRACT / "approval.b64").read_text().strip())
    clear = base64.b64decode((CONTRACT / "clear.b64").read_text().strip())
    create = transaction.ApplicationCreateTxn(
        funder, client.suggested_params(), transaction.OnComplete.NoOpOC, approval, clear,
        transaction.StateSchema(4, 2), transaction.StateSchema(0, 0),
        app_args=[method("create").get_selector(), encoding.decode_address(funder),
                  encoding.decode_address(funder), (10_000_000).to_bytes(8, "big")],
    )
    app_id = transaction.wait_for_confirmation(client, client.send_transaction(create.sign(funder_key)), 4)["application-index"]
    params = client.suggested_params()
    params.flat_fee, params.fee = True, 2_000
    pay = transaction.PaymentTxn(funder, client.suggested_params(), logic.get_application_address(app_id), 250_000)
    call = transaction.ApplicationNoOpTxn(
        funder, params, app_id, app_args=[method("tip").get_selector(), abi.StringType().encode("gm")], accounts=[funder]
    )
    signed = [t.sign(funder_key) for t in transaction.assign_group_id([pay, call])]

    with pytest.raises(Exception, match=r"logic eval error.*pc="):
        client.send_transactions(signed)
