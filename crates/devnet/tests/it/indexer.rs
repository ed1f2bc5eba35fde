use tipforge_algo::MicroAlgos;
use tipforge_algo::transaction::Payment;

use crate::helpers::{TestNet, fresh_key};

#[tokio::test]
async fn searches_filter_page_and_run_newest_first_by_address() {
    let net = TestNet::spawn().await;
    let (funder, fan) = (net.key(0), fresh_key(70));
    let mut ids = Vec::new();
    for n in 0..5u64 {
        let txn = net.txn(&funder, Payment::new(fan.address(), MicroAlgos(200_000 + n))).await;
        let mut txn = txn;
        txn.header.note = format!("tip-{n}").into_bytes();
        let signed = txn.sign(&funder);
        ids.push(signed.id().to_string());
        net.confirm(&[signed]).await;
    }

    let mut seen = Vec::new();
    let mut next = String::new();
    loop {
        let path = format!("/v2/transactions?address={}&limit=2{next}", fan.address());
        let (_, page) = net.idx(&path).await;
        let txns = page["transactions"].as_array().expect("transactions").clone();
        if txns.is_empty() {
            break;
        }
        seen.extend(txns.iter().map(|t| t["id"].as_str().expect("id").to_owned()));
        next = format!("&next={}", page["next-token"].as_str().expect("token"));
    }
    let (_, by_note) = net.idx("/v2/transactions?note-prefix=dGlwLTM%3D&tx-type=pay").await;
    let (_, one) = net.idx(&format!("/v2/transactions/{}", ids[0])).await;
    let (_, oldest_first) = net.idx("/v2/transactions?tx-type=pay&limit=1").await;

    ids.reverse();
    assert_eq!(seen, ids);
    assert_eq!(by_note["transactions"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["transaction"]["payment-transaction"]["amount"].as_u64(), Some(200_000));
    assert_eq!(one["transaction"]["tx-type"], "pay");
    assert_eq!(oldest_first["transactions"][0]["id"].as_str(), ids.last().map(String::as_str));
}

/// The round times of the transactions of `account` an indexer search finds.
async fn round_times(net: &TestNet, account: &tipforge_algo::SecretKey, query: &str) -> Vec<i64> {
    let path = format!("/v2/accounts/{}/transactions?{query}", account.address());
    let (_, page) = net.idx(&path).await;
    let txns = page["transactions"].as_array().cloned().unwrap_or_default();
    txns.iter().map(|t| t["round-time"].as_i64().expect("time")).collect()
}

#[tokio::test]
async fn searches_keep_blocks_strictly_between_after_time_and_before_time() {
    let net = TestNet::spawn().await;
    let offset = net
        .client
        .post(format!("{}/v2/devmode/blocks/offset/100", net.algod))
        .header("X-Algo-API-Token", tipforge_devnet::LOCALNET_TOKEN)
        .send()
        .await
        .expect("request");
    assert!(offset.status().is_success());
    let fan = fresh_key(71);
    let mut times = Vec::new();
    for n in 0..3u64 {
        let (_, json) = net.pay(&net.key(0), fan.address(), 200_000 + n).await;
        let txid = json["txId"].as_str().expect("txId");
        let (_, found) = net.idx(&format!("/v2/transactions/{txid}")).await;
        times.push(found["transaction"]["round-time"].as_i64().expect("round-time"));
    }
    let rfc3339 = |t: i64| {
        let at = time::OffsetDateTime::from_unix_timestamp(t).expect("a valid time");
        at.format(&time::format_description::well_known::Rfc3339).expect("formats")
    };
    let window = format!("after-time={}&before-time={}", rfc3339(times[0]), rfc3339(times[2]));
    let between = round_times(&net, &fan, &window).await;
    let after = round_times(&net, &fan, &format!("after-time={}", rfc3339(times[0]))).await;
    let (status, refusal) = net.idx("/v2/transactions?before-time=yesterday").await;

    assert_eq!(between, vec![times[1]]);
    assert_eq!(after, vec![times[2], times[1]]);
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{refusal}");
}

#[tokio::test]
async fn account_and_asset_searches_filter_and_page_in_key_order() {
    use tipforge_algo::transaction::{AssetConfig, AssetParams, AssetTransfer};

    let net = TestNet::spawn().await;
    let (creator, fan) = (fresh_key(72), fresh_key(73));
    net.pay(&net.key(0), creator.address(), 10_000_000).await;
    net.pay(&net.key(0), fan.address(), 10_000_000).await;
    let mut assets = Vec::new();
    for (name, unit) in [("Gold Sticker", "GOLD"), ("Silver Sticker", "SLV"), ("Badge", "BDG")] {
        let params = AssetParams::new(100, 0).asset_name(name).unit_name(unit);
        let created = net.confirm(&[net.signed(&creator, AssetConfig::create(params)).await]).await;
        let asset = tipforge_algo::AssetId(created["asset-index"].as_u64().expect("asset"));
        net.confirm(&[net.signed(&fan, AssetTransfer::opt_in(asset, fan.address())).await]).await;
        assets.push(asset.0);
    }
    net.confirm(&[net
        .signed(&creator, AssetTransfer::new(tipforge_algo::AssetId(assets[1]), fan.address(), 7))
        .await])
        .await;

    let ids = |page: &serde_json::Value, list: &str, key: &str| -> Vec<u64> {
        let items = page[list].as_array().cloned().unwrap_or_default();
        items.iter().map(|item| item[key].as_u64().expect("id")).collect()
    };
    let (_, stickers) =
        net.idx(&format!("/v2/assets?creator={}&name=sticker", creator.address())).await;
    let (_, by_unit) = net.idx("/v2/assets?unit=bdg").await;
    let (_, first) = net.idx(&format!("/v2/accounts/{}/assets?limit=2", fan.address())).await;
    let next = first["next-token"].as_str().expect("a next token").to_owned();
    let (_, second) =
        net.idx(&format!("/v2/accounts/{}/assets?limit=2&next={next}", fan.address())).await;
    let (_, holders) = net
        .idx(&format!(
            "/v2/accounts?asset-id={}&currency-greater-than=0&currency-less-than=50",
            assets[1]
        ))
        .await;
    let (_, rich) = net.idx("/v2/accounts?currency-greater-than=1000000000&limit=2").await;
    let rich_next = rich["next-token"].as_str().expect("a next token").to_owned();
    let (_, rest) =
        net.idx(&format!("/v2/accounts?currency-greater-than=1000000000&next={rich_next}")).await;

    assert_eq!(ids(&stickers, "assets", "index"), vec![assets[0], assets[1]]);
    assert_eq!(ids(&by_unit, "assets", "index"), vec![assets[2]]);
    assert_eq!(ids(&first, "assets", "asset-id"), vec![assets[0], assets[1]]);
    assert_eq!(ids(&second, "assets", "asset-id"), vec![assets[2]]);
    let holder_addresses: Vec<_> = holders["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["address"].clone())
        .collect();
    assert_eq!(holder_addresses, vec![serde_json::json!(fan.address().to_string())]);
    let addresses = |page: &serde_json::Value| -> Vec<String> {
        let accounts = page["accounts"].as_array().cloned().unwrap_or_default();
        accounts.iter().map(|a| a["address"].as_str().expect("address").to_owned()).collect()
    };
    let mut all = addresses(&rich);
    all.extend(addresses(&rest));
    let mut funded: Vec<String> =
        net.handle.accounts().iter().map(|a| a.address.to_string()).collect();
    let mut sorted = all.clone();
    sorted.sort_by_key(|a| a.parse::<tipforge_algo::Address>().expect("address"));
    funded.sort_by_key(|a| a.parse::<tipforge_algo::Address>().expect("address"));
    assert_eq!(all.len(), 5, "{all:?}");
    assert_eq!(all, sorted);
    assert_eq!(all, funded);
}
