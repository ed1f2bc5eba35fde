use reqwest::StatusCode;
use tipforge_algo::AssetId;
use tipforge_algo::transaction::{AssetConfig, AssetFreeze, AssetParams, AssetTransfer};

use crate::helpers::{TestNet, fresh_key};

#[tokio::test]
async fn the_soulbound_sticker_life_cycle() {
    let net = TestNet::spawn().await;
    let (platform, fan) = (net.key(0), fresh_key(20));
    net.pay(&platform, fan.address(), 1_000_000).await;
    let params = AssetParams::new(1, 0)
        .unit_name("STK")
        .asset_name("Sticker #1")
        .url("ipfs://bafkreihs2oha3p6cseznnlhyj3uuntfoi6dmyt6yy3ohhlartox3omaomi#arc3")
        .metadata_hash([7; 32])
        .default_frozen(true)
        .manager(platform.address())
        .freeze(platform.address())
        .clawback(platform.address());
    let created = net.confirm(&[net.signed(&platform, AssetConfig::create(params)).await]).await;
    let asset = AssetId(created["asset-index"].as_u64().expect("asset id"));

    let (unopted, json) = net
        .submit(&[net.signed(&platform, AssetTransfer::new(asset, fan.address(), 1)).await])
        .await;
    assert_eq!(unopted, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("must optin"), "{json}");

    net.confirm(&[net.signed(&fan, AssetTransfer::opt_in(asset, fan.address())).await]).await;
    let (frozen, json) = net
        .submit(&[net.signed(&platform, AssetTransfer::new(asset, fan.address(), 1)).await])
        .await;
    assert_eq!(frozen, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("frozen in"), "{json}");

    let mut clawback = AssetTransfer::new(asset, fan.address(), 1);
    clawback.revoke_from = Some(platform.address());
    net.confirm(&[net.signed(&platform, clawback).await]).await;
    let (_, holding) = net.get(&format!("/v2/accounts/{}/assets/{}", fan.address(), asset.0)).await;
    assert_eq!(holding["asset-holding"]["amount"].as_u64(), Some(1));
    assert_eq!(holding["asset-holding"]["is-frozen"].as_bool(), Some(true));

    let (stuck, _) = net
        .submit(&[net.signed(&fan, AssetTransfer::new(asset, platform.address(), 1)).await])
        .await;
    assert_eq!(stuck, StatusCode::BAD_REQUEST);
    let (not_freezer, _) =
        net.submit(&[net.signed(&fan, AssetFreeze::new(asset, fan.address(), false)).await]).await;
    assert_eq!(not_freezer, StatusCode::BAD_REQUEST);

    net.confirm(&[net.signed(&platform, AssetFreeze::new(asset, fan.address(), false)).await])
        .await;
    let mut close = AssetTransfer::new(asset, platform.address(), 1);
    close.close_to = Some(platform.address());
    let closed = net.confirm(&[net.signed(&fan, close).await]).await;
    assert!(closed["confirmed-round"].as_u64().is_some(), "{closed}");
    let (_, account) = net.get(&format!("/v2/accounts/{}", fan.address())).await;
    assert_eq!(account["assets"].as_array().map(Vec::len), Some(0));
    assert_eq!(account["min-balance"].as_u64(), Some(100_000));

    net.confirm(&[net.signed(&platform, AssetConfig::destroy(asset)).await]).await;
    let (gone, _) = net.get(&format!("/v2/assets/{}", asset.0)).await;
    assert_eq!(gone, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn asset_params_read_back_as_algod_shows_them_and_limits_hold() {
    let net = TestNet::spawn().await;
    let creator = net.key(0);
    let params =
        AssetParams::new(1_000, 2).unit_name("TIP").asset_name("Tip").manager(creator.address());
    let created = net.confirm(&[net.signed(&creator, AssetConfig::create(params)).await]).await;
    let id = created["asset-index"].as_u64().expect("id");
    let mut too_long = net.txn(&creator, AssetConfig::create(AssetParams::new(1, 0))).await;
    if let tipforge_algo::TxnBody::AssetConfig(config) = &mut too_long.body {
        config.params.unit_name = "NINECHARS".into();
    }

    let (_, asset) = net.get(&format!("/v2/assets/{id}")).await;
    let (status, json) = net.submit(&[too_long.sign(&creator)]).await;

    assert_eq!(asset["index"].as_u64(), Some(id));
    assert_eq!(asset["params"]["unit-name"], "TIP");
    assert_eq!(asset["params"]["decimals"].as_u64(), Some(2));
    assert_eq!(asset["params"]["creator"], creator.address().to_string());
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().expect("message").contains("unit name too big"), "{json}");
}
