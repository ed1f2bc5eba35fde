//! A fan's NFTs, awaiting opt-ins, statistics and golden odds, and `GET /nfts/{assetId}`, over
//! rewards written as the minter records them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::Value;
use tipforge_algo::{Address, AssetId, MicroAlgos, Transaction, TxnBody};
use tipforge_server::Config;
use tipforge_server::domain::{RuleParameters, TemplateKind};

use crate::helpers::{TestApp, TestDb, TestWallet, error_code, registered_creator};
use crate::rewards::{Minted, mint, sql, template, tip_of, tips};

/// Two creators, A (app 10) and B (app 20); a fan F with twelve tips and nine NFTs, another fan
/// with two. F's NFTs, newest first: 109, 108, 107, 106, 105, 104, 103, 102, 101 (ties in
/// minting time are broken by asset id).
struct Collection {
    app: TestApp,
    a: Address,
    b: Address,
    fan: Address,
}

/// (round, creator is A, kind is a badge, golden, awaiting opt-in, minted at seconds)
const FAN_NFTS: [(u64, bool, bool, bool, bool, i64); 9] = [
    (1, true, false, false, false, 1),
    (2, true, false, true, false, 2),
    (3, true, true, false, false, 2),
    (4, false, false, false, true, 3),
    (5, false, false, true, false, 3),
    (6, true, false, false, false, 4),
    (7, false, false, false, true, 5),
    (8, true, false, true, false, 5),
    (9, true, true, false, false, 6),
];

async fn collection(db: TestDb) -> Collection {
    let app = TestApp::spawn_with(Config::test(), db).await;
    let (a, b) =
        (registered_creator(&app.store, 10).await, registered_creator(&app.store, 20).await);
    let (fan, other) = (TestWallet::random().as_address(), TestWallet::random().as_address());
    let sticker_rules = RuleParameters {
        threshold: Some(MicroAlgos(1_000_000)),
        golden_odds_bps: Some(2_000),
        every_nth_tip: Some(5),
        ..RuleParameters::default()
    };
    let a_sticker =
        template(&app.store, a, TemplateKind::Sticker, "a-sticker", sticker_rules).await;
    let a_badge =
        template(&app.store, a, TemplateKind::LoyaltyBadge, "a-badge", RuleParameters::default())
            .await;
    let b_sticker =
        template(&app.store, b, TemplateKind::Sticker, "b-sticker", RuleParameters::default())
            .await;
    let mut all = Vec::new();
    for (round, to_a, ..) in FAN_NFTS {
        let (creator, app_id) = if to_a { (a, 10) } else { (b, 20) };
        all.push(tip_of(round, app_id, creator, fan, round * 1_000_000));
    }
    all.push(tip_of(10, 10, a, other, 1_000_000));
    all.push(tip_of(11, 20, b, other, 1_000_000));
    for round in 12..=14 {
        all.push(tip_of(round, 20, b, fan, 1_000_000));
    }
    tips(&app.store, &all).await;
    let mut conn = sql(&app).await;
    for (index, (round, to_a, badge, golden, awaiting_optin, seconds)) in
        FAN_NFTS.into_iter().enumerate()
    {
        let (kind, template) = match (to_a, badge) {
            (true, true) => (TemplateKind::LoyaltyBadge, a_badge),
            (true, false) => (TemplateKind::Sticker, a_sticker),
            (false, _) => (TemplateKind::Sticker, b_sticker),
        };
        let nft = Minted {
            tip: &all[index],
            kind,
            template,
            asset_id: 100 + round,
            golden,
            awaiting_optin,
            minted_at: seconds * 1_000,
        };
        mint(&mut conn, &nft).await;
    }
    for (index, (template, asset_id)) in
        [(a_sticker, 110), (b_sticker, 111)].into_iter().enumerate()
    {
        let nft = Minted {
            tip: &all[9 + index],
            kind: TemplateKind::Sticker,
            template,
            asset_id,
            golden: false,
            awaiting_optin: false,
            minted_at: 9_000,
        };
        mint(&mut conn, &nft).await;
    }
    Collection { app, a, b, fan }
}

async fn ok(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.unwrap()
}

fn asset_ids(body: &Value) -> Vec<u64> {
    body["data"].as_array().unwrap().iter().map(|nft| nft["assetId"].as_u64().unwrap()).collect()
}

/// Follows `nextCursor` from the first page to the last, returning every asset id in order.
async fn every_page(app: &TestApp, path: &str, query: &str) -> (Vec<u64>, Vec<Value>) {
    let (mut ids, mut metas) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let after = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let body = ok(app, &format!("{path}?{query}{after}")).await;
        ids.extend(asset_ids(&body));
        metas.push(body["meta"].clone());
        match body["meta"]["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return (ids, metas),
        }
        assert!(metas.len() < 50, "pagination does not end");
    }
}

on_both_databases!(
    pages_cover_every_nft_once_with_totals_for_the_whole_collection,
    filters_narrow_the_pages_and_the_totals,
    stats_aggregate_every_tip_and_nft,
    a_fan_without_tips_has_zero_stats,
    one_nft_shows_its_owner_template_tip_and_delivery,
    nfts_awaiting_opt_in_come_with_an_unsigned_opt_in_transaction,
    golden_odds_follow_the_defaults_or_the_creators_sticker,
);

async fn pages_cover_every_nft_once_with_totals_for_the_whole_collection(db: TestDb) {
    let Collection { app, fan, .. } = collection(db).await;

    let (ids, metas) = every_page(&app, &format!("/fans/{fan}/nfts"), "limit=2").await;

    assert_eq!(ids, [109, 108, 107, 106, 105, 104, 103, 102, 101]);
    assert_eq!(metas.len(), 5);
    for meta in &metas {
        let totals = &meta["totals"];
        assert_eq!(meta["limit"], 2);
        assert_eq!(totals["total"], 9);
        assert_eq!(totals["byVariant"]["soulbound"], 6);
        assert_eq!(totals["byVariant"]["golden"], 3);
        assert_eq!(totals["byKind"]["sticker"], 7);
        assert_eq!(totals["byKind"]["loyalty_badge"], 2);
        assert_eq!(totals["byKind"]["membership"], 0);
        assert_eq!(totals["awaitingOptin"], 2);
    }
}

async fn filters_narrow_the_pages_and_the_totals(db: TestDb) {
    let Collection { app, a, b, fan } = collection(db).await;
    let path = format!("/fans/{fan}/nfts");

    let cases = [
        ("kind=loyalty_badge&limit=1".to_owned(), vec![109, 103]),
        (format!("creator={b}&limit=2"), vec![107, 105, 104]),
        ("variant=golden&limit=2".to_owned(), vec![108, 105, 102]),
        (format!("creator={a}&variant=golden"), vec![108, 102]),
        (format!("creator={a}&kind=sticker&variant=soulbound"), vec![106, 101]),
    ];
    for (query, expected) in cases {
        let (ids, metas) = every_page(&app, &path, &query).await;

        assert_eq!(ids, expected, "{query}");
        assert_eq!(metas[0]["totals"]["total"], expected.len(), "{query}");
    }
    let other_fan = TestWallet::random().address();
    let (ids, metas) = every_page(&app, &format!("/fans/{other_fan}/nfts"), "").await;
    assert!(ids.is_empty());
    assert_eq!(metas[0]["totals"]["total"], 0);
}

async fn stats_aggregate_every_tip_and_nft(db: TestDb) {
    let Collection { app, a, b, fan } = collection(db).await;

    let stats = ok(&app, &format!("/fans/{fan}/stats")).await["data"].clone();

    assert_eq!(stats["wallet"], fan.to_string());
    assert_eq!(stats["totalTips"], 12);
    assert_eq!(stats["totalMicroAlgos"], 48_000_000);
    assert_eq!(stats["averageTipMicroAlgos"], 4_000_000);
    assert_eq!(stats["uniqueCreators"], 2);
    assert_eq!(stats["totalNfts"], 9);
    assert_eq!(stats["nftsByVariant"]["golden"], 3);
    assert_eq!(stats["nftsByKind"]["loyalty_badge"], 2);
    let top = stats["topCreators"].as_array().unwrap();
    assert_eq!(top[0]["creator"], a.to_string());
    assert_eq!(top[0]["tipCount"], 6);
    assert_eq!(top[0]["totalMicroAlgos"], 29_000_000);
    assert_eq!(top[1]["creator"], b.to_string());
    assert_eq!(top[1]["totalMicroAlgos"], 19_000_000);
    let recent = stats["recentTips"].as_array().unwrap();
    assert_eq!(recent.len(), 10);
    assert_eq!(recent[0]["txid"], "TX-14");
    assert_eq!(recent[9]["txid"], "TX-3");
}

async fn a_fan_without_tips_has_zero_stats(db: TestDb) {
    let app = TestApp::spawn_with(Config::test(), db).await;

    let stats = ok(&app, &format!("/fans/{}/stats", TestWallet::random().address())).await;

    assert_eq!(stats["data"]["totalTips"], 0);
    assert_eq!(stats["data"]["averageTipMicroAlgos"], 0);
    assert_eq!(stats["data"]["topCreators"], serde_json::json!([]));
}

#[tokio::test]
async fn bad_listing_parameters_are_bad_requests() {
    let Collection { app, fan, .. } = collection(TestDb::sqlite().await).await;

    for query in [
        "limit=0",
        "limit=-1",
        "limit=101",
        "limit=x",
        "cursor=bogus",
        "kind=hat",
        "variant=shiny",
        "creator=nope",
        "colour=red",
    ] {
        for route in ["nfts", "awaiting-optin"] {
            let response = app.get(&format!("/fans/{fan}/{route}?{query}")).await;

            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{route}?{query}");
            error_code(response).await;
        }
    }
    for path in ["/fans/nope/nfts", "/fans/nope/stats", "/fans/nope/awaiting-optin"] {
        assert_eq!(app.get(path).await.status(), StatusCode::BAD_REQUEST, "{path}");
    }
}

async fn one_nft_shows_its_owner_template_tip_and_delivery(db: TestDb) {
    let Collection { app, b, fan, .. } = collection(db).await;

    let nft = ok(&app, "/nfts/104").await["data"].clone();

    assert_eq!(nft["assetId"], 104);
    assert_eq!(nft["owner"], fan.to_string());
    assert_eq!(nft["creator"], b.to_string());
    assert_eq!(nft["tipTxid"], "TX-4");
    assert_eq!(nft["kind"], "sticker");
    assert_eq!(nft["variant"], "soulbound");
    assert_eq!(nft["delivery"], "awaiting_optin");
    assert!(nft["deliveryTxid"].is_null());
    assert_eq!(nft["mintedAt"], "1970-01-01T00:00:03Z");
    assert_eq!(nft["template"]["name"], "b-sticker");
    assert_eq!(nft["template"]["imageUrl"], "/ipfs/bafy-b-sticker");
    assert_eq!(nft["template"]["metadataUrl"], "ipfs://bafy-meta-b-sticker#arc3");
    let delivered = ok(&app, "/nfts/105").await;
    assert_eq!(delivered["data"]["deliveryTxid"], "DELIVER-105");

    let missing = app.get("/nfts/999").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(missing).await, "not_found");
    for bad in ["abc", "-1"] {
        assert_eq!(app.get(&format!("/nfts/{bad}")).await.status(), StatusCode::BAD_REQUEST);
    }
}

async fn nfts_awaiting_opt_in_come_with_an_unsigned_opt_in_transaction(db: TestDb) {
    let Collection { app, fan, .. } = collection(db).await;

    let body = ok(&app, &format!("/fans/{fan}/awaiting-optin")).await;

    let items = body["data"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(body["meta"]["totals"]["total"], 2);
    for (item, asset) in items.iter().zip([107, 104]) {
        assert_eq!(item["nft"]["assetId"], asset);
        let opt_in = &item["optIn"];
        let bytes = STANDARD.decode(opt_in["txn"].as_str().unwrap()).unwrap();
        let txn = Transaction::decode(&bytes).unwrap();
        assert_eq!(txn.id().to_string(), opt_in["txid"].as_str().unwrap());
        assert_eq!(txn.header.sender, fan);
        assert_eq!(txn.header.last_valid.0, opt_in["lastValid"].as_u64().unwrap());
        assert!(txn.header.last_valid.0 > txn.header.first_valid.0);
        let TxnBody::AssetTransfer(transfer) = txn.body else { panic!("not an axfer") };
        assert_eq!(transfer.asset, AssetId(asset));
        assert_eq!(transfer.receiver, fan);
        assert_eq!(transfer.amount, 0);
    }
    let none = ok(&app, &format!("/fans/{}/awaiting-optin", TestWallet::random().address())).await;
    assert_eq!(none["data"], serde_json::json!([]));
}

async fn golden_odds_follow_the_defaults_or_the_creators_sticker(db: TestDb) {
    let Collection { app, a, fan, .. } = collection(db).await;

    let default = ok(&app, "/golden-odds?amount=5000000").await["data"].clone();
    let a_sticker =
        ok(&app, &format!("/golden-odds?amount=2000000&creator={a}")).await["data"].clone();
    let under = ok(&app, &format!("/golden-odds?amount=500000&creator={a}")).await["data"].clone();
    let whale = ok(&app, "/golden-odds?amount=50000000").await["data"].clone();

    assert_eq!(default["baseBps"], 1_000);
    assert_eq!(default["bonusBps"], 500);
    assert_eq!(default["totalBps"], 1_500);
    assert_eq!(default["totalPercent"], "15.00");
    assert_eq!(default["guaranteedEvery"], 10);
    assert!(default["eligible"].is_null());
    assert!(default["description"].as_str().unwrap().starts_with("15.00% chance"));
    assert_eq!(a_sticker["baseBps"], 2_000);
    assert_eq!(a_sticker["totalPercent"], "20.00");
    assert_eq!(a_sticker["guaranteedEvery"], 5);
    assert_eq!(a_sticker["eligible"], true);
    assert_eq!(a_sticker["template"]["name"], "a-sticker");
    assert_eq!(under["eligible"], false);
    assert!(under["template"].is_null());
    assert_eq!(whale["totalBps"], 3_000);

    for query in ["amount=0", "amount=-5", "amount=x", "", "amount=1&creator=nope"] {
        let response = app.get(&format!("/golden-odds?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        error_code(response).await;
    }
    for creator in [fan.to_string(), TestWallet::random().address()] {
        let response = app.get(&format!("/golden-odds?amount=1&creator={creator}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}
