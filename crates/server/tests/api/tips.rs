//! `GET /tips`: listing, filters and cursor pagination over tips stored by the listener's path.

use reqwest::StatusCode;
use serde_json::Value;
use tipforge_algo::Round;
use tipforge_server::Config;
use tipforge_server::domain::Timestamp;

use crate::helpers::{TestApp, TestDb, TestWallet, error_code, registered_creator, tip};

const GENESIS: &str = "test-genesis-hash";

/// Five tips: three to creator A (app 10), two to creator B (app 20), from two fans.
async fn app_with_tips(db: TestDb) -> (TestApp, String, String, String) {
    let app = TestApp::spawn_with(Config::test(), db).await;
    let (a, b) =
        (registered_creator(&app.store, 10).await, registered_creator(&app.store, 20).await);
    let (fan, other_fan) = (TestWallet::random().as_address(), TestWallet::random().as_address());
    let tips = [
        tip(100, 0, 10, a, fan),
        tip(100, 3, 20, b, fan),
        tip(101, 1, 10, a, other_fan),
        tip(102, 0, 20, b, other_fan),
        tip(103, 5, 10, a, fan),
    ];
    let new = app.store.ingest_tips(GENESIS, Round(103), &tips, Timestamp(0)).await.unwrap();
    assert_eq!(new, 5);
    (app, a.to_string(), b.to_string(), fan.to_string())
}

async fn page(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/tips?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn txids(body: &Value) -> Vec<&str> {
    body["data"].as_array().unwrap().iter().map(|tip| tip["txid"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn tips_page_newest_first_until_the_cursor_runs_out() {
    let (app, ..) = app_with_tips(TestDb::sqlite().await).await;
    pages_through(&app).await;
}

#[tokio::test]
async fn tips_page_the_same_on_postgres() {
    let (app, ..) = app_with_tips(TestDb::postgres().await).await;
    pages_through(&app).await;
}

async fn pages_through(app: &TestApp) {
    let first = page(app, "limit=2").await;
    let cursor = first["meta"]["nextCursor"].as_str().unwrap();
    let second = page(app, &format!("limit=2&cursor={cursor}")).await;
    let cursor = second["meta"]["nextCursor"].as_str().unwrap();
    let last = page(app, &format!("limit=2&cursor={cursor}")).await;

    assert_eq!(txids(&first), ["TX-103-5", "TX-102-0"]);
    assert_eq!(txids(&second), ["TX-101-1", "TX-100-3"]);
    assert_eq!(txids(&last), ["TX-100-0"]);
    assert!(last["meta"]["nextCursor"].is_null());
    assert_eq!(first["meta"]["limit"], 2);
}

#[tokio::test]
async fn tips_are_shown_in_camel_case_with_amounts_in_microalgos() {
    let (app, a, _, fan) = app_with_tips(TestDb::sqlite().await).await;

    let body = page(&app, "limit=1").await;

    let tip = &body["data"][0];
    assert_eq!(tip["round"], 103);
    assert_eq!(tip["intraRound"], 5);
    assert_eq!(tip["appId"], 10);
    assert_eq!(tip["creator"], a.as_str());
    assert_eq!(tip["fan"], fan.as_str());
    assert_eq!(tip["amountMicroAlgos"], 1_000_103);
    assert_eq!(tip["memo"], "thanks!");
}

#[tokio::test]
async fn tips_filter_by_creator_and_by_fan() {
    let (app, a, b, fan) = app_with_tips(TestDb::sqlite().await).await;

    let to_a = page(&app, &format!("creator={a}")).await;
    let from_fan_to_b = page(&app, &format!("creator={b}&fan={fan}")).await;

    assert_eq!(txids(&to_a), ["TX-103-5", "TX-101-1", "TX-100-0"]);
    assert_eq!(txids(&from_fan_to_b), ["TX-100-3"]);
}

#[tokio::test]
async fn bad_listing_parameters_are_bad_requests() {
    let (app, ..) = app_with_tips(TestDb::sqlite().await).await;

    for query in ["limit=0", "limit=201", "cursor=bogus", "creator=nope", "fan=nope", "limit=x"] {
        let response = app.get(&format!("/tips?{query}")).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        error_code(response).await;
    }
}

#[tokio::test]
async fn each_tip_shows_what_the_reward_rules_decided() {
    let app = TestApp::spawn().await;
    let creator = registered_creator(&app.store, 30).await;
    let fan = TestWallet::random().as_address();
    let order = tipforge_server::domain::Tip {
        memo: b" ORDER:mug-7 ".to_vec(),
        ..tip(7, 0, 30, creator, fan)
    };
    app.store.ingest_tips(GENESIS, Round(7), &[order], Timestamp(0)).await.unwrap();

    let body = page(&app, "limit=1").await;

    let outcome = &body["data"][0]["outcome"];
    assert_eq!(outcome["rewarded"], false);
    assert_eq!(outcome["note"], "creator has no templates");
    assert_eq!(outcome["orderRef"], "mug-7");
}
