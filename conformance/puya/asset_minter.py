"""Inner transactions: create an ASA and send it with a clawback transfer."""

from algopy import ARC4Contract, Asset, Global, Txn, UInt64, arc4, itxn


class AssetMinter(ARC4Contract):
    @arc4.abimethod
    def mint(self, name: arc4.String, url: arc4.String) -> UInt64:
        created = itxn.AssetConfig(
            total=1,
            decimals=0,
            asset_name=name.native,
            unit_name=b"TIP",
            url=url.native,
            manager=Global.current_application_address,
            clawback=Global.current_application_address,
            freeze=Global.current_application_address,
            default_frozen=True,
            fee=0,
        ).submit()
        return created.created_asset.id

    @arc4.abimethod
    def deliver(self, asset: Asset) -> None:
        itxn.AssetTransfer(
            xfer_asset=asset,
            asset_amount=1,
            asset_sender=Global.current_application_address,
            asset_receiver=Txn.sender,
            fee=0,
        ).submit()
