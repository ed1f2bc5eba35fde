"""py-algorand-sdk's indexer client against `tipforge devnet`: searches, filters, paging."""

import base64

import pytest
from algosdk import account, transaction

from test_devnet_support import Devnet


@pytest.fixture(scope="module")
def devnet():
    net = Devnet()
    yield net
    net.stop()


def test_searches_page_filter_and_order_like_indexer(devnet):
    client, search = devnet.algod(), devnet.indexer()
    sender, key = devnet.accounts[0]
    _, fan = account.generate_account()
    ids = []
    for n in range(5):
        txn = transaction.PaymentTxn(sender, client.suggested_params(), fan, 200_000 + n, note=f"tip-{n}".encode())
        ids.append(client.send_transaction(txn.sign(key)))
        transaction.wait_for_confirmation(client, ids[-1], 4)

    seen, token = [], None
    while True:
        page = search.search_transactions_by_address(fan, limit=2, next_page=token)
        if not page["transactions"]:
            break
        seen += [t["id"] for t in page["transactions"]]
        token = page["next-token"]
    assert seen == list(reversed(ids))

    by_note = search.search_transactions(note_prefix=b"tip-3", txn_type="pay")
    assert [t["id"] for t in by_note["transactions"]] == [ids[3]]
    one = search.transaction(ids[0])["transaction"]
    assert one["payment-transaction"] == {"amount": 200_000, "receiver": fan, "close-amount": 0} or (
        one["payment-transaction"]["amount"] == 200_000
    )
    assert base64.b64decode(one["note"]) == b"tip-0"
    ranged = search.search_transactions(min_round=one["confirmed-round"], max_round=one["confirmed-round"])
    assert [t["id"] for t in ranged["transactions"]] == [ids[0]]
    assert search.account_info(fan)["account"]["amount"] == sum(200_000 + n for n in range(5))
    assert search.health()["round"] == client.status()["last-round"]


def test_asset_balances_and_created_assets(devnet):
    client, search = devnet.algod(), devnet.indexer()
    creator, key = devnet.accounts[1]
    create = transaction.AssetCreateTxn(creator, client.suggested_params(), 10, 0, False, unit_name="IX", asset_name="Indexed")
    asset_id = transaction.wait_for_confirmation(client, client.send_transaction(create.sign(key)), 4)["asset-index"]

    balances = search.asset_balances(asset_id)["balances"]
    created = search.lookup_account_asset_by_creator(creator)["assets"] if hasattr(search, "lookup_account_asset_by_creator") else None
    found = search.search_transactions(asset_id=asset_id)["transactions"]

    assert balances == [{"address": creator, "amount": 10, "is-frozen": False, "deleted": False}]
    assert created is None or any(a["index"] == asset_id for a in created)
    assert found[0]["created-asset-index"] == asset_id
    assert found[0]["asset-config-transaction"]["params"]["unit-name"] == "IX"
