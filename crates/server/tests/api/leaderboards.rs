//! The global creator board, a creator's fan board and loyalty table.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Executor;
use tipforge_algo::Address;
use tipforge_server::Config;
use tipforge_server::domain::{RuleParameters, TemplateKind};

use crate::helpers::{TestApp, TestDb, TestWallet, error_code, registered_creator};
use crate::rewards::{Minted, loyalty, mint, sql, template, tip_of, tips};

/// Creators A (app 10, username "alice"), B (app 20) and C (app 30, never tipped); fans 1–3.
/// A receives 10 ALGO in six tips from three fans, B 20 ALGO in one tip from fan 1.
struct Boards {
    app: TestApp,
    a: Address,
    b: Address,
    c: Address,
    fans: [Address; 3],
}

async fn boards(db: TestDb) -> Boards {
    let app = TestApp::spawn_with(Config::test(), db).await;
    let (a, b, c) = (
        registered_creator(&app.store, 10).await,
        registered_creator(&app.store, 20).await,
        registered_creator(&app.store, 30).await,
    );
    let fans = [(); 3].map(|()| TestWallet::random().as_address());
    let all = [
        tip_of(1, 10, a, fans[0], 1_000_000),
        tip_of(2, 10, a, fans[0], 1_000_000),
        tip_of(3, 10, a, fans[0], 1_000_000),
        tip_of(4, 10, a, fans[1], 5_000_000),
        tip_of(5, 10, a, fans[2], 1_000_000),
        tip_of(6, 10, a, fans[2], 1_000_000),
        tip_of(7, 20, b, fans[0], 20_000_000),
    ];
    tips(&app.store, &all).await;
    let mut conn = sql(&app).await;
    conn.execute(format!("UPDATE users SET username = 'alice' WHERE wallet = '{a}'").as_str())
        .await
        .unwrap();
    let rules = RuleParameters::default();
    let a_sticker = template(&app.store, a, TemplateKind::Sticker, "a", rules).await;
    let b_sticker = template(&app.store, b, TemplateKind::Sticker, "b", rules).await;
    for (tip, template, asset_id) in
        [(&all[0], a_sticker, 1), (&all[1], a_sticker, 2), (&all[6], b_sticker, 3)]
    {
        let nft = Minted {
            tip,
            kind: TemplateKind::Sticker,
            template,
            asset_id,
            golden: false,
            awaiting_optin: false,
            minted_at: 0,
        };
        mint(&mut conn, &nft).await;
    }
    loyalty(&mut conn, fans[0], a, 3, 3_000_000, 0).await;
    loyalty(&mut conn, fans[1], a, 5, 5_000_000, 1).await;
    loyalty(&mut conn, fans[2], a, 10, 10_000_000, 2).await;
    loyalty(&mut conn, fans[0], b, 1, 20_000_000, 0).await;
    Boards { app, a, b, c, fans }
}

async fn ok(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.unwrap()
}

fn column(body: &Value, field: &str) -> Vec<Value> {
    body["data"].as_array().unwrap().iter().map(|rank| rank[field].clone()).collect()
}

on_both_databases!(
    creators_rank_by_what_they_received,
    a_creators_fans_rank_by_what_they_sent,
    the_loyalty_table_ranks_badges_first,
    limits_are_validated_and_unknown_creators_are_not_found,
    replayed_and_overlapping_batches_count_each_tip_once,
);

async fn creators_rank_by_what_they_received(db: TestDb) {
    let Boards { app, a, b, .. } = boards(db).await;

    let board = ok(&app, "/leaderboards/creators").await;
    let top = ok(&app, "/leaderboards/creators?limit=1").await;

    assert_eq!(column(&board, "creator"), [b.to_string(), a.to_string()]);
    assert_eq!(column(&board, "rank"), [1, 2]);
    assert_eq!(column(&board, "totalMicroAlgos"), [20_000_000, 10_000_000]);
    assert_eq!(column(&board, "tipCount"), [1, 6]);
    assert_eq!(column(&board, "uniqueFans"), [1, 3]);
    assert_eq!(column(&board, "appId"), [20, 10]);
    assert_eq!(column(&board, "username"), [Value::Null, "alice".into()]);
    assert_eq!(board["meta"]["limit"], 20);
    assert_eq!(column(&top, "creator"), [b.to_string()]);
    assert_eq!(top["meta"]["totalEntries"], 2);
    assert_eq!(top["meta"]["totalMicroAlgos"], 30_000_000);
}

async fn a_creators_fans_rank_by_what_they_sent(db: TestDb) {
    let Boards { app, a, c, fans, .. } = boards(db).await;

    let board = ok(&app, &format!("/creators/{a}/leaderboard")).await;
    let top = ok(&app, &format!("/creators/{a}/leaderboard?limit=2")).await;
    let quiet = ok(&app, &format!("/creators/{c}/leaderboard")).await;

    let order = [fans[1], fans[0], fans[2]].map(|fan| Value::from(fan.to_string()));
    assert_eq!(column(&board, "fan"), order);
    assert_eq!(column(&board, "totalMicroAlgos"), [5_000_000, 3_000_000, 2_000_000]);
    assert_eq!(column(&board, "tipCount"), [1, 3, 2]);
    assert_eq!(column(&board, "nftCount"), [0, 2, 0]);
    assert_eq!(column(&top, "fan"), order[..2]);
    assert_eq!(top["meta"]["totalEntries"], 3);
    assert_eq!(top["meta"]["totalMicroAlgos"], 10_000_000);
    assert_eq!(quiet["data"], serde_json::json!([]));
    assert_eq!(quiet["meta"]["totalEntries"], 0);
}

async fn the_loyalty_table_ranks_badges_first(db: TestDb) {
    let Boards { app, a, b, fans, .. } = boards(db).await;

    let table = ok(&app, &format!("/creators/{a}/loyalty")).await;
    let b_table = ok(&app, &format!("/creators/{b}/loyalty?limit=100")).await;

    let order = [fans[2], fans[1], fans[0]].map(|fan| Value::from(fan.to_string()));
    assert_eq!(column(&table, "fan"), order);
    assert_eq!(column(&table, "badges"), [2, 1, 0]);
    assert_eq!(column(&table, "qualifyingTips"), [10, 5, 3]);
    assert_eq!(column(&table, "rank"), [1, 2, 3]);
    assert_eq!(table["meta"]["totalEntries"], 3);
    assert_eq!(table["meta"]["totalMicroAlgos"], 18_000_000);
    assert_eq!(column(&b_table, "fan"), [fans[0].to_string()]);
}

async fn limits_are_validated_and_unknown_creators_are_not_found(db: TestDb) {
    let Boards { app, a, fans, .. } = boards(db).await;

    for route in ["/leaderboards/creators".to_owned(), format!("/creators/{a}/leaderboard")]
        .into_iter()
        .chain([format!("/creators/{a}/loyalty")])
    {
        for limit in ["0", "-1", "101", "x"] {
            let response = app.get(&format!("{route}?limit={limit}")).await;

            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{route}?limit={limit}");
            assert_eq!(
                error_code(response).await,
                if limit == "x" { "invalid_query" } else { "invalid_field" }
            );
        }
        assert_eq!(app.get(&format!("{route}?limit=100")).await.status(), StatusCode::OK);
    }
    for route in ["leaderboard", "loyalty"] {
        for wallet in [fans[0].to_string(), TestWallet::random().address()] {
            let response = app.get(&format!("/creators/{wallet}/{route}")).await;

            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{route} of {wallet}");
            assert_eq!(error_code(response).await, "not_found");
        }
        let response = app.get(&format!("/creators/nope/{route}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
}

/// The boards and a fan's statistics read per-(fan, creator) totals kept at ingest: a batch
/// replayed after a crash, or overlapping the one before, must not count a tip twice.
async fn replayed_and_overlapping_batches_count_each_tip_once(db: TestDb) {
    let app = TestApp::spawn_with(Config::test(), db).await;
    let (a, b) =
        (registered_creator(&app.store, 10).await, registered_creator(&app.store, 20).await);
    let fan = TestWallet::random().as_address();
    let all = [
        tip_of(1, 10, a, fan, 1_000_000),
        tip_of(2, 10, a, fan, 2_000_000),
        tip_of(3, 20, b, fan, 4_000_000),
        tip_of(4, 10, a, fan, 8_000_000),
    ];
    tips(&app.store, &all[..3]).await;
    tips(&app.store, &all[..3]).await;
    tips(&app.store, &all[1..]).await;

    let stats = ok(&app, &format!("/fans/{fan}/stats")).await["data"].clone();
    let fans_of_a = ok(&app, &format!("/creators/{a}/leaderboard")).await;
    let creators = ok(&app, "/leaderboards/creators").await;

    assert_eq!(stats["totalTips"], 4);
    assert_eq!(stats["totalMicroAlgos"], 15_000_000);
    assert_eq!(stats["uniqueCreators"], 2);
    let top = stats["topCreators"].as_array().unwrap();
    assert_eq!(
        (top[0]["creator"].clone(), top[0]["tipCount"].clone()),
        (a.to_string().into(), 3.into())
    );
    assert_eq!(top[0]["totalMicroAlgos"], 11_000_000);
    assert_eq!(top[1]["totalMicroAlgos"], 4_000_000);
    assert_eq!(column(&fans_of_a, "tipCount"), [3]);
    assert_eq!(column(&fans_of_a, "totalMicroAlgos"), [11_000_000]);
    assert_eq!(fans_of_a["meta"]["totalEntries"], 1);
    assert_eq!(column(&creators, "creator"), [a.to_string(), b.to_string()]);
    assert_eq!(column(&creators, "tipCount"), [3, 1]);
    assert_eq!(creators["meta"]["totalMicroAlgos"], 15_000_000);
}
