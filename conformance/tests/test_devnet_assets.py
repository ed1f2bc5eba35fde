"""py-algorand-sdk against `tipforge devnet`: the ASA life cycle of a soulbound ARC-3 sticker."""

import hashlib
import json

import pytest
from algosdk import account, error, transaction

from test_devnet_support import Devnet


@pytest.fixture(scope="module")
def devnet():
    net = Devnet()
    yield net
    net.stop()


def send(client, *signed):
    txid = client.send_transactions(list(signed)) if len(signed) > 1 else client.send_transaction(signed[0])
    return transaction.wait_for_confirmation(client, txid, 4)


def test_arc3_sticker_opt_in_clawback_freeze_close_out_destroy(devnet):
    client = devnet.algod()
    platform, platform_key = devnet.accounts[0]
    fan_key, fan = account.generate_account()
    send(client, transaction.PaymentTxn(platform, client.suggested_params(), fan, 1_000_000).sign(platform_key))
    metadata = json.dumps({"name": "Sticker #1", "decimals": 0, "image": "ipfs://x"}).encode()
    create = transaction.AssetConfigTxn(
        platform,
        client.suggested_params(),
        total=1,
        decimals=0,
        default_frozen=True,
        unit_name="STK",
        asset_name="Sticker #1",
        url="ipfs://bafkreihs2oha3p6cseznnlhyj3uuntfoi6dmyt6yy3ohhlartox3omaomi#arc3",
        metadata_hash=hashlib.sha256(metadata).digest(),
        manager=platform,
        reserve=platform,
        freeze=platform,
        clawback=platform,
        strict_empty_address_check=False,
    )
    asset_id = send(client, create.sign(platform_key))["asset-index"]
    params = client.asset_info(asset_id)["params"]
    assert params["metadata-hash"] == __import__("base64").b64encode(hashlib.sha256(metadata).digest()).decode()
    assert params["url"].endswith("#arc3") and params["default-frozen"] is True

    with pytest.raises(error.AlgodHTTPError, match="must optin"):
        client.send_transaction(
            transaction.AssetTransferTxn(platform, client.suggested_params(), fan, 1, asset_id).sign(platform_key)
        )
    send(client, transaction.AssetOptInTxn(fan, client.suggested_params(), asset_id).sign(fan_key))
    assert client.account_asset_info(fan, asset_id)["asset-holding"]["is-frozen"] is True

    with pytest.raises(error.AlgodHTTPError, match="frozen"):
        client.send_transaction(
            transaction.AssetTransferTxn(platform, client.suggested_params(), fan, 1, asset_id).sign(platform_key)
        )
    clawback = transaction.AssetTransferTxn(
        platform, client.suggested_params(), fan, 1, asset_id, revocation_target=platform
    )
    send(client, clawback.sign(platform_key))
    assert client.account_asset_info(fan, asset_id)["asset-holding"]["amount"] == 1

    with pytest.raises(error.AlgodHTTPError, match="frozen"):
        client.send_transaction(
            transaction.AssetTransferTxn(fan, client.suggested_params(), platform, 1, asset_id).sign(fan_key)
        )
    with pytest.raises(error.AlgodHTTPError, match="freeze not allowed"):
        client.send_transaction(
            transaction.AssetFreezeTxn(fan, client.suggested_params(), asset_id, fan, False).sign(fan_key)
        )
    send(client, transaction.AssetFreezeTxn(platform, client.suggested_params(), asset_id, fan, False).sign(platform_key))
    assert client.account_asset_info(fan, asset_id)["asset-holding"]["is-frozen"] is False

    close = transaction.AssetTransferTxn(fan, client.suggested_params(), platform, 1, asset_id, close_assets_to=platform)
    closed = send(client, close.sign(fan_key))
    assert closed.get("asset-closing-amount", 0) == 0
    assert client.account_info(fan)["assets"] == []
    assert client.account_info(fan)["min-balance"] == 100_000

    destroy = transaction.AssetDestroyTxn(platform, client.suggested_params(), asset_id)
    send(client, destroy.sign(platform_key))
    with pytest.raises(error.AlgodHTTPError):
        client.asset_info(asset_id)


def test_only_the_manager_reconfigures_and_cleared_roles_stay_cleared(devnet):
    client = devnet.algod()
    creator, creator_key = devnet.accounts[1]
    other_key, other = account.generate_account()
    send(client, transaction.PaymentTxn(creator, client.suggested_params(), other, 1_000_000).sign(creator_key))
    create = transaction.AssetCreateTxn(
        creator, client.suggested_params(), 100, 0, False, manager=creator, freeze=creator,
        unit_name="TIP", asset_name="Tip token",
    )
    asset_id = send(client, create.sign(creator_key))["asset-index"]

    with pytest.raises(error.AlgodHTTPError, match="should be issued by the manager"):
        client.send_transaction(
            transaction.AssetConfigTxn(other, client.suggested_params(), index=asset_id, manager=other,
                                       strict_empty_address_check=False).sign(other_key)
        )
    reconfigure = transaction.AssetConfigTxn(
        creator, client.suggested_params(), index=asset_id, manager=creator, strict_empty_address_check=False
    )
    send(client, reconfigure.sign(creator_key))

    params = client.asset_info(asset_id)["params"]
    assert params["manager"] == creator
    assert "freeze" not in params
    assert client.account_info(creator)["total-created-assets"] >= 1
